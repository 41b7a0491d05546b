"""helpsite.published.reader on its own: strings, dates, robots, URLs, alternates and notices from the files."""

from __future__ import annotations

import datetime
import json
import posixpath
import subprocess

import pytest
import yaml
from conftest import ARTICLE, LOCALES, ROOT, copy_site, reader_strings
from history_repo import build, commit, sha1, translation, write
from hypothesis import given, settings
from hypothesis import strategies as st

from helpsite.core.site import load_site
from helpsite.localization import strings
from helpsite.published import reader

PAGE = ARTICLE + ".md"


@pytest.fixture
def localized(tmp_path):
    project = copy_site(tmp_path / "project")
    return reader.LocalizedSite(load_site(project), "https://help.example.org/docs/")


def test_every_locale_of_the_site_has_every_reader_string():
    site = load_site(ROOT)
    assert strings.for_site(site).findings() == []
    for locale in site.locales:
        table = yaml.safe_load((ROOT / "strings" / f"{locale}.yaml").read_text(encoding="utf-8"))
        assert all(isinstance(value, str) and value for value in table.values()), locale
        assert table["made_with"].count("{generator}") == 1, locale


@pytest.mark.parametrize(
    "value, expected",
    [
        ("08/13/2021", datetime.date(2021, 8, 13)),
        (" 08/13/2021 ", datetime.date(2021, 8, 13)),
        (datetime.date(2021, 8, 13), datetime.date(2021, 8, 13)),
        (datetime.datetime(2021, 8, 13, 9, 30), datetime.date(2021, 8, 13)),
        ("13/08/2021", None),
        ("2021-08-13", None),
        (20210813, None),
        (None, None),
    ],
)
def test_ms_date(value, expected):
    assert reader.ms_date(value) == expected


@pytest.mark.parametrize(
    "locale, text",
    [
        ("nb", "13. aug. 2021"),
        ("ja", "2021/08/13"),
        ("pt-BR", "13 de ago. de 2021"),
        ("xx", "2021-08-13"),
    ],
)
def test_local_date(locale, text):
    assert reader.local_date(datetime.date(2021, 8, 13), locale) == text


def test_robots_none_keeps_a_page_out_like_noindex(localized):
    nb = localized.site.file_for("nb", "index.md")
    nb.write_text(
        nb.read_text(encoding="utf-8").replace("ms.date:", "ROBOTS: NONE\nms.date:"), encoding="utf-8"
    )
    assert "nb" not in [alt.hreflang for alt in localized.alternates("index.md")]
    assert localized.is_indexable("da", "index.md")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("NOINDEX, NOFOLLOW", "noindex, nofollow"),
        ("noindex", "noindex"),
        ("NOINDEX,NOFOLLOW,", "noindex, nofollow"),
        ('noindex" onload="x', None),
        ("", None),
        (["NOINDEX"], None),
    ],
)
def test_robots_content(value, expected):
    assert reader.robots_content(value) == expected


@pytest.mark.parametrize(
    "page_path, url",
    [
        ("index.md", ""),
        ("licenses/index.md", "licenses/"),
        ("licenses/x.md", "licenses/x/"),
        ("reindex.md", "reindex/"),
    ],
)
def test_directory_url(page_path, url):
    assert reader.directory_url(page_path) == url


@pytest.mark.parametrize(
    "from_url, to_url, relative",
    [
        ("nb/licenses/x/", "nb/", "../.."),
        ("nb/", "nb/", "."),
        ("", "", "."),
        ("licenses/x/", "", "../.."),
        ("nb/404.html", "nb/", "."),
    ],
)
def test_relative_url(from_url, to_url, relative):
    assert reader.relative_url(from_url, to_url) == relative


def test_with_search_base_changes_only_the_base_and_worker_of_materials_config():
    markup = (
        '<div></div><script id="__config" type="application/json">'
        '{"base": "../..", "search": "../../assets/w.js", "t": "</b>"}</script><p></p>'
    )
    changed = reader.with_search_base(markup, "/nb/", "../../assets/ours.js")
    start, end = changed.index('json">') + 6, changed.index("</script>")
    assert json.loads(changed[start:end]) == {"base": "/nb/", "search": "../../assets/ours.js", "t": "</b>"}
    assert "<\\/b>" in changed
    assert changed.startswith("<div></div>") and changed.endswith("</script><p></p>")


def test_alternates_leave_out_missing_and_noindex_versions(localized):
    docs = localized.site.docs_dir
    (docs / "da" / "index.md").unlink()
    sv = docs / "sv" / "index.md"
    sv.write_text(
        sv.read_text(encoding="utf-8").replace("ms.date:", "ROBOTS: NOINDEX\nms.date:"), encoding="utf-8"
    )
    base = "https://help.example.org/docs/"
    assert localized.alternates("index.md") == tuple(
        reader.Alternate(locale, base + ("" if locale == "en" else locale + "/"))
        # every locale with the page, in the order of mkdocs.yml, but the noindex one
        for locale in LOCALES
        if (docs / locale / "index.md").is_file() and locale != "sv"
    ) + (reader.Alternate("x-default", base),)
    assert localized.alternates(PAGE) == ()


def test_a_page_without_a_source_has_no_x_default(localized):
    docs = localized.site.docs_dir
    (docs / "en" / "index.md").unlink()
    assert [alt.hreflang for alt in localized.alternates("index.md")] == list(LOCALES[1:])


