"""How an import writes: COPY's text encoding, the writer's thread, the array look-ups, what an
error in the writer leaves behind (nothing), and who gets the writer's thread (the command line
only, never the admin's web worker)."""

import io
import sys
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F

from disclosure.exports import rows as exports
from disclosure.importing import sync
from disclosure.importing.fast import bulk
from disclosure.importing.fast.bulk import CopyWriter, copy_text
from disclosure.importing.writing import AnyOf, PlainWriter, new_writer
from disclosure.models import ExpenditureLine
from tests.disclosure.importing.import_files import long_csv
from tests.disclosure.importing.test_import_admin import confirm, preview
from tests.disclosure.importing.test_import_service import figures, run

pytestmark = pytest.mark.django_db
ECONOMIC = "支出按性质分（经济分类）"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY and the writer's thread are PostgreSQL's"
)


def line(code: str, name: str, parent: str = "", yuan: str = "100.00") -> list[str]:
    return ["溧阳市信访局", "2014", ECONOMIC, code, name, parent, "决算数", "", yuan, *[""] * 9]


def economic_file(*rows: list[str]) -> bytes:
    return long_csv(list(rows), header=exports.HEADER)


def test_copy_text_escapes_what_copy_gives_a_meaning():
    rows = [
        (1, "制表\t符", None, Decimal("1.50"), True),
        (2, "反斜杠\\与换行\n和回车\r", "", Decimal("0.00"), False),
    ]
    assert (
        copy_text(rows)
        == (
            "1\t制表\\t符\t\\N\t1.50\tTrue\n2\t反斜杠\\\\与换行\\n和回车\\r\t\t0.00\tFalse\n"
        ).encode()
    )


@pytest.mark.parametrize("fast", [False, True], ids=["plain", "copy"])
def test_names_with_tabs_backslashes_and_line_breaks_are_stored_as_written(seed, monkeypatch, fast):
    monkeypatch.setattr(sync, "BATCH", 2)  # several batches: several COPYs
    names = ["工资\t福利", "商品\\服务", "对个人\n和家庭", "“其中”\r项目", "N\\N"]
    rows = [line(f"3010{i}", name, yuan=f"{i}00.00") for i, name in enumerate(names, 1)]
    report = run(seed, economic_file(*rows), fast=fast)
    assert report.ok, [str(e) for e in report.errors]
    stored = seed.lines.filter(statement="economic").order_by("order")
    assert list(stored.values_list("name", "amount_yuan")) == [
        (name, Decimal(f"{i}00.00")) for i, name in enumerate(names, 1)
    ]


def test_any_of_finds_the_rows_with_one_of_the_values(seed):
    codes = ["301", "302", "not-a-code"]
    found = seed.lines.filter(AnyOf(F("code"), codes)).values_list("code", flat=True)
    assert sorted(found) == ["301", "302"]
    assert not seed.lines.filter(AnyOf(F("code"), ["not-a-code"])).exists()


def test_the_switch_interval_is_restored_after_an_import(seed):
    before = sys.getswitchinterval()
    run(seed, economic_file(line("30101", "工资")), fast=True)
    run(seed, economic_file(line("30101", "工资", yuan="负数")), fast=True)  # a row error
    assert sys.getswitchinterval() == before


@postgresql_only
def test_a_writer_error_is_raised_as_a_database_error_when_waited_for(seed):
    writer = CopyWriter()
    try:
        with pytest.raises(DatabaseError), transaction.atomic():
            writer.run(lambda cursor: cursor.execute("SELECT 1 / 0"))
            writer.wait()
    finally:
        writer.close()
    assert seed.lines.exists()  # the transaction goes on after the savepoint's rollback


@postgresql_only
def test_a_copy_the_database_refuses_writes_nothing(seed, monkeypatch):
    before = figures(seed)
    lines = ExpenditureLine.objects.count()
    monkeypatch.setattr(bulk, "copy_text", lambda rows: b"not\ta\tline\n")
    report = run(seed, economic_file(line("30101", "工资"), line("30102", "津贴")), fast=True)
    assert not report.ok and not report.written
    (message,) = [str(e) for e in report.errors]
    assert message.startswith("数据库拒绝了本次导入，未写入任何数据：")
    assert "current transaction is aborted" not in message  # the COPY's own error
    assert figures(seed) == before
    assert ExpenditureLine.objects.count() == lines


@postgresql_only
def test_lines_are_written_through_the_writer_thread(seed, monkeypatch):
    threads = []
    run_job = bulk._on

    def on(raw, job):
        threads.append(threading.current_thread().name)
        return run_job(raw, job)

    monkeypatch.setattr(bulk, "_on", on)
    report = run(seed, economic_file(line("30101", "工资"), line("", "差旅", "工资")), fast=True)
    assert report.ok, [str(e) for e in report.errors]
    assert threads and all(name.startswith("import-writer") for name in threads)
    assert list(seed.lines.filter(statement="economic").values_list("name", "parent__name")) == [
        ("工资", None),
        ("差旅", "工资"),
    ]


# --- who gets the writer's thread ---------------------------------------------------------------


@pytest.fixture
def watched(monkeypatch):
    """What the COPY writer would do to the process: threads started, switch interval set."""
    seen = {"threads": [], "intervals": []}
    run_job, set_interval = bulk._on, sys.setswitchinterval

    def on(raw, job):
        seen["threads"].append(threading.current_thread().name)
        return run_job(raw, job)

    def setswitchinterval(seconds):
        seen["intervals"].append(seconds)
        set_interval(seconds)

    monkeypatch.setattr(bulk, "_on", on)
    monkeypatch.setattr(sys, "setswitchinterval", setswitchinterval)
    return seen


def test_every_import_but_the_command_lines_takes_the_plain_writer():
    assert isinstance(new_writer(), PlainWriter)
    fast = new_writer(fast=True)
    expected = CopyWriter if connection.vendor == "postgresql" else PlainWriter
    assert type(fast) is expected


def test_the_admin_import_starts_no_thread_and_keeps_the_switch_interval(
    client, seed, clerk_of, watched
):
    client.force_login(clerk_of(seed.agency))
    before, threads = sys.getswitchinterval(), threading.active_count()
    data = economic_file(line("30101", "工资"), line("", "差旅", "工资"))
    response = confirm(client, preview(client, seed, "lines.csv", data))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(seed.lines.filter(statement="economic").values_list("name", flat=True)) == [
        "工资",
        "差旅",
    ]
    assert watched == {"threads": [], "intervals": []}
    assert sys.getswitchinterval() == before and threading.active_count() == threads


@postgresql_only
def test_the_command_line_copies_in_the_writers_thread(tmp_path, seed, watched):
    before = sys.getswitchinterval()
    path = tmp_path / "lines.csv"
    path.write_bytes(economic_file(line("30101", "工资"), line("", "差旅", "工资")))
    call_command("import_disclosures", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert watched["threads"] and all(n.startswith("import-writer") for n in watched["threads"])
    assert watched["intervals"] == [bulk._Switching.PROMPT, before]  # shortened, then restored
    assert seed.lines.filter(statement="economic").count() == 2
