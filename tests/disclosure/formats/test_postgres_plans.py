"""On PostgreSQL every list total finds its standard-format row through `report_row_name`
(disclosure, printed name), not by reading all of the disclosure's rows: the year page, the
API lists and the comparisons annotate 50 to 2,000 disclosures with ~20 such subqueries each.
Skipped on SQLite, whose planner the migrations do not steer."""

import pytest
from django.db import connection

from disclosure.formats.base import with_totals
from disclosure.models import Disclosure

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def test_the_totals_read_rows_by_disclosure_and_name():
    with connection.cursor() as cursor:
        cursor.execute("set local enable_seqscan = off")  # tables are empty in a test
    plan = with_totals(Disclosure.objects.all()).explain()
    assert "report_row_name" in plan
    assert "disclosure_reportrow_disclosure_id" not in plan