def test_fallback_page_notice_canonical_and_content_language(localized):
    (localized.site.docs_dir / "da" / PAGE).unlink()
    view = localized.page("da", PAGE, "en", "da/" + ARTICLE + "/", "da/")
    assert view.notices == (reader.Notice("fallback", localized.strings.table("da")["fallback"]),)
    assert (view.content_locale, view.content_dir, view.content_is_foreign) == ("en", "ltr", True)
    assert view.canonical == "https://help.example.org/docs/" + ARTICLE + "/"
    assert view.robots == "noindex, nofollow"
    assert view.locale_home == "../.."


def test_machine_translation_and_stale_notices(localized):
    source = localized.site.file_for("en", PAGE)
    source.write_bytes(source.read_bytes() + b"\nA new paragraph.\n")
    view = localized.page("ar", PAGE, "ar", "ar/" + ARTICLE + "/", "ar/")
    text = localized.strings.table("ar")
    assert view.notices == (
        reader.Notice(
            "machine-translation",
            text["machine_translation"],
            text["read_source"],
            "/docs/" + ARTICLE + "/",
            "en",
        ),
        reader.Notice("stale", text["stale"], text["read_source"], "/docs/" + ARTICLE + "/", "en"),
    )
    assert (view.content_dir, view.content_is_foreign) == ("rtl", False)
    assert view.last_updated == reader.LastUpdated("آخر تحديث", "13\u200f/08\u200f/2021", "2021-08-13")


def test_translation_without_a_source_gets_no_translation_notice(localized):
    docs = localized.site.docs_dir
    (docs / "nb" / "extra.md").write_text(
        "---\ntitle: Ekstra\nms.translationtype: MT\n---\n# Ekstra\n", encoding="utf-8"
    )
    view = localized.page("nb", "extra.md", "nb", "nb/extra/", "nb/")
    assert (view.notices, view.last_updated) == ((), None)


def test_broken_front_matter_gives_no_date_and_no_crash(localized):
    page = localized.site.file_for("nb", PAGE)
    page.write_text("---\ntitle: [unclosed\nms.date: 08/13/2021\n---\n# x\n", encoding="utf-8")
    view = localized.page("nb", PAGE, "nb", "nb/" + ARTICLE + "/", "nb/")
    assert (view.last_updated, view.robots) == (None, None)


def test_not_found_page_links_to_the_locale_home_absolutely(localized):
    view = localized.not_found("nb", "nb/")
    assert (view.locale, view.locale_home, view.alternates, view.notices) == ("nb", "/docs/nb/", (), ())
    assert localized.not_found("en", "").locale_home == "/docs/"


_SEGMENTS = st.lists(
    st.sampled_from(["nb", "en", "licenses", "x", "a-b", "404.html", "index.html"]), max_size=4
)


@settings(max_examples=300, deadline=None)
@given(_SEGMENTS, st.booleans(), _SEGMENTS, st.booleans())
def test_relative_url_is_posix_relpath_between_url_folders(start, start_slash, target, target_slash):
    from_url = "/".join(start) + ("/" if start_slash and start else "")
    to_url = "/".join(target) + ("/" if target_slash and target else "")
    assert reader.relative_url(from_url, to_url) == posixpath.relpath(
        to_url or ".", posixpath.dirname(from_url) or "."
    )


def test_the_stale_notice_names_the_date_of_the_english_change_it_misses(tmp_path):
    repo = build(tmp_path / "site")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True)
    texts = []
    for root in (repo.root, clone):
        view = reader.LocalizedSite(load_site(root)).page("nb", "guide.md", "nb", "nb/guide/", "nb/")
        texts += [notice.text for notice in view.notices if notice.kind == reader.STALE]
    # the guide's newest English commit is 10 February 2026; a shallow clone does not know it
    assert texts == [
        "Denne oversettelsen er utdatert: den engelske originalen ble endret 10. feb. 2026, "
        "etter at den ble oversatt.",
        reader_strings("nb")["stale"],
    ]


def test_the_stale_notice_gives_no_date_for_an_english_change_not_committed(tmp_path):
    """nb's guide made from the newest commit, then the English edited and not committed: the
    change has no date in the history (the newest commit's is the translation's own)."""
    repo = build(tmp_path / "site")
    english = repo.root / "docs" / "en" / "guide.md"
    write(repo.root, "nb/guide.md", translation(sha1(english.read_bytes())))
    commit(repo.root, "nb's guide caught up", "2026-05-01")
    english.write_bytes(english.read_bytes() + b"\nA sentence not committed yet.\n")
    view = reader.LocalizedSite(load_site(repo.root)).page("nb", "guide.md", "nb", "nb/guide/", "nb/")
    assert [n.text for n in view.notices if n.kind == reader.STALE] == [reader_strings("nb")["stale"]]
    subprocess.run(["git", "-C", str(repo.root), "checkout", "-q", "--", "docs/en/guide.md"], check=True)
    english.write_bytes(english.read_bytes() + b"\nA sentence committed.\n")
    commit(repo.root, "Guide: one more sentence", "2026-06-02")
    view = reader.LocalizedSite(load_site(repo.root)).page("nb", "guide.md", "nb", "nb/guide/", "nb/")
    assert [n.text for n in view.notices if n.kind == reader.STALE] == [
        "Denne oversettelsen er utdatert: den engelske originalen ble endret 2. juni 2026, "
        "etter at den ble oversatt."
    ]
