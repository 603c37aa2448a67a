"""The national corpus built through the product (bench/bench_scale.py): the steps that run
inside Django, on the database DATABASE_URL names.

Agencies are made as the admin makes them (one row each: the admin has no bulk path); years are
opened, disclosures submitted and published through the workflow's services; figures only ever
arrive through `manage.py import_disclosures` (run by the caller, in a process of its own).
"""

import csv
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from bench import scale_corpus

BENCH_USER = "bench-scale-admin"
LARGE_AGENCY = ("基准测试大文件单位", "bench-large")
SCRATCH = "bench_scale_copy"
NOTE = "基准测试生成的数据（bench/bench_scale.py）"


def bench_user():
    """A superuser for the workflow's steps and the admin's pages (never a demo login)."""
    user, created = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def prepare(*, names: list[tuple[str, str]], years: list[tuple[int, str]]) -> None:
    """The agencies and the fiscal years the files name (the import refuses unknown ones)."""
    from bureaus.models import Agency
    from disclosure.models import FiscalYear
    from disclosure.workflow.services import fiscal_year_open

    by = bench_user()
    Agency.objects.bulk_create(
        [Agency(name=name, slug=slug) for name, slug in [*names, LARGE_AGENCY]],
        ignore_conflicts=True,
        batch_size=2000,
    )
    # Each kind of year laid out as the demo's year of that kind (its format, code version and
    # table set); the 2014 format by its key alone when there is no such year yet.
    simple = FiscalYear.objects.filter(report_format=None).order_by("-year").first()
    standard = FiscalYear.objects.exclude(report_format=None).order_by("-year").first()
    for year, kind in years:
        if FiscalYear.objects.filter(year=year).exists():
            continue
        like = standard if kind == scale_corpus.STANDARD else simple
        layout = {"disclosure_format": kind}
        if like is not None:
            layout |= {
                "disclosure_format": like.disclosure_format,
                "code_version": like.code_version,
                "report_format": like.report_format,
            }
        fiscal_year_open(year=year, by=by, **layout)


def standard_template() -> list:
    """The demo's standard-format disclosure, through the product's own CSV rows."""
    from disclosure.exports.rows import figure_rows
    from disclosure.models import Disclosure

    demo = Disclosure.objects.current().exclude(fiscal_year__report_format=None).order_by("pk")
    # Filtered, not sliced: the export orders its queryset itself.
    return scale_corpus.standard_template(figure_rows(demo.filter(pk=demo.values("pk")[:1])))


def publish_all(progress=None) -> tuple[int, float]:
    """Submit and publish every generated draft through the workflow; (count, seconds)."""
    from disclosure.exports.packages import rebuilt_once
    from disclosure.models import Disclosure
    from disclosure.models.states import OPEN_STATUSES
    from disclosure.workflow.services import disclosure_publish, disclosure_submit

    by = bench_user()
    drafts = Disclosure.objects.filter(
        agency__slug__startswith="bench-", status__in=OPEN_STATUSES
    ).exclude(agency__slug=LARGE_AGENCY[1])
    ids = list(drafts.order_by("pk").values_list("pk", flat=True))
    started = time.perf_counter()
    # One publication after another, each committed, as the admin's "publish selected" runs
    # them: the data packages are built once at the end (and timed with the rest).
    with rebuilt_once():
        for done, pk in enumerate(ids, 1):
            disclosure = Disclosure.objects.get(pk=pk)
            with transaction.atomic():
                disclosure = disclosure_submit(disclosure=disclosure, by=by)
                disclosure_publish(disclosure=disclosure, by=by, note=NOTE)
            if progress and done % 100 == 0:
                progress(done, len(ids), time.perf_counter() - started)
    return len(ids), time.perf_counter() - started


def copy_files(files: list[Path]) -> tuple[int, float]:
    """The ceiling: PostgreSQL COPY of the same rows the import read, from the same files, into
    a scratch table with the figure's columns (no validation, no history); (rows, seconds)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(
            f"CREATE TABLE {SCRATCH} (id bigserial PRIMARY KEY, agency text, year int, "
            "report text, code text, name text, context text, measure text, amount_yuan "
            "numeric(16, 2), counts text[])"
        )
    sql = (
        f"COPY {SCRATCH} (agency, year, report, code, name, context, measure, amount_yuan, "
        "counts) FROM STDIN"
    )
    rows = 0
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as out:
            for path in files:
                with open(path, encoding="utf-8-sig", newline="") as f:
                    reader = csv.reader(f)
                    next(reader)
                    for r in reader:
                        rows += 1
                        counts = [c or None for c in r[9:18]]
                        out.write_row((*r[:7], r[8] or None, counts))
    return rows, time.perf_counter() - started


FIGURES = "bench_scale_figures"


def store_figures(figures: dict) -> None:
    """The import's figures, kept with the corpus: a --keep-db run prints them again."""
    import json

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {FIGURES} (measured_at timestamptz DEFAULT now(), "
            "figures jsonb)"
        )
        cursor.execute(f"INSERT INTO {FIGURES} (figures) VALUES (%s)", [json.dumps(figures)])


def stored_figures() -> tuple[dict, str] | None:
    import json

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [FIGURES])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(
            f"SELECT figures::text, to_char(measured_at, 'YYYY-MM-DD HH24:MI TZ') FROM {FIGURES} "
            "ORDER BY measured_at DESC LIMIT 1"
        )
        found = cursor.fetchone()
    return (json.loads(found[0]), found[1]) if found else None


def session_cookie() -> str:
    """A signed-in session of the bench's superuser, as a Cookie header's value: what the
    browser holds after logging in (the login form itself is throttled by django-axes)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    user = bench_user()
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
