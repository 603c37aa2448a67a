"""Every file of the hostile corpus (hostile/make_corpus.py) is refused with its Chinese
message and writes nothing, on both paths: the admin's upload and `import_disclosures`
(issue 15, item 6)."""

import re
import zipfile

import pytest
from django.test import Client

from disclosure.models import Disclosure, ImportUpload
from tests.disclosure.importing.hostile.make_corpus import CASES, GOOD, HEADER, text_csv
from tests.disclosure.importing.test_import_command import run
from tests.disclosure.importing.test_import_service import figures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_draft_for_module")]
IDS = [case.name for case in CASES]
# Words a Chinese message may carry in Latin letters: names of formats, encodings and units.
ALLOWED = {
    "csv", "xlsx", "xls", "xlsm", "excel", "utf", "gbk", "gb18030", "xml", "vba", "nul",
    "doctype", "sep", "html", "table", "pdf", "import_disclosures", "cmd", "sum", "nan",
    "hyperlink", "http", "ccalc", "td", "tr", "obj", "endobj", "media", "zeros", "bin", "etc",
    "evil",
}  # fmt: skip
LEAKS = ("Traceback", "Error", "error", "errno", "codec", "field limit", "line contains")


def assert_chinese(text: str) -> None:
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert not any(leak in text for leak in LEAKS), text
    words = {w.lower() for w in re.findall(r"[A-Za-z_]{3,}", text)}
    assert words <= ALLOWED, words - ALLOWED


def test_the_corpus_has_at_least_fifty_files():
    assert len(CASES) >= 50 and len(set(IDS)) == len(IDS)


@pytest.fixture
def nothing_written(seed):
    before = (figures(seed), Disclosure.objects.count())
    yield
    assert (figures(seed), Disclosure.objects.count()) == before
    assert not ImportUpload.objects.exists()


@pytest.fixture
def clerk(seed, clerk_of):
    client = Client()
    client.force_login(clerk_of(seed.agency, username="corpus-clerk"))
    return client


def upload_errors(response) -> str:
    """The import page's errors: the form's and the preview's (a row or the whole file)."""
    context = response.context
    texts = [str(e) for errors in context["form"].errors.values() for e in errors]
    result = context.get("result")
    if result is not None:
        texts += [str(e.error) for e in result.base_errors]
        texts += [str(m) for r in result.invalid_rows for ms in r.error_dict.values() for m in ms]
    return " ".join(texts)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_admin_refuses_it(seed, clerk, nothing_written, case):
    xlsx = case.name.endswith((".xlsx", ".xlsm", ".xls"))
    response = clerk.post(
        "/admin/disclosure/expenditureline/import/",
        {
            "agency": seed.agency.pk,
            "fiscal_year": seed.fiscal_year.pk,
            "resource": "0",
            "format": "1" if xlsx else "0",
            "import_file": _upload(case),
        },
    )
    assert response.status_code == 200
    assert not response.context.get("confirm_form")
    errors = upload_errors(response)
    assert case.expect in errors, errors
    assert_chinese(errors)


def _upload(case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(case.name, case.build())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_command_line_refuses_it(tmp_path, nothing_written, case):
    (tmp_path / case.name).write_bytes(case.build())
    _out, err, failure = run(tmp_path)
    assert failure is not None and "1 个文件导入失败" in str(failure)
    assert case.name in err and case.expect in err, err
    assert_chinese(err.replace(case.name, ""))


def test_members_climbing_out_of_a_bulk_zip_are_refused(tmp_path, seed):
    path = tmp_path / "batch.zip"
    good = text_csv([GOOD], header=HEADER)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../evil.csv", good)
        archive.writestr("/abs/evil.csv", good)
    before = figures(seed)
    _out, err, failure = run(path)
    assert failure is not None and "2 个文件导入失败" in str(failure)
    assert err.count("可疑") == 2
    assert figures(seed) == before


def test_formula_like_text_in_a_name_is_kept_as_text_and_exported_inert(seed):
    """Decided: a formula in a name is not refused (a name may start with "="); it is stored as
    typed, never evaluated, and every export marks it as text for spreadsheets."""
    from disclosure.exports import rows as exports
    from disclosure.importing import disclosure_import
    from disclosure.models import ExpenditureLine

    name = "=cmd|' /C calc'!A0"
    data = text_csv([[*GOOD[:4], name, *GOOD[5:]]], header=HEADER)
    report = disclosure_import(agency=seed.agency, fiscal_year=seed.fiscal_year, file=data, by=None)
    assert report.ok, report.errors
    assert ExpenditureLine.objects.filter(disclosure=seed, name=name).exists()
    lines = "".join(exports.csv_lines(exports.figure_rows(Disclosure.objects.filter(pk=seed.pk))))
    assert f"'{name}" in lines or f"\"'{name}" in lines
