"""Clerks import and export figures in the admin through django-import-export."""

import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosure.exports import rows as exports
from disclosure.models import ExpenditureLine, FiscalYear
from tests.disclosure.importing.import_files import long_xlsx
from tests.disclosure.importing.test_import_service import emptied, export_bytes, figures, seed_rows
from tests.factories import UserFactory

# The seed, reopened, once for the module; each test's writes are rolled back.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_draft_for_module")]
LINES = "/admin/disclosure/expenditureline/"
THREE = "/admin/disclosure/threepublicexpense/"
MODELS = ["expenditureline", "threepublicexpense", "cell", "reportrow"]
IMPORT_PERMS = [f"disclosure.{a}_{m}" for a in ("view", "add", "change", "delete") for m in MODELS]


@pytest.fixture
def clerk(client, seed, clerk_of):
    user = clerk_of(seed.agency, username="import-clerk")
    client.force_login(user)
    return user


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def preview(client, seed, name: str, data: bytes, *, url=LINES, fiscal_year=None):
    fmt = "1" if name.endswith(".xlsx") else "0"
    return client.post(
        url + "import/",
        {
            "agency": seed.agency.pk,
            "fiscal_year": (fiscal_year or seed.fiscal_year).pk,
            "resource": "0",
            "format": fmt,
            "import_file": upload(name, data),
        },
    )


def confirm(client, response, *, url=LINES):
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(url + "process_import/", data)


def from_template(client, encoding: str) -> bytes:
    """What a clerk does: download the template, keep its header, type the figures, save."""
    template = client.get(LINES + "import-template.csv")
    assert template.status_code == 200
    header = next(csv.reader(io.StringIO(template.content.decode("utf-8-sig"))))
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(row[: len(header)] for row in seed_rows())
    return out.getvalue().encode(encoding)


def test_clerk_imports_the_seed_from_a_gb18030_csv_made_from_the_template(client, clerk, seed):
    expected, golden = figures(seed), export_bytes(seed)
    emptied(seed)
    response = preview(client, seed, "liyang.csv", from_template(client, "gb18030"))
    assert response.status_code == 200
    assert "confirm_form" in response.context, response.content.decode()[:3000]
    assert figures(seed) != expected  # the preview wrote nothing
    response = confirm(client, response)
    assert response.status_code == 302 and response["Location"] == LINES
    assert figures(seed) == expected
    assert export_bytes(seed) == golden
    entry = LogEntry.objects.get()
    assert entry.object_id == str(seed.pk) and "导入数字" in entry.change_message


def test_clerk_imports_the_seed_from_xlsx(client, clerk, seed):
    expected = figures(seed)
    emptied(seed)
    response = preview(client, seed, "liyang.xlsx", long_xlsx(seed_rows(), header=exports.HEADER))
    assert confirm(client, response).status_code == 302
    assert figures(seed) == expected


def test_one_bad_row_shows_row_column_and_reason_and_writes_nothing(client, clerk, seed):
    before = figures(emptied(seed))
    rows = seed_rows()
    rows[3][7], rows[3][8] = "七十九", ""
    data = "\ufeff" + ",".join(exports.HEADER) + "\r\n"
    data += "\r\n".join(",".join(r) for r in rows)
    response = preview(client, seed, "bad.csv", data.encode())
    body = response.content.decode()
    assert "confirm_form" not in response.context
    assert "第 5 行" in body and "金额（万元）" in body and "“七十九”不是有效的金额" in body
    assert figures(seed) == before


def test_unreadable_bytes_get_a_chinese_error_on_the_form(client, clerk, seed):
    response = preview(client, seed, "bad.csv", b"\xff\xfe" + "单位".encode("utf-16-le"))
    assert "无法识别文件编码：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV。" in (
        response.content.decode()
    )


def test_a_database_change_between_preview_and_confirm_rolls_back(client, clerk, seed):
    before = figures(emptied(seed))
    response = preview(client, seed, "liyang.csv", from_template(client, "utf-8"))
    # Between the preview and the confirm the agency is renamed: the file's 单位 no longer
    # matches, so the confirm fails as a whole.
    seed.agency.name = "溧阳市人民来访接待局"
    seed.agency.save()
    response = confirm(client, response)
    assert response.status_code == 302 and response["Location"] == LINES + "import/"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages and messages[0].startswith("导入失败，未写入任何数据：")
    assert "单位“溧阳市信访局”不是本次导入的单位" in messages[0]
    assert figures(seed) == before


