"""Browser fixtures for any test: Debian's Chromium driven by Playwright, and the built site served
on 127.0.0.1 the way a host is configured for it (a missing /<locale>/... URL gets that locale's
404 page). conftest.py imports the fixtures, so a test only names them.
"""

from __future__ import annotations

import os
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# dev.py's setting too: CI on GitHub's runner points it at Google Chrome (.github/workflows/site.yml)
CHROMIUM = os.environ.get("HELPSITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files; a missing page gets the 404.html of the locale folder it is under."""

    def send_error(self, code, message=None, explain=None):
        if code != HTTPStatus.NOT_FOUND:
            return super().send_error(code, message, explain)
        body = not_found_page(Path(self.directory), urlsplit(self.path).path).read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def not_found_page(site: Path, url_path: str) -> Path:
    """/nb/anything -> nb/404.html when the locale has one; the root 404.html otherwise."""
    first = url_path.lstrip("/").split("/", 1)[0]
    localized = site / first / "404.html"
    return localized if first and localized.is_file() else site / "404.html"


class SiteServer:
    """The built site on a free port of 127.0.0.1, in a thread; stop() ends it."""

    def __init__(self, site: Path):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, directory=str(site)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


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
    """A fresh page (own cookies and storage) for one test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()
