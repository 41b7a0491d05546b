"""The differential preview (helpsite/building/preview.py, hooks/preview.py, helpsite/building/watch.py): what it
serves after any sequence of saves is byte for byte what a fresh ``mkdocs build`` of the same tree
writes (the live-reload script aside), a body edit renders exactly the pages it changes, bad
input on save keeps it serving, and the MkDocs internals it relies on are still there."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
from checkers import WCAG_21_AA, axe
from conftest import MKDOCS, ROOT, build_env
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from benchmarks import sites, synthetic
from benchmarks.serving import free_port, stop, wait_for
from helpsite.building.preview import differences as folder_differences
from helpsite.building.watch import Watcher

LOCALES = ("en", "nb", "ja")
ARTICLES = 6
# Two sections of three articles: billing/ (block-devices-00004, cancel-payments-00003,
# verify-domains-00005) and licenses/ (add-subscriptions-00001 and -00002, reset-groups-00000).
PER_SECTION = 3
LICENSES = ("add-subscriptions-00001", "add-subscriptions-00002", "reset-groups-00000")
# ja has no translation of these: its pages are fallback copies of the English ones.
UNTRANSLATED = ("billing/block-devices-00004.md", "billing/verify-domains-00005.md")
# The first page of each section: the navigation of every other section's pages links to it.
FIRST_IN_SECTION = ("billing/block-devices-00004.md", "licenses/add-subscriptions-00001.md")
EPOCH = "1700000000"  # one build time for the preview and the fresh builds (sitemap)
WORDS = ("licence", "tenant", "mailbox", "domain", "payment", "renew", "policy")
# Front-matter edits of the state machine: the reader's date (and the sitemap's), a description,
# what Material's navigation shows besides the title, a key no template reads, and ROBOTS (every
# language version's alternates read it: a full rebuild).
FRONT_MATTER_EDITS = (
    ("ms.date", "03/{day:02d}/2023"),
    ("description", "All about {word} & <more>."),
    ("subtitle", "On {word}"),
    ("ms.topic", "{word}"),
    ("ROBOTS", "NOINDEX"),
)
# static-i18n names the site folder when it starts its first locale (the root's)
_SITE_DIR = re.compile(r"Building '[\w-]+' documentation to directory: (\S+)")


# ----------------------------------------------------------------------------
# A preview on a small generated site, and fresh builds to compare it with
# ----------------------------------------------------------------------------


def small_project(target: Path) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(synthetic, "ARTICLES_PER_CATEGORY", PER_SECTION)
        sites.prepare(ROOT, target, ARTICLES, LOCALES)
    for page_path in UNTRANSLATED:
        (target / "docs" / "ja" / page_path).unlink()
    return target


class Preview:
    """`mkdocs serve` (the plain route, with this mkdocs.yml) of ``project`` on a free port."""

    def __init__(self, project: Path, log_path: Path, **env: str):
        self.project, self.log_path = project, log_path
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self._log = open(log_path, "w+")
        self.env = build_env(SOURCE_DATE_EPOCH=EPOCH, **env)
        self.process = subprocess.Popen(
            [*MKDOCS, "serve", "--livereload", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=project,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=self.env,
            start_new_session=True,
        )
        try:
            assert wait_for(lambda: "Serving on" in self.log(), timeout=180), self.log()
            self.site_dir = Path(_SITE_DIR.search(self.log()).group(1))
        except BaseException:  # no test gets it to stop: stop it here
            self.close()
            raise

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def close(self) -> None:
        stop(self.process, timeout=15, group=True)
        self._log.close()

    def save(self, path: Path, data: bytes) -> str:
        """Write ``data`` to ``path`` and wait until the preview has served the result: the log
        part of this save."""
        before = self.log().count("Reloading browsers")
        offset = len(self.log())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        assert wait_for(lambda: self.log().count("Reloading browsers") > before, timeout=120), self.log()[
            offset:
        ]
        return self.log()[offset:]

    def served(self, relative: str) -> bytes:
        with urllib.request.urlopen(self.base + relative, timeout=30) as response:
            return response.read()

    def fresh_build(self, target: Path) -> Path:
        shutil.rmtree(target, ignore_errors=True)
        # no checking worker: the same bytes, two seconds sooner on a small site
        env = dict(self.env, HELPSITE_SITE_URL=self.base, HELPSITE_WORKERS="0")
        result = subprocess.run(
            [*MKDOCS, "build", "-q", "-d", str(target)],
            cwd=self.project,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return target


def without_live_reload(page: bytes) -> bytes:
    """A served page as built: MkDocs' server puts one <script> before the last </body>, the
    preview a findings banner first in <body> when the page has findings, and it allows them by
    a nonce in the script, the banner's <style> and the page's policy (helpsite.published.csp)."""
    end = page.rindex(b"</body>")
    start = page.rindex(b"<script nonce=", 0, end)
    assert b"livereload(" in page[start:end]
    page = page[:start] + page[end:]
    page = re.sub(rb'(<body[^>]*>)<style nonce="[^"]+">.*?</aside>', rb"\1", page, count=1, flags=re.S)
    page, nonces = re.subn(rb" &#39;nonce-[A-Za-z0-9_-]+&#39;", b"", page)
    assert nonces in (1, 2)
    return page


def differences(preview: Preview, fresh: Path) -> list[str]:
    """Every page served and every file of the output folder that is not the fresh build's."""
    found = []
    for path in sorted(fresh.rglob("*.html")):
        relative = path.relative_to(fresh).as_posix()
        if without_live_reload(preview.served(relative)) != path.read_bytes():
            found.append(f"served {relative}")
    found += [f"folder {name}" for name in folder_differences(preview.site_dir, fresh)]
    return found


