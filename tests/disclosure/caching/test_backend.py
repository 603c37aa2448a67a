"""Redis through Django's cache framework: pages kept there, and served (rendered, or from what
the process served itself) when it is down."""

import socket
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from disclosure.caching.backend import TolerantRedisCache

pytestmark = pytest.mark.django_db

PAGE = "/agencies/liyang-xinfang/2014/"
URLS = [PAGE, "/", "/agencies/liyang-xinfang/2014.csv", "/api/v1/disclosures/liyang-xinfang/2014"]


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "disclosure.caching.backend.TolerantRedisCache",
            "LOCATION": url,
            # Tests share the machine's Redis: their own keys, never a flush.
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture(autouse=True)
def redis_tried_afresh():
    TolerantRedisCache._down_until = 0.0
    yield
    TolerantRedisCache._down_until = 0.0


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # free once closed: nothing listens there


def fetch(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return response.status_code, len(captured)


def test_redis_down_serves_every_page(client, seed, caplog):
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port()}/0")):
        for url in URLS:
            first, again = fetch(client, url), fetch(client, url)
            assert first[0] == again[0] == 200, url
            assert first[1] > 0, url  # rendered: Redis had nothing to give
            # `again` may come from what this process served itself (published._recent).
        assert (
            client.get(PAGE, headers={"If-None-Match": client.get(PAGE)["ETag"]}).status_code == 304
        )
    assert "Redis 不可用" in caplog.text


def test_the_tolerant_backend_answers_as_a_miss(caplog):
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port()}/0")):
        cache = caches["default"]
        assert cache.get("k", "default") == "default"
        assert cache.set("k", 1) is None and cache.add("k", 1) is False
        assert cache.get_many(["k"]) == {} and cache.delete("k") is False
    assert caplog.text.count("Redis 不可用") == 1  # once per outage interval, not per call


def redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_running(), reason="no Redis at 127.0.0.1:6379")
def test_pages_are_kept_in_redis(client, seed, settings, django_assert_num_queries):
    settings.CACHE_SECONDS = 60  # the machine's Redis is shared: leave nothing for long
    with override_settings(CACHES=redis_cache("redis://127.0.0.1:6379/0")):
        for url in URLS:
            assert fetch(client, url)[0] == 200
            with django_assert_num_queries(0):
                assert client.get(url).status_code == 200
