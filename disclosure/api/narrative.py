"""A disclosure's narrative as the page prints it, with where every printed value came from.

The standard format's 情况说明 cites table cells ([[c:…]]), stored figures ([[f:…]]) and
三公 counts ([[t:…]]); each citation is listed with the cell or figure it names. The 2014
format's narrative is generated from its figures by the page, so it has no citations.
"""

from disclosure.core.money import format_yuan
from disclosure.formats import citations as cite
from disclosure.formats.base import format_for
from disclosure.models import REFERENCE, Disclosure, ExplanationSection
from disclosure.public.selectors import disclosure_page

KINDS = {"c": "cell", "f": "figure", "t": "count", "l": "literal"}


def _citation(match, values: dict) -> dict:
    kind, ref = match["kind"], match["ref"]
    item = {
        "reference": f"{kind}:{ref}",
        "kind": KINDS[kind],
        "printed": cite.render(match.group(0), **values),
    }
    if kind == "c":
        table, _, rest = ref.partition("|")
        row, _, column = rest.rpartition("|")
        amount = values["cells"].get(ref)
        item |= {"table": table, "row": row, "column": column, "unit": "万元"}
        item["amount_yuan"] = None if amount is None else format_yuan(amount)
    elif kind == "f" and ref in values["figures"]:
        figure = values["figures"][ref]
        item |= {"value": str(figure.value), "unit": figure.unit}
    elif kind == "t" and ref in values["counts"]:
        item["value"] = str(values["counts"][ref])
    return item


def _paragraph(text: str, values: dict) -> dict:
    return {
        "text": cite.render(text, **values),
        "source": text,
        "citations": [_citation(m, values) for m in REFERENCE.finditer(text)],
    }


def _generated(text: str) -> dict:
    return {"text": text, "source": text, "citations": []}


def sections(disclosure: Disclosure) -> list[dict]:
    if not format_for(disclosure).has_tables:
        return _generated_sections(disclosure)
    values = cite.values_for(disclosure)
    rows = list(
        ExplanationSection.objects.filter(disclosure=disclosure)
        .prefetch_related("paragraphs")
        .order_by("order", "pk")
    )
    by_parent: dict = {}
    for s in rows:
        item = {
            "number": s.number,
            "title": s.title,
            "paragraphs": [_paragraph(p.text, values) for p in s.paragraphs.all()],
            "sections": [],
        }
        by_parent.setdefault(s.parent_id, []).append((s.pk, item))
    items = dict(pair for pairs in by_parent.values() for pair in pairs)
    for parent_id, pairs in by_parent.items():
        if parent_id is not None and parent_id in items:
            items[parent_id]["sections"] = [item for _pk, item in pairs]
    return [item for _pk, item in by_parent.get(None, [])]


# The generated narrative of a format without 情况说明: the page part's sentences, by section.
GENERATED = (
    ("一", "概况", ("basic_sentence",)),
    ("二", "收支决算情况", ("accounts_sentences",)),
    ("三", "“三公”经费公开情况", ("three_public_sentences",)),
)


def _generated_sections(disclosure: Disclosure) -> list[dict]:
    page = disclosure_page(slug=disclosure.agency.slug, year=disclosure.fiscal_year.year)
    result = []
    for number, title, names in GENERATED:
        texts = []
        for name in names:
            value = getattr(page.part, name, None) or []
            texts += [value] if isinstance(value, str) else list(value)
        if texts:
            result.append(
                {
                    "number": number,
                    "title": title,
                    "paragraphs": [_generated(t) for t in texts],
                    "sections": [],
                }
            )
    return result
