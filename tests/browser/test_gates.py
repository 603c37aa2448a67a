"""Quality gates over every public page type, at a phone's and a desktop's width: axe-core
finds nothing serious or critical, the Nu HTML checker finds no error, and no page is wider
than the screen. Screenshots and the pages' HTML are kept under var/gates/ for review.

The pages are visited once for the module (the documents loaded, checked and packaged as
`make demo` does); each test then asserts one gate for one page at one width. A page still to
be built (search, compare) is in the list with the reason it is skipped while it answers 404.
"""

import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from disclosure.models import reference_data as reference
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.gates import checkers
from tests.browser.test_citizen import body_overflow
from tests.browser.test_clerk import log_in
from tests.conftest import ROOT, SEED, _disclosure
from tests.factories import AUDITOR, CLERK, REVIEWER, reopened, user_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(os.environ.get("GATES_DIR", ROOT / "var" / "gates"))


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    login: str = ""  # a staff page: the role to log in as
    planned: str = ""  # a page not built yet: skipped while it answers 404, with this reason
    setup: Callable[[], None] | None = None  # run once before the page is visited


def correct_the_seed() -> None:
    """Publish a correction of the 2014 seed (as a reviewer would): its page then shows the
    已更正 banner and the 更正记录 (the issue found the corrected page's only HTML errors)."""
    from disclosure.models import ExpenditureLine
    from disclosure.workflow import services

    draft = reopened(_disclosure(*SEED))
    lines = ExpenditureLine.objects.filter(disclosure=draft, statement="functional")
    lines.filter(name="住房保障支出").update(amount_yuan=Decimal("120000.00"))
    lines.filter(name="一般公共服务支出").update(amount_yuan=Decimal("1838200.00"))
    clerk = user_in_role(CLERK, agencies=[draft.agency], username="gates-clerk")
    reviewer = user_in_role(REVIEWER, username="gates-reviewer")
    services.disclosure_submit(disclosure=draft, by=clerk)
    services.disclosure_publish(disclosure=draft, by=reviewer, note="住房保障支出填报有误")


def many_agencies() -> None:
    """250 more agencies: the home page's list runs to five pages of 50, and its third shows
    every link of the pager (first, previous, next, last)."""
    from bureaus.models import Agency

    Agency.objects.bulk_create(
        Agency(name=f"门禁测试区第{i:03d}局", slug=f"gates-{i:03d}", region="门禁测试区")
        for i in range(250)
    )


# Every public page type; a new page type is one line here.
PAGES = [
    Page("home", "/"),
    Page("agency", "/agencies/putuo-ghzy/"),
    Page("disclosure-2014", "/agencies/liyang-xinfang/2014/"),
    Page("disclosure-standard", "/agencies/putuo-ghzy/2024/"),
    # An agency with a 部门预算 beside its 决算: its list of both, the budget, the 决算 of a
    # year whose budget is not on the site (and says so).
    Page("agency-with-budget", "/agencies/putuo-wenlv/"),
    Page("budget", "/agencies/putuo-wenlv/2026/budget/"),
    Page("disclosure-printed-contradictions", "/agencies/putuo-wenlv/2025/"),
    # After the pages that show the seed as first published.
    Page("disclosure-corrected", "/agencies/liyang-xinfang/2014/", setup=correct_the_seed),
    Page("year", "/years/2024/"),
    Page("downloads", "/downloads/"),
    Page("reconciliation", "/reconciliation/", login=AUDITOR),
    Page("search", "/search/?q=规划"),
    Page("compare", "/compare/?year=2024"),
    Page("compare-years", "/compare/?agency=liyang-xinfang"),
    # The English pages share the templates; their words and lang marks are their own.
    Page("home-en", "/en/"),
    Page("disclosure-standard-en", "/en/agencies/putuo-ghzy/2024/"),
    Page("disclosure-2014-en", "/en/agencies/liyang-xinfang/2014/"),
    Page("budget-en", "/en/agencies/putuo-wenlv/2026/budget/"),
    Page("search-en", "/en/search/?q=201"),
    Page("compare-en", "/en/compare/?year=2024"),
    # Last: its agencies would lengthen every list visited after it.
    Page("home-paged", "/?page=3", setup=many_agencies),
]
WIDTHS = {
    "390px": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    },
    "1366px": {"viewport": {"width": 1366, "height": 768}},
}
SCREENSHOT_MS = 60_000
CASES = [(p, w) for p in PAGES for w in WIDTHS]
IDS = [f"{p.name}-{w}" for p, w in CASES]


@dataclass
class Visit:
    status: int
    html: Path
    screenshot: Path
    overflow: int = 0
    axe: list | None = None
    vnu: list | None = None


