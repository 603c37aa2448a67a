"""What the matcher returns: each figure's outcome, the proposals, the findings."""

from dataclasses import dataclass, field
from decimal import Decimal

from .catalogue import Candidate
from .figures import Figure

CITED, PROPOSED, REPORTED, LITERAL = "cited", "proposed", "reported", "literal"
CONFIRM, CORRECT = "confirm", "correct"


@dataclass
class Proposal:
    section: str
    key: str
    label: str
    value: Decimal
    unit: str
    choice: str  # confirm, literal, correct, or "" when the clerk must choose
    cell: Candidate | None = None  # the cell its words name, when its value differs


@dataclass
class Outcome:
    figure: Figure
    status: str
    candidate: Candidate | None = None  # what a cited figure cites
    proposal: Proposal | None = None


@dataclass
class Finding:
    kind: str  # mismatch, change, budget, year, agency, date, table, section, unit
    level: str  # error, warning, notice
    message: str
    figure: int | None = None  # the outcome it concerns


@dataclass
class PasteResult:
    title: str
    paragraphs: list[str]
    outcomes: list[Outcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)
