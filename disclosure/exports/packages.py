"""Data packages: the published figures of one fiscal year, or of every year, as a Frictionless
data package (a zip of three CSVs and `datapackage.json`), built in bulk and stored as files
under settings.PACKAGES_ROOT for /downloads/ (README, "Data packages").

Stored per package: `<name>.zip` and its manifest `<name>.json` (size, SHA-256, build time,
counts). Each is written under a temporary name and renamed, the zip first, so a reader never
sees half a file and a manifest never lists a zip that is not there yet. Builders of one package
take turns (a lock file): two publications of the same year cannot interleave their files.
"""

import fcntl
import hashlib
import json
import logging
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from bureaus.models import Agency
from disclosure.core import csv as core_csv
from disclosure.core.csv import neutralise
from disclosure.core.snapshot import read_snapshot
from disclosure.formats.base import DISCLOSURE_EXPORT_ORDER
from disclosure.models import Disclosure

from . import datapackage
from .rows import HEADER, figure_rows

# 文件类型 in the figures' rows: with 单位 and 年度 it names the disclosure a row belongs to.
KIND_COLUMN = HEADER.index("文件类型")

ALL = "all"
NAME = re.compile(r"juesuan-(?:[0-9]{4}|all)")
SHANGHAI = ZoneInfo("Asia/Shanghai")
CHUNK = 2000
logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # (disclosures written, disclosures in the package)


@dataclass(frozen=True)
class Manifest:
    name: str
    title: str
    year: int | None
    size: int  # bytes of the zip
    sha256: str
    built_at: str  # ISO 8601, Asia/Shanghai
    disclosures: int
    figures: int
    agencies: int
    seconds: float  # how long the build took

    @property
    def filename(self) -> str:
        return f"{self.name}.zip"

    @property
    def built_at_text(self) -> str:
        """As the page prints it, Beijing time: "2024-09-30 10:00:00"."""
        return self.built_at[:19].replace("T", " ")


def packages_root() -> Path:
    return Path(settings.PACKAGES_ROOT)


def package_name(year: int | None) -> str:
    return f"juesuan-{ALL if year is None else year}"


def package_title(year: int | None) -> str:
    return "历年部门决算公开数据（全部年度）" if year is None else f"{year}年度部门决算公开数据"


def iso_time(moment: datetime | None) -> str:
    """ISO 8601 in Beijing time, whole seconds ("2024-09-30T10:00:00+08:00"); "" if unknown."""
    if moment is None:
        return ""
    return timezone.localtime(moment, SHANGHAI).replace(microsecond=0).isoformat()


def published(year: int | None) -> QuerySet[Disclosure]:
    """What a package holds: the current published revisions of both kinds (预算 and 决算),
    as the public CSV does."""
    disclosures = Disclosure.objects.current()
    return disclosures if year is None else disclosures.for_year(year)


def years_published() -> list[int]:
    years = published(None).values_list("fiscal_year__year", flat=True)
    return sorted(set(years))


# --- the rows of the three CSVs (pure generators over querysets) ---------------------------------


def numbered(rows: Iterable[list[str]], on_disclosure: Callable[[], None]) -> Iterator[list[str]]:
    """The public CSV's rows with 行号 appended: the row's place in its disclosure.

    figure_rows yields the rows grouped by disclosure, and a package holds one revision per
    agency, year and kind, so (单位, 年度, 文件类型) starts a new disclosure exactly when it
    changes.
    """
    current, number = None, 0
    for row in rows:
        key = (row[0], row[1], row[KIND_COLUMN])
        if key != current:
            current, number = key, 0
            on_disclosure()
        number += 1
        yield [*row, str(number)]


def disclosure_rows(disclosures: QuerySet[Disclosure]) -> Iterator[list[str]]:
    # In the figures' order (formats.base): a 预算 before the 决算 of its agency and year.
    ordered = disclosures.select_related("agency", "fiscal_year").order_by(*DISCLOSURE_EXPORT_ORDER)
    for d in ordered.iterator(chunk_size=CHUNK):
        yield [
            neutralise(d.agency.slug),
            neutralise(d.agency.name),
            str(d.fiscal_year.year),
            d.get_kind_display(),
            d.get_status_display(),
            str(d.revision),
            iso_time(d.published_at),
            d.get_absolute_url(),
        ]


