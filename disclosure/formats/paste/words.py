"""The words around the figures of a pasted section, checked against the figures.

- a stated change (增加/减少 X 万元，增长/下降 Y%) whose rate or direction the figures before
  it contradict; 大于/小于/等于/持平 the budget, and 完成预算的 P%, against the budget and final
  figures of the same paragraph;
- a year in the heading other than the disclosure's, a year in the text other than it or the
  year before; an agency name that is almost, but not, the disclosure's (与 for 和);
- a date other than the reporting year's end where one is stated (截至…), and none in the
  国有资产 section, which must state it;
- 政府性基金 / 国有资本经营: the text and 公开08/09表 (figures or their note) agree;
- a unit left out (增长 13.95。, 0.39 万（…）).

A stated percentage stands within ±0.5 percentage points of the exact one: the rule of the
clerk's 同比 text (reconciliation/engine/remarks.py), for the same reason (rounded figures).
"""

import re
from decimal import Decimal

from .catalogue import Catalogue
from .result import Finding

PERCENT_TOLERANCE = Decimal("0.5")
UP, DOWN = ("增加", "增长", "上升"), ("减少", "下降")
YEAR = re.compile(r"(\d{4})\s*年")
DATE = re.compile(r"(?:截至|截止|截止到)\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
COMPARISON = re.compile(r"决算数?(大于|小于|等于|超过|低于|同预算数持平|与预算数持平|持平)")
EMPTY_WORDS = re.compile(r"无.{0,20}(收入|支出)|没有")
TABLE_SECTIONS = (("08", "政府性基金"), ("09", "国有资本经营"))


def _finding(kind: str, level: str, message: str, figure: int | None = None) -> Finding:
    return Finding(kind, level, message, figure)


def _rate(stated: Decimal, exact: Decimal) -> bool:
    return abs(stated - exact) <= PERCENT_TOLERANCE


def check_words(result, catalogue: Catalogue) -> list:
    findings = []
    findings += _changes(result)
    findings += _budget(result)
    findings += _years(result, catalogue)
    findings += _agency_names(result, catalogue)
    findings += _dates(result, catalogue)
    findings += _tables(result, catalogue)
    findings += _units(result)
    findings += missing_sections([*catalogue.section_titles, result.title])
    findings += missing_tables(catalogue)
    return findings


def _in_paragraphs(result):
    by_paragraph: dict[int, list] = {}
    for n, outcome in enumerate(result.outcomes):
        by_paragraph.setdefault(outcome.figure.paragraph, []).append((n, outcome.figure))
    return by_paragraph.items()


def _changes(result) -> list:
    """增加 X 万元，增长 Y%: Y is X over the figure the sentence started from, less (or plus) X."""
    findings = []
    for _p, figures in _in_paragraphs(result):
        base = None
        for i, (n, f) in enumerate(figures):
            up, down = any(w in f.clause for w in UP), any(w in f.clause for w in DOWN)
            if f.unit == "万元" and not (up or down):
                base = f.value
                continue
            if f.unit != "万元" or base is None or up == down:
                continue
            rate = next((g for _m, g in figures[i + 1 : i + 2] if g.unit == "%"), None)
            if rate is None:
                continue
            rate_up = any(w in rate.clause for w in UP)
            rate_down = any(w in rate.clause for w in DOWN)
            last = base - f.value if up else base + f.value
            if rate_up != rate_down and rate_up != up:
                findings.append(
                    _finding(
                        "change",
                        "warning",
                        f"“{f.clause}{f.text}”与“{rate.clause}{rate.text}”方向相反。",
                        n,
                    )
                )
            elif last and not _rate(rate.value, abs(f.value) * 100 / last):
                exact = (f.value * 100 / last).quantize(Decimal("0.01"))
                findings.append(
                    _finding(
                        "change",
                        "warning",
                        f"写作变动 {rate.value}%，但按 {base} 万元和变动额 {f.value} 万元计算，"
                        f"上年为 {last} 万元，变动率应为 {exact}%（容差 ±{PERCENT_TOLERANCE} 个"
                        "百分点）。",
                        n,
                    )
                )
    return findings


def _budget(result) -> list:
    """年初预算为 B，支出决算为 F，完成年初预算的 P%。决算数小于预算数…: against each other."""
    findings = []
    for p, figures in _in_paragraphs(result):
        budget = final = None
        for n, f in figures:
            if f.unit == "万元" and "预算" in f.clause and "决算" not in f.clause:
                budget = f.value
            elif f.unit == "万元" and "决算" in f.clause:
                final = f.value
            elif f.unit == "%" and "完成" in f.clause and budget is not None and final is not None:
                if not budget:
                    findings.append(
                        _finding(
                            "budget",
                            "notice",
                            f"“{f.clause}{f.text}”：预算数为零，完成比例无从计算。",
                            n,
                        )
                    )
                elif not _rate(f.value, final * 100 / budget):
                    exact = (final * 100 / budget).quantize(Decimal("0.01"))
                    findings.append(
                        _finding(
                            "budget",
                            "warning",
                            f"写作完成预算的 {f.value}%，但 {final} ÷ {budget} = {exact}%。",
                            n,
                        )
                    )
        if budget is None or final is None:
            continue
        for match in COMPARISON.finditer(result.paragraphs[p]):
            word = match.group(1)
            actual = "大于" if final > budget else "小于" if final < budget else "等于"
            said = {"超过": "大于", "低于": "小于"}.get(word, word)
            said = "等于" if "持平" in said else said
            if said != actual:
                findings.append(
                    _finding(
                        "budget",
                        "warning",
                        f"写作“{match.group(0)}”，但决算 {final} 万元{actual}预算 {budget} 万元。",
                    )
                )
    return findings


def _years(result, catalogue) -> list:
    findings = []
    for year in YEAR.findall(result.title):
        if int(year) != catalogue.year:
            findings.append(
                _finding(
                    "year", "error", f"标题中的年度 {year} 不是本决算的 {catalogue.year} 年度。"
                )
            )
    allowed = {catalogue.year, catalogue.year - 1}
    for text in result.paragraphs:
        for year in YEAR.findall(text):
            if int(year) not in allowed:
                findings.append(
                    _finding(
                        "year",
                        "warning",
                        f"正文提到 {year} 年，既不是本决算的 {catalogue.year} 年度，也不是上年。",
                    )
                )
    return findings


def _agency_names(result, catalogue) -> list:
    name = catalogue.agency
    if len(name) < 4:
        return []
    # From the name's first two characters to the next of its last (局), no longer than it.
    between = r"[\u4e00-\u9fff]{0,%s}?" % len(name)  # noqa: UP031 (braces of the regex)
    pattern = re.compile(re.escape(name[:2]) + between + re.escape(name[-1]))
    findings, seen = [], set()
    for where, text in [("标题", result.title)] + [("正文", t) for t in result.paragraphs]:
        for match in pattern.finditer(text.replace(" ", "")):
            printed = match.group(0)
            similar = overlap_ratio(printed, name) >= 0.7
            if printed != name and similar and (where, printed) not in seen:
                seen.add((where, printed))
                level = "error" if where == "标题" else "warning"
                findings.append(
                    _finding(
                        "agency",
                        level,
                        f"{where}中的单位名称“{printed}”与本单位名称“{name}”不一致。",
                    )
                )
    return findings


def overlap_ratio(a: str, b: str) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _dates(result, catalogue) -> list:
    findings = []
    text = "".join(result.paragraphs)
    for year, month, day in DATE.findall(text):
        if (int(year), int(month), int(day)) != (catalogue.year, 12, 31):
            findings.append(
                _finding(
                    "date",
                    "error",
                    f"“截至 {year} 年 {month} 月 {day} 日”不是本决算年度末"
                    f"（{catalogue.year} 年 12 月 31 日）。",
                )
            )
    if "国有资产" in result.title and not DATE.search(text):
        findings.append(
            _finding(
                "date",
                "warning",
                f"国有资产占用情况须注明截至日期（{catalogue.year} 年 12 月 31 日）。",
            )
        )
    return findings


def _tables(result, catalogue) -> list:
    findings = []
    text = "".join(result.paragraphs)
    for number, word in TABLE_SECTIONS:
        if word not in result.title or number not in catalogue.tables:
            continue
        title, filled, noted = catalogue.tables[number]
        says_none = bool(EMPTY_WORDS.search(text)) and not result.outcomes
        if says_none and filled:
            findings.append(
                _finding(
                    "table", "error", f"文字说明没有{word}收支，但公开{number}表{title}有数字。"
                )
            )
        elif not says_none and not filled:
            findings.append(
                _finding("table", "error", f"文字列有{word}收支，但公开{number}表{title}没有数字。")
            )
        if not filled and not noted:
            findings.append(
                _finding(
                    "table",
                    "warning",
                    f"公开{number}表{title}为空，须附空表说明（如“本单位本年度没有…”）。",
                )
            )
    return findings


def _units(result) -> list:
    findings = []
    for n, outcome in enumerate(result.outcomes):
        f = outcome.figure
        if f.inferred_unit:
            findings.append(
                _finding(
                    "unit", "notice", f"“{f.clause}{f.printed}”印出时缺少“%”，按百分比读取。", n
                )
            )
        elif f.printed_unit == "万":
            findings.append(
                _finding("unit", "notice", f"“{f.clause}{f.printed}万”缺少“元”，按万元读取。", n)
            )
    return findings


def missing_sections(titles: list[str]) -> list:
    """The parts a standard-format 情况说明 has (财预〔2016〕143号), by a word of their title."""
    return [
        _finding("section", "notice", f"情况说明还没有“{name}”部分。")
        for words, name in EXPECTED_SECTIONS
        if not any(any(w in t for w in words) for t in titles)
    ]


def missing_tables(catalogue: Catalogue) -> list:
    """A public table with no figures is printed empty with its note, or it is missing."""
    return [
        _finding("table", "notice", f"公开{number}表{title}没有数字，也没有空表说明。")
        for number, (title, filled, noted) in sorted(catalogue.tables.items())
        if not filled and not noted
    ]


EXPECTED_SECTIONS = (
    (("收入支出决算总体",), "收入支出决算总体情况说明"),
    (("收入决算情况",), "收入决算情况说明"),
    (("支出决算情况",), "支出决算情况说明"),
    (("财政拨款收入支出决算总体",), "财政拨款收入支出决算总体情况说明"),
    (("一般公共预算财政拨款支出",), "一般公共预算财政拨款支出决算情况说明"),
    (("基本支出",), "一般公共预算财政拨款基本支出决算情况说明"),
    (("三公",), "财政拨款“三公”经费支出决算情况说明"),
    (("政府性基金",), "政府性基金预算财政拨款收入支出决算情况说明"),
    (("国有资本经营",), "国有资本经营预算财政拨款收入支出决算情况说明"),
    (("绩效",), "预算绩效管理情况"),
    (("机关运行经费",), "机关运行经费支出情况"),
    (("政府采购",), "政府采购支出情况"),
    (("国有资产",), "国有资产占用使用情况"),
)
