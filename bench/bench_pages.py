"""Benchmark of the public pages, not a timed test: `make bench-pages`.

Builds its own database of the demo data (`make seed`'s: both demo documents, their findings)
on the PostgreSQL server of DATABASE_URL (a database named `<yours>_bench_pages`, dropped and
made again; without a PostgreSQL DATABASE_URL, a temporary SQLite file, said so), serves it with
gunicorn and the repo's config (disclosure/config/gunicorn.py), and drives load with wrk (or,
without wrk, a Python client) against each public page and, in the same run, a bare Django view
served the same way, measured right before each page. Twice: with the cache on (Redis when
REDIS_URL is set, else each worker's memory) and off (CACHE_SECONDS=0). Prints req/s and the
ratio to the bare view (the median of the rounds) with the goal beside it. The machines are
shared: figures vary between runs.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.load import LoadResult, python_load, wrk_load  # noqa: E402

PAGES = [
    ("首页 home", "/"),
    ("年度 year", "/years/2024/"),
    ("单位 agency", "/agencies/putuo-ghzy/"),
    ("2014 样例 seed disclosure", "/agencies/liyang-xinfang/2014/"),
    ("2024 标准格式 standard", "/agencies/putuo-ghzy/2024/"),
    ("CSV", "/agencies/putuo-ghzy/2024.csv"),
    ("API", "/api/v1/disclosures/putuo-ghzy/2024"),
]
BARE = "/bench/bare/"
GOALS = {"cached": 0.5, "uncached": 0.15}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="公开页面的吞吐量，与同一服务器上的空视图相比")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="每个网址每轮的压测时长")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 进程数")
    parser.add_argument("--threads", type=int, default=4, help="每个 gunicorn 进程的线程数")
    parser.add_argument(
        "--worker-class", default="gthread", help="gunicorn 的 worker 类型（比较 sync 与 gthread）"
    )
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--keep-db", action="store_true", help="保留压测数据库，下次直接使用")
    parser.add_argument("--only", nargs="*", default=None, help="只测这些网址（调试用）")
    return parser.parse_args(argv)


# --- the database --------------------------------------------------------------------------


def bench_database_url() -> tuple[str, str]:
    """(DATABASE_URL of the bench database, what it is) — on the configured PostgreSQL server."""
    configured = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(configured)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
        described = "SQLite（未设置 PostgreSQL 的 DATABASE_URL）"
        return f"sqlite:///{folder / 'bench.sqlite3'}", described
    name = f"{parts.path.lstrip('/') or 'postgres'}_bench_pages"
    return parts._replace(path=f"/{name}").geturl(), f"PostgreSQL {parts.hostname} 数据库 {name}"


def make_database(url: str, keep: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres") or parts.scheme == "pgsql":
        import psycopg

        name = parts.path.lstrip("/")
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as c:
            exists = c.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
            if exists and keep:
                return
            c.execute(f'drop database if exists "{name}"')
            c.execute(f'create database "{name}"')
    env = server_env(url, cached=False)
    for command in (["migrate", "--noinput"], ["load_seed"], ["reconcile_all"]):
        manage = [sys.executable, "manage.py", *command, "--verbosity", "0"]
        subprocess.run(manage, cwd=ROOT, env=env, check=True)


# --- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, *, cached: bool, port: int = 0, args=None) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.pages_site",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-only-not-a-secret",
        DEBUG="0",
        CACHE_SECONDS=env.get("CACHE_SECONDS", "86400") if cached else "0",
        PYTHONPATH=str(ROOT),
    )
    if args is not None:
        env.update(
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS=str(args.workers),
            GUNICORN_THREADS=str(args.threads),
        )
    return env


def start_server(database_url: str, *, cached: bool, args) -> tuple[subprocess.Popen, str]:
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "-c", "python:disclosure.config.gunicorn", "-k", args.worker_class]
        + ["disclosure.config.wsgi"],
        cwd=ROOT,
        env=server_env(database_url, cached=cached, port=port, args=args),
        stdout=subprocess.DEVNULL,  # the access log: one line per request
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, base
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn 未能在 30 秒内启动")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


# --- measuring -----------------------------------------------------------------------------


def warm(base: str, paths: list[str]) -> None:
    """Every URL once per connection slot, so that each worker has opened its database
    connection and (cached) the response is kept before the clock starts."""
    import urllib.request

    for path in paths:
        for _ in range(4):
            with urllib.request.urlopen(base + path, timeout=60) as response:
                response.read()


def settle(base: str) -> None:
    """Wait until the workers are idle: when wrk stops, the requests already taken (an
    uncached CSV takes seconds) still run, and would be charged to the next measurement."""
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(base + BARE, timeout=60) as response:
            response.read()
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.2)


def measure(base: str, path: str, args) -> LoadResult:
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    load = wrk_load if use_wrk else python_load
    settle(base)
    return load(base + path, seconds=args.seconds, connections=args.connections)


def run_mode(database_url: str, cached: bool, pages, args) -> dict:
    """{path: [(req/s, ratio to bare, errors) per round]}"""
    process, base = start_server(database_url, cached=cached, args=args)
    results: dict[str, list] = {path: [] for _, path in pages}
    try:
        warm(base, [BARE, *(path for _, path in pages)])
        for _ in range(args.rounds):
            for _, path in pages:
                # The bare view right before each page: on a shared machine the load drifts
                # within minutes, and a ratio is only fair between neighbours.
                bare = measure(base, BARE, args)
                got = measure(base, path, args)
                ratio = got.rate / bare.rate if bare.rate else 0.0  # 0: reported with errors
                results[path].append((got.rate, ratio, got.errors + bare.errors))
                results.setdefault(BARE, []).append((bare.rate, 1.0, bare.errors))
    finally:
        stop_server(process)
    return results


def report(results: dict, pages) -> None:
    width = max(len(name) for name, _ in pages) + 2
    print(f"\n{'page':<{width}}{'mode':<10}{'req/s':>9}{'bare req/s':>12}{'ratio':>8}  goal")
    for mode, by_path in results.items():
        goal = GOALS[mode]
        bare = statistics.median(r for r, _, _ in by_path[BARE])
        for name, path in pages:
            rounds = by_path[path]
            rate = statistics.median(r for r, _, _ in rounds)
            ratio = statistics.median(q for _, q, _ in rounds)
            errors = sum(e for _, _, e in rounds)
            verdict = "PASS" if ratio >= goal else "MISS"
            note = f"  ({errors} errors)" if errors else ""
            print(
                f"{name:<{width}}{mode:<10}{rate:>9.0f}{bare:>12.0f}{ratio:>8.3f}"
                f"  ≥ {goal} {verdict}{note}"
            )


def main(argv=None) -> None:
    args = parse_args(argv)
    pages = [p for p in PAGES if args.only is None or p[1] in args.only]
    database_url, described = bench_database_url()
    started = time.monotonic()
    make_database(database_url, args.keep_db)
    client = "wrk" if args.client != "python" and shutil.which("wrk") else "Python 客户端"
    cache = os.environ.get("REDIS_URL") or "各进程内存（未设置 REDIS_URL）"
    print(f"数据库：{described}（准备 {time.monotonic() - started:.0f} 秒）")
    print(
        f"gunicorn {args.worker_class}：{args.workers} 进程 × {args.threads} 线程；{client}，"
        f"{args.connections} 个连接，每个网址 {args.seconds:g} 秒 × {args.rounds} 轮；缓存：{cache}"
    )
    results = {mode: run_mode(database_url, mode == "cached", pages, args) for mode in GOALS}
    report(results, pages)


if __name__ == "__main__":
    main()
