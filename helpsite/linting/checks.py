"""Run every page check of the rule registry (``helpsite.linting.rules``) over files and folders.

The command line and the build hooks both check pages here, so they always run the same set.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from helpsite.core.findings import Finding
from helpsite.core.site import Site
from helpsite.linting import catalogue, rules, safety, suppressions
from helpsite.linting.suppressions import Outcome
from helpsite.text import markdown
from helpsite.text import page as pages

MARKDOWN_SUFFIXES = (".md", ".markdown")


def check_page(page: pages.Page, site: Site) -> list[Finding]:
    """Every finding for one loaded page, in file order, less those its comments silence."""
    return checked_page(page, site).findings


def checked_page(page: pages.Page, site: Site) -> Outcome:
    """The page's findings, and apart from them those its helpsite-disable comments silence."""
    findings = list(page.findings)
    for check in catalogue.page_checks():
        try:
            findings.extend(check(page, site))
        except Exception as error:  # a bug in a check must not hide the other findings
            findings.append(
                rules.INTERNAL.at(
                    page.display,
                    1,
                    1,
                    f"{check.__module__}.{check.__name__} failed: {type(error).__name__}: {error}",
                )
            )
    ordered = sorted(set(findings), key=lambda f: (f.line, f.column, f.rule, f.message))
    return suppressions.apply(page, site, ordered, catalogue.find)


def unrenderable_before_check(page: pages.Page, site: Site) -> list[Finding] | None:
    """The findings that keep a loaded page from the renderer (``safety.UNRENDERABLE``), found
    without the checks of its links and headings: the same as ``safety.unrenderable`` of its
    ``check_page`` findings. None when only the check's parse can tell (markup that may nest
    too deep for the engine: ``markdown.may_nest_too_deeply``)."""
    found = safety.unrenderable([*page.findings, *safety.limits(page, site)])
    if found or not page.readable:
        return found
    return None if markdown.may_nest_too_deeply(page.body, site) else []


def check_file(path: Path, site: Site, locale: str | None = None, data: bytes | None = None) -> list[Finding]:
    """Check one file; ``locale`` overrides the locale its docs/<locale>/ position gives."""
    return check_page(safety.load_file(path, site, locale, data), site)


def markdown_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The Markdown files named, and those below the folders named, in a stable order."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            top = os.path.realpath(path)
            for folder, subfolders, names in os.walk(path):
                subfolders.sort()
                # MkDocs follows linked folders; one that leads out is named for safety.outside_docs
                yield from (
                    Path(folder) / name
                    for name in subfolders
                    if os.path.islink(Path(folder) / name)
                    and not Path(os.path.realpath(Path(folder) / name)).is_relative_to(top)
                )
                for name in sorted(names):
                    if name.endswith(MARKDOWN_SUFFIXES):
                        yield Path(folder) / name
        else:
            yield path


def check_paths(paths: Iterable[Path], site: Site, locale: str | None = None) -> list[Finding]:
    return checked_paths(paths, site, locale).findings


def checked_paths(paths: Iterable[Path], site: Site, locale: str | None = None) -> Outcome:
    outcome = Outcome([], [])
    for path in markdown_files(paths):
        page = checked_page(safety.load_file(path, site, locale), site)
        outcome.findings.extend(page.findings)
        outcome.suppressed.extend(page.suppressed)
    return outcome
