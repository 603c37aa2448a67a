"""Benchmark at national scale, not a timed test: `make bench-scale`.

Builds, on the PostgreSQL server of DATABASE_URL, a database `<name>_bench_scale` (dropped and
made again; `--keep-db` reuses it) holding the demo data and a generated corpus of `--agencies`
× `--years` disclosures of ~250 figures each, both formats (bench/scale_corpus.py), written as
files, imported with `manage.py import_disclosures` and published through the workflow's
services (bench/scale_build.py); and `<name>_bench_scale_small` with the demo data only (`make
seed`'s). Then prints, as ratios with the goal beside each (issue 15, item 3):

- import rows/s against PostgreSQL COPY of the same rows (the corpus; one large file), and
  the corpus's many small files against the one large file;
- every public page and the admin's lists (logged in) at scale against the same page on the
  small database, both served the same way (gunicorn with the repo's config, uncached:
  CACHE_SECONDS=0, wrk) and measured alternately, round after round;
- `/all.csv` rows/s against `COPY (SELECT …) TO STDOUT` of the same rows, the first data row's
  time and the serving worker's peak RSS growth;
- `reconcile_all`'s time against the CSV export's.

The import's figures are kept in the database: a `--keep-db` run prints them again, saying
when they were measured. Without PostgreSQL it says so and exits with status 2.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import scale_corpus  # noqa: E402
from bench.scale_report import Goal, line, rate  # noqa: E402

SECTIONS = ("import", "pages", "admin", "csv", "reconcile")
IMPORT_GOAL = Goal(0.5)
SMALL_FILES_GOAL = Goal(0.5)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="全国规模的基准测试：导入、页面、后台、CSV、核对")
    parser.add_argument("--agencies", type=int, default=2000)
    parser.add_argument("--years", type=int, default=5, help="年度数（前约五分之二为 2014 格式）")
    parser.add_argument(
        "--large-rows", type=int, default=30000, help="单个大文件的行数（一张报表最多 32,767 行）"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="规模数据库已存在时迁移后直接使用，不重建"
    )
    parser.add_argument("--only", nargs="*", choices=SECTIONS, default=None)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3.0, help="每个网址每轮的压测时长")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 进程数")
    parser.add_argument("--threads", type=int, default=4, help="每个 gunicorn 进程的线程数")
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--csv-seconds", type=float, default=180, help="/all.csv 最多读取的秒数（超过则按已读外推）"
    )
    parser.add_argument(
        "--work-dir",
        help="生成文件的目录（默认临时目录）；与 --keep-db 同用时，中断的建库从导入之后继续",
    )
    parser.add_argument(
        "--quick", action="store_true", help="几分钟的试跑：3 个单位 × 2 个年度，每项只测 1 轮 1 秒"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.agencies, args.years, args.large_rows = 3, 2, 2000
        args.rounds, args.seconds, args.csv_seconds = 1, 1.0, 10.0
    scale_corpus.plan_years(args.years)  # refuses a count it cannot lay out, before any work
    args.sections = set(args.only or SECTIONS)
    return args


def database_urls() -> tuple[str, str]:
    """(scale, small) URLs on DATABASE_URL's PostgreSQL server; exits 2 without one."""
    configured = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(configured)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        print(
            "bench-scale 需要 PostgreSQL：请设置 DATABASE_URL=postgres://用户@主机:端口/库名"
            "（将建立 <库名>_bench_scale 与 <库名>_bench_scale_small 两个数据库）。",
            file=sys.stderr,
        )
        raise SystemExit(2)
    name = parts.path.lstrip("/") or "postgres"
    return tuple(
        parts._replace(path=f"/{name}_{suffix}").geturl()
        for suffix in ("bench_scale", "bench_scale_small")
    )


