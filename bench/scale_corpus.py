"""The generated national corpus of bench/bench_scale.py: agencies × years of disclosures written
as files in the import's long layout (the columns of the CSV export, README "CSV"), both formats.

- The 2014 format (early years): statements of lines with "其中" parents (收入决算, 支出决算,
  支出按性质分 with 基本支出 → 类 → 款, 支出按功能分类 with 类 → 款 → 项) and the four 三公 records.
  Every parent is exactly the sum of its children and both sides balance, so the reconciliation
  finds no error and the workflow publishes it.
- The standard Shanghai format (later years): the rows of the demo 2024 document (公开01–07表 and
  its 三公 records, read from the database through the product's own export), every amount
  multiplied by one whole number per disclosure: sums stay sums, so it reconciles as the demo
  document does.

Seeded RNG: the same arguments write the same files. Amounts in 元 only (exact).
"""

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

# The long layout's figure columns (exports.rows.FIGURE_HEADER), spelled out so that writing a
# file needs no Django; tests check they are still the export's.
HEADER = [
    "单位",
    "年度",
    "报表",
    "科目编码",
    "项目",
    "上级项目",
    "栏目",
    "金额（万元）",
    "金额（元）",
    "出国团组数",
    "出国人次",
    "购置车辆数",
    "年末公务用车保有量",
    "接待批次",
    "接待人次",
    "陪同人数",
    "外宾接待批次",
    "外宾接待人次",
]
COUNTS = len(HEADER) - 9
FINAL = "决算数"
SIMPLE, STANDARD = "2014", "standard"
FIRST_SIMPLE_YEAR, LAST_STANDARD_YEAR = 2014, 2024
# 类 codes of the 2014 functional and economic classifications (fixtures/classification/).
FUNCTIONAL_CLASSES = {
    "201": "一般公共服务支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "208": "社会保障和就业支出",
    "210": "医疗卫生与计划生育支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "221": "住房保障支出",
}
ECONOMIC_CLASSES = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助"}
THREE_PUBLIC = ["因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费"]


@dataclass(frozen=True)
class Figure:
    table: str
    code: str
    name: str
    context: str  # the parent's name (2014) or the row's place (standard)
    column: str
    yuan: Decimal | None
    counts: tuple = ()  # 三公 records: the count columns as text

    def row(self, agency: str, year: int) -> list[str]:
        counts = list(self.counts) or [""] * COUNTS
        amount = "" if self.yuan is None else f"{self.yuan:.2f}"
        head = [agency, str(year), self.table, self.code, self.name, self.context, self.column]
        return [*head, "", amount, *counts]


