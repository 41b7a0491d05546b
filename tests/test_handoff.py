"""The translation handoff (helpsite/localization/handoff/): segments, XLIFF 2.1 and PO out, pages back in.

The oracles are written here, not taken from the code: the English bytes a page must come
back as, the pseudo-translation of every text, the built HTML's links, code and anchors.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from datetime import date
from pathlib import Path

import polib
import pytest
from conftest import CORPUS, ROOT, copy_site, mkdocs_build, parse_html, pin_today
from history_repo import commit, git
from lxml import etree

from helpsite import cli
from helpsite.core.site import load_site
from helpsite.localization.handoff import exchange, segments
from helpsite.text import page as pages

FIXTURE = Path(__file__).parent / "fixtures" / "handoff" / "every-construct.md"
ARTICLE = "licenses/transfer-licenses-between-tenants.md"
CONSTRUCTS = "licenses/every-construct.md"
X = "{urn:oasis:names:tc:xliff:document:2.0}"
DAY = date(2026, 11, 30)
SITE = load_site(ROOT)
# Pseudo-translation: every letter accented, every vowel doubled (a text 20-40 % longer).
ACCENTED = str.maketrans("aeiouyAEIOUYcdghklnrstwzCDGHKLNRSTWZ", "áéíóúýÁÉÍÓÚÝçđĝĥķĺñŕšŧŵžÇĐĜĤĶĹÑŔŠŦŴŽ")


def pseudo(text: str) -> str:
    return re.sub(r"[aeiouyAEIOUY]", lambda m: m.group(0) * 2, text).translate(ACCENTED)


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A copy of the site with the every-construct page in English (and the image it shows)."""
    pin_today(monkeypatch, exchange, DAY)
    root = copy_site(tmp_path / "site")
    (root / "docs" / "en" / CONSTRUCTS).write_bytes(FIXTURE.read_bytes())
    (root / "docs" / "en" / "img").mkdir()
    (root / "docs" / "en" / "img" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


def run(root: Path, *args: str) -> int:
    return cli.main(["--root", str(root), *args])


def export(root: Path, tmp_path: Path, *args: str, format: str = "xliff") -> Path:
    out = tmp_path / "out"
    assert run(root, "l10n", "export", "--locale", "nb", "--format", format, "-o", str(out), *args) == 0
    return out


def set_targets(path: Path, change) -> None:
    """Every unit's target: its source with ``change`` applied to each text."""
    tree = etree.parse(str(path))
    for segment in tree.iter(X + "segment"):
        for old in segment.findall(X + "target"):
            segment.remove(old)
        target = copy.deepcopy(segment.find(X + "source"))
        target.tag = X + "target"
        target.text = change(target.text) if target.text else target.text
        for child in target:
            child.tail = change(child.tail) if child.tail else child.tail
        segment.append(target)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def body(path: Path) -> str:
    return pages.load(path.read_bytes(), str(path)).body


def english_pages(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root / "docs" / "en").as_posix() for p in (root / "docs" / "en").rglob("*.md")
    )


# ----------------------------------------------------------------------------
# Segments
# ----------------------------------------------------------------------------


