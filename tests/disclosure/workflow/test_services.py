"""The workflow's services and its one table of moves (disclosure/models/states.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from disclosure.access import workflow_actions
from disclosure.admin.disclosures import STEP_SERVICES
from disclosure.models import Disclosure, Reconciliation, ReconciliationFinding
from disclosure.models.states import (
    LOCKED_TRANSITIONS,
    STALE_VERSION_MESSAGE,
    STEPS,
    TRANSITIONS,
    DisclosureStatus,
)
from disclosure.workflow import services
from tests.deleting import confirmed
from tests.factories import (
    AUDITOR,
    CLERK,
    REVIEWER,
    AgencyFactory,
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    UserFactory,
    user_in_role,
)

pytestmark = pytest.mark.django_db
S = DisclosureStatus


@pytest.fixture
def draft(seed):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    ExpenditureLineFactory(disclosure=draft, statement="income", name="财政拨款收入")
    return draft


@pytest.fixture
def clerk(seed):
    return user_in_role(CLERK, agencies=[seed.agency])


@pytest.fixture
def reviewer(db):
    return user_in_role(REVIEWER)


# --- the table -----------------------------------------------------------------------------------


def test_the_table_is_the_workflow_the_model_guard_and_the_triggers_know():
    assert LOCKED_TRANSITIONS == {
        S.SUBMITTED: {S.RETURNED, S.PUBLISHED},
        S.PUBLISHED: {S.SUPERSEDED},
    }
    assert [(t.step, t.sources, t.target) for t in STEPS] == [
        ("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED),
        ("return", (S.SUBMITTED,), S.RETURNED),
        ("publish", (S.SUBMITTED,), S.PUBLISHED),
        ("correct", (S.PUBLISHED,), S.DRAFT),
    ]
    for step in STEPS:
        assert step.permission and step.refused and step.wrong_status and step.success
        assert not step.text_required or (step.text_label and step.text_missing)
    assert not TRANSITIONS["supersede"].button  # made by publishing a correction only
    assert set(STEP_SERVICES) == {t.step for t in STEPS}  # every button has its service


def test_each_service_refuses_with_its_steps_messages(draft, clerk, reviewer):
    with pytest.raises(PermissionDenied, match=TRANSITIONS["submit"].refused):
        services.disclosure_submit(disclosure=draft, by=reviewer)
    with pytest.raises(ValidationError, match=TRANSITIONS["return"].wrong_status):
        services.disclosure_return(disclosure=draft, by=reviewer, comment="请改")
    with pytest.raises(ValidationError, match=TRANSITIONS["publish"].wrong_status):
        services.disclosure_publish(disclosure=draft, by=reviewer)
    services.disclosure_submit(disclosure=draft, by=clerk)
    with pytest.raises(ValidationError, match=TRANSITIONS["submit"].wrong_status):
        services.disclosure_submit(disclosure=draft, by=clerk)
    with pytest.raises(ValidationError, match=TRANSITIONS["return"].text_missing):
        services.disclosure_return(disclosure=draft, by=reviewer, comment=" ")


def test_publishing_twice_says_so(seed, reviewer):
    with pytest.raises(ValidationError, match=TRANSITIONS["publish"].already):
        services.disclosure_publish(disclosure=seed, by=reviewer)


def test_the_buttons_offered_are_the_tables_steps_the_user_may_take(seed, draft, clerk, reviewer):
    assert [t.step for t in workflow_actions(clerk, draft)] == ["submit"]
    assert workflow_actions(reviewer, draft) == []
    assert [t.step for t in workflow_actions(reviewer, seed)] == ["correct"]
    assert workflow_actions(clerk, seed) == []
    assert workflow_actions(user_in_role(AUDITOR), seed) == []
    Disclosure.objects.filter(pk=draft.pk).update(status="submitted")
    draft.refresh_from_db()
    assert [t.step for t in workflow_actions(reviewer, draft)] == ["return", "publish"]
    other_clerk = user_in_role(CLERK, agencies=[AgencyFactory()])
    assert workflow_actions(other_clerk, draft) == []
    admin = UserFactory(is_superuser=True)
    assert [t.step for t in workflow_actions(admin, draft)] == ["return", "publish"]


def test_the_change_page_draws_its_buttons_from_the_table(client, draft, reviewer):
    Disclosure.objects.filter(pk=draft.pk).update(status="submitted")
    client.force_login(reviewer)
    html = client.get(f"/admin/disclosure/disclosure/{draft.pk}/change/").content.decode()
    ret, publish = TRANSITIONS["return"], TRANSITIONS["publish"]
    assert f'<label for="return-text">{ret.text_label}</label>' in html
    assert '<textarea id="return-text" name="text" rows="3" cols="60" required>' in html
    assert f'<input type="submit" value="{ret.button}">' in html
    assert f'<label for="publish-text">{publish.text_label}</label>' in html
    assert '<textarea id="publish-text" name="text" rows="3" cols="60">' in html
    assert f'<input type="submit" value="{publish.button}" class="default">' in html
    assert f"/workflow/{TRANSITIONS['submit'].step}/" not in html
    response = client.post(
        f"/admin/disclosure/disclosure/{draft.pk}/workflow/return/", {"text": "请补充"}, follow=True
    )
    assert f"{draft}：{ret.success}" in response.content.decode()


# --- the version check and "the figures changed" ------------------------------------------------


def test_a_stale_version_is_refused(draft):
    with transaction.atomic():
        services.disclosure_check_version(disclosure_id=draft.pk, version=draft.version)
        with pytest.raises(ValidationError) as refused:
            services.disclosure_check_version(disclosure_id=draft.pk, version=draft.version - 1)
    assert refused.value.messages == [STALE_VERSION_MESSAGE]
    assert refused.value.code == "stale"


def test_figures_changed_moves_the_version_on_and_reconciles(draft, clerk):
    ExpenditureLineFactory(
        disclosure=draft, statement="expenditure", name="财政拨款支出", amount_yuan=Decimal(20000)
    )
    findings = services.disclosure_figures_changed(disclosure_id=draft.pk, by=clerk)
    assert any("财政拨款支出 2.00 万元" in f.message for f in findings)
    stored = ReconciliationFinding.objects.filter(disclosure=draft)
    assert sorted(stored.values_list("message", flat=True)) == sorted(f.message for f in findings)
    assert Reconciliation.objects.filter(disclosure=draft).exists()
    assert Disclosure.objects.get(pk=draft.pk).version == draft.version + 1


def test_figures_changed_only_by_someone_who_may_edit(seed, draft, reviewer):
    with pytest.raises(PermissionDenied):
        services.disclosure_figures_changed(disclosure_id=draft.pk, by=reviewer)
    with pytest.raises(PermissionDenied):  # published: frozen for everyone
        services.disclosure_figures_changed(
            disclosure_id=seed.pk, by=UserFactory(is_superuser=True)
        )
    assert Disclosure.objects.get(pk=draft.pk).version == draft.version
    assert not Reconciliation.objects.filter(disclosure=draft).exists()


def test_deleting_a_row_on_its_own_page_reconciles_and_makes_forms_stale(client, draft, clerk):
    spent = ExpenditureLineFactory(
        disclosure=draft, statement="expenditure", name="财政拨款支出", amount_yuan=Decimal(20000)
    )
    services.disclosure_figures_changed(disclosure_id=draft.pk, by=clerk)
    assert ReconciliationFinding.objects.filter(disclosure=draft, severity="error").exists()
    opened_at = Disclosure.objects.get(pk=draft.pk).version
    client.force_login(clerk)
    url = f"/admin/disclosure/expenditureline/{spent.pk}/delete/"
    assert client.post(url, confirmed(draft.pk)).status_code == 302
    assert not ReconciliationFinding.objects.filter(disclosure=draft, severity="error").exists()
    assert Disclosure.objects.get(pk=draft.pk).version == opened_at + 1


def test_the_disclosure_page_moves_the_version_once_per_save(client, draft, clerk):
    client.force_login(clerk)
    opened_at = draft.version
    data = {
        "agency": draft.agency_id,
        "fiscal_year": draft.fiscal_year_id,
        "head_name": "甲",
        "head_posts": "局长",
        "version": opened_at,
    }
    for prefix in ["staffing", "duties", "tasks", "lines", "three_public"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    lines = draft.lines.all()
    data |= {"lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": str(len(lines))}
    for i, line in enumerate(lines):
        data |= {
            f"lines-{i}-id": line.pk,
            f"lines-{i}-disclosure": draft.pk,
            f"lines-{i}-statement": line.statement,
            f"lines-{i}-name": line.name,
            f"lines-{i}-order": line.order,
            f"lines-{i}-amount_wan": "3",
        }
    response = client.post(f"/admin/disclosure/disclosure/{draft.pk}/change/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.head_name, draft.version) == ("甲", opened_at + 1)
    assert draft.lines.get().amount_yuan == Decimal("30000.00")
    assert Reconciliation.objects.filter(disclosure=draft).exists()
