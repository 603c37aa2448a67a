"""Findings where people see them: the clerk's admin, the auditor's page and CSV, the citizen's."""

import csv
import importlib
import io
import re
from collections import Counter
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bureaus.models import Agency
from disclosure.models import Disclosure, Reconciliation, ReconciliationFinding, ReportRow
from disclosure.reconciliation import forms as reconciliation_forms
from disclosure.reconciliation import selectors as reconciliation_selectors
from disclosure.reconciliation import views as reconciliation_views
from disclosure.reconciliation.selectors import FindingsByCheck, findings_list
from disclosure.reconciliation.services import (
    disclosure_reconcile,
    disclosure_unchecked,
    disclosures_reconcile,
)
from tests.deleting import confirmed
from tests.disclosure.admin.test_disclosures import ADD_URL, disclosure_post
from tests.factories import (
    AUDITOR,
    CLERK,
    DisclosureFactory,
    FiscalYearFactory,
    UserFactory,
    reopened,
    user_in_role,
)

# Both documents are loaded once for the module; each test's writes are rolled back.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_for_module", "putuo_for_module")]
SEED_URL = "/agencies/liyang-xinfang/2014/"
PUTUO_URL = "/agencies/putuo-ghzy/2024/"
SEED_SENTENCE = "基本支出 140.82 万元，其中列明 111.14 万元，未列明 29.68 万元"
AUDITOR_PERMS = ["disclosure.view_disclosure", "bureaus.view_agency"]


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def section(response) -> str:
    html = response.content.decode()
    return unescape(re.sub(r"<[^>]+>", "", html[html.index('id="reconciliation"') :]))


@pytest.fixture
def reconciled(seed, putuo):
    disclosure_reconcile(disclosure=seed)
    disclosure_reconcile(disclosure=putuo)
    return seed, putuo


@pytest.fixture
def auditor(client, db):
    user = user_in_role(AUDITOR, username="auditor")
    client.force_login(user)
    return user


# --- the public page ----------------------------------------------------------------------------


def test_seed_page_names_the_unitemised_remainder_in_plain_chinese(client, reconciled):
    shown = section(client.get(SEED_URL))
    assert "数据核对" in shown and "未发现相互矛盾的数字；另有 1 条提示。" in shown
    assert f"支出按性质分：{SEED_SENTENCE}（“其中”只列出了工资福利支出、商品和服务支出" in shown
    assert 'href="#reconciliation"' in client.get(SEED_URL).content.decode()


def test_standard_page_lists_contradictions_first(client, reconciled):
    shown = section(client.get(PUTUO_URL))
    assert "发现 3 处数字相互矛盾；4 处差异或变动较大、需要说明原因；另有 9 条提示。" in shown
    errors = shown[shown.index("相互矛盾的数字") : shown.index("需要说明原因的差异或变动")]
    assert "公开01表 支出/卫生健康支出（决算数）为 236.63 万元" in errors
    assert "公开03表 212 城乡社区支出（本年支出合计）为 3845.24 万元" in errors


def test_a_disclosure_never_checked_does_not_claim_to_be_consistent(client, seed):
    shown = section(client.get(SEED_URL))
    assert "本决算尚未经过自动核对。" in shown and "未发现" not in shown


def test_public_page_reads_the_findings_in_one_query(client, reconciled, settings):
    seed, _ = reconciled
    settings.CACHE_SECONDS = 0  # the page rendered each time, not served from the page cache

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(SEED_URL).status_code == 200
        return len(captured.captured_queries)

    queries()  # the first request also reads the time of the last publication (kept 1 s)
    before = queries()
    ReconciliationFinding.objects.bulk_create(
        ReconciliationFinding(
            disclosure=seed, order=10 + i, rule="cross_table", severity="error",
            message=f"矛盾{i}", tolerance_yuan=0,
        )
        for i in range(20)
    )  # fmt: skip
    assert queries() == before <= 9


