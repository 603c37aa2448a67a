"""Auditors read every change in the admin: every history model has a scoped, read-only page in
Chinese, and a save of the disclosure page records exactly the rows that changed."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from simple_history.models import registered_models
from simple_history.utils import get_history_model_for_model

from bureaus.models import Agency
from disclosure.models import Cell, Disclosure, Duty, ExpenditureLine, GlossaryTerm
from disclosure.workflow import services
from tests.disclosure.admin.browser_form import posted_form
from tests.factories import (
    AUDITOR,
    CLERK,
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    reopened,
    user_in_role,
)

pytestmark = pytest.mark.django_db


def every_history_model() -> set:
    """Independently of admin/history.py: the tracked models' and the many-to-many history."""
    tracked = {
        get_history_model_for_model(model)
        for model in registered_models.values()
        if hasattr(model._meta, "simple_history_manager_attribute")
    }
    m2m = {m for m in apps.get_models() if "m2m_history_id" in {f.name for f in m._meta.fields}}
    return tracked | m2m


def list_url(model) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


@pytest.fixture
def auditor(client):
    user = user_in_role(AUDITOR, username="auditor")
    client.force_login(user)
    return user


def test_every_history_model_has_an_audit_log_page():
    models = every_history_model()
    assert len(models) >= 17  # 16 tracked models and an agency's clerks
    missing = {m._meta.label for m in models if m not in admin.site._registry}
    assert not missing
    standard = {"reportrow", "cell", "tablenote", "consolidatedunit", "glossaryterm"}
    standard |= {"narrativefigure", "explanationsection", "explanationparagraph"}
    assert {f"historical{name}" for name in standard} <= {m._meta.model_name for m in models}


def test_the_pages_are_read_only(rf, auditor):
    request = rf.get("/")
    request.user = auditor
    for model in every_history_model():
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


@pytest.fixture
def changed_seed(seed):
    """A correction draft of the seed, one line changed by a clerk in the admin, then submitted."""
    draft = reopened(seed)
    clerk = user_in_role(CLERK, username="clerk", agencies=[seed.agency])
    line = draft.lines.get(name="一般公共服务支出")
    line._history_user = clerk
    line.amount_yuan = Decimal("1900000.00")
    line.save()
    services.disclosure_submit(disclosure=draft, by=clerk)
    return draft, clerk, line


def test_an_auditor_opens_every_list_and_detail_page_in_chinese(
    client, auditor, changed_seed, putuo
):
    for model in every_history_model():
        response = client.get(list_url(model))
        body = response.content.decode()
        assert response.status_code == 200, model
        assert "None" not in body, model
        record = model._default_manager.first()
        if record is not None:  # (an empty list shows no columns)
            for column in ("时间", "用户", "操作", "变更原因"):
                assert f">{column}<" in body, (model, column)
            detail = client.get(f"{list_url(model)}{record.pk}/change/")
            assert detail.status_code == 200, model
            assert "None" not in detail.content.decode(), model


def test_the_disclosure_log_reads_in_chinese(client, auditor, changed_seed):
    draft, clerk, _line = changed_seed
    body = client.get(list_url(Disclosure.history.model)).content.decode()
    for text in (
        "已提交",
        "提交审核",
        "发起更正：测试",
        "修订版本",
        "溧阳市信访局",
        "新增",
        "修改",
    ):
        assert text in body, text
    assert ">submitted<" not in body and ">draft<" not in body
    assert "系统" in body  # the seed was loaded by loaddata, without a user
    row = client.get(list_url(ExpenditureLine.history.model)).content.decode()
    # The clerk's change, in 万元: 一般公共服务支出 was 184.82 in the seed.
    assert "金额：184.82 万元 → 190.00 万元" in row
    assert 'class="field-audit_revision">2<' in row  # the correction draft's lines


