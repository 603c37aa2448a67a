"""HTTP load for the benchmarks: wrk when installed, else a Python client (slower: it measures
less than the server can do, so its ratios are lower bounds)."""

import http.client
import re
import subprocess
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    errors: int  # non-2xx/3xx answers, failed connections, timeouts

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_load(url: str, *, seconds: float, connections: int, threads: int = 2) -> LoadResult:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(out)


def parse_wrk(out: str) -> LoadResult:
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    if done is None:
        raise RuntimeError(f"wrk 的输出无法解析：\n{out}")
    elapsed = float(done.group(2)) / (1000 if done.group(3) == "ms" else 1)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return LoadResult(int(done.group(1)), elapsed, errors)


def _connection_loop(url: str, deadline: float, counts: list) -> None:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    done = errors = 0
    while time.monotonic() < deadline:
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status >= 400:
                errors += 1
            done += 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
    connection.close()
    counts.append((done, errors))


def _process(url: str, seconds: float, threads: int) -> tuple[int, int]:
    deadline = time.monotonic() + seconds
    counts: list = []
    workers = [
        threading.Thread(target=_connection_loop, args=(url, deadline, counts))
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def python_load(url: str, *, seconds: float, connections: int, processes: int = 2) -> LoadResult:
    """`connections` keep-alive connections, spread over a few processes (one Python thread
    cannot keep a fast server busy)."""
    processes = max(1, min(processes, connections))
    per = [connections // processes + (i < connections % processes) for i in range(processes)]
    started = time.monotonic()
    with ProcessPoolExecutor(processes) as pool:
        results = list(pool.map(_process, [url] * processes, [seconds] * processes, per))
    elapsed = max(seconds, time.monotonic() - started - 0.05)
    return LoadResult(sum(r[0] for r in results), elapsed, sum(r[1] for r in results))


# --- wrk with its details, for bench/bench_load.py ---------------------------------------------


@dataclass(frozen=True)
class WrkReport:
    """One wrk run as bench_load prints it: the rate, the latency percentiles, and the errors
    kept apart (answers other than 2xx/3xx; connections refused, reset or timed out)."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _latency_ms(out: str, percentile: str) -> float:
    found = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    return float(found.group(1)) * _UNITS_MS[found.group(2)] if found else float("nan")


def parse_wrk_report(out: str) -> WrkReport:
    total = parse_wrk(out)
    non_2xx = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    return WrkReport(
        requests=total.requests,
        seconds=total.seconds,
        p50_ms=_latency_ms(out, "50"),
        p99_ms=_latency_ms(out, "99"),
        non_2xx=non_2xx,
        socket_errors=total.errors - non_2xx,
    )


def wrk_report(
    url: str, *, seconds: float, connections: int, threads: int = 2, timeout: float = 30
) -> WrkReport:
    """wrk with `--latency` (the percentiles); `timeout` seconds before a request counts as a
    socket error."""
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
        + ["--timeout", f"{timeout:g}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk_report(out)


# The slow streamed view of bench/load_urls.py: a line every TRICKLE_PAUSE s, TRICKLE_LINES times.
TRICKLE_LINES = 20
TRICKLE_PAUSE = 0.1
