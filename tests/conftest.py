import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from disclosure.models import reference_data as reference

ROOT = Path(__file__).resolve().parent.parent
SEED_FIXTURE = ROOT / "fixtures" / "seed-liyang-xinfang-2014.json"
SEED_SOURCE = ROOT / "fixtures" / "source" / "liyang-xinfang-2014.txt"
PUTUO_FIXTURE = ROOT / "fixtures" / "putuo-planning-resources-2024.json"
PUTUO_SOURCE = ROOT / "fixtures" / "source" / "putuo-2024"
SEED, PUTUO = ("liyang-xinfang", 2014), ("putuo-ghzy", 2024)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hasher():
    """PBKDF2 spends its time on purpose; tests hash a password for every user they make.
    MD5 is a real hasher all the same: `client.login` and the browser's login form check the
    password for real, only cheaply. Production keeps Django's default list."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Chinese: a request to an /en/ page leaves English active in the
    thread (LocaleMiddleware activates it and nothing deactivates it), and a later test that
    builds text outside a request would then read English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- the demo documents, loaded per test or once per module ---------------------------------
#
# Loading the Putuo document (724 objects) and reopening it as a draft costs about a second;
# a module whose tests only read the documents (or change them inside their own transaction)
# loads them once, Django's setUpTestData way: the module opens a transaction, loads, and rolls
# it back after its last test; each test runs in a savepoint inside it, rolled back as usual, so
# what one test writes no other test sees. A module opts in for every one of its tests, so that
# no test sees documents depending on which tests ran before it:
#
#     pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_for_module")]
#
# Transactional tests (live_server) flush the database and cannot run inside a transaction:
# they keep loading per test.


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    flagged = bool(marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))
    names = request.fixturenames
    return flagged or "transactional_db" in names or "live_server" in names


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """A transaction around a whole module, rolled back after its last test (see above)."""
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _shared_data_is_not_for_transactional_tests(request):
    if "module_transaction" in request.fixturenames and _transactional(request):
        pytest.fail("a transactional test cannot run inside its module's shared transaction")


@pytest.fixture(autouse=True)
def _no_kept_responses():
    """Public responses are kept (disclosure.caching) in the process's memory: no test sees
    another's. Only the local-memory cache is emptied: a Redis may be someone else's."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from disclosure.caching.published import forget

    forget()
    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


def _shared(request, name: str) -> bool:
    return name in request.fixturenames


def load_seed() -> None:
    reference.ensure_loaded()  # a transactional test (live_server) flushes migration data
    call_command("loaddata", str(SEED_FIXTURE), verbosity=0)


def load_putuo() -> None:
    reference.ensure_loaded()
    call_command("loaddata", str(PUTUO_FIXTURE), verbosity=0)


@pytest.fixture(scope="module")
def seed_for_module(module_transaction, django_db_blocker):
    with django_db_blocker.unblock():
        load_seed()


@pytest.fixture(scope="module")
def putuo_for_module(module_transaction, django_db_blocker):
    with django_db_blocker.unblock():
        load_putuo()


@pytest.fixture(scope="module")
def seed_draft_for_module(seed_for_module, django_db_blocker) -> int:
    """The seed reopened as a correction draft (same figures), once for the module: its id."""
    with django_db_blocker.unblock():
        return reopened(_disclosure(*SEED)).pk


@pytest.fixture(scope="module")
def putuo_draft_for_module(putuo_for_module, django_db_blocker) -> int:
    with django_db_blocker.unblock():
        return reopened(_disclosure(*PUTUO)).pk


def reopened(disclosure):
    from tests import factories  # models are importable only once pytest-django set Django up

    return factories.reopened(disclosure)


def draft(request, name: str, published):
    """The module's reopened draft of `published` if the module shares one, else a new one."""
    from disclosure.models import Disclosure

    if _shared(request, name):
        pk = request.getfixturevalue(name)
        return Disclosure.objects.select_related("agency", "fiscal_year").get(pk=pk)
    return reopened(published)


def _disclosure(slug: str, year: int):
    from disclosure.models import Disclosure

    return Disclosure.objects.select_related("agency", "fiscal_year").get(
        agency__slug=slug,
        fiscal_year__year=year,
        corrects=None,  # not a module's draft of it
    )


@pytest.fixture
def seed(request, db):
    """The real 2014 disclosure of 溧阳市信访局, loaded exactly as `make demo` loads it.
    A fresh instance for every test, even when the rows were loaded once for the module."""
    if not _shared(request, "seed_for_module"):
        load_seed()
    return _disclosure(*SEED)


@pytest.fixture
def seed_text() -> str:
    return SEED_SOURCE.read_text(encoding="utf-8")


@pytest.fixture
def putuo(request, db):
    """The real 2024 disclosure of 上海市普陀区规划和自然资源局 (standard format)."""
    if not _shared(request, "putuo_for_module"):
        load_putuo()
    return _disclosure(*PUTUO)


@pytest.fixture
def putuo_source() -> dict:
    return json.loads((PUTUO_SOURCE / "disclosure.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session", autouse=True)
def packages_root(tmp_path_factory):
    """A publication rebuilds its year's data package once it commits, which transactional
    tests (live_server) reach: into a temporary folder, never the checkout's var/packages/."""
    with override_settings(PACKAGES_ROOT=tmp_path_factory.mktemp("packages")):
        yield
