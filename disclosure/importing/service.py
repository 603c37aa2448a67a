"""The one import path: the admin (through django-import-export) and the command line call it.

disclosure_import() reads a file into records; disclosure_import_records() validates them all in
one pass and, only if no row has an error, writes them — in one transaction either way, so one
bad row writes nothing. The figures are written in batches while the file is read; any error
rolls the whole file back. A dry run does everything, database writes included, and rolls back:
the preview meets the same database constraints as the real import.

Every caller gets the plain writer (writing.py), in its own thread; only the command line's
bulk loads ask for the COPY writer's thread with `fast=True`.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from bureaus.models import Agency
from disclosure.access import can_import_into
from disclosure.models import Disclosure, DocumentKind, FiscalYear
from disclosure.models.states import EDITABLE_STATUSES, OPEN_STATUSES
from disclosure.reconciliation.services import disclosure_unchecked
from disclosure.workflow.services import disclosure_check_version, disclosure_figures_changed

from .batch import ImportBatch
from .caps import FileBudget
from .readers import read_records
from .records import COLUMNS, ImportFileError, Record, RowError, column_label
from .resolve import CellFigure, LineFigure, Target, resolve
from .scope import importable_agencies
from .sync import CellSync, LineSync, Outcomes, ThreePublicSync
from .writing import immediate_checks, new_writer

MAX_ERRORS = 200  # listed; the rest are counted
UNCHECKED = object()  # expected_version: no page to compare with (previews, the command line)
STALE_PREVIEW = (
    "预览之后该决算已被他人修改（或导入），为避免覆盖他人的修改，本次导入未执行："
    "请重新上传文件并预览。"
)


class ErrorCollector:
    def __init__(self):
        self.errors: list[RowError] = []
        self.count = 0

    def __call__(self, row, sheet: str, column: str, message: str) -> None:
        """`column` is a label, or one of our field names (the long layout's column then)."""
        column = COLUMNS[column][0] if column in COLUMNS else column
        self.count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, message, sheet))

    def any(self) -> bool:
        return self.count > 0


@dataclass
class ImportReport:
    agency: Agency
    fiscal_year: FiscalYear
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    totals: dict = field(default_factory=dict)  # new / update / skip / delete → count
    outcomes: list | None = None  # (kind, row, sheet, values, note) when collected
    seconds: float = 0.0
    written: bool = False
    disclosure: Disclosure | None = None
    by: AbstractBaseUser | None = None

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def summary(self) -> str:
        t = self.totals
        return (
            f"新增 {t.get('new', 0)}，修改 {t.get('update', 0)}，"
            f"未变 {t.get('skip', 0)}，删除 {t.get('delete', 0)}"
        )


class _Rollback(Exception):
    pass


def disclosure_import(
    *,
    agency: Agency,
    fiscal_year: FiscalYear,
    file,
    by: AbstractBaseUser | None,
    dry_run: bool = False,
    collect_rows: bool = False,
    progress: Callable[[int], None] | None = None,
    reconcile: bool = True,
    fast: bool = False,
    expected_version=UNCHECKED,
    batch: ImportBatch | None = None,
    file_name: str = "",
    kind: str = DocumentKind.FINAL,
) -> ImportReport:
    """Import a CSV or XLSX file (path, bytes or binary file) into the agency's disclosure of
    the year. `by` is the user importing; None only for trusted bulk loads (the command line).
    `file_name` names the file in a refusal (a path names itself).
    """
    if not file_name and isinstance(file, (str, Path)):
        file_name = Path(file).name
    budget = FileBudget(file_name)  # reading counts against the file's time
    return disclosure_import_records(
        agency=agency,
        fiscal_year=fiscal_year,
        records=read_records(file, kind),
        by=by,
        dry_run=dry_run,
        collect_rows=collect_rows,
        progress=progress,
        reconcile=reconcile,
        fast=fast,
        expected_version=expected_version,
        batch=batch,
        budget=budget,
        kind=kind,
    )


