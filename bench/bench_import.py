"""Benchmark of the import, not a timed test: `make bench-import`.

Loads 100,000 expenditure lines (a file generated with a seeded RNG, in the long layout of the
CSV export) on the configured database — PostgreSQL in a separate bench_juesuan database,
otherwise a temporary SQLite file — and prints one line per path with rows/s:
  ours:   disclosure_import(fast=True), every validation on, as `manage.py import_disclosures`
          runs it (the admin's import takes the plain writer: importing/writing.py);
  django-import-export with its defaults, through a plain ModelResource on the same file
          (a 5,000-row sample; its per-row rate does not depend on the file's size);
  COPY:   PostgreSQL COPY of the same rows, no validation (PostgreSQL only), and COPY followed
          by the audit rows an import writes for them: the database's share of our import.
Then the peak Python memory (tracemalloc) of our import for 10,000 and 100,000 rows.

Every path commits, so each pays its foreign-key checks. The machines are shared and their speed
varies from run to run (COPY alone has measured 30,000 to 150,000 rows/s here): compare the
ratios printed by one run.
"""

import csv
import os
import random
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
SAMPLE = 5000
BENCH_DB = "bench_juesuan"
STATEMENTS = ["收入决算", "支出决算", "支出按性质分（经济分类）", "支出按功能分类"]


