"""Hostile files are refused with a Chinese message and write nothing (issue 15, item 6)."""

import io
import re
import zipfile

import pytest

from disclosure.exports import rows as exports
from disclosure.importing import disclosure_import, readers
from disclosure.management.commands import import_disclosures
from tests.disclosure.importing.import_files import long_csv, long_xlsx
from tests.disclosure.importing.test_import_command import run
from tests.disclosure.importing.test_import_service import emptied, figures, seed_rows
from tests.factories import CLERK, AgencyFactory, user_in_role

pytestmark = pytest.mark.django_db

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def rewritten(xlsx: bytes, member: str, edit) -> bytes:
    """The workbook with one member's XML edited, everything else as it was."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, edit(data) if info.filename == member else data)
    return out.getvalue()


def with_doctype(doctype: str, entity: str):
    def edit(data: bytes) -> bytes:
        text = re.sub(r"^<\?xml[^>]*\?>", "", data.decode())
        # An entity reference inside the first text cell, where a parser would expand it.
        text = text.replace("<t>", f"<t>&{entity};", 1)
        return (doctype + text).encode()

    return edit


def workbook() -> bytes:
    return long_xlsx(seed_rows(), header=exports.HEADER, numbers=False)


def import_into(seed, data: bytes):
    return disclosure_import(
        agency=seed.agency, fiscal_year=seed.fiscal_year, file=data, by=None, dry_run=False
    )


def refused(seed, data: bytes) -> str:
    """The file-level message of an import that wrote nothing."""
    report = import_into(seed, data)
    assert not report.ok and not report.written
    return " ".join(str(e) for e in report.errors)


@pytest.mark.parametrize("doctype,entity", [(LAUGHS, "lol3"), (XXE, "xxe")], ids=["laughs", "xxe"])
def test_entity_definitions_in_an_xlsx_are_refused_and_nothing_is_written(seed, doctype, entity):
    before = figures(emptied(seed))
    hostile = rewritten(workbook(), "xl/worksheets/sheet1.xml", with_doctype(doctype, entity))
    assert "不安全的 XML 内容" in refused(seed, hostile)
    assert figures(seed) == before


def bomb(xlsx: bytes, size: int) -> bytes:
    """The workbook plus a member of `size` zero bytes (it deflates to almost nothing)."""
    out = io.BytesIO(xlsx)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * size)
    return out.getvalue()


def test_an_xlsx_that_unpacks_too_large_is_refused_before_it_is_opened(seed, monkeypatch):
    monkeypatch.setattr(readers, "MAX_UNPACKED_BYTES", 2 * 2**20)
    before = figures(emptied(seed))
    assert "压缩炸弹" in refused(seed, bomb(workbook(), 3 * 2**20))
    assert figures(seed) == before


def test_a_member_with_an_absurd_compression_ratio_is_refused(seed, monkeypatch):
    monkeypatch.setattr(readers, "RATIO_FLOOR_BYTES", 2**20)
    hostile = bomb(workbook(), 4 * 2**20)  # 4 MB of zeros deflates about 1000 : 1
    assert "压缩比异常" in refused(seed, hostile)


def test_an_ordinary_workbook_passes_the_checks(seed):
    emptied(seed)
    report = import_into(seed, workbook())
    assert not report.errors and report.rows == len(seed_rows())


def test_an_unknown_user_on_the_command_line_is_a_chinese_error(tmp_path, seed):
    before = figures(emptied(seed))
    path = tmp_path / "one.csv"
    path.write_bytes(long_csv(seed_rows(), header=exports.HEADER))
    _out, _err, failure = run(path, user="nobody")
    assert failure is not None and "没有用户名为“nobody”的用户" in str(failure)
    assert figures(seed) == before


def test_a_bomb_in_a_batch_is_refused_and_the_other_files_are_imported(tmp_path, seed, monkeypatch):
    monkeypatch.setattr(import_disclosures, "MAX_MEMBER_BYTES", 2**20)
    expected = figures(seed)
    emptied(seed)
    path = tmp_path / "batch.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a/bomb.csv", b"\0" * (3 * 2**20))
        archive.writestr("b/seed.csv", long_csv(seed_rows(), header=exports.HEADER))
    out, err, failure = run(path)
    assert failure is not None and "1 个文件导入失败" in str(failure)
    assert "a/bomb.csv" in err and "压缩炸弹" in err
    assert figures(seed) == expected  # the good file went in


def test_a_file_the_user_may_not_import_fails_alone(tmp_path, seed):
    clerk = user_in_role(CLERK, agencies=[AgencyFactory()], username="other-clerk")
    before = figures(emptied(seed))
    path = tmp_path / "one.csv"
    path.write_bytes(long_csv(seed_rows(), header=exports.HEADER))
    out, err, failure = run(path, user=clerk.username)
    assert failure is not None and "1 个文件导入失败" in str(failure)
    assert "Traceback" not in err
    assert figures(seed) == before


def test_the_admin_refuses_an_upload_over_the_limit_and_writes_nothing(client, seed, settings):
    from tests.disclosure.importing.test_import_admin import preview

    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    client.force_login(user_in_role(CLERK, agencies=[seed.agency]))
    before = figures(emptied(seed))
    data = long_csv(seed_rows(), header=exports.HEADER)
    assert len(data) > 1024
    response = preview(client, seed, "seed.csv", data)
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert figures(seed) == before
