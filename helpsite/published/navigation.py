"""One navigation per locale, in the source locale's order, whatever mix of translated and
fallback pages the locale has.

A locale's build has its own pages (``docs/nb/...``) and, for the pages it lacks, the source
locale's (``docs/en/...``) as fallbacks. Nested by their files' paths, those are two trees (the
section twice, the fallbacks in another order, previous/next in a third). Nested here by the
page's path inside its locale folder (``licenses/x.md``, the same in every locale), they are one
tree, ordered as the source locale's site is: in each folder its ``index`` page first, then its
pages by name, then its subfolders by name (MkDocs' order for a site without a ``nav:``). The
pages' order in that tree is the order of previous/next, of the localization dashboard and of
``Site.pages``.

Plain data in, plain data out: the MkDocs hook (``hooks/navigation.py``) hands over each page's
path and the language of its file and turns the tree back into the engine's objects.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

INDEX_NAMES = ("index", "README")  # a folder's own page, first in its section


@dataclass(frozen=True)
class NavPage:
    page_path: str  # inside the locale folder: licenses/x.md
    content_locale: str  # the language of the file shown: the locale's own, or the fallback's


@dataclass(frozen=True)
class NavSection:
    folder: str  # licenses, licenses/billing
    title: str
    children: tuple[NavPage | NavSection, ...]


NavItem = NavPage | NavSection


def order_key(page_path: str) -> tuple:
    """Where a page comes in its locale's navigation: a folder's pages (its index first, then by
    name) before its subfolders (by name), as MkDocs lists the files of a folder it walks."""
    *folders, name = page_path.split("/")
    stem = posixpath.splitext(name)[0]
    return (*((1, folder) for folder in folders), (0, stem not in INDEX_NAMES, name))


def navigation(pages: Iterable[NavPage], section_title: Callable[[str], str]) -> tuple[NavItem, ...]:
    """The locale's navigation: ``pages`` (each page path once: the locale's own file or its
    fallback) nested by folder in ``order_key`` order; each section named by
    ``section_title(folder)`` (the folder's path), once."""
    root: list = []
    sections: dict[str, list] = {"": root}
    for page in sorted(pages, key=lambda page: order_key(page.page_path)):
        folder = posixpath.dirname(page.page_path)
        _children(folder, sections).append(page)
    return _freeze(root, sections, section_title)


def ordered_pages(items: Iterable[NavItem]) -> list[NavPage]:
    """The navigation's pages in reading order: the order of previous and next."""
    pages: list[NavPage] = []
    for item in items:
        pages.extend(ordered_pages(item.children) if isinstance(item, NavSection) else (item,))
    return pages


@dataclass(frozen=True)
class FallbackLanguage:
    """A fallback page's language, as the reader's locale shows it beside the page's title."""

    locale: str  # for the title's lang attribute: en
    name: str  # the language's name in the reader's language: engelsk


def fallback_language(content_locale: str, reader_locale: str) -> FallbackLanguage:
    """``content_locale`` named in ``reader_locale``'s language (Babel, CLDR's names); its code
    for a locale CLDR does not know."""
    try:
        name = Locale.parse(content_locale, sep="-").get_display_name(Locale.parse(reader_locale, sep="-"))
    except (UnknownLocaleError, ValueError):
        name = content_locale
    return FallbackLanguage(content_locale, name or content_locale)


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


# The list of a folder's children, its section added to its parent's the first time it is met.
def _children(folder: str, sections: dict[str, list]) -> list:
    if folder not in sections:
        parent = _children(posixpath.dirname(folder), sections)
        sections[folder] = []
        parent.append(folder)  # a placeholder: the section is made once its children are known
    return sections[folder]


def _freeze(children: list, sections: dict[str, list], title: Callable[[str], str]) -> tuple[NavItem, ...]:
    return tuple(
        NavSection(child, title(child), _freeze(sections[child], sections, title))
        if isinstance(child, str)
        else child
        for child in children
    )
