"""Importing a disclosure's figures from a clerk's CSV or XLSX file (see service.py)."""

from disclosure.importing.records import ImportFileError, Record, RowError
from disclosure.importing.service import ImportReport, disclosure_import, disclosure_import_records

__all__ = [
    "ImportFileError",
    "ImportReport",
    "Record",
    "RowError",
    "disclosure_import",
    "disclosure_import_records",
]