# --- the auditor's page ----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/reconciliation/", "/reconciliation.csv"])
def test_anonymous_users_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize(
    ("is_staff", "permissions"),
    [(True, []), (False, AUDITOR_PERMS)],
    ids=["staff-without-view-permission", "not-staff"],
)
def test_only_staff_who_may_view_disclosures_get_in(client, db, is_staff, permissions):
    client.force_login(UserFactory(is_staff=is_staff, permissions=permissions))
    for url in ["/reconciliation/", "/reconciliation.csv"]:
        assert client.get(url).status_code == 302


def test_auditor_sees_every_finding_drafts_included(client, reconciled, auditor):
    seed, _ = reconciled
    fy2015 = FiscalYearFactory(year=2015)
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=fy2015, status="draft")
    ReconciliationFinding.objects.create(
        disclosure=draft, order=1, rule="balance", severity="error", message="草稿中的矛盾",
        tolerance_yuan=0,
    )  # fmt: skip
    # What reconciliation.services writes with its findings: the check and how many it found.
    Reconciliation.objects.create(
        disclosure=draft, checked_at=timezone.now(), finding_count=1, error_count=1
    )
    response = client.get("/reconciliation/")
    shown = text(response)
    assert response.status_code == 200
    assert "共 18 条" in shown
    assert SEED_SENTENCE in shown and "草稿中的矛盾" in shown and "草稿" in shown
    assert "公开01表 支出/卫生健康支出（决算数）：236.63 万元" in shown  # the cells involved
    assert "“其中”未列明的部分" in shown  # the rule's name


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("year=2014", 1),
        ("agency=putuo-ghzy", 16),
        ("rule=cross_table", 3),
        ("severity=warning", 4),
        ("severity=notice&agency=liyang-xinfang", 1),
        ("year=2014&rule=cross_table", 0),
    ],
)
def test_filters(client, reconciled, auditor, query, count):
    response = client.get(f"/reconciliation/?{query}")
    assert response.context["page"].paginator.count == count
    if count == 0:
        assert "没有符合条件的核对结果。" in text(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "年度：没有这个年度，请从列表中选择。"),
        ("year=99999999999999999999999", "年度：没有这个年度"),
        ("year=2013", "年度：没有这个年度"),
        ("agency=no-such-agency", "单位：没有这个单位，请从列表中选择。"),
        ("rule=drop_tables", "核对规则：没有这条核对规则，请从列表中选择。"),
        ("severity=fatal", "严重程度：严重程度只能是错误、警告或提示。"),
        ("agency=%00", "单位：不允许是用空字符串。"),  # Django's own message for a NUL
        ("rule=%00", "核对规则：没有这条核对规则"),
        ("year=%00", "年度：没有这个年度"),
    ],
)
def test_bad_filters_are_a_chinese_message_not_a_crash(client, reconciled, auditor, query, message):
    response = client.get(f"/reconciliation/?{query}")
    assert response.status_code == 200
    shown = text(response)
    assert "筛选条件有误，未列出结果" in shown and message in shown
    assert response.context["page"] is None and SEED_SENTENCE not in shown
    csv_response = client.get(f"/reconciliation.csv?{query}")
    assert csv_response.status_code == 400
    assert "筛选条件有误" in csv_response.content.decode()


def test_many_agencies_are_a_box_for_the_name_or_code_not_a_list(
    client, reconciled, auditor, monkeypatch
):
    monkeypatch.setattr(reconciliation_forms, "AGENCY_CHOICES", 1)
    seed, putuo = reconciled
    html = client.get("/reconciliation/").content.decode()
    assert '<input type="text" name="agency"' in html and '<option value="putuo-ghzy"' not in html
    by_code = client.get("/reconciliation/?agency=putuo-ghzy")
    by_name = client.get("/reconciliation/", {"agency": f" {putuo.agency.name} "})
    assert by_code.context["page"].paginator.count == 16
    assert by_name.context["page"].paginator.count == 16
    assert by_name.context["form"].cleaned_data["agency"] == putuo.agency
    refused = client.get("/reconciliation/", {"agency": putuo.agency.name[:-1]})
    assert refused.context["page"] is None and "单位：没有这个单位" in text(refused)
    assert "单位：不允许是用空字符串。" in text(client.get("/reconciliation/?agency=%00"))


def test_few_agencies_are_a_list(client, reconciled, auditor):
    html = client.get("/reconciliation/").content.decode()
    assert '<select name="agency"' in html and '<option value="putuo-ghzy"' in html


