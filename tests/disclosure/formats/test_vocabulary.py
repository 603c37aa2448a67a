"""Words from data that the English pages translate: the shipped format's tables, columns and
fixed rows, the choices a page prints, and the classification's English names."""

import json

import pytest
from django.utils import translation

from bureaus.models import UnitKind
from disclosure.formats import vocabulary
from disclosure.models import (
    ClassificationCode,
    DisclosureStatus,
    Severity,
    Statement,
    ThreePublicItem,
)
from disclosure.models.narrative import FigureSection
from disclosure.models.reference_data import FIXTURES, FORMATS

LISTED = set(vocabulary.FORMAT_WORDS) | set(vocabulary.CHOICE_WORDS)


def format_words() -> set[str]:
    words = set()
    for filename in FORMATS:
        data = json.loads((FIXTURES / "formats" / filename).read_text(encoding="utf-8"))
        for table in data["tables"]:
            words |= {table["title"], table["unit"], table["note"]}
            for column in table["columns"]:
                words |= {column["side"], column["label"], column["group"]}
            for row in table["rows"]:
                words |= {row["side"], row["panel"]}
                if not row["code"]:  # a coded row is named by the classification
                    words.add(row["name"])
    return words - {""}


def choice_words() -> set[str]:
    enums = [DisclosureStatus, ThreePublicItem, Statement, Severity, UnitKind, FigureSection]
    return {str(label) for enum in enums for label in enum.labels}


def test_every_word_of_the_shipped_format_and_the_printed_choices_is_listed():
    assert format_words() - LISTED == set()
    assert choice_words() - LISTED == set()


def test_every_listed_word_has_its_english():
    with translation.override("en"):
        same = sorted(w for w in LISTED if translation.gettext(w) == w)
    assert same == []


@pytest.mark.django_db
def test_the_classification_has_the_english_names_of_its_categories():
    """Every 类 of every code version has its English name (the MoF's), and the common 款 and
    项 of the shipped disclosures too; the migration filled them from fixtures/classification."""
    categories = ClassificationCode.objects.filter(code__regex=r"^\d{3}$")
    assert categories.exists()
    assert list(categories.filter(name_en="").values_list("code", flat=True)) == []
    names = dict(
        ClassificationCode.objects.filter(version__key="2018").values_list("code", "name_en")
    )
    assert names["201"] == "General Public Services"
    assert names["208"] == "Social Security and Employment"
    assert names["212"] == "Urban and Rural Community Affairs"
    assert names["221"] == "Housing Security"
    assert names["2210201"] == "Housing Provident Fund"
    assert names["30204"] == ""  # no English name known: the page prints the Chinese
