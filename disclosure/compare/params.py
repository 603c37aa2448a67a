"""The compare form's GET parameters, checked; a bad one is a Chinese message (HTTP 400)."""

from dataclasses import dataclass

from django.db.models import Subquery
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from bureaus.models import Agency, UnitKind
from disclosure.models import ClassificationCode, CodeVersion, Disclosure
from disclosure.models.codes import CodeScheme

from .measures import CLASS_PREFIX, OPERATING, TOTAL_MEASURES


class CompareError(ValueError):
    """A parameter the page refuses; `args[0]` is the Chinese message."""


@dataclass
class Choices:
    """What the form offers: one query for the years, one for the agencies' regions and
    levels, one for the functional 类 (names of the newest code version)."""

    years: list[int]
    regions: list[str]
    levels: list[str]
    kinds: list[tuple[str, str]]
    measures: list[tuple[str, str]]


@dataclass
class Params:
    measure: str
    measure_label: str
    year: int | None = None
    agency: Agency | None = None  # set: one agency across years
    region: str = ""
    kind: str = ""
    level: str = ""
    outliers_only: bool = False
    page: int = 1


def choices() -> Choices:
    years = sorted(
        set(Disclosure.objects.current().finals().values_list("fiscal_year__year", flat=True)),
        reverse=True,
    )
    places = set(Agency.objects.values_list("region", "level").distinct())
    newest = CodeVersion.objects.order_by("-first_year").values("pk")[:1]
    classes = (
        ClassificationCode.objects.annotate(length=Length("code"))
        .filter(version=Subquery(newest), scheme=CodeScheme.FUNCTIONAL, length=3)
        .order_by("code")
        .values_list("code", "name")
    )
    measures = list(TOTAL_MEASURES.items()) + [OPERATING]
    measures += [(f"{CLASS_PREFIX}{code}", f"{code} {name}") for code, name in classes]
    return Choices(
        years=years,
        regions=sorted({r for r, _ in places if r}),
        levels=sorted({lv for _, lv in places if lv}),
        kinds=list(UnitKind.choices),
        measures=measures,
    )


def parse(query, options: Choices) -> Params:
    measures = dict(options.measures)
    measure = query.get("measure") or "three_public"
    if measure not in measures:
        raise CompareError(_("没有这个对比指标，请从列表中选择。"))
    params = Params(measure=measure, measure_label=measures[measure])
    slug = query.get("agency", "").strip()
    if slug:
        params.agency = Agency.objects.filter(slug=slug[:60]).first()
        if params.agency is None:
            raise CompareError(_("没有找到该单位，请从搜索结果或单位页进入对比。"))
    params.year = _year(query.get("year"), options.years, required=not slug)
    params.region = _one_of(
        query.get("region", ""), options.regions, _("没有这个地区，请从列表中选择。")
    )
    params.level = _one_of(
        query.get("level", ""), options.levels, _("没有这个单位级别，请从列表中选择。")
    )
    kinds = [key for key, _label in options.kinds]
    params.kind = _one_of(query.get("kind", ""), kinds, _("没有这个单位性质，请从列表中选择。"))
    params.outliers_only = query.get("outliers") == "1"
    page = query.get("page") or "1"
    if not page.isdigit() or not 1 <= int(page) <= 10_000:
        raise CompareError(_("页码应为正整数。"))
    params.page = int(page)
    return params


def _year(raw: str | None, years: list[int], *, required: bool) -> int | None:
    if not raw:  # the newest year by default; none at all on an empty site
        return years[0] if required and years else None
    if not (raw.isdigit() and len(raw) == 4) or int(raw) not in years:
        raise CompareError(_("该年度没有已发布的决算公开，请从列表中选择年度。"))
    return int(raw)


def _one_of(value: str, allowed: list[str], message: str) -> str:
    if value and value not in allowed:
        raise CompareError(message)
    return value