def test_segments_keep_what_is_not_text_as_codes():
    page = pages.load(FIXTURE.read_bytes(), str(FIXTURE), "en", CONSTRUCTS)
    found = {s.source: s for s in segments.segments(page, SITE)}
    paragraph = found[
        'A paragraph with **strong words**, *emphasis*, `inline code`, a [link](../index.md "Link title")\n'
        "that runs over two lines, an ![image alt text](../img/logo.png) and <kbd>Ctrl</kbd>+<kbd>C</kbd>."
    ]
    assert paragraph.text == (
        "A paragraph with strong words, emphasis, , a linkLink title\nthat runs over two lines, "
        "an image alt text and Ctrl+C."
    )
    assert [(c.role, c.data) for c in paragraph.codes] == [
        ("open", "**"),
        ("close", "**"),
        ("open", "*"),
        ("close", "*"),
        ("standalone", "`inline code`"),
        ("open", "["),
        ("close", '](../index.md "'),
        ("standalone", '")'),
        ("open", "!["),
        ("close", "](../img/logo.png)"),
        ("open", "<kbd>"),
        ("close", "</kbd>"),
        ("open", "<kbd>"),
        ("close", "</kbd>"),
    ]
    assert (paragraph.kind, paragraph.line) == ("p", 12)
    heading = found['<a name="every-construct"></a>Every construct { #every }']
    assert (heading.kind, heading.text) == ("h1", "Every construct ")
    comment = found[
        "The logo links to the admin center too <!-- helpsite-disable-next-line empty-link -->\n"
        "[![](../img/logo.png)](https://admin.microsoft.com/) for readers who click it."
    ]
    assert "helpsite-disable" not in comment.text and "admin.microsoft.com" not in comment.text
    kinds = [s.kind for s in segments.segments(page, SITE)]
    assert kinds[:2] == ["front-matter:title", "front-matter:description"]
    assert {"admonition-title", "summary", "th", "td", "li", "h2"} <= set(kinds)
    # the note without a title of its own gets none from the page: "Warning" is generated
    assert "Warning" not in found
    texts = " ".join(found)
    assert "not translated" not in texts and "indented code" not in texts and "ms.author" not in texts
    # each segment's characters are exactly the page's, at its offsets
    for segment in segments.segments(page, SITE):
        if not segment.front_matter_key:
            assert page.text[segment.start : segment.end] == segment.written(segment.parts)


def test_unit_ids_are_stable_and_follow_the_english_text():
    page = pages.load(FIXTURE.read_bytes(), str(FIXTURE), "en", CONSTRUCTS)
    first = [s.id for s in segments.segments(page, SITE)]
    edited = FIXTURE.read_bytes().replace(b"Its second paragraph.", b"Its second, longer paragraph.")
    second = [s.id for s in segments.segments(pages.load(edited, str(FIXTURE), "en", CONSTRUCTS), SITE)]
    assert len(first) == len(set(first)) == len(second)
    assert [a == b for a, b in zip(first, second)].count(False) == 1
    assert first == [
        s.id for s in segments.segments(pages.load(FIXTURE.read_bytes(), "x", "en", CONSTRUCTS), SITE)
    ]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the corpus of Microsoft Learn pages is not at {CORPUS}")
def test_every_segment_of_the_corpus_is_its_pages_characters():
    """On ~3,000 real pages: each segment's characters, put back, are exactly the page's, in
    order and never overlapping (so target = source gives every page back byte for byte)."""
    read = 0
    corpus = sorted(CORPUS.rglob("*.md"))
    if not os.environ.get("HELPSITE_WHOLE_CORPUS"):
        corpus = corpus[::4]  # a quarter of it, as test_markdown samples it (all of it passed too)
    for path in corpus:
        page = pages.load(path.read_bytes(), str(path), "sv", path.name)
        if not page.meta_ok:
            continue
        read += 1
        end = 0
        for segment in segments.segments(page, SITE):
            if segment.front_matter_key:
                assert page.meta[segment.front_matter_key] == segment.source
                continue
            assert page.text[segment.start : segment.end] == segment.written(segment.parts), path
            assert segment.start >= end, path
            end = segment.end
    assert read > len(corpus) * 0.9


# ----------------------------------------------------------------------------
# Identity and pseudo-translation, over every page of the site
# ----------------------------------------------------------------------------


def test_identity_xliff_gives_the_english_body_back(site, tmp_path, capsys):
    out = export(site, tmp_path, "--all")
    set_targets(out / "nb.xlf", lambda text: text)
    assert run(site, "l10n", "import", str(out / "nb.xlf")) == 0
    for page in english_pages(site):
        assert body(site / "docs" / "nb" / page) == body(site / "docs" / "en" / page), page