def disclosure_import_records(
    *,
    agency: Agency,
    fiscal_year: FiscalYear,
    records: Iterable[Record],
    by: AbstractBaseUser | None,
    dry_run: bool = False,
    collect_rows: bool = False,
    progress: Callable[[int], None] | None = None,
    reconcile: bool = True,
    fast: bool = False,
    expected_version=UNCHECKED,
    batch: ImportBatch | None = None,
    budget: FileBudget | None = None,
    kind: str = DocumentKind.FINAL,
) -> ImportReport:
    """`reconcile=False` leaves the figures unchecked (the disclosure page says so), for a
    caller that checks them itself afterwards, e.g. the benchmark, which times the check
    apart; the version moves on all the same. `expected_version` is the version of the open
    revision the preview saw (None: there was none): the admin's confirmation is refused if
    anyone changed the disclosure since. `fast=True` writes the statement lines with the COPY writer
    on PostgreSQL (a thread, and the process's switch interval changed: writing.py); only the
    command line's bulk loads ask for it, never a web worker. A bulk load passes its `batch`
    (batch.py): the year's configuration is read once for all its files, and the
    reconciliation is left to the batch, which checks all its disclosures at the end; until
    then, as with `reconcile=False`, the disclosure has no stored check. `budget` is the
    file's allowance of rows and seconds (caps.py), started when its reading started; a file
    over it is refused whole."""
    if by is not None and not importable_agencies(by).filter(pk=agency.pk).exists():
        raise PermissionDenied("只能导入本单位的决算数字。")
    started = time.perf_counter()
    budget = budget or FileBudget()
    records = budget.capped(records)
    report = ImportReport(agency=agency, fiscal_year=fiscal_year, by=by)
    errors = ErrorCollector()
    outcomes = Outcomes(collect_rows)
    try:
        with transaction.atomic():
            report.disclosure, created = _disclosure(
                agency, fiscal_year, by, expected_version, kind
            )
            target = Target(report.disclosure, batch.configuration if batch else None)
            with immediate_checks():
                writer = new_writer(fast=fast)
                _run(report, records, errors, outcomes, progress, writer, target, created)
            budget.check_time()
            if errors.any() or dry_run:
                raise _Rollback
            # Imports bypass the admin's save: forms of the disclosure opened before are stale
            # now, and the figures are checked (now, or by the batch at its end), so the
            # admin, the auditors' page and the public page show the findings of what was
            # imported.
            now = reconcile and batch is None
            disclosure_figures_changed(disclosure_id=report.disclosure.pk, by=by, reconcile=now)
            if not now and not created:  # a new disclosure has no stored check to forget
                disclosure_unchecked(disclosure_id=report.disclosure.pk)
            budget.check_time()
            report.written = True
        if batch is not None and reconcile:
            batch.imported(report.disclosure.pk)
    except _Rollback:
        pass
    except ImportFileError as exc:
        errors(None, "", "", str(exc))
    except DatabaseError as exc:
        # The database refused what validation accepted: changed since the preview, or a
        # concurrent import. The transaction is rolled back whole.
        errors(None, "", "", f"数据库拒绝了本次导入，未写入任何数据：{_first_line(exc)}")
    report.errors, report.error_count = errors.errors, errors.count
    report.totals = dict(outcomes.totals)
    if outcomes.rows is not None:
        # Lines are written (and so reported) in batches: back into the file's order.
        outcomes.rows.sort(key=lambda o: (o[1] is None, o[2], o[1] or 0))
    report.outcomes = outcomes.rows
    report.seconds = time.perf_counter() - started
    return report


def open_revision_version(
    agency: Agency, fiscal_year: FiscalYear, kind: str = DocumentKind.FINAL
) -> int | None:
    """The version of the revision an import would write into now (None: none yet), for the
    admin's confirmation to compare with (expected_version)."""
    revisions = Disclosure.objects.filter(
        agency=agency, fiscal_year=fiscal_year, kind=kind, status__in=OPEN_STATUSES
    )
    return revisions.order_by("-revision").values_list("version", flat=True).first()


