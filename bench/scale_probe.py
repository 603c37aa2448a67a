"""A quick scale probe of /all.csv and the admin changelists, not `make bench-scale`.

`make bench-scale` (bench/bench_scale.py) builds its corpus through the product's own bulk
import; this probe only needs many published rows fast, so it copies the two demo documents
with SQL on PostgreSQL (the freeze's triggers are off for the copying session: it runs as the
database's owner). Usage, with DATABASE_URL naming a PostgreSQL database of your own:

    python bench/scale_probe.py build --agencies 400      # the seed, then 400 agencies × 5 years
    python bench/scale_probe.py csv                       # /all.csv against COPY of its rows
    python bench/scale_probe.py admin --small-url postgres://…/small   # changelists, at scale
                                                           # and on the demo data, as ratios

`build` makes 2014 (the 2014 format, the seed's lines repeated to ~250 figures) and 2021–2024
(the standard format, the 2024 seed's 226 rows and 321 cells, ~650 CSV rows) for each agency.
Figures vary with the machine's load: compare the ratios of one run.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure.config.settings")
os.environ.setdefault("SECRET_KEY", "scale-probe")
os.environ.setdefault("CACHE_SECONDS", "0")  # measure the work, not the cache

STANDARD_YEARS = (2021, 2022, 2023, 2024)
LINE_COPIES = 30  # the seed's 8 lines × 30 ≈ 240 figures per 2014 disclosure
SEED_SLUGS = ("liyang-xinfang", "putuo-ghzy")


def _setup():
    import django

    django.setup()


# --- build ---------------------------------------------------------------------------------


def build(agencies: int) -> None:
    _setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from disclosure.models import Disclosure, FiscalYear

    if not Disclosure.objects.filter(agency__slug=SEED_SLUGS[0]).exists():
        call_command("load_seed")
    seed_2014 = Disclosure.objects.get(agency__slug=SEED_SLUGS[0])
    seed_std = Disclosure.objects.get(agency__slug=SEED_SLUGS[1])
    fy2024 = seed_std.fiscal_year
    for year in STANDARD_YEARS:
        FiscalYear.objects.get_or_create(
            year=year,
            defaults={
                "disclosure_format": fy2024.disclosure_format,
                "code_version": fy2024.code_version,
                "report_format": fy2024.report_format,
            },
        )
    years = dict(FiscalYear.objects.values_list("year", "id"))
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as c:
        c.execute("SET LOCAL session_replication_role = replica")  # the freeze, FKs: off
        c.execute("SELECT coalesce(max(id), 0) FROM bureaus_agency")
        base_agency = c.fetchone()[0] + 1
        c.execute(
            "INSERT INTO bureaus_agency (id, name, slug, unit_kind, level, region, former_names)"
            " SELECT %s + g, '规模测试单位' || g, 'scale-' || g, unit_kind, level, region, ''"
            " FROM bureaus_agency a, generate_series(0, %s - 1) g WHERE a.slug = %s",
            [base_agency, agencies, SEED_SLUGS[0]],
        )
        plan = [(seed_2014, years[2014])] + [(seed_std, years[y]) for y in STANDARD_YEARS]
        for copy_no, (seed, year_id) in enumerate(plan):
            _copy_disclosures(c, seed, year_id, base_agency, agencies, copy_no)
        for table in (
            "bureaus_agency",
            "disclosure_disclosure",
            "disclosure_expenditureline",
            "disclosure_reportrow",
        ):
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")
    print(f"built {agencies} agencies × {len(plan)} years in {time.monotonic() - started:.0f} s")
    _counts()


def _copy_disclosures(c, seed, year_id: int, base_agency: int, agencies: int, copy_no: int):
    c.execute("SELECT coalesce(max(id), 0) + 1 FROM disclosure_disclosure")
    base_d = c.fetchone()[0]
    c.execute(
        "INSERT INTO disclosure_disclosure (id, status, published_at, head_name, head_posts,"
        " created_at, updated_at, agency_id, fiscal_year_id, correction_reason, corrects_id,"
        " publication_note, return_comment, revision, version)"
        " SELECT %s + g, 'published', published_at + g * interval '1 second', head_name,"
        " head_posts, now(), now(), %s + g, %s, '', NULL, '', '', 1, 1"
        " FROM disclosure_disclosure d, generate_series(0, %s - 1) g WHERE d.id = %s",
        [base_d, base_agency, year_id, agencies, seed.pk],
    )
    c.execute(
        "INSERT INTO disclosure_threepublicexpense (item, amount_yuan, delegations,"
        " outbound_persons, vehicles_purchased, vehicles_held, reception_batches,"
        " reception_persons, accompanying_persons, yoy_remark, explanation, disclosure_id,"
        " foreign_reception_batches, foreign_reception_persons)"
        " SELECT item, amount_yuan, delegations, outbound_persons, vehicles_purchased,"
        " vehicles_held, reception_batches, reception_persons, accompanying_persons,"
        " yoy_remark, explanation, %s + g, foreign_reception_batches, foreign_reception_persons"
        " FROM disclosure_threepublicexpense t, generate_series(0, %s - 1) g"
        " WHERE t.disclosure_id = %s",
        [base_d, agencies, seed.pk],
    )
    if seed.fiscal_year.disclosure_format == "2014":
        _copy_rows(
            c,
            "disclosure_expenditureline",
            seed.pk,
            base_d,
            agencies,
            LINE_COPIES,
            "statement, CASE WHEN j = 0 THEN code ELSE '' END,"
            ' CASE WHEN j = 0 THEN name ELSE name || j END, "order" + j * 100,'
            " amount_yuan, classification_id",
            'statement, code, name, "order", amount_yuan, classification_id',
        )
    else:
        stride = _copy_rows(
            c,
            "disclosure_reportrow",
            seed.pk,
            base_d,
            agencies,
            1,
            '"order", side, panel, ordinal, code, name, role, explanation,'
            " classification_id, table_id",
            '"order", side, panel, ordinal, code, name, role, explanation,'
            " classification_id, table_id",
        )
        c.execute(
            "SELECT min(id), max(id) FROM disclosure_reportrow WHERE disclosure_id = %s", [seed.pk]
        )
        row_min, _ = c.fetchone()
        c.execute(
            "INSERT INTO disclosure_cell (amount_yuan, column_id, row_id)"
            " SELECT c.amount_yuan, c.column_id, %s + g * %s + (c.row_id - %s)"
            " FROM disclosure_cell c JOIN disclosure_reportrow r ON r.id = c.row_id,"
            " generate_series(0, %s - 1) g WHERE r.disclosure_id = %s",
            [stride[0], stride[1], row_min, agencies, seed.pk],
        )


def _copy_rows(c, table, seed_id, base_d, agencies, copies, select, columns):
    """Copies of the seed's rows of `table` (ids and parents shifted by a stride) into each
    new disclosure; returns (first new id, stride)."""
    c.execute(f"SELECT min(id), max(id) FROM {table} WHERE disclosure_id = %s", [seed_id])
    low, high = c.fetchone()
    span = high - low + 1
    c.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
    base = c.fetchone()[0]
    new_id = f"%(base)s + (g * {copies} + j) * {span} + (t.id - {low})"
    parent = f"%(base)s + (g * {copies} + j) * {span} + (t.parent_id - {low})"
    c.execute(
        f"INSERT INTO {table} (id, disclosure_id, parent_id, {columns})"
        f" SELECT {new_id}, %(base_d)s + g, {parent}, {select}"
        f" FROM {table} t, generate_series(0, %(n)s - 1) g, generate_series(0, {copies} - 1) j"
        f" WHERE t.disclosure_id = %(seed)s",
        {"base": base, "base_d": base_d, "n": agencies, "seed": seed_id},
    )
    return base, span * copies


def _counts() -> None:
    from django.db import connection

    with connection.cursor() as c:
        for table in (
            "disclosure_disclosure",
            "disclosure_expenditureline",
            "disclosure_reportrow",
            "disclosure_cell",
        ):
            c.execute(f"SELECT count(*) FROM {table}")
            print(f"  {table}: {c.fetchone()[0]:,}")


# --- /all.csv against COPY ---------------------------------------------------------------------

# The same rows as /all.csv, written by PostgreSQL alone: each format's figures with their
# agency, year and document columns, blank printed cells included (README, "CSV").
COPY_SQL = """
COPY (
  SELECT a.name, y.year, s.statement, l.code, l.name, p.name, '决算数',
         round(l.amount_yuan / 10000, 2), l.amount_yuan, d.status, d.revision, d.published_at
  FROM disclosure_expenditureline l
  JOIN disclosure_disclosure d ON d.id = l.disclosure_id
  JOIN bureaus_agency a ON a.id = d.agency_id
  JOIN disclosure_fiscalyear y ON y.id = d.fiscal_year_id
  LEFT JOIN disclosure_expenditureline p ON p.id = l.parent_id
  CROSS JOIN LATERAL (SELECT l.statement) s
  WHERE d.status = 'published'
  UNION ALL
  SELECT a.name, y.year, t.number || ' ' || t.title, r.code, r.name, p.name, k.label,
         round(c.amount_yuan / 10000, 2), c.amount_yuan, d.status, d.revision, d.published_at
  FROM disclosure_reportrow r
  JOIN disclosure_disclosure d ON d.id = r.disclosure_id
  JOIN bureaus_agency a ON a.id = d.agency_id
  JOIN disclosure_fiscalyear y ON y.id = d.fiscal_year_id
  JOIN disclosure_tablespec t ON t.id = r.table_id
  JOIN disclosure_columnspec k ON k.table_id = r.table_id
  LEFT JOIN disclosure_cell c ON c.row_id = r.id AND c.column_id = k.id
  LEFT JOIN disclosure_reportrow p ON p.id = r.parent_id
  WHERE d.status = 'published' AND (c.id IS NOT NULL OR k.printed AND
        (NOT t.two_sided OR k.side = r.side))
  UNION ALL
  SELECT a.name, y.year, '三公', '', e.item, '', '', round(e.amount_yuan / 10000, 2),
         e.amount_yuan, d.status, d.revision, d.published_at
  FROM disclosure_threepublicexpense e
  JOIN disclosure_disclosure d ON d.id = e.disclosure_id
  JOIN bureaus_agency a ON a.id = d.agency_id
  JOIN disclosure_fiscalyear y ON y.id = d.fiscal_year_id
  WHERE d.status = 'published'
) TO STDOUT WITH (FORMAT csv)
"""


def _backend_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend so far (same machine: /proc)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        pid = c.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def copy_rate() -> tuple[int, float, float]:
    """Rows, wall seconds and CPU seconds (backend and reader) of COPY of the same rows."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    cpu = _backend_cpu() + _own_cpu()
    rows, started = 0, time.monotonic()
    with raw.cursor() as c, c.copy(COPY_SQL) as copy:
        for block in copy:
            rows += bytes(block).count(b"\n")
    wall = time.monotonic() - started
    return rows, wall, _backend_cpu() + _own_cpu() - cpu


