"""The audit trail: django-simple-history, named in Chinese for the admin.

Every model whose rows a citizen or an auditor relies on declares `history = AuditTrail()` (the
disclosure's parts inherit it from DisclosurePart). Saves and deletes are recorded by the
library's signals, with the admin user taken from HistoryRequestMiddleware; bulk writes must go
through simple_history.utils.bulk_create_with_history / bulk_update_with_history, and
GuardedQuerySet.update() records its own rows (see disclosure/immutability.py).
"""

from simple_history.models import HistoricalRecords


class AuditTrail(HistoricalRecords):
    """HistoricalRecords whose admin names are Chinese (the library's are "historical …")."""

    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            meta["verbose_name"] = f"{model._meta.verbose_name}（历史记录）"
        if not self.user_set_verbose_name_plural:
            meta["verbose_name_plural"] = f"{model._meta.verbose_name_plural}（历史记录）"
        return meta

    def get_meta_options_m2m(self, through_model):
        meta = super().get_meta_options_m2m(through_model)
        meta["verbose_name"] = f"{self.cls._meta.verbose_name}的关联（历史记录）"
        return meta
