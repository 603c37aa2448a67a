"""The API's response shapes; the OpenAPI document is generated from them.

Money is a decimal string, never a float: `*_yuan` exact to the fen ("1234.56"), `*_wan` in
万元 rounded half up to two decimals as the documents print it ("0.12").
"""

from datetime import datetime
from enum import StrEnum

from ninja import Schema


class DocumentKind(StrEnum):
    """The kind of document, as the documents name it: the 部门决算 or the 部门预算."""

    FINAL = "决算"
    BUDGET = "预算"


class Error(Schema):
    detail: str
    errors: list[dict] = []


class Agency(Schema):
    slug: str
    name: str
    region: str
    unit_kind: str
    level: str
    parent: str | None  # the parent agency's slug
    url: str


class AgencyDetail(Agency):
    disclosures: list["DisclosureSummary"]


class AgencyPage(Schema):
    items: list[Agency]
    next: str | None


class FiscalYear(Schema):
    year: int
    disclosure_format: str
    disclosures: int  # published disclosures of the year


class Total(Schema):
    name: str  # income, expenditure, basic, project, three_public, outbound …
    amount_yuan: str
    amount_wan: str


class DisclosureSummary(Schema):
    agency: str  # slug
    agency_name: str
    region: str
    year: int
    kind: DocumentKind
    format: str
    status: str  # 已发布
    revision: int
    published_at: datetime | None
    url: str  # this resource in the API
    page: str  # the public page
    csv: str
    totals: list[Total]


class DisclosurePage(Schema):
    items: list[DisclosureSummary]
    next: str | None


class FiscalYearDetail(FiscalYear):
    items: list[DisclosureSummary]


class Revision(Schema):
    revision: int
    status: str
    published_at: datetime | None
    correction_reason: str


class DisclosureDetail(DisclosureSummary):
    head_name: str
    head_posts: str
    correction_reason: str
    revisions: list[Revision]  # published and superseded revisions only, oldest first


class Figure(Schema):
    agency: str
    year: int
    kind: DocumentKind  # the document's: 决算 or 预算 (文件类型 of the CSV)
    revision: int
    table: str  # 公开05表 一般公共预算财政拨款支出决算表, 预算05表 …, 支出决算, “三公”经费
    table_key: str  # what the `table` filter takes: 05, expenditure, three_public
    code: str
    name: str
    place: str  # the "其中" parent, or the row's side, panel and parent
    column: str  # 决算数, 本年支出/基本支出, 预算数 …
    amount_yuan: str
    amount_wan: str


class FigurePage(Schema):
    items: list[Figure]
    next: str | None


class ThreePublic(Schema):
    agency: str
    year: int
    item: str  # outbound, vehicle_purchase, vehicle_running, reception
    label: str  # 公务接待费
    amount_yuan: str | None  # None where the format keeps the amount in 公开07表
    amount_wan: str | None
    delegations: int | None
    outbound_persons: int | None
    vehicles_purchased: int | None
    vehicles_held: int | None
    reception_batches: int | None
    reception_persons: int | None
    accompanying_persons: int | None
    foreign_reception_batches: int | None
    foreign_reception_persons: int | None
    yoy_remark: str
    explanation: str


class ThreePublicPage(Schema):
    items: list[ThreePublic]
    next: str | None


class Citation(Schema):
    reference: str  # as written in the paragraph: c:05|2120101|合计, f:机关运行经费, t:…
    kind: str  # cell, figure, count, literal
    printed: str  # the value as the text prints it
    table: str | None = None  # for a cell: its table number, row key and column
    row: str | None = None
    column: str | None = None
    amount_yuan: str | None = None  # a cell's exact amount
    value: str | None = None  # a stored narrative figure or count, in its unit
    unit: str | None = None


class Paragraph(Schema):
    text: str  # rendered: every citation replaced by its printed value
    source: str  # as stored, citations included
    citations: list[Citation]


class Section(Schema):
    number: str
    title: str
    paragraphs: list[Paragraph]
    sections: list["Section"] = []


class Acknowledgement(Schema):
    """A reviewer confirmed the error is printed so in the original document (原文如此)."""

    reason: str
    acknowledged_at: datetime


class Finding(Schema):
    agency: str
    year: int
    revision: int
    severity: str  # error, warning, notice
    severity_label: str
    rule: str
    message: str
    cells: list  # [[where the figure is printed, exact 元 as a string or null], …]
    difference_yuan: str | None
    tolerance_yuan: str
    checked_at: datetime | None
    acknowledgement: Acknowledgement | None = None


class FindingPage(Schema):
    items: list[Finding]
    next: str | None


class FigureChange(Schema):
    label: str
    old: str  # "—": added by the correction
    new: str  # "—": removed by it


class Correction(Schema):
    revision: int
    published_at: datetime | None
    reason: str
    changes: list[FigureChange]


AgencyDetail.model_rebuild()
Section.model_rebuild()
