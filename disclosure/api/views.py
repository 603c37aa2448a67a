"""The API's operations: parse the filters, call a selector, return its data (ninja validates
it against the schema and renders JSON)."""

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.errors import HttpError

from bureaus.models import Agency
from disclosure.models import Disclosure, FiscalYear, ThreePublicItem
from disclosure.models.findings import Severity

from . import narrative, schemas, selectors
from .figures import figure_page
from .pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page, next_url

router = Router(tags=["公开数据"])


def get(path: str, *, response, url_name: str):
    """router.get, with the docstring's sentence as the operation's summary in the docs."""

    def register(view):
        summary = (view.__doc__ or "").strip().splitlines()[0].rstrip("。")
        return router.get(path, response=response, url_name=url_name, summary=summary)(view)

    return register


# Filters are plain text without NUL (PostgreSQL refuses NUL in a string: a 500, not an answer).
TEXT = r"^[^\x00]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"
NO_AGENCY = "没有找到该单位。"
NO_YEAR = "没有该年度的决算公开。"
NO_DISCLOSURE = "没有找到该单位该年度已发布的决算公开。"
NO_BUDGET = "没有找到该单位该年度已发布的部门预算。"

Slug = Path(
    ..., pattern=SLUG, max_length=60, examples=["liyang-xinfang"], description="单位的网址标识"
)
Year = Path(..., ge=1000, le=9999, examples=[2014], description="年度")
Cursor = Query(None, max_length=200, pattern=r"^[-A-Za-z0-9_]*$", description="上一页的 next")
Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数，最多 {MAX_LIMIT}")
AgencyFilter = Query("", pattern=r"^[-a-zA-Z0-9_]*$", max_length=60, description="单位网址标识")
RegionFilter = Query("", pattern=TEXT, max_length=50, description="所属地区，例如 江苏省溧阳市")
YearFilter = Query(None, ge=1000, le=9999, description="年度")
KindFilter = Query(None, description="文件类型：决算（不填时）或 预算")
CodeFilter = Query("", pattern=r"^[0-9]{0,7}$", description="科目编码，例如 2010308")
TableFilter = Query(
    "",
    pattern=r"^[-a-z0-9_]{0,20}$",
    description="公开表号（05）、2014 年格式的报表（income、expenditure、economic、functional）"
    "或 three_public",
)
ItemFilter = Query(None, description="outbound、vehicle_purchase、vehicle_running 或 reception")
SeverityFilter = Query(None, description="error、warning 或 notice")
RuleFilter = Query("", pattern=TEXT, max_length=40, description="核对规则编码")

PAGE_ERRORS = {400: schemas.Error, 404: schemas.Error, 422: schemas.Error}
ERRORS = {404: schemas.Error, 422: schemas.Error}


def _page(request, rows, item, *, fields, types, cursor, limit) -> dict:
    page, cursor = keyset_page(rows, fields=fields, types=types, cursor=cursor, limit=limit)
    return {"items": [item(row) for row in page], "next": next_url(request, cursor)}


# --- agencies and years ------------------------------------------------------------------------


