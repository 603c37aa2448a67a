"""How a row of a public table is named: one function for the models, the exports, the
correction history, the reconciliation engine and the pages.

A row with a classification code is named by its code; a fixed row by its place (its side of a
two-sided table or its panel, and its "其中" parent) and its name, e.g. 收入/本年收入合计.
"""


def row_place(*, side: str = "", panel: str = "", parent: str = "") -> str:
    """Where a row sits: 收入/年初财政拨款结转和结余, 人员经费, or "" at a table's top level."""
    return "/".join(p for p in (side or panel, parent) if p)


def row_key(*, code: str, name: str, side: str = "", panel: str = "", parent: str = "") -> str:
    """The row's stable name, used by exports, citations ([[c:…]]) and imports."""
    if code:
        return code
    return "/".join(p for p in (row_place(side=side, panel=panel, parent=parent), name) if p)


def row_label(*, code: str, name: str, key: str) -> str:
    """The row as a sentence names it: "2010301 行政运行", else its key."""
    return f"{code} {name}" if code else key
