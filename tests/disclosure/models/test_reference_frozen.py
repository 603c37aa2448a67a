"""Reference data a published page depends on is frozen once used (issue 15, item 5): the
probe switched the seed's year to the standard format in the admin and its statements
disappeared from the published page."""

import pgtrigger
import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from disclosure.models import (
    ClassificationCode,
    ColumnSpec,
    FiscalYear,
    ReportFormat,
    RowSpec,
    TableSpec,
)
from tests.disclosure.models.test_freeze_doors import refused as sql_refused
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("seed_for_module", "putuo_for_module"),
]
USED = "已被已发布的决算公开使用"
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the freeze against raw SQL is PostgreSQL triggers"
)


def putuo_format(putuo) -> ReportFormat:
    return putuo.fiscal_year.report_format


def test_a_used_years_format_cannot_be_switched_in_the_admin(client, seed):
    client.force_login(UserFactory(is_superuser=True))
    year = seed.fiscal_year
    url = f"/admin/disclosure/fiscalyear/{year.pk}/change/"
    response = client.post(url, {"year": year.year, "disclosure_format": "standard"})
    assert response.status_code == 200
    assert USED in response.content.decode()
    year.refresh_from_db()
    assert year.disclosure_format == "2014"
    assert client.get(seed.get_absolute_url()).status_code == 200


def test_used_reference_rows_refuse_changes_and_deletion(seed, putuo):
    year = FiscalYear.objects.get(pk=seed.fiscal_year_id)
    year.disclosure_format = "standard"
    table = TableSpec.objects.filter(report_format=putuo_format(putuo)).first()
    column, spec = table.columns.first(), RowSpec.objects.filter(table=table).first()
    code = ClassificationCode.objects.filter(version=putuo.fiscal_year.code_version).first()
    changed = [year, table, column, code, putuo.fiscal_year.code_version, putuo_format(putuo)]
    for row, field in zip(changed, ["", "title", "label", "name", "name", "name"], strict=True):
        if field:
            setattr(row, field, "改名")
        with pytest.raises(ValidationError, match=USED):
            row.save()
    for row in (column, spec, table):
        with pytest.raises(ValidationError, match=USED):
            row.delete()
    new_column = ColumnSpec(table=table, order=99, label="新栏目", measure=column.measure)
    with pytest.raises(ValidationError, match=USED):
        new_column.save()
    assert not ColumnSpec.objects.filter(label="新栏目").exists()


def test_unused_reference_rows_change_and_keep_history(putuo):
    unused = ReportFormat.objects.create(key="test-unused", name="未使用的格式")
    unused.name = "改名"
    unused.save()
    assert unused.history.count() == 2
    # A save that changes nothing passes even once used (reference data loaded again).
    used = putuo_format(putuo)
    used.save()


@postgres_only
def test_raw_sql_cannot_change_used_reference_data(seed, putuo):
    fmt = putuo_format(putuo)
    table = TableSpec.objects.filter(report_format=fmt).first()
    year = seed.fiscal_year_id
    statements = [
        (f"UPDATE disclosure_fiscalyear SET disclosure_format = 'standard' WHERE id = {year}"),
        (f"DELETE FROM disclosure_fiscalyear WHERE id = {year}"),
        (f"UPDATE disclosure_reportformat SET name = 'x' WHERE id = {fmt.pk}"),
        (f"UPDATE disclosure_tablespec SET title = 'x' WHERE id = {table.pk}"),
        (f"UPDATE disclosure_columnspec SET label = 'x' WHERE table_id = {table.pk}"),
        (f"DELETE FROM disclosure_rowspec WHERE table_id = {table.pk}"),
        (
            "INSERT INTO disclosure_columnspec SELECT * FROM jsonb_populate_record("
            "NULL::disclosure_columnspec, (SELECT to_jsonb(c) || jsonb_build_object('id', "
            "(SELECT max(id) + 1000 FROM disclosure_columnspec), 'label', 'x') FROM "
            f"disclosure_columnspec c WHERE table_id = {table.pk} LIMIT 1))"
        ),
        (
            "UPDATE disclosure_classificationcode SET name = 'x' "
            f"WHERE version_id = {putuo.fiscal_year.code_version_id}"
        ),
    ]
    with pgtrigger.ignore("disclosure.ColumnSpec:frozen_once_used"):
        for sql in statements:
            assert sql_refused(sql, message=USED), sql
    assert FiscalYear.objects.get(pk=year).disclosure_format == "2014"
