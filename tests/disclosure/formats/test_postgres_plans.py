"""On PostgreSQL every list total finds its standard-format row through `report_row_name`
(disclosure, printed name), not by reading all of the disclosure's rows: the year page, the
API lists and the comparisons annotate 50 to 2,000 disclosures with ~20 such subqueries each.
Skipped on SQLite, whose planner the migrations do not steer."""

import pytest
from django.db import connection

from disclosure.formats.base import with_totals
from disclosure.models import Disclosure, ReportRow
from tests.factories import StandardDisclosureFactory, table_spec, tables_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def test_the_totals_read_rows_by_disclosure_and_name():
    # Rows as disclosures hold them (a few tables of ~100 rows each, each table in every
    # disclosure), analyzed: the plan is the one statistics give. On an empty or barely analyzed
    # table the planner takes whichever index, so the test does not rely on what earlier tests
    # left in the statistics.
    disclosures = StandardDisclosureFactory.create_batch(30)
    format_ = tables_of(disclosures[0])
    tables = [table_spec(n, format_) for n in ("01", "03", "05")]
    ReportRow.objects.bulk_create(
        ReportRow(disclosure=d, table=t, order=i, name=f"项目{i}")
        for d in disclosures
        for t in tables
        for i in range(100)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE disclosure_reportrow")
    plan = with_totals(Disclosure.objects.filter(pk__in=[d.pk for d in disclosures[:3]])).explain()
    assert "report_row_name" in plan
    assert "disclosure_reportrow_disclosure_id" not in plan
