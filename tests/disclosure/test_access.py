"""The permission matrix, over HTTP: 4 roles × every admin path × own and other agency.

Each action returns True only when it both ran and showed or changed the target's data, so
"not allowed" also means "nothing leaked". Adding a path (e.g. the import page) is one entry
in ACTIONS and one word in ALLOWED.
"""

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from bureaus.models import Agency
from disclosure import access as permissions
from disclosure.exports import rows as exports
from disclosure.importing import disclosure_import
from disclosure.models import Disclosure, ExpenditureLine
from tests.deleting import confirmed
from tests.disclosure.importing.import_files import long_csv
from tests.factories import (
    AUDITOR,
    CLERK,
    REVIEWER,
    AgencyFactory,
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    UserFactory,
    publish,
    user_in_role,
)

# The two worlds are built once for the module; each test's writes are rolled back.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worlds_for_module")]

BASE = "/admin/disclosure/disclosure/"


class World:
    """One agency's disclosures in every state, each with a figure no one else has."""

    def __init__(self, tag: str):
        self.tag = tag
        self.agency = AgencyFactory(name=f"{tag}单位", slug=f"{tag}-agency")
        self.published = self._disclosure(2014, "published")
        self.draft = self._disclosure(2015, "draft")
        self.submitted = self._disclosure(2016, "submitted")

    def _disclosure(self, year: int, status: str) -> Disclosure:
        disclosure = DisclosureFactory(agency=self.agency, fiscal_year=FiscalYearFactory(year=year))
        ExpenditureLineFactory(
            disclosure=disclosure, name=f"{self.tag}{status}数字", amount_yuan=Decimal("12345.00")
        )
        if status == "published":
            publish(disclosure)
        elif status == "submitted":
            Disclosure.objects.filter(pk=disclosure.pk).update(status="submitted")
        return disclosure

    def fresh(self) -> "World":
        """The same world read again from the database: a test may change its instances."""
        world = copy.copy(self)
        world.agency = Agency.objects.get(pk=self.agency.pk)
        world.published, world.draft, world.submitted = (
            reload(d) for d in (self.published, self.draft, self.submitted)
        )
        return world

    def figure(self, status: str) -> str:
        return f"{self.tag}{status}数字"


def reload(disclosure: Disclosure) -> Disclosure:
    return Disclosure.objects.get(pk=disclosure.pk)


def _list(client, w: World) -> bool:
    body = client.get(BASE).content.decode()
    return f"{BASE}{w.draft.pk}/change/" in body


def _view(client, w: World) -> bool:
    response = client.get(f"{BASE}{w.published.pk}/change/")
    return response.status_code == 200 and w.figure("published") in response.content.decode()


def _history(client, w: World) -> bool:
    response = client.get(f"{BASE}{w.published.pk}/history/")
    return response.status_code == 200 and w.agency.name in response.content.decode()


def _add(client, w: World) -> bool:
    fiscal_year = FiscalYearFactory(year=2017)
    client.post(
        f"{BASE}add/",
        {"agency": w.agency.pk, "fiscal_year": fiscal_year.pk, "head_name": "新", **_no_inlines()},
    )
    return Disclosure.objects.filter(agency=w.agency, fiscal_year=fiscal_year).exists()


def _change(client, w: World) -> bool:
    data = {
        "agency": w.agency.pk,
        "fiscal_year": w.draft.fiscal_year_id,
        "head_name": "改过的名字",
        "version": w.draft.version,
        **_no_inlines(),
    }
    client.post(f"{BASE}{w.draft.pk}/change/", data)
    return reload(w.draft).head_name == "改过的名字"


def _delete(client, w: World) -> bool:
    client.post(f"{BASE}{w.draft.pk}/delete/", confirmed(w.draft.pk))
    return not Disclosure.objects.filter(pk=w.draft.pk).exists()


