"""A reviewer's word that a contradiction is printed so in the original document.

Real documents contain printed contradictions (a class printed 0.01 apart in two tables). A
faithful copy keeps them, the engine rightly calls them errors, and publication is refused until
a reviewer acknowledges each one with a reason ("原文如此，以原件为准"). Findings are computed
again on every save, so an acknowledgement names its finding by a stable key (the rule and the
figures it concerns, see finding_key), never by a stored finding's id: once a figure changes
the key no longer matches and the acknowledgement is stale — it counts for nothing.
"""

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from .frozen import DisclosurePart
from .states import EDITABLE_STATUSES, DisclosureStatus

CENT = Decimal("0.01")


def finding_key(rule: str, cells: Iterable) -> str:
    """The finding's identity: rule + its figures, as [[label, 元 or None], …] in any order.

    Works on the engine's findings (Decimal values) and on stored ones (strings) alike.
    """
    figures = sorted(
        [str(label), None if value is None else str(Decimal(str(value)).quantize(CENT))]
        for label, value in cells
    )
    text = json.dumps([rule, figures], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


class FindingAcknowledgement(DisclosurePart):
    # Recorded during the review: the disclosure is submitted then, and no longer the clerks'.
    writable_statuses = (*EDITABLE_STATUSES, DisclosureStatus.SUBMITTED)

    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="acknowledgements"
    )
    key = models.CharField("核对结果标识", max_length=64, help_text="规则与涉及数字的摘要")
    rule = models.CharField("核对规则", max_length=40)
    message = models.TextField("确认时的核对说明")
    reason = models.TextField("确认理由", help_text="例如：原文如此，以原件为准")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="确认人",
    )
    acknowledged_at = models.DateTimeField("确认时间")

    class Meta(DisclosurePart.Meta):
        verbose_name = "原文如此的确认"
        verbose_name_plural = "原文如此的确认"
        ordering = ["disclosure", "acknowledged_at", "pk"]
        permissions = [("acknowledge_errors", "可以确认核对错误为原文如此，以便发布")]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "key"], name="acknowledgement_once"),
            models.CheckConstraint(
                condition=~Q(reason__regex=r"^\s*$"),
                name="acknowledgement_reason_not_blank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule}：{self.reason[:30]}"
