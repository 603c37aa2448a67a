"""Putuo 2024 published as printed, through the pages: the reviewer's 确认原文如此 forms in the
admin's 数据核对 panel, then the citizen's page and the API show each acknowledgement."""

import re
from html import unescape

import pytest

from disclosure.models import FindingAcknowledgement
from disclosure.reconciliation.services import disclosure_reconcile
from disclosure.workflow import services
from tests.factories import AUDITOR, CLERK, REVIEWER, reopened, user_in_role

pytestmark = pytest.mark.django_db
REASON = "原文如此，以原件为准"
KEY = re.compile(r'name="finding_key" value="([0-9a-f]{64})"')


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def clerk(putuo):
    return user_in_role(CLERK, agencies=[putuo.agency])


@pytest.fixture
def reviewer(db):
    return user_in_role(REVIEWER)


@pytest.fixture
def submitted(putuo, clerk):
    draft = reopened(putuo)
    disclosure_reconcile(disclosure=draft)
    return services.disclosure_submit(disclosure=draft, by=clerk)


def change_url(disclosure) -> str:
    return f"/admin/disclosure/disclosure/{disclosure.pk}/change/"


def ack_url(disclosure) -> str:
    return f"/admin/disclosure/disclosure/{disclosure.pk}/acknowledge/"


def test_reviewer_acknowledges_each_error_on_the_change_page(client, submitted, reviewer):
    client.force_login(reviewer)
    keys = KEY.findall(client.get(change_url(submitted)).content.decode())
    assert len(keys) == 3
    for key in keys:
        response = client.post(ack_url(submitted), {"finding_key": key, f"reason-{key}": REASON})
        assert response.status_code == 302
    rows = FindingAcknowledgement.objects.filter(disclosure=submitted)
    assert sorted(rows.values_list("key", flat=True)) == sorted(keys)
    page = text(client.get(change_url(submitted)))
    assert page.count(f"已确认原文如此：{REASON}（{reviewer.username}，") == 3
    assert "其中 3 处经审核人员确认为原文如此" in page


def test_a_blank_reason_is_refused_with_a_message(client, submitted, reviewer):
    client.force_login(reviewer)
    [key, *_] = KEY.findall(client.get(change_url(submitted)).content.decode())
    response = client.post(ack_url(submitted), {"finding_key": key}, follow=True)
    assert "请填写确认理由" in text(response)
    assert not FindingAcknowledgement.objects.exists()


@pytest.mark.parametrize("role", [CLERK, AUDITOR])
def test_clerks_and_auditors_see_no_form_and_are_refused(client, submitted, putuo, role):
    user = user_in_role(role, agencies=[putuo.agency] if role == CLERK else [])
    client.force_login(user)
    page = client.get(change_url(submitted))
    assert page.status_code == 200 and not KEY.findall(page.content.decode())
    [key, *_] = submitted.findings.filter(severity="error").values_list("key", flat=True)
    response = client.post(ack_url(submitted), {"finding_key": key, f"reason-{key}": REASON})
    assert response.status_code == 403
    assert not FindingAcknowledgement.objects.exists()


def test_the_citizen_and_the_api_see_the_acknowledgements(client, submitted, reviewer):
    for f in submitted.findings.filter(severity="error"):
        FindingAcknowledgement.objects.create(
            disclosure=submitted,
            key=f.key,
            rule=f.rule,
            message=f.message,
            reason=REASON,
            acknowledged_by=reviewer,
            acknowledged_at="2025-06-30T10:00:00+08:00",
        )
    services.disclosure_publish(disclosure=submitted, by=reviewer, note="照原件公开")
    page = text(client.get("/agencies/putuo-ghzy/2024/"))
    assert page.count(f"原文如此：{REASON}，审核人员确认于 2025年6月30日。") == 3
    assert "236.63 万元" in page and reviewer.username not in page
    findings = client.get("/api/v1/disclosures/putuo-ghzy/2024/findings").json()
    errors = [f for f in findings if f["severity"] == "error"]
    assert len(errors) == 3
    for finding in errors:
        assert finding["acknowledgement"]["reason"] == REASON
        assert finding["acknowledgement"]["acknowledged_at"].startswith("2025-06-30T")
        assert set(finding["acknowledgement"]) == {"reason", "acknowledged_at"}
    assert all(f["acknowledgement"] is None for f in findings if f["severity"] != "error")