def test_identity_po_gives_the_english_body_back(site, tmp_path):
    out = export(site, tmp_path, "--all", format="po")
    files = sorted(out.rglob("*.po"))
    assert [f.relative_to(out).as_posix() for f in files] == [
        p.removesuffix(".md") + ".po" for p in english_pages(site)
    ]
    for file in files:
        po = polib.pofile(str(file))
        for entry in po:
            entry.msgstr = entry.msgid
        po.save()
    assert run(site, "l10n", "import", *map(str, files)) == 0
    for page in english_pages(site):
        assert body(site / "docs" / "nb" / page) == body(site / "docs" / "en" / page), page


def test_pseudo_translation_builds_and_keeps_links_code_and_anchors(site, tmp_path, capsys):
    out = export(site, tmp_path, "--all")
    set_targets(out / "nb.xlf", pseudo)
    assert run(site, "l10n", "import", "--translation-type", "MT", str(out / "nb.xlf")) == 0
    capsys.readouterr()
    assert run(site, "check", str(site / "docs" / "nb")) == 0, capsys.readouterr().out
    built = tmp_path / "built"
    result = mkdocs_build(site, built)
    assert result.returncode == 0, result.stderr
    for page in english_pages(site):
        english_text = (site / "docs" / "en" / page).read_text()
        translated = (site / "docs" / "nb" / page).read_text()
        words = [w for w in re.findall(r"[A-Za-z]{4,}", pages.load(english_text.encode(), "x").body)]
        assert translated != english_text
        url = page.removesuffix(".md").removesuffix("index")
        en, nb = (parse_html(built / prefix / url / "index.html") for prefix in ("", "nb"))
        en_article, nb_article = (tree.find(".//article") for tree in (en, nb))
        assert _hrefs(nb_article) == _hrefs(en_article), page
        assert _code(nb_article) == _code(en_article), page
        explicit = set(re.findall(r"\{[^}\n]*#([\w-]+)", english_text)) | set(
            re.findall(r'name="([\w-]+)"', english_text)
        )
        # the anchors written in the page (a legacy <a name> on a heading becomes its id)
        assert explicit & _ids(nb_article) == explicit & _ids(en_article), page
        assert bool(explicit & _ids(en_article)) == bool(explicit), page
        assert _ids(nb_article, headings=False) == _ids(en_article, headings=False), page
        # every word of the English text was translated (pseudo-words differ from all English ones)
        nb_text = " ".join(nb_article.itertext())
        untranslated = {w for w in words if w in nb_text.split() and w not in _kept(en_article)}
        assert untranslated == set(), page


def _hrefs(article) -> list[str]:
    """The page's own links: not the heading permalinks or a translation's "read in English"."""
    return [
        a.get("href")
        for a in article.iter("a")
        if a.get("href") and "headerlink" not in (a.get("class") or "") and a.get("hreflang") is None
    ]


def _code(article) -> list[str]:
    return ["".join(code.itertext()) for code in article.iter("code")]


def _ids(article, headings: bool = True) -> set[str]:
    tags = {"h1", "h2", "h3", "h4", "h5", "h6"}
    return {
        element.get(name)
        for element in article.iter()
        for name in ("id", "name")
        if element.get(name) and (headings or element.tag not in tags)
    }


def _kept(article) -> set[str]:
    """Words the pseudo-translation leaves as they are: those in code and link targets."""
    return {word for text in _code(article) + _hrefs(article) for word in re.findall(r"\w+", text)}


# ----------------------------------------------------------------------------
# One English paragraph edited on a current translation
# ----------------------------------------------------------------------------


