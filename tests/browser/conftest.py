"""Browser tests: Python Playwright driving Debian's Chromium against pytest-django's live server.
Playwright cannot download its own browser here; .ci/run installs the Debian packages. Locally the
tests skip without a browser; in CI a missing browser is a failure.

The browser is Debian's ``chromium-headless-shell`` when it is installed, else ``chromium``: the
headless shell is what Playwright itself runs for headless Chromium (the same Blink engine, layout
and CSS, without the full browser's UI machinery), and the browser suite runs in about two thirds
of the time (80 s against 117-129 s on 2 cores, the same 37 tests passing, axe-core included).
``CHROMIUM_PATH`` picks another binary.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import IN_CI
from tests.demodata import last_demo

HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or (HEADLESS_SHELL if os.path.exists(HEADLESS_SHELL) else "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if IN_CI:
        raise pytest.UsageError(f"CI=true krever Chromium på {CHROMIUM} for nettlesertestene")
    skip = pytest.mark.skip(reason=f"Chromium finnes ikke på {CHROMIUM}")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def nettleser():
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do (Innlogger.side: 15 s per context). Playwright's expect
    # waits 5 s by default, which one render on this 2-core machine under load can exceed (seen once:
    # an error message after a form post in test_tilgjengelighet, run beside other work).
    expect.set_options(timeout=15_000)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                  "--disable-extensions", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo_live(transactional_db):
    """The demo in the live server's database (replayed, tests/demodata.py); flushed after the test."""
    last_demo()


class Innlogger:
    """Opens a browser context logged in as a user, by copying a Django session cookie in."""

    def __init__(self, nettleser, live_server):
        self.nettleser = nettleser
        self.live_server = live_server
        self.contexts = []

    def side(self, user, *, bypass_csp: bool = False):
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context = self.nettleser.new_context(base_url=self.live_server.url, locale="nb-NO",
                                             bypass_csp=bypass_csp, viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
                              "url": self.live_server.url}])
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.csp_feil = []
        page.on("console", lambda msg: page.csp_feil.append(msg.text)
                if "Content Security Policy" in msg.text else None)
        return page

    def lukk(self):
        for c in self.contexts:
            c.close()


@pytest.fixture
def innlogget(nettleser, live_server):
    innlogger = Innlogger(nettleser, live_server)
    yield innlogger.side
    innlogger.lukk()


AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
#: axe-core itself, vendored (vendor/axe-core/README.md: a newer release than the Python package's,
#: about twice as fast in Chromium with the same rules).
AXE_SCRIPT = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
AXE_VERSJON = re.search(r"axe v(\S+)", AXE_SCRIPT[:200]).group(1)


def axe_sjekk(page) -> str:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; return a report of violations or "".

    The engine is put into the page unless it is there already (a check after an htmx update, with
    no new page load, finds it): 650 KB of script, parsed each time, was a fifth of a check."""
    from axe_playwright_python.base import AxeResults

    if not page.evaluate("v => typeof window.axe === 'object' && window.axe.version === v", AXE_VERSJON):
        page.evaluate(AXE_SCRIPT)
    results = AxeResults(page.evaluate("o => axe.run(document, o)", AXE_OPTIONS))
    return "" if results.violations_count == 0 else results.generate_report()


#: How long a read waits for a page: as long as an action (Innlogger.side: 15 s per context).
VENT_S = 15.0


def innhold(page) -> str:
    """The page's HTML once its document has loaded.

    ``page.content()`` read right after a click that navigates may fail ("the page is navigating")
    or give an empty document while the answer is on its way (seen in CI: '' after a form post);
    this waits for the load and reads again until it has a document."""
    from playwright.sync_api import Error as PlaywrightError

    frist = time.monotonic() + VENT_S
    while True:
        try:
            page.wait_for_load_state("domcontentloaded")
            html = page.content()
            if html:
                return html
        except PlaywrightError:
            if time.monotonic() > frist:
                raise
        if time.monotonic() > frist:
            return ""
        page.wait_for_timeout(50)


def forvent_tekst(page, tekst: str) -> str:
    """Wait until the page's HTML holds ``tekst`` and return the HTML; fail if it never does.

    After a click that posts a form, the old page may still be there when the click returns: reading
    at once would find the form, not the answer (seen: test_eldre_brev, test_moter)."""
    frist = time.monotonic() + VENT_S
    while True:
        html = innhold(page)
        if tekst in html:
            return html
        if time.monotonic() > frist:
            raise AssertionError(f"«{tekst}» kom ikke på siden {page.url} innen {VENT_S:.0f} s")
        page.wait_for_timeout(100)
