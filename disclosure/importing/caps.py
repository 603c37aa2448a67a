"""The most one file may ask of an import: rows, and seconds (settings IMPORT_MAX_FILE_ROWS,
IMPORT_MAX_FILE_SECONDS; README, "Settings").

Both paths count: the admin's (a web worker, which must answer before its timeout, and holds
the preview's rows in memory) and the command line's (a bulk load, where one runaway file must
not hold up the rest). A file over a cap is refused whole with a Chinese message naming the
file and the cap: it is counted and timed while it is read and imported, and the refusal rolls
its transaction back, so nothing of it is written.
"""

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings

from .records import ImportFileError, Record

# Read through the module, so that a test can move the clock.
monotonic = time.monotonic


@dataclass(frozen=True)
class FileCaps:
    rows: int
    seconds: float

    @classmethod
    def from_settings(cls) -> "FileCaps":
        return cls(rows=settings.IMPORT_MAX_FILE_ROWS, seconds=settings.IMPORT_MAX_FILE_SECONDS)


class FileBudget:
    """One file's allowance, from the moment its reading starts."""

    def __init__(self, name: str = "", caps: FileCaps | None = None):
        self.name = name
        self.caps = caps or FileCaps.from_settings()
        self.started = monotonic()

    def capped(self, records: Iterable[Record]) -> Iterator[Record]:
        """The records, refused at the first one past a cap."""
        rows, seconds = self.caps.rows, self.caps.seconds
        deadline = self.started + seconds
        for count, record in enumerate(records, 1):
            if count > rows:
                raise ImportFileError(self.too_many_rows())
            if monotonic() > deadline:
                raise ImportFileError(self.too_long())
            yield record

    def check_time(self) -> None:
        """After the last row: the writes and checks that follow count too."""
        if monotonic() > self.started + self.caps.seconds:
            raise ImportFileError(self.too_long())

    def _file(self) -> str:
        return f"文件“{self.name}”" if self.name else "该文件"

    def too_many_rows(self) -> str:
        return (
            f"{self._file()}超过每个文件 {self.caps.rows:,} 行的上限，未导入任何数据："
            "请按单位、年度或报表拆分后再导入。"
        )

    def too_long(self) -> str:
        return (
            f"{self._file()}的导入超过每个文件 {self.caps.seconds:g} 秒的时限，已停止，"
            "未导入任何数据：请拆分后再导入。"
        )