def test_one_edited_paragraph_goes_out_alone_and_comes_back_on_its_lines(site, tmp_path, capsys):
    git(site, "init", "-q")
    out = export(site, tmp_path, "--all")
    set_targets(out / "nb.xlf", pseudo)
    assert run(site, "l10n", "import", "--translation-type", "MT", str(out / "nb.xlf")) == 0
    commit(site, "pseudo-translated", "2026-11-29")
    english = site / "docs" / "en" / ARTICLE
    old_paragraph = "In either case, you might want to migrate mailboxes and other data:"
    new_paragraph = "In either case, you might want to move mailboxes, sites and other data:"
    english.write_text(english.read_text().replace(old_paragraph, new_paragraph))
    commit(site, "edited", "2026-11-30")
    capsys.readouterr()
    again = tmp_path / "again"
    assert run(site, "l10n", "export", "--locale", "nb", "-o", str(again)) == 0
    assert capsys.readouterr().out.startswith("nb: 1 pages\n")
    assert run(site, "l10n", "words", "--locale", "nb", "--format", "json") == 0
    context = [u for u in _units(again / "nb.xlf") if u.get("translate") == "no"]
    assert json.loads(capsys.readouterr().out) == {
        "locale": "nb",
        "pages": 1,
        "new": {"segments": 0, "words": 0},
        "changed": {"segments": 1, "words": 13},  # the new paragraph's words, counted by hand
        "unchanged": {"segments": len(context), "words": sum(_words(u) for u in context)},
        "repetitions": {"segments": 0, "words": 0},
    }
    units = _units(again / "nb.xlf")
    work = [u for u in units if u.get("translate") != "no"]
    assert len(work) == 1
    assert "".join(work[0].find(f"{X}segment/{X}source").itertext()) == new_paragraph
    assert work[0].find(f"{X}segment/{X}target") is None
    assert all(u.find(f"{X}segment/{X}target") is not None for u in units if u.get("translate") == "no")
    set_only(again / "nb.xlf", work[0].get("id"), pseudo(new_paragraph))
    translation = site / "docs" / "nb" / ARTICLE
    before = translation.read_text().splitlines()
    assert run(site, "l10n", "import", "--translation-type", "MT", str(again / "nb.xlf")) == 0
    after = translation.read_text().splitlines()
    changed = [(i, a, b) for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(before) == len(after)
    new_hash = hashlib.sha1(english.read_bytes()).hexdigest()
    assert [(a, b) for _, a, b in changed] == [
        (
            next(line for line in before if line.startswith("ms.openlocfilehash:")),
            f"ms.openlocfilehash: {new_hash}",
        ),
        ("- " + pseudo(old_paragraph), "- " + pseudo(new_paragraph)),  # a list item's paragraph
    ]
    capsys.readouterr()
    assert run(site, "l10n", "export", "--locale", "nb", "-o", str(tmp_path / "none")) == 0
    assert "nb: 0 pages" in capsys.readouterr().out


def _units(path: Path) -> list:
    return list(etree.parse(str(path)).iter(X + "unit"))


def _words(unit) -> int:
    return len(re.findall(r"\w+", "".join(unit.find(f"{X}segment/{X}source").itertext())))


def set_only(path: Path, unit_id: str, text: str) -> None:
    tree = etree.parse(str(path))
    for unit in tree.iter(X + "unit"):
        if unit.get("id") == unit_id:
            segment = unit.find(X + "segment")
            etree.SubElement(segment, X + "target").text = text
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


# ----------------------------------------------------------------------------
# Bad input: a clear error, nothing written for that page, exit 1
# ----------------------------------------------------------------------------

LINKED = "It is **not possible** to transfer licenses"  # the article's paragraph with a link


def _unit_with(tree, start: str):
    return next(
        unit
        for unit in tree.iter(X + "unit")
        if "".join(unit.find(f"{X}segment/{X}source").itertext()).startswith(start.replace("**", ""))
    )


def _drop_link_end(unit) -> str:
    target = unit.find(f"{X}segment/{X}target")
    end = [child for child in target if child.tag == X + "ec"][-1]
    if end.tail:
        previous = end.getprevious()
        previous.tail = (previous.tail or "") + end.tail
    target.remove(end)
    return (
        "inline code missing from the target: </2> ('](https://support.microsoft.com/help/4471406/"
        "how-to-contact-the-microsoft-volume-licensing-service-center)')"
    )


def _empty(unit) -> str:
    target = unit.find(f"{X}segment/{X}target")
    for child in list(target):
        target.remove(child)
    target.text = ""
    return "the target is empty"


def _reordered(unit) -> str:
    target = unit.find(f"{X}segment/{X}target")
    start = [child for child in target if child.tag == X + "sc"][-1]
    end = [child for child in target if child.tag == X + "ec"][-1]
    start.tag, end.tag = X + "ec", X + "sc"
    start.attrib.clear()
    start.set("startRef", "2")
    start.set("dataRef", "d2e")
    end.attrib.clear()
    end.set("id", "2")
    end.set("dataRef", "d2")
    return (
        "inline codes reordered: </2> ('](https://support.microsoft.com/help/4471406/how-to-contact-the-"
        "microsoft-volume-licensing-service-center)') must follow <2> ('['), with any pair inside it "
        "closed first"
    )


@pytest.mark.parametrize("spoil", [_drop_link_end, _empty, _reordered])
def test_a_bad_unit_refuses_its_page(site, tmp_path, capsys, spoil):
    out = export(site, tmp_path, "--all")
    path = out / "nb.xlf"
    set_targets(path, pseudo)
    tree = etree.parse(str(path))
    unit = _unit_with(tree, LINKED)
    problem = spoil(unit)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    line = _unit_with(etree.parse(str(path)), LINKED).sourceline
    translation = site / "docs" / "nb" / ARTICLE
    before = translation.read_bytes()
    capsys.readouterr()
    assert run(site, "l10n", "import", str(path)) == 1
    output = capsys.readouterr()
    assert output.err == f"{path}:{line}: unit {unit.get('id')}: {problem}\n"
    assert translation.read_bytes() == before
    # the file's other pages are taken back
    assert "docs/nb/licenses/every-construct.md: written" in output.out


def test_a_page_that_no_longer_exists_is_refused(site, tmp_path, capsys):
    out = export(site, tmp_path, "--all")
    set_targets(out / "nb.xlf", pseudo)
    (site / "docs" / "en" / CONSTRUCTS).unlink()
    capsys.readouterr()
    assert run(site, "l10n", "import", str(out / "nb.xlf")) == 1
    assert capsys.readouterr().err == (
        f"{out / 'nb.xlf'}: {CONSTRUCTS}: there is no English page docs/en/{CONSTRUCTS} any more "
        "(deleted or renamed since the export): nothing written for it\n"
    )
    assert not (site / "docs" / "nb" / CONSTRUCTS).exists()


def test_malformed_xml_is_refused(site, tmp_path, capsys):
    out = export(site, tmp_path, "--all")
    path = out / "nb.xlf"
    set_targets(path, pseudo)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-3]))  # cut short: the last </unit>, </file>, </xliff>
    before = {p: p.read_bytes() for p in (site / "docs" / "nb").rglob("*.md")}
    capsys.readouterr()
    assert run(site, "l10n", "import", str(path)) == 1
    error = capsys.readouterr().err
    assert re.fullmatch(rf"{re.escape(str(path))}:\d+: malformed XML: .+\n", error), error
    assert {p: p.read_bytes() for p in (site / "docs" / "nb").rglob("*.md")} == before
    assert not (site / "docs" / "nb" / CONSTRUCTS).exists()


