"""Whether a chart's figures passed reconciliation: the stored findings that name any of them.

Pure: findings come as the reconciliation selectors give them (dicts with severity, cells as
[[place, amount], …] and, for errors, the reviewer's acknowledgement or None).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Check:
    checked: bool
    errors: int = 0  # contradictions no reviewer acknowledged
    acknowledged: int = 0  # contradictions printed so in the original, acknowledged
    warnings: int = 0  # gaps or changes that want an explanation

    @property
    def passed(self) -> bool:
        return self.checked and not self.errors

    @property
    def short(self) -> str:
        """A table cell's word: 通过 / 未通过 / 原文如此 / 未核对."""
        if not self.checked:
            return _("未核对")
        if self.errors:
            return _("未通过")
        return _("通过（原文如此）") if self.acknowledged else _("通过")

    @property
    def sentence(self) -> str:
        if not self.checked:
            return _("这些数字尚未经过自动核对。")
        if self.errors:
            text = _("核对未通过：有 %(n)s 处矛盾涉及本图的数字") % {"n": self.errors}
        elif self.acknowledged:
            text = _("已通过自动核对：涉及本图数字的 %(n)s 处矛盾经审核人员确认为原文如此") % {
                "n": self.acknowledged
            }
        else:
            text = _("已通过自动核对：本图的数字与所在决算的其他数字一致")
        if self.warnings:
            text += _("；另有 %(n)s 处差异或变动需要说明原因") % {"n": self.warnings}
        return text + _("（详见数据核对）。")


def check(*, checked: bool, findings: Iterable[dict], places: Iterable[str]) -> Check:
    """The findings that name any of `places` (where the chart's figures are printed)."""
    if not checked:
        return Check(checked=False)
    places = set(places)
    errors = acknowledged = warnings = 0
    for finding in findings:
        if not any(cell[0] in places for cell in finding["cells"]):
            continue
        if finding["severity"] == ERROR:
            if finding.get("acknowledgement"):
                acknowledged += 1
            else:
                errors += 1
        elif finding["severity"] == WARNING:
            warnings += 1
    return Check(True, errors, acknowledged, warnings)
