"""helpsite.published.markup on the markup Material 9.8.1's base.html and toc.html write
(tests/fixtures/accessibility/material-base.html, copied from a built page)."""

from __future__ import annotations

from pathlib import Path

from helpsite.published.markup import corrected

FIXTURE = Path(__file__).parent / "fixtures" / "accessibility" / "material-base.html"
PAGE = FIXTURE.read_text(encoding="utf-8")
DRAWER = '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer"'
SEARCH = '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search"'


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    return [
        (old.strip(), new.strip()) for old, new in zip(before.splitlines(), after.splitlines()) if old != new
    ]


def test_right_to_left_page_outside_the_navigation():
    assert changed_lines(PAGE, corrected(PAGE, "rtl")) == [
        ('<html lang="ar" class="no-js">', '<html lang="ar" class="no-js" dir="rtl">'),
        (DRAWER + ' autocomplete="off">', DRAWER + ">"),
        (SEARCH + ' autocomplete="off">', SEARCH + ">"),
        ('<label class="md-nav__title" for="__toc">', '<label class="md-nav__title">'),
    ]


def test_left_to_right_page_in_the_navigation_keeps_its_root_and_toc_label():
    toc_input = '<input class="md-nav__toggle md-toggle" type="checkbox" id="__toc">'
    page = PAGE.replace('<label class="md-overlay"', toc_input + '\n    <label class="md-overlay"')
    assert [new for _, new in changed_lines(page, corrected(page, "ltr"))] == [DRAWER + ">", SEARCH + ">"]


def test_a_page_already_corrected_is_left_as_it_is():
    once = corrected(PAGE, "rtl")
    assert corrected(once, "rtl") == once
