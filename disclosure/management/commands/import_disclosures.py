"""Bulk loads: import a folder or a .zip of many agencies' files, each all-or-nothing.

    python manage.py import_disclosures PATH [--dry-run] [--user NAME]
                                             [--agency SLUG --year YYYY]
                                             [--max-rows N] [--max-seconds S]

Every file goes through the same service as the admin import, with the COPY writer on
PostgreSQL (importing/fast/: a second thread, which a web worker never starts). The agency and
year of a file are the ones its rows (or, in the per-table layout, its 部门/年度 line) name;
every row must name the same ones. Many agencies print no 部门/年度 line: --agency and --year
then say it for every file (a file that names another agency or year is refused). A progress
bar runs on stderr; a summary table ends the run,
and the exit code is non-zero if any file failed. A file over the per-file caps (rows,
seconds: settings IMPORT_MAX_FILE_ROWS/IMPORT_MAX_FILE_SECONDS, or --max-rows/--max-seconds for
the run) is refused like a bad one, and the others are imported.
"""

import shutil
import sys
import tempfile
import time
import zipfile
from contextlib import closing
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from bureaus.models import Agency
from disclosure.core.analyze import analyze
from disclosure.importing import ImportFileError, disclosure_import_records
from disclosure.importing.batch import ImportBatch
from disclosure.importing.caps import FileBudget, FileCaps
from disclosure.importing.kinds import detected_kind, kind_named
from disclosure.importing.parsing import parse_year, unstated
from disclosure.importing.readers import read_records
from disclosure.models import (
    Cell,
    Disclosure,
    ExpenditureLine,
    FiscalYear,
    Reconciliation,
    ReconciliationFinding,
    ReportRow,
    ThreePublicExpense,
)

SUFFIXES = (".csv", ".xlsx")
# What an import rewrites, with the history rows it writes beside them: analyzed after a bulk
# load, so the pages and the next files' lookups are planned from the loaded numbers.
IMPORTED_MODELS = [
    model
    # The disclosures too: an import of a year makes thousands, and every list plans on them.
    for base in (Disclosure, ExpenditureLine, ReportRow, Cell, ThreePublicExpense)
    for model in (base, base.history.model)
] + [Reconciliation, ReconciliationFinding]
# Found and reported as refused (macros, the old binary format), never silently skipped.
REFUSED_SUFFIXES = (".xlsm", ".xls")
# A zip member larger than this unpacked is refused before anything is written to disk.
MAX_MEMBER_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = "批量导入文件夹或 zip 中的决算数字文件（CSV 或 .xlsx），每个文件全部成功或全部不写入。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="文件夹或 .zip 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--user", help="以该用户的权限导入（默认：命令行，全部单位）")
        parser.add_argument("--agency", help="单位标识（slug）：文件中没有写明单位时使用")
        parser.add_argument("--year", type=int, help="年度：文件中没有写明年度时使用")
        parser.add_argument(
            "--max-rows",
            type=int,
            help="每个文件最多的行数（默认为设置 IMPORT_MAX_FILE_ROWS），超过的文件不导入",
        )
        parser.add_argument(
            "--max-seconds",
            type=float,
            help="每个文件最长的导入秒数（默认为设置 IMPORT_MAX_FILE_SECONDS），超时的文件不导入",
        )
        parser.add_argument(
            "--kind",
            help="文件类型：预算 或 决算（默认从表名识别：预算表为预算，否则为决算）",
        )

    def handle(self, *args, path, dry_run, user, agency=None, year=None, kind=None, **options):
        by = _user(user) if user else None
        given = _given(agency, year)
        caps = _caps(options.get("max_rows"), options.get("max_seconds"))
        if kind is not None:
            try:
                kind = kind_named(kind)
            except ValueError as exc:
                raise CommandError(f"{exc}未导入任何文件。") from None
        files = list(_files(Path(path)))
        if not files:
            raise CommandError(f"{path} 中没有 CSV 或 .xlsx 文件。")
        bar = Progress(len(files), sys.stderr)
        batch = ImportBatch()
        results = []
        for name, opener in files:
            bar.start(name)
            results.append(
                _open_and_import(name, opener, by, dry_run, bar.rows, given, batch, caps, kind)
            )
            bar.done()
        bar.close()
        # The imported disclosures are checked together, as each would have been after its
        # file (batch.py); they have no stored check until then.
        try:
            checked = batch.reconcile()
        except DatabaseError as exc:
            self._summary(results, dry_run)
            raise CommandError(
                f"文件已导入，但导入后的数据核对失败（{exc}）：请运行 manage.py reconcile_all。"
            ) from exc
        if checked:
            self.stderr.write(f"已核对 {checked} 份导入的决算。")
        if not dry_run and any(r["ok"] for r in results):
            analyze(*IMPORTED_MODELS)
        self._summary(results, dry_run)
        failed = [r for r in results if not r["ok"]]
        if failed:
            raise CommandError(f"{len(failed)} 个文件导入失败，这些文件没有写入任何数据。")

    def _summary(self, results: list[dict], dry_run: bool) -> None:
        for r in results:
            for message in r["errors"][:5]:
                self.stderr.write(f"{r['file']}：{message}")
            if len(r["errors"]) > 5:
                self.stderr.write(f"{r['file']}：……共 {r['error_count']} 处错误")
        rows = [
            [
                r["file"],
                r["agency"],
                r["year"],
                r["rows"],
                r["error_count"],
                f"{r['seconds']:.2f}",
                ("通过检查" if dry_run else "已导入") if r["ok"] else "失败",
            ]
            for r in results
        ]
        total = [
            f"合计 {len(results)} 个文件",
            "",
            "",
            sum(r["rows"] for r in results),
            sum(r["error_count"] for r in results),
            f"{sum(r['seconds'] for r in results):.2f}",
            f"失败 {sum(not r['ok'] for r in results)}",
        ]
        self.stdout.write(
            _table(["文件", "单位", "年度", "行数", "错误", "秒", "结果"], rows, total)
        )


