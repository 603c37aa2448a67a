"""The clerk's decisions on a pasted section → the paragraphs to save and the figures to add.

Every figure not cited ends as the clerk decides: confirm (a new narrative figure, with the
key, label, value, unit and section as edited), literal (the number and its unit kept as
printed, [[l:…]]) or correct (a reported figure: cite the cell its words name). A reported
figure has no default: the clerk must say which. Bad input of any kind is one ValidationError
listing every problem, in Chinese; nothing is half applied.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from disclosure.models import FigureSection, FigureUnit

from .catalogue import Catalogue
from .figures import normalise
from .result import CITED, CONFIRM, CORRECT, LITERAL, PasteResult

KEY = re.compile(r"^[^\s\[\]|:]{1,60}$")
CHOICES = {CONFIRM: "确认为情况说明数字", LITERAL: "按原文照印", CORRECT: "改为引用表格数字"}


@dataclass
class Decision:
    """What the clerk posted for one figure (None: keep the proposal's)."""

    choice: str = ""
    key: str | None = None
    label: str | None = None
    value: str | None = None
    unit: str | None = None
    section: str | None = None


@dataclass
class Applied:
    paragraphs: list[str]  # with citations
    figures: list[dict]  # new narrative figures: section, key, label, value, unit


def parse_value(text: str) -> Decimal:
    text = normalise(str(text)).strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}”不是数字") from None
    if not value.is_finite() or value.as_tuple().exponent < -2 or abs(value) >= 10**13:
        raise ValueError(f"“{text}”不是最多两位小数的数字")
    return value


def _figure(proposal, decision: Decision) -> tuple[dict, list[str]]:
    """The figure as the clerk confirmed it, and what is wrong with it."""
    errors = []
    figure = {
        "section": decision.section or proposal.section,
        "key": (decision.key if decision.key is not None else proposal.key).strip(),
        "label": (decision.label if decision.label is not None else proposal.label).strip(),
        "unit": decision.unit or proposal.unit,
        "value": proposal.value,
    }
    if decision.value is not None and str(decision.value).strip() != "":
        try:
            figure["value"] = parse_value(decision.value)
        except ValueError as exc:
            errors.append(f"数值{exc}")
    if not KEY.match(figure["key"]):
        errors.append("引用名须为 1–60 个字符，不能含空格、[ ] | 或 :")
    if not figure["label"] or len(figure["label"]) > 100:
        errors.append("说明不能为空，最多 100 字")
    if figure["unit"] not in FigureUnit.values:
        errors.append(
            f"单位“{figure['unit']}”不是情况说明数字的单位（{'、'.join(FigureUnit.values)}）"
        )
    if figure["section"] not in FigureSection.values:
        errors.append(f"部分“{figure['section']}”无效")
    return figure, errors


def apply_choices(
    result: PasteResult, catalogue: Catalogue, decisions: dict[int, Decision]
) -> Applied:
    errors: list[str] = []
    figures: dict[str, dict] = {}
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for n, outcome in enumerate(result.outcomes):
        f = outcome.figure
        where = f"第 {n + 1} 个数字“{f.clause}{f.text}”"
        if outcome.status == CITED:
            c = outcome.candidate
            spans.setdefault(f.paragraph, []).append((f.start, f.end, f"[[{c.kind}:{c.ref}]]"))
            continue
        proposal, decision = outcome.proposal, decisions.get(n) or Decision()
        choice = decision.choice or proposal.choice
        if choice == LITERAL:
            text = result.paragraphs[f.paragraph][f.start : f.unit_end]
            spans.setdefault(f.paragraph, []).append((f.start, f.unit_end, f"[[l:{text}]]"))
        elif choice == CORRECT and proposal.cell is not None:
            cite = f"[[c:{proposal.cell.ref}]]"
            spans.setdefault(f.paragraph, []).append((f.start, f.end, cite))
        elif choice == CONFIRM:
            figure, problems = _figure(proposal, decision)
            key = figure["key"]
            if key in catalogue.keys:
                problems.append(f"引用名“{key}”已被本决算的另一个数字使用")
            elif key in figures and figures[key] != figure:
                problems.append(f"引用名“{key}”重复，且数值或说明不同")
            errors += [f"{where}：{p}。" for p in problems]
            figures.setdefault(key, figure)
            spans.setdefault(f.paragraph, []).append((f.start, f.end, f"[[f:{key}]]"))
        elif choice == CORRECT:
            errors.append(f"{where}：没有可引用的表格数字，不能改为引用表格。")
        else:
            errors.append(f"{where}：请选择{'、'.join(CHOICES.values())}之一。")
    if errors:
        raise ValidationError(errors)
    paragraphs = []
    for i, text in enumerate(result.paragraphs):
        for start, end, citation in sorted(spans.get(i, []), reverse=True):
            text = text[:start] + citation + text[end:]
        paragraphs.append(text)
    return Applied(paragraphs=paragraphs, figures=list(figures.values()))
