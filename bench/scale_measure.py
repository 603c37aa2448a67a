"""The measures of bench/bench_scale.py after the build: pages and the admin's lists at scale
against the small data, /all.csv against COPY, reconcile_all against the CSV.

Both databases are served at once by two gunicorns with the repo's config and the same options
(bench/bench_pages.py's plumbing), uncached (CACHE_SECONDS=0: what a page costs to render, which
a cache only hides until its first request); each page is measured on the small database and
right after on the large one, round after round, so a drift of the shared machine's load falls
on both sides of a ratio.
"""

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

from bench.bench_pages import measure, settle, start_server, stop_server
from bench.load import LoadResult, parse_wrk
from bench.scale_report import Goal, line, rate

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("首页 home", "/"),
    ("年度 year", "/years/2024/"),
    ("单位 agency", "/agencies/putuo-ghzy/"),
    ("2014 格式 disclosure", "/agencies/liyang-xinfang/2014/"),
    ("标准格式 disclosure", "/agencies/putuo-ghzy/2024/"),
    ("搜索 search", "/search/?q=" + quote("规划")),
    ("比较 compare", "/compare/?year=2024"),
    ("API 列表 list", "/api/v1/disclosures"),
]
ADMIN = [
    ("后台 决算公开 disclosures", "/admin/disclosure/disclosure/"),
    ("后台 收支项目 lines", "/admin/disclosure/expenditureline/"),
    ("后台 表格数字 cells", "/admin/disclosure/cell/"),
    ("核对结果 findings", "/reconciliation/"),
]
PAGE_GOAL = Goal(1.2, at_most=True)
ADMIN_GOAL = Goal(1.5, at_most=True)
CSV_GOAL = Goal(0.5)
FIRST_ROW_SECONDS = 1.0
RSS_GROWTH_MIB = 64  # "flat": what the download adds to the worker does not grow with the rows


def run(args, *, scale_url: str, small_url: str, say) -> None:
    say(f"\n规模数据库：{corpus_size()}")
    servers = {}
    try:
        for name, url in (("small", small_url), ("scale", scale_url)):
            servers[name] = start_server(url, cached=False, args=args)
        bases = {name: base for name, (_process, base) in servers.items()}
        if "pages" in args.sections:
            pages(bases, args, say)
        if "admin" in args.sections:
            admin(bases, args, say, urls={"small": small_url, "scale": scale_url})
        csv_seconds = None
        if "csv" in args.sections:
            csv_seconds = all_csv(bases["scale"], servers["scale"][0].pid, scale_url, args, say)
    finally:
        for process, _base in servers.values():
            stop_server(process)
    if "reconcile" in args.sections:
        reconcile(scale_url, csv_seconds, say)


def corpus_size() -> str:
    from disclosure.models import Cell, Disclosure, ExpenditureLine

    published = Disclosure.objects.current().count()
    figures = ExpenditureLine.objects.count() + Cell.objects.count()
    return f"{published:,} 份已发布的决算公开，{figures:,} 个数字（收支项目与表格单元格）"


# --- pages ---------------------------------------------------------------------------------------


def compare_pages(bases: dict, pages: list, args, load) -> dict:
    """{path: [(small req/s, scale req/s)] per round}, small then scale, neighbours in time."""
    results = {path: [] for _, path in pages}
    for _ in range(args.rounds):
        for _, path in pages:
            small = load(bases["small"], path)
            scale = load(bases["scale"], path)
            results[path].append((small, scale))
    return results


def report_pages(title: str, pages: list, results: dict, goal: Goal, say) -> None:
    say(
        f"\n{title}（规模 ÷ 小数据 的每次请求耗时，即小数据 req/s ÷ 规模 req/s；"
        f"{len(next(iter(results.values())))} 轮的中位数）"
    )
    for name, path in pages:
        rounds = results[path]
        small = statistics.median(s.rate for s, _ in rounds)
        scale = statistics.median(x.rate for _, x in rounds)
        # A round where the large side finished no request in the window has no ratio.
        ratios = [s.rate / x.rate for s, x in rounds if x.rate]
        ratio = statistics.median(ratios) if ratios else None
        errors = sum(s.errors + x.errors for s, x in rounds)
        note = f"；{errors} 个错误" if errors else ""
        say(line(name, f"{path}：小 {small:,.1f} / 规模 {scale:,.1f} req/s{note}", ratio, goal))