def _workflow(step: str, target: str, text: str = ""):
    def act(client, w: World) -> bool:
        disclosure = getattr(w, target)
        before = reload(disclosure).status
        client.post(f"{BASE}{disclosure.pk}/workflow/{step}/", {"text": text})
        if step == "correct":
            return Disclosure.objects.filter(corrects=disclosure).exists()
        return reload(disclosure).status != before

    return act


def _export(client, w: World) -> bool:
    response = client.post(
        BASE, {"action": "export_csv", "_selected_action": [w.published.pk, w.draft.pk]}
    )
    if response.get("Content-Type") != "text/csv; charset=utf-8":
        return False
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return w.figure("published") in body and w.figure("draft") in body


def _import(client, w: World) -> bool:
    # The import service, which the admin's import page and the command line both call.
    year = str(w.draft.fiscal_year.year)
    row = [w.agency.name, year, "收入决算", "", "导入数字", "", "决算数", "", "1.00", *[""] * 9]
    try:
        report = disclosure_import(
            agency=w.agency,
            fiscal_year=w.draft.fiscal_year,
            file=long_csv([row], header=exports.HEADER),
            by=client.user,
        )
    except PermissionDenied:
        return False
    return report.ok and w.draft.lines.filter(name="导入数字").exists()


def _no_inlines() -> dict:
    data = {}
    for prefix in ["staffing", "duties", "tasks", "lines", "three_public"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


ACTIONS = {
    "list": _list,
    "view": _view,
    "history": _history,
    "add": _add,
    "change": _change,
    "delete": _delete,
    "import": _import,
    "export": _export,
    "submit": _workflow("submit", "draft"),
    "return": _workflow("return", "submitted", "请补充说明"),
    "publish": _workflow("publish", "submitted"),
    "correct": _workflow("correct", "published", "数字有误"),
}
READ = {"list", "view", "history"}
ALLOWED = {
    # role: (own agency, other agency)
    CLERK: (READ | {"add", "change", "delete", "import", "submit"}, set()),
    REVIEWER: (READ | {"return", "publish", "correct"},) * 2,
    AUDITOR: (READ | {"export"},) * 2,
    "admin": (set(ACTIONS),) * 2,
}


@pytest.fixture(scope="module")
def worlds_for_module(module_transaction, django_db_blocker):
    with django_db_blocker.unblock():
        return World("本"), World("他")


@pytest.fixture
def worlds(db, worlds_for_module):
    return tuple(world.fresh() for world in worlds_for_module)


def login(client, role: str, own_agency):
    if role == "admin":
        user = UserFactory(username="root", is_superuser=True)
    else:
        user = user_in_role(role, agencies=[own_agency] if role == CLERK else [])
    client.force_login(user)
    client.user = user
    return user


@pytest.mark.parametrize("scope", ["own", "other"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", [CLERK, REVIEWER, AUDITOR, "admin"])
def test_permission_matrix(client, worlds, role, action, scope):
    own, other = worlds
    login(client, role, own.agency)
    target = own if scope == "own" else other
    allowed = ALLOWED[role][0 if scope == "own" else 1]
    assert ACTIONS[action](client, target) is (action in allowed)


# --- the paths around the matrix: nothing of another agency shows anywhere --------------------


def test_clerk_sees_no_trace_of_another_agency(client, worlds):
    own, other = worlds
    login(client, CLERK, own.agency)
    pages = [
        BASE,
        "/admin/disclosure/expenditureline/",
        "/admin/disclosure/worktask/",
        "/admin/disclosure/threepublicexpense/",
        "/admin/bureaus/agency/",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert other.agency.name not in body, url  # not in rows, not in the filter choices
        assert other.figure("draft") not in body, url
    assert own.agency.name in client.get(BASE).content.decode()
    lines = client.get("/admin/disclosure/expenditureline/").content.decode()
    assert own.figure("draft") in lines
    line = other.draft.lines.get()
    assert client.get(f"/admin/disclosure/expenditureline/{line.pk}/change/").status_code == 302
    assert client.get(f"/admin/disclosure/expenditureline/{line.pk}/history/").status_code in (
        403,
        404,
    )
    # A crafted filter on the other agency finds nothing either.
    body = client.get(f"{BASE}?agency__id__exact={other.agency.pk}").content.decode()
    assert f"{BASE}{other.draft.pk}/change/" not in body


def test_autocomplete_offers_only_what_the_clerk_may_write_into(client, worlds):
    own, other = worlds
    login(client, CLERK, own.agency)
    agencies = client.get(
        "/admin/autocomplete/",
        {"app_label": "disclosure", "model_name": "disclosure", "field_name": "agency"},
    ).json()["results"]
    assert [a["text"] for a in agencies] == [own.agency.name]
    disclosures = client.get(
        "/admin/autocomplete/",
        {"app_label": "disclosure", "model_name": "expenditureline", "field_name": "disclosure"},
    ).json()["results"]
    assert [int(d["id"]) for d in disclosures] == [own.draft.pk]  # not the published nor others


def test_clerk_cannot_add_a_line_to_another_agency_through_the_line_page(client, worlds):
    own, other = worlds
    login(client, CLERK, own.agency)
    data = {
        "disclosure": other.draft.pk,
        "statement": "income",
        "code": "",
        "name": "偷偷加的",
        "order": "1",
        "amount_wan": "1",
    }
    response = client.post("/admin/disclosure/expenditureline/add/", data)
    assert response.status_code == 200  # the form refuses the choice
    assert not ExpenditureLine.objects.filter(name="偷偷加的").exists()
    response = client.post(
        "/admin/disclosure/expenditureline/add/", data | {"disclosure": own.draft.pk}
    )
    assert response.status_code == 302
    assert own.draft.lines.filter(name="偷偷加的").exists()


def test_published_and_submitted_are_read_only_for_everyone_in_the_admin(client, worlds):
    own, _other = worlds
    for role in [CLERK, "admin"]:
        login(client, role, own.agency)
        for disclosure in [own.published, own.submitted]:
            body = client.get(f"{BASE}{disclosure.pk}/change/").content.decode()
            assert 'name="_save"' not in body
            assert 'name="head_name"' not in body
            assert f"{BASE}{disclosure.pk}/delete/" not in body


def test_auditor_reads_the_audit_log_and_clerks_do_not(client, worlds):
    own, other = worlds
    login(client, AUDITOR, own.agency)
    body = client.get("/admin/disclosure/historicalexpenditureline/").content.decode()
    assert own.figure("draft") in body and other.figure("draft") in body
    login(client, CLERK, own.agency)
    assert client.get("/admin/disclosure/historicalexpenditureline/").status_code == 403


def test_history_cannot_be_reverted(client, worlds):
    own, _other = worlds
    login(client, "admin", own.agency)
    record = own.draft.history.earliest()
    url = f"{BASE}{own.draft.pk}/history/{record.history_id}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"head_name": "回滚"}).status_code == 403
    assert reload(own.draft).head_name != "回滚"


@pytest.mark.parametrize(
    ("role", "visible", "editable"),
    [
        (CLERK, {"本"}, {"本"}),
        (REVIEWER, {"本", "他"}, set()),
        (AUDITOR, {"本", "他"}, set()),
        ("admin", {"本", "他"}, {"本", "他"}),
    ],
)
def test_scoping_selectors(client, worlds, role, visible, editable):
    own, _other = worlds
    user = login(client, role, own.agency)
    seen = permissions.disclosures_visible_to(user)
    assert {d.agency.name[0] for d in seen} == visible
    assert seen.count() == 3 * len(visible)  # drafts, submitted and published alike
    writable = permissions.disclosures_editable_by(user)
    assert {(d.agency.name[0], d.status) for d in writable} == {(t, "draft") for t in editable}
