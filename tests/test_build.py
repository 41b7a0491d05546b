"""helpsite.building.build: the build context, and the order of events it documents, as a real build runs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import ARTICLE, LOCALES, MKDOCS, ROOT, build_env, copy_site

from benchmarks.serving import fetch, free_port, stop, wait_for
from helpsite.building import build, source_files
from helpsite.core.site import load_site
from helpsite.linting import checks

# MkDocs logs every handler it runs at debug level; static-i18n names each locale it builds.
_RUNNING = re.compile(r"Running `(\w+)` event from plugin '(hooks/(\w+)\.py|i18n)'")
_BUILDING = re.compile(r"mkdocs_static_i18n: Building '([\w-]+)' documentation")


def recorded_order(log: str) -> str:
    """The events of our hooks and static-i18n as build.py's docstring writes them: per locale
    build, each event once (in the order it first came) with its handlers in the order they ran."""
    segments: list[tuple[str, dict[str, list[str]]]] = []
    stack: list[str] = []
    waiting: list[tuple[str, str]] = []  # config comes before static-i18n names the locale

    def record(event: str, handler: str) -> None:
        if not segments or segments[-1][0] != stack[-1]:
            segments.append((stack[-1], {}))
        handlers = segments[-1][1].setdefault(event, [])
        if handler not in handlers:
            handlers.append(handler)

    for line in log.splitlines():
        building = _BUILDING.search(line)
        running = _RUNNING.search(line)
        if building:
            stack.append(building.group(1))
            for item in waiting:
                record(*item)
            waiting.clear()
        elif running:
            event, handler = running.group(1), running.group(3) or "i18n"
            if not stack or (event == "config" and segments and "post_build" in segments[-1][1]):
                waiting.append((event, handler))
                continue
            record(event, handler)
            if event == "post_build" and handler == "build_context":
                stack.pop()
    lines = []
    index = 0
    while index < len(segments):
        locale, events = segments[index]
        same = [locale]
        while (
            index + len(same) < len(segments)
            and segments[index + len(same)][1] == events
            and segments[index + len(same)][0] != locale
        ):
            same.append(segments[index + len(same)][0])
        index += len(same)
        # the docstring names the translation locales together, as many as mkdocs.yml lists
        lines.append("locale " + ("each other locale" if same == list(LOCALES[1:]) else ", ".join(same)))
        lines += [f"    {event}: {', '.join(handlers)}" for event, handlers in events.items()]
    return "\n".join(lines)


def documented_order() -> str:
    text = build.__doc__
    block = text[text.index(".. event-order") + len(".. event-order") : text.index(".. end-event-order")]
    lines = [line[4:] for line in block.strip("\n").splitlines()]
    return "\n".join(line for line in lines if line.strip())


@pytest.fixture(scope="module")
def verbose_build(tmp_path_factory):
    project = copy_site(tmp_path_factory.mktemp("order") / "project")
    result = subprocess.run(
        [*MKDOCS, "build", "--verbose", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")],
        capture_output=True,
        text=True,
        env=build_env(),
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stderr


def test_the_documented_order_of_events_is_the_order_of_a_real_build(verbose_build):
    assert f"Building '{LOCALES[-1]}' documentation" in verbose_build
    assert recorded_order(verbose_build) == documented_order()


# ----------------------------------------------------------------------------
# A preview rebuild sees what changed: mkdocs.yml's Markdown extensions, the strings, the schema
# ----------------------------------------------------------------------------

EMPTY_IN_HTML = '\n<div markdown="1">\n[](https://admin.microsoft.com/)\n</div>\n'


@pytest.fixture
def preview_with_own_package(tmp_path):
    """`mkdocs serve` on a copy of the site that imports a copy of the package (so that a test
    may edit its data files), with md_in_html left out of mkdocs.yml."""
    project = copy_site(tmp_path / "project")
    shutil.copytree(ROOT / "helpsite", project / "helpsite", ignore=shutil.ignore_patterns("__pycache__"))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - md_in_html\n", ""), encoding="utf-8")
    page = project / "docs" / "nb" / f"{ARTICLE}.md"
    page.write_text(page.read_text(encoding="utf-8") + EMPTY_IN_HTML, encoding="utf-8")
    port = free_port()
    log = open(tmp_path / "serve.log", "w+")
    process = subprocess.Popen(
        [*MKDOCS, "serve", "--livereload", "-f", str(config), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=build_env(PYTHONPATH=str(project)),
        start_new_session=True,
        cwd=tmp_path,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: fetch(base), timeout=120), (tmp_path / "serve.log").read_text()
        yield project, f"{base}nb/{ARTICLE}/", tmp_path / "serve.log"
    finally:
        stop(process, timeout=15, group=True)
        log.close()


def rebuilt(log: Path, before: int, text: str) -> bool:
    """Whether the log, after its first ``before`` characters, has ``text``."""
    return text in log.read_text()[before:]


def test_a_preview_rebuild_reads_the_markdown_extensions_the_strings_and_the_schema_again(
    preview_with_own_package,
):
    project, url, log = preview_with_own_package
    page = project / "docs" / "nb" / f"{ARTICLE}.md"
    body_lines = page.read_text(encoding="utf-8").split("\n")
    empty = f"nb/{ARTICLE}.md:{body_lines.index('[](https://admin.microsoft.com/)') + 1}:1: empty-link:"
    assert "Denne artikkelen er maskinoversatt." in fetch(url)
    assert empty not in log.read_text()  # without md_in_html, no link in the <div>

    # mkdocs.yml gets md_in_html back: the check's parser is made again with it
    config = project / "mkdocs.yml"
    before = len(log.read_text())
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - attr_list\n", "  - attr_list\n  - md_in_html\n"),
        encoding="utf-8",
    )
    assert wait_for(lambda: rebuilt(log, before, empty), timeout=90), log.read_text()[before:]

    # strings/nb.yaml's machine translation notice, then any page saved
    strings = project / "strings" / "nb.yaml"
    strings.write_text(
        strings.read_text(encoding="utf-8").replace(
            "Denne artikkelen er maskinoversatt.", "Denne artikkelen er oversatt av en maskin."
        ),
        encoding="utf-8",
    )
    page.write_text(page.read_text(encoding="utf-8") + "\nLagret igjen.\n", encoding="utf-8")
    assert wait_for(lambda: "oversatt av en maskin" in fetch(url), timeout=90), log.read_text()

    # the schema no longer allows ms.topic: article
    schema = project / "helpsite" / "linting" / "schema" / "metadata.schema.json"
    before = len(log.read_text())
    schema.write_text(
        schema.read_text(encoding="utf-8").replace('"article", "conceptual"', '"conceptual"'),
        encoding="utf-8",
    )
    page.write_text(page.read_text(encoding="utf-8") + "\nLagret en gang til.\n", encoding="utf-8")
    line = body_lines.index("ms.topic: article") + 1
    topic = f"nb/{ARTICLE}.md:{line}:1: meta-invalid: ms.topic must be one of conceptual,"
    assert wait_for(lambda: rebuilt(log, before, topic), timeout=90), log.read_text()[before:]


# ----------------------------------------------------------------------------
# The context itself
# ----------------------------------------------------------------------------


def context_at(root: Path, site_dir: Path) -> build.Build:
    return build.Build(root, site_url="https://help.example.com/", site_dir=str(site_dir), workers=0)


def test_one_build_per_configuration_object_and_none_after_its_end(tmp_path):
    first, second = object(), object()
    started = build.start(first, ROOT, site_url="http://127.0.0.1:8000/", site_dir=str(tmp_path))
    try:
        assert build.start(first, ROOT, site_url="ignored", site_dir="ignored") is started
        assert build.current() is started
        again = build.start(second, ROOT, site_url="http://127.0.0.1:8000/", site_dir=str(tmp_path))
        assert again is not started and build.current() is again
    finally:
        build.end()
    with pytest.raises(RuntimeError, match="hooks/build_context.py must come before the hooks"):
        build.current()


def test_locale_builds_nest_and_the_last_one_ends_the_build(tmp_path):
    context = context_at(ROOT, tmp_path)
    assert context.start_locale("en", at_root=True).root == ""
    assert context.start_locale("nb", at_root=False).root == "nb/"
    assert context.locale.locale == "nb"
    assert context.end_locale() is False and context.locale.locale == "en"
    assert context.end_locale() is True


def test_a_page_is_reported_once_and_its_notice_kept(tmp_path):
    project = copy_site(tmp_path / "project")
    page = project / "docs" / "nb" / f"{ARTICLE}.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("title: ", "title: Duplikat\ntitle: ", 1), encoding="utf-8"
    )
    context = context_at(project, tmp_path / "site")
    reported = []
    first = context.read_page(str(page), lambda findings, shown: reported.append((findings, shown)))
    [(findings, shown)] = reported
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-invalid", 3, 1)]
    assert shown == f"nb/{ARTICLE}.md"
    assert first is not None and "Page not published" in first
    again = context.read_page(str(page), lambda findings, shown: reported.append((findings, shown)))
    assert again == first and len(reported) == 1


def test_the_plan_checks_the_built_locales_first_in_build_order(tmp_path, monkeypatch):
    context = context_at(ROOT, tmp_path)
    planned = []
    monkeypatch.setattr(context.source_files, "plan", planned.extend)
    docs = ROOT / "docs"
    paths = [
        str(docs / locale / name) for locale in ("ar", "nb", "en") for name in ("index.md", f"{ARTICLE}.md")
    ]
    context.plan(paths, building=["nb"])
    context.plan(paths, building=None)  # planned once a build
    assert [(Path(path).relative_to(docs).as_posix(), checked) for path, checked in planned] == [
        ("nb/index.md", True),
        (f"nb/{ARTICLE}.md", True),
        ("en/index.md", False),
        (f"en/{ARTICLE}.md", False),
        ("ar/index.md", False),
        (f"ar/{ARTICLE}.md", False),
    ]


def test_a_dirty_rebuild_checks_only_the_pages_it_rebuilds(tmp_path, monkeypatch):
    context = context_at(ROOT, tmp_path)
    planned = []
    monkeypatch.setattr(context.source_files, "plan", planned.extend)
    docs = ROOT / "docs"
    paths = [str(docs / locale / name) for locale in ("nb", "en") for name in ("index.md", f"{ARTICLE}.md")]
    context.plan(paths, building=None, rebuilt=[str(docs / "nb" / f"{ARTICLE}.md")])
    assert [(Path(path).relative_to(docs).as_posix(), checked) for path, checked in planned] == [
        (f"nb/{ARTICLE}.md", True),
        ("en/index.md", False),
        (f"en/{ARTICLE}.md", False),
        ("nb/index.md", False),
    ]


def test_each_locale_writes_its_own_search_and_404_page_under_its_folder(tmp_path):
    context = context_at(ROOT, tmp_path)
    context.start_locale("nb", at_root=False)
    context.locale.not_found = "<h1>Finner ikke siden</h1>"
    page = tmp_path / "nb" / "lisenser" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<html lang="nb"><body><article class="md-content__inner">'
        "<h1>Lisenser</h1><p>Overføre lisenser</p></article></body></html>",
        encoding="utf-8",
    )
    context.search.of(context.locale).pages = {"nb/lisenser/index.html": "nb/lisenser/"}
    context.search.start(context.locale)
    context.search.write_settings(context.locale, {"title": {"boost": 1000.0}})
    context.write_not_found()
    context.close()  # waits for the bundle
    settings = json.loads((tmp_path / "nb" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert settings == {
        "config": {
            "lang": ["en"],
            "separator": "",
            "pipeline": [],
            "fields": {"title": {"boost": 1000.0}},
            "bundle": "nb/pagefind/",
        },
        "docs": [],
    }
    assert (tmp_path / "nb" / "pagefind" / "pagefind-entry.json").is_file()
    assert not (tmp_path / "search").exists() and not (tmp_path / "pagefind").exists()
    assert (tmp_path / "nb" / "404.html").read_text(encoding="utf-8") == "<h1>Finner ikke siden</h1>"


def test_the_sitemap_goes_to_the_first_build_that_asks(tmp_path):
    context = context_at(ROOT, tmp_path)
    assert context.sitemap() is not None
    assert context.sitemap() is None


def test_a_preview_build_replaced_by_a_newer_one_delivers_none_of_its_findings(tmp_path, monkeypatch):
    """Two preview builds of a page with an empty link, the kept worker stopped while the first
    waits for it: the first is replaced before its findings come, so only the second's are
    delivered, once; the worker does the first's work first, so by then the first's would have
    come."""
    project = copy_site(tmp_path / "project")
    page = project / "docs" / "nb" / f"{ARTICLE}.md"
    # a link of the English page loses its text (a new link would be structure-link-added too)
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("[avbryte abonnementet](", "[]("), encoding="utf-8")
    [finding] = checks.check_file(page, load_site(project))
    reported = {"first": [], "second": []}
    second_done = threading.Event()

    def report_to(name):
        def report(findings, shown):
            reported[name].append([f.as_log(shown) for f in findings])
            if name == "second":
                second_done.set()

        return report

    monkeypatch.setenv("HELPSITE_WORKERS", "1")
    build.serve(True)
    try:
        first = build.start(
            object(), project, site_url="http://127.0.0.1:8000/", site_dir=str(tmp_path / "a")
        )
        first.plan([str(page)], None)
        (worker,) = source_files._kept._processes
        os.kill(worker, signal.SIGSTOP)
        try:
            assert first.read_page(str(page), report_to("first")) is None  # rendered: no notice
            build.end()  # the preview's build is over; its findings are still to come
            second = build.start(
                object(), project, site_url="http://127.0.0.1:8000/", site_dir=str(tmp_path / "b")
            )
            second.plan([str(page)], None)
            assert second.read_page(str(page), report_to("second")) is None
            assert reported == {"first": [], "second": []}  # the worker is stopped
        finally:
            os.kill(worker, signal.SIGCONT)
        assert second_done.wait(60)
        build.end()
    finally:
        build.serve(False)
        source_files.stop_kept_worker()
    assert reported == {"first": [], "second": [[finding.as_log(f"nb/{ARTICLE}.md")]]}