def test_pages(client, reconciled, auditor, monkeypatch):
    monkeypatch.setattr(reconciliation_views, "PER_PAGE", 5)
    first = client.get("/reconciliation/?agency=putuo-ghzy")
    assert "第 1/4 页" in text(first)
    assert "?agency=putuo-ghzy&amp;page=2" in first.content.decode()
    assert client.get("/reconciliation/?agency=putuo-ghzy&page=3").context["page"].number == 3
    assert client.get("/reconciliation/?agency=putuo-ghzy&page=99").context["page"].number == 4
    assert client.get("/reconciliation/?agency=putuo-ghzy&page=x").context["page"].number == 1


def test_page_queries_do_not_grow_with_findings(client, reconciled, auditor):
    seed, _ = reconciled

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    url = "/reconciliation/?agency=liyang-xinfang"
    before = queries(url)
    ReconciliationFinding.objects.bulk_create(
        ReconciliationFinding(
            disclosure=seed, order=10 + i, rule="balance", severity="error", message=f"矛盾{i}",
            cells=[["a", "1.00"]], tolerance_yuan=0,
        )
        for i in range(30)
    )  # fmt: skip
    Reconciliation.objects.filter(disclosure=seed).update(
        finding_count=F("finding_count") + 30, error_count=F("error_count") + 30
    )
    assert queries(url) == before <= 10


@pytest.mark.parametrize("top_n_rows", [1000, 0])  # the first pages' shortcut, and without
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"severity": "error"},
        {"severity": "warning"},
        {"severity": "notice"},
        {"rule": "cross_table"},
        {"rule": "cross_table", "severity": "error"},
        {"rule": "of_which_remainder"},
        {"rule": "of_which_remainder", "year": "2014"},
    ],
)
def test_the_list_pages_through_every_finding_once_in_order(
    client, reconciled, auditor, monkeypatch, query, top_n_rows
):
    """Pages cut through the checks' counts hold exactly findings_list's findings, in its order,
    wherever a page starts or ends inside a disclosure's findings; filtered on a severity, a
    rule or both too."""
    monkeypatch.setattr(reconciliation_selectors, "TOP_N_ROWS", top_n_rows)
    seed, putuo = reconciled
    fy2015 = FiscalYearFactory(year=2015)
    later = DisclosureFactory(agency=seed.agency, fiscal_year=fy2015, status="draft")
    disclosure_reconcile(disclosure=later)  # no figures: checked, and it finds something or not
    filters = {**query, "year": int(query["year"])} if "year" in query else query
    expected = [f.pk for f in findings_list(viewer=auditor, **filters)]
    assert expected
    for per_page in (1, 3, 5, 50):
        monkeypatch.setattr(reconciliation_views, "PER_PAGE", per_page)
        first = client.get("/reconciliation/", query).context["page"]
        assert first.paginator.count == len(expected)
        shown = []
        for number in first.paginator.page_range:
            rows = client.get("/reconciliation/", {**query, "page": number}).context["rows"]
            last = number == first.paginator.num_pages
            assert len(rows) == (len(expected) - per_page * (number - 1) if last else per_page)
            shown += [row.finding.pk for row in rows]
        assert shown == expected, per_page


