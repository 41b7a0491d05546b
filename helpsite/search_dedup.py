"""Fallback copies in the site-wide search index, removed in linear time.

With ``fallback_to_default``, a locale without a translation publishes the source page
again under /<locale>/, and the search index would list it once per locale.
mkdocs-static-i18n 1.3.1 removes those copies by comparing every source entry with every
translated entry (about 85 million comparisons at 1,000 articles in 8 locales); this is the
same rule with one lookup per entry. An entry under /<locale>/ goes when a source entry
has the same title and text and its location ends the entry's location. (The plugin also
skips the entry after each one it removes, as it removes from the list it is walking; a
copy that follows another copy of the same source entry stays in its index, not in ours.)
"""

from __future__ import annotations

from typing import Iterable


def drop_fallback_duplicates(entries: list[dict], locales: Iterable[str]) -> None:
    """Remove, in place, the translated entries that repeat a source-locale entry."""
    prefixes = tuple(f"{locale}/" for locale in locales)
    source: dict[tuple, set[str]] = {}
    for entry in entries:
        if not entry["location"].startswith(prefixes):
            source.setdefault((entry["title"], entry["text"]), set()).add(entry["location"])
    entries[:] = [entry for entry in entries
                  if not (entry["location"].startswith(prefixes) and _repeats(entry, source))]


# A source location that ends this entry's location, with the same title and text.
def _repeats(entry: dict, source: dict[tuple, set[str]]) -> bool:
    locations = source.get((entry["title"], entry["text"]))
    if not locations:
        return False
    location = entry["location"]
    return any(location[start:] in locations for start in range(len(location) + 1))