def settled(preview: Preview, fresh: Path) -> list[str]:
    """The differences once the background (dashboard, search) is done: the first empty list
    within the time it may take, else the last ones seen."""
    seen: list[list[str]] = []

    def same() -> bool:
        seen.append(differences(preview, fresh))
        return not seen[-1]

    wait_for(same, timeout=60, step=0.2)
    return seen[-1]


@pytest.fixture
def project(tmp_path):
    return small_project(tmp_path / "project")


@pytest.fixture
def preview(project, tmp_path):
    running = Preview(project, tmp_path / "serve.log")
    yield running
    running.close()


def edited(path: Path, words: str) -> bytes:
    return path.read_bytes() + f"\nA saved paragraph about {words}.\n".encode()


def page_of(built: str) -> str:
    """The page (locale/path.md) an article's built file is: en's at the root, the others' under
    their locale."""
    parts = built.split("/")[:-1]
    locale = parts.pop(0) if parts and parts[0] in LOCALES[1:] else "en"
    return f"{locale}/{'/'.join(parts) + '.md' if parts else 'index.md'}"


def rendered_again(log: str) -> set[str]:
    """The pages the log names as rendered again by a save: before the reload, or (the pages
    that show a page that came or went) on request and in the background."""
    lines = [
        line for line in log.splitlines() if "pages rendered again" in line or "pages to render again" in line
    ]
    assert lines, log
    return {page for line in lines for page in line.split(": ", 2)[2].split(", ")}


# ----------------------------------------------------------------------------
# A body edit renders exactly the pages it changes
# ----------------------------------------------------------------------------


def test_a_source_body_edit_renders_the_page_its_translations_and_its_fallback_copies(
    preview, project, tmp_path
):
    page = project / "docs" / "en" / UNTRANSLATED[0]
    log = preview.save(page, edited(page, "tenants"))
    # en's page, nb's translation (its "out of date" notice), ja's fallback copy; nothing else
    assert rendered_again(log) == {f"{locale}/{UNTRANSLATED[0]}" for locale in LOCALES}
    assert "full rebuild" not in log
    assert settled(preview, preview.fresh_build(tmp_path / "fresh")) == []


def test_a_translation_body_edit_renders_that_page_alone(preview, project, tmp_path):
    page_path = "licenses/add-subscriptions-00001.md"
    page = project / "docs" / "nb" / page_path
    log = preview.save(page, edited(page, "abonnement"))
    assert rendered_again(log) == {f"nb/{page_path}"}
    assert settled(preview, preview.fresh_build(tmp_path / "fresh")) == []


def front_matter_edited(data: bytes, key: str, value: str) -> bytes:
    """A page's bytes with ``key: value`` in its front matter, in place of the key's line or last."""
    text = data.decode("utf-8")
    head, sep, body = text[4:].partition("\n---\n")
    lines = [line for line in head.splitlines() if not line.startswith(f"{key}:")]
    return ("---\n" + "\n".join([*lines, f"{key}: {value}"]) + sep + body).encode()


def test_a_front_matter_edit_renders_the_pages_own_outputs_and_the_sitemap(preview, project, tmp_path):
    page_path = "licenses/add-subscriptions-00001.md"
    page = project / "docs" / "en" / page_path
    data = front_matter_edited(page.read_bytes(), "ms.date", "01/02/2024")
    log = preview.save(page, front_matter_edited(data, "description", "How to add <subscriptions> & more."))
    # en's page and nb's and ja's translations (their "out of date" notice hashes the English bytes)
    assert rendered_again(log) == {f"{locale}/{page_path}" for locale in LOCALES}
    assert "full rebuild" not in log
    fresh = preview.fresh_build(tmp_path / "fresh")
    assert b"<lastmod>2024-01-02</lastmod>" in (fresh / "sitemap.xml").read_bytes()
    assert settled(preview, fresh) == []