def csv_probe(rounds: int) -> None:
    _setup()
    from django.db import connection
    from django.test import Client

    # The machine is shared: wall time includes waiting for a core. CPU seconds (this process
    # plus its PostgreSQL backend: the same connection, kept by CONN_MAX_AGE) are compared too.
    client = Client(HTTP_HOST="localhost")
    for _ in range(rounds):
        copy_rows, copy_s, copy_cpu = copy_rate()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        connection.ensure_connection()
        cpu = _backend_cpu() + _own_cpu()
        started = time.monotonic()
        response = client.get("/all.csv")
        first = None
        rows = 0
        for chunk in response.streaming_content:
            n = chunk.count(b"\n")
            if first is None and n > 1 or (first is None and rows + n > 1):
                first = time.monotonic() - started
            rows += n
        ours_s = time.monotonic() - started
        ours_cpu = _backend_cpu() + _own_cpu() - cpu
        response.close()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        ours_rate, copy_rate_ = (rows - 1) / ours_s, copy_rows / copy_s
        print(
            f"/all.csv {rows - 1:,} rows in {ours_s:.1f} s = {ours_rate:,.0f} rows/s; "
            f"COPY {copy_rows:,} rows in {copy_s:.1f} s = {copy_rate_:,.0f} rows/s; "
            f"ratio {ours_rate / copy_rate_:.3f} (goal ≥ 0.5); first data row {first:.2f} s "
            f"(goal ≤ 1); peak RSS {rss / 1024:.0f} MB (before {rss_before / 1024:.0f} MB)"
        )
        print(
            f"  CPU seconds: ours {ours_cpu:.1f} (Python and its backend), COPY {copy_cpu:.1f};"
            f" ratio of rows per CPU second {(copy_cpu / copy_rows) / (ours_cpu / (rows - 1)):.3f}"
        )


