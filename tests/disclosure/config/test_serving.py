"""Production serving: hashed static files after collectstatic, and gunicorn's configuration."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.disclosure.config.test_deploy import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[3]


def manage(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


@pytest.mark.django_db
def test_collectstatic_hashes_names_and_pages_link_the_hashed_files(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "HTTPS": "0",  # the test client speaks plain HTTP
        "SECRET_KEY": secrets.token_urlsafe(50),
        "STATIC_MANIFEST": "1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    manage("collectstatic", "--noinput", "-v0", env=env)
    hashed = list((tmp_path / "static" / "css").glob("site.*.css"))
    assert len(hashed) == 1 and (tmp_path / "static" / "staticfiles.json").exists()
    manage("migrate", "-v0", env=env)
    script = (
        "from django.test import Client;"
        "r = Client(HTTP_HOST='juesuan.example.cn').get('/');"
        "print(r.status_code, r.content.decode())"
    )
    page = manage("shell", "--no-imports", "-c", script, env=env).stdout
    assert page.startswith("200")
    assert f"/static/css/{hashed[0].name}" in page


def test_gunicorn_configuration_loads_with_threads_for_streaming():
    from disclosure.config import gunicorn

    assert gunicorn.worker_class == "gthread"
    assert gunicorn.threads >= 2 and gunicorn.workers >= 1
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            "python:disclosure.config.gunicorn",
            "disclosure.config.wsgi",
        ],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "check-only"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr
