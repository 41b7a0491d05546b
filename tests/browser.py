"""Browser fixtures for any test: Debian's Chromium driven by Playwright, and the built site served
on 127.0.0.1 the way a host is configured for it (a missing /<locale>/... URL gets that locale's
404 page). conftest.py imports the fixtures, so a test only names them.
"""

from __future__ import annotations

import pytest

from benchmarks.serving import CHROMIUM, CHROMIUM_ARGS, SiteServer


@pytest.fixture(scope="session")
def site_server(built_site):
    """Base URL of the real build, served like a host serves it."""
    server = SiteServer(built_site)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, launched once per session and closed at the end."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser_page(browser):
    """A fresh page (own cookies and storage) for one test; the pages' own Content-Security-Policy
    is bypassed, as it refuses the string predicates Playwright evaluates (tests/test_csp.py tests it)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        yield context.new_page()
    finally:
        context.close()
