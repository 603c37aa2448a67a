"""What an import has already written of a disclosure's statement lines, asked per batch.

LineSync writes every batch inside the import's transaction, so the database, not a dict the
size of the file, remembers the earlier batches: these are its questions, one query each for
a whole batch. They return pre-existing lines too; the caller tells them apart by id.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Q

from disclosure.importing.writing import AnyOf
from disclosure.models import ExpenditureLine


def lines_with_keys(disclosure, figures: Iterable) -> list[tuple]:
    """(id, statement, code, name, parent's name) of the lines that have the key of one of
    the figures: the same code in the same statement or, without a code, the same name."""
    codes, names = defaultdict(set), defaultdict(set)
    for f in figures:
        if f.code:
            codes[f.statement].add(f.code)
        else:
            names[f.statement].add(f.name)
    # ~Q(code="") lets PostgreSQL use the unique index on codes, which is partial.
    wanted = [Q(AnyOf(F("code"), c), statement=s) & ~Q(code="") for s, c in codes.items()]
    wanted += [Q(AnyOf(F("name"), n), statement=s, code="") for s, n in names.items()]
    fields = ("pk", "statement", "code", "name", "parent__name")
    return _lines(disclosure, wanted, fields)


def tops_named(disclosure, names: Iterable[tuple[str, str]]) -> list[tuple]:
    """(id, statement, name) of the top-level lines with one of the (statement, name)s."""
    by_statement = _by_statement(names).items()
    wanted = [Q(AnyOf(F("name"), n), statement=s, parent=None) for s, n in by_statement]
    return _lines(disclosure, wanted, ("pk", "statement", "name"))


def children_of_tops_named(disclosure, names: Iterable[tuple[str, str]]) -> list[tuple]:
    """(id, statement, parent's name) of the "其中" lines of tops with one of the names."""
    by_statement = _by_statement(names)
    wanted = [Q(AnyOf(F("parent__name"), n), statement=s) for s, n in by_statement.items()]
    return _lines(disclosure, wanted, ("pk", "statement", "parent__name"))


def _by_statement(names: Iterable[tuple[str, str]]) -> dict[str, set]:
    grouped = defaultdict(set)
    for statement, name in names:
        grouped[statement].add(name)
    return grouped


def _lines(disclosure, wanted: list[Q], fields: tuple) -> list[tuple]:
    if not wanted:
        return []
    condition = Q()
    for q in wanted:
        condition |= q
    lines = ExpenditureLine.objects.filter(condition, disclosure=disclosure).order_by()
    return list(lines.values_list(*fields))
