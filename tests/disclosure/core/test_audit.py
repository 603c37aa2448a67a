"""Every create, change and delete leaves a history row with the user and the time."""

import pytest

from disclosure.exports import rows as exports
from disclosure.importing import disclosure_import
from disclosure.models import Disclosure, ExpenditureLine
from disclosure.workflow import corrections, services
from tests.deleting import confirmed
from tests.disclosure.importing.import_files import long_csv
from tests.factories import (
    AUDITOR,
    CLERK,
    REVIEWER,
    DisclosureFactory,
    ExpenditureLineFactory,
    user_in_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(seed):
    return DisclosureFactory(agency=seed.agency, fiscal_year__year=2015)


@pytest.fixture
def clerk(seed):
    return user_in_role(CLERK, username="clerk", agencies=[seed.agency])


FUNCTIONAL = "支出按功能分类"


def import_lines(disclosure, by, *lines: tuple[str, str, str]):
    """Statement lines (code, name, 元) through the import service, as the admin imports."""
    rows = [
        [disclosure.agency.name, str(disclosure.fiscal_year.year), FUNCTIONAL, code, name, ""]
        + ["决算数", "", yuan, *[""] * 9]
        for code, name, yuan in lines
    ]
    return disclosure_import(
        agency=disclosure.agency,
        fiscal_year=disclosure.fiscal_year,
        file=long_csv(rows, header=exports.HEADER),
        by=by,
    )


def test_an_import_leaves_one_audit_row_per_line_with_the_importer(draft, clerk):
    version = draft.version
    report = import_lines(
        draft,
        clerk,
        ("201", "一般公共服务支出", "1848200.00"),
        ("221", "住房保障支出", "110000.00"),
    )
    assert report.ok, [str(e) for e in report.errors]
    created = draft.lines.all()
    history = ExpenditureLine.history.filter(disclosure=draft)
    assert sorted(history.values_list("id", flat=True)) == sorted(x.pk for x in created)
    assert len(created) == 2
    for record in history:
        assert (record.history_type, record.history_user, record.history_change_reason) == (
            "+",
            clerk,
            "导入",
        )
        assert record.history_date is not None
    draft.refresh_from_db()
    assert draft.version == version + 1  # forms of the disclosure opened before are stale


def test_an_import_validates_every_line_and_writes_nothing_on_error(draft, clerk):
    report = import_lines(draft, clerk, ("201", "收入", "1.00"), ("20A", "坏", "1.00"))
    assert not report.ok and any("科目编码" in str(e) for e in report.errors)
    assert not draft.lines.exists()
    assert not ExpenditureLine.history.filter(disclosure=draft).exists()


def test_admin_edits_record_the_user(client, draft, clerk):
    client.force_login(clerk)
    line = ExpenditureLineFactory(disclosure=draft, statement="income", name="收入")
    data = {
        "disclosure": draft.pk,
        "statement": "income",
        "code": "",
        "name": "财政拨款收入",
        "order": "1",
        "amount_wan": "2",
        # The page carries the disclosure's version (a stale page is refused).
        "disclosure_version": Disclosure.objects.get(pk=draft.pk).version,
    }
    client.post(f"/admin/disclosure/expenditureline/{line.pk}/change/", data)
    record = line.history.latest()
    assert (record.history_type, record.history_user, record.name) == ("~", clerk, "财政拨款收入")
    assert record.prev_record.name == "收入"
    client.post(f"/admin/disclosure/expenditureline/{line.pk}/delete/", confirmed(draft.pk))
    deleted = ExpenditureLine.history.filter(id=line.pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", clerk)


def test_queryset_update_is_audited(draft):
    line = ExpenditureLineFactory(disclosure=draft)
    ExpenditureLine.objects.filter(pk=line.pk).update(name="批量改名")
    record = line.history.latest()
    assert (record.history_type, record.name) == ("~", "批量改名")


def test_workflow_steps_record_who_and_why(seed, draft, clerk):
    reviewer = user_in_role(REVIEWER)
    ExpenditureLineFactory(disclosure=draft)
    services.disclosure_submit(disclosure=draft, by=clerk)
    services.disclosure_return(disclosure=draft, by=reviewer, comment="缺少职能")
    steps = [
        (r.status, r.history_user, r.history_change_reason)
        for r in Disclosure.history.filter(id=draft.pk).order_by("history_date", "history_id")
    ]
    assert steps[-2:] == [
        ("submitted", clerk, "提交审核"),
        ("returned", reviewer, "退回：缺少职能"),
    ]
    correction = corrections.disclosure_open_correction(disclosure=seed, by=reviewer, reason="笔误")
    copied = ExpenditureLine.history.filter(disclosure=correction)
    assert copied.count() == 8
    assert set(copied.values_list("history_user", "history_change_reason")) == {
        (reviewer.pk, "发起更正：笔误")
    }


def test_the_auditor_reads_the_history_of_any_disclosure_in_the_admin(client, seed, draft, clerk):
    ExpenditureLineFactory(disclosure=draft, name="草稿数字")
    services.disclosure_submit(disclosure=draft, by=clerk)
    client.force_login(user_in_role(AUDITOR))
    response = client.get(f"/admin/disclosure/disclosure/{draft.pk}/history/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "clerk" in body and "提交审核" in body
    log = client.get("/admin/disclosure/historicalexpenditureline/").content.decode()
    assert "草稿数字" in log
