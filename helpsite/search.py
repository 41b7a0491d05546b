"""Each locale's site search: a Pagefind bundle of the locale's pages, which the reader's browser
loads a few chunks at a time as queries need them, and the small settings file Material's search
reads at every page load.

Pagefind (its ``extended`` binary from PyPI's ``pagefind-bin-extended``, which segments Japanese
into words) splits the index by word and keeps each page's text in a fragment of its own: a
query fetches the index chunks of its words and the fragments of the results shown. The binary
is run on a folder of the pages' articles: Pagefind's Python API waits 0.1 s for each page's
answer, five minutes for 3,000 pages. It runs in a process of its own, at a lower priority,
while the build goes on with the next locale (``start_bundle``); the build waits for every
locale's at its end. Material's search box, keyboard handling and result list stay;
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
from dataclasses import dataclass
from html import escape
from pathlib import Path

from helpsite import lifetime
from helpsite.errors import HelpsiteError

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
            # it dies with the build (helpsite.lifetime): killed or not, nothing is left indexing
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

    def wait(self) -> None:
        """Until the bundle is written; ``SearchError`` with Pagefind's own output if it failed."""
        if self._process is None:
            return
        try:
            code = self._process.wait()
            said = Path(self._work.name, "pagefind.log").read_text(encoding="utf-8", errors="replace")
        finally:
            self._forget()
        if code != 0:
            raise SearchError(f"Pagefind could not index the {self.locale} pages: {said.strip()}")
        for name in _UNUSED:
            (self.output / name).unlink(missing_ok=True)

    def stop(self) -> None:
        """End Pagefind (the build failed; its bundle is not wanted)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._forget()

    def _forget(self) -> None:
        self._process = None
        self._work.cleanup()


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
