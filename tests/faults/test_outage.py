"""The database and the cache die under load, then come back: the app recovers by itself.

Real parts only: a throw-away PostgreSQL cluster this test initialises and kills (`pg_ctl stop
-m immediate`, a crash, not a clean shutdown), a throw-away Redis, and the production server
(granian, with the repo's config) serving the seed. Clients keep reading pages and logging in
(each login commits a session row) while the services die. We assert:
- during the database outage every answer is a page or a Chinese 503 with Retry-After, never a
  500 or a traceback;
- once PostgreSQL is back, the same workers serve again without a restart;
- every write the app confirmed (a login answered 302 with its session cookie) is in the
  database after the crash: 0 committed writes lost;
- with Redis killed, pages are still served.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
PASSWORD = "outage-test-password"

pytestmark = [
    pytest.mark.skipif(not PG_BINS, reason="PostgreSQL's server binaries are not installed"),
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="redis-server is not installed"
    ),
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")),
        reason="runs once per CI run, in the SQLite pass: it starts its own PostgreSQL anyway",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster of our own, in a temporary directory, on a free port."""

    def __init__(self, directory: Path):
        self.dir = directory / "pgdata"
        self.port = free_port()
        self.bin = PG_BINS[-1]
        # initdb refuses to run as root; the server then runs as the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        directory.mkdir(exist_ok=True)
        if self.as_user:
            shutil.chown(directory, "postgres")

    def run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, timeout=120)
        assert done.returncode == 0, f"{args[0]}: {done.stderr.decode(errors='replace')}"

    def init(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.dir), "-A", "trust", "-U", "postgres")
        self.start()
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "app")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        log = str(self.dir / "server.log")
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.dir), "-o", options, "-l", log, "-w", "start"
        )

    def crash(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.dir), "-m", "immediate", "stop")

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.dir), "-m", "fast", "stop"],
            capture_output=True,
            timeout=60,
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/app"


class Redis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {timeout} s")


@contextmanager
def services(tmp_path: Path):
    cluster, redis = Cluster(tmp_path / "pg"), Redis()
    cluster.init()
    redis.start()
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "SECRET_KEY": "outage-test-only",
        "DEBUG": "",
        "CONN_MAX_AGE": "600",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--noinput"],
        ["load_seed"],
        ["createsuperuser", "--noinput", "--username", "ops", "--email", "o@x.cn"],
    ):
        subprocess.run(
            [*manage, *command], env=env, cwd=ROOT, check=True, capture_output=True, timeout=300
        )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "disclosure.config.granian"],
        env={
            **env,
            "GRANIAN_HOST": "127.0.0.1",
            "GRANIAN_PORT": str(port),
            "GRANIAN_WORKERS": "2",
            "GRANIAN_BLOCKING_THREADS": "4",
        },
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield cluster, redis, f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # a stop that hangs must not hang the suite
            server.kill()
            server.communicate(timeout=10)
        redis.process.kill()
        cluster.stop()


class Load:
    """Readers and a logging-in writer in threads, recording every answer."""

    PAGES = ["/", "/agencies/liyang-xinfang/2014/", "/years/2014/", "/api/v1/years"]

    def __init__(self, base: str):
        self.base = base
        self.answers: Counter = Counter()
        self.bad: list[str] = []
        self.sessions: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.read) for _ in range(3)]
        self.threads.append(threading.Thread(target=self.write))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def record(self, response: requests.Response) -> None:
        self.answers[response.status_code] += 1
        if response.status_code == 503:
            body = response.text
            if "暂时不可用" not in body or response.headers.get("Retry-After") != "30":
                self.bad.append(f"503 without the Chinese page or Retry-After: {body[:200]}")
        elif response.status_code not in (200, 302):
            self.bad.append(f"{response.status_code} {response.url}: {response.text[:200]}")

    def read(self) -> None:
        while not self.stop.is_set():
            for page in self.PAGES:
                try:
                    self.record(requests.get(self.base + page, timeout=30))
                except requests.RequestException as error:  # a dropped connection is a failure
                    self.bad.append(f"{page}: {error}")

    def write(self) -> None:
        while not self.stop.is_set():
            with requests.Session() as client:
                try:
                    self.login(client)
                except requests.RequestException as error:
                    self.bad.append(f"login: {error}")
            time.sleep(0.05)

    def login(self, client: requests.Session) -> None:
        page = client.get(self.base + "/admin/login/", timeout=30)
        self.record(page)
        if page.status_code != 200:
            return
        answer = client.post(
            self.base + "/admin/login/?next=/admin/",
            data={
                "username": "ops",
                "password": PASSWORD,
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
            },
            headers={"Referer": self.base + "/admin/login/"},
            allow_redirects=False,
            timeout=30,
        )
        self.record(answer)
        if answer.status_code == 302:
            self.sessions.append(answer.cookies["sessionid"])


def wait_until_served(base: str, timeout: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if requests.get(base + "/admin/login/", timeout=30).status_code == 200:
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"the app did not recover within {timeout} s of the restart")


def stored_sessions(cluster: Cluster, keys: list[str]) -> set[str]:
    import psycopg

    with psycopg.connect(cluster.url.replace("postgres://", "postgresql://")) as connection:
        rows = connection.execute(
            "SELECT session_key FROM django_session WHERE session_key = ANY(%s)", [keys]
        )
        return {row[0] for row in rows}


@pytest.fixture
def scratch():
    # Not pytest's tmp_path: it lives under a directory only root may enter, and the server
    # runs as the postgres user.
    directory = Path(tempfile.mkdtemp(prefix="outage-"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def test_database_and_cache_outages_under_load(scratch):
    with services(scratch) as (cluster, redis, base):
        with Load(base) as load:
            wait_for(lambda: load.answers[200] >= 10, "pages served before the outage")
            cluster.crash()
            wait_for(lambda: load.answers[503] >= 3, "503s while the database is down")
            cluster.start()
            recovery_seconds = wait_until_served(base)
            sessions_before = len(load.sessions)
            wait_for(lambda: len(load.sessions) > sessions_before, "a login after the restart")
            redis.kill()
            served = load.answers[200]
            wait_for(lambda: load.answers[200] >= served + 10, "pages served without Redis")
            redis.start()
            served = load.answers[200]
            wait_for(lambda: load.answers[200] >= served + 10, "pages served after Redis is back")
        assert not load.bad, load.bad[:5]
        assert recovery_seconds < 60
        assert stored_sessions(cluster, load.sessions) == set(load.sessions)


def wait_for(condition, what: str, timeout: float = 90) -> None:
    # Generous: CI shares two cores with everything else; the condition, not the clock, matters.
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.1)
