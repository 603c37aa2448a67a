"""Two clerks, two logged-in clients, one standard-format disclosure (Putuo 2024, reopened): on
every admin page that writes its content the later save from a page opened before the earlier
one is refused in Chinese and writes nothing (issue 15, item 4). The 2014 pages (the disclosure
page with its lines, a line's and a 三公 record's own page) are in test_lost_updates.py and
test_disclosures.py; the import's in tests/disclosure/importing/test_import_uploads.py."""

from decimal import Decimal

import pytest
from django.test import Client

from disclosure.models import (
    Cell,
    Disclosure,
    ExplanationParagraph,
    NarrativeFigure,
    ReportRow,
    TableNote,
)
from tests.conftest import draft
from tests.disclosure.admin.test_lost_updates import STALE, race, whole_page
from tests.factories import CLERK, user_in_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("putuo_draft_for_module")]


@pytest.fixture
def standard(request, putuo):
    return draft(request, "putuo_draft_for_module", putuo)


@pytest.fixture
def clerks(standard):
    clients = []
    for name in ("std-clerk-a", "std-clerk-b"):
        client = Client()
        client.force_login(user_in_role(CLERK, agencies=[standard.agency], username=name))
        clients.append(client)
    return clients


def refused(response) -> None:
    assert response.status_code == 200
    assert STALE in response.content.decode()


def inline_key(data: dict, prefix: str, pk: int, field: str) -> str:
    """The POST key of `field` of the inline form holding row `pk`."""
    for key, value in data.items():
        if key.startswith(f"{prefix}-") and key.endswith("-id") and str(value) == str(pk):
            return key.removesuffix("id") + field
    raise AssertionError(f"no {prefix} form for {pk}")


def test_a_cell_on_its_own_page(standard, clerks):
    cell = Cell.objects.filter(row__disclosure=standard).exclude(amount_yuan=None).first()
    url = f"/admin/disclosure/cell/{cell.pk}/change/"
    refused(race(url, clerks, {"amount_wan": "1.00"}, {"amount_wan": "2.00"}))
    assert Cell.objects.get(pk=cell.pk).amount_yuan == Decimal("10000.00")


def test_a_table_row_with_its_cells(standard, clerks):
    row = ReportRow.objects.filter(disclosure=standard, cells__isnull=False).first()
    cell = row.cells.first()
    url = f"/admin/disclosure/reportrow/{row.pk}/change/"
    page = whole_page(clerks[0], url)
    amount = inline_key(page, "cells", cell.pk, "amount_wan")
    first, second = {"explanation": "甲的说明"}, {"explanation": "乙的说明", amount: "3.00"}
    refused(race(url, clerks, first, second))
    row.refresh_from_db()
    assert row.explanation == "甲的说明"
    assert Cell.objects.get(pk=cell.pk).amount_yuan == cell.amount_yuan


def test_a_section_with_its_paragraphs(standard, clerks):
    paragraph = ExplanationParagraph.objects.filter(section__disclosure=standard).first()
    url = f"/admin/disclosure/explanationsection/{paragraph.section_id}/change/"
    text = inline_key(whole_page(clerks[0], url), "paragraphs", paragraph.pk, "text")
    refused(race(url, clerks, {text: "甲改写的段落。"}, {text: "乙改写的段落。"}))
    assert ExplanationParagraph.objects.get(pk=paragraph.pk).text == "甲改写的段落。"


def disclosure_race(standard, clerks, prefix: str, pk: int, field: str, first, second):
    url = f"/admin/disclosure/disclosure/{standard.pk}/change/"
    key = inline_key(whole_page(clerks[0], url), prefix, pk, field)
    return race(url, clerks, {key: first}, {key: second})


def parts_race(standard, clerks, part: str, pk: int, field: str, first, second, prefix=""):
    """情况说明数字 and 表说明 are edited on the disclosure's parts pages (…/parts/figures/)."""
    from tests.disclosure.admin.test_parts import form_of, opened, url

    pages = [opened(clerk, standard, part) for clerk in clerks]  # both open the page
    key = f"{form_of(pages[0], prefix or part, pk)}-{field}"
    assert clerks[0].post(url(standard, part), pages[0] | {key: first}).status_code == 302
    return clerks[1].post(url(standard, part), pages[1] | {key: second})


def test_a_narrative_figure_on_its_page(standard, clerks):
    figure = NarrativeFigure.objects.filter(disclosure=standard).first()
    refused(parts_race(standard, clerks, "figures", figure.pk, "value", "1.11", "2.22"))
    assert NarrativeFigure.objects.get(pk=figure.pk).value == Decimal("1.11")


def test_a_table_note_on_its_page(standard, clerks):
    note = TableNote.objects.filter(disclosure=standard).first()
    race = parts_race(standard, clerks, "notes", note.pk, "text", "甲", "乙", prefix="table_notes")
    refused(race)
    assert TableNote.objects.get(pk=note.pk).text == "甲"


def test_laying_out_table_rows_makes_open_pages_stale(standard, clerks):
    first, second = clerks
    # Tables that have rows are left alone; one emptied table gets its fixed rows again.
    rows = ReportRow.objects.filter(disclosure=standard)
    table = rows.filter(table__row_specs__isnull=False).first().table_id
    row = rows.exclude(table_id=table).first()
    url = f"/admin/disclosure/reportrow/{row.pk}/change/"
    page = whole_page(second, url)
    version = Disclosure.objects.get(pk=standard.pk).version
    rows.filter(table_id=table).delete()
    action = {"action": "add_table_rows", "_selected_action": [standard.pk]}
    assert first.post("/admin/disclosure/disclosure/", action).status_code == 302
    assert Disclosure.objects.get(pk=standard.pk).version > version
    refused(second.post(url, page | {"explanation": "乙的说明"}))
    assert ReportRow.objects.get(pk=row.pk).explanation == row.explanation