def check_status(bases: dict, pages: list, headers: dict | None = None) -> None:
    """Every page answers 200 on both databases before it is measured (an error page is fast)."""
    for base in bases.values():
        for _name, path in pages:
            status, _body = get(base + path, headers)
            if status != 200:
                raise SystemExit(f"{base}{path} 返回 {status}，无法测量")


def pages(bases: dict, args, say) -> None:
    check_status(bases, PAGES)
    results = compare_pages(bases, PAGES, args, lambda base, path: measure(base, path, args))
    report_pages("公开页面（未缓存）", PAGES, results, PAGE_GOAL, say)


def admin(bases: dict, args, say, *, urls: dict) -> None:
    cookies = {name: session_cookie(url) for name, url in urls.items()}

    def load(base, path):
        name = "small" if base == bases["small"] else "scale"
        settle(base)
        return headed_load(base + path, {"Cookie": cookies[name]}, args)

    for name in bases:
        check_status({name: bases[name]}, ADMIN, {"Cookie": cookies[name]})
    results = compare_pages(bases, ADMIN, args, load)
    report_pages("后台列表（已登录的超级用户）", ADMIN, results, ADMIN_GOAL, say)


def session_cookie(url: str) -> str:
    """A signed-in session of the bench's superuser in that database, as a Cookie header."""
    code = (
        "import django; django.setup(); "
        "from bench.scale_build import session_cookie; print(session_cookie())"
    )
    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def get(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", target, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def headed_load(url: str, headers: dict, args) -> LoadResult:
    """wrk with headers (the session cookie); without wrk, one connection in a loop."""
    import shutil

    if args.client != "python" and shutil.which("wrk"):
        command = [
            "wrk",
            "-t2",
            f"-c{args.connections}",
            f"-d{args.seconds:g}s",
            "--timeout",
            "60s",
        ]
        for key, value in headers.items():
            command += ["-H", f"{key}: {value}"]
        out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
        return parse_wrk(out)
    done = errors = 0
    started = time.monotonic()
    while time.monotonic() - started < args.seconds:
        status, _ = get(url, headers)
        done += 1
        errors += status >= 400
    return LoadResult(done, time.monotonic() - started, errors)


# --- /all.csv ------------------------------------------------------------------------------------


def all_csv(base: str, master: int, url: str, args, say) -> float:
    """Streams /all.csv (one client, as an auditor downloads it), then COPY of the same rows;
    returns the CSV's seconds for all its rows (extrapolated when --csv-seconds cut it)."""
    settle(base)
    got = stream(base + "/all.csv", workers(master), args.csv_seconds)
    copied, copy_seconds = copy_rows(url)
    csv_rate, copy_rate = rate(got["rows"], got["seconds"]), rate(copied, copy_seconds)
    cut = "（读取 {:.0f} 秒后停止，按已读部分计）".format(got["seconds"]) if got["cut"] else ""
    say("\n/all.csv（规模数据库，一个客户端）与 COPY (SELECT …) TO STDOUT 同样的行")
    say(
        line(
            "/all.csv / COPY",
            f"{got['rows']:,} 行 {csv_rate:,.0f} 对 COPY {copied:,} 行 {copy_rate:,.0f} 行/秒{cut}",
            csv_rate / copy_rate if copy_rate else None,
            CSV_GOAL,
        )
    )
    first = got["first_row"]
    say(
        line(
            "首个数据行 first data row",
            f"{first:.2f} 秒（目标 ≤ {FIRST_ROW_SECONDS:g} 秒，比值为 秒 ÷ 目标）",
            first / FIRST_ROW_SECONDS if first is not None else None,
            Goal(1.0, at_most=True),
        )
    )
    growth = got["rss_growth_mib"]
    say(
        line(
            "进程内存增长 worker RSS growth",
            f"{growth:.0f} MiB（峰值 {got['rss_peak_mib']:.0f} MiB；"
            f"平稳：≤ {RSS_GROWTH_MIB} MiB，比值为 增长 ÷ 上限）",
            growth / RSS_GROWTH_MIB,
            Goal(1.0, at_most=True),
        )
    )
    return copied / csv_rate if csv_rate else got["seconds"]


def workers(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry.name))
    return found


