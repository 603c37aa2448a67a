"""Load benchmark, not a timed test: `make bench-load` (issue 15: item 8, and item 1's server).

wrk with 64 connections for 30 s against the public pages, cached and uncached, served by the
repo's production configs: granian (WSGI; disclosure/config/granian.py) and gunicorn's gthread
(disclosure/config/gunicorn.py), with the same processes and threads, in the same run. The demo
data's database and the servers' environment are bench/bench_pages.py's (a database
`<yours>_bench_pages` on DATABASE_URL's PostgreSQL server; `--keep-db` reuses it). Per page:
req/s, the ratio to a bare view measured right before it on the same server, latency p50/p99,
answers other than 2xx/3xx and socket errors (refused, reset, timed out after `--timeout`),
with the goal "0 errors" and PASS/MISS. Then each server's streaming: the time to the first
byte of /all.csv and of a view that sends a line every 0.1 s for 2 s (bench/load_urls.py), and
whether those lines arrive as they are sent.
Exits 1 if any request failed. The machines are shared: rates vary between runs, errors do not.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_pages import (  # noqa: E402
    BARE,
    PAGES,
    bench_database_url,
    free_port,
    make_database,
    server_env,
    settle,
    stop_server,
    warm,
)
from bench.load import TRICKLE_LINES, TRICKLE_PAUSE, WrkReport, wrk_report  # noqa: E402

LOADED = [
    "/",
    "/agencies/liyang-xinfang/2014/",
    "/agencies/putuo-ghzy/2024/",
    "/agencies/putuo-ghzy/2024.csv",
    "/api/v1/disclosures/putuo-ghzy/2024",
]
ALL_CSV = ("全部 CSV all.csv", "/all.csv")
TRICKLE = "/bench/trickle/"
SERVERS = ["gunicorn", "granian"]
MODES = ["cached", "uncached"]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="公开页面压测：零错误；gunicorn 与 granian")
    parser.add_argument("--seconds", type=float, default=30.0, help="每个网址的压测时长")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=30.0, help="超过即算作 socket 错误")
    parser.add_argument("--workers", type=int, default=2, help="服务器进程数")
    parser.add_argument("--threads", type=int, default=4, help="每个进程的线程数")
    parser.add_argument("--servers", nargs="+", choices=SERVERS, default=SERVERS)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=MODES)
    parser.add_argument("--keep-db", action="store_true", help="保留压测数据库，下次直接使用")
    parser.add_argument("--only", nargs="*", default=None, help="只测这些网址（调试用）")
    return parser.parse_args(argv)


# --- the servers -------------------------------------------------------------------------------


def server_command(server: str) -> list[str]:
    """Each server's production command (README "Deploy"); bind, workers and threads come from
    the environment (server_env), as in production."""
    if server == "gunicorn":
        return [sys.executable, "-m", "gunicorn", "-c", "python:disclosure.config.gunicorn"] + [
            "disclosure.config.wsgi"
        ]
    return [sys.executable, "-m", "disclosure.config.granian"]


def start(server: str, database_url: str, *, cached: bool, args):
    port = free_port()
    env = server_env(database_url, cached=cached, port=port, args=args)
    env["DJANGO_SETTINGS_MODULE"] = "bench.load_site"
    # granian's config (disclosure/config/granian.py) reads granian's own names: the same
    # processes and threads as gunicorn's gthread, so the two differ only by the server.
    env.update(
        GRANIAN_PORT=str(port),
        GRANIAN_WORKERS=str(args.workers),
        GRANIAN_BLOCKING_THREADS=str(args.threads),
    )
    process = subprocess.Popen(
        server_command(server),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # the access logs: a line per request
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise SystemExit(f"{server} 未能在 30 秒内启动")


# --- streaming ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stream:
    status: int
    chunked: bool  # Transfer-Encoding: chunked, no Content-Length: sent as it is made
    first_byte: float  # seconds from the request to the first byte of the body
    last_byte: float
    size: int

    def spread(self) -> float:
        return self.last_byte - self.first_byte


def fetch_stream(base: str, path: str) -> Stream:
    """One GET on a raw socket, timing when the body's first and last bytes arrive."""
    host, port = base.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=60) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        first = None
        while b"\r\n\r\n" not in data:
            data += s.recv(65536)
        head, body = data.split(b"\r\n\r\n", 1)
        if body:
            first = time.monotonic()
        size = len(body)
        last = first
        while chunk := s.recv(65536):
            last = time.monotonic()
            first = first or last
            size += len(chunk)
    headers = head.decode("latin-1").lower()
    first, last = (first or started) - started, (last or started) - started
    return Stream(
        status=int(headers.split()[1]),
        chunked="transfer-encoding: chunked" in headers and "content-length" not in headers,
        first_byte=first,
        last_byte=last,
        size=size,
    )


