"""The one settings module picks the cache and keeps database connections from the environment."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

READ = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "d = s.DATABASES['default']; print(json.dumps([s.CACHES['default']['BACKEND'], "
    "s.CACHES['default'].get('LOCATION'), s.CACHE_SECONDS, d['CONN_MAX_AGE'], "
    "d['CONN_HEALTH_CHECKS']]))"
)


def settings_under(**env) -> list:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "CONN_MAX_AGE", "CACHE_SECONDS"}
    }
    base |= {"DJANGO_SETTINGS_MODULE": "disclosure.config.settings", "SECRET_KEY": "x"}
    out = subprocess.run(
        [sys.executable, "-c", READ], env=base | env, cwd=ROOT, capture_output=True, check=True
    ).stdout
    return json.loads(out)


def test_defaults_keep_in_memory_and_connections_for_ten_minutes():
    backend, location, seconds, max_age, checks = settings_under()
    assert backend.endswith("LocMemCache") and location is None
    assert (seconds, max_age, checks) == (86400, 600, True)


def test_redis_url_and_the_numbers_come_from_the_environment():
    url = "redis://127.0.0.1:6379/2"
    got = settings_under(REDIS_URL=url, CACHE_SECONDS="60", CONN_MAX_AGE="0")
    assert got == ["disclosure.caching.backend.TolerantRedisCache", url, 60, 0, True]
