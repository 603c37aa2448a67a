"""The reconciliation engine: every identity the stored figures allow, checked in one place.

Real disclosures break their own arithmetic (DOMAIN.md §3). `reconcile(facts)` evaluates every
rule in RULES on a Facts snapshot and returns Findings: the rule, a severity, the figures
involved with their values, the difference and the rounding tolerance, and a Chinese sentence.

Pure: no queries here (only the Severity choices come from models.findings, where findings are
stored). reconciliation.selectors.load_facts() loads the snapshot
in a fixed number of queries; tests build Facts by hand. Amounts are exact Decimal 元.

facts.py is the snapshot; findings.py the shared arithmetic (sums, tolerance, sentences);
within.py the rules inside one table or statement, across.py those across tables and years,
remarks.py the clerk's 同比 text against the figures; rules.py registers every rule in one list.
The threshold (10 %) and the rounding are core.money's, the page's too.

Severity: `error` when figures contradict each other, `warning` when a figure needs an
explanation (a large gap between budget and final, or a large change on last year), `notice`
for what an auditor should see but is not wrong (an unitemised "其中" remainder, a gap that
rounding to 万元 explains).

Rounding: the documents print 万元 with two decimals, so a figure entered in 万元 is a whole
multiple of 100 元 and carries up to 0.005 万元 of rounding. A sum of such figures may miss its
printed total by half a hundredth of a 万元 per figure involved; a difference within that
tolerance is a `notice`, beyond it an `error`. A figure entered to the fen carries no rounding,
and the same figure printed twice must be equal: no tolerance there.
"""

from disclosure.models.findings import Severity
from disclosure.reconciliation.engine.facts import Column, Facts, Line, Row, Table, ThreePublic
from disclosure.reconciliation.engine.findings import (
    MATERIAL,
    Finding,
    rounding_tolerance,
    wan,
    wan_number,
)
from disclosure.reconciliation.engine.rules import RULES, RULES_BY_CODE, Rule, reconcile

__all__ = [
    "MATERIAL",
    "RULES",
    "RULES_BY_CODE",
    "Column",
    "Facts",
    "Finding",
    "Line",
    "Row",
    "Rule",
    "Severity",
    "Table",
    "ThreePublic",
    "reconcile",
    "rounding_tolerance",
    "wan",
    "wan_number",
]
