"""The tables of a disclosure page as plain data, for downloads (one spreadsheet sheet each).

The page's part of each format (statements, or public tables with sides and panels) becomes
`PrintedTable`s with the same rows, columns and totals the page prints, so a download shows
what the citizen sees. Values keep their type: text, Decimal 元 for amounts (the writer shows
them in 万元), Decimal percentages, integer counts; None where the page prints nothing.
"""

from dataclasses import dataclass, field

# Column kinds: how a writer types and formats a value.
TEXT, AMOUNT, PERCENT, NUMBER = "text", "amount", "percent", "number"


@dataclass
class PrintedBlock:
    """One captioned grid: a table, or one side (收入/支出) or panel (人员经费) of it."""

    title: str
    header: list[str]
    kinds: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class PrintedTable:
    name: str  # short, unique within the disclosure: a sheet's name
    title: str
    blocks: list[PrintedBlock] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why it is empty, the table's footnote


CHANGE_HEADER = ["上年数（万元）", "增减（万元）", "增减率"]
CHANGE_KINDS = [AMOUNT, AMOUNT, PERCENT]


def _change(c) -> list:
    return [c.prior, c.change, c.change_pct]


def three_public_counts(records) -> PrintedBlock:
    """The 三公 records' counts and explanations (both formats print them)."""
    block = PrintedBlock("", ["项目", "数量", "说明"], [TEXT, TEXT, TEXT])
    for r in records:
        remark = "；".join(x for x in (r.yoy_remark, r.explanation) if x)
        block.rows.append([r.get_item_display(), r.counts_text, remark])
    return block


def simple_tables(page) -> list[PrintedTable]:
    """The 2014 format: each statement with its "其中" lines and 合计, then 三公经费."""
    part = page.part
    prior = part.previous_year is not None
    tables = []
    for statement in part.statements:
        header = ["科目编码", "项目", "决算数（万元）"] + (CHANGE_HEADER if prior else [])
        kinds = [TEXT, TEXT, AMOUNT] + (CHANGE_KINDS if prior else [])
        block = PrintedBlock("", header, kinds)
        for line in statement.lines:
            for x, name in [(line, line.name)] + [(c, f"其中：{c.name}") for c in line.child_lines]:
                change = _change(x.change) if prior else []
                block.rows.append([x.code, name, x.amount_yuan, *change])
        if len(statement.lines) > 1:
            block.rows.append(["", "合计", statement.total_yuan] + [None] * (3 if prior else 0))
        tables.append(PrintedTable(statement.label, f"{statement.label}（万元）", [block]))
    if page.three_public:
        header = ["项目", "决算数（万元）"] + (CHANGE_HEADER if prior else []) + ["数量", "说明"]
        kinds = [TEXT, AMOUNT] + (CHANGE_KINDS if prior else []) + [TEXT, TEXT]
        block = PrintedBlock("", header, kinds)
        counts = three_public_counts(page.three_public)
        for r, (_item, count, remark) in zip(page.three_public, counts.rows, strict=True):
            change = _change(r.change) if prior else []
            block.rows.append([r.get_item_display(), r.amount_yuan, *change, count, remark])
        total_change = _change(part.three_public_total_change) if prior else []
        block.rows.append(["合计", part.three_public_total_yuan, *total_change, "", ""])
        tables.append(PrintedTable("“三公”经费", "“三公”经费（万元）", [block]))
    return tables


def standard_tables(page) -> list[PrintedTable]:
    """The public tables, each block as the page prints it, then 三公 counts, the budget
    comparison and the figures 情况说明 states."""
    part = page.part
    tables = [_public_table(t) for t in part.tables]
    if page.three_public:
        table = PrintedTable("“三公”经费数量与说明", "“三公”经费相关数量与说明")
        table.blocks.append(three_public_counts(page.three_public))
        tables.append(table)
    if part.budget_lines:
        header = ["科目编码", "项目", "年初预算数（万元）", "决算数（万元）", "完成预算", "说明"]
        block = PrintedBlock("", header, [TEXT, TEXT, AMOUNT, AMOUNT, PERCENT, TEXT])
        for b in part.budget_lines:
            block.rows.append(
                [b.row.code, b.row.name, b.budget, b.final, b.completion_pct, b.row.explanation]
            )
        tables.append(
            PrintedTable("预算与决算对比", "预算与决算对比（一般公共预算财政拨款）", [block])
        )
    if part.figures:
        block = PrintedBlock("", ["部分", "项目", "数值", "单位"], [TEXT, TEXT, NUMBER, TEXT])
        for f in part.figures:
            block.rows.append([f.get_section_display(), f.label, f.value, f.unit])
        tables.append(PrintedTable("情况说明中的数字", "情况说明中的数字", [block]))
    return tables


def _public_table(view) -> PrintedTable:
    spec = view.spec
    table = PrintedTable(f"公开{spec.number}表", f"公开{spec.number}表 {spec.title}")
    if view.empty and view.note:
        table.notes.append(view.note)
    else:
        coded = spec.row_source != "fixed"
        explained = any(rv.row.explanation for b in view.blocks for rv in b.rows)
        for b in view.blocks:
            header = (["科目编码"] if coded else []) + ["项目"]
            header += ["/".join(p for p in (c.group, c.label) if p) for c in b.columns]
            kinds = [TEXT] * (2 if coded else 1) + [AMOUNT] * len(b.columns)
            if view.has_prior:
                header, kinds = header + CHANGE_HEADER, kinds + CHANGE_KINDS
            if explained:
                header, kinds = header + ["说明"], kinds + [TEXT]
            block = PrintedBlock(b.title, header, kinds)
            for rv in b.rows:
                row = rv.row
                name = f"{row.ordinal}、{row.name}" if row.ordinal else row.name
                values = ([row.code] if coded else []) + [name, *rv.values]
                if view.has_prior:
                    values += [rv.prior, rv.change, rv.change_pct]
                if explained:
                    values.append(row.explanation)
                block.rows.append(values)
            table.blocks.append(block)
        if view.empty:
            table.notes.append("本表无数据。")
    if spec.note:
        table.notes.append(spec.note)
    return table
