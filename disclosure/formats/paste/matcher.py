"""A section of 情况说明 pasted as printed → the same text citing the disclosure's figures.

Each figure of the text (figures.find_figures) ends in exactly one of four states, so none is
dropped without a word:

- cited: a cell, a 三公 count or a stored narrative figure has the printed value and the words
  before the number name it (or it is the only figure of the disclosure with that amount);
- reported: the words name a cell (本年支出合计, 人员经费 …) whose value differs: a finding, and
  the clerk decides (correct: cite the cell; confirm: keep the printed value; literal);
- literal: a threshold or limit (单价100万元（含）以上): proposed as literal text [[l:…]];
- proposed: nothing matches: a new narrative figure for the clerk to confirm or correct.

Pure: the disclosure's figures come in a Catalogue (catalogue.py).
"""

import re
from difflib import SequenceMatcher

from disclosure.models import FigureSection

from .catalogue import Candidate, Catalogue
from .figures import Figure, find_figures
from .result import (
    CITED,
    CONFIRM,
    LITERAL,
    PROPOSED,
    REPORTED,
    Finding,
    Outcome,
    PasteResult,
    Proposal,
)
from .words import check_words

CHANGE_WORDS = ("增加", "减少", "增长", "下降", "增减", "比", "较", "占", "完成")
BUDGET_CLAUSE = re.compile(r"(年初预算|预算数|预算为|预算金额|预算$)")
EVIDENCE = 3  # characters of a name the words before the number must share to cite by them
SECTION_WORDS = (
    (FigureSection.OPERATING, "机关运行经费"),
    (FigureSection.PROCUREMENT, "政府采购"),
    (FigureSection.ASSETS, "国有资产"),
    (FigureSection.PERFORMANCE, "绩效"),
    (FigureSection.THREE_PUBLIC, "三公"),
)
# Keys the reconciliation's narrative rules read (reconciliation/engine/narrative.py): a
# proposal whose words say it is one of these figures gets its key.
CANONICAL_KEYS = (
    (re.compile(r"货物采购"), "万元", "货物采购金额"),
    (re.compile(r"工程采购"), "万元", "工程采购金额"),
    (re.compile(r"服务采购"), "万元", "服务采购金额"),
    (re.compile(r"小微企业合同金额.*占"), "%", "小微企业合同占比"),
    (re.compile(r"授予小微企业合同金额|小微企业合同金额"), "万元", "小微企业合同金额"),
    (re.compile(r"中小企业合同金额.*占"), "%", "中小企业合同占比"),
    (re.compile(r"授予中小企业合同金额|中小企业合同金额"), "万元", "中小企业合同金额"),
    (re.compile(r"政府采购(支出)?(总额|金额)"), "万元", "政府采购总额"),
    (re.compile(r"机关运行经费.*(增加|减少)"), "万元", "机关运行经费{0}额"),
    (re.compile(r"机关运行经费.*(增长|下降)"), "%", "机关运行经费{0}率"),
    (re.compile(r"机关运行经费"), "万元", "机关运行经费"),
)
KEY_FORBIDDEN = re.compile(r"[\s\[\]|:：“”\"（）()，。、；]")


def overlap(a: str, b: str) -> int:
    """The longest run of characters two texts share."""
    if not a or not b:
        return 0
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match().size


def shared(a: str, b: str) -> int:
    """How many characters two texts share in order (the sum of their common runs)."""
    if not a or not b:
        return 0
    return sum(m.size for m in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())


def evidence(c: Candidate, f: Figure, head: str = "") -> int:
    """How surely the words before the number (its clause, its sentence, the paragraph's
    opening sentence naming the item) name the candidate."""
    best = 0
    for name in c.names:
        in_clause = len(name) * 2 if len(name) >= 2 and name in f.clause else 0
        near = max(overlap(f.sentence, name), overlap(head, name)) - 1
        best = max(best, in_clause, overlap(f.clause, name), near)
    return best


def measure_of(f: Figure) -> str:
    if BUDGET_CLAUSE.search(f.clause):
        return "budget"
    return "final" if "决算" in f.clause else ""


def score(c: Candidate, f: Figure, *, head: str, title: str) -> int:
    """Which of several figures with the printed value the words mean."""
    best = max(
        3 * shared(f.clause, n)
        + shared(f.sentence, n)
        + shared(head, n)
        + (2 * len(n) if len(n) >= 2 and n in f.clause else 0)
        for n in c.names
    )
    wanted = measure_of(f)
    if c.measure and c.measure == (wanted or "final"):
        best += 2
    if c.kind == "c" and c.table_subject:
        best += overlap(title, c.table_subject)  # the section is about this table
    return best


def _same(c: Candidate, f: Figure) -> bool:
    if c.value != f.value:
        return False
    if not f.unit:
        return True
    if c.unit != f.unit:
        return False
    wanted = measure_of(f)
    return not (c.measure and wanted and c.measure != wanted)


def _cite(f: Figure, catalogue: Catalogue, *, head: str, title: str) -> Candidate | None:
    same = [c for c in catalogue.candidates if _same(c, f)]
    if not same:
        return None
    ranked = sorted(
        same, key=lambda c: (score(c, f, head=head, title=title), c.kind == "c"), reverse=True
    )
    best = ranked[0]
    sure = evidence(best, f, head)
    if sure >= EVIDENCE:
        return best
    # Two characters (车辆) suffice when no other figure with the amount comes close.
    runner_up = score(ranked[1], f, head=head, title=title) if len(ranked) > 1 else 0
    if len(ranked) > 1 and sure >= 2 and score(best, f, head=head, title=title) > runner_up + 3:
        return best
    # The only figure with this amount: a coincidence is unlikely, except for small ones.
    if len(same) == 1 and f.unit == "万元" and f.value >= 1:
        return best
    return None


