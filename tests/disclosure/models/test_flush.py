"""The test runner's flush (TRUNCATE of every table) goes through the freeze's owner door."""

import pytest
from django.core.management import call_command
from django.db import connection

from disclosure.models import Disclosure, ExpenditureLine
from tests.disclosure.models.test_freeze_doors import TRUNCATED, refused


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE triggers: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_tables_through_the_owner_door(seed):
    assert refused("TRUNCATE disclosure_expenditureline", message=TRUNCATED)
    call_command("flush", interactive=False, verbosity=0)
    assert not Disclosure.objects.exists() and not ExpenditureLine.objects.exists()
