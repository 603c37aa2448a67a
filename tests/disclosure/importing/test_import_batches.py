"""Statement lines across batches: what earlier batches wrote is asked of the database, so
repeated keys, "其中" parents and their ambiguity are found as within one batch. With either
writer: the plain one, and on PostgreSQL the command line's COPY writer."""

import pytest
from django.db import connection

from disclosure.exports import rows as exports
from disclosure.importing import service, sync, writing
from tests.disclosure.importing.import_files import long_csv
from tests.disclosure.importing.test_import_service import (
    GOLDEN,
    emptied,
    export_bytes,
    figures,
    golden_figures,
    run,
    seed_rows,
)

# The seed, reopened, once for the module; each test's writes are rolled back.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_draft_for_module")]
ECONOMIC = "支出按性质分（经济分类）"
WRITERS = ["plain", "copy"] if connection.vendor == "postgresql" else ["plain"]


@pytest.fixture(autouse=True, params=WRITERS)
def writer(request, monkeypatch):
    if request.param == "copy":
        monkeypatch.setattr(service, "new_writer", lambda fast=False: writing.new_writer(fast=True))


@pytest.fixture
def batches_of_two(monkeypatch):
    monkeypatch.setattr(sync, "BATCH", 2)


def line(code: str, name: str, parent: str = "", yuan: str = "100.00") -> list[str]:
    return ["溧阳市信访局", "2014", ECONOMIC, code, name, parent, "决算数", "", yuan, *[""] * 9]


def economic_file(*rows: list[str]) -> bytes:
    return long_csv(list(rows), header=exports.HEADER)


def economic(disclosure) -> list[tuple]:
    lines = disclosure.lines.filter(statement="economic")
    return list(lines.values_list("code", "name", "parent__name", "order"))


def messages(report) -> list[str]:
    return [str(e) for e in report.errors]


def test_batches_write_what_one_batch_writes(seed, batches_of_two):
    expected = figures(seed)
    report = run(emptied(seed), GOLDEN.read_bytes())
    assert report.ok, messages(report)
    assert figures(seed) == expected
    assert export_bytes(seed) == golden_figures()
    again = run(seed, GOLDEN.read_bytes())
    assert again.ok and again.totals == {"skip": 12}


def test_batches_update_and_delete_lines_matched_in_earlier_batches(seed, batches_of_two):
    rows = [r for r in seed_rows() if r[4] != "项目专项经费"]
    rows[4][7], rows[4][8] = "", "700000.00"  # 302 商品和服务支出, a "其中" of 基本支出
    report = run(seed, long_csv(rows, header=exports.HEADER))
    assert report.ok, messages(report)
    assert report.totals == {"update": 1, "skip": 10, "delete": 1}
    assert not seed.lines.filter(name="项目专项经费").exists()
    changed = seed.lines.get(code="302")
    assert (changed.amount_yuan, changed.parent.name) == (700000, "基本支出")


def test_lines_move_between_parents_across_batches(seed, batches_of_two):
    report = run(
        seed,
        economic_file(
            line("", "项目专项经费", yuan="550000.00"),
            line("302", "商品和服务支出", "项目专项经费", "313200.00"),
            line("", "基本支出", yuan="1408200.00"),
            line("301", "工资福利支出", "基本支出", "798200.00"),
        ),
    )
    assert report.ok, messages(report)
    assert economic(seed) == [
        ("", "项目专项经费", None, 1),
        ("302", "商品和服务支出", "项目专项经费", 2),
        ("", "基本支出", None, 3),
        ("301", "工资福利支出", "基本支出", 4),
    ]


def test_a_parent_named_after_its_other_rows_is_found(seed, batches_of_two):
    report = run(
        seed,
        economic_file(
            line("", "差旅", "公用经费"),
            line("30101", "工资"),
            line("30201", "公用经费"),
            line("", "会议", "工资"),
        ),
    )
    assert report.ok, messages(report)
    assert economic(seed) == [
        ("", "差旅", "公用经费", 1),
        ("30101", "工资", None, 2),
        ("30201", "公用经费", None, 3),
        ("", "会议", "工资", 4),
    ]


def test_a_key_repeated_from_an_earlier_batch_is_a_row_error(seed, batches_of_two):
    before = figures(seed)
    report = run(
        seed,
        economic_file(
            line("30101", "工资"),
            line("", "差旅"),
            line("30102", "津贴"),
            line("30102", "津贴"),
            line("30101", "工资"),
            line("", "差旅"),
        ),
    )
    # Within a batch the first row's number is known; past its batch only its line is kept.
    assert messages(report) == [
        "第 5 行“科目编码”列：科目编码 30102与第 4 行重复（同一报表中只能出现一次）。",
        "第 6 行“科目编码”列：科目编码 30101与文件中前面的一行重复（同一报表中只能出现一次）。",
        "第 7 行“项目”列：“差旅”与文件中前面的一行重复（同一报表中只能出现一次）。",
    ]
    assert figures(seed) == before


def test_a_second_parent_of_the_same_name_after_its_rows_is_an_error(seed, batches_of_two):
    report = run(
        seed,
        economic_file(
            line("30101", "工资"),
            line("30102", "津贴"),
            line("", "基本工资", "工资"),
            line("30103", "奖金"),
            line("30104", "工资"),
        ),
    )
    assert messages(report) == [
        "第 6 行“项目”列：“工资”与文件中前面的一行同名，“其中”项无法确定上级。"
    ]


def test_two_parents_of_the_same_name_before_their_row_are_errors(seed, batches_of_two):
    report = run(
        seed,
        economic_file(
            line("", "基本工资", "工资"),
            line("30101", "津贴"),
            line("30102", "工资"),
            line("30103", "工资"),
        ),
    )
    assert messages(report) == [
        "第 5 行“项目”列：“工资”与第 4 行同名，“其中”项无法确定上级。",
        "第 2 行“上级项目”列：上级项目“工资”在该报表中有多行，无法确定。",
    ]


def test_a_row_after_two_parents_of_the_same_name_is_an_error(seed, batches_of_two):
    report = run(
        seed,
        economic_file(
            line("30101", "工资"),
            line("30102", "津贴"),
            line("30103", "工资"),
            line("", "基本工资", "工资"),
        ),
    )
    assert messages(report) == ["第 5 行“上级项目”列：上级项目“工资”在该报表中有多行，无法确定。"]


def test_after_a_bad_row_later_batches_are_still_checked_alone(seed, batches_of_two):
    """Batches are written after a row error too (and rolled back): no error follows from it."""
    before = figures(seed)
    report = run(
        seed,
        economic_file(
            line("30101", "工资", yuan="abc"),
            line("30102", "津贴"),
            line("30103", "奖金"),
            line("", "夜班", "津贴"),
            line("30102", "津贴"),
        ),
    )
    assert [e.row for e in report.errors] == [2, 6]
    assert "文件中前面的一行重复" in report.errors[1].message
    assert figures(seed) == before


def test_nothing_per_row_outlives_its_batch(seed, batches_of_two, monkeypatch):
    held = {}
    finish = sync.LineSync.finish

    def measured(self):
        containers = {k: v for k, v in vars(self).items() if isinstance(v, (dict, list, set))}
        held.update({k: len(v) for k, v in containers.items() if k not in ("old", "unmatched")})
        finish(self)

    monkeypatch.setattr(sync.LineSync, "finish", measured)
    rows = [line(f"301{i:02d}", f"项目{i}", "项目0" if i % 3 else "") for i in range(40)]
    report = run(seed, economic_file(*rows))
    assert report.ok, messages(report)
    assert held and max(held.values()) <= 2, held
