"""The README's preview command: serves on 127.0.0.1, rebuilds on edit, live-reloads the page,
logs the checks' findings while it keeps serving, and previews one locale alone."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import ARTICLE, ROOT, build_env, copy_site, free_port

from helpsite import checks
from helpsite.serving import fetch, stop, wait_for
from helpsite.site import load_site


@pytest.fixture
def preview(tmp_path, request):
    """`python3 dev.py serve` (the README command) on a copy of the site, on a free port;
    parametrize it indirectly with more dev.py serve arguments."""
    project = copy_site(tmp_path / "project")
    port = free_port()
    log = open(tmp_path / "serve.log", "w+")
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "dev.py"),
            "serve",
            "-f",
            str(project / "mkdocs.yml"),
            "--dev-addr",
            f"127.0.0.1:{port}",
            *getattr(request, "param", ()),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=build_env(),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: fetch(base), timeout=120), (tmp_path / "serve.log").read_text()
        yield project, base, tmp_path / "serve.log"
    finally:
        # dev.py runs mkdocs as a child: stop its whole process group, not dev.py alone.
        stop(process, timeout=15, group=True)
        log.close()


def test_edit_is_served_and_live_reload_fires(preview):
    project, base, log = preview
    url = f"{base}nb/{ARTICLE}/"
    page = fetch(url)
    assert "livereload" in page  # the reload script is injected
    epoch = int(page.split("livereload(")[1].split(",")[0])

    source = project / "docs" / "nb" / f"{ARTICLE}.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "Ellers følger du disse trinnene:", "Ellers følger du disse redigerte trinnene:"
        ),
        encoding="utf-8",
    )
    started = time.monotonic()
    assert wait_for(lambda: "redigerte trinnene" in fetch(url), timeout=60), log.read_text()
    assert time.monotonic() - started < 60
    # The browser's long poll answers with a newer epoch: that is what reloads the open page.
    newer = int(fetch(f"{base}livereload/{epoch}/1", timeout=30))
    assert newer > epoch


def test_findings_are_logged_while_the_preview_keeps_serving(preview):
    project, base, log = preview
    source = project / "docs" / "nb" / f"{ARTICLE}.md"
    text = source.read_text(encoding="utf-8")
    # A duplicate front-matter key (an error) and a visible edit, saved together.
    source.write_text(
        text.replace("title: ", "title: Duplikat\ntitle: ", 1).replace(
            "Ellers følger du disse trinnene:", "Ellers følger du disse nye trinnene:"
        ),
        encoding="utf-8",
    )
    [finding] = checks.check_file(source, load_site(project))
    expected = finding.as_log(f"nb/{ARTICLE}.md")
    assert expected.startswith(f"nb/{ARTICLE}.md:3:1: yaml-invalid: duplicate key 'title'")
    assert wait_for(lambda: expected in log.read_text(), timeout=60), log.read_text()
    assert f"WARNING -  {expected}" in log.read_text()
    # Still serving: the page shows the writer why it is not published ...
    url = f"{base}nb/{ARTICLE}/"
    assert wait_for(lambda: "Page not published" in fetch(url), timeout=30), log.read_text()
    assert "duplicate key &#39;title&#39;" in fetch(url) or "duplicate key 'title'" in fetch(url)
    # ... and the fixed page, the edit included, as soon as it is saved.
    source.write_text(
        source.read_text(encoding="utf-8").replace("title: Duplikat\n", "", 1), encoding="utf-8"
    )
    assert wait_for(lambda: "nye trinnene" in fetch(url), timeout=30), log.read_text()


@pytest.mark.parametrize("preview", [("--locale", "nb")], indirect=True)
def test_one_locale_preview_serves_that_locale_at_the_root(preview):
    project, base, log = preview
    assert '<html lang="nb"' in fetch(base)
    assert "Overføre lisenser mellom tenanter" in fetch(f"{base}{ARTICLE}/")
    with pytest.raises(urllib.error.HTTPError):
        fetch(f"{base}de/")  # the other locales are not built
    source = project / "docs" / "nb" / f"{ARTICLE}.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "Ellers følger du disse trinnene:", "Ellers følger du disse raske trinnene:"
        ),
        encoding="utf-8",
    )
    assert wait_for(lambda: "raske trinnene" in fetch(f"{base}{ARTICLE}/"), timeout=30), log.read_text()


def test_a_missing_page_gets_its_locales_404_page_as_on_the_host(preview):
    """As the host is configured (README, "404 per locale"); MkDocs alone answers every missing
    URL with the root 404.html, the English one."""
    _, base, log = preview
    answers = {}
    for path in ("nb/missing/", "ar/licenses/missing/", "missing/", "xx/missing/"):
        with pytest.raises(urllib.error.HTTPError) as error:
            fetch(base + path)
        page = error.value.read().decode("utf-8")
        answers[path] = (
            error.value.code,
            page.split("<html ", 1)[1].split(">", 1)[0],
            page.split("<h1>", 1)[1].split("</h1>", 1)[0],
        )
    assert answers == {
        "nb/missing/": (404, 'lang="nb" class="no-js"', "Finner ikke siden"),
        "ar/licenses/missing/": (404, 'lang="ar" class="no-js" dir="rtl"', "الصفحة غير موجودة"),
        "missing/": (404, 'lang="en" class="no-js"', "Page not found"),
        "xx/missing/": (404, 'lang="en" class="no-js"', "Page not found"),
    }