@get("/agencies", response={200: schemas.AgencyPage, **PAGE_ERRORS}, url_name="agencies")
def agencies(
    request: HttpRequest,
    region: str = RegionFilter,
    unit_kind: str = Query("", pattern=TEXT, max_length=20, description="单位性质，例如 行政机关"),
    level: str = Query("", pattern=TEXT, max_length=20, description="单位级别，例如 一级局"),
    q: str = Query("", pattern=TEXT, max_length=100, description="名称或网址标识包含的文字"),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """单位列表（按编号分页）。"""
    rows = selectors.agencies(region=region, unit_kind=unit_kind, level=level, q=q)
    return _page(
        request,
        rows,
        selectors.agency_item,
        fields=("id",),
        types=(int,),
        cursor=cursor,
        limit=limit,
    )


@get("/agencies/{slug}", response={200: schemas.AgencyDetail, **ERRORS}, url_name="agency")
def agency(request: HttpRequest, slug: str = Slug):
    """一个单位及其各年度已发布的决算。"""
    try:
        return selectors.agency_detail(slug=slug)
    except Agency.DoesNotExist:
        raise HttpError(404, NO_AGENCY) from None


@get("/years", response=list[schemas.FiscalYear], url_name="years")
def years(request: HttpRequest):
    """年度列表，含各年度已发布的决算数。"""
    return [selectors.fiscal_year_item(y) for y in selectors.fiscal_years().order_by("-year")]


@get("/years/{year}", response={200: schemas.FiscalYearDetail, **ERRORS}, url_name="year")
def year(request: HttpRequest, year: int = Year):
    """一个年度及其全部已发布的决算（与 /years/<年度>/ 页面相同）。"""
    try:
        return selectors.fiscal_year_detail(year=year)
    except FiscalYear.DoesNotExist:
        raise HttpError(404, NO_YEAR) from None


# --- disclosures -------------------------------------------------------------------------------


@get("/disclosures", response={200: schemas.DisclosurePage, **PAGE_ERRORS}, url_name="disclosures")
def disclosures(
    request: HttpRequest,
    agency: str = AgencyFilter,
    region: str = RegionFilter,
    year: int | None = YearFilter,
    kind: schemas.DocumentKind | None = KindFilter,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """已发布决算（或 kind=预算 时的部门预算）的现行版本，含各项合计（元与万元）。"""
    rows = selectors.published(agency=agency, region=region, year=year, kind=kind)
    return _page(
        request,
        rows,
        selectors.disclosure_item,
        fields=("id",),
        types=(int,),
        cursor=cursor,
        limit=limit,
    )


def _missing(kind: str | None) -> HttpError:
    return HttpError(404, NO_BUDGET if kind == schemas.DocumentKind.BUDGET else NO_DISCLOSURE)


def _current(slug: str, year: int, kind: str | None) -> Disclosure:
    try:
        return selectors.disclosure_get(slug=slug, year=year, kind=kind)
    except Disclosure.DoesNotExist:
        raise _missing(kind) from None


DISCLOSURE = "/disclosures/{slug}/{year}"


@get(DISCLOSURE, response={200: schemas.DisclosureDetail, **ERRORS}, url_name="disclosure")
def disclosure(
    request: HttpRequest,
    slug: str = Slug,
    year: int = Year,
    kind: schemas.DocumentKind | None = KindFilter,
):
    """一份决算或部门预算的现行版本及其修订历史（只含已发布和已被更正的版本）。"""
    try:
        return selectors.disclosure_detail(slug=slug, year=year, kind=kind)
    except Disclosure.DoesNotExist:
        raise _missing(kind) from None


@get(
    f"{DISCLOSURE}/figures",
    response={200: schemas.FigurePage, **PAGE_ERRORS},
    url_name="disclosure-figures",
)
def disclosure_figures(
    request: HttpRequest,
    slug: str = Slug,
    year: int = Year,
    kind: schemas.DocumentKind | None = KindFilter,
    code: str = CodeFilter,
    table: str = TableFilter,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """一份决算（或部门预算）的全部数字：报表、项目、科目编码、栏目，金额（元、万元）。"""
    d = _current(slug, year, kind)
    rows = Disclosure.objects.filter(pk=d.pk)
    items, cursor = figure_page(rows, code=code, table=table, cursor=cursor, limit=limit)
    return {"items": items, "next": next_url(request, cursor)}


@get(
    f"{DISCLOSURE}/three-public",
    response={200: list[schemas.ThreePublic], **ERRORS},
    url_name="disclosure-three-public",
)
def disclosure_three_public(
    request: HttpRequest,
    slug: str = Slug,
    year: int = Year,
    kind: schemas.DocumentKind | None = KindFilter,
):
    """一份决算（或部门预算）的“三公”经费：金额、数量、同比情况和说明。"""
    d = _current(slug, year, kind)
    rows = selectors.three_public(Disclosure.objects.filter(pk=d.pk))
    order = {item.value: i for i, item in enumerate(ThreePublicItem)}
    return sorted((selectors.three_public_item(r) for r in rows), key=lambda x: order[x["item"]])


@get(
    f"{DISCLOSURE}/sections",
    response={200: list[schemas.Section], **ERRORS},
    url_name="disclosure-sections",
)
def disclosure_sections(
    request: HttpRequest,
    slug: str = Slug,
    year: int = Year,
    kind: schemas.DocumentKind | None = KindFilter,
):
    """情况说明：页面上的文字，及其中每个数字引用的表格单元格或数字项。"""
    return narrative.sections(_current(slug, year, kind))


@get(
    f"{DISCLOSURE}/findings",
    response={200: list[schemas.Finding], **ERRORS},
    url_name="disclosure-findings",
)
def disclosure_findings(
    request: HttpRequest,
    slug: str = Slug,
    year: int = Year,
    kind: schemas.DocumentKind | None = KindFilter,
):
    """一份决算（或部门预算）的数据核对结果。"""
    d = _current(slug, year, kind)
    rows = selectors.findings(Disclosure.objects.filter(pk=d.pk)).order_by("order")
    return [selectors.finding_item(f) for f in rows]


@get(
    f"{DISCLOSURE}/corrections",
    response={200: list[schemas.Correction], **ERRORS},
    url_name="disclosure-corrections",
)
def disclosure_corrections(
    request: HttpRequest,
    slug: str = Slug,
    year: int = Year,
    kind: schemas.DocumentKind | None = KindFilter,
):
    """更正记录，最新的在前：每个改动的数字（原 → 新）和更正原因。"""
    try:
        return selectors.corrections(slug=slug, year=year, kind=kind)
    except Disclosure.DoesNotExist:
        raise _missing(kind) from None


# --- across disclosures ------------------------------------------------------------------------


@get("/figures", response={200: schemas.FigurePage, **PAGE_ERRORS}, url_name="figures")
def figures(
    request: HttpRequest,
    agency: str = AgencyFilter,
    region: str = RegionFilter,
    year: int | None = YearFilter,
    kind: schemas.DocumentKind | None = KindFilter,
    code: str = CodeFilter,
    table: str = TableFilter,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """所有已发布决算（或部门预算）的数字，可按单位、地区、年度、文件类型、科目编码和报表筛选。"""
    rows = selectors.current(agency=agency, region=region, year=year, kind=kind)
    items, cursor = figure_page(rows, code=code, table=table, cursor=cursor, limit=limit)
    return {"items": items, "next": next_url(request, cursor)}


@get(
    "/three-public", response={200: schemas.ThreePublicPage, **PAGE_ERRORS}, url_name="three-public"
)
def three_public(
    request: HttpRequest,
    agency: str = AgencyFilter,
    region: str = RegionFilter,
    year: int | None = YearFilter,
    kind: schemas.DocumentKind | None = KindFilter,
    item: ThreePublicItem | None = ItemFilter,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """所有已发布决算的“三公”经费记录（金额与数量）。"""
    disclosures = selectors.current(agency=agency, region=region, year=year, kind=kind)
    rows = selectors.three_public(disclosures, item=item or "")
    return _page(
        request,
        rows,
        selectors.three_public_item,
        fields=("id",),
        types=(int,),
        cursor=cursor,
        limit=limit,
    )


@get("/findings", response={200: schemas.FindingPage, **PAGE_ERRORS}, url_name="findings")
def findings(
    request: HttpRequest,
    agency: str = AgencyFilter,
    region: str = RegionFilter,
    year: int | None = YearFilter,
    kind: schemas.DocumentKind | None = KindFilter,
    severity: Severity | None = SeverityFilter,
    rule: str = RuleFilter,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """已发布决算的数据核对结果（草稿的核对结果不公开）。"""
    disclosures = selectors.current(agency=agency, region=region, year=year, kind=kind)
    rows = selectors.findings(disclosures, severity=severity or "", rule=rule)
    return _page(
        request,
        rows,
        selectors.finding_item,
        fields=("id",),
        types=(int,),
        cursor=cursor,
        limit=limit,
    )
