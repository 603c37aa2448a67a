"""Read replicas through the database router (config/replicas.py), with two databases.

The settings read DATABASE_REPLICA_URLS once, so the checks run in a pytest of their own with
it set: the replica is the test database's mirror (TEST MIRROR), and the checks count which
connection each request's queries went through.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from disclosure.config.replicas import ReplicaRouter

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="replicas are a PostgreSQL deployment; SQLite's in-memory test database, shared by "
    "two connections, locks its tables against the other's writes",
)
def test_reads_of_public_requests_go_to_a_replica_and_the_rest_to_the_primary():
    # A database name of its own: this run's test database (test_<name>) is in use by us.
    url = os.environ["DATABASE_URL"].rstrip("/") + "_replicas"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/disclosure/config/replica_checks.py",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DATABASE_REPLICA_URLS": url},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 passed" in done.stdout


def test_writes_and_migrations_never_go_to_a_replica():
    router = ReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("default", "disclosure") is True
    assert router.allow_migrate("replica1", "disclosure") is False
