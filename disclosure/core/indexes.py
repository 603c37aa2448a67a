"""Indexes that exist only on PostgreSQL, added by migrations that are no-ops elsewhere.

The search's trigram indexes (GIN, `gin_trgm_ops`) have no SQLite equivalent, and an index in
a model's Meta is re-created by SQLite whenever a later migration rebuilds the table, so they
are kept out of the models' state: the migration creates them on PostgreSQL and nothing else.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models.functions import Upper


def trigram_index(name: str, *columns: str, exact: tuple[str, ...] = ()) -> GinIndex:
    """A GIN trigram index over `columns` for `icontains` (Django writes `UPPER(col) LIKE
    UPPER(…)` on PostgreSQL, so the indexed expression is UPPER(col)) and over `exact` as they
    are, for `startswith` (codes are digits)."""
    exprs = [OpClass(Upper(c), name="gin_trgm_ops") for c in columns]
    exprs += [OpClass(c, name="gin_trgm_ops") for c in exact]
    return GinIndex(*exprs, name=name)


class AddPostgresIndex(migrations.operations.base.Operation):
    """Create `index` on app_label.model_name on PostgreSQL only; the state is unchanged."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, app_label: str, model_name: str, index):
        self.app_label, self.model_name, self.index = app_label, model_name, index

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = to_state.apps.get_model(self.app_label, self.model_name)
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = from_state.apps.get_model(self.app_label, self.model_name)
            schema_editor.remove_index(model, self.index)

    def describe(self):
        return f"PostgreSQL only: index {self.index.name} on {self.app_label}.{self.model_name}"

    def deconstruct(self):
        return self.__class__.__name__, [self.app_label, self.model_name, self.index], {}
