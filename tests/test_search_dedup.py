"""Fallback copies leave the site-wide search index; translations and source entries stay."""

from __future__ import annotations

from helpsite.search_dedup import drop_fallback_duplicates

LOCALES = ("en", "nb", "da")


def entry(location: str, title: str, text: str = "Body.") -> dict:
    return {"location": location, "title": title, "text": text}


def test_fallback_copies_go_and_translations_stay():
    entries = [
        entry("licenses/x/", "Transfer licenses"),
        entry("licenses/x/#steps", "Steps", "Cancel the subscription."),
        entry("nb/licenses/x/", "Overføre lisenser"),                      # a translation
        entry("nb/licenses/x/#steps", "Steps", "Cancel the subscription."),  # a fallback copy
        entry("da/licenses/x/", "Transfer licenses"),                      # a fallback copy
        entry("da/licenses/x/#steps", "Steps", "Another text."),           # same title, other text
    ]
    drop_fallback_duplicates(entries, LOCALES)
    assert [e["location"] for e in entries] == [
        "licenses/x/", "licenses/x/#steps", "nb/licenses/x/", "da/licenses/x/#steps"]


def test_a_copy_must_end_with_the_source_location():
    entries = [entry("a/", "T"), entry("nb/b/", "T"), entry("nb/a/", "T"), entry("nb/x/a/", "T")]
    drop_fallback_duplicates(entries, LOCALES)
    # static-i18n's rule is "ends with", so nb/x/a/ counts as a copy of a/ too.
    assert [e["location"] for e in entries] == ["a/", "nb/b/"]


def test_adjacent_copies_of_one_source_entry_all_go():
    # static-i18n 1.3.1 skips the entry after each removal (it edits the list it walks).
    entries = [entry("", "Home"), entry("nb/", "Home"), entry("da/", "Home")]
    drop_fallback_duplicates(entries, LOCALES)
    assert entries == [entry("", "Home")]


def test_source_entries_are_never_removed():
    entries = [entry("a/", "T"), entry("a/", "T")]
    drop_fallback_duplicates(entries, LOCALES)
    assert entries == [entry("a/", "T"), entry("a/", "T")]