def _named_cell(f: Figure, catalogue: Catalogue) -> Candidate | None:
    """The cell the words before a 万元 figure name outright (本年支出合计, 人员经费 …): of the
    measure the words say, else of the document's own (a 决算's 决算数, a 预算's 预算数)."""
    if f.unit != "万元" or any(w in f.clause for w in CHANGE_WORDS):
        return None
    wanted = measure_of(f) or catalogue.measure
    named = [
        (max(len(n) for n in c.names if n in f.clause), c)
        for c in catalogue.candidates
        if c.kind == "c"
        and c.measure == wanted
        and any(len(n) >= 4 and n in f.clause for n in c.names)
    ]
    if not named:
        return None
    return max(named, key=lambda pair: (pair[0], -int(pair[1].table or 0)))[1]


def section_of(title: str) -> str:
    for section, word in SECTION_WORDS:
        if word in title:
            return section
    return FigureSection.OVERALL if re.search("收入|支出|决算", title) else FigureSection.OTHER


UNIT_TEXT = re.compile(r"[\d.,]+\s*(万元|万|%|％|个|辆|批次|人次|分|台（套）)?")
GENERIC_CLAUSE = re.compile(r"^(涉及|采购金额|金额|合计|其中|（)")


def label_of(f: Figure, *, agency: str = "") -> str:
    """What the figure is, from the words before it: its clause, with the sentence's (or the
    numbered item's) subject in front when the clause alone says too little (占, 增长, 涉及…)."""
    clause = re.sub(r"^(其中|另外|此外)?[：:]?", "", f.clause)
    clause = re.sub(r"(为|是|共|达|计|约)$", "", clause)
    if len(clause) < 4 or clause.startswith(CHANGE_WORDS + ("与",)) or GENERIC_CLAUSE.match(clause):
        item = re.search(r"（款）(.+?)（项）", f.before.replace(" ", ""))
        before = f.sentence[: len(f.sentence) - len(f.clause)]
        head = item.group(1) if item else re.split(r"[，：,:（]", before, maxsplit=1)[0]
        head = UNIT_TEXT.sub("", head.replace(agency, "")).removeprefix("年度")
        if head != f.clause and head not in clause:
            clause = f"{head}{clause}"
    return clause[:100] or "情况说明数字"


def key_of(label: str, unit: str, taken: set[str]) -> str:
    key = ""
    for pattern, key_unit, template in CANONICAL_KEYS:
        match = pattern.search(label)
        if match and unit == key_unit:
            key = template.format(*match.groups())
            break
    key = key or KEY_FORBIDDEN.sub("", label)[:56] or "数字"
    unique, n = key, 2
    while unique in taken:
        unique, n = f"{key}{n}", n + 1
    return unique


def match_section(text: str, *, catalogue: Catalogue, title: str = "") -> PasteResult:
    """Match every figure of a pasted section; the word checks are words.check_words's."""
    paragraphs = [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    result = PasteResult(title=title, paragraphs=paragraphs)
    taken = set(catalogue.keys)
    proposed: dict[tuple, Proposal] = {}
    section = section_of(title)
    for i, paragraph in enumerate(paragraphs):
        head = re.split(r"[。；]", paragraph, maxsplit=1)[0].replace(" ", "")
        for f in find_figures(paragraph, i):
            head_here = head if len(f.before) > len(head) else ""
            result.outcomes.append(
                _outcome(f, catalogue, head_here, title, section, taken, proposed)
            )
    for n, outcome in enumerate(result.outcomes):
        if outcome.status == REPORTED:
            cell = outcome.proposal.cell
            result.findings.append(
                Finding(
                    "mismatch",
                    "error",
                    f"“{outcome.figure.clause}”印为 {outcome.figure.text}，而{cell.label}为 "
                    f"{cell.value} 万元：请选择改为引用表格数字，或确认原文如此。",
                    n,
                )
            )
    result.findings += check_words(result, catalogue)
    return result


def _outcome(f, catalogue, head, title, section, taken, proposed) -> Outcome:
    def proposal(choice):
        return _proposal(f, section, taken, proposed, choice, catalogue.agency)

    if f.threshold:
        return Outcome(f, LITERAL, proposal=proposal(LITERAL))
    candidate = _cite(f, catalogue, head=head, title=title)
    if candidate is not None:
        return Outcome(f, CITED, candidate=candidate)
    cell = _named_cell(f, catalogue)
    if cell is not None:
        reported = proposal("")
        reported.cell = cell
        return Outcome(f, REPORTED, proposal=reported)
    return Outcome(f, PROPOSED, proposal=proposal(CONFIRM))


def _proposal(f, section, taken, proposed, choice, agency="") -> Proposal:
    label = label_of(f, agency=agency)
    same = proposed.get((label, f.value, f.unit))
    if same is not None and choice == CONFIRM:  # printed twice: one figure, cited twice
        return Proposal(same.section, same.key, label, f.value, f.unit, choice)
    key = key_of(label, f.unit, taken)
    taken.add(key)
    proposal = Proposal(section, key, label, f.value, f.unit or "万元", choice)
    proposed.setdefault((label, f.value, f.unit), proposal)
    return proposal