def test_a_front_matter_edit_other_pages_read_rebuilds_everything_and_says_why(preview, project, tmp_path):
    page = project / "docs" / "nb" / "licenses" / "add-subscriptions-00001.md"
    log = preview.save(page, front_matter_edited(page.read_bytes(), "ROBOTS", "NOINDEX"))
    assert (
        "preview: full rebuild: docs/nb/licenses/add-subscriptions-00001.md: its front matter's ROBOTS changed"
        " (every language version's hreflang alternates, the sitemap and the search read it)" in log
    )
    assert settled(preview, preview.fresh_build(tmp_path / "fresh")) == []


def test_one_locale_preview_renders_the_translation_of_an_english_edit(project, tmp_path):
    # --locale nb: nb alone, at the root (no fallback copies: static-i18n makes none there)
    running = Preview(project, tmp_path / "serve.log", HELPSITE_LOCALE="nb")
    try:
        page = project / "docs" / "en" / UNTRANSLATED[1]
        log = running.save(page, edited(page, "domains"))
        assert rendered_again(log) == {f"nb/{UNTRANSLATED[1]}"}  # its "out of date" notice
        assert settled(running, running.fresh_build(tmp_path / "fresh")) == []
    finally:
        running.close()


def test_a_title_edit_renders_exactly_the_pages_whose_bytes_it_changes(preview, project, tmp_path):
    page_path = UNTRANSLATED[1]  # billing's last page; ja shows the English one
    page = project / "docs" / "en" / page_path
    before = preview.fresh_build(tmp_path / "before")
    text = re.sub(r"(?m)^title: .*$", "title: Verify your domains", page.read_text(encoding="utf-8"), count=1)
    log = preview.save(page, text.encode())
    after = preview.fresh_build(tmp_path / "after")
    # the oracle: the article pages a fresh build writes differently (the navigation of the
    # section, the previous and next page's footer, the translation's notice, in every locale)
    changed = {
        page_of(name)
        for name in folder_differences(before, after)
        if name.endswith("index.html") and not name.startswith(("l10n/", "pagefind/"))
    }
    assert f"en/{page_path}" in changed
    assert rendered_again(log) == changed
    assert "full rebuild" not in log
    assert settled(preview, after) == []


@pytest.mark.parametrize("change", ["added", "deleted"])
def test_a_translation_added_or_deleted_renders_exactly_the_pages_whose_bytes_it_changes(
    preview, project, tmp_path, change
):
    # ja shows the English copy of UNTRANSLATED[0] (billing's first page), nb its translation
    locale = "ja" if change == "added" else "nb"
    page_path = UNTRANSLATED[0]
    page = project / "docs" / locale / page_path
    assert wait_for(lambda: re.search(r"preview: all \d+ pages rendered in", preview.log()), 120)
    before = preview.fresh_build(tmp_path / "before")
    if change == "added":
        log = preview.save(page, (project / "docs" / "en" / page_path).read_bytes())
    else:
        offset, reloads = len(preview.log()), preview.log().count("Reloading browsers")
        page.unlink()
        assert wait_for(lambda: preview.log().count("Reloading browsers") > reloads, timeout=120)
        log = preview.log()[offset:]
    after = preview.fresh_build(tmp_path / "after")
    # the oracle: the pages a fresh build writes differently (the page in that locale, its
    # section's navigation and the footers beside it with or without the fallback marker, the
    # other versions' hreflang alternates)
    changed = {
        page_of(name)
        for name in folder_differences(before, after)
        if name.endswith("index.html") and not name.startswith(("l10n/", "pagefind/", f"{locale}/pagefind/"))
    }
    assert f"{locale}/{page_path}" in changed and f"en/{page_path}" in changed
    assert f"preview: {locale}/{page_path}: a translation {change}, {locale} swapped" in log
    assert rendered_again(log) == changed
    assert "full rebuild" not in log
    assert settled(preview, after) == []


def fresh_differences(before: Path, after: Path, locales: tuple[str, ...] = LOCALES) -> set[str]:
    """The pages (locale/path.md) two fresh builds write differently, written by the second (the
    dashboard and the search bundles aside: they follow after the reload)."""
    searched = tuple(f"{locale}/pagefind/" for locale in locales[1:])
    return {
        page_of(name)
        for name in (path.relative_to(after).as_posix() for path in after.rglob("index.html"))
        if not name.startswith(("l10n/", "pagefind/", *searched))
        and (not (before / name).is_file() or (before / name).read_bytes() != (after / name).read_bytes())
    }


def saved_or_deleted(preview: Preview, saves: dict[Path, bytes | None]) -> str:
    """Write (bytes) or delete (None) these files at once and wait until the preview has served
    the result: the log part of this save."""
    offset, reloads = len(preview.log()), preview.log().count("Reloading browsers")
    for path, data in saves.items():
        if data is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    assert wait_for(lambda: preview.log().count("Reloading browsers") > reloads, timeout=120), preview.log()[
        offset:
    ]
    return preview.log()[offset:]


