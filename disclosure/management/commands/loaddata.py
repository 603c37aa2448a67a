"""Django's loaddata, through the freeze's owner door.

The demo's and the tests' documents are already published: their rows are inserted into a
published disclosure, which the PostgreSQL triggers refuse except through the tables' owner's
door (disclosure/models/triggers.py). The door is open for this load only, in its transaction.
Run by a role that is not the owner (a deployment's runtime role), the triggers still refuse.
"""

from django.core.management.commands import loaddata
from django.db import DEFAULT_DB_ALIAS, transaction

from disclosure.models.triggers import owner_maintenance


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        using = options.get("database") or DEFAULT_DB_ALIAS
        with transaction.atomic(using=using), owner_maintenance(using=using):
            return super().handle(*fixture_labels, **options)
