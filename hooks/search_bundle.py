"""MkDocs hook: start each locale's search bundle (Pagefind, helpsite.published.search) as soon as that
locale's pages are written, so that it is indexed while the next locale builds.

Its post_build runs before static-i18n's (priority -100), which builds the other locales inside
the source locale's post_build: the source locale's pages are indexed beside those builds, not
after them. The build waits for every bundle when it ends (hooks/build_context.py). Left out of
mkdocs.yml, the site builds without search bundles (the benchmark's build without search).
"""

from __future__ import annotations

from mkdocs.plugins import event_priority

from helpsite.building import build


@event_priority(-90)  # before static-i18n's (-100): see the order of events in helpsite/building/build.py
def on_post_build(config):
    current = build.current()
    if current.locale.pages_deferred:  # a lazy preview's: made once its pages are (helpsite.building.preview)
        current.locale.index_later = True
        return
    current.search.start(current.locale)
