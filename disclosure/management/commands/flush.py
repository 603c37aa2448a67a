"""Django's flush, through the freeze's owner door.

flush empties every table with TRUNCATE (the test runner's transactional tests flush after
each test), which the freeze's statement triggers refuse except through the tables' owner's
door (disclosure/models/triggers.py). Run by the runtime role it is refused: that role has no
TRUNCATE privilege, and is not the owner.
"""

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, transaction

from disclosure.models.triggers import owner_maintenance


class Command(flush.Command):
    def handle(self, **options):
        using = options.get("database") or DEFAULT_DB_ALIAS
        with transaction.atomic(using=using), owner_maintenance(using=using):
            return super().handle(**options)