def new_article(project: Path, title: str) -> bytes:
    """An English article made from billing's, under a title of its own (the navigation shows it)."""
    english = (project / "docs" / "en" / FIRST_IN_SECTION[0]).read_text(encoding="utf-8")
    return re.sub(r"(?m)^title: .*$", f"title: {title}", english, count=1).encode()


@pytest.mark.parametrize("change", ["added", "deleted", "renamed"])
def test_an_english_page_added_deleted_or_renamed_renders_exactly_the_pages_whose_bytes_it_changes(
    preview, project, tmp_path, change
):
    # added: billing's second of four, a fallback copy in nb and ja; deleted: billing's second,
    # whose nb and ja translations are then pages of their own (no English base); renamed: both
    docs = project / "docs"
    old, new = (
        docs / "en" / "billing" / "cancel-payments-00003.md",
        docs / "en" / "billing" / "dispute-00006.md",
    )
    saves = {
        "added": {new: new_article(project, "Dispute a charge")},
        "deleted": {old: None},
        "renamed": {old: None, new: old.read_bytes()},
    }[change]
    assert wait_for(lambda: re.search(r"preview: all \d+ pages rendered in", preview.log()), 120)
    before = preview.fresh_build(tmp_path / "before")
    log = saved_or_deleted(preview, saves)
    after = preview.fresh_build(tmp_path / "after")
    changed = fresh_differences(before, after)
    for path, data in saves.items():
        page_path = path.relative_to(docs / "en").as_posix()
        # added: in every locale (nb and ja show the English page); deleted: nb's and ja's translations
        what, where = ("deleted", "nb, ja") if data is None else ("added", "en, nb, ja")
        assert f"preview: en/{page_path} {what}: {page_path} is in {where} now" in log
    assert "full rebuild" not in log, log
    assert rendered_again(log) == changed
    assert settled(preview, after) == []


def test_an_english_page_in_a_new_folder_rebuilds_everything_and_says_why(preview, project, tmp_path):
    page = project / "docs" / "en" / "domains" / "add-00006.md"
    # the folder first, and the page once the preview has seen it: a file written into a folder
    # before the watcher watches it has no event of its own (handbook/preview.md, "Limits")
    reloads = preview.log().count("Reloading browsers")
    page.parent.mkdir()
    assert wait_for(lambda: preview.log().count("Reloading browsers") > reloads, timeout=120)
    offset = len(preview.log())
    saved_or_deleted(preview, {page: new_article(project, "Add a domain")})
    # Under load the page's events may come in more than one burst: the first reload after the
    # write is not always the one that says it (an under-load run of the suite).
    expected = (
        "preview: full rebuild: en/domains/add-00006.md is in a new folder (a section the navigation does"
        " not have)"
    )
    assert wait_for(lambda: expected in preview.log()[offset:], timeout=60), preview.log()[offset:]
    assert settled(preview, preview.fresh_build(tmp_path / "fresh")) == []


def test_a_translation_of_a_page_at_the_top_of_the_navigation_rebuilds_everything_and_says_why(
    preview, project, tmp_path
):
    page = project / "docs" / "ja" / "index.md"
    offset, reloads = len(preview.log()), preview.log().count("Reloading browsers")
    page.unlink()
    assert wait_for(lambda: preview.log().count("Reloading browsers") > reloads, timeout=120)
    assert (
        "preview: full rebuild: ja shows docs/en/index.md in place of another file now, and every page's"
        " navigation shows it (with its fallback marker or without)" in preview.log()[offset:]
    )
    assert settled(preview, preview.fresh_build(tmp_path / "fresh")) == []


# ----------------------------------------------------------------------------
# The saved page's findings in the page served, never in the page written
# ----------------------------------------------------------------------------


