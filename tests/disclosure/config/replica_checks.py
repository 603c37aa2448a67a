"""Run by test_replicas.py in a pytest of its own, with DATABASE_REPLICA_URLS set (the settings
read it once, at start-up). Not collected by the main run: its name does not start with test_."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from tests.factories import CLERK, user_in_role

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica1"])


@pytest.fixture(autouse=True)
def close_the_replica():
    # On SQLite the mirror is a second connection to one shared in-memory database: a cursor
    # it leaves open would lock the tables the next test writes.
    yield
    connections["replica1"].close()


def queries(client, url: str) -> tuple[int, int, int]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica1"]) as replica,
    ):
        response = client.get(url)
        if response.streaming:  # a CSV reads its rows while it is sent
            b"".join(response.streaming_content)
        status = response.status_code
    return status, len(primary), len(replica)


def test_a_citizens_page_api_and_csv_read_the_replica_only(client, seed):
    for url in (seed.get_absolute_url(), "/api/v1/years", "/", "/all.csv"):
        status, primary, replica = queries(client, url)
        assert status == 200, url
        assert primary == 0 and replica > 0, (url, primary, replica)


def test_a_logged_in_clerk_and_every_write_use_the_primary(client, seed):
    client.force_login(user_in_role(CLERK, agencies=[seed.agency]))
    for url in (seed.get_absolute_url(), f"/admin/disclosure/disclosure/{seed.pk}/change/"):
        status, primary, replica = queries(client, url)
        assert status == 200, url
        assert primary > 0 and replica == 0, (url, primary, replica)
