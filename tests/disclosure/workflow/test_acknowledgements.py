"""Publishing a document as printed: Putuo 2024 prints three contradictions (236.63 vs 236.64
twice, 3845.25 vs 3845.24); a reviewer acknowledges each with a reason, then may publish."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from disclosure.models import Cell, Disclosure, FindingAcknowledgement, finding_key
from disclosure.reconciliation.selectors import reconciliation_errors
from disclosure.workflow import services
from disclosure.workflow.acknowledgements import finding_acknowledge
from tests.factories import AUDITOR, CLERK, REVIEWER, user_in_role

pytestmark = pytest.mark.django_db
REASON = "原文如此，以原件为准"


@pytest.fixture
def clerk(putuo):
    return user_in_role(CLERK, agencies=[putuo.agency])


@pytest.fixture
def reviewer(db):
    return user_in_role(REVIEWER)


@pytest.fixture
def submitted(putuo, clerk):
    """Putuo reopened as a correction draft (same figures) and submitted for review."""
    from tests.factories import reopened

    draft = reopened(putuo)
    return services.disclosure_submit(disclosure=draft, by=clerk)


def keys(disclosure) -> list[str]:
    return [finding_key(f.rule, f.cells) for f in reconciliation_errors(disclosure)]


def acknowledge_all(disclosure, by, skip: int | None = None) -> None:
    for i, key in enumerate(keys(disclosure)):
        if i != skip:
            finding_acknowledge(disclosure=disclosure, finding_key=key, reason=REASON, by=by)


def test_putuo_is_refused_while_an_error_is_unacknowledged_as_today(submitted, reviewer):
    with pytest.raises(ValidationError) as refused:
        services.disclosure_publish(disclosure=submitted, by=reviewer, note="说明")
    assert refused.value.messages[0] == "核对发现错误，不能发布："
    assert len(refused.value.messages) == 4
    assert Disclosure.objects.get(pk=submitted.pk).status == "submitted"


@pytest.mark.parametrize("missing", [0, 1, 2])
def test_each_missing_acknowledgement_refuses_and_is_listed(submitted, reviewer, missing):
    errors = reconciliation_errors(submitted)
    acknowledge_all(submitted, reviewer, skip=missing)
    before = submitted.history.count()
    with pytest.raises(ValidationError) as refused:
        services.disclosure_publish(disclosure=submitted, by=reviewer, note="说明")
    assert refused.value.messages == ["核对发现错误，不能发布：", errors[missing].message]
    # Nothing written on refusal.
    stored = Disclosure.objects.get(pk=submitted.pk)
    assert (stored.status, stored.version) == ("submitted", submitted.version)
    assert stored.history.count() == before


def test_putuo_publishes_once_every_error_is_acknowledged(submitted, reviewer, putuo):
    acknowledge_all(submitted, reviewer)
    rows = FindingAcknowledgement.objects.filter(disclosure=submitted)
    assert rows.count() == 3
    assert {(a.reason, a.acknowledged_by_id) for a in rows} == {(REASON, reviewer.pk)}
    assert FindingAcknowledgement.history.filter(disclosure_id=submitted.pk).count() == 3
    published = services.disclosure_publish(disclosure=submitted, by=reviewer, note="说明")
    assert published.status == "published"
    record = published.history.latest("history_date")
    assert record.history_change_reason == "发布（3 处核对错误已确认原文如此）"
    assert record.history_user_id == reviewer.pk
    putuo.refresh_from_db()
    assert putuo.status == "superseded"


def test_acknowledging_again_replaces_the_reason_with_history(submitted, reviewer):
    key = keys(submitted)[0]
    finding_acknowledge(disclosure=submitted, finding_key=key, reason="原文如此", by=reviewer)
    finding_acknowledge(disclosure=submitted, finding_key=key, reason=REASON, by=reviewer)
    row = FindingAcknowledgement.objects.get(disclosure=submitted)
    assert row.reason == REASON
    reasons = [h.history_change_reason for h in row.history.order_by("history_date")]
    assert reasons == ["确认原文如此：原文如此", f"确认原文如此：{REASON}"]


def test_clerks_and_auditors_cannot_acknowledge(submitted, clerk):
    auditor = user_in_role(AUDITOR)
    key = keys(submitted)[0]
    for user in (clerk, auditor):
        with pytest.raises(PermissionDenied):
            finding_acknowledge(disclosure=submitted, finding_key=key, reason=REASON, by=user)
    assert not FindingAcknowledgement.objects.exists()


@pytest.mark.parametrize(
    ("key", "reason", "message"),
    [
        ("0" * 64, REASON, "该核对错误已不存在"),
        (None, "  ", "请填写确认理由"),
    ],
)
def test_unknown_findings_and_blank_reasons_are_refused(submitted, reviewer, key, reason, message):
    key = key or keys(submitted)[0]
    with pytest.raises(ValidationError, match=message):
        finding_acknowledge(disclosure=submitted, finding_key=key, reason=reason, by=reviewer)
    assert not FindingAcknowledgement.objects.exists()


def test_only_a_submitted_disclosure_can_be_acknowledged(putuo, reviewer):
    from tests.factories import reopened

    draft = reopened(putuo)
    key = keys(draft)[0]
    for disclosure in (draft, putuo):  # a draft, a published revision
        with pytest.raises(ValidationError, match="只能在审核时"):
            finding_acknowledge(disclosure=disclosure, finding_key=key, reason=REASON, by=reviewer)


def test_changing_a_figure_makes_its_acknowledgement_stale(submitted, reviewer, clerk):
    acknowledge_all(submitted, reviewer)
    services.disclosure_return(disclosure=submitted, by=reviewer, comment="请核对卫生健康支出")
    cell = Cell.objects.get(
        row__disclosure=submitted,
        row__table__number="01",
        row__name="卫生健康支出",
        amount_yuan=Decimal("2366300.00"),
    )
    cell.amount_yuan = Decimal("2366200.00")
    cell._history_user = clerk
    cell.save()
    services.disclosure_figures_changed(disclosure_id=submitted.pk, by=clerk)
    services.disclosure_submit(disclosure=submitted, by=clerk)
    with pytest.raises(ValidationError) as refused:
        services.disclosure_publish(disclosure=submitted, by=reviewer, note="说明")
    [stale] = refused.value.messages[1:]
    assert "236.62 万元" in stale
    assert Disclosure.objects.get(pk=submitted.pk).status == "submitted"


def test_acknowledgements_freeze_with_the_publication(submitted, reviewer):
    acknowledge_all(submitted, reviewer)
    services.disclosure_publish(disclosure=submitted, by=reviewer, note="说明")
    row = FindingAcknowledgement.objects.filter(disclosure=submitted).first()
    row.reason = "改写"
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        FindingAcknowledgement.objects.filter(disclosure=submitted).delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the freeze against raw SQL is a PostgreSQL trigger"
)
def test_raw_sql_cannot_rewrite_a_published_acknowledgement(submitted, reviewer):
    acknowledge_all(submitted, reviewer)
    services.disclosure_publish(disclosure=submitted, by=reviewer, note="说明")
    sql = "UPDATE disclosure_findingacknowledgement SET reason = 'x' WHERE disclosure_id = %s"
    with pytest.raises(DatabaseError, match="已发布的决算公开及其数字不能修改或删除"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [submitted.pk])
    assert set(submitted.acknowledgements.values_list("reason", flat=True)) == {REASON}
