"""The import service: both layouts, every encoding, all-or-nothing, scoping, idempotence."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from disclosure.exports import rows as exports
from disclosure.importing import disclosure_import
from disclosure.models import Cell, Disclosure, ExpenditureLine, ReportRow, ThreePublicExpense
from tests.disclosure.importing.import_files import long_csv, long_xlsx, putuo_workbook
from tests.factories import AgencyFactory, DisclosureFactory, UserFactory

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent.parent / "exports" / "golden" / "liyang-xinfang-2014.csv"


def seed_rows() -> list[list[str]]:
    """The seed's figures as the public CSV has them (the long layout, then the columns since
    0.2.0, which an import accepts and ignores)."""
    rows = list(csv.reader(GOLDEN.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == exports.HEADER
    return rows[1:]


def figures(disclosure) -> dict:
    lines = sorted(
        disclosure.lines.values_list(
            "statement", "code", "name", "parent__name", "order", "amount_yuan"
        )
    )
    fields = ["item", "amount_yuan", *exports.COUNT_FIELDS, "yoy_remark", "explanation"]
    three = sorted(disclosure.three_public.values_list(*fields))
    return {"lines": lines, "three_public": three}


def export_bytes(disclosure) -> bytes:
    """The disclosure's figures as the export writes them, in the long layout an import reads:
    the columns after it (文件类型, 状态, 修订版本 …) describe the revision, a draft here."""
    rows = exports.figure_rows(Disclosure.objects.filter(pk=disclosure.pk))
    return long_layout(exports.csv_lines(rows))


def long_layout(lines) -> bytes:
    width = len(exports.FIGURE_HEADER)
    rows = csv.reader(line.lstrip("\ufeff") for line in lines)
    return long_csv([r[:width] for r in rows][1:], header=exports.FIGURE_HEADER)


def golden_figures() -> bytes:
    """The golden CSV's long layout (the published seed's figures)."""
    return long_layout(GOLDEN.read_text(encoding="utf-8-sig").splitlines(keepends=True))


def emptied(disclosure) -> Disclosure:
    """The disclosure with its statement lines gone and three-public amounts and counts cleared."""
    disclosure.lines.all().delete()
    disclosure.three_public.update(
        amount_yuan=Decimal(0), **{f: None for f in exports.COUNT_FIELDS}
    )
    return disclosure


def run(disclosure, data, **kwargs):
    return disclosure_import(
        agency=disclosure.agency, fiscal_year=disclosure.fiscal_year, file=data, by=None, **kwargs
    )


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda: long_csv(seed_rows(), header=exports.HEADER, encoding="gb18030"),
            id="gb18030-csv",
        ),
        pytest.param(
            lambda: long_csv(seed_rows(), header=exports.HEADER, encoding="utf-8"), id="utf8-csv"
        ),
        pytest.param(lambda: long_csv(seed_rows(), header=exports.HEADER), id="utf8-bom-csv"),
        pytest.param(lambda: long_xlsx(seed_rows(), header=exports.HEADER), id="xlsx-numbers"),
        pytest.param(
            lambda: long_xlsx(seed_rows(), header=exports.HEADER, numbers=False), id="xlsx-text"
        ),
    ],
)
def test_seed_figures_from_a_file_recreate_the_fixture(seed, tmp_path, make):
    expected, golden = figures(seed), golden_figures()
    path = tmp_path / "seed-file"
    path.write_bytes(make())
    report = run(emptied(seed), path)
    assert report.ok, [str(e) for e in report.errors]
    assert figures(seed) == expected
    assert export_bytes(seed) == golden


def test_seed_figures_into_a_new_disclosure(seed, tmp_path):
    """Only amounts in 万元, as a clerk types them; the disclosure is created as a draft."""
    header = [h for h in exports.HEADER if h != "金额（元）"]
    keep = [i for i, h in enumerate(exports.HEADER) if h != "金额（元）"]
    rows = [[r[i] for i in keep] for r in seed_rows()]
    agency = AgencyFactory(name="溧阳市测试局")
    rows = [[agency.name, *r[1:]] for r in rows]
    report = disclosure_import(
        agency=agency,
        fiscal_year=seed.fiscal_year,
        file=long_csv(rows, header=header, encoding="gb18030"),
        by=None,
    )
    assert report.ok, [str(e) for e in report.errors]
    created = Disclosure.objects.get(agency=agency, fiscal_year=seed.fiscal_year)
    assert created.status == "draft"
    ours, theirs = figures(created), figures(seed)
    assert ours["lines"] == theirs["lines"]
    strip = [r[:-2] for r in theirs["three_public"]]  # 同比情况/说明 are not in the layout
    assert [r[:-2] for r in ours["three_public"]] == strip
    assert report.totals == {"new": 12}


def test_reimporting_the_export_writes_nothing(seed, django_assert_max_num_queries):
    report = run(seed, GOLDEN.read_bytes())
    assert report.ok and report.totals == {"skip": 12}
    assert report.written


def test_changed_amount_is_an_update_and_a_removed_line_a_delete(seed):
    rows = [r for r in seed_rows() if r[4] != "项目专项经费"]
    rows[0][7], rows[0][8] = "200.00", ""
    report = run(seed, long_csv(rows, header=exports.HEADER))
    assert report.ok, [str(e) for e in report.errors]
    assert report.totals == {"update": 1, "skip": 10, "delete": 1}
    assert seed.lines.get(name="财政拨款收入").amount_yuan == Decimal("2000000.00")
    assert not seed.lines.filter(name="项目专项经费").exists()


def test_one_bad_row_writes_nothing_and_names_row_and_column(seed):
    before = figures(emptied(seed))
    rows = seed_rows()
    rows[5][7], rows[5][8] = "12.3.4", ""
    report = run(seed, long_csv(rows, header=exports.HEADER))
    assert not report.ok and not report.written
    assert [str(e) for e in report.errors] == [
        "第 7 行“金额（万元）”列："
        "“12.3.4”不是有效的金额：只能是数字，可带千分位逗号，例如 1,234.56。"
    ]
    assert figures(seed) == before


def test_every_bad_row_is_listed(seed):
    rows = seed_rows()
    rows[0][8] = "1958200.001"
    rows[1][3] = "20A"
    rows[2][0] = "别的单位"
    rows[3][1] = "2015"
    rows[4][2] = "不存在的报表"
    rows[11][14] = "-3"
    report = run(seed, long_csv(rows, header=exports.HEADER))
    messages = [str(e) for e in report.errors]
    assert messages == [
        "第 2 行“金额（元）”列：以元为单位的金额最多两位小数（精确到分）。",
        "第 3 行“科目编码”列：科目编码应为 3 位（类）、5 位（款）或 7 位（项）数字。",
        "第 4 行“单位”列：单位“别的单位”不是本次导入的单位“溧阳市信访局”：只能导入本单位的数字。",
        "第 5 行“年度”列：年度 2015 不是本次导入的 2014 年度。",
        "第 6 行“报表”列：2014年度使用2014年简式格式，报表应为：收入决算、支出决算、"
        "支出按性质分（经济分类）、支出按功能分类或“三公”经费。",
        "第 13 行“接待人次”列：数量不能为负数。",
    ]


def test_wan_and_yuan_must_agree(seed):
    rows = seed_rows()
    rows[0][7] = "195.83"
    report = run(seed, long_csv(rows, header=exports.HEADER))
    assert [str(e) for e in report.errors] == [
        "第 2 行“金额（万元）”列：金额（万元）与金额（元）不一致。"
    ]


def test_duplicates_and_missing_parents_are_row_errors(seed):
    rows = seed_rows()
    rows.append(list(rows[3]))  # 301 again
    rows[4][5] = "不存在的项目"  # 302's parent
    report = run(seed, long_csv(rows, header=exports.HEADER))
    assert [str(e) for e in report.errors] == [
        "第 14 行“科目编码”列：科目编码 301与第 5 行重复（同一报表中只能出现一次）。",
        "第 6 行“上级项目”列：上级项目“不存在的项目”不存在：应为同一报表中一行没有上级项目的项目。",
    ]


def test_an_id_of_another_agencys_line_is_refused(seed):
    other = DisclosureFactory(fiscal_year=seed.fiscal_year)
    foreign = ExpenditureLine.objects.create(
        disclosure=other, statement="income", name="x", amount_yuan=1
    )
    own = seed.lines.get(name="财政拨款收入")
    header = [*exports.HEADER, "编号"]
    rows = [[*r, ""] for r in seed_rows()]
    rows[0][-1] = str(own.pk)
    rows[1][-1] = str(foreign.pk)
    report = run(seed, long_csv(rows, header=header))
    assert [str(e) for e in report.errors] == [
        f"第 3 行“编号”列：编号 {foreign.pk} 不是本单位本年度决算中的数字：只能导入本单位的数字。"
    ]


def test_a_user_imports_only_for_agencies_in_scope(seed, monkeypatch):
    from django.core.exceptions import PermissionDenied

    from bureaus.models import Agency
    from disclosure.importing import service

    clerk = UserFactory()
    monkeypatch.setattr(service, "importable_agencies", lambda user: Agency.objects.none())
    with pytest.raises(PermissionDenied):
        disclosure_import(
            agency=seed.agency, fiscal_year=seed.fiscal_year, file=GOLDEN.read_bytes(), by=clerk
        )


def test_dry_run_writes_nothing_but_meets_the_database(seed):
    before = figures(emptied(seed))
    report = run(seed, GOLDEN.read_bytes(), dry_run=True, collect_rows=True)
    assert report.ok and not report.written
    assert report.totals == {"new": 8, "update": 1, "skip": 3}
    assert figures(seed) == before
    assert [o[0] for o in report.outcomes][:3] == ["new", "new", "new"]


def test_a_database_error_rolls_back_and_is_reported_in_chinese(seed, monkeypatch):
    from django.db import IntegrityError

    from disclosure.importing.writing import PlainWriter

    before = figures(emptied(seed))

    def refuse(*args, **kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "line_code"')

    monkeypatch.setattr(PlainWriter, "insert", refuse)
    report = run(seed, GOLDEN.read_bytes())
    assert not report.ok
    assert str(report.errors[0]).startswith("数据库拒绝了本次导入，未写入任何数据：")
    assert figures(seed) == before


def standard_snapshot(disclosure) -> dict:
    rows = sorted(
        (
            r.table.number,
            r.order,
            r.side,
            r.panel,
            r.ordinal,
            r.code,
            r.classification_id,
            r.name,
            r.role,
            r.parent.name if r.parent_id else "",
        )
        for r in ReportRow.objects.filter(disclosure=disclosure).select_related("table", "parent")
    )
    cells = sorted(
        (c.row.table.number, c.row.key, c.column.side, c.column.label, c.amount_yuan)
        for c in Cell.objects.filter(
            row__disclosure=disclosure, column__printed=True
        ).select_related("row__table", "row__parent", "column")
    )
    return {"rows": rows, "cells": cells}


def test_putuo_tables_from_the_per_table_workbook(putuo, putuo_source, tmp_path):
    expected = standard_snapshot(putuo)
    path = tmp_path / "putuo.xlsx"
    path.write_bytes(putuo_workbook(putuo_source, agency=putuo.agency.name))
    # Into the fixture itself: nothing changes (the unprinted 年初预算数 column is kept).
    report = run(putuo, path)
    assert report.ok, [str(e) for e in report.errors][:5]
    assert set(report.totals) == {"skip"}
    # Into an emptied disclosure: the same rows and printed cells.
    ReportRow.objects.filter(disclosure=putuo).delete()
    report = run(putuo, path)
    assert report.ok, [str(e) for e in report.errors][:5]
    assert standard_snapshot(putuo) == expected


def test_putuo_long_layout_round_trip(putuo):
    data = export_bytes(putuo)
    ReportRow.objects.filter(disclosure=putuo).delete()
    report = run(putuo, data)
    assert report.ok, [str(e) for e in report.errors][:5]
    assert export_bytes(putuo) == data
    records = ThreePublicExpense.objects.filter(disclosure=putuo)
    assert not records.filter(amount_yuan__isnull=False).exists()


def test_an_import_leaves_an_audit_row_per_written_figure_with_the_importer(seed, tmp_path):
    from tests.factories import CLERK, user_in_role

    clerk = user_in_role(CLERK, agencies=[seed.agency])
    emptied(seed)
    path = tmp_path / "seed.csv"
    path.write_bytes(long_csv(seed_rows(), header=exports.HEADER))
    report = disclosure_import(
        agency=seed.agency, fiscal_year=seed.fiscal_year, file=path, by=clerk
    )
    assert report.ok, [str(e) for e in report.errors]
    created = ExpenditureLine.history.filter(
        disclosure=seed, history_type="+", history_change_reason="导入"
    )
    assert created.count() == seed.lines.count() == 8
    assert set(created.values_list("history_user", flat=True)) == {clerk.pk}
    assert sorted(created.values_list("amount_yuan", flat=True)) == sorted(
        seed.lines.values_list("amount_yuan", flat=True)
    )


def test_an_import_never_touches_a_published_disclosure(db, tmp_path):
    from django.core.management import call_command

    from tests.conftest import SEED_FIXTURE

    call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
    published = Disclosure.objects.get(agency__slug="liyang-xinfang")
    path = tmp_path / "seed.csv"
    path.write_bytes(long_csv(seed_rows(), header=exports.HEADER))
    before = list(published.lines.values_list("pk", "amount_yuan"))
    report = run(published, path)
    assert not report.ok
    assert "已发布，不能直接导入" in report.errors[0].message
    assert list(published.lines.values_list("pk", "amount_yuan")) == before
