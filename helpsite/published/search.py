"""Each locale's site search: a Pagefind bundle of the locale's pages, which the reader's browser
loads a few chunks at a time as queries need them, and the small settings file Material's search
reads at every page load.

Pagefind (its ``extended`` binary from PyPI's ``pagefind-bin-extended``, which segments Japanese
into words) splits the index by word and keeps each page's text in a fragment of its own: a
query fetches the index chunks of its words and the fragments of the results shown. The binary
is run on a folder of the pages' articles: Pagefind's Python API waits 0.1 s for each page's
answer, five minutes for 3,000 pages. It runs in a process of its own, at a lower priority,
while the build goes on with the next locale (``start_bundle``); the build waits for every
locale's at its end. ``SiteSearch`` is one build's: each locale build's pages and word settings,
noted by the hooks as the build goes, and the bundles being made. Material's search box, keyboard handling and result list stay;
``overrides/assets/javascripts/helpsite/search-worker.js`` speaks Material's worker protocol and
asks Pagefind; ``search-preload.js`` beside it has the worker load the bundle when the reader
opens search.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Protocol

from helpsite.core import lifetime
from helpsite.core.errors import HelpsiteError

BUNDLE = "pagefind/"  # under the locale's folder
SETTINGS = "search/search_index.json"  # where Material's bundle fetches its index
WORKER = "assets/javascripts/helpsite/search-worker.js"

# Not the page's own words: heading permalinks, the translation notices, "last updated".
NOT_INDEXED = (".headerlink", ".helpsite-notice", ".md-source-file")

# Pagefind's reader-side files the worker does not use (its own search UIs).
_UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


# How much lower than the build's Pagefind's priority is: it fills the core the build leaves.
_NICENESS = 10


class SearchError(HelpsiteError):
    """Pagefind could not index a locale's pages; the message has its own output."""


@dataclass(frozen=True)
class Page:
    url: str  # relative to the locale's root, as Material's result links are: "licenses/x/"
    html: str | None = None  # the built page, or
    path: Path | None = None  # its file, read only when it is indexed (a locale's pages are not all held)

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8") if self.path is not None else (self.html or "")


class Where(Protocol):
    """A locale build (``helpsite.building.build.LocaleBuild``): its locale and its folder in the site."""

    locale: str
    root: str


@dataclass
class LocaleSearch:
    """What one locale build's search is made from, noted as the build goes."""

    root: str  # the locale's folder in the site: "" or "nb/"
    pages: dict[str, str] = field(default_factory=dict)  # destination -> URL, of the pages searched
    separator: str = ""  # how this locale's search splits words (from the theme)
    pipeline: list[str] = field(default_factory=list)


class SiteSearch:
    """One build's search: a ``LocaleSearch`` for each locale built, and its bundle, started when
    the locale's pages are written and waited for when the build ends."""

    def __init__(self, site_dir: str | Path):
        self.site_dir = Path(site_dir)
        self.locales: dict[str, LocaleSearch] = {}
        self._indexing: list[Indexing] = []

    def of(self, where: Where) -> LocaleSearch:
        """The search of the locale build ``where`` (its locale, served under its root)."""
        return self.locales.setdefault(where.locale, LocaleSearch(where.root))

    def pages(self, locale: str) -> list[Page]:
        """The pages ``locale``'s bundle indexes, as written."""
        noted = self.locales[locale]
        return [
            Page(url.removeprefix(noted.root), path=self.site_dir / dest)
            for dest, url in noted.pages.items()
            if (self.site_dir / dest).is_file()
        ]

    def start(self, where: Where) -> None:
        """Start the bundle of the locale build ``where`` from its pages as written, in a process
        of its own: it runs while the next locale builds (``wait`` waits for it)."""
        root = self.of(where).root
        self._indexing.append(start_bundle(self.pages(where.locale), where.locale, self.site_dir / root))

    def write_settings(self, where: Where, fields: dict) -> None:
        """The settings the search of the locale build ``where`` reads (Material's, and where its
        bundle is), under its folder: each nested build wrote its own at the site root."""
        noted = self.of(where)
        path = self.site_dir / noted.root / SETTINGS
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(
            settings(noted.root, noted.separator, noted.pipeline, fields), separators=(",", ":")
        )
        path.write_text(text, encoding="utf-8")

    def wait(self) -> None:
        """Wait for every bundle started. Raises ``SearchError`` when one could not be made."""
        indexing, self._indexing = self._indexing, []
        wait_all(indexing)

    def stop(self) -> None:
        """Stop the bundles still being made (the build failed, or a newer one replaces it)."""
        indexing, self._indexing = self._indexing, []
        for bundle in indexing:
            bundle.stop()