def configure_database() -> str:
    """Point DATABASE_URL at a fresh bench database; returns a description of it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
        return f"PostgreSQL ({BENCH_DB})"
    path = Path(tempfile.mkdtemp(prefix="bench-juesuan-")) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return f"SQLite ({path})"


def generate(path: Path, rows: int) -> None:
    """4 statements × rows/4 lines, 7-digit codes, one line in ten a "其中" of an earlier one."""
    from disclosure.core.money import format_wan, format_yuan
    from disclosure.exports.rows import HEADER

    rng = random.Random(20240601)
    per_statement = rows // len(STATEMENTS)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for statement in STATEMENTS:
            codes = rng.sample(range(1_000_000, 9_999_999), per_statement)
            tops: list[str] = []
            for i, code in enumerate(codes):
                name = f"基准项目{i:06d}号"
                parent = rng.choice(tops) if tops and rng.random() < 0.1 else ""
                if not parent:
                    tops.append(name)
                yuan = Decimal(rng.randrange(0, 10**11)).scaleb(-2)
                writer.writerow(
                    [
                        "基准测试单位",
                        "2014",
                        statement,
                        str(code),
                        name,
                        parent,
                        "决算数",
                        format_wan(yuan),
                        format_yuan(yuan),
                    ]
                    + [""] * 9
                )


def prefix(source: Path, target: Path, rows: int) -> None:
    with (
        open(source, encoding="utf-8-sig", newline="") as f,
        open(target, "w", encoding="utf-8-sig", newline="") as out,
    ):
        for i, line in enumerate(f):
            if i > rows:
                break
            out.write(line)


def fresh_disclosure(n: int):
    from bureaus.models import Agency
    from disclosure.models import Disclosure, FiscalYear

    agency, _ = Agency.objects.get_or_create(name="基准测试单位", defaults={"slug": "bench"})
    other = Agency.objects.create(name=f"基准对照单位{n}", slug=f"bench-{n}")
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=2014, disclosure_format="2014")
    Disclosure.objects.filter(agency=agency).delete()
    return agency, other, fiscal_year


def ours(path: Path, n: int) -> tuple[float, float]:
    """Rows/s of the import (every validation, audit rows), and the seconds of the
    reconciliation that the admin and the command run after it, timed apart."""
    from disclosure.importing import disclosure_import
    from disclosure.models import ExpenditureLine
    from disclosure.reconciliation.services import disclosure_reconcile

    agency, _other, fiscal_year = fresh_disclosure(n)
    started = time.perf_counter()
    report = disclosure_import(
        agency=agency, fiscal_year=fiscal_year, file=path, by=None, reconcile=False, fast=True
    )
    seconds = time.perf_counter() - started
    assert report.ok, [str(e) for e in report.errors[:5]]
    assert ExpenditureLine.objects.filter(disclosure__agency=agency).count() == report.rows
    started = time.perf_counter()
    disclosure_reconcile(disclosure=report.disclosure)
    return report.rows / seconds, time.perf_counter() - started


def default_resource(path: Path, n: int) -> float:
    """django-import-export as it comes: a ModelResource, row by row, diffs on, no bulk."""
    import tablib
    from import_export import fields, resources, widgets

    from disclosure.models import Disclosure, ExpenditureLine, Statement

    _agency, other, fiscal_year = fresh_disclosure(n)
    disclosure = Disclosure.objects.create(agency=other, fiscal_year=fiscal_year)
    statements = {s.label: s.value for s in Statement}

    class ParentWidget(widgets.ForeignKeyWidget):
        def get_queryset(self, value, row, *args, **kwargs):
            return ExpenditureLine.objects.filter(disclosure=disclosure, statement=row["报表"])

    class LineResource(resources.ModelResource):
        statement = fields.Field(attribute="statement", column_name="报表")
        code = fields.Field(attribute="code", column_name="科目编码")
        name = fields.Field(attribute="name", column_name="项目")
        parent = fields.Field(
            attribute="parent", column_name="上级项目", widget=ParentWidget(ExpenditureLine, "name")
        )
        amount_yuan = fields.Field(
            attribute="amount_yuan", column_name="金额（元）", widget=widgets.DecimalWidget()
        )

        class Meta:
            model = ExpenditureLine
            fields = ("statement", "code", "name", "parent", "amount_yuan")
            import_id_fields = ("statement", "code")

        def before_import_row(self, row, **kwargs):
            row["报表"] = statements[row["报表"]]

        def after_init_instance(self, instance, new, row, **kwargs):
            instance.disclosure = disclosure

    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        dataset = tablib.Dataset(headers=next(reader))
        for i, row in enumerate(reader):
            if i == SAMPLE:
                break
            dataset.append(row)
    started = time.perf_counter()
    result = LineResource().import_data(dataset, use_transactions=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors()
    return len(dataset) / seconds


def copy(path: Path, n: int, *, audit: bool = False) -> float:
    """The ceiling: PostgreSQL COPY of the same rows, no validation, no 其中 parents; with
    `audit`, then the history rows our import writes for them (one INSERT … SELECT)."""
    from django.db import connection, transaction

    from disclosure.importing import history
    from disclosure.models import Disclosure, ExpenditureLine, Statement

    _agency, other, fiscal_year = fresh_disclosure(n)
    disclosure = Disclosure.objects.create(agency=other, fiscal_year=fiscal_year)
    statements = {s.label: s.value for s in Statement}
    started = time.perf_counter()
    count = 0
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        open(path, encoding="utf-8-sig", newline="") as f,
    ):
        reader = csv.reader(f)
        next(reader)
        sql = (
            "COPY disclosure_expenditureline "
            '(disclosure_id, statement, code, name, "order", amount_yuan) FROM STDIN'
        )
        with cursor.cursor.copy(sql) as out:
            for row in reader:
                count += 1
                out.write_row(
                    (disclosure.pk, statements[row[2]], row[3], row[4], count % 30000, row[8])
                )
        if audit:
            ids = list(disclosure.lines.values_list("pk", flat=True))
            history.record(ExpenditureLine, ids, kind=history.CREATED, by=None, reason="导入")
    return count / (time.perf_counter() - started)


def peak_memory(path: Path, n: int) -> float:
    from disclosure.importing import disclosure_import

    agency, _other, fiscal_year = fresh_disclosure(n)
    tracemalloc.start()
    report = disclosure_import(
        agency=agency, fiscal_year=fiscal_year, file=path, by=None, reconcile=False, fast=True
    )
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.ok
    return peak / 2**20


def main() -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure.config.settings")
    where = configure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    big, small = work / f"lines-{ROWS}.csv", work / "lines-10000.csv"
    generate(big, ROWS)
    prefix(big, small, min(10000, ROWS))
    size = big.stat().st_size / 2**20
    print(f"导入基准：{ROWS:,} 条收支决算项目（{size:.1f} MiB CSV，{big}），数据库 {where}")
    rate, check = ours(big, 1)
    print(f"  ours: disclosure_import, all validation on       {rate:>10,.0f} rows/s   1.00×")
    print(f"    then the reconciliation of the {ROWS:,} lines: {check:.1f} s")
    default = default_resource(big, 2)
    print(
        f"  django-import-export defaults (ModelResource)     {default:>10,.0f} rows/s"
        f"   {default / rate:.3f}×  ({SAMPLE:,}-row sample of the same file, per-row rate)"
    )
    if connection.vendor == "postgresql":
        ceiling = copy(big, 3)
        print(
            f"  PostgreSQL COPY, no validation                    {ceiling:>10,.0f} rows/s"
            f"   {ceiling / rate:.2f}×"
        )
        writes = copy(big, 6, audit=True)
        print(
            f"  COPY + the audit rows, no validation              {writes:>10,.0f} rows/s"
            f"   {writes / rate:.2f}×  (the database's work in ours)"
        )
    else:
        print("  PostgreSQL COPY: not measured (the configured database is not PostgreSQL)")
    low, high = peak_memory(small, 4), peak_memory(big, 5)
    print(
        f"  peak Python memory of ours (tracemalloc): {min(10000, ROWS):,} rows {low:.1f} MiB,"
        f" {ROWS:,} rows {high:.1f} MiB"
    )


if __name__ == "__main__":
    main()
