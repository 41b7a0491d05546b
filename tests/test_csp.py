"""The Content-Security-Policy in hosting/ holds for the built site, in a real browser.

The site is served on 127.0.0.1 with the headers of hosting/_headers; Chromium loads pages
and searches, and any securitypolicyviolation event or CSP console error fails the test.
Requests to other hosts (Google Fonts) are aborted, so the test never leaves the machine.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ARTICLE, ROOT, build_env, copy_site, free_port, mkdocs_build, page_url, parse_html

from benchmarks.serving import fetch, stop, wait_for

HOSTING = ROOT / "hosting"
MATERIAL_PARTIALS = Path(__import__("material").__file__).parent / "templates" / "partials" / "javascripts"
OUR_SCRIPTS = ROOT / "overrides" / "assets" / "javascripts" / "helpsite"


def host_headers() -> dict[str, str]:
    """The headers hosting/_headers gives every path."""
    lines = (HOSTING / "_headers").read_text(encoding="utf-8").splitlines()
    return dict(line.strip().split(": ", 1) for line in lines if line.startswith("  "))


POLICY = host_headers()["Content-Security-Policy"]


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_nginx_example_sends_the_same_headers():
    config = (HOSTING / "nginx.conf").read_text(encoding="utf-8")
    sent = dict(re.findall(r'add_header (\S+) "([^"]*)" always;', config))
    assert sent == host_headers()


@pytest.mark.parametrize(
    "ours, partial, index",
    [
        ("base.js", "base.html", 0),
        ("palette.js", "palette.html", 0),
        ("content-tabs.js", "content.html", 0),
        ("content.js", "content.html", 1),
    ],
)
def test_external_scripts_equal_materials_inline_scripts(ours, partial, index):
    """Material's inline scripts, moved to files: equal to the installed Material's."""
    inline = re.findall(r"<script>(.*?)</script>", (MATERIAL_PARTIALS / partial).read_text(), re.S)[index]
    inline = inline.replace(
        '"{{ config.extra.scope | d(base_url) }}"', "document.currentScript.dataset.scope"
    )
    assert (OUR_SCRIPTS / ours).read_text(encoding="utf-8").split("\n", 1)[1] == inline + "\n"


def test_built_pages_have_only_what_the_policy_allows(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 17
    for path in pages:
        tree = parse_html(path)
        scripts = [s for s in tree.xpath("//script[not(@src)]") if s.get("type") != "application/json"]
        assert scripts == [], path
        for style in tree.xpath("//style"):
            assert sha256_source(style.text or "") in POLICY, (path, style.text)
        assert tree.xpath("//*[@style]") == [], path
        assert [
            a for e in tree.iter() if isinstance(e.tag, str) for a in e.attrib if a.startswith("on")
        ] == []


class _Handler(SimpleHTTPRequestHandler):
    headers_to_send: dict[str, str] = {}

    def end_headers(self):
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def serve_with():
    """serve_with(site, headers) -> base URL; every server is stopped after the module."""
    servers = []

    def start(site: Path, headers: dict[str, str], port: int = 0) -> str:
        handler = type("Handler", (_Handler,), {"headers_to_send": headers})
        server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def hosted_site(tmp_path_factory) -> tuple[Path, int]:
    """The site built for the origin it is served from, as a host builds it: the absolute
    hreflang links then stay on that origin (Material fetches a sitemap.xml for each)."""
    port = free_port()
    site = tmp_path_factory.mktemp("hosted") / "site"
    result = mkdocs_build(ROOT, site, env=build_env(HELPSITE_SITE_URL=f"http://127.0.0.1:{port}/"))
    assert result.returncode == 0, result.stderr
    return site, port


def visit(browser, base: str, actions) -> list[str]:
    """Run ``actions(page)`` on a fresh page; the CSP violations it caused."""
    context = browser.new_context()
    violations: list[str] = []
    context.route(lambda url: not url.startswith(base), lambda route: route.abort())
    context.expose_function("reportViolation", lambda text: violations.append(text))
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "reportViolation(e.violatedDirective + ' ' + e.blockedURI))"
    )
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        actions(page)
        page.wait_for_timeout(300)  # late violations (workers, lazy styles) are reported too
    finally:
        context.close()
    return violations


def search(page, base: str, locale: str, query: str) -> None:
    page.goto(base + page_url(locale, ""))
    page.click("input[name='query']")
    page.keyboard.type(query)
    page.wait_for_selector(".md-search-result__item", timeout=15000)


@pytest.fixture(scope="module")
def hosted_base(serve_with, hosted_site) -> str:
    """The hosted build on the origin it was built for, with the host's headers."""
    return serve_with(hosted_site[0], host_headers(), hosted_site[1])