def streaming_report(server: str, base: str) -> tuple[list[str], bool]:
    lines = []
    whole = fetch_stream(base, ALL_CSV[1])
    lines.append(
        f"{server:<9}/all.csv：{whole.status}，首字节 {whole.first_byte * 1000:.0f} ms，"
        f"共 {whole.size:,} 字节，{'分块流式' if whole.chunked else '非流式（有 Content-Length）'}"
    )
    trickle = fetch_stream(base, TRICKLE)
    sent_over = TRICKLE_LINES * TRICKLE_PAUSE
    streams = trickle.first_byte < sent_over / 4 and trickle.spread() > sent_over / 2
    lines.append(
        f"{server:<9}{TRICKLE}（{sent_over:g} 秒内逐行发送）：首字节 "
        f"{trickle.first_byte * 1000:.0f} ms，末字节 {trickle.last_byte * 1000:.0f} ms → "
        + ("边生成边发送 PASS" if streams else "整体缓冲后才发送 MISS")
    )
    return lines, streams


# --- measuring ---------------------------------------------------------------------------------


def measure(base: str, path: str, args) -> WrkReport:
    settle(base)
    return wrk_report(
        base + path, seconds=args.seconds, connections=args.connections, timeout=args.timeout
    )


def run(server: str, mode: str, database_url: str, pages, args) -> tuple[dict, list, bool]:
    """{path: (page's WrkReport, the bare view's right before it)}, streaming lines, ok."""
    process, base = start(server, database_url, cached=mode == "cached", args=args)
    results = {}
    try:
        warm(base, [BARE, *(path for _, path in pages)])
        for _, path in pages:
            # The bare view right before each page: a ratio is only fair between neighbours.
            bare = measure(base, BARE, args)
            results[path] = (measure(base, path, args), bare)
        # /all.csv streams uncached (kept bodies are whole responses).
        streamed, streams = streaming_report(server, base) if mode == "uncached" else ([], True)
    finally:
        stop_server(process)
    return results, streamed, streams


def pad(text: str, width: int) -> str:
    """Left-aligned to a width in terminal columns (a Chinese character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - columns)


def report(results: dict, pages) -> int:
    """Prints the table; returns how many requests failed."""
    width = 28
    print(
        f"\n{pad('page', width)}{'server':<10}{'mode':<10}{'req/s':>8}{'bare':>7}{'ratio':>7}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'socket':>8}  goal"
    )
    failed = 0
    for (server, mode), by_path in results.items():
        for name, path in pages:
            got, bare = by_path[path]
            errors = got.errors + bare.errors
            failed += errors
            ratio = got.rate / bare.rate if bare.rate else 0.0
            print(
                f"{pad(name, width)}{server:<10}{mode:<10}{got.rate:>8.0f}{bare.rate:>7.0f}"
                f"{ratio:>7.3f}{got.p50_ms:>9.1f}{got.p99_ms:>9.1f}{got.non_2xx:>9}"
                f"{got.socket_errors:>8}  0 errors {'PASS' if errors == 0 else 'MISS'}"
                + (f"（空视图 {bare.errors} 个错误）" if bare.errors else "")
            )
    return failed


def compare(results: dict, pages) -> None:
    """granian against gunicorn, page by page: each as its ratio to the bare view on itself
    (so a slower moment of the shared machine cancels), and as raw req/s and p99."""
    if not all((s, m) in results for s in SERVERS for m in {m for _, m in results}):
        return
    print("\ngranian ÷ gunicorn（各自相对空视图的比值之比；>1 即 granian 更快）")
    for mode in dict.fromkeys(m for _, m in results):
        for name, path in pages:
            (ga, gb), (na, nb) = results["granian", mode][path], results["gunicorn", mode][path]
            ratio = (ga.rate / gb.rate) / (na.rate / nb.rate) if gb.rate and nb.rate else 0
            print(
                f"  {pad(name, 28)}{mode:<10}比值之比 {ratio:5.2f}  req/s {ga.rate / na.rate:5.2f}"
                f"  p99 {ga.p99_ms / na.p99_ms if na.p99_ms else 0:5.2f}"
            )


def main(argv=None) -> None:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("需要 wrk：先运行 make bench-deps（或 apt-get install wrk）。")
    chosen = [p for p in PAGES if p[1] in LOADED] + [ALL_CSV]
    pages = [p for p in chosen if args.only is None or p[1] in args.only]
    database_url, described = bench_database_url()
    started = time.monotonic()
    make_database(database_url, args.keep_db)
    cache = os.environ.get("REDIS_URL") or "各进程内存（未设置 REDIS_URL）"
    print(f"数据库：{described}（准备 {time.monotonic() - started:.0f} 秒）；缓存：{cache}")
    print(
        f"{' 与 '.join(args.servers)}：{args.workers} 进程 × {args.threads} 线程；wrk "
        f"{args.connections} 个连接，每个网址 {args.seconds:g} 秒，超时 {args.timeout:g} 秒"
    )
    results, streamed, all_stream = {}, [], True
    for server in args.servers:
        for mode in args.modes:
            results[server, mode], lines, streams = run(server, mode, database_url, pages, args)
            streamed += lines
            all_stream = all_stream and streams
    failed = report(results, pages)
    compare(results, pages)
    if streamed:
        print("\n流式输出（未缓存）：")
        print("\n".join(streamed))
    print(f"\n共 {failed} 个失败的请求（目标 0）：{'PASS' if failed == 0 else 'MISS'}")
    sys.exit(1 if failed or not all_stream else 0)


if __name__ == "__main__":
    main()
