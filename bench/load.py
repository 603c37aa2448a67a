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