def package_agencies(disclosures: QuerySet[Disclosure]) -> list[Agency]:
    """The agencies of the disclosures and all their ancestors (上级单位 must resolve)."""
    found = {
        a.pk: a
        for a in Agency.objects.filter(pk__in=disclosures.values("agency_id")).select_related(
            "parent"
        )
    }
    missing = {a.parent_id for a in found.values()} - set(found) - {None}
    while missing:  # one query per level of the hierarchy, usually none or one
        level = Agency.objects.filter(pk__in=missing).select_related("parent")
        found.update((a.pk, a) for a in level)
        missing = {a.parent_id for a in found.values()} - set(found) - {None}
    return sorted(found.values(), key=lambda a: a.slug)


def agency_rows(agencies: list[Agency]) -> Iterator[list[str]]:
    for a in agencies:
        yield [
            neutralise(a.slug),
            neutralise(a.name),
            neutralise(a.region),
            neutralise(a.level),
            a.get_unit_kind_display(),
            neutralise(a.parent.slug) if a.parent_id else "",
        ]


# --- building ------------------------------------------------------------------------------------


def build_package(
    year: int | None, *, root: Path | None = None, progress: Progress | None = None
) -> Manifest:
    """Build the package of `year` (None: every year) and store it; returns its manifest."""
    root = packages_root() if root is None else root
    root.mkdir(parents=True, exist_ok=True)
    name = package_name(year)
    started = time.monotonic()
    with _lock(root, name), read_snapshot():
        built_at = iso_time(timezone.now())
        zip_path = _temporary(root, name, ".zip")
        try:
            counts = _write_zip(
                zip_path, year=year, name=name, built_at=built_at, progress=progress
            )
            manifest = Manifest(
                name=name,
                title=package_title(year),
                year=year,
                size=zip_path.stat().st_size,
                sha256=_sha256(zip_path),
                built_at=built_at,
                seconds=round(time.monotonic() - started, 3),
                **counts,
            )
            os.replace(zip_path, root / manifest.filename)
        finally:
            zip_path.unlink(missing_ok=True)
        _write_atomically(root, f"{name}.json", json.dumps(asdict(manifest), ensure_ascii=False))
    return manifest


def _write_zip(path: Path, *, year, name: str, built_at: str, progress) -> dict[str, int]:
    disclosures = published(year)
    total = disclosures.count()
    done = 0

    def on_disclosure() -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % 100 == 0 or done == total):
            progress(done, total)

    stamp = timezone.localtime(timezone.now(), SHANGHAI).timetuple()[:6]
    agencies = package_agencies(disclosures)
    header = [*HEADER, datapackage.ROW_NUMBER]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        rows = numbered(figure_rows(disclosures), on_disclosure)
        figures = _write_csv(zf, "figures.csv", header, rows, stamp)
        disclosure_header = [f[0] for f in datapackage.DISCLOSURE_FIELDS]
        _write_csv(zf, "disclosures.csv", disclosure_header, disclosure_rows(disclosures), stamp)
        agency_header = [f[0] for f in datapackage.AGENCY_FIELDS]
        _write_csv(zf, "agencies.csv", agency_header, agency_rows(agencies), stamp)
        described = datapackage.descriptor(
            name=name, title=package_title(year), created=built_at, year=year, header=HEADER
        )
        text = json.dumps(described, ensure_ascii=False, indent=2) + "\n"
        zf.writestr(_entry("datapackage.json", stamp), text.encode())
    if progress is not None and total == 0:
        progress(0, 0)
    return {"disclosures": total, "figures": figures, "agencies": len(agencies)}


