"""Benchmark of the import, not a timed test: `make bench-import` (options: --help).

Loads 100,000 expenditure lines (a file generated with a seeded RNG, in the long layout of the
CSV export) on the configured database — PostgreSQL in a separate <database>_bench_import
database, otherwise a temporary SQLite file — and prints one line per path with rows/s:
  ours:   disclosure_import(fast=True), every validation on, as `manage.py import_disclosures`
          runs it (the admin's import takes the plain writer: importing/writing.py);
  django-import-export with its defaults, through a plain ModelResource on the same file
          (a 5,000-row sample; its per-row rate does not depend on the file's size);
  COPY:   PostgreSQL COPY of the same rows, no validation (PostgreSQL only), and COPY followed
          by the audit rows an import writes for them: the database's share of our import.
Then the peak Python memory (tracemalloc) of our import for 10,000 and 100,000 rows.

Then the bulk loads of issue 15, through `manage.py import_disclosures` as a clerk runs them
(each file's reconciliation included): the large file, --files agencies' files of the 2014
format (~244 lines: 4 statements and the 三公 records), --standard-files copies of the demo's
standard-format document (653 lines), and their ratios with the goals beside them: one large
file ≥ 0.5 × COPY, many small files ≥ 0.5 × the one large file. --only-goals skips the
django-import-export and memory lines.

Every path commits, so each pays its foreign-key checks. The machines are shared and their speed
varies from run to run (COPY alone has measured 30,000 to 150,000 rows/s here): compare the
ratios printed by one run.
"""

import argparse
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
STATEMENTS = ["收入决算", "支出决算", "支出按性质分（经济分类）", "支出按功能分类"]


