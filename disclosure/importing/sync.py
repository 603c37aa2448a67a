"""Bring a disclosure's figures in line with the file, table by table, without per-row queries.

Semantics (README, "Import"): every statement or public table the file names is replaced by the
file's rows; figures the file does not name stay as they are. Unchanged rows are not written
(re-importing the same file writes nothing), changed rows are updated in place, new rows are
created, and the statement's lines (or the table's cells) that the file no longer has are
deleted. 2014 statement lines are written in batches as they are read, and what the earlier
batches said is asked of the database, so memory is bounded by the batch (LineSync).
"""

from collections import Counter, namedtuple
from decimal import Decimal

from disclosure.importing import history, written
from disclosure.importing.writing import BATCH, PlainWriter, Writer
from disclosure.models import (
    COUNT_FIELDS,
    Cell,
    ExpenditureLine,
    ReportRow,
    ThreePublicExpense,
)

from .resolve import CellFigure, LineFigure, ThreePublicFigure, row_source_scheme

MAX_ORDER = 32767  # PositiveSmallIntegerField
Old = namedtuple("Old", "id code name parent_id parent_name order amount")
Item = namedtuple("Item", "f order old row sheet display")  # a file row, in a batch


class Outcomes:
    """What an import does, counted per kind and (for the admin preview) listed per row."""

    def __init__(self, collect: bool):
        self.totals: dict = {}
        self.rows: list | None = [] if collect else None

    def add(self, kind: str, row, sheet: str, values: list, note: str = "") -> None:
        self.totals[kind] = self.totals.get(kind, 0) + 1
        if self.rows is not None:
            self.rows.append((kind, row, sheet, values, note))

    def count(self, kinds: Counter) -> None:
        """Add counts without rows (when rows are not collected, the fast path)."""
        for kind, n in kinds.items():
            self.totals[kind] = self.totals.get(kind, 0) + n


class Sync:
    def __init__(self, disclosure, outcomes: Outcomes, error, by=None, empty: bool = False):
        self.disclosure = disclosure
        self.outcomes = outcomes
        self.error = error  # error(row, sheet, column key, message)
        self.by = by  # the importing user, for the audit trail
        # A disclosure the import created has no figures: nothing to load, match or replace
        # (a bulk load of new disclosures saves these questions for every file).
        self.empty = empty
        self._own_ids: set | None = set() if empty else None

    def audit(self, model, ids: list[int], kind: str, writer: Writer | None = None) -> None:
        history.record(model, ids, kind=kind, by=self.by, reason="导入", writer=writer)

    def close(self) -> None:
        """Called once the import is over, whatever its outcome (see LineSync)."""

    @property
    def writing(self) -> bool:
        return not self.error.any()

    def check_id(self, figure, row, sheet) -> None:
        if not figure.id:
            return
        if self._own_ids is None:
            self._own_ids = {str(pk) for pk in self.own_ids()}
        if figure.id not in self._own_ids:
            message = f"编号 {figure.id} 不是本单位本年度决算中的数字：只能导入本单位的数字。"
            self.error(row, sheet, "id", message)


