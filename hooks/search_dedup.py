"""MkDocs hook: mkdocs-static-i18n's search de-duplication in linear time.

The plugin compares every source-locale search entry with every translated one after the
last locale is built: quadratic, and the largest single cost of a big multilingual build.
This swaps in ``helpsite.search_dedup``, which applies the same rule with one lookup per
entry, so the index (and a merge of per-locale shards) is the same, only sooner.
"""

from __future__ import annotations

from helpsite.search_dedup import drop_fallback_duplicates


# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------

def on_config(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None:
        i18n.reconfigure_search_duplicates = (
            lambda entries: drop_fallback_duplicates(entries, i18n.build_languages))
