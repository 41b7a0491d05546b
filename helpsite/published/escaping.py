"""Every text reaches the reader as text: what the templates print is escaped unless the site made it.

MkDocs gives the theme's templates an environment without autoescape, and Material prints what
it is handed as HTML: a page title from the front matter, a description, ``site_name``, a
``nav_translations`` entry or a string of ``strings/<locale>.yaml`` that holds ``<script>`` ran in
the reader's browser (issue 28). These values come from writers, translators and machine
translation: they are text. So the templates are rendered with Jinja's autoescape on, and the
few values that are HTML made by the site itself are marked as such (``Markup``): the page's
rendered body, the titles Python-Markdown takes from headings (its HTML text, tags removed), and
the markup the site's filters return from HTML they were given.

One setting is HTML on purpose: Material prints ``copyright`` as markup (a link to a license).
It is used as markup only when it holds nothing that runs code (the ``unsafe-html`` rule, the
same as raw HTML in a page: ``theme_settings.html_findings``); otherwise it is shown as text, and
``mkdocs.yml``'s line is named in ``check``, the build and the preview (``theme_settings.config_findings``).
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from helpsite.linting import theme_settings


def page_title(meta_title: object, rendered_title: str | None, title: str | None) -> Markup | None:
    """A page's title as HTML: the front matter's ``title`` is text (escaped), the title MkDocs
    took from the page's H1 is Python-Markdown's HTML text with its tags removed (kept), any
    other (the file's name) is text."""
    if meta_title is not None:
        return escape(str(meta_title))
    if title is not None and title == rendered_title:
        return Markup(title)
    return None if title is None else escape(title)


def markup_setting(value: object) -> Markup:
    """A setting that may hold HTML (Material's ``copyright``): as markup when nothing in it runs
    code, else as text (its finding names the setting's line in mkdocs.yml)."""
    text = "" if value is None else str(value)
    if any(theme_settings.html_findings(text, "", 1, 1)):
        return escape(text)
    return Markup(text)


def keeping_markup(transform: Callable[..., str]) -> Callable[..., Markup]:
    """A filter that edits HTML it is given (the site's own, already escaped) into HTML."""

    def filter(markup, *args):
        return Markup(transform(str(escape(markup)), *args))  # str: Markup.replace would escape

    filter.__doc__ = transform.__doc__
    return filter
