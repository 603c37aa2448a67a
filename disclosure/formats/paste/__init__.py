"""情况说明 pasted as printed: every figure matched to the disclosure's data and cited.

catalogue.py (what may be cited), figures.py (the numbers of a text), matcher.py (each figure
cited, proposed, reported or literal), result.py (what it returns), words.py (the words around
the figures checked), choices.py (the clerk's decisions → the paragraphs and the new figures to
save), statements.py (stored figures whose words name a cell, for the reconciliation). Pure
except `catalogue_for`, which reads one disclosure; the saving is workflow.narrative's.
"""

from .catalogue import Candidate, Catalogue, catalogue_for
from .choices import Applied, Decision, apply_choices
from .matcher import match_section
from .result import (
    CITED,
    CONFIRM,
    CORRECT,
    LITERAL,
    PROPOSED,
    REPORTED,
    Finding,
    Outcome,
    PasteResult,
    Proposal,
)
from .statements import catalogue_from_tables, stated_cells

__all__ = [
    "Applied",
    "CITED",
    "CONFIRM",
    "CORRECT",
    "LITERAL",
    "PROPOSED",
    "REPORTED",
    "Candidate",
    "Catalogue",
    "Decision",
    "Finding",
    "Outcome",
    "PasteResult",
    "Proposal",
    "apply_choices",
    "catalogue_for",
    "catalogue_from_tables",
    "stated_cells",
    "match_section",
]
