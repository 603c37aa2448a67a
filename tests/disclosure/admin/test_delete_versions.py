"""Two clerks, one deleting from a confirmation page opened before the other's save: the delete
is refused with a Chinese message and nothing is deleted (admin/deleting.py; issue 15, item 4).
Both confirmation pages: one row's "删除", and the changelist's "删除所选"."""

from decimal import Decimal

import pytest
from django.test import Client

from disclosure.admin.deleting import STALE_DELETE_MESSAGE
from disclosure.models import Disclosure, ExpenditureLine
from tests.factories import (
    CLERK,
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    ThreePublicExpenseFactory,
    user_in_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(seed):
    return DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))


@pytest.fixture
def clerks(draft):
    clients = []
    for name in ("clerk-a", "clerk-b"):
        client = Client()
        client.force_login(user_in_role(CLERK, agencies=[draft.agency], username=name))
        clients.append(client)
    return clients


@pytest.fixture
def line(draft):
    return ExpenditureLineFactory(disclosure=draft, statement="income", name="收入")


def line_url(line, page: str) -> str:
    return f"/admin/disclosure/expenditureline/{line.pk}/{page}/"


def confirmation(client, url: str) -> dict:
    """What the confirmation page's form posts back: `post` and the hidden versions."""
    response = client.get(url)
    assert response.status_code == 200
    versions = response.context["disclosure_versions"]
    html = response.content.decode()
    for version in versions:
        assert f'name="disclosure_version" value="{version}"' in html
    return {"post": "yes", "disclosure_version": versions}


def save_line(client, line, amount_wan: str) -> None:
    """The other clerk corrects the line on its change page (which bumps the version)."""
    url = line_url(line, "change")
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else getattr(value, "pk", value)
    response = client.post(url, data | {"amount_wan": amount_wan})
    assert response.status_code == 302, response.content.decode()[:2000]


def messages_after(client, response) -> str:
    return client.get(response["Location"]).content.decode()


def version(disclosure) -> int:
    return Disclosure.objects.get(pk=disclosure.pk).version


# --- one row's confirmation ----------------------------------------------------------------------


def test_the_confirmation_page_carries_the_disclosures_version(draft, line, clerks):
    page = confirmation(clerks[0], line_url(line, "delete"))
    assert page["disclosure_version"] == [f"{draft.pk}:{version(draft)}"]


def test_a_delete_confirmed_after_someone_saved_the_row_is_refused(draft, line, clerks):
    first, second = clerks
    url = line_url(line, "delete")
    page = confirmation(first, url)
    save_line(second, line, "7")
    response = first.post(url, page)
    assert response.status_code == 302 and response["Location"] == url
    assert STALE_DELETE_MESSAGE in messages_after(first, response)
    assert ExpenditureLine.objects.get(pk=line.pk).amount_yuan == Decimal("70000.00")


def test_a_save_of_another_part_also_makes_the_confirmation_stale(draft, line, clerks):
    other = ExpenditureLineFactory(disclosure=draft, statement="income", name="财政拨款收入")
    first, second = clerks
    page = confirmation(first, line_url(line, "delete"))
    save_line(second, other, "5")
    first.post(line_url(line, "delete"), page)
    assert ExpenditureLine.objects.filter(pk=line.pk).exists()


def test_the_refused_page_carries_the_new_version_and_then_deletes(draft, line, clerks):
    first, second = clerks
    url = line_url(line, "delete")
    stale = confirmation(first, url)
    save_line(second, line, "7")
    first.post(url, stale)
    fresh = confirmation(first, url)
    assert fresh != stale
    before = version(draft)
    response = first.post(url, fresh)
    assert response.status_code == 302
    assert not ExpenditureLine.objects.filter(pk=line.pk).exists()
    assert version(draft) == before + 1  # pages opened before this delete are stale in turn