def _site() -> None:
    """The demo's documents, checked and packaged as `make demo` leaves them."""
    reference.ensure_loaded()  # the live server's tests flush the migrations' rows
    call_command("load_seed", stdout=io.StringIO())
    call_command("reconcile_all", stdout=io.StringIO())
    call_command("build_packages", stdout=io.StringIO())
    user_in_role(AUDITOR, username="gates-auditor")


def _visit(context, base_url: str, page: Page, width: str) -> Visit:
    tab = context.new_page()
    response = tab.goto(base_url + page.url)
    stem = f"{page.name}-{width}"
    visit = Visit(response.status, OUT / "html" / f"{stem}.html", OUT / f"{stem}.png")
    if response.status == 200:
        # The HTML as served (what the Nu checker validates), not the browser's serialised DOM.
        visit.html.write_bytes(response.body())
        # A long page at full length takes seconds to paint on a busy machine.
        tab.screenshot(path=visit.screenshot, full_page=True, timeout=SCREENSHOT_MS)
        visit.overflow = body_overflow(tab)
        visit.axe = checkers.axe_violations(tab)
    tab.close()
    return visit


@pytest.fixture(scope="module")
def visits(browser, live_server, django_db_setup, django_db_blocker):
    reason = checkers.missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    (OUT / "html").mkdir(parents=True, exist_ok=True)
    # The live server's thread reads the database throughout: unblocked for the whole visit
    # (each test's own database access begins only after this module fixture).
    with django_db_blocker.unblock():
        found = _visit_all(browser, live_server.url)
    served = [v for v in found.values() if v.status == 200]
    errors = checkers.vnu_errors([v.html for v in served])
    for visit in served:
        visit.vnu = errors.get(visit.html.resolve(), [])
    _summary(found)
    return found


def _visit_all(browser, base_url: str) -> dict:
    """Each page in the list's order at every width (a page's `setup` runs once before it)."""
    _site()
    contexts = {}
    for width, options in WIDTHS.items():
        for login in {p.login for p in PAGES}:
            context = browser.new_context(locale="zh-CN", **options)
            context.set_default_timeout(TIMEOUT_MS)
            if login:
                log_in(context.new_page(), base_url, "gates-auditor")
            contexts[width, login] = context
    found: dict[tuple[str, str], Visit] = {}
    for page in PAGES:
        if page.setup:
            page.setup()
        for width in WIDTHS:
            found[page.name, width] = _visit(contexts[width, page.login], base_url, page, width)
    for context in contexts.values():
        context.close()
    return found


def _summary(found: dict) -> None:
    """var/gates/summary.json: per page and width, what each checker found (for review)."""
    summary = {
        f"{name}-{width}": {
            "status": v.status,
            "axe_serious_or_critical": checkers.gated(v.axe or []),
            "axe_other": [x for x in v.axe or [] if x not in checkers.gated(v.axe)],
            "vnu_errors": v.vnu,
            "overflow_px": v.overflow,
            "screenshot": str(v.screenshot) if v.status == 200 else None,
        }
        for (name, width), v in found.items()
    }
    text = json.dumps(summary, ensure_ascii=False, indent=1)
    (OUT / "summary.json").write_text(text, encoding="utf-8")


def _visited(visits, page: Page, width: str) -> Visit:
    visit = visits[page.name, width]
    if page.planned and visit.status == 404:
        pytest.skip(f"{page.url} answers 404: {page.planned}")
    assert visit.status == 200, f"{page.url} answered {visit.status}"
    return visit


@pytest.mark.parametrize(("page", "width"), CASES, ids=IDS)
def test_axe_finds_nothing_serious_or_critical(visits, page, width):
    visit = _visited(visits, page, width)
    assert checkers.gated(visit.axe) == []


@pytest.mark.parametrize(("page", "width"), CASES, ids=IDS)
def test_the_nu_html_checker_finds_no_error(visits, page, width):
    visit = _visited(visits, page, width)
    assert visit.vnu == []


@pytest.mark.parametrize(("page", "width"), CASES, ids=IDS)
def test_no_page_is_wider_than_the_screen(visits, page, width):
    visit = _visited(visits, page, width)
    assert visit.overflow <= 0, f"{visit.overflow} px wider than the screen"
    assert visit.screenshot.exists()


def test_the_corrected_page_is_a_published_correction(visits):
    visit = _visited(visits, next(p for p in PAGES if p.name == "disclosure-corrected"), "390px")
    html = visit.html.read_text(encoding="utf-8")
    assert "已更正" in html and 'id="corrections"' in html
