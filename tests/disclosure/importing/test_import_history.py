"""The audit rows the import writes with raw SQL (importing/history.py) name every column of
the history tables: a django-simple-history upgrade that adds one fails here, not in an import."""

import re
from pathlib import Path

import pytest
from django.db import connection

from disclosure.importing import history, sync
from disclosure.models import Cell, ExpenditureLine, ReportRow, ThreePublicExpense

pytestmark = pytest.mark.django_db
# The models sync.py writes in bulk and audits with SQL.
AUDITED = [ExpenditureLine, Cell, ReportRow, ThreePublicExpense]


def table_columns(model) -> set[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {column.name for column in description}


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m.__name__)
def test_the_sql_names_every_column_of_the_history_table(model):
    historical = model.history.model
    named = {*history.tracked_columns(model), *history.AUDIT_COLUMNS}
    key = historical._meta.pk.column  # history_id: the table's own serial key
    assert table_columns(historical) == named | {key}
    assert {f.column for f in historical._meta.concrete_fields} == named | {key}
    assert set(history.tracked_columns(model)) <= table_columns(model)  # what SELECT reads


def test_those_are_the_models_the_import_audits():
    # Sync.audit is how sync.py calls history.record; its calls name the models pinned above.
    source = Path(sync.__file__).read_text(encoding="utf-8")
    assert sorted(set(re.findall(r"self\.audit\((\w+),", source))) == sorted(
        m.__name__ for m in AUDITED
    )
    assert source.count("history.record(") == 1