@pytest.mark.parametrize(
    "posted", [{}, {"disclosure_version": ""}, {"disclosure_version": "x:1"}], ids=repr
)
def test_a_confirmation_without_the_version_is_refused(draft, line, clerks, posted):
    response = clerks[0].post(line_url(line, "delete"), {"post": "yes"} | posted)
    assert STALE_DELETE_MESSAGE in messages_after(clerks[0], response)
    assert ExpenditureLine.objects.filter(pk=line.pk).exists()


def test_a_version_of_another_disclosure_does_not_stand_in(seed, draft, line, clerks):
    other = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2016))
    forged = {"post": "yes", "disclosure_version": f"{other.pk}:{version(other)}"}
    clerks[0].post(line_url(line, "delete"), forged)
    assert ExpenditureLine.objects.filter(pk=line.pk).exists()


def test_the_disclosure_itself_deleted_from_a_stale_confirmation_is_refused(draft, line, clerks):
    first, second = clerks
    url = f"/admin/disclosure/disclosure/{draft.pk}/delete/"
    page = confirmation(first, url)
    save_line(second, line, "7")
    response = first.post(url, page)
    assert STALE_DELETE_MESSAGE in messages_after(first, response)
    assert Disclosure.objects.filter(pk=draft.pk).exists()
    assert ExpenditureLine.objects.filter(pk=line.pk).exists()


def test_the_disclosure_itself_deletes_from_a_fresh_confirmation(draft, line, clerks):
    url = f"/admin/disclosure/disclosure/{draft.pk}/delete/"
    response = clerks[0].post(url, confirmation(clerks[0], url))
    assert response.status_code == 302
    assert not Disclosure.objects.filter(pk=draft.pk).exists()


# --- the changelist's "删除所选" ------------------------------------------------------------------

CHANGELIST = "/admin/disclosure/expenditureline/"


def selected_confirmation(client, rows) -> dict:
    chosen = {"action": "delete_selected", "_selected_action": [row.pk for row in rows]}
    response = client.post(CHANGELIST, chosen)
    assert response.status_code == 200
    versions = response.context["disclosure_versions"]
    html = response.content.decode()
    for value in versions:
        assert f'name="disclosure_version" value="{value}"' in html
    return chosen | {"post": "yes", "disclosure_version": versions}


def test_delete_selected_from_a_stale_confirmation_deletes_nothing(seed, draft, line, clerks):
    other_draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2016))
    other = ExpenditureLineFactory(disclosure=other_draft, statement="income", name="收入")
    first, second = clerks
    page = selected_confirmation(first, [line, other])
    assert sorted(page["disclosure_version"]) == sorted(
        f"{d.pk}:{version(d)}" for d in (draft, other_draft)
    )
    save_line(second, line, "7")  # one of the two disclosures moved on
    response = first.post(CHANGELIST, page)
    assert response.status_code == 302
    assert STALE_DELETE_MESSAGE in messages_after(first, response)
    assert ExpenditureLine.objects.filter(pk__in=[line.pk, other.pk]).count() == 2


def test_delete_selected_from_a_fresh_confirmation_deletes(draft, line, clerks):
    record = ThreePublicExpenseFactory(disclosure=draft, item="reception")
    response = clerks[0].post(CHANGELIST, selected_confirmation(clerks[0], [line]))
    assert response.status_code == 302
    assert not ExpenditureLine.objects.filter(pk=line.pk).exists()
    assert record.__class__.objects.filter(pk=record.pk).exists()


def test_every_admin_of_a_disclosure_or_its_rows_checks_deletes():
    from django.contrib import admin

    from disclosure.admin.deleting import VersionedDeleteMixin
    from disclosure.models.frozen import DisclosurePart

    admins = {
        m: a
        for m, a in admin.site._registry.items()
        if m is Disclosure or issubclass(m, DisclosurePart)
    }
    assert len(admins) >= 7
    for model, model_admin in admins.items():
        assert isinstance(model_admin, VersionedDeleteMixin), model
