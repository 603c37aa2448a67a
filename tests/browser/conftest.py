"""A real browser (Debian's chromium, driven by Playwright) against pytest-django's live_server.

Playwright never downloads a browser here: it drives /usr/bin/chromium. One browser per test
session keeps the suite fast; each test gets its own context (cookies, viewport) for isolation.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags chromium phones home at start-up and, with no route
# out of this machine, logs refused connections over the test output.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = (
    f"{CHROMIUM} not found: the browser tests need Debian's chromium "
    "(apt-get update && apt-get install -y chromium fonts-noto-cjk)."
)
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
TIMEOUT_MS = 10_000  # a local server answers in milliseconds; fail fast, not after 30 s


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        # CI must not turn green by skipping the whole browser suite.
        if os.environ.get("CI"):
            pytest.fail(MISSING, pytrace=False)
        pytest.skip(MISSING)
    with pytest.MonkeyPatch.context() as mp:
        # Playwright's sync API keeps an asyncio loop running in this thread for as long as it
        # lives, and Django's guard would then refuse every ORM call made here (test database
        # set-up, users, assertions). Nothing here is async: the live server has its own thread.
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
            )
            yield browser
            browser.close()
        finally:
            playwright.stop()


@pytest.fixture
def new_context(browser):
    """new_context(**options): a fresh context (no cookies) closed after the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(locale="zh-CN", accept_downloads=True, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A desktop page."""
    return new_context(**DESKTOP).new_page()


@pytest.fixture
def phone(new_context):
    """A phone page: 390×844, touch, mobile viewport meta honoured."""
    return new_context(**PHONE).new_page()
