"""bench/bench_scale.py is a benchmark, not a test: only its parts are checked here — the corpus
it generates imports through the product and publishes, the verdicts beside its ratios are
right, and it refuses to run without PostgreSQL — never a speed."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from bench import scale_build, scale_corpus
from bench.bench_scale import database_urls, parse_args
from bench.scale_report import Goal, line, verdict
from disclosure.exports.rows import FIGURE_HEADER
from disclosure.models import Disclosure, DisclosureStatus, ExpenditureLine


def test_files_have_the_exports_columns():
    assert scale_corpus.HEADER == FIGURE_HEADER


def test_years_hold_both_formats():
    assert scale_corpus.plan_years(5) == [
        (2014, "2014"),
        (2015, "2014"),
        (2022, "standard"),
        (2023, "standard"),
        (2024, "standard"),
    ]
    assert scale_corpus.plan_years(2) == [(2014, "2014"), (2024, "standard")]
    for impossible in (1, 12):
        with pytest.raises(ValueError):
            scale_corpus.plan_years(impossible)


def test_2014_format_parents_are_the_sums_of_their_children():
    import random

    figures = scale_corpus.simple_figures(random.Random(1))
    assert 150 <= len(figures) <= 250
    amounts = {(f.table, f.name): f.yuan for f in figures}
    children: dict = {}
    for f in figures:
        if f.context:
            children.setdefault((f.table, f.context), []).append(f.yuan)
    assert children, "the statements have 其中 lines"
    for parent, parts in children.items():
        assert amounts[parent] == sum(parts), parent
    tops = [f for f in figures if f.table == "支出按功能分类" and not f.context]
    assert sum(f.yuan for f in tops) == amounts[("支出决算", "财政拨款支出")]
    large = scale_corpus.large_figures(3000)
    assert len(large) == 3000
    assert sum(f.yuan for f in large if f.code and len(f.code) == 3) == large[0].yuan


def test_verdicts_beside_the_ratios():
    at_most, at_least = Goal(1.2, at_most=True), Goal(0.5)
    assert (verdict(1.1, at_most), verdict(1.3, at_most)) == ("PASS", "MISS")
    assert (verdict(0.5, at_least), verdict(0.49, at_least)) == ("PASS", "MISS")
    assert verdict(None, at_least) == "未测"
    assert verdict(3.0, Goal(None)) == ""
    assert "1.100×  ≤ 1.2    PASS  from 2 to 2.2" in line(
        "首页 home", "from 2 to 2.2", 1.1, at_most
    )
    assert "—" in line("x", "", None, at_least)


def test_arguments():
    args = parse_args([])
    assert (args.agencies, args.years, args.keep_db, args.sections) == (
        2000,
        5,
        False,
        {"import", "pages", "admin", "csv", "reconcile"},
    )
    assert parse_args(["--only", "csv", "--keep-db"]).sections == {"csv"}
    quick = parse_args(["--quick"])
    assert (quick.agencies, quick.years, quick.rounds) == (3, 2, 1)
    with pytest.raises(SystemExit):
        parse_args(["--only", "everything"])


def test_without_postgresql_it_says_so_and_exits_2(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/x.sqlite3")
    with pytest.raises(SystemExit) as exited:
        database_urls()
    assert exited.value.code == 2
    assert "需要 PostgreSQL" in capsys.readouterr().err
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h:5432/juesuan")
    assert database_urls() == (
        "postgres://u@h:5432/juesuan_bench_scale",
        "postgres://u@h:5432/juesuan_bench_scale_small",
    )


@pytest.mark.django_db(transaction=False)
def test_the_corpus_imports_through_the_command_and_publishes(putuo, tmp_path):
    names = scale_corpus.agencies(2)
    years = scale_corpus.plan_years(2)
    scale_build.prepare(names=names, years=years)
    template = scale_build.standard_template()
    assert len(template) > 250
    rows = scale_corpus.write_corpus(tmp_path, names=names, years=years, template=template)
    files = sorted(tmp_path.rglob("*.csv"))
    assert len(files) == 4

    out = io.StringIO()
    call_command("import_disclosures", str(tmp_path), stdout=out)
    total = out.getvalue().splitlines()[-1].split()  # 合计 4 个文件 rows errors seconds 失败 0
    assert (total[3], total[4], total[-1]) == (str(rows), "0", "0")

    generated = Disclosure.objects.filter(agency__slug__startswith="bench-0")
    assert generated.count() == 4
    assert ExpenditureLine.objects.filter(disclosure__in=generated).count() > 2 * 150
    count, _seconds = scale_build.publish_all()
    assert count == 4
    assert set(generated.values_list("status", flat=True)) == {DisclosureStatus.PUBLISHED}


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY 是 PostgreSQL 的命令：SQLite 上不测"
)
def test_copy_reads_the_same_rows(tmp_path):
    names = scale_corpus.agencies(3)
    rows = scale_corpus.write_corpus(
        tmp_path, names=names, years=[(2014, scale_corpus.SIMPLE)], template=[]
    )
    copied, _seconds = scale_build.copy_files(sorted(tmp_path.rglob("*.csv")))
    assert copied == rows
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), sum(amount_yuan) > 0 FROM {scale_build.SCRATCH}")
        assert cursor.fetchone() == (rows, True)
