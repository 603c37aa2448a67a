"""The production settings the README documents pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# The environment of the README's "Deploy" section (values as an operator would set them).
PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "juesuan.example.cn",
    "CSRF_TRUSTED_ORIGINS": "https://juesuan.example.cn",
    "HTTPS": "1",
    "HSTS_PRELOAD": "1",
    "TRUST_X_FORWARDED_PROTO": "1",
}


def check_deploy(env: dict) -> subprocess.CompletedProcess:
    # Not the test process's own Django variables (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE,
    # which a production environment must not have).
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k != "SECRET_KEY" and not k.startswith("DJANGO_")
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, "SECRET_KEY": secrets.token_urlsafe(50), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_the_documented_production_env():
    result = check_deploy(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("dropped", ["HTTPS", "HSTS_PRELOAD"])
def test_the_check_is_real_dropping_a_setting_warns(dropped):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != dropped}
    result = check_deploy(env)
    assert result.returncode != 0
    assert "security.W0" in result.stdout + result.stderr


def test_https_requests_get_hsts_and_secure_cookies(client, settings, db):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