def fresh_database(url: str, keep: bool) -> bool:
    """Drop and make the database again (True), or keep an existing one (False)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as c:
        exists = c.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        if exists and keep:
            return False
        c.execute(f'drop database if exists "{name}" with (force)')
        c.execute(f'create database "{name}"')
    return True


def analyzed(url: str) -> str:
    """ANALYZE every table before measuring. Production's PostgreSQL runs autovacuum, which
    refreshes statistics after bulk writes; a server with it off (as this machine's is) would
    have the pages planned on none (a never-analyzed table is assumed to hold one row: every
    list looped over all 10,002 disclosures)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        autovacuum = c.execute("SHOW autovacuum").fetchone()[0]
        started = time.perf_counter()
        c.execute("ANALYZE")
        seconds = time.perf_counter() - started
    name = urlsplit(url).path.lstrip("/")
    return f"{name} ANALYZE {seconds:.1f} 秒（autovacuum {autovacuum}）"


def env_for(url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="disclosure.config.settings",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-only-not-a-secret",
        DEBUG="0",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(url: str, *command: str, log: Path | None = None) -> subprocess.CompletedProcess:
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env_for(url),
            stdout=out,
            check=False,
        )
    finally:
        if log:
            out.close()


def seed(url: str) -> None:
    """The demo data, as `make seed` loads it."""
    for command in (["migrate", "--noinput"], ["load_seed"], ["reconcile_all"]):
        done = manage(url, *command, "--verbosity", "0")
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(command)} 失败（退出码 {done.returncode}）")


def say(text: str = "") -> None:
    print(text, flush=True)


def import_seconds(log: Path) -> float:
    """The import's own seconds: the 秒 column of the command's 合计 line (its start-up and
    the files' listing excluded)."""
    for text in reversed(log.read_text(encoding="utf-8").splitlines()):
        if text.startswith("合计"):
            return float(text.split()[-3])
    raise SystemExit(f"import_disclosures 没有打印合计行：见 {log}")


def build(url: str, args, work: Path) -> dict:
    """The corpus through the product; returns the measured import figures. A build cut short
    after the corpus's import (its log is in the work folder) goes on from there."""
    from bench import scale_build

    corpus, log = work / "corpus", work / "import-corpus.log"
    figures = {}
    if not (log.exists() and "合计" in log.read_text(encoding="utf-8")):
        names = scale_corpus.agencies(args.agencies)
        years = scale_corpus.plan_years(args.years)
        scale_build.prepare(names=names, years=years)
        template = scale_build.standard_template()
        started = time.perf_counter()
        scale_corpus.write_corpus(corpus, names=names, years=years, template=template)
        say(f"  生成文件（{time.perf_counter() - started:.0f} 秒）：{corpus}")
        started = time.perf_counter()
        done = manage(url, "import_disclosures", str(corpus), log=log)
        figures["wall"] = time.perf_counter() - started
        if done.returncode:
            raise SystemExit(f"导入失败（退出码 {done.returncode}）：见 {log}")
    else:
        say(f"  语料已于上次导入（{log}），继续")
    files = sorted(corpus.rglob("*.csv"))
    figures["seconds"] = import_seconds(log)
    figures["copy_rows"], figures["copy_seconds"] = scale_build.copy_files(files)
    figures["rows"], figures["files"] = figures["copy_rows"], len(files)
    say(f"  导入语料 {len(files):,} 个文件 {figures['rows']:,} 行：{figures['seconds']:.0f} 秒")

    large = work / "large" / "large.csv"
    large.parent.mkdir(parents=True, exist_ok=True)
    name, _slug = scale_build.LARGE_AGENCY
    figures["large_rows"] = scale_corpus.write_file(
        large, name, 2014, scale_corpus.large_figures(args.large_rows)
    )
    log = work / "import-large.log"
    done = manage(url, "import_disclosures", str(large), log=log)
    if done.returncode:
        raise SystemExit(f"大文件导入失败（退出码 {done.returncode}）：见 {log}")
    figures["large_seconds"] = import_seconds(log)
    _rows, figures["large_copy_seconds"] = scale_build.copy_files([large])

    def progress(done, total, seconds):
        say(f"  已发布 {done:,}/{total:,}（{seconds:.0f} 秒）")

    figures["published"], figures["publish_seconds"] = scale_build.publish_all(progress)
    return figures


def print_import(figures: dict, when: str) -> None:
    f = figures
    corpus_rate = rate(f["rows"], f["seconds"])
    copy_rate = rate(f["copy_rows"], f["copy_seconds"])
    large_rate = rate(f["large_rows"], f["large_seconds"])
    large_copy = rate(f["large_rows"], f["large_copy_seconds"])
    say(f"\n导入（{when}）：import_disclosures，PostgreSQL COPY 写入同样的行到临时表")
    say(
        line(
            "语料导入 / COPY",
            f"{f['files']:,} 个文件 {f['rows']:,} 行：{corpus_rate:,.0f} 对 {copy_rate:,.0f} 行/秒",
            corpus_rate / copy_rate if copy_rate else None,
            Goal(None),
        )
    )
    say(
        line(
            "单个大文件导入 / COPY",
            f"{f['large_rows']:,} 行：{large_rate:,.0f} 对 {large_copy:,.0f} 行/秒",
            large_rate / large_copy if large_copy else None,
            IMPORT_GOAL,
        )
    )
    say(
        line(
            "多个小文件 / 单个大文件",
            f"{corpus_rate:,.0f} 对 {large_rate:,.0f} 行/秒",
            corpus_rate / large_rate if large_rate else None,
            SMALL_FILES_GOAL,
        )
    )
    say(
        f"  发布 {f['published']:,} 份（工作流服务）：{f['publish_seconds']:.0f} 秒，"
        f"{rate(f['published'], f['publish_seconds']):.1f} 份/秒"
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    scale_url, small_url = database_urls()
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    total = time.perf_counter()
    say(
        f"规模基准：{args.agencies:,} 个单位 × {args.years} 个年度 "
        f"{[y for y, _ in scale_corpus.plan_years(args.years)]}；"
        f"数据库 {urlsplit(scale_url).path[1:]}"
    )
    # The publications rebuild the data packages (exports.packages): kept with the bench's
    # files, not in the checkout's var/packages.
    os.environ.setdefault("PACKAGES_ROOT", str(work / "packages"))
    fresh = fresh_database(scale_url, args.keep_db)
    if fresh:  # a new database: nothing of an earlier build in the work folder counts
        (work / "import-corpus.log").unlink(missing_ok=True)
    os.environ.update(env_for(scale_url))
    import django

    if fresh:
        started = time.perf_counter()
        seed(scale_url)
        say(f"  演示数据：{time.perf_counter() - started:.0f} 秒")
    else:  # a kept corpus measured with newer code: its migrations (indexes) first
        if manage(scale_url, "migrate", "--noinput", "--verbosity", "0").returncode:
            raise SystemExit("manage.py migrate 失败")
    django.setup()
    from bench import scale_build

    if fresh or (args.work_dir and scale_build.stored_figures() is None):
        scale_build.store_figures(build(scale_url, args, work))
    if "import" in args.sections:
        stored = scale_build.stored_figures()
        if stored is None:
            say("\n导入：未测（保留的数据库中没有导入记录）")
        else:
            figures, measured_at = stored
            print_import(figures, "本次运行" if fresh else f"建库时测得，{measured_at}")
    if args.sections - {"import"}:
        # The small reference is always made again (a minute): it must be the demo of this code.
        fresh_database(small_url, False)
        seed(small_url)
        for url in (scale_url, small_url):
            say(f"  统计信息：{analyzed(url)}")
        from bench import scale_measure

        scale_measure.run(args, scale_url=scale_url, small_url=small_url, say=say)
    say(f"\n共 {time.perf_counter() - total:.0f} 秒")


if __name__ == "__main__":
    main()
