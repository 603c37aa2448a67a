"""On PostgreSQL the search's GIN trigram indexes exist, index Chinese text under the
database's locale, and serve the queries Django writes (`UPPER(col) LIKE UPPER('%…%')`,
`code LIKE '…%'`). Skipped on SQLite, where the migrations create none of them."""

import pytest
from django.db import connection
from django.db.models import Q

from bureaus.models import Agency
from disclosure.models import ExpenditureLine, ReportRow

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def scalar(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_pg_trgm_makes_trigrams_of_chinese_under_this_locale():
    # Under a plain C ctype CJK characters are not "alphanumeric" to pg_trgm: no trigrams, and
    # the index would match everything (correct, but a full scan). C.UTF-8 or zh_CN.UTF-8 work.
    assert scalar("select array_length(show_trgm('溧阳市信访局'), 1)") == 7, scalar("show lc_ctype")


def test_the_indexes_exist():
    names = {
        row[0]
        for row in connection.cursor()
        .execute("select indexname from pg_indexes where indexname like '%search_trgm'")
        .fetchall()
    }
    assert names == {"agency_search_trgm", "line_search_trgm", "report_row_search_trgm"}


@pytest.mark.parametrize(
    "queryset, index",
    [
        (
            lambda: Agency.objects.filter(
                Q(name__icontains="信访局") | Q(former_names__icontains="信访局")
            ),
            "agency_search_trgm",
        ),
        (lambda: ExpenditureLine.objects.filter(name__icontains="行政运行"), "line_search_trgm"),
        (
            # Without the model's ordering (by its table's set and number): the filter is the point.
            lambda: ReportRow.objects.filter(code__startswith="20103").order_by(),
            "report_row_search_trgm",
        ),
    ],
)
def test_the_planner_uses_them_for_the_search_queries(queryset, index):
    with connection.cursor() as cursor:
        cursor.execute("set local enable_seqscan = off")  # tables are empty in a test
    assert index in queryset().explain()
