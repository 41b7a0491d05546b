"""The README's preview command: serves on 127.0.0.1, rebuilds on edit, live-reloads the page,
logs the checks' findings while it keeps serving, and previews one locale alone."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ARTICLE, ROOT, add_to_article, build_env, copy_site, free_port, mkdocs_build

from benchmarks.serving import fetch, stop, wait_for
from helpsite.core.site import load_site
from helpsite.linting import checks


@pytest.fixture
def preview(tmp_path, request):
    """`python3 dev.py serve` (the README command) on a copy of the site, on a free port;
    parametrize it indirectly with more dev.py serve arguments."""
    project = copy_site(tmp_path / "project")
    with serving(project, tmp_path / "serve.log", *getattr(request, "param", ())) as (process, base):
        yield project, base, tmp_path / "serve.log"


@contextlib.contextmanager
def serving(project: Path, log_path: Path, *args: str):
    """`python3 dev.py serve` of ``project`` on a free port, its log in ``log_path``, until the
    block ends: the dev.py process and the preview's address."""
    port = free_port()
    log = open(log_path, "w+")
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "dev.py"),
            "serve",
            "-f",
            str(project / "mkdocs.yml"),
            "--dev-addr",
            f"127.0.0.1:{port}",
            *args,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=build_env(),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: fetch(base), timeout=120), log_path.read_text()
        yield process, base
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
    # The page has a last good version once the lazy start has rendered it (a page saved bad
    # before it was ever rendered is served as the checks' notice: tests/test_preview.py).
    assert wait_for(lambda: re.search(r"preview: all \d+ pages rendered", log.read_text()), 120)
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
    # Still serving: the page's last good version, its banner naming the problem at its line
    # (a published build would show the checks' notice instead: handbook/preview.md) ...
    url = f"{base}nb/{ARTICLE}/"
    assert wait_for(lambda: "helpsite-findings" in fetch(url), timeout=30), log.read_text()
    served = fetch(url)
    assert f"<code>nb/{ARTICLE}.md:3:1</code> <strong>yaml-invalid</strong>" in served
    assert "duplicate key &#39;title&#39;" in served
    assert "nye trinnene" not in served and "Ellers følger du disse trinnene:" in served
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


# ----------------------------------------------------------------------------
# A big page: the preview serves it (and the rest) before its check is done
# ----------------------------------------------------------------------------

BIG_ROWS = 15_000  # about 1 MB of table, a link per row, as in a long reference article
EMPTY_LINK = "[](https://example.com)"


def big_article(text: str) -> str:
    """The Norwegian article with a permissions table of ``BIG_ROWS`` linked rows and, after
    it, one empty link."""
    rows = "".join(
        f"| Tillatelse {number} | [Artikkel {number}](https://learn.microsoft.com/m365/{number}) |\n"
        for number in range(BIG_ROWS)
    )
    return f"{text}\n| Tillatelse | Artikkel |\n|---|---|\n{rows}\nSe også {EMPTY_LINK}.\n"


