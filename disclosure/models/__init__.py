"""The disclosure app's data and invariants, one module per part of a disclosure.

Django finds the models here; code outside this package imports them from
`disclosure.models`, code inside from the module that defines them.
"""

from .acknowledgements import FindingAcknowledgement, finding_key
from .codes import (
    CODE_FORMAT,
    LEVELS,
    ClassificationCode,
    CodeScheme,
    CodeVersion,
    check_classification,
)
from .disclosure import Disclosure, DisclosureFormat, DocumentKind, FiscalYear
from .findings import Reconciliation, ReconciliationFinding, Severity
from .formats import ColumnSpec, Measure, ReportFormat, RowRole, RowSource, RowSpec, TableSpec
from .frozen import PublishedDisclosureError
from .narrative import (
    REFERENCE,
    SECTION_OWNER_SQL,
    TYPED_FIGURE,
    ExplanationParagraph,
    ExplanationSection,
    FigureSection,
    FigureUnit,
    NarrativeFigure,
)
from .parts import (
    COUNT_FIELDS,
    COUNTS_BY_ITEM,
    TASK_OWNER_SQL,
    ConsolidatedUnit,
    Duty,
    GlossaryTerm,
    StaffingEntry,
    StaffingKind,
    ThreePublicExpense,
    ThreePublicItem,
    WorkTask,
    WorkTaskItem,
)
from .simple2014 import ExpenditureLine, Statement
from .states import (
    EDITABLE_STATUSES,
    FROZEN_STATUSES,
    OPEN_STATUSES,
    STALE_VERSION_MESSAGE,
    DisclosureStatus,
)
from .tables import ROW_OWNER_SQL, Cell, ReportRow, TableNote
from .uploads import ImportUpload

__all__ = [
    "FindingAcknowledgement",
    "finding_key",
    "PublishedDisclosureError",
    "EDITABLE_STATUSES",
    "FROZEN_STATUSES",
    "OPEN_STATUSES",
    "STALE_VERSION_MESSAGE",
    "DisclosureStatus",
    "CODE_FORMAT",
    "COUNTS_BY_ITEM",
    "COUNT_FIELDS",
    "Cell",
    "ClassificationCode",
    "CodeScheme",
    "CodeVersion",
    "ColumnSpec",
    "ConsolidatedUnit",
    "Disclosure",
    "DisclosureFormat",
    "DocumentKind",
    "Duty",
    "ExpenditureLine",
    "ExplanationParagraph",
    "ExplanationSection",
    "FigureSection",
    "FigureUnit",
    "FiscalYear",
    "GlossaryTerm",
    "ImportUpload",
    "LEVELS",
    "Measure",
    "NarrativeFigure",
    "REFERENCE",
    "ROW_OWNER_SQL",
    "Reconciliation",
    "ReconciliationFinding",
    "ReportFormat",
    "ReportRow",
    "RowRole",
    "RowSource",
    "RowSpec",
    "SECTION_OWNER_SQL",
    "Severity",
    "StaffingEntry",
    "StaffingKind",
    "Statement",
    "TASK_OWNER_SQL",
    "TYPED_FIGURE",
    "TableNote",
    "TableSpec",
    "ThreePublicExpense",
    "ThreePublicItem",
    "WorkTask",
    "WorkTaskItem",
    "check_classification",
]