def test_times_are_shown_in_shanghai_time(client, auditor, seed):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    record = Disclosure.history.filter(id=draft.pk).get()
    record.history_date = datetime(2024, 3, 1, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai
    record.save()
    body = client.get(list_url(Disclosure.history.model)).content.decode()
    assert "2024-03-01 10:30:00" in body
    detail = client.get(f"{list_url(Disclosure.history.model)}{record.pk}/change/")
    assert "2024-03-01 10:30:00" in detail.content.decode()
    assert "02:30" not in detail.content.decode()
    page = client.get(f"/admin/disclosure/disclosure/{draft.pk}/history/").content.decode()
    assert "2024-03-01 10:30:00" in page


def test_the_history_page_of_a_disclosure_reads_in_chinese(client, auditor, changed_seed):
    draft, clerk, line = changed_seed
    page = client.get(f"/admin/disclosure/disclosure/{draft.pk}/history/").content.decode()
    for text in ("时间", "操作", "用户", "变更原因", "变更内容", "修改", "提交审核", "clerk"):
        assert text in page, text
    assert "状态：</strong>草稿&nbsp;&rarr;&nbsp;已提交" in page
    assert "None" not in page
    lines = client.get(f"/admin/disclosure/expenditureline/{line.pk}/history/").content.decode()
    assert "金额：</strong>184.82 万元&nbsp;&rarr;&nbsp;190.00 万元" in lines
    assert "系统" not in lines or "发起更正" in lines
    assert "None" not in lines


def test_filters_by_action_user_agency_and_year(client, auditor, changed_seed):
    draft, clerk, line = changed_seed
    ExpenditureLineFactory(disclosure__fiscal_year=FiscalYearFactory(year=2015))
    url = list_url(ExpenditureLine.history.model)
    page = client.get(url)
    filters = {spec.title for spec in page.context["cl"].filter_specs}
    assert {"操作", "用户", "单位", "年度"} <= filters
    assert page.context["cl"].date_hierarchy == "history_date"
    changed = client.get(url, {"op": "~", "user": clerk.pk}).context["cl"].result_list
    assert [r.history_id for r in changed] == [line.history.latest().history_id]
    by_system = client.get(url, {"user": "system"}).context["cl"].result_list
    assert by_system and all(r.history_user_id is None for r in by_system)


def test_a_clerk_sees_only_their_agencies_rows(client, changed_seed, putuo):
    seed_draft, clerk, _line = changed_seed
    putuo_draft = reopened(putuo)
    putuo.agency.clerks.add(user_in_role(CLERK, username="putuo-clerk"))
    for model in every_history_model():
        codename = f"view_{model._meta.model_name}"
        clerk.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(clerk)
    seen = {}
    for model in every_history_model():
        response = client.get(list_url(model))
        body = response.content.decode()
        assert response.status_code == 200, model
        assert putuo.agency.name not in body and "putuo-clerk" not in body, model
        seen[model] = len(response.context["cl"].result_list)
    assert seen[Disclosure.history.model] and seen[ExpenditureLine.history.model]
    assert (
        seen[Agency.history.model] == 1
        and seen[apps.get_model("bureaus", "HistoricalAgency_clerks")]
    )
    clerks = client.get(list_url(apps.get_model("bureaus", "HistoricalAgency_clerks")))
    assert ">财务录入员<" in clerks.content.decode() and ">单位<" in clerks.content.decode()
    assert seen[Cell.history.model] == 0  # the seed has no standard-format tables
    hidden = Disclosure.history.filter(id=putuo_draft.pk).first()
    response = client.get(f"{list_url(Disclosure.history.model)}{hidden.pk}/change/")
    assert response.status_code == 302  # "not found": the admin redirects to its index


def test_the_list_page_spends_a_bounded_number_of_queries(
    client, auditor, seed, django_assert_max_num_queries
):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    url = list_url(ExpenditureLine.history.model)

    def change_lines(count: int) -> None:
        for i in range(count):
            line = ExpenditureLineFactory(disclosure=draft, parent=None)
            line.amount_yuan, line.name = Decimal(i), f"改名{i}"
            line.save()

    change_lines(3)
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    change_lines(40)
    with django_assert_max_num_queries(16) as many:
        body = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries), len(few.captured_queries)
    assert body.count("金额：1.00 万元 → 0.00 万元") == 3 + 40


# --- one changed line, one history row --------------------------------------------------------