def test_a_clerk_lists_only_their_own_agencies_findings(client, reconciled):
    seed, putuo = reconciled
    client.force_login(user_in_role(CLERK, agencies=[putuo.agency], username="list-clerk"))
    response = client.get("/reconciliation/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 16
    assert {row.finding.disclosure_id for row in response.context["rows"]} == {putuo.pk}
    assert client.get("/reconciliation/?agency=liyang-xinfang").context["page"].paginator.count == 0


def test_each_check_stores_how_many_findings_it_stored(reconciled):
    """The counts the list pages by are written with the findings, by every write of them."""
    seed, putuo = reconciled
    seed_counts, putuo_counts = (1, 0, 0, 1), (16, 3, 4, 9)  # in all, errors, warnings, notices

    def stored() -> dict[int, tuple[int, ...]]:
        checks = Reconciliation.objects.select_related("disclosure")
        for check in checks:  # what is stored is what is there
            findings = check.disclosure.findings
            assert check.finding_count == findings.count()
            for severity in ("error", "warning", "notice"):
                assert (
                    getattr(check, f"{severity}_count")
                    == findings.filter(severity=severity).count()
                )
            by_rule = Counter(f.rule for f in findings.all())
            by_rule += Counter(f"{f.rule}:{f.severity}" for f in findings.all())
            assert check.rule_counts == dict(by_rule)
        return {
            c.disclosure_id: (c.finding_count, c.error_count, c.warning_count, c.notice_count)
            for c in checks
        }

    assert stored() == {seed.pk: seed_counts, putuo.pk: putuo_counts}
    stale = {
        "finding_count": 999,
        "error_count": 999,
        "warning_count": 0,
        "notice_count": 0,
        "rule_counts": {"cross_table": 999},
    }
    Reconciliation.objects.filter(disclosure=putuo).update(**stale)
    disclosure_reconcile(disclosure=putuo, follow=False)
    assert stored()[putuo.pk] == putuo_counts
    Reconciliation.objects.update(**stale)
    disclosures_reconcile(disclosure_ids=[seed.pk, putuo.pk])
    assert stored() == {seed.pk: seed_counts, putuo.pk: putuo_counts}
    disclosure_unchecked(disclosure_id=putuo.pk)
    assert stored() == {seed.pk: seed_counts}
    assert FindingsByCheck(viewer=UserFactory(is_superuser=True)).count() == 1


def test_a_check_cannot_store_counts_that_do_not_add_up(reconciled):
    seed, _ = reconciled
    with pytest.raises(IntegrityError), transaction.atomic():
        Reconciliation.objects.filter(disclosure=seed).update(finding_count=2)


def test_the_migration_counts_the_findings_already_stored(reconciled):
    seed, putuo = reconciled
    Reconciliation.objects.update(finding_count=0, error_count=0, warning_count=0, notice_count=0)
    migration = importlib.import_module("disclosure.migrations.0026_reconciliation_finding_count")
    migration.count_findings(apps, None)
    counts = {
        c.disclosure_id: (c.finding_count, c.error_count, c.warning_count, c.notice_count)
        for c in Reconciliation.objects.all()
    }
    assert counts == {seed.pk: (1, 0, 0, 1), putuo.pk: (16, 3, 4, 9)}


def test_the_migration_counts_the_findings_already_stored_per_rule(reconciled):
    seed, putuo = reconciled
    expected = dict(Reconciliation.objects.values_list("disclosure_id", "rule_counts"))
    assert expected[putuo.pk]["cross_table"] == expected[putuo.pk]["cross_table:error"] == 3
    Reconciliation.objects.update(rule_counts={})
    migration = importlib.import_module("disclosure.migrations.0027_reconciliation_rule_counts")
    migration.count_by_rule(apps, None)
    assert dict(Reconciliation.objects.values_list("disclosure_id", "rule_counts")) == expected


def test_list_queries_do_not_grow_with_disclosures(client, reconciled, auditor):
    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    before = queries("/reconciliation/")
    for year in (2015, 2016, 2017):
        extra = DisclosureFactory(fiscal_year=FiscalYearFactory(year=year), status="draft")
        ReconciliationFinding.objects.bulk_create(
            ReconciliationFinding(
                disclosure=extra, order=i, rule="balance", severity="warning", message=f"差异{i}",
                tolerance_yuan=0,
            )
            for i in range(1, 40)
        )  # fmt: skip
        Reconciliation.objects.create(
            disclosure=extra, checked_at=timezone.now(), finding_count=39, warning_count=39
        )
    assert queries("/reconciliation/") == queries("/reconciliation/?page=3") == before <= 10


# --- the auditor's CSV ----------------------------------------------------------------------------


def download(client, url) -> tuple[bytes, list[dict]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = b"".join(response.streaming_content)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return data, rows


def test_csv_has_a_bom_a_header_and_one_row_per_finding(client, reconciled, auditor):
    data, rows = download(client, "/reconciliation.csv?year=2014")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert list(rows[0]) == [
        "单位", "年度", "状态", "严重程度", "规则编码", "规则", "说明", "涉及的数字",
        "差额（万元）", "差额（元）", "舍入容差（万元）", "核对时间",
    ]  # fmt: skip
    (row,) = rows
    assert (row["单位"], row["年度"], row["状态"], row["严重程度"]) == (
        "溧阳市信访局", "2014", "已发布", "提示",
    )  # fmt: skip
    assert row["规则编码"] == "of_which_remainder" and SEED_SENTENCE in row["说明"]
    assert row["涉及的数字"] == (
        "支出按性质分 基本支出：140.82 万元；支出按性质分 其中：301 工资福利支出：79.82 万元；"
        "支出按性质分 其中：302 商品和服务支出：31.32 万元"
    )
    assert (row["差额（万元）"], row["差额（元）"], row["舍入容差（万元）"]) == (
        "29.68", "296800.00", "0.00",
    )  # fmt: skip
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row["核对时间"])


def test_csv_applies_the_filters_and_states_the_tolerance(client, reconciled, auditor):
    _, rows = download(client, "/reconciliation.csv?agency=putuo-ghzy&severity=notice")
    assert len(rows) == 9
    assert {r["舍入容差（万元）"] for r in rows} == {"0.01", "0.02", "0.03", "0.14"}
    _, rows = download(client, "/reconciliation.csv?rule=cross_table")
    assert [r["差额（万元）"] for r in rows] == ["-0.01", "0.01", "-0.01"]


def test_csv_neutralises_text_a_spreadsheet_would_run(client, reconciled, auditor):
    seed, _ = reconciled
    Agency.objects.filter(pk=seed.agency_id).update(name="=HYPERLINK(1)")
    _, rows = download(client, "/reconciliation.csv?year=2014")
    assert rows[0]["单位"] == "'=HYPERLINK(1)"


def test_csv_streams_in_a_fixed_number_of_queries(client, reconciled, auditor):
    with CaptureQueriesContext(connection) as captured:
        download(client, "/reconciliation.csv")
    assert len(captured.captured_queries) <= 8


# --- the clerk's admin ----------------------------------------------------------------------


class FormFields(HTMLParser):
    """The values a browser would submit from the page's main form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "file"):
            self.data[name] = a.get("value") or ""
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.data[name] = a.get("value") or "on"
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(html: str) -> dict:
    parser = FormFields()
    parser.feed(html)
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


@pytest.fixture
def draft(putuo):
    """Putuo reopened for correction: the clerk's figures to edit."""
    return reopened(putuo)


@pytest.fixture
def row_clerk(client, putuo):
    client.force_login(user_in_role(CLERK, agencies=[putuo.agency], username="row-clerk"))


def save_cell(client, row: ReportRow, column_label: str, wan: str):
    """Change one figure on the row's admin page and save, as the clerk would."""
    url = f"/admin/disclosure/reportrow/{row.pk}/change/"
    data = form_data(client.get(url).content.decode())
    column = row.cells.get(column__label=column_label).column_id
    index = next(
        k.split("-")[1] for k, v in data.items() if k.endswith("-column") and v == str(column)
    )
    data[f"cells-{index}-amount_wan"] = wan
    data["_continue"] = "保存并继续编辑"
    return client.post(url, data, follow=True)


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)] or [
        (m.level_tag, m.message) for m in response.context["messages"]
    ]