def _disclosure(
    agency: Agency, fiscal_year: FiscalYear, by, expected_version, kind: str
) -> tuple[Disclosure, bool]:
    """The revision to import into: the open draft (or returned one), created if the agency
    has no disclosure for the year (then True: it has no figures yet). A published
    disclosure is never changed by an import.

    Locked for the import, so two imports into one disclosure run one after the other (a
    created one is ours alone until the import commits).
    """
    revisions = Disclosure.objects.filter(agency=agency, fiscal_year=fiscal_year, kind=kind)
    # One query for both questions (is one open? is there any?): a bulk load asks per file.
    existing = list(revisions.order_by("-revision").values_list("pk", "status"))
    open_pk = next((pk for pk, status in existing if status in OPEN_STATUSES), None)
    if expected_version is not UNCHECKED:
        _check_version(open_pk, expected_version)
    if open_pk is None:
        if existing:
            raise ImportFileError(
                "该单位该年度的决算公开已发布，不能直接导入；如需更正，请由审核人员发起更正后再导入。"
            )
        disclosure = Disclosure(agency=agency, fiscal_year=fiscal_year, kind=kind)
        disclosure._history_user = by
        disclosure.save()
        created = True
    else:
        disclosure = (
            Disclosure.objects.select_for_update()
            .select_related("agency", "fiscal_year")
            .get(pk=open_pk)
        )
        created = False
    if disclosure.status not in EDITABLE_STATUSES:
        raise ImportFileError("该决算公开已提交审核，不能导入；请先由审核人员退回。")
    if by is not None and not can_import_into(by, disclosure):
        raise ImportFileError("只能向本单位的草稿或已退回的决算公开导入数据。")
    return disclosure, created


def _check_version(disclosure_id: int | None, expected: int | None) -> None:
    """The workflow's one version check; a revision created or deleted since the preview is
    a change too."""
    if disclosure_id is None or expected is None:
        if disclosure_id is not None or expected is not None:
            raise ImportFileError(STALE_PREVIEW)
        return
    try:
        disclosure_check_version(disclosure_id=disclosure_id, version=expected)
    except ValidationError:
        raise ImportFileError(STALE_PREVIEW) from None


def _run(report, records, errors, outcomes, progress, writer, target, empty: bool) -> None:
    """`empty`: the disclosure was just created, so there is nothing to replace (the syncs
    then ask the database nothing about its figures)."""
    d, by = report.disclosure, report.by
    lines = LineSync(d, outcomes, errors, by=by, writer=writer, empty=empty)
    cells = CellSync(
        d, outcomes, errors, classifications=target.classifications, by=by, empty=empty
    )
    three = ThreePublicSync(d, outcomes, errors, by=by, empty=empty)
    syncs = (lines, cells, three)
    try:
        for record in records:
            report.rows += 1
            figure, problems = resolve(record, target)
            for key, message in problems:
                errors(record.row, record.sheet, column_label(record, key), message)
            if figure is not None:
                sync = (
                    lines
                    if isinstance(figure, LineFigure)
                    else (cells if isinstance(figure, CellFigure) else three)
                )
                # The row as the admin preview lists it; nobody else reads it.
                display = _display(record) if outcomes.rows is not None else None
                sync.add(figure, record.row, record.sheet, display)
            if progress and report.rows % 1000 == 0:
                progress(report.rows)
        if report.rows == 0:
            errors(None, "", "", "文件中没有数据行。")
        for sync in syncs:
            sync.finish()
    finally:
        for sync in syncs:
            sync.close()  # before the transaction ends: the COPY writer may be copying
    if progress:
        progress(report.rows)


def _display(record: Record) -> list:
    v = record.values
    return [v.get("code") or "", v.get("name") or "", v.get("column") or ""]


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
