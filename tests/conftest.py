"""Shared fixtures: the real site, built once per test session, and disposable copies of it."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from lxml import html as lxml_html

from benchmarks.serving import free_port  # noqa: F401  (the tests' free port)
from helpsite.core import lifetime
from helpsite.core.site import load_site
from helpsite.localization import strings

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]
SITE_FILES = (
    "mkdocs.yml",
    "docs",
    "overrides",
    "hooks",
    "hosting",
    "strings",
    "linkcheckerrc",
    "linkcheck-allow.txt",
)
# The site's locales as mkdocs.yml lists them, source first: a locale added there is tested everywhere.
LOCALES = load_site(ROOT).locales
ARTICLE = "licenses/transfer-licenses-between-tenants"
# The languages written right to left (Unicode CLDR's "right-to-left" character order), written
# out here as the tests' oracle: the product asks Babel (helpsite.reader.direction).
RIGHT_TO_LEFT = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "lrc", "mzn", "ps", "sd", "syr", "ug", "ur", "yi"}
)
# The project's seed as Microsoft published it (tests/fixtures/l10n/README.md says where from).
SEED = ROOT / "tests" / "fixtures" / "l10n" / "seed-nb.md"
# The optional corpus of Microsoft Learn pages: beside the repository, or beside the folder of
# the worktrees. A test that needs it is skipped, saying so, where it is not.
SHARED = next(
    (folder / "shared" for folder in ROOT.parents if (folder / "shared").is_dir()), ROOT.parent / "shared"
)
CORPUS = SHARED / "corpus" / "sv-SE" / "AlchemyInsights"


def reader_strings(locale: str) -> dict:
    """The site's own texts in a locale's language, as the repository's strings/ has them."""
    return strings.for_site(load_site(ROOT)).table(locale)


def is_right_to_left(locale: str) -> bool:
    """Whether a locale's pages read right to left: its language subtag ("he" of "he-IL")."""
    return locale.replace("_", "-").split("-")[0].lower() in RIGHT_TO_LEFT


def build_env(**extra: str) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.update(extra)
    return env


def pin_today(monkeypatch, module, day: date) -> None:
    """The module's date.today() answers day: a test that reads "today" when it is collected and
    a checker that reads it again later agree, even when the run crosses midnight."""

    class Day(date):
        @classmethod
        def today(cls):
            return day

    monkeypatch.setattr(module, "date", Day)


def copy_site(target: Path) -> Path:
    """A disposable copy of the site's sources, to edit or break in a test."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SITE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def add_to_article(project: Path, english: str, norwegian: str) -> Path:
    """The article's English and Norwegian pages, each with text added at the end, the English
    one's new hash recorded in the translation: it stays a current translation with the English
    structure (helpsite.linting.translation_structure). The Norwegian page's path."""
    source = project / "docs" / "en" / f"{ARTICLE}.md"
    data = (source.read_text(encoding="utf-8") + english).encode("utf-8")
    source.write_bytes(data)
    page = project / "docs" / "nb" / f"{ARTICLE}.md"
    text = re.sub(
        r"ms.openlocfilehash: \w+",
        f"ms.openlocfilehash: {hashlib.sha1(data).hexdigest()}",
        page.read_text(encoding="utf-8"),
    )
    page.write_text(text + norwegian, encoding="utf-8")
    return page


def mkdocs_build(
    project: Path, site_dir: Path, *args: str, env: dict | None = None, strict: bool = True
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            *MKDOCS,
            "build",
            *(["--strict"] if strict else []),
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(site_dir),
            *args,
        ],
        capture_output=True,
        text=True,
        env=env or build_env(),
        timeout=600,
    )


def page_url(locale: str, path: str = ARTICLE) -> str:
    return ("" if locale == "en" else f"{locale}/") + (f"{path}/" if path else "")


def page_file(site: Path, locale: str, path: str = ARTICLE) -> Path:
    return site / page_url(locale, path) / "index.html"


def searched_urls(locale_dir: Path) -> list[str]:
    """The URLs of the pages in a locale's Pagefind bundle, read from its fragment files
    (gzip: Pagefind's signature, then one page's JSON)."""
    urls = []
    for fragment in (locale_dir / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        urls.append(json.loads(data)["url"])
    return sorted(urls)


def parse_html(path: Path):
    return lxml_html.fromstring(path.read_bytes())


# ----------------------------------------------------------------------------
# Nothing the suite starts outlives it (issue 28)
# ----------------------------------------------------------------------------

# Processes that end with this one by design: multiprocessing's helpers, which read a pipe it holds.
_ENDS_WITH_THE_SUITE = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


def pytest_configure(config):
    # Orphans (a preview's worker whose preview was killed) come back to this process, so the
    # check below sees them too, not only the processes still under a test's.
    lifetime.adopt_orphans()


def pytest_sessionfinish(session, exitstatus):
    """The suite fails when a process it started is still alive as it ends (after 2 s, the time a
    stopped preview has)."""
    import psutil

    def alive(process) -> bool:
        try:
            return process.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    def named(process) -> str:
        try:
            return " ".join(process.cmdline())
        except psutil.Error:
            return "?"

    started = [
        p
        for p in psutil.Process().children(recursive=True)
        if not any(helper in named(p) for helper in _ENDS_WITH_THE_SUITE)
    ]
    psutil.wait_procs(started, timeout=2)
    left = [p for p in started if alive(p)]
    for process in started:  # the orphans this process adopted: their exit status, read
        if not alive(process):
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(process.pid, os.WNOHANG)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = [f"{len(left)} process(es) the suite started are still running:"]
        lines += [f"  {p.pid}: {named(p)[:200]}" for p in left]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        for process in left:  # stopped now, so that they do not outlive this run as well
            with contextlib.suppress(psutil.Error):
                process.kill()
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> tuple[Path, str]:
    """The real site from the repository, built once with --strict: (site folder, build log)."""
    site_dir = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir, result.stderr


@pytest.fixture(scope="session")
def built_site(real_build) -> Path:
    return real_build[0]


from browser import browser, browser_page, site_server  # noqa: E402,F401  (Chromium and a local host)