def rss_mib(pid: int) -> float:
    try:
        for text in Path(f"/proc/{pid}/status").read_text().splitlines():
            if text.startswith("VmRSS:"):
                return int(text.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def stream(url: str, pids: list[int], max_seconds: float) -> dict:
    before = {pid: rss_mib(pid) for pid in pids}
    peaks = dict(before)
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            for pid in pids:
                peaks[pid] = max(peaks[pid], rss_mib(pid))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    lines, first_row, cut = 0, None, False
    started = time.perf_counter()
    try:
        connection.request("GET", parts.path)
        response = connection.getresponse()
        if response.status != 200:
            raise SystemExit(f"{url} 返回 {response.status}")
        while chunk := response.read1(1 << 16):
            lines += chunk.count(b"\n")
            if first_row is None and lines >= 2:  # the header, then a data row
                first_row = time.perf_counter() - started
            if time.perf_counter() - started > max_seconds:
                cut = True
                break
    finally:
        seconds = time.perf_counter() - started
        connection.close()
        stop.set()
        sampler.join()
    growth = max((peaks[p] - before[p] for p in pids), default=0.0)
    return {
        "rows": max(0, lines - 1),
        "seconds": seconds,
        "first_row": first_row,
        "cut": cut,
        "rss_growth_mib": growth,
        "rss_peak_mib": max(peaks.values(), default=0.0),
    }


# The rows /all.csv writes (exports/rows.py: every published revision's 2014 lines, every
# printed cell of its standard tables, blank ones included, and its 三公 records), with the
# columns they are made from: what the database alone can stream.
COPY_SQL = """
SELECT a.name, y.year, l.statement, l.code, l.name, p.name, '决算数', l.amount_yuan::text,
       d.status, d.revision, d.published_at
  FROM disclosure_expenditureline l
  JOIN disclosure_disclosure d ON d.id = l.disclosure_id
  JOIN bureaus_agency a ON a.id = d.agency_id
  JOIN disclosure_fiscalyear y ON y.id = d.fiscal_year_id
  LEFT JOIN disclosure_expenditureline p ON p.id = l.parent_id
 WHERE d.status = 'published'
UNION ALL
SELECT a.name, y.year, t.title, r.code, r.name, r.side || '/' || r.panel, c.label,
       x.amount_yuan::text, d.status, d.revision, d.published_at
  FROM disclosure_reportrow r
  JOIN disclosure_disclosure d ON d.id = r.disclosure_id
  JOIN bureaus_agency a ON a.id = d.agency_id
  JOIN disclosure_fiscalyear y ON y.id = d.fiscal_year_id
  JOIN disclosure_tablespec t ON t.id = r.table_id
  JOIN disclosure_columnspec c ON c.table_id = r.table_id AND (c.side = '' OR c.side = r.side)
  LEFT JOIN disclosure_cell x ON x.row_id = r.id AND x.column_id = c.id
 WHERE d.status = 'published' AND (c.printed OR x.amount_yuan IS NOT NULL)
UNION ALL
SELECT a.name, y.year, '三公', '', e.item,
       concat_ws(',', e.delegations, e.outbound_persons, e.vehicles_purchased, e.vehicles_held,
                 e.reception_batches, e.reception_persons, e.accompanying_persons,
                 e.foreign_reception_batches, e.foreign_reception_persons, e.explanation,
                 e.yoy_remark),
       '决算数', e.amount_yuan::text, d.status, d.revision, d.published_at
  FROM disclosure_threepublicexpense e
  JOIN disclosure_disclosure d ON d.id = e.disclosure_id
  JOIN bureaus_agency a ON a.id = d.agency_id
  JOIN disclosure_fiscalyear y ON y.id = d.fiscal_year_id
 WHERE d.status = 'published'
"""


def copy_rows(url: str) -> tuple[int, float]:
    import psycopg

    rows = 0
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        sql = f"COPY ({COPY_SQL}) TO STDOUT WITH (FORMAT csv)"
        with cursor.copy(sql) as copy:
            for data in copy:
                rows += bytes(data).count(b"\n")
        return rows, time.perf_counter() - started


# --- reconcile_all -------------------------------------------------------------------------------


def reconcile(url: str, csv_seconds: float | None, say) -> None:
    from bench.bench_scale import manage

    started = time.perf_counter()
    done = manage(url, "reconcile_all", "--verbosity", "0")
    seconds = time.perf_counter() - started
    if done.returncode:
        say(f"\nreconcile_all 失败（退出码 {done.returncode}）")
        return
    say("\nreconcile_all（整个规模数据库，含命令启动）与 /all.csv 导出全部行的时间")
    if csv_seconds is None:
        say(
            line(
                "reconcile_all / CSV", f"reconcile_all {seconds:.0f} 秒；CSV 未测", None, Goal(None)
            )
        )
        return
    say(
        line(
            "reconcile_all / CSV",
            f"{seconds:.0f} 秒 对 {csv_seconds:.0f} 秒",
            seconds / csv_seconds if csv_seconds else None,
            Goal(None),
        )
    )