class LineSync(Sync):
    """2014 statement lines (ExpenditureLine), streamed in batches of BATCH rows.

    Memory is bounded by the batch, not by the file. The batch is written by the import's
    writer (writing.py): at once by the plain one, or, in a bulk load from the command line,
    copied by the COPY writer's thread while the next one is read and checked; the next
    batch's questions wait for it. Every batch is written when it is full,
    inside the import's transaction and even after a row error (the transaction is rolled
    back then), so the database remembers the earlier batches: a key repeated from one of
    them, and the "其中" parents written in them, are found by a few queries per batch
    (written.py). Held whole are only the statements' pre-existing lines (`old`, for the
    replace semantics: the database's size, not the file's) and the "其中" rows waiting for a
    parent the file names further down (`waiting`: none when parents come first).
    """

    def __init__(self, *args, writer: Writer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.old: dict[str, dict] = {}  # statement → key → Old, until a file row matches it
        self.unmatched: set[int] = set()  # ids of the pre-existing lines no row has matched
        self.keys: dict[tuple, int] = {}  # (statement, key) → row, of the batch and waiting
        self.position: Counter = Counter()
        self.batch: list[Item] = []
        self.waiting: list[Item] = []
        self.ambiguous: set = set()  # (statement, name): parents a "其中" row found ambiguous
        self.writer = writer or PlainWriter()
        self.flushed = False  # a batch has been written

    def close(self) -> None:
        self.writer.close()

    def own_ids(self):
        lines = ExpenditureLine.objects.filter(disclosure=self.disclosure)
        return lines.values_list("pk", flat=True)

    def _load(self, statement: str) -> None:
        if self.empty:
            self.old[statement] = {}
            return
        lines = ExpenditureLine.objects.filter(disclosure=self.disclosure, statement=statement)
        fields = ("pk", "code", "name", "parent_id", "parent__name", "order", "amount_yuan")
        old = [Old(*v) for v in lines.values_list(*fields)]
        self.old[statement] = {_line_key(o.code, o.name, o.parent_name): o for o in old}
        self.unmatched.update(o.id for o in old)

    def add(self, f: LineFigure, row, sheet, display) -> None:
        # Called for every line of a file (100,000 in the benchmark): kept lean.
        statement = f.statement
        if statement not in self.old:
            self._load(statement)
        if f.id:
            self.check_id(f, row, sheet)
        key = (statement, ("c", f.code) if f.code else ("n", f.parent_name or "", f.name))
        if key in self.keys:
            self._repeated(f, row, sheet, f"第 {self.keys[key]} 行")
            return
        self.keys[key] = row
        order = self.position[statement] = self.position[statement] + 1
        if order > MAX_ORDER:
            self.error(row, sheet, "name", f"一张报表最多 {MAX_ORDER} 行。")
            return
        old = self.old[statement].pop(key[1], None)
        if old is not None:
            self.unmatched.discard(old.id)
        self.batch.append(Item(f, order, old, row, sheet, display))
        if len(self.batch) >= BATCH:
            self.flush()

    def _repeated(self, f: LineFigure, row, sheet, earlier: str) -> None:
        what = f"科目编码 {f.code}" if f.code else f"“{f.name}”"
        column = "code" if f.code else "name"
        self.error(row, sheet, column, f"{what}与{earlier}重复（同一报表中只能出现一次）。")

    def _of_file(self, pk: int, unwritten: set) -> bool:
        """Is this line one the file's earlier batches wrote, not a pre-existing line that
        no row has matched (or one matched by a row of this flush, not yet written)?"""
        return pk not in self.unmatched and pk not in unwritten

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch and not self.waiting:
            return
        self.writer.wait()  # the questions below must see the earlier batches' lines
        unwritten = {i.old.id for i in (*batch, *self.waiting) if i.old is not None}
        batch = self._unrepeated(batch, unwritten)
        tops = [i for i in batch if not i.f.parent_name]
        children = self.waiting + [i for i in batch if i.f.parent_name]
        top_keys = [(i.f.statement, i.f.name) for i in tops]
        wanted = {*top_keys, *((i.f.statement, i.f.parent_name) for i in children)}
        # (statement, name) → the id of the file's top-level line of that name; `several`:
        # the names of more than one (a dict of lists would cost a list per line).
        named, several = {}, set()
        for pk, statement, name in self._asked(written.tops_named, wanted):
            if self._of_file(pk, unwritten):
                _note(named, several, (statement, name), pk)
        self._check_tops(tops, top_keys, named, unwritten)
        fresh = self.writer.new_ids(
            ExpenditureLine, sum(1 for i in (*tops, *children) if i.old is None)
        )
        fresh = None if fresh is None else iter(fresh)
        for key, pk in zip(top_keys, self._write(tops, {}, fresh), strict=True):
            _note(named, several, key, pk)
        parents, ready, self.waiting = {}, [], []
        for item in children:
            key = (item.f.statement, item.f.parent_name)
            pk = named.get(key)
            if pk is None:
                self.waiting.append(item)
            elif key in several:
                self.ambiguous.add(key)
                message = f"上级项目“{item.f.parent_name}”在该报表中有多行，无法确定。"
                self.error(item.row, item.sheet, "context", message)
            else:
                parents[id(item)] = pk
                ready.append(item)
        self._write(ready, parents, fresh)
        self.keys = {_key(i.f): i.row for i in self.waiting}
        self.flushed = True

    def _asked(self, question, about) -> list:
        """written.<question>(disclosure, about), unless the database cannot have an answer:
        a disclosure the import created has no lines before its first batch is written
        (a small file is one batch: its import asks nothing)."""
        if self.empty and not self.flushed:
            return []
        return question(self.disclosure, about)

    def _unrepeated(self, batch: list, unwritten: set) -> list:
        """The batch without the rows that repeat the key of a row of an earlier batch."""
        fresh = [i.f for i in batch if i.old is None]
        found = {
            (statement, _line_key(code, name, parent_name))
            for pk, statement, code, name, parent_name in self._asked(
                written.lines_with_keys, fresh
            )
            if self._of_file(pk, unwritten)
        }
        if not found:
            return batch
        kept = []
        for item in batch:
            if item.old is None and _key(item.f) in found:
                # The earlier row's number is no longer held: only its line was written.
                self._repeated(item.f, item.row, item.sheet, "文件中前面的一行")
            else:
                kept.append(item)
        return kept

    def _check_tops(self, tops: list, top_keys: list, named: dict, unwritten: set) -> None:
        """A second top-level line with a name that a "其中" row of an earlier batch took as
        its parent makes that parent ambiguous: an error on the second line."""
        first: dict[tuple, int] = {}
        repeats = []
        for item, top in zip(tops, top_keys, strict=True):
            if top in named:
                repeats.append((item, "文件中前面的一行"))
            elif top in first:
                repeats.append((item, f"第 {first[top]} 行"))
            else:
                first[top] = item.row
        if not repeats:
            return
        referenced = self.ambiguous | {(i.f.statement, i.f.parent_name) for i in self.waiting}
        names = {(i.f.statement, i.f.name) for i, _earlier in repeats}
        for pk, statement, name in self._asked(written.children_of_tops_named, names):
            if self._of_file(pk, unwritten):
                referenced.add((statement, name))
        for item, earlier in repeats:
            if (item.f.statement, item.f.name) in referenced:
                message = f"“{item.f.name}”与{earlier}同名，“其中”项无法确定上级。"
                self.error(item.row, item.sheet, "name", message)

    def _write(self, items: list, parents: dict, fresh) -> list[int]:
        """Write the items (after a row error too: the database is the import's memory) and
        return their lines' ids, in order. `fresh`: the new lines' ids (writer.new_ids)."""
        new, changed, ids, kinds = [], [], [], Counter()
        disclosure_id, collect = self.disclosure.pk, self.outcomes.rows is not None
        for item in items:
            f, old = item.f, item.old
            values = (f.code, f.name, parents.get(id(item)), item.order, f.amount_yuan)
            if old is None:
                new.append((disclosure_id, f.statement, *values))
                kind = "new"
                ids.append(None)
            else:
                if (old.code, old.name, old.parent_id, old.order, old.amount) == values:
                    kind = "skip"
                else:
                    changed.append(ExpenditureLine(pk=old.id, **_line_fields(values)))
                    kind = "update"
                ids.append(old.id)
            if collect:
                note = _change(old and old.amount, f.amount_yuan)
                self.outcomes.add(kind, item.row, item.sheet, item.display, note)
            else:
                kinds[kind] += 1
        self.outcomes.count(kinds)
        fields = ["disclosure_id", "statement", "code", "name", "parent_id", "order", "amount_yuan"]
        ids_of_new = None if fresh is None else [next(fresh) for _row in new]
        created = self.writer.insert(ExpenditureLine, fields, new, ids=ids_of_new)
        if changed:
            # A changed line may move under a line that the writer has yet to copy: the
            # foreign keys are checked at once during an import (writing.immediate_checks).
            self.writer.wait()
            ExpenditureLine.objects.bulk_update(
                changed, ["code", "name", "parent", "order", "amount_yuan"], batch_size=BATCH
            )
        if self.writing:  # else the import is rolled back, and its audit rows with it
            # After the writer's copy of the created lines, in its thread; the changed ones
            # were updated above, before.
            self.audit(ExpenditureLine, created, history.CREATED, self.writer)
            self.audit(ExpenditureLine, [c.pk for c in changed], history.CHANGED, self.writer)
        fresh = iter(created)
        return [next(fresh) if pk is None else pk for pk in ids]

    def finish(self) -> None:
        self.flush()
        self.writer.wait()
        for item in self.waiting:
            message = (
                f"上级项目“{item.f.parent_name}”不存在：应为同一报表中一行没有上级项目的项目。"
            )
            self.error(item.row, item.sheet, "context", message)
        leftovers = [o for lines in self.old.values() for o in lines.values()]
        for o in leftovers:
            self.outcomes.add("delete", None, "", [o.code, o.name, o.parent_name or ""], "")
        if leftovers and self.writing:
            ExpenditureLine.objects.filter(pk__in=[o.id for o in leftovers]).delete()


def _note(named: dict, several: set, key: tuple, pk: int) -> None:
    if key in named:
        several.add(key)
    else:
        named[key] = pk


def _key(f: LineFigure) -> tuple:
    return (f.statement, _line_key(f.code, f.name, f.parent_name))


def _line_key(code: str, name: str, parent_name) -> tuple:
    return ("c", code) if code else ("n", parent_name or "", name)


def _line_fields(values: tuple) -> dict:
    code, name, parent_id, order, amount = values
    return dict(code=code, name=name, parent_id=parent_id, order=order, amount_yuan=amount)


def _change(old: Decimal | None, new: Decimal | None) -> str:
    if old is None or old == new:
        return ""
    return f"原金额 {old} 元"


class ThreePublicSync(Sync):
    """The three public expenses: amounts and counts of the items the file names."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.old = None
        self.seen: dict[str, int] = {}
        self.pending: list = []

    def own_ids(self):
        return ThreePublicExpense.objects.filter(disclosure=self.disclosure).values_list(
            "pk", flat=True
        )

    def add(self, f: ThreePublicFigure, row, sheet, display) -> None:
        if self.old is None:
            records = ThreePublicExpense.objects.filter(disclosure=self.disclosure)
            self.old = {} if self.empty else {r.item: r for r in records}
        self.check_id(f, row, sheet)
        if f.item in self.seen:
            self.error(row, sheet, "name", f"该项目与第 {self.seen[f.item]} 行重复。")
            return
        self.seen[f.item] = row
        record = self.old.get(f.item) or ThreePublicExpense(item=f.item)
        record.disclosure = self.disclosure
        before = (record.amount_yuan, *(getattr(record, n) for n in f.counts))
        record.amount_yuan = f.amount_yuan
        for name, value in f.counts.items():
            setattr(record, name, value)
        after = (record.amount_yuan, *f.counts.values())
        kind = "new" if record.pk is None else ("skip" if before == after else "update")
        try:
            # The disclosure is the import's own, locked: its foreign key needs no query.
            record.full_clean(
                exclude=["disclosure"], validate_unique=False, validate_constraints=False
            )
        except Exception as exc:  # ValidationError: the model's own rules, e.g. counts by item
            for field_name, messages in getattr(exc, "message_dict", {"name": [str(exc)]}).items():
                column = "amount_wan" if field_name == "amount_yuan" else field_name
                self.error(row, sheet, column, "".join(messages))
            return
        self.outcomes.add(kind, row, sheet, display)
        if kind != "skip":
            self.pending.append(record)

    def finish(self) -> None:
        """Written in bulk with their audit rows, as the lines and cells are: saved one by
        one, the four records cost a fifth of a small file's import."""
        if not self.writing:
            return
        new = [r for r in self.pending if r.pk is None]
        changed = [r for r in self.pending if r.pk is not None]
        ThreePublicExpense.objects.bulk_create(new)
        if changed:
            ThreePublicExpense.objects.bulk_update(changed, ["amount_yuan", *COUNT_FIELDS])
        self.audit(ThreePublicExpense, [r.pk for r in new], history.CREATED)
        self.audit(ThreePublicExpense, [r.pk for r in changed], history.CHANGED)


class CellSync(Sync):
    """Standard-format tables: rows matched by their key, the named tables' cells replaced.

    Public tables are small (a few hundred cells), so they are written when the file ends.
    """

    def __init__(self, *args, classifications: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.classifications = classifications
        self.tables: dict = {}  # number → state
        self.rows: dict = {}  # (number, key) → row state
        self.cells: dict = {}  # (number, key, column_id) → source row
        self.scope: set = set()  # (number, column_id): the columns the file names
        self.blanked: list = []  # cells the file names with no figure

    def own_ids(self):
        return Cell.objects.filter(row__disclosure=self.disclosure).values_list("pk", flat=True)

    def _table(self, info):
        number = info.spec.number
        if number not in self.tables:
            rows, cells = {}, {}
            if not self.empty:
                rows = {
                    r.key: r
                    for r in ReportRow.objects.filter(
                        disclosure=self.disclosure, table=info.spec
                    ).select_related("parent")
                }
                cells = {
                    (c.row_id, c.column_id): c
                    for c in Cell.objects.filter(
                        row__disclosure=self.disclosure, row__table=info.spec
                    )
                }
            last = max((r.order for r in rows.values()), default=0)
            self.tables[number] = {"info": info, "rows": rows, "cells": cells, "order": last}
        return self.tables[number]

    def add(self, f: CellFigure, row, sheet, display) -> None:
        state = self._table(f.table)
        self.check_id(f, row, sheet)
        number = f.table.spec.number
        entry = self.rows.get((number, f.key))
        if entry is None:
            entry = self._row(state, f, row, sheet)
            if entry is None:
                return
            self.rows[(number, f.key)] = entry
        elif f.ordinal and not entry["row"].ordinal:
            entry["row"].ordinal = f.ordinal
            entry["dirty"] = True
        if f.column_id is None:
            self.outcomes.add("new" if entry["row"].pk is None else "skip", row, sheet, display)
            return
        cell_key = (number, f.key, f.column_id)
        if cell_key in self.cells:
            self.error(row, sheet, "column", f"该行该栏目与第 {self.cells[cell_key]} 行重复。")
            return
        self.cells[cell_key] = row
        self.scope.add((number, f.column_id))
        old = state["cells"].pop((entry["row"].pk, f.column_id), None) if entry["row"].pk else None
        if f.amount_yuan is None:
            # A cell the file has but leaves blank: the table prints no figure there.
            if old is not None:
                self.blanked.append(old)
            self.outcomes.add("skip" if old is None else "delete", row, sheet, display)
            return
        if old is None:
            entry["new_cells"].append((f.column_id, f.amount_yuan))
            kind = "new"
        elif old.amount_yuan == f.amount_yuan:
            kind = "skip"
        else:
            old.amount_yuan = f.amount_yuan
            entry["changed_cells"].append(old)
            kind = "update"
        note = _change(old and old.amount_yuan, f.amount_yuan)
        self.outcomes.add(kind, row, sheet, display, note)

    def _row(self, state, f: CellFigure, row, sheet):
        info = f.table
        existing = state["rows"].get(f.key)
        parent = None
        if f.parent_name:
            parent_key = "/".join(p for p in (f.side or f.panel, f.parent_name) if p)
            parent = self.rows.get((info.spec.number, parent_key), {}).get("row") or state[
                "rows"
            ].get(parent_key)
            if parent is None:
                self.error(row, sheet, "context", f"上级项目“{f.parent_name}”不存在。")
                return None
        if existing is not None:
            before = (existing.name, existing.ordinal, existing.parent_id)
            existing.name = f.name
            existing.ordinal = f.ordinal or existing.ordinal
            if parent is not None:
                existing.parent = parent
            dirty = before != (existing.name, existing.ordinal, existing.parent_id)
            return {"row": existing, "new_cells": [], "changed_cells": [], "dirty": dirty}
        spec = info.row_specs.get((f.side, f.panel, f.parent_name, f.name))
        state["order"] += 1
        scheme = row_source_scheme(info)
        new = ReportRow(
            disclosure=self.disclosure,
            table=info.spec,
            order=state["order"],
            side=f.side,
            panel=f.panel,
            ordinal=f.ordinal or (spec.ordinal if spec else ""),
            code=f.code,
            classification_id=self.classifications.get((scheme, f.code)) if f.code else None,
            name=f.name,
            role=spec.role if spec else "",
            parent=parent,
        )
        if new.order > MAX_ORDER:
            self.error(row, sheet, "name", f"一张表最多 {MAX_ORDER} 行。")
            return None
        return {"row": new, "new_cells": [], "changed_cells": [], "dirty": True}

    def finish(self) -> None:
        leftovers = list(self.blanked)
        for number, state in self.tables.items():
            rows = {r.pk: r for r in state["rows"].values()}
            labels = {c.pk: c.label for c in state["info"].columns}
            for cell in state["cells"].values():
                if (number, cell.column_id) not in self.scope:
                    continue  # a column the file does not have keeps its figures
                leftovers.append(cell)
                row = rows.get(cell.row_id)
                display = [row.code, row.name, labels.get(cell.column_id, "")] if row else []
                self.outcomes.add("delete", None, "", display, "")
        if not self.writing:
            return
        entries = list(self.rows.values())
        self._write_rows([e["row"] for e in entries if e["dirty"]])
        Cell.objects.filter(pk__in=[c.pk for c in leftovers]).delete()
        created = Cell.objects.bulk_create(
            [
                Cell(row=e["row"], column_id=column_id, amount_yuan=amount)
                for e in entries
                for column_id, amount in e["new_cells"]
            ],
            batch_size=BATCH,
        )
        self.audit(Cell, [c.pk for c in created], history.CREATED)
        changed = [c for e in entries for c in e["changed_cells"]]
        Cell.objects.bulk_update(changed, ["amount_yuan"], batch_size=BATCH)
        self.audit(Cell, [c.pk for c in changed], history.CHANGED)

    def _write_rows(self, rows: list[ReportRow]) -> None:
        """New and changed rows in bulk with their audit rows (a table's few hundred rows
        saved one by one were most of a standard-format file's import). New rows go in by
        generations: a new row may be the "其中" parent of another, whose parent_id is known
        once its parent is in (bulk_create and bulk_update take it from the parent object)."""
        new = [r for r in rows if r.pk is None]
        changed = [r for r in rows if r.pk is not None]
        created = []
        while new:
            ready = [r for r in new if r.parent is None or r.parent.pk is not None]
            if not ready:  # a parent that is neither stored nor among the new rows
                raise ValueError("上级项目未能写入。")
            ReportRow.objects.bulk_create(ready, batch_size=BATCH)
            created += ready
            new = [r for r in new if r.pk is None]
        if changed:
            ReportRow.objects.bulk_update(changed, ["name", "ordinal", "parent"], batch_size=BATCH)
        self.audit(ReportRow, [r.pk for r in created], history.CREATED)
        self.audit(ReportRow, [r.pk for r in changed], history.CHANGED)