def history_counts() -> dict:
    return {m._meta.label: m._default_manager.count() for m in every_history_model()}


def save_page_changing(client, disclosure, change) -> dict:
    """Open the disclosure's change page, change one field as a clerk would, press 保存."""
    url = f"/admin/disclosure/disclosure/{disclosure.pk}/change/"
    data = posted_form(client.get(url).content.decode(), "disclosure_form")
    change(data)
    before = history_counts()
    response = client.post(url, {**data, "_save": "保存"})
    assert response.status_code == 302, response.content.decode()[:2000]
    after = history_counts()
    return {label: after[label] - before[label] for label in after if after[label] != before[label]}


@pytest.mark.parametrize("published", ["seed", "putuo"])
def test_a_save_that_changes_one_line_records_one_changed_line(client, request, published):
    draft = reopened(request.getfixturevalue(published))
    clerk = user_in_role(CLERK, username="clerk", agencies=[draft.agency])
    client.force_login(clerk)
    # A multi-line text: browsers post its line ends as CRLF.
    duty = Duty.objects.filter(disclosure=draft).order_by("order").first()
    Duty.objects.filter(pk=duty.pk).update(text="第一行\n第二行")
    version = Disclosure.objects.get(pk=draft.pk).version

    assert save_page_changing(client, draft, lambda data: None) == {
        "disclosure.HistoricalDisclosure": 1
    }

    if published == "seed":
        line = draft.lines.order_by("statement", "order", "pk").first()
        index = next(
            k.split("-")[1] for k, v in posted_form_ids(client, draft, "lines") if v == str(line.pk)
        )
        written = save_page_changing(
            client, draft, lambda data: data.update({f"lines-{index}-amount_wan": "1.23"})
        )
        changed, model = line, ExpenditureLine
    else:
        # The standard format's tables are edited on their grids; its glossary on this page.
        term = GlossaryTerm.objects.filter(disclosure=draft).order_by("pk").first()
        index = next(
            k.split("-")[1]
            for k, v in posted_form_ids(client, draft, "glossary")
            if v == str(term.pk)
        )
        written = save_page_changing(
            client, draft, lambda data: data.update({f"glossary-{index}-term": "改过的名词"})
        )
        changed, model = term, GlossaryTerm
    assert written == {"disclosure.HistoricalDisclosure": 1, model.history.model._meta.label: 1}
    record = model.history.filter(id=changed.pk).latest()
    assert (record.history_type, record.history_user) == ("~", clerk)
    assert Disclosure.objects.get(pk=draft.pk).version == version + 2  # one bump per save
    assert Duty.objects.get(pk=duty.pk).text == "第一行\n第二行"


def posted_form_ids(client, disclosure, prefix: str) -> list[tuple[str, str]]:
    url = f"/admin/disclosure/disclosure/{disclosure.pk}/change/"
    data = posted_form(client.get(url).content.decode(), "disclosure_form")
    return [(k, v) for k, v in data.items() if k.startswith(f"{prefix}-") and k.endswith("-id")]


def test_a_row_page_that_changes_one_cell_records_that_cell(client, putuo):
    """The admin saves the page's own object too: unchanged, it leaves no history row."""
    draft = reopened(putuo)
    client.force_login(user_in_role(CLERK, username="clerk", agencies=[draft.agency]))
    cell = Cell.objects.filter(row__disclosure=draft).order_by("pk").first()
    url = f"/admin/disclosure/reportrow/{cell.row_id}/change/"
    data = posted_form(client.get(url).content.decode(), "reportrow_form")
    key = next(k for k, v in data.items() if k.endswith("-id") and v == str(cell.pk))
    data[key.replace("-id", "-amount_wan")] = "7.77"
    before = history_counts()
    assert client.post(url, {**data, "_save": "保存"}).status_code == 302
    after = history_counts()
    written = {
        label: after[label] - before[label] for label in after if after[label] != before[label]
    }
    assert written == {"disclosure.HistoricalCell": 1, "disclosure.HistoricalDisclosure": 1}
    record = cell.history.latest()
    assert (record.history_type, record.amount_yuan) == ("~", Decimal("77700.00"))