def test_a_saved_pages_findings_are_in_the_page_served_and_gone_once_fixed(
    preview, project, tmp_path, browser
):
    page_path = UNTRANSLATED[0]  # ja shows the English page: its fallback copy has the banner too
    page = project / "docs" / "en" / page_path
    good = page.read_bytes()
    bad = good + b"\nSee [](https://learn.microsoft.com/) for the details.\n"
    line = bad.count(b"\n")  # the link's line is the file's last, the link after "See "
    where = f"en/{page_path}:{line}:5"
    log = preview.save(page, bad)
    assert f"{where}: empty-link: " in log
    assert f"<code>{where}</code> <strong>empty-link</strong>".encode() in preview.served(
        "ja/" + page_path.removesuffix(".md") + "/"
    )
    url = preview.base + page_path.removesuffix(".md") + "/"

    # the site's own policy in force: nothing the banner adds is blocked
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        tab = context.new_page()
        console: list[str] = []
        tab.on("console", lambda message: console.append(message.text))
        tab.goto(url)
        banner = tab.get_by_role("complementary", name=f"Preview: 1 finding in en/{page_path}")
        message = log.split(f"{where}: empty-link: ", 1)[1].splitlines()[0]
        assert banner.locator("li").all_inner_texts() == [f"error {where} empty-link: {message}"]
        assert (
            banner.locator("summary").evaluate("e => getComputedStyle(e.closest('aside')).position")
            == "fixed"
        )
        assert not [m for m in console if "Content Security Policy" in m], console
        # folded from the keyboard
        banner.locator("summary").focus()
        tab.keyboard.press("Enter")
        assert banner.locator("details").evaluate("e => e.open") is False
        assert not banner.locator("li").is_visible()
    finally:
        context.close()
    axe_context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        tab = axe_context.new_page()
        tab.goto(url)
        assert [v for v in axe(tab, WCAG_21_AA + ["best-practice"]) if "helpsite-findings" in v.target] == []
    finally:
        axe_context.close()

    # fixed: the banner is gone; written, served and fresh pages are the same
    log = preview.save(
        page, good + b"\nSee [the admin center](https://learn.microsoft.com/) for the details.\n"
    )
    assert "empty-link" not in log
    assert b"helpsite-findings" not in preview.served(page_path.removesuffix(".md") + "/")
    fresh = preview.fresh_build(tmp_path / "fresh")
    assert not [path for path in fresh.rglob("*.html") if b"helpsite-findings" in path.read_bytes()]
    assert settled(preview, fresh) == []