def _user(username: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"没有用户名为“{username}”的用户，未导入任何文件。") from None


def _files(path: Path):
    """(display name, opener) for every CSV/XLSX in a folder (recursively) or a zip."""
    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.suffix.lower() in SUFFIXES + REFUSED_SUFFIXES and not file.name.startswith(
                ("~$", ".")
            ):
                yield str(file.relative_to(path)), (lambda f=file: open(f, "rb"))
    elif zipfile.is_zipfile(path) and path.suffix.lower() == ".zip":
        archive = zipfile.ZipFile(path)
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.filename.lower().endswith(SUFFIXES + REFUSED_SUFFIXES) and not info.is_dir():
                yield _zip_name(info), (lambda i=info: _spooled(archive, i))
        # Sizes are checked per member when it is opened (below): a bomb is one bad file.
    elif path.is_file() and path.suffix.lower() in SUFFIXES:
        yield path.name, (lambda: open(path, "rb"))
    else:
        raise CommandError(f"找不到 {path}，或它不是文件夹、.zip、CSV 或 .xlsx 文件。")


def _spooled(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """A zip member as a seekable temporary file: read twice, never whole into memory.

    Its declared size is checked first, and the copy stops at that size whatever the member
    really unpacks to, so a 2 MB zip cannot write 2 GiB to disk. Members are never written
    under their own names, but a name that climbs out of the archive is refused all the same:
    nobody makes such a zip by accident.
    """
    parts = info.filename.replace("\\", "/").split("/")
    if info.filename.startswith(("/", "\\")) or ".." in parts:
        raise ImportFileError(f"压缩包中的路径“{info.filename[:80]}”可疑，未导入。")
    if info.file_size > MAX_MEMBER_BYTES:
        raise ImportFileError(
            f"解压后有 {info.file_size // 2**20} MB，超过单个文件的上限 "
            f"{MAX_MEMBER_BYTES // 2**20} MB，未导入（可能是压缩炸弹）。"
        )
    copy = tempfile.TemporaryFile()
    with archive.open(info) as member:
        shutil.copyfileobj(_limited(member, info.file_size), copy)
    copy.seek(0)
    return copy


class _limited:
    """A reader that refuses to go past `limit` bytes (a member lying about its size)."""

    def __init__(self, raw, limit: int):
        self.raw, self.left = raw, limit

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(65536 if size < 0 else size)
        self.left -= len(chunk)
        if self.left < 0:
            raise ImportFileError("解压后的大小与 zip 记录的不符，未导入（可能是压缩炸弹）。")
        return chunk


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Zips made on Chinese Windows store names in GBK without saying so."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _given(slug: str | None, year: int | None) -> tuple[Agency, FiscalYear] | None:
    """The agency and year the command line names, for files that do not name them."""
    if slug is None and year is None:
        return None
    if slug is None or year is None:
        raise CommandError("--agency 与 --year 须同时给出。")
    agency = Agency.objects.filter(slug=slug).first()
    if agency is None:
        raise CommandError(f"没有标识为“{slug}”的单位，未导入任何文件。")
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    if fiscal_year is None:
        raise CommandError(f"{year} 年度不存在，未导入任何文件：请先在管理后台添加该年度。")
    return agency, fiscal_year


def _caps(rows: int | None, seconds: float | None) -> FileCaps:
    """The settings' per-file caps, or the run's own."""
    caps = FileCaps.from_settings()
    if (rows is not None and rows < 1) or (seconds is not None and seconds <= 0):
        raise CommandError("--max-rows 与 --max-seconds 须为正数。")
    return FileCaps(rows=rows or caps.rows, seconds=seconds or caps.seconds)


def _open_and_import(
    name: str, opener, by, dry_run: bool, progress, given=None, batch=None, caps=None, kind=None
) -> dict:
    """One file of the batch; a file that cannot even be opened is reported like any other."""
    try:
        stream = opener()
    except (ImportFileError, OSError, zipfile.BadZipFile) as exc:
        result = _result(name)
        result["errors"], result["error_count"], result["ok"] = [str(exc)], 1, False
        result["seconds"] = 0.0
        return result
    budget = FileBudget(name, caps)
    with stream:
        return _import_one(
            name, stream, by, dry_run, progress, given, batch or ImportBatch(), budget, kind
        )


def _result(name: str) -> dict:
    return {"file": name, "agency": "", "year": "", "rows": 0, "errors": [], "error_count": 0}


def _import_one(
    name: str,
    stream,
    by,
    dry_run: bool,
    progress,
    given,
    batch: ImportBatch,
    budget: FileBudget,
    kind=None,
) -> dict:
    started = time.perf_counter()
    result = _result(name)
    try:
        # Said on the command line, or read from the tables' titles (预算表 …, else a 决算).
        kind = kind or detected_kind(stream)
        # Given on the command line, the target is checked against each row as the admin
        # form's is: a row naming another agency or year is an error of that row.
        agency, fiscal_year = given or _target(stream, batch, kind)
        result["agency"], result["year"] = agency.name, fiscal_year.year
        stream.seek(0)
        report = disclosure_import_records(
            agency=agency,
            fiscal_year=fiscal_year,
            records=read_records(stream, kind),
            by=by,
            kind=kind,
            dry_run=dry_run,
            progress=progress,
            fast=True,  # a bulk load in a process of its own: the COPY writer's thread
            batch=batch,
            budget=budget,
        )
        result["rows"] = report.rows
        result["errors"] = [str(e) for e in report.errors]
        result["error_count"] = report.error_count
    except (ImportFileError, CommandError) as exc:
        result["errors"], result["error_count"] = [str(exc)], 1
    except PermissionDenied as exc:  # the user may not import into this agency: that file only
        result["errors"], result["error_count"] = [str(exc) or "无权导入该单位的决算。"], 1
    except (zipfile.BadZipFile, OSError) as exc:  # a damaged file, or one we could not read
        result["errors"], result["error_count"] = [f"无法读取该文件：{exc}"], 1
    result["ok"] = result["error_count"] == 0
    result["seconds"] = time.perf_counter() - started
    return result


def _target(stream, batch: ImportBatch, kind: str) -> tuple[Agency, FiscalYear]:
    """The agency and year the file names: the first row that names them."""
    with closing(read_records(stream, kind)) as records:
        return _named(records, batch)


def _named(records, batch: ImportBatch) -> tuple[Agency, FiscalYear]:
    any_record = False
    for record in records:
        any_record = True
        name = unstated(str(record.get("agency") or "").strip())
        try:
            year = parse_year(record.get("year"))
        except ValueError as exc:
            raise ImportFileError(f"第 {record.row} 行：{exc}") from None
        if not name or year is None:
            continue
        agency = batch.agency(name)
        if agency is None:
            raise ImportFileError(f"单位“{name}”不存在：请先在管理后台添加该单位。")
        fiscal_year = batch.fiscal_year(year)
        if fiscal_year is None:
            raise ImportFileError(f"{year} 年度不存在：请先在管理后台添加该年度。")
        return agency, fiscal_year
    if not any_record:
        raise ImportFileError("文件中没有数据行。")
    raise ImportFileError(
        "文件中没有写明单位和年度：请在文件中写明（如“部门：… 2024年度”），"
        "或在命令行用 --agency 单位标识 --year 年度 指定。"
    )


class Progress:
    """A one-line progress bar on stderr (only when it is a terminal)."""

    WIDTH = 30

    def __init__(self, total: int, stream):
        self.total, self.stream, self.done_files, self.name, self.count = total, stream, 0, "", 0
        self.live = hasattr(stream, "isatty") and stream.isatty()

    def start(self, name: str) -> None:
        self.name, self.count = name, 0
        self._draw()

    def rows(self, count: int) -> None:
        self.count = count
        self._draw()

    def done(self) -> None:
        self.done_files += 1
        self._draw()

    def _draw(self) -> None:
        if not self.live:
            return
        filled = self.WIDTH * self.done_files // self.total
        bar = "█" * filled + "·" * (self.WIDTH - filled)
        line = (
            f"\r[{bar}] {self.done_files}/{self.total} 个文件  {self.count:,} 行  {self.name[:40]}"
        )
        self.stream.write(line.ljust(110))
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")


def _table(header: list, rows: list[list], total: list) -> str:
    from unicodedata import east_asian_width

    def width(text) -> int:
        return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in str(text))

    all_rows = [header, *rows, total]
    widths = [max(width(r[i]) for r in all_rows) for i in range(len(header))]

    def line(row) -> str:
        cells = []
        for i, value in enumerate(row):
            pad = " " * (widths[i] - width(value))
            cells.append(pad + str(value) if isinstance(value, int) else str(value) + pad)
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *map(line, rows), rule, line(total)])