def settings(locale_root: str, separator: str, pipeline: list[str], fields: dict) -> dict:
    """What Material's search reads at page load instead of an index: its own settings (it
    highlights the words searched for on the page a result opens) and where the locale's
    bundle is, relative to the site root, for the worker."""
    return {
        "config": {
            "lang": ["en"],
            "separator": separator,
            "pipeline": pipeline,
            "fields": fields,
            "bundle": locale_root + BUNDLE,
        },
        "docs": [],
    }


def write_bundle(pages: Iterable[Page], locale: str, locale_dir: Path) -> None:
    """Index ``pages`` as ``locale``'s words and wait for the bundle: ``start_bundle``, then
    ``Indexing.wait``."""
    start_bundle(pages, locale, locale_dir).wait()


def start_bundle(pages: Iterable[Page], locale: str, locale_dir: Path) -> Indexing:
    """Start indexing ``pages`` as ``locale``'s words (its stemmer; Japanese segmented into
    words) into ``locale_dir/pagefind``, replacing an older bundle, in a Pagefind process of its
    own: the build goes on with the next locale while it runs (the build is one Python thread,
    Pagefind another core). Pages go in sorted by URL, so the same pages give the same files
    whatever order the build rendered them in. No pages, no bundle (Pagefind refuses to index
    nothing): the worker answers every query with no results."""
    output = (locale_dir / BUNDLE).resolve()
    shutil.rmtree(output, ignore_errors=True)
    pages = sorted(pages, key=lambda page: page.url)
    if not pages:
        return Indexing(locale, output, None, None)
    work = tempfile.TemporaryDirectory(prefix="helpsite-search-")
    try:
        documents = Path(work.name, "pages")
        for page in pages:
            path = documents / page.url / "index.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(article(page.text()), encoding="utf-8")
        settings = {
            "site": str(documents),
            "output_path": str(output),
            "force_language": locale,
            "exclude_selectors": list(NOT_INDEXED),
            "silent": True,
        }
        Path(work.name, "pagefind.json").write_text(json.dumps(settings), encoding="utf-8")
        # imported here: the page checks (a pre-commit hook's environment) need no indexer
        from pagefind_bin_extended import get_executable

        with open(Path(work.name, "pagefind.log"), "wb") as log:  # a file: no pipe to fill up
            # it dies with the build (helpsite.core.lifetime): killed or not, nothing is left indexing
            process = lifetime.popen([get_executable()], cwd=work.name, stdout=log, stderr=log)
        if hasattr(os, "setpriority"):  # the build (one thread, the critical path) goes first
            with contextlib.suppress(ProcessLookupError):  # done already
                os.setpriority(os.PRIO_PROCESS, process.pid, _NICENESS)
    except BaseException:
        work.cleanup()
        raise
    return Indexing(locale, output, work, process)


class Indexing:
    """A locale's bundle being written: ``wait`` for it (or ``stop`` it, when the build failed)."""

    def __init__(self, locale: str, output: Path, work, process: subprocess.Popen | None):
        self.locale, self.output, self._work, self._process = locale, output, work, process
        self.stopped = False

    def wait(self) -> None:
        """Until the bundle is written; ``SearchError`` with Pagefind's own output if it failed.
        A bundle stopped meanwhile (from another thread: a preview that stops) is no error."""
        process = self._process
        if process is None:
            return
        try:
            code = process.wait()
            if self.stopped:
                return
            said = Path(self._work.name, "pagefind.log").read_text(encoding="utf-8", errors="replace")
        finally:
            self._forget()
        if code != 0:
            raise SearchError(f"Pagefind could not index the {self.locale} pages: {said.strip()}")
        for name in _UNUSED:
            (self.output / name).unlink(missing_ok=True)

    def stop(self) -> None:
        """End Pagefind (the build failed; its bundle is not wanted)."""
        self.stopped = True
        process = self._process
        if process is not None:
            process.kill()
            process.wait()
            self._forget()

    def _forget(self) -> None:
        self._process = None
        self._work.cleanup()  # a second call (wait and stop both ending it) finds nothing to do


def wait_all(indexings: Iterable[Indexing]) -> None:
    """Wait for every bundle; the first failure is raised once all are over."""
    failure = None
    for indexing in indexings:
        try:
            indexing.wait()
        except SearchError as error:
            failure = failure or error
    if failure is not None:
        raise failure


def named_dialog(header: str, name: str) -> str:
    """Material's header with its search dialog given an accessible name (Material gives the
    ``role="dialog"`` element none, so a screen reader announces only "dialog")."""
    return header.replace(
        'data-md-component="search" role="dialog">',
        f'data-md-component="search" role="dialog" aria-label="{escape(name)}">',
        1,
    )


def article(html: str) -> str:
    """The part of a built page that is its text (Material's one ``<article>``), as a document
    of its own: Pagefind reads a tenth of the bytes, and nothing of the navigation."""
    start, end = html.find("<article"), html.rfind("</article>")
    if start < 0 or end < start:
        return html
    return "<html><body>" + html[start : end + len("</article>")] + "</body></html>"
