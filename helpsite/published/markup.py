"""Corrections to the HTML Material for MkDocs 9.8 writes outside its template blocks, for the
checkers readers' advocates use (tests/test_accessibility.py runs them on every page):

- the W3C asks for the direction of a right-to-left page on its root element
  (https://www.w3.org/International/questions/qa-html-dir): Material sets it on <body> only;
- Nu Html Checker: `autocomplete` is allowed on text-like inputs only, and Material writes
  `autocomplete="off"` on its two toggle checkboxes (drawer, search);
- Nu Html Checker: a label must name a control, and the table of contents' title is a
  `<label for="__toc">` while only a page listed in the navigation gets the `__toc` input.

Each correction is exact about the markup it changes, so a page without it is left as it is
(and the checker, not a silent fallback, tells when a Material upgrade writes something else).
"""

from __future__ import annotations

import re

ROOT_START = re.compile(r"<html(?=[\s>])([^>]*)>")
TOGGLE_AUTOCOMPLETE = re.compile(
    r'(<input class="md-toggle" data-md-toggle="(?:drawer|search)" '
    r'type="checkbox" id="__(?:drawer|search)") autocomplete="off">'
)
TOC_LABEL = re.compile(r'(<label class="md-nav__title") for="__toc">')


def corrected(html: str, direction: str) -> str:
    """The page with those corrections; ``direction`` is the page's, "ltr" or "rtl"."""
    if direction == "rtl":
        html = ROOT_START.sub(
            lambda m: m.group(0) if " dir=" in m.group(1) else f'<html{m.group(1)} dir="rtl">', html, count=1
        )
    html = TOGGLE_AUTOCOMPLETE.sub(r"\1>", html)
    if 'id="__toc"' not in html:
        html = TOC_LABEL.sub(r"\1>", html)
    return html
