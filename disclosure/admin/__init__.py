"""The Django admin, one module per area. Django's autodiscovery imports this package, which
registers every area; the admin calls services and selectors and holds no domain rules."""

from . import agencies, disclosures, history, reconciliation, standard, years  # noqa: F401