def configure_database() -> str:
    """Point DATABASE_URL at a fresh bench database; returns a description of it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        # Named after the configured database: helpers sharing a server do not collide.
        bench_db = f"{parts.path.strip('/') or 'postgres'}_bench_import"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
            conn.execute(f'CREATE DATABASE "{bench_db}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{bench_db}"))
        return f"PostgreSQL ({bench_db})"
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


def small_2014(path: Path, agency: str, rng: random.Random, lines: int = 60) -> int:
    """One agency's file as many are: 4 statements × `lines` lines and the 4 "三公" rows."""
    from disclosure.core.money import format_wan, format_yuan
    from disclosure.exports.rows import FIGURE_HEADER, THREE_PUBLIC_LABEL
    from disclosure.models import ThreePublicItem

    rows = []
    for statement in STATEMENTS:
        tops: list[str] = []
        for i, code in enumerate(rng.sample(range(1_000_000, 9_999_999), lines)):
            name = f"项目{i:03d}"
            parent = rng.choice(tops) if tops and rng.random() < 0.1 else ""
            if not parent:
                tops.append(name)
            yuan = Decimal(rng.randrange(0, 10**9)).scaleb(-2)
            rows.append(
                [
                    agency,
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
    for item in ThreePublicItem:
        yuan = Decimal(rng.randrange(0, 10**7)).scaleb(-2)
        counts = [""] * 9
        if item == ThreePublicItem.RECEPTION:
            counts[4:6] = [str(rng.randrange(1, 90)), str(rng.randrange(90, 900))]
        rows.append(
            [
                agency,
                "2014",
                THREE_PUBLIC_LABEL,
                "",
                item.label,
                "",
                "决算数",
                format_wan(yuan),
                format_yuan(yuan),
                *counts,
            ]
        )
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(FIGURE_HEADER)
        writer.writerows(rows)
    return len(rows)


def small_files(folder: Path, count: int) -> int:
    """`count` agencies' files of the 2014 format, ~244 lines each; returns the lines."""
    from bureaus.models import Agency

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20240602)
    names = [f"基准小单位{i:05d}" for i in range(count)]
    Agency.objects.bulk_create(
        [Agency(name=n, slug=f"bench-small-{i}") for i, n in enumerate(names)],
        ignore_conflicts=True,
    )
    return sum(small_2014(folder / f"{i:05d}.csv", n, rng) for i, n in enumerate(names))


def standard_files(folder: Path, count: int) -> int:
    """`count` agencies' files of the standard format: the demo's 2024 document (普陀区规划
    和自然资源局, loaded by load_seed) exported, once per agency; returns the lines."""
    from bureaus.models import Agency
    from disclosure.exports.rows import FIGURE_HEADER, figure_rows
    from disclosure.models import Disclosure

    folder.mkdir(parents=True, exist_ok=True)
    source = Disclosure.objects.filter(agency__slug="putuo-ghzy", fiscal_year__year=2024)
    template = [row[:18] for row in figure_rows(source)]
    names = [f"基准标准单位{i:05d}" for i in range(count)]
    Agency.objects.bulk_create(
        [Agency(name=n, slug=f"bench-standard-{i}") for i, n in enumerate(names)],
        ignore_conflicts=True,
    )
    for i, name in enumerate(names):
        with open(folder / f"{i:05d}.csv", "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(FIGURE_HEADER)
            writer.writerows([name, *row[1:]] for row in template)
    return len(template) * count


def command(path: Path, rows: int) -> float:
    """Rows/s of `manage.py import_disclosures PATH`: the bulk load as a clerk runs it,
    reconciliation included."""
    import io

    from django.core.management import call_command

    started = time.perf_counter()
    call_command("import_disclosures", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    return rows / (time.perf_counter() - started)


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


def goal(label: str, ratio: float, target: float) -> str:
    verdict = "PASS" if ratio >= target else "MISS"
    return f"  {label:<52}{ratio:>6.2f}×   goal ≥ {target}×  {verdict}"


def arguments():
    parser = argparse.ArgumentParser(description="make bench-import")
    parser.add_argument(
        "--files", type=int, default=400, help="small 2014-format files (~244 lines each)"
    )
    parser.add_argument(
        "--standard-files", type=int, default=100, help="standard-format files (653 lines each)"
    )
    parser.add_argument(
        "--only-goals",
        action="store_true",
        help="skip django-import-export and the memory peaks: only the ratios of issue 15",
    )
    return parser.parse_args()


def main() -> None:
    args = arguments()
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure.config.settings")
    where = configure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("load_seed", verbosity=0)  # the standard-format files copy its 2024 document
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    big, small = work / f"lines-{ROWS}.csv", work / "lines-10000.csv"
    generate(big, ROWS)
    prefix(big, small, min(10000, ROWS))
    size = big.stat().st_size / 2**20
    print(f"导入基准：{ROWS:,} 条收支决算项目（{size:.1f} MiB CSV，{big}），数据库 {where}")
    rate, check = ours(big, 1)
    print(f"  ours: disclosure_import, all validation on       {rate:>10,.0f} rows/s   1.00×")
    print(f"    then the reconciliation of the {ROWS:,} lines: {check:.1f} s")
    if not args.only_goals:
        default = default_resource(big, 2)
        print(
            f"  django-import-export defaults (ModelResource)     {default:>10,.0f} rows/s"
            f"   {default / rate:.3f}×  ({SAMPLE:,}-row sample of the same file, per-row rate)"
        )
    ceiling = None
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
    if not args.only_goals:
        low, high = peak_memory(small, 4), peak_memory(big, 5)
        print(
            f"  peak Python memory of ours (tracemalloc): {min(10000, ROWS):,} rows {low:.1f} MiB,"
            f" {ROWS:,} rows {high:.1f} MiB"
        )
    print("manage.py import_disclosures (bulk loads; reconciliation included):")
    fresh_disclosure(7)
    large = command(big, ROWS)
    print(f"  one file of {ROWS:,} lines                          {large:>10,.0f} rows/s")
    lines = small_files(work / "small", args.files)
    many = command(work / "small", lines)
    print(
        f"  {args.files:,} files of the 2014 format, {lines // max(args.files, 1)} lines each"
        f"       {many:>10,.0f} rows/s"
    )
    standard = None
    if args.standard_files:
        lines = standard_files(work / "standard", args.standard_files)
        standard = command(work / "standard", lines)
        print(
            f"  {args.standard_files:,} files of the standard format, "
            f"{lines // args.standard_files} lines each   {standard:>10,.0f} rows/s"
        )
    print("Issue 15's goals (ratios of this run):")
    if ceiling is not None:
        print(goal("one large file (ours) ÷ PostgreSQL COPY", rate / ceiling, 0.5))
    print(goal("many small 2014 files ÷ the one large file", many / large, 0.5))
    if standard is not None:
        print(goal("many standard-format files ÷ the one large file", standard / large, 0.5))
    print("  (both through import_disclosures, each file's reconciliation included; against")
    print("   the large file's import alone, unchecked, the stricter ratios are:)")
    print(goal("  many small 2014 files ÷ the large file's import", many / rate, 0.5))
    if standard is not None:
        print(goal("  many standard-format files ÷ the large file's import", standard / rate, 0.5))


if __name__ == "__main__":
    main()
