"""``python -m benchmarks --l10n``: ``l10n diff`` timed on a generated git history (edits, renames,
stale translations), and the size of the ``/l10n/`` dashboard's pages for many locales.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import synthetic
from benchmarks.common import commit, git, git_version, report_head, timed
from benchmarks.sites import prepare
from helpsite.building import shards
from helpsite.core.site import CONFIG_FILE, Language, Site, load_site
from helpsite.localization import l10n, l10n_dashboard, l10n_diff

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
    report: dict = {**report_head(command), "seed": seed}
    report["machine"]["git"] = git_version()
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
    status = timed(
        [sys.executable, "-m", "helpsite", "--root", str(project), "l10n", "--format", "json"], project
    )
    diff = timed(
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
    git(project, "init", "-q")
    commit(project, "Translations of an earlier English revision")
    for page in pages:
        page.write_bytes(now[page])
    commit(project, "The English pages as translated")
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
        commit(project, f"English edit {edit + 1}")
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
        command = shards.build_command(site_root / CONFIG_FILE, Path(out))
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", HELPSITE_LOCALE="en")
        subprocess.run(command, cwd=site_root, env=env, capture_output=True, check=True, timeout=600)
        page = (Path(out) / "l10n" / "index.html").stat().st_size
    site = load_site(site_root)
    summary = l10n_dashboard.summary(site, l10n.site_status(site), lambda locale: f"{locale}/")
    return page - len(_render("partials/l10n-summary.html", site_root, l10n_summary=summary).encode("utf-8"))