def test_a_po_entry_with_a_wrong_msgctxt_is_refused(site, tmp_path, capsys):
    out = export(site, tmp_path, "--all", format="po")
    path = out / ARTICLE.replace(".md", ".po")
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = pseudo(entry.msgid)
    wrong = po[3]
    wrong.msgctxt = wrong.msgctxt.replace("transfer-licenses", "move-licenses")
    po.save()
    line = next(entry.linenum for entry in polib.pofile(str(path)) if entry.msgctxt == wrong.msgctxt)
    translation = site / "docs" / "nb" / ARTICLE
    before = translation.read_bytes()
    capsys.readouterr()
    assert run(site, "l10n", "import", str(path)) == 1
    assert capsys.readouterr().err == (
        f"{path}:{line}: msgctxt {wrong.msgctxt!r} does not name a unit of {ARTICLE} (PAGE#UNIT, as "
        "exported): keep each entry's msgctxt\n"
    )
    assert translation.read_bytes() == before


# ----------------------------------------------------------------------------
# The export's record of the segments (helpsite/localization/handoff/record.py)
# ----------------------------------------------------------------------------


def test_the_import_uses_the_exports_record_only_when_it_is_the_english_page(site, tmp_path, monkeypatch):
    out = export(site, tmp_path, "--all")
    set_targets(out / "nb.xlf", pseudo)
    nb = site / "docs" / "nb"
    before = {p: p.read_bytes() for p in nb.rglob("*.md")}
    recorded = out / ".helpsite-segments.json"
    cut_again = []
    real_segments = exchange.segments
    monkeypatch.setattr(
        exchange, "segments", lambda *a: cut_again.append(a[0].page_path) or real_segments(*a)
    )

    def take_back() -> dict:
        for path in list(nb.rglob("*.md")):
            path.unlink()
        for path, data in before.items():
            path.write_bytes(data)
        assert run(site, "l10n", "import", "--translation-type", "MT", str(out / "nb.xlf")) == 0
        return {p: p.read_bytes() for p in nb.rglob("*.md")}

    with_record = take_back()
    assert cut_again == []  # every page's segments came from the record
    data = json.loads(recorded.read_text())
    entry = data["pages"][ARTICLE]["segments"][3]
    entry[4] += 1  # a segment's start one character off: the record is not the English page
    recorded.write_text(json.dumps(data))
    assert take_back() == with_record
    assert cut_again == [ARTICLE]
    recorded.unlink()
    cut_again.clear()
    assert take_back() == with_record
    assert sorted(cut_again) == english_pages(site)