def test_three_public_items_that_do_not_sum_are_flagged_in_the_admin_and_for_auditors(
    client, draft, row_clerk
):
    row = ReportRow.objects.get(disclosure=draft, table__number="07", name="公务接待费")
    response = save_cell(client, row, "决算数", "0.49")
    assert response.status_code == 200 and row.cells.get(column__label="决算数").amount_yuan == 4900
    levels = dict(messages_of(response))
    assert "数据核对发现 4 处数字相互矛盾（已保存，但更正前不能发布）" in levels["error"]
    assert "公开07表“三公”经费（决算数）：合计 0.39 万元" in levels["error"]
    page = text(response)
    assert "数据核对" in page and "错误（数字相互矛盾，更正前不能发布）" in page
    client.force_login(user_in_role(AUDITOR, username="auditor"))
    listed = client.get("/reconciliation/?rule=three_public_total&severity=error")
    assert listed.context["page"].paginator.count == 1
    assert "公务接待费（决算数）：0.49 万元" in text(listed)


def test_two_tables_disagreeing_on_one_figure_is_an_error_in_the_admin(client, draft, row_clerk):
    row = ReportRow.objects.get(disclosure=draft, table__number="01", name="社会保障和就业支出")
    response = save_cell(client, row, "决算数", "754.76")
    errors = dict(messages_of(response))["error"]
    assert (
        "社会保障和就业支出（类）在两张表中不一致："
        "公开01表 支出/社会保障和就业支出（决算数）为 754.76 万元"
    ) in errors
    # Within 01 the one-fen slip is only a rounding gap against 本年支出合计 (a notice).
    assert "数据核对提示 10 条" in dict(messages_of(response))["info"]
    stored = ReconciliationFinding.objects.filter(disclosure=draft, rule="cross_table")
    assert stored.count() == 4


