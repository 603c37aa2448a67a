"""What the files of one bulk load share (`manage.py import_disclosures`).

A run imports thousands of small files, each in its own transaction. Looked up once per run
rather than once per file: the fiscal years and agencies the files name, and a year's table
specs and classification codes (reference data, which an import never changes). Checked once
per run rather than after each file: the reconciliation, done for all the imported
disclosures together at the end (reconciliation.services.disclosures_reconcile, a fixed
number of queries for a whole chunk), with the same findings as after each file. Meanwhile an
imported disclosure carries no stored check, so its pages say it has not been checked.
"""

from collections.abc import Callable

from bureaus.models import Agency
from disclosure.models import FiscalYear
from disclosure.reconciliation.services import disclosures_reconcile

from .resolve import load_configuration

# Disclosures checked together: their facts are held in memory at once (a few hundred
# figures each), and each chunk is a transaction of its own.
RECONCILE_CHUNK = 200


class ImportBatch:
    def __init__(self):
        self._years: dict[int, FiscalYear | None] = {}
        self._agencies: dict[str, Agency | None] = {}
        self._configurations: dict[int, tuple] = {}
        self.unchecked: list[int] = []  # imported, to be reconciled at the end

    def fiscal_year(self, year: int) -> FiscalYear | None:
        if year not in self._years:
            self._years[year] = FiscalYear.objects.filter(year=year).first()
        return self._years[year]

    def agency(self, name: str) -> Agency | None:
        if name not in self._agencies:
            self._agencies[name] = Agency.objects.filter(name=name).first()
        return self._agencies[name]

    def configuration(self, fiscal_year: FiscalYear, table_set_id=None) -> tuple[dict, dict]:
        """(table specs by number, classification id by (scheme, code)) of a standard-format
        year (or of a 预算's table set): the same for every file of that year and kind."""
        key = (fiscal_year.pk, table_set_id)
        if key not in self._configurations:
            self._configurations[key] = load_configuration(fiscal_year, table_set_id)
        return self._configurations[key]

    def imported(self, disclosure_id: int) -> None:
        self.unchecked.append(disclosure_id)

    def reconcile(self, progress: Callable[[int], None] | None = None) -> int:
        """Check every disclosure the run imported (and, as after each file, the next year's
        of the same agency); returns how many files' disclosures were checked."""
        ids = list(dict.fromkeys(self.unchecked))
        for start in range(0, len(ids), RECONCILE_CHUNK):
            disclosures_reconcile(disclosure_ids=ids[start : start + RECONCILE_CHUNK])
            if progress:
                progress(min(start + RECONCILE_CHUNK, len(ids)))
        self.unchecked = []
        return len(ids)