@pytest.mark.parametrize("locale", ["en", "nb", "ar"])
def test_pages_and_search_load_under_the_policy(browser, hosted_base, locale):
    base = hosted_base
    query = {"en": "licenses", "nb": "lisenser", "ar": "Microsoft"}[locale]

    def actions(page):
        for path in (ARTICLE, ""):
            response = page.goto(base + page_url(locale, path))
            assert response.headers["content-security-policy"] == POLICY
            assert page.locator("article h1").count() == 1
        search(page, base, locale, query)
        assert page.locator(".md-search-result__item").count() >= 1

    assert visit(browser, base, actions) == []


def test_a_violation_would_be_seen(browser, serve_with, hosted_site):
    """The control: the same visit under a policy that allows no style sheet is reported."""
    narrower = dict(
        host_headers(), **{"Content-Security-Policy": POLICY.replace("style-src 'self'", "style-src 'none'")}
    )
    base = serve_with(hosted_site[0], narrower)
    violations = visit(browser, base, lambda page: page.goto(base + page_url("en")))
    assert any("style-src" in v for v in violations), violations


# ----------------------------------------------------------------------------
# The policy travels with the pages: a <meta http-equiv> element (helpsite/published/csp.py)
# ----------------------------------------------------------------------------

# What a <meta> element can carry of the host's policy: all but frame-ancestors, which the HTML
# standard ignores there (and Chromium reports in the console).
META_POLICY = POLICY.replace(" frame-ancestors 'none';", "")
INJECTED = "<script>window.injectedRan = true</script>"


def test_every_page_carries_the_policy_before_any_script_or_style(built_site):
    pages = sorted(built_site.rglob("*.html"))
    for path in pages:
        head = parse_html(path).xpath("/html/head/*")
        assert [head[0].get("charset"), head[1].get("http-equiv"), head[1].get("content")] == [
            "utf-8",
            "Content-Security-Policy",
            META_POLICY,
        ], path


def _injected(site: Path, target: Path, keep_meta: bool) -> Path:
    """A copy of the built site whose English article has an inline script injected before
    ``</body>`` (as an unescaped field would put it), with or without the page's policy."""
    shutil.copytree(site, target)
    page = target / page_url("en") / "index.html"
    html = page.read_text(encoding="utf-8").replace("</body>", INJECTED + "</body>", 1)
    if not keep_meta:
        html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html, count=1)
    page.write_text(html, encoding="utf-8")
    return target


@pytest.mark.parametrize("keep_meta", [True, False], ids=["meta-policy", "control-without-it"])
def test_an_injected_inline_script_is_blocked_with_no_headers(
    browser, serve_with, built_site, tmp_path, keep_meta
):
    base = serve_with(_injected(built_site, tmp_path / "site", keep_meta), {})
    seen = {}

    def actions(page):
        response = page.goto(base + page_url("en"))
        assert "content-security-policy" not in response.headers
        seen["ran"] = page.evaluate("window.injectedRan === true")

    violations = visit(browser, base, actions)
    if keep_meta:
        assert seen["ran"] is False
        assert [v for v in violations if v.startswith("script-src")] == ["script-src-elem inline"]
    else:  # the same page without the element: the script runs, so the test above can fail
        assert seen["ran"] is True
        assert violations == []


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_pages_and_search_load_under_the_meta_policy_alone(browser, serve_with, hosted_site, locale):
    """A host that sends no headers (GitHub Pages): the pages' own policy, and nothing breaks."""
    base = serve_with(hosted_site[0], {}, 0)
    query = {"en": "licenses", "ar": "Microsoft"}[locale]

    def actions(page):
        response = page.goto(base + page_url(locale))
        assert "content-security-policy" not in response.headers
        search(page, base, locale, query)
        assert page.locator(".md-search-result__item").count() >= 1

    assert visit(browser, base, actions) == []


def test_live_reload_runs_under_the_meta_policy_in_the_preview(browser, tmp_path):
    """The preview's injected live-reload script is allowed by the preview's nonce: the open page
    reloads when its source is saved, and nothing is refused."""
    from test_lifetime import start_preview

    project, port = copy_site(tmp_path / "project"), free_port()
    base = f"http://127.0.0.1:{port}/"
    source = project / "docs" / "nb" / f"{ARTICLE}.md"
    messages: list[str] = []

    def actions(page):
        page.on("console", lambda message: messages.append(message.text))
        page.goto(base + page_url("nb"))
        policy = page.locator("meta[http-equiv=Content-Security-Policy]").get_attribute("content")
        assert "'nonce-" in policy
        with page.expect_event("load", timeout=60000):  # the reload the edit causes
            edited = source.read_text(encoding="utf-8").replace("disse trinnene:", "disse nye trinnene:")
            source.write_text(edited, encoding="utf-8")
        assert "disse nye trinnene" in page.locator("article").inner_text()

    with open(tmp_path / "serve.log", "w") as log:
        preview = start_preview(project, port, log)
        try:
            assert wait_for(lambda: fetch(base), timeout=180), (tmp_path / "serve.log").read_text()
            assert visit(browser, base, actions) == []
            assert "Enabled live reload" in messages
        finally:
            stop(preview, timeout=15)