def test_a_constraint_violation_at_confirm_rolls_back(client, clerk, seed, monkeypatch):
    from django.db import IntegrityError

    from disclosure.importing.writing import PlainWriter

    before = figures(emptied(seed))
    response = preview(client, seed, "liyang.csv", from_template(client, "utf-8"))

    def refuse(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(PlainWriter, "insert", refuse)
    response = confirm(client, response)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "数据库拒绝了本次导入，未写入任何数据" in messages[0]
    assert figures(seed) == before


@pytest.mark.parametrize("url", [LINES, THREE, "/admin/disclosure/cell/"])
def test_view_only_user_gets_403_on_import_but_may_export(client, seed, url):
    viewer = UserFactory(permissions=[f"disclosure.view_{m}" for m in MODELS])
    client.force_login(viewer)
    assert client.get(url + "import/").status_code == 403
    assert client.post(url + "process_import/", {}).status_code == 403
    assert client.get(url + "export/").status_code == 200
    assert "import/" not in client.get(url).content.decode()


def test_import_needs_add_change_and_delete(client, seed):
    client.force_login(UserFactory(permissions=["disclosure.change_expenditureline"]))
    assert client.get(LINES + "import/").status_code == 403


def test_the_form_offers_only_agencies_in_scope(client, clerk, seed, monkeypatch):
    from bureaus.models import Agency
    from disclosure.admin import importing as admin_import

    monkeypatch.setattr(admin_import, "importable_agencies", lambda user: Agency.objects.none())
    response = preview(client, seed, "liyang.csv", from_template(client, "utf-8"))
    assert "confirm_form" not in response.context
    assert response.context["form"].errors["agency"]


def admin_export(client, url: str, fmt: str = "0", query: str = "") -> bytes:
    response = client.post(url + "export/" + query, {"format": fmt, "resource": "0"})
    assert response.status_code == 200
    return response.content


# The seed fixture here is a correction draft beside the published revision: export the draft.
DRAFTS = "?disclosure__status__exact=draft"


def test_admin_export_is_the_public_csv_layout(client, clerk, seed):
    golden = export_bytes(seed).decode("utf-8-sig").splitlines()
    lines = admin_export(client, LINES, query=DRAFTS).decode("utf-8-sig").splitlines()
    three = admin_export(client, THREE, query=DRAFTS).decode("utf-8-sig").splitlines()
    assert lines[0] == three[0] == golden[0]
    assert lines[1:] + three[1:] == golden[1:]


def test_admin_export_xlsx_reimports_unchanged(client, clerk, seed):
    data = admin_export(client, LINES, fmt="1", query=DRAFTS)
    response = preview(client, seed, "lines.xlsx", data)
    assert response.context["result"].totals["skip"] == 8
    confirm(client, response)
    assert ExpenditureLine.objects.filter(disclosure=seed).count() == 8


def test_admin_export_xlsx_writes_amounts_and_counts_as_numbers(client, clerk, seed):
    from openpyxl import load_workbook

    lines = load_workbook(io.BytesIO(admin_export(client, LINES, fmt="1", query=DRAFTS))).active
    assert [c.value for c in lines[1]] == exports.FIGURE_HEADER
    row = next(r for r in lines.iter_rows(min_row=2) if r[4].value == "财政拨款收入")
    assert (row[1].value, row[1].data_type) == (2014, "n")
    assert (row[7].value, row[7].data_type, row[7].number_format) == (195.82, "n", "#,##0.00")
    assert (row[8].value, row[8].data_type) == (1958200, "n")
    assert row[4].data_type == "s" and row[3].value is None
    three = load_workbook(io.BytesIO(admin_export(client, THREE, fmt="1", query=DRAFTS))).active
    reception = next(r for r in three.iter_rows(min_row=2) if r[4].value == "公务接待费")
    assert [(c.value, c.data_type) for c in reception[7:8] + reception[13:15]] == [
        (3.54, "n"),
        (57, "n"),
        (466, "n"),
    ]


def test_template_downloads(client, clerk):
    xlsx = client.get(LINES + "import-template.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert [c.value for c in book["导入数据"][1]] == exports.FIGURE_HEADER
    assert book.sheetnames == ["导入数据", "填写说明"]
    body = client.get(LINES + "import-template.csv").content
    assert body.startswith("\ufeff".encode()) and b"\r\n" in body


def test_template_examples_are_refused_if_left_in(client, clerk, seed):
    body = client.get(LINES + "import-template.csv").content
    response = preview(client, seed, "t.csv", body)
    assert "单位“示例单位”不是本次导入的单位" in response.content.decode()


def test_standard_year_import_from_the_cell_admin(client, clerk, putuo, putuo_source):
    from tests.disclosure.importing.import_files import putuo_workbook

    putuo.agency.clerks.add(clerk)
    data = putuo_workbook(putuo_source, agency=putuo.agency.name)
    response = preview(
        client,
        putuo,
        "putuo.xlsx",
        data,
        url="/admin/disclosure/cell/",
        fiscal_year=FiscalYear.objects.get(year=2024),
    )
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert set(k for k, v in result.totals.items() if v) == {"skip"}