def test_clerk_saves_a_2014_disclosure_that_does_not_add_up_and_is_told(client, seed):
    client.force_login(user_in_role(CLERK, agencies=[seed.agency], username="clerk"))
    lines = [
        {"statement": statement, "code": code, "name": name, "order": "1", "amount_wan": wan}
        for statement, code, name, wan in [
            ("income", "", "财政拨款收入", "201.37"),
            ("expenditure", "", "财政拨款支出", "201.37"),
            ("functional", "201", "一般公共服务支出", "190.00"),
            ("functional", "221", "住房保障支出", "11.00"),
        ]
    ]
    fy2015 = FiscalYearFactory(year=2015)
    response = client.post(ADD_URL, disclosure_post(seed.agency, fy2015, lines=lines), follow=True)
    created = Disclosure.objects.get(agency=seed.agency, fiscal_year=fy2015)  # saved anyway
    errors = dict(messages_of(response))["error"]
    assert "数据核对发现 1 处数字相互矛盾" in errors
    assert (
        "支出按功能分类：财政拨款支出 201.37 万元，一般公共服务支出、住房保障支出之和 201.00 万元"
    ) in errors
    body = text(client.get(f"/admin/disclosure/disclosure/{created.pk}/change/"))
    assert "发现 1 处数字相互矛盾" in body and "更正前不能发布" in body


def test_a_consistent_save_says_so(client, seed):
    draft = reopened(seed)
    client.force_login(user_in_role(CLERK, agencies=[seed.agency], username="clerk"))
    line = draft.lines.get(name="住房保障支出")
    url = f"/admin/disclosure/expenditureline/{line.pk}/change/"
    data = form_data(client.get(url).content.decode())
    response = client.post(url, data | {"_continue": "1"}, follow=True)
    levels = dict(messages_of(response))
    assert "数据核对提示 1 条" in levels["info"] and SEED_SENTENCE in levels["info"]
    assert "error" not in levels


def test_auditor_sees_the_panel_read_only(client, reconciled, auditor):
    _, putuo = reconciled
    body = client.get(f"/admin/disclosure/disclosure/{putuo.pk}/change/").content.decode()
    assert "核对结果" in body and "发现 3 处数字相互矛盾" in unescape(body)
    assert "/reconciliation/?agency=putuo-ghzy&amp;year=2024" in body


def test_deleting_a_row_rechecks_its_disclosure(client, draft, db):
    client.force_login(UserFactory(is_superuser=True))
    putuo = draft
    disclosure_reconcile(disclosure=putuo)
    row = ReportRow.objects.get(disclosure=putuo, table__number="01", name="卫生健康支出")
    client.post(f"/admin/disclosure/reportrow/{row.pk}/delete/", confirmed(putuo.pk))
    assert not ReportRow.objects.filter(pk=row.pk).exists()
    cross = ReconciliationFinding.objects.filter(disclosure=putuo, rule="cross_table")
    # 01's 卫生健康支出 is gone: the rechecked panel says that 03's 210 has no row in 01
    # (classes are matched by code; a missing one is a finding, never a skipped check).
    assert cross.count() == 3
    assert cross.filter(message__contains="但公开01表中没有“210 卫生健康支出”这一行").exists()
    assert Decimal(cross.first().tolerance_yuan) == 0