# --- admin changelists ---------------------------------------------------------------------

CHANGELISTS = [
    "/admin/disclosure/disclosure/",
    "/admin/disclosure/expenditureline/",
    "/admin/disclosure/reportrow/",
    "/admin/disclosure/cell/",
    "/admin/disclosure/threepublicexpense/",
]


def admin_times(rounds: int) -> dict[str, float]:
    """The median seconds of each changelist for a superuser (created if missing)."""
    _setup()
    import statistics

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user, _ = get_user_model().objects.get_or_create(
        username="scale-probe", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    times = {}
    for url in CHANGELISTS:
        client.get(url)  # warm
        samples = []
        for _ in range(rounds):
            started = time.monotonic()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            samples.append(time.monotonic() - started)
            assert response.status_code == 200, (url, response.status_code)
        times[url] = statistics.median(samples)
        times[url + "#queries"] = len(queries)
        times[url + "#db"] = sum(float(q["time"]) for q in queries.captured_queries)
        times[url + "#rows"] = response.content.count(b'action-checkbox"')
    return times


def admin_probe(small_url: str, rounds: int) -> None:
    import json

    def run(url: str) -> dict:
        env = {**os.environ, "DATABASE_URL": url}
        out = subprocess.run(
            [sys.executable, __file__, "admin-times", "--rounds", str(rounds)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    big = run(os.environ["DATABASE_URL"])
    small = run(small_url)
    for url in CHANGELISTS:
        print(
            f"{url:42} scale {big[url] * 1000:5.0f} ms ({big[url + '#queries']} queries,"
            f" {big[url + '#db'] * 1000:.0f} ms in them, {big[url + '#rows']} rows shown)"
            f"  demo {small[url] * 1000:5.0f} ms ({small[url + '#db'] * 1000:.0f} ms,"
            f" {small[url + '#rows']} rows)  ratio {big[url] / small[url]:5.2f} (goal ≤ 1.5)"
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--agencies", type=int, default=400)
    c = sub.add_parser("csv")
    c.add_argument("--rounds", type=int, default=1)
    a = sub.add_parser("admin")
    a.add_argument("--small-url", required=True)
    a.add_argument("--rounds", type=int, default=5)
    t = sub.add_parser("admin-times")
    t.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    if args.command == "build":
        build(args.agencies)
    elif args.command == "csv":
        csv_probe(args.rounds)
    elif args.command == "admin":
        admin_probe(args.small_url, args.rounds)
    else:
        import json

        print(json.dumps(admin_times(args.rounds)))


if __name__ == "__main__":
    main()