def big_pair(project: Path) -> Path:
    """The Norwegian article made big (``big_article``), and the English one with the same table
    and link (``add_to_article``): only the translation's empty link is a finding."""
    rows = "".join(
        f"| Permission {number} | [Article {number}](https://learn.microsoft.com/m365/{number}) |\n"
        for number in range(BIG_ROWS)
    )
    english = f"\n| Permission | Article |\n|---|---|\n{rows}\nSee also [the example](https://example.com).\n"
    page = project / "docs" / "nb" / f"{ARTICLE}.md"
    norwegian = big_article(page.read_text(encoding="utf-8"))[len(page.read_text(encoding="utf-8")) :]
    return add_to_article(project, english, norwegian)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children first found through /proc)."""
    found, waiting = [], [pid]
    while waiting:
        for task in Path(f"/proc/{waiting.pop()}/task").glob("*"):
            try:
                children = [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            waiting += children
    return found


def signal_all(pids: list[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def test_a_big_page_is_served_before_its_check_is_done_and_its_finding_logged_once(tmp_path):
    project = copy_site(tmp_path / "project")
    source = big_pair(project)
    assert len(source.read_bytes()) > 1_000_000
    site = load_site(project)
    [finding] = checks.check_file(source, site)
    shown = f"nb/{ARTICLE}.md"
    assert finding.rule == "empty-link" and finding.line == source.read_text().count("\n")
    log_path = tmp_path / "serve.log"
    url, other = None, None
    with serving(project, log_path) as (process, base):
        url, other = f"{base}nb/{ARTICLE}/", f"{base}{ARTICLE}/"
        # the first build's finding: the worker is done with it
        assert wait_for(lambda: finding.as_log(shown) in log_path.read_text(), timeout=120), (
            log_path.read_text()
        )
        workers = descendants(process.pid)  # dev.py runs mkdocs in its place (exec)
        assert workers  # the checking worker (with its helpers), kept from one rebuild to the next
        # The worker stops: whatever the preview serves from now on, it serves without the check.
        signal_all(workers, signal.SIGSTOP)
        try:
            text = source.read_text(encoding="utf-8")
            source.write_text(
                text.replace("Ellers følger du disse trinnene:", "Ellers følger du\ndisse nye trinnene:"),
                encoding="utf-8",
            )
            moved = finding.as_log(shown).replace(f":{finding.line}:", f":{finding.line + 1}:", 1)
            [edited] = checks.check_file(source, site)
            assert edited.as_log(shown) == moved  # the edit moves the finding a line down
            assert wait_for(lambda: "disse nye trinnene" in fetch(url, timeout=60), timeout=120), (
                log_path.read_text()
            )
            page = fetch(url, timeout=60)
            assert "Page not published" not in page and f"Artikkel {BIG_ROWS - 1}" in page
            assert "Transfer licenses between tenants" in fetch(other, timeout=60)  # another page
            assert moved not in log_path.read_text()  # not checked yet: the worker is stopped
        finally:
            signal_all(workers, signal.SIGCONT)
        assert wait_for(lambda: moved in log_path.read_text(), timeout=120), log_path.read_text()
    logged = log_path.read_text()
    assert logged.count(finding.as_log(shown)) == 1  # the first build's, once
    assert logged.count(moved) == 1  # the rebuild's, once
    assert f"WARNING -  {moved}" in logged


def test_a_strict_build_fails_on_the_big_pages_finding_and_logs_it_once(tmp_path):
    project = copy_site(tmp_path / "project")
    source = big_pair(project)
    [finding] = checks.check_file(source, load_site(project))
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 1
    assert result.stderr.count(finding.as_log(f"nb/{ARTICLE}.md")) == 1
    assert f"WARNING -  {finding.as_log(f'nb/{ARTICLE}.md')}" in result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stdout + result.stderr
    # the page itself was rendered: its one finding keeps no page from the site
    assert f"Artikkel {BIG_ROWS - 1}" in (tmp_path / "site" / "nb" / ARTICLE / "index.html").read_text(
        encoding="utf-8"
    )


def test_a_dirty_preview_checks_the_page_it_rebuilds_and_logs_its_finding_once(tmp_path):
    """`--dirty` rebuilds only the edited page, and only it is checked again: its finding is
    logged once, at its line, and the page served with the edit."""
    project = copy_site(tmp_path / "project")
    log_path = tmp_path / "serve.log"
    with serving(project, log_path, "--dirty") as (_, base):
        source = project / "docs" / "nb" / f"{ARTICLE}.md"
        source.write_text(
            # a link of the English page loses its text (a new one would be structure-link-added)
            source.read_text(encoding="utf-8")
            .replace("Ellers følger du disse trinnene:", "Ellers følger du disse skitne trinnene:")
            .replace("[avbryte abonnementet](", "[]("),
            encoding="utf-8",
        )
        [finding] = checks.check_file(source, load_site(project))
        expected = finding.as_log(f"nb/{ARTICLE}.md")
        url = f"{base}nb/{ARTICLE}/"
        assert wait_for(lambda: "skitne trinnene" in fetch(url), timeout=60), log_path.read_text()
        assert wait_for(lambda: expected in log_path.read_text(), timeout=60), log_path.read_text()
    assert log_path.read_text().count(expected) == 1
    assert f"WARNING -  {expected}" in log_path.read_text()