def test_a_translation_whose_blocks_left_its_base_goes_out_whole(site, tmp_path, capsys):
    git(site, "init", "-q")
    out = export(site, tmp_path, "--all")
    set_targets(out / "nb.xlf", pseudo)
    assert run(site, "l10n", "import", "--translation-type", "MT", str(out / "nb.xlf")) == 0
    translation = site / "docs" / "nb" / ARTICLE
    last = pseudo("For more information, see ")
    kept = [line for line in translation.read_text().splitlines(keepends=True) if not line.startswith(last)]
    translation.write_text("".join(kept))  # a translator dropped the last paragraph
    commit(site, "pseudo-translated", "2026-11-29")
    english = site / "docs" / "en" / ARTICLE
    english.write_text(english.read_text().replace("other data:", "other data, in this order:"))
    commit(site, "edited", "2026-11-30")
    capsys.readouterr()
    again = tmp_path / "again"
    assert run(site, "l10n", "export", "--locale", "nb", "-o", str(again)) == 0
    # the article: title, description, H1, 3 paragraphs, 4 list items; the translation lost one
    assert capsys.readouterr().err.splitlines()[1:] == [
        f"nb/{ARTICLE}: every segment: the translation's blocks do not match the English it was made "
        "from (9 segments against 10), so every segment goes out"
    ]
    units = _units(again / "nb.xlf")
    english_page = pages.load(english.read_bytes(), "x", "en", ARTICLE)
    assert [u.get("id") for u in units] == [s.id for s in segments.segments(english_page, load_site(site))]
    assert all(u.get("translate") is None and u.find(f"{X}segment/{X}target") is None for u in units)
