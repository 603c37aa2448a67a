"""Benchmark of the data packages, not a timed test: `python bench/bench_packages.py`.

Generates a corpus with a seeded RNG in a temporary SQLite file (BENCH_AGENCIES agencies, one
published 2014-format disclosure each, 16 statement lines and 4 “三公” records: 20 figures),
then builds the year's package (what a publication rebuilds) and the package of everything,
and prints their sizes and build times, and the time `frictionless validate` takes on one.
The temporary folder is removed at the end. The machines are shared: times vary between runs.
"""

import os
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AGENCIES = int(os.environ.get("BENCH_AGENCIES", "2000"))
YEAR = 2023
CODES = ["201", "20103", "2010301", "2010302", "208", "20805", "2080501", "210", "21011"]


def setup() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="bench-packages-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["PACKAGES_ROOT"] = str(folder / "packages")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return folder


def generate() -> None:
    from bureaus.models import Agency
    from disclosure.models import Disclosure, ExpenditureLine, FiscalYear, ThreePublicExpense

    rng = random.Random(20240601)
    year, _ = FiscalYear.objects.get_or_create(year=YEAR, defaults={"disclosure_format": "2014"})
    Agency.objects.bulk_create(
        Agency(name=f"测试市第{i}局", slug=f"agency-{i}", region="测试市", level="一级局")
        for i in range(AGENCIES)
    )
    agencies = list(Agency.objects.filter(slug__startswith="agency-"))
    Disclosure.objects.bulk_create(Disclosure(agency=a, fiscal_year=year) for a in agencies)
    disclosures = list(Disclosure.objects.filter(fiscal_year=year))

    def amount() -> Decimal:
        return Decimal(rng.randrange(0, 10**9)) / 100

    lines, records = [], []
    for d in disclosures:
        for order in range(16):
            statement = ["income", "expenditure", "economic", "functional"][order % 4]
            code = CODES[order % len(CODES)] if statement == "functional" else ""
            name = f"项目{order}"
            lines.append(
                ExpenditureLine(
                    disclosure=d, statement=statement, code=code, name=name, order=order,
                    amount_yuan=amount(),
                )
            )  # fmt: skip
        for item in ["outbound", "vehicle_purchase", "vehicle_running", "reception"]:
            records.append(ThreePublicExpense(disclosure=d, item=item, amount_yuan=amount()))
    ExpenditureLine.objects.bulk_create(lines, batch_size=5000)
    ThreePublicExpense.objects.bulk_create(records, batch_size=5000)
    Disclosure.objects.filter(fiscal_year=year).update(status="published")


def main() -> None:
    folder = setup()
    started = time.monotonic()
    generate()
    print(f"语料：{AGENCIES} 个单位 × 1 年 × 20 个数字，生成 {time.monotonic() - started:.1f} 秒")
    import frictionless

    from disclosure.exports import packages

    for year in [YEAR, None]:
        m = packages.build_package(year)
        print(
            f"{m.filename}: {m.disclosures} disclosures, {m.figures} figure rows, "
            f"{m.size:,} bytes, built in {m.seconds:.2f} s"
        )
    started = time.monotonic()
    report = frictionless.validate(str(Path(os.environ["PACKAGES_ROOT"]) / "juesuan-all.zip"))
    rows = sum(task.stats["rows"] for task in report.tasks)
    print(f"frictionless validate: {report.valid}, {rows} rows, {time.monotonic() - started:.1f} s")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
