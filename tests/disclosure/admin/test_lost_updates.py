"""Two people saving rows of the same disclosure on the rows' own pages: the later save from a
page opened before the earlier one is refused, and nothing of the earlier one is lost."""

from decimal import Decimal

import pytest
from django.test import Client

from disclosure.models import Disclosure, ExpenditureLine, ThreePublicExpense
from tests.factories import (
    CLERK,
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    ThreePublicExpenseFactory,
    user_in_role,
)

pytestmark = pytest.mark.django_db

STALE = "该决算已被他人修改"


@pytest.fixture
def draft(seed):
    return DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))


@pytest.fixture
def two_clerks(draft):
    clients = []
    for name in ("clerk-a", "clerk-b"):
        client = Client()
        client.force_login(user_in_role(CLERK, agencies=[draft.agency], username=name))
        clients.append(client)
    return clients


def opened(client, url: str) -> dict:
    """The form's values as the page carries them (hidden version included)."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else getattr(value, "pk", value)
    return data


def test_a_line_saved_from_a_stale_page_is_refused(draft, two_clerks):
    line = ExpenditureLineFactory(disclosure=draft, statement="income", name="收入")
    url = f"/admin/disclosure/expenditureline/{line.pk}/change/"
    first, second = two_clerks
    page_a, page_b = opened(first, url), opened(second, url)
    assert page_a["disclosure_version"] == Disclosure.objects.get(pk=draft.pk).version
    first.post(url, page_a | {"amount_wan": "7"})
    response = second.post(url, page_b | {"amount_wan": "9"})
    assert STALE in response.content.decode()
    assert ExpenditureLine.objects.get(pk=line.pk).amount_yuan == Decimal("70000.00")


def test_a_change_to_another_row_also_makes_the_page_stale(draft, two_clerks):
    line = ExpenditureLineFactory(disclosure=draft, statement="income", name="收入")
    record = ThreePublicExpenseFactory(disclosure=draft, item="reception")
    line_url = f"/admin/disclosure/expenditureline/{line.pk}/change/"
    record_url = f"/admin/disclosure/threepublicexpense/{record.pk}/change/"
    first, second = two_clerks
    stale_record_page = opened(second, record_url)
    first.post(line_url, opened(first, line_url) | {"amount_wan": "3"})
    response = second.post(record_url, stale_record_page | {"amount_wan": "1"})
    assert STALE in response.content.decode()
    assert ThreePublicExpense.objects.get(pk=record.pk).amount_yuan == record.amount_yuan


def test_a_fresh_page_saves(draft, two_clerks):
    line = ExpenditureLineFactory(disclosure=draft, statement="income", name="收入")
    url = f"/admin/disclosure/expenditureline/{line.pk}/change/"
    first, second = two_clerks
    first.post(url, opened(first, url) | {"amount_wan": "7"})
    response = second.post(url, opened(second, url) | {"amount_wan": "9"})
    assert response.status_code == 302
    assert ExpenditureLine.objects.get(pk=line.pk).amount_yuan == Decimal("90000.00")


# --- every admin path of a disclosure's content (issue 15, item 4) -------------------------------


def _values(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        key = form.add_prefix(name)
        if value is True:
            data[key] = "on"
        elif isinstance(value, (list, tuple)):
            data[key] = [getattr(v, "pk", v) for v in value]
        else:
            data[key] = getattr(value, "pk", value)
    return data


def whole_page(client, url: str) -> dict:
    """Everything a browser posts back from the change page as it was opened: the main form
    (the hidden version included) and every inline with its management form."""
    context = client.get(url).context
    data = _values(context["adminform"].form) | {"_save": "保存"}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.forms:
            data |= _values(form)
    return data


def race(url: str, clients, first_change: dict, second_change: dict):
    """Both open the page; the first saves; the second saves from the page it opened."""
    first, second = clients
    page_a, page_b = whole_page(first, url), whole_page(second, url)
    response = first.post(url, page_a | first_change)
    assert response.status_code == 302, response.content.decode()[:2000]
    return second.post(url, page_b | second_change)


def test_every_admin_page_of_a_disclosures_rows_carries_the_version():
    """A new admin of a disclosure's rows gets the version check by its base (ScopedHistoryAdmin:
    the row's page carries the version; save and delete end in disclosure_figures_changed)."""
    from django.contrib import admin

    from disclosure.admin.scoping import ScopedHistoryAdmin
    from disclosure.models.frozen import DisclosurePart

    parts = {m: a for m, a in admin.site._registry.items() if issubclass(m, DisclosurePart)}
    assert len(parts) >= 6
    for model, model_admin in parts.items():
        assert isinstance(model_admin, ScopedHistoryAdmin), model