def _entry(name: str, stamp: tuple) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_csv(zf: zipfile.ZipFile, name: str, header, rows, stamp) -> int:
    """The rows through the public CSV's writer (BOM, CRLF, neutralised), streamed; the count."""
    count = -1  # the header is not a row
    buffer: list[str] = []
    with zf.open(_entry(name, stamp), "w") as out:
        for line in core_csv.csv_lines(header, rows):
            count += 1
            buffer.append(line)
            if len(buffer) >= CHUNK:
                out.write("".join(buffer).encode())
                buffer.clear()
        out.write("".join(buffer).encode())
    return count


@contextmanager
def _lock(root: Path, name: str):
    with open(root / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _temporary(root: Path, name: str, suffix: str) -> Path:
    handle, path = tempfile.mkstemp(dir=root, prefix=f".{name}.", suffix=suffix)
    os.close(handle)
    # mkstemp makes it private; the stored files are public, read by the web server too.
    os.chmod(path, 0o644)
    return Path(path)


def _write_atomically(root: Path, filename: str, text: str) -> None:
    path = _temporary(root, filename, ".tmp")
    try:
        path.write_text(text, encoding="utf-8")
        os.replace(path, root / filename)
    finally:
        path.unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- what is stored ------------------------------------------------------------------------------


def built_packages(root: Path | None = None) -> list[Manifest]:
    """Every stored package, from its manifest: everything first, then the newest year."""
    root = packages_root() if root is None else root
    found = []
    for path in root.glob("juesuan-*.json"):
        if not NAME.fullmatch(path.stem):
            continue
        try:
            manifest = Manifest(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            logger.warning("数据包清单无法读取：%s", path)
            continue
        if manifest.name == path.stem and (root / manifest.filename).is_file():
            found.append(manifest)
    return sorted(found, key=lambda m: (m.year is not None, -(m.year or 0)))


def stored_package(name: str, root: Path | None = None) -> tuple[Path, Manifest] | None:
    """The zip of the package named `name` and its manifest, or None. The path is built from
    the manifest's own name, never from the caller's text."""
    root = packages_root() if root is None else root
    for manifest in built_packages(root):
        if manifest.name == name:
            return root / manifest.filename, manifest
    return None


# --- rebuilt on publication ----------------------------------------------------------------------


# Publications in one batch (the admin's "publish selected", a bulk publication) rebuild each
# year's package once, when the batch ends: rebuilt after each of 2,000 publications, a year's
# package cost 2,000 builds of a growing year (4.7 s each at national scale, see bench-scale).
_batch: ContextVar[set[int] | None] = ContextVar("packages_batch", default=None)


@contextmanager
def rebuilt_once() -> Iterator[None]:
    """Within the block, publications only note their year; the packages of the years noted
    (and of every year, if built) are built once when it ends, even if the block failed half way:
    what was published by then must reach the downloads. Nested blocks join the outer one. A
    publication committed after the block (an outer transaction) rebuilds on its own."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set(set())
    try:
        yield
    finally:
        years = _batch.get()
        _batch.reset(token)
        if years:
            _rebuild(sorted(years))


def rebuild_after_publish(disclosure: Disclosure) -> None:
    """The workflow's on_published hook: the year's package is built again, and the package of
    every year if one has been built. Runs in the publishing process after the commit (a few
    seconds at most for a year of 2,000 agencies; a job queue would take it over if it grew);
    inside `rebuilt_once()` it waits for the batch's end."""
    pending = _batch.get()
    if pending is not None:
        pending.add(disclosure.fiscal_year.year)
        return
    _rebuild([disclosure.fiscal_year.year])


def _rebuild(years: list[int]) -> None:
    for year in years:
        _logged(build_package, year)
    if (packages_root() / f"{package_name(None)}.json").exists():
        _logged(build_package, None)


def _logged(build: Callable[..., Manifest], year: int | None) -> None:
    """One year's failure (a full disk) is logged; the other years are still built."""
    try:
        build(year)
    except Exception:
        logger.exception("数据包重建失败（rebuild_after_publish）：%s", package_name(year))