def plan_years(count: int) -> list[tuple[int, str]]:
    """(year, format): the first ~two fifths in the 2014 format from 2014 on, the rest in the
    standard format up to 2024 — at least one of each (the demo's two years are among them)."""
    if count < 2:
        raise ValueError("--years 至少为 2（两种格式各一年）")
    simple = max(1, count * 2 // 5)
    standard = count - simple
    if FIRST_SIMPLE_YEAR + simple - 1 >= LAST_STANDARD_YEAR - standard + 1:
        raise ValueError(f"--years 最多为 {LAST_STANDARD_YEAR - FIRST_SIMPLE_YEAR + 1}")
    return [(FIRST_SIMPLE_YEAR + i, SIMPLE) for i in range(simple)] + [
        (LAST_STANDARD_YEAR - standard + 1 + i, STANDARD) for i in range(standard)
    ]


def agencies(count: int) -> list[tuple[str, str]]:
    """(name, slug) of the generated agencies."""
    return [(f"基准测试单位{i:05d}", f"bench-{i:05d}") for i in range(1, count + 1)]


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` fen in `parts` positive-or-zero whole-fen shares summing exactly to it."""
    cuts = sorted(rng.randrange(0, total + 1) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def simple_figures(rng: random.Random, lines: int = 180) -> list[Figure]:
    """A 2014-format disclosure of about `lines` statement lines plus its 三公 records. The
    format has one level of "其中": top lines (基本支出, 项目支出, the functional 类) and their
    children (economic and functional 款), each parent exactly the sum of its children."""
    total = rng.randrange(50_000_00, 50_000_000_00)  # fen: 5 万 to 50 亿元
    basic = total * rng.randrange(55, 85) // 100
    economic, functional = "支出按性质分（经济分类）", "支出按功能分类"
    out = [
        Figure("收入决算", "", "财政拨款收入", "", FINAL, _yuan(total)),
        Figure("支出决算", "", "财政拨款支出", "", FINAL, _yuan(total)),
        Figure(economic, "", "基本支出", "", FINAL, _yuan(basic)),
    ]
    per_class = max(1, lines // 6 // len(ECONOMIC_CLASSES))
    shares = _split(rng, basic, per_class * len(ECONOMIC_CLASSES))
    for c, (code, name) in enumerate(ECONOMIC_CLASSES.items()):
        for i in range(per_class):
            kuan = f"{code}{60 + i:02d}"
            amount = shares[c * per_class + i]
            out.append(
                Figure(economic, kuan, f"{name}（基准款{kuan}）", "基本支出", FINAL, _yuan(amount))
            )
    out.append(Figure(economic, "", "项目支出", "", FINAL, _yuan(total - basic)))
    per_class = max(1, (lines - len(out)) // len(FUNCTIONAL_CLASSES) - 1)
    by_class = _split(rng, total, len(FUNCTIONAL_CLASSES))
    for (code, name), amount in zip(FUNCTIONAL_CLASSES.items(), by_class, strict=True):
        out.append(Figure(functional, code, name, "", FINAL, _yuan(amount)))
        for k, part in enumerate(_split(rng, amount, per_class)):
            kuan = f"{code}{60 + k:02d}"
            out.append(
                Figure(functional, kuan, f"{name}（基准款{kuan}）", name, FINAL, _yuan(part))
            )
    for item in THREE_PUBLIC:
        fen = rng.randrange(0, 50_000_00)
        counts = [""] * COUNTS
        if item == "公务接待费" and fen:
            counts[4], counts[5] = str(rng.randrange(1, 80)), str(rng.randrange(5, 600))
        out.append(Figure("“三公”经费", "", item, "", FINAL, _yuan(fen), tuple(counts)))
    return out


def standard_template(rows: Iterator[list[str]]) -> list[Figure]:
    """The figures of one standard-format disclosure, from its export's rows (figure_rows):
    the rows with an amount, with the class totals of 公开01/04表 made to agree with 03/05表."""
    out = []
    for row in rows:
        if not row[8]:
            continue  # a printed row without a figure: nothing to import
        counts = tuple(row[9:18]) if any(row[9:18]) else ()
        out.append(Figure(row[2], row[3], row[4], row[5], row[6], Decimal(row[8]), counts))
    return _agreeing(out)


# (summary table, columns) ← (table by class, its total column): a class's expenditure printed in
# both must be one figure. The demo document prints three of them 0.01 万元 apart (a rounding
# it acknowledged as printed); copies of it must not carry that error into every disclosure.
AGREE = {
    ("公开01表", ("决算数",)): ("公开03表", "本年支出合计"),
    ("公开04表", ("合计", "一般公共预算财政拨款")): ("公开05表", "合计"),
}


def _agreeing(figures: list[Figure]) -> list[Figure]:
    totals = {(f.table.split()[0], f.column, f.name): f.yuan for f in figures if len(f.code) == 3}
    out = []
    for f in figures:
        for (summary, columns), (by_class, total) in AGREE.items():
            if f.table.startswith(summary) and f.context == "支出" and f.column in columns:
                agreed = totals.get((by_class, total, f.name))
                if agreed is not None:
                    f = Figure(f.table, f.code, f.name, f.context, f.column, agreed, f.counts)
        out.append(f)
    return out


def standard_figures(rng: random.Random, template: list[Figure]) -> list[Figure]:
    """The template as it is: its amounts are printed (rounded) 万元, and multiplying them
    would multiply the rounding differences past the reconciliation's tolerance."""
    return template


def write_file(path: Path, agency: str, year: int, figures: list[Figure]) -> int:
    """One disclosure's file; returns its data rows."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(figure.row(agency, year) for figure in figures)
    return len(figures)


def write_corpus(
    folder: Path, *, names: list[tuple[str, str]], years: list[tuple[int, str]], template
) -> int:
    """One file per agency and year under folder/<year>/; returns the data rows written."""
    rng = random.Random(20260601)
    rows = 0
    for year, kind in years:
        (folder / str(year)).mkdir(parents=True, exist_ok=True)
        for name, slug in names:
            figures = simple_figures(rng) if kind == SIMPLE else standard_figures(rng, template)
            rows += write_file(folder / str(year) / f"{slug}.csv", name, year, figures)
    return rows


def large_figures(rows: int) -> list[Figure]:
    """One 2014-format disclosure of about `rows` lines (the one-large-file import): functional
    类 top lines with up to 9,999 项 each as their "其中", each 类 the sum of its children, and
    the income and expenditure totals that balance them. Never published: only imported."""
    rng = random.Random(20260602)
    functional = "支出按功能分类"
    per_class = min(9999, max(1, -(-(rows - 2) // len(FUNCTIONAL_CLASSES)) - 1))
    body: list[Figure] = []
    grand = 0
    for code, name in FUNCTIONAL_CLASSES.items():
        left = rows - 2 - len(body) - 1
        if left <= 0:
            break
        parts = [rng.randrange(0, 10**9) for _ in range(min(per_class, left))]
        body.append(Figure(functional, code, name, "", FINAL, _yuan(sum(parts))))
        body.extend(
            Figure(functional, f"{code}{x:04d}", f"基准项{code}{x:04d}", name, FINAL, _yuan(p))
            for x, p in enumerate(parts, 1)
        )
        grand += sum(parts)
    head = [
        Figure("收入决算", "", "财政拨款收入", "", FINAL, _yuan(grand)),
        Figure("支出决算", "", "财政拨款支出", "", FINAL, _yuan(grand)),
    ]
    return head + body
