"""Publishing a document as printed: a reviewer acknowledges each printed contradiction.

An acknowledgement counts only while its finding is still found with the same figures
(models.acknowledgements.finding_key): correct a figure and it is stale, so it neither lets
publication through nor shows beside the figures. disclosure_publish asks `unacknowledged`.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from disclosure.access import require_visible
from disclosure.models import Disclosure, FindingAcknowledgement
from disclosure.models.acknowledgements import finding_key as key_of
from disclosure.models.states import PUBLISH
from disclosure.reconciliation.engine import Finding
from disclosure.reconciliation.selectors import reconciliation_errors

ACKNOWLEDGE_PERMISSION = "disclosure.acknowledge_errors"
REFUSED = "只有有权确认“原文如此”的审核人员可以确认核对错误。"
WRONG_STATUS = "只能在审核时（已提交审核的决算公开）确认核对错误为原文如此。"
NOT_FOUND = "该核对错误已不存在（数字可能已更正），请刷新页面后再确认。"
REASON_MISSING = "请填写确认理由，例如：原文如此，以原件为准。"


def acknowledged_keys(disclosure: Disclosure) -> set[str]:
    return set(
        FindingAcknowledgement.objects.filter(disclosure=disclosure).values_list("key", flat=True)
    )


def unacknowledged(disclosure: Disclosure, errors: list[Finding]) -> list[Finding]:
    """The error findings (computed now) that no acknowledgement of this revision matches."""
    keys = acknowledged_keys(disclosure)
    return [f for f in errors if finding_key_of(f) not in keys]


@transaction.atomic
def finding_acknowledge(
    *, disclosure: Disclosure, finding_key: str, reason: str, by: AbstractBaseUser
) -> FindingAcknowledgement:
    """Record that the error `finding_key` is printed so in the original, with the reason.

    Only during review (the statuses PUBLISH starts from), by a reviewer who may see the
    disclosure and holds the permission. Acknowledging again replaces the reason.
    """
    if not by.has_perm(ACKNOWLEDGE_PERMISSION):
        raise PermissionDenied(REFUSED)
    require_visible(by, disclosure)
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.status not in PUBLISH.sources:
        raise ValidationError(WRONG_STATUS)
    reason = reason.strip()
    if not reason:
        raise ValidationError(REASON_MISSING)
    current = {finding_key_of(f): f for f in reconciliation_errors(disclosure)}
    finding = current.get(finding_key)
    if finding is None:
        raise ValidationError(NOT_FOUND)
    acknowledgement = FindingAcknowledgement.objects.filter(
        disclosure=disclosure, key=finding_key
    ).first() or FindingAcknowledgement(disclosure=disclosure, key=finding_key)
    acknowledgement.rule = finding.rule
    acknowledgement.message = finding.message
    acknowledgement.reason = reason
    acknowledgement.acknowledged_by = by
    acknowledgement.acknowledged_at = timezone.now()
    acknowledgement._history_user = by
    acknowledgement._change_reason = f"确认原文如此：{reason}"
    acknowledgement.full_clean()
    acknowledgement.save()
    return acknowledgement


def finding_key_of(finding: Finding) -> str:
    return key_of(finding.rule, finding.cells)
