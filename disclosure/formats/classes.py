"""The functional 类 a summary table's row stands for: 01 and 04 print 一般公共服务支出 with no
code, and the rules that compare them with 03 and 05 match classes by code (a misread name must
not switch a check off)."""

from collections import defaultdict

from django.db.models import OuterRef, Subquery

from disclosure.models import ClassificationCode, RowSpec


def _class_codes(table_ids: set[int]) -> dict[int, tuple[dict, dict]]:
    """Per fixed table, the functional 类 its fixed rows stand for (01/04 print 一般公共服务支出
    with no code): by (side, parent, name) and by (side, parent, ordinal). One query."""
    klass = ClassificationCode.objects.filter(
        scheme="functional", name=OuterRef("name"), code__regex=r"^[0-9]{3}$"
    ).order_by("-version_id")
    specs = (
        RowSpec.objects.filter(table_id__in=table_ids, role="")
        .annotate(class_code=Subquery(klass.values("code")[:1]))
        .exclude(class_code=None)
        .values_list("table_id", "side", "parent_name", "ordinal", "name", "class_code")
    )
    found: dict[int, tuple[dict, dict]] = defaultdict(lambda: ({}, {}))
    for table_id, side, parent, ordinal, name, code in specs:
        by_name, by_ordinal = found[table_id]
        by_name[(side, parent, name)] = code
        if ordinal:
            by_ordinal[(side, parent, ordinal)] = code
    return found


def add_class_codes(made: list) -> None:
    """Give each class row of a fixed table its code, so that rules match classes by code and a
    misread name cannot switch a check off. By name; else by its printed ordinal, when the
    table numbers its classes as the format does (every row whose name is known carries the
    format's ordinal): an agency that prints only its own classes renumbers them."""
    fixed = {r.table_id for r, _row in made if r.table.row_source == "fixed"}
    if not fixed:
        return
    codes = _class_codes(fixed)
    places = defaultdict(list)
    for r, row in made:
        if r.table_id in codes and not r.code and not r.role:
            place = (r.side, r.parent.name if r.parent_id else "")
            places[(r.disclosure_id, r.table_id)].append((place, r, row))
    for (_disclosure, table_id), found in places.items():
        by_name, by_ordinal = codes[table_id]
        numbered = all(
            by_ordinal.get((*place, r.ordinal)) == by_name[(*place, r.name)]
            for place, r, _row in found
            if r.ordinal and (*place, r.name) in by_name
        )
        for place, r, row in found:
            code = by_name.get((*place, r.name))
            if code is None and numbered and r.ordinal:
                code = by_ordinal.get((*place, r.ordinal))
            row.class_code = code or ""
