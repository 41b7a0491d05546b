"""MkDocs hook: helpsite.published.markup's corrections to what Material writes outside its template blocks
(the root element's direction, attributes the Nu Html Checker refuses), on every page and on the
404 page, before hooks/localized_site.py keeps that page for its locale folder.
"""

from __future__ import annotations

from mkdocs.plugins import event_priority

from helpsite.published import markup, reader

# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


def on_post_page(output, *, page, config):
    return markup.corrected(output, _direction(config))


@event_priority(10)  # before hooks/localized_site.py keeps the 404 page's output
def on_post_template(output, *, template_name, config):
    if template_name.endswith(".html"):
        return markup.corrected(output, _direction(config))
    return output


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


# The direction of the language being built, as Material decides it in base.html.
def _direction(config) -> str:
    if config.theme.get("direction"):
        return config.theme["direction"]
    i18n = config.plugins.get("i18n")
    return reader.direction(i18n.current_language if i18n is not None else config.theme["language"])