def test_a_renamed_heading_reports_the_pages_whose_links_to_it_now_miss(preview, project):
    docs = project / "docs"
    target = docs / "en" / "licenses" / "add-subscriptions-00002.md"
    good = target.read_bytes()
    link = "../licenses/add-subscriptions-00002.md#report-policies-7"
    # the oracle: the English pages with a link to the anchor (every other locale has the page)
    written = re.compile(r"\[[^\]]*\]\(" + re.escape(link))
    linking = {
        f"en/{path.relative_to(docs / 'en').as_posix()}:{number}:{found.start() + 1}"
        for path in sorted((docs / "en").rglob("*.md"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for found in written.finditer(line)
    }
    assert len(linking) == 2
    # a save before the graph is made does not wait for it (its other pages come with the next check)
    assert wait_for(lambda: "preview: link graph made" in preview.log(), timeout=120), preview.log()
    log = preview.save(
        target, good.replace(b'name="report-policies-7"', b'name="report-policies-renamed"', 1)
    )
    found = {
        line.split(": link-to-missing-anchor: ")[0].split(" -  ")[-1]
        for line in log.splitlines()
        if ": link-to-missing-anchor: " in line
    }
    assert found == linking
    assert (
        "preview: 1 pages checked again, their links' targets changed: en/billing/cancel-payments-00003.md"
        in log
    )
    served = preview.served("billing/cancel-payments-00003/").decode()
    banner = served[served.index('<aside class="helpsite-findings"') : served.index("</aside>")]
    assert banner.count("link-to-missing-anchor") == 2
    # named back: the findings are gone from the log's new report and from the page
    log = preview.save(target, good)
    assert "link-to-missing-anchor" not in log
    assert (
        "preview: 1 pages checked again, their links' targets changed: en/billing/cancel-payments-00003.md"
        in log
    )
    assert b"link-to-missing-anchor" not in preview.served("billing/cancel-payments-00003/")


# ----------------------------------------------------------------------------
# The lazy start: pages rendered on request, the rest after
# ----------------------------------------------------------------------------


def test_pages_requested_before_the_rest_are_rendered_are_what_a_fresh_build_writes(project, tmp_path):
    # no background rendering: every page is rendered by its request, the sitemap, the anchors
    # and search once the last one is
    running = Preview(project, tmp_path / "serve.log", HELPSITE_PREVIEW_BACKGROUND="off")
    try:
        articles = sorted(running.site_dir.glob("*/*/index.html"))
        assert articles == [] and not (running.site_dir / "sitemap.xml").exists(), articles
        page = project / "docs" / "en" / UNTRANSLATED[0]
        log = running.save(page, edited(page, "lazily"))
        # The other locales are built when a page of theirs is first requested, and read the
        # saved file then: the save renders the source locale's page alone.
        assert rendered_again(log) == {f"{LOCALES[0]}/{UNTRANSLATED[0]}"}
        assert [locale for locale in LOCALES[1:] if (running.site_dir / locale).exists()] == []
        fresh = running.fresh_build(tmp_path / "fresh")
        pages = sorted(path.relative_to(fresh).as_posix() for path in fresh.rglob("*.html"))
        seed = random.randrange(2**32)
        random.Random(seed).shuffle(pages)
        differing = [
            relative
            for relative in pages
            if without_live_reload(running.served(relative)) != (fresh / relative).read_bytes()
        ]
        assert differing == [], f"order {pages} (seed {seed})"
        assert wait_for(lambda: re.search(r"preview: all 24 pages rendered in \d", running.log()), 60)
        assert settled(running, fresh) == []
    finally:
        running.close()


# ----------------------------------------------------------------------------
# Bad input on save
# ----------------------------------------------------------------------------


def test_a_page_saved_bad_before_it_was_first_rendered_is_served_as_a_build_writes_it(project, tmp_path):
    # No background rendering: when the pages are saved with front matter that is no YAML, en's
    # has been read and not rendered, nb's locale not even built. Neither has a last good
    # version: each is served as a fresh build of the tree writes it, the checks' notice in its
    # place, and the banner names the problem at its line.
    running = Preview(project, tmp_path / "serve.log", HELPSITE_PREVIEW_BACKGROUND="off")
    try:
        page_path = "licenses/reset-groups-00000"
        logs = {}
        for locale in LOCALES[:2]:
            page = project / "docs" / locale / f"{page_path}.md"
            bad = page.read_bytes().replace(b"ms.author: cmcatee", b"ms.author: [cmcatee", 1)
            assert bad != page.read_bytes()
            logs[locale] = running.save(page, bad)
        line = (
            f"preview: {LOCALES[0]}/{page_path}.md cannot be rendered; the preview serves the checks' notice"
        )
        assert line in logs[LOCALES[0]]
        assert "cannot be rendered" not in logs[LOCALES[1]]  # read when its locale is built
        fresh = running.fresh_build(tmp_path / "fresh")
        for locale, root in zip(LOCALES[:2], ("", f"{LOCALES[1]}/"), strict=True):
            relative = f"{root}{page_path}/index.html"
            served = running.served(relative)
            assert without_live_reload(served) == (fresh / relative).read_bytes(), locale
            assert wait_for(
                lambda relative=relative: b"<strong>yaml-invalid</strong>" in running.served(relative), 30
            ), locale
    finally:
        running.close()


def test_bad_input_keeps_the_preview_serving_and_the_next_good_save_recovers(preview, project, tmp_path):
    page_path = "licenses/reset-groups-00000"
    page = project / "docs" / "nb" / f"{page_path}.md"
    good = page.read_bytes()
    last_good = without_live_reload(preview.served(f"nb/{page_path}/"))
    last_line = good.count(b"\n") + 2  # of a line added after the page's last
    # what cannot be rendered: the last good page stays, the banner names the problem at its line
    held = {
        "broken YAML": (
            good.replace(b"ms.author: cmcatee", b"ms.author: [cmcatee", 1),
            "5:7",
            "yaml-invalid",
        ),
        "not UTF-8": (good + b"\n\xff\xfe caf\xe9\n", f"{last_line}:1", "encoding"),
    }
    for what, (data, where, rule_id) in held.items():
        log = preview.save(page, data)
        assert (
            f"preview: nb/{page_path}.md cannot be rendered; the preview serves its last good version" in log
        )
        assert f"nb/{page_path}.md:{where}: {rule_id}: " in log, what
        served = preview.served(f"nb/{page_path}/")
        assert f"<code>nb/{page_path}.md:{where}</code> <strong>{rule_id}</strong>".encode() in served, what
        assert without_live_reload(served) == last_good, what
        assert b"<html" in preview.served("nb/"), what
    # what can: rendered, the same as a fresh build
    preview.save(page, good[: len(good) // 3])
    assert preview.process.poll() is None
    assert settled(preview, preview.fresh_build(tmp_path / "fresh")) == []
    # a whole folder of translations deleted: ja shows the English copies (each page swapped)
    offset = len(preview.log())
    shutil.rmtree(project / "docs" / "ja" / "licenses")
    swapped = [f"preview: ja/licenses/{name}.md: a translation deleted, ja swapped" for name in LICENSES]
    assert wait_for(lambda: all(line in preview.log()[offset:] for line in swapped), 60), preview.log()[
        offset:
    ]
    assert "full rebuild" not in preview.log()[offset:]
    assert settled(preview, preview.fresh_build(tmp_path / "fresh")) == []
    # a translation moved into another locale's folder: nb shows the English copy, ja the page
    offset = len(preview.log())
    moved = project / "docs" / "ja" / "licenses" / page.name
    moved.parent.mkdir()
    page.rename(moved)
    renamed = [
        f"preview: nb/{page_path}.md: a translation deleted, nb swapped",
        f"preview: ja/{page_path}.md: a translation added, ja swapped",
    ]
    assert wait_for(lambda: all(line in preview.log()[offset:] for line in renamed), 60), preview.log()[
        offset:
    ]
    assert "full rebuild" not in preview.log()[offset:]
    assert settled(preview, preview.fresh_build(tmp_path / "fresh")) == []
    # then the page saved again
    preview.save(page, good + b"\nRecovered.\n")
    assert preview.process.poll() is None
    assert settled(preview, preview.fresh_build(tmp_path / "fresh")) == []


# ----------------------------------------------------------------------------
# Any sequence of saves: the same bytes as a fresh build
# ----------------------------------------------------------------------------


# English pages the state machine adds, deletes and renames (besides the generated ones, never the
# first of a section: FIRST_IN_SECTION).
NEW_PAGES = ("billing/dispute-00006.md", "licenses/renew-00007.md")
GENERATED = (
    "billing/block-devices-00004.md",
    "billing/cancel-payments-00003.md",
    "billing/verify-domains-00005.md",
    *(f"licenses/{name}.md" for name in LICENSES),
)
PAGES = ARTICLES + len(NEW_PAGES)


class Saves(RuleBasedStateMachine):
    """Body edits, renamed headings, title and front-matter edits, new and deleted translations,
    new, deleted and renamed English pages (differential; ROBOTS a full rebuild), in any order;
    after each, every page served and the output folder equal a fresh build of the tree."""

    preview: Preview
    fresh: Path

    def __init__(self):
        super().__init__()
        self.docs = self.preview.project / "docs"
        # the same list in every example (the tree is the last example's)
        self.articles = [Path(page_path) for page_path in (*GENERATED, *NEW_PAGES)]

    def _page(self, locale: str, index: int) -> Path:
        return self.docs / locale / self.articles[index]

    @rule(locale=st.sampled_from(LOCALES), index=st.integers(0, PAGES - 1), words=st.sampled_from(WORDS))
    def body_edit(self, locale, index, words):
        page = self._page(locale, index)
        if page.is_file():
            log = self.preview.save(page, edited(page, words))
            assert "full rebuild" not in log, log

    @rule(locale=st.sampled_from(LOCALES), index=st.integers(0, PAGES - 1), words=st.sampled_from(WORDS))
    def heading_renamed(self, locale, index, words):
        # its anchor changes: the page's table of contents, its translations' notices (the
        # English sections that changed), the link findings of the pages that link to it
        page = self._page(locale, index)
        if page.is_file():
            text = page.read_text(encoding="utf-8")
            renamed = re.sub(r"(?m)^## .*$", f"## All about {words}", text, count=1)
            assert renamed != text or f"## All about {words}" in text
            log = self.preview.save(page, renamed.encode())
            assert "full rebuild" not in log, log

    @rule(index=st.integers(0, PAGES - 1), words=st.sampled_from(WORDS))
    def title_edit(self, index, words):
        page = self._page("en", index)
        if page.is_file():
            text = re.sub(
                r"(?m)^title: .*$", f"title: All about {words}", page.read_text(encoding="utf-8"), count=1
            )
            log = self.preview.save(page, text.encode())
            assert "full rebuild" not in log, log

    @rule(index=st.integers(0, PAGES - 1), words=st.sampled_from(WORDS))
    def english_page_comes_or_goes(self, index, words):
        page = self._page("en", index)
        if self.articles[index].as_posix() in FIRST_IN_SECTION:
            return
        if page.is_file():  # its translations are pages of their own then
            log = saved_or_deleted(self.preview, {page: None})
        else:
            log = saved_or_deleted(self.preview, {page: new_article(self.preview.project, f"On {words}")})
        assert "full rebuild" not in log, log

    @rule(index=st.integers(0, PAGES - 1), to=st.integers(0, PAGES - 1))
    def english_page_renamed(self, index, to):
        page, target = self._page("en", index), self._page("en", to)
        moved = {self.articles[index].as_posix(), self.articles[to].as_posix()}
        if not page.is_file() or target.exists() or moved & set(FIRST_IN_SECTION):
            return
        offset, reloads = len(self.preview.log()), self.preview.log().count("Reloading browsers")
        page.rename(target)
        assert wait_for(lambda: self.preview.log().count("Reloading browsers") > reloads, timeout=120)
        log = self.preview.log()[offset:]
        assert "full rebuild" not in log, log

    @rule(
        locale=st.sampled_from(LOCALES),
        index=st.integers(0, PAGES - 1),
        edit=st.sampled_from(FRONT_MATTER_EDITS),
        word=st.sampled_from(WORDS),
        day=st.integers(1, 28),
    )
    def front_matter_edit(self, locale, index, edit, word, day):
        page = self._page(locale, index)
        if page.is_file():
            key, value = edit
            edited_page = front_matter_edited(page.read_bytes(), key, value.format(word=word, day=day))
            log = self.preview.save(page, edited_page)
            assert ("full rebuild" in log) == (key == "ROBOTS"), log

    @rule(locale=st.sampled_from(LOCALES[1:]), index=st.integers(0, PAGES - 1))
    def translation_comes_or_goes(self, locale, index):
        page = self._page(locale, index)
        if not page.is_file() and not self._page("en", index).is_file():
            return
        if page.is_file():
            offset, before = len(self.preview.log()), self.preview.log().count("Reloading browsers")
            page.unlink()
            assert wait_for(lambda: self.preview.log().count("Reloading browsers") > before, timeout=120)
            log = self.preview.log()[offset:]
        else:  # the English page, under a title of its own (the navigation shows it)
            english = self._page("en", index).read_text(encoding="utf-8")
            translated = re.sub(r"(?m)^(title: .*)$", rf"\1 ({locale})", english, count=1)
            log = self.preview.save(page, translated.encode())
        assert "full rebuild" not in log, log  # the locale build swaps the page's file

    @invariant()
    def same_as_a_fresh_build(self):
        assert settled(self.preview, self.preview.fresh_build(self.fresh)) == []


def test_any_sequence_of_saves_serves_what_a_fresh_build_writes(preview, tmp_path):
    Saves.preview, Saves.fresh = preview, tmp_path / "fresh"
    machine = Saves.TestCase
    machine.settings = settings(
        max_examples=2,
        stateful_step_count=2,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    machine().runTest()


def test_verify_logs_every_file_the_preview_serves_that_a_fresh_build_does_not_write(project, tmp_path):
    running = Preview(project, tmp_path / "serve.log", HELPSITE_PREVIEW="verify")
    equal = "preview: --verify: the site served is byte for byte a fresh build's"
    try:
        page = project / "docs" / "en" / "licenses" / "add-subscriptions-00001.md"
        running.save(page, edited(page, "verified"))
        assert wait_for(lambda: equal in running.log(), timeout=180), running.log()
        # a page left as it was, as a dependency the preview missed would leave it
        stale = running.site_dir / "billing" / "cancel-payments-00003" / "index.html"
        stale.write_bytes(stale.read_bytes().replace(b"</body>", b"<!-- stale --></body>"))
        offset = len(running.log())
        running.save(page, edited(page, "again"))
        wrong = "preview: --verify: billing/cancel-payments-00003/index.html is not what a fresh build writes"
        assert wait_for(lambda: wrong in running.log()[offset:], timeout=180), running.log()[offset:]
        assert running.log()[offset:].count("preview: --verify: ") == 1
    finally:
        running.close()


# ----------------------------------------------------------------------------
# The watcher and the internals the adapter relies on
# ----------------------------------------------------------------------------


def test_the_watcher_hands_on_the_paths_a_save_changed(tmp_path, caplog):
    caplog.set_level("INFO", logger="mkdocs.hooks.helpsite.preview")
    saved = threading.Event()
    watcher = Watcher(saved.set)
    watcher.add(str(tmp_path))
    watcher.start()
    try:
        (tmp_path / "page.md").write_text("# A page\n", encoding="utf-8")
        assert saved.wait(timeout=10)
        assert watcher.take() == {str(tmp_path / "page.md")}
        assert watcher.polling is False
        assert f"preview: watching {os.path.relpath(tmp_path)} with native file events" in caplog.text
    finally:
        watcher.stop()
        watcher.join(timeout=2)
    assert not watcher._thread.is_alive()


def test_the_mkdocs_internals_the_adapter_uses_are_still_there():
    adapter = _load_hook("preview")
    for dotted, signature in adapter.PRIVATE_FUNCTIONS.items():
        assert str(inspect.signature(_named(dotted))) == signature, dotted
    for dotted, attributes in adapter.PRIVATE_ATTRIBUTES.items():
        module, name = dotted.rsplit(".", 1)
        source = "".join(_source(cls) for cls in getattr(importlib.import_module(module), name).__mro__)
        for attribute in attributes:
            assert re.search(rf"self\.{attribute}\b(: [^=\n]+)? = ", source), f"{dotted}.{attribute}"


def _named(dotted: str):
    """A module's function, or a class's method (``module.Class.method``)."""
    parts = dotted.split(".")
    for end in range(len(parts) - 1, 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        for name in parts[end:]:
            found = getattr(found, name)
        return found
    raise ImportError(dotted)


def _source(cls) -> str:
    if not cls.__module__.startswith("mkdocs"):
        return ""
    try:
        return inspect.getsource(cls)
    except OSError:  # made at run time (a generic alias of a base class)
        return ""


def _load_hook(name: str):
    spec = importlib.util.spec_from_file_location(f"hooks_{name}", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module
