"""Translation freshness (helpsite/localization/l10n.py): statuses, the l10n and stamp commands, /l10n/."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from conftest import (
    ARTICLE,
    LOCALES,
    ROOT,
    SEED,
    build_env,
    copy_site,
    mkdocs_build,
    page_file,
    parse_html,
    pin_today,
    searched_urls,
)

from helpsite import cli
from helpsite.core.site import load_site
from helpsite.linting import checks
from helpsite.localization import l10n
from helpsite.text import page as pages

FIXTURES = Path(__file__).parent / "fixtures" / "l10n"
STATUS_SITE = FIXTURES / "status-site"  # one translation in every status, see its mkdocs.yml
DAY = date.today()
TODAY = DAY.strftime("%m/%d/%Y")
ARTICLE_MD = ARTICLE + ".md"
TRANSLATIONS = [locale for locale in LOCALES if locale != "en"]
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(autouse=True)
def _one_today(monkeypatch):
    # TODAY is written when the tests are collected; stamp reads "today" when a test runs, which
    # may be after midnight.
    pin_today(monkeypatch, l10n, DAY)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:  # argparse's usage errors
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def statuses_of(root: Path, page: str) -> dict[str, str]:
    return {s.locale: s.status for s in l10n.site_status(load_site(root)) if s.page == page}


@pytest.fixture
def site_copy(tmp_path) -> Path:
    return copy_site(tmp_path / "site")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


# ----------------------------------------------------------------------------
# The project's own translations
# ----------------------------------------------------------------------------


def test_every_translation_of_the_site_is_current():
    statuses = l10n.site_status(load_site(ROOT))
    assert {(s.page, s.locale) for s in statuses} == {
        (page, locale) for page in ("index.md", ARTICLE_MD) for locale in TRANSLATIONS
    }
    assert {s.status for s in statuses} == {l10n.CURRENT}
    # each one's type is its front matter's, read here with PyYAML alone
    assert {(s.page, s.locale): s.translationtype for s in statuses} == {
        (s.page, s.locale): _front_matter(ROOT / "docs" / s.locale / s.page)["ms.translationtype"]
        for s in statuses
    }
    assert {s.translationtype for s in statuses} <= {"MT", "HT"}


def _front_matter(path: Path) -> dict:
    _, front, _ = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front)


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")
@pytest.mark.parametrize("page", ["index.md", ARTICLE_MD])
@pytest.mark.parametrize("locale", TRANSLATIONS)
def test_recorded_hash_is_the_source_at_the_recorded_commit(locale, page):
    # The definition checked on Microsoft's data: ms.openlocfilehash is the SHA-1 of the
    # source file's bytes at ms.sourcegitcommit.
    meta = pages.read(ROOT / "docs" / locale / page, page).meta
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{meta['ms.sourcegitcommit']}:docs/en/{page}"],
        capture_output=True,
        check=True,
    ).stdout
    assert hashlib.sha1(source).hexdigest() == meta["ms.openlocfilehash"]


# ----------------------------------------------------------------------------
# Statuses
# ----------------------------------------------------------------------------


def test_editing_the_source_makes_every_translation_stale_and_stamp_makes_one_current(site_copy, capsys):
    source = site_copy / "docs" / "en" / ARTICLE_MD
    source.write_bytes(source.read_bytes() + b"\nOne more sentence.\n")
    assert statuses_of(site_copy, ARTICLE_MD) == {locale: l10n.STALE for locale in TRANSLATIONS}
    assert statuses_of(site_copy, "index.md") == {locale: l10n.CURRENT for locale in TRANSLATIONS}

    code, out, err = run(
        capsys,
        "--root",
        str(site_copy),
        "stamp",
        "--commit",
        COMMIT,
        str(site_copy / "docs" / "nb" / ARTICLE_MD),
    )
    new_hash = hashlib.sha1(source.read_bytes()).hexdigest()
    assert (code, err) == (0, "")
    assert out == (
        f"docs/nb/{ARTICLE_MD}: stamped: ms.openlocfilehash {new_hash}, "
        f"ms.sourcegitcommit {COMMIT}, ms.lasthandoff {TODAY}\n"
    )
    assert statuses_of(site_copy, ARTICLE_MD) == {
        locale: l10n.CURRENT if locale == "nb" else l10n.STALE for locale in TRANSLATIONS
    }


def test_a_translation_without_hash_is_untracked_and_a_deleted_one_missing(site_copy):
    nb = site_copy / "docs" / "nb" / ARTICLE_MD
    nb.write_text(
        "".join(
            line
            for line in nb.read_text(encoding="utf-8").splitlines(True)
            if not line.startswith("ms.openlocfilehash:")
        ),
        encoding="utf-8",
    )
    (site_copy / "docs" / "de" / ARTICLE_MD).unlink()
    status = {s.locale: s for s in l10n.site_status(load_site(site_copy)) if s.page == ARTICLE_MD}
    assert (status["nb"].status, status["nb"].recorded_hash, status["nb"].translationtype) == (
        l10n.UNTRACKED,
        None,
        "MT",
    )
    assert (status["de"].status, status["de"].recorded_hash, status["de"].translationtype) == (
        l10n.MISSING,
        None,
        None,
    )
    assert status["da"].status == l10n.CURRENT


def test_a_sha256_hash_is_compared_as_sha256(site_copy):
    source = site_copy / "docs" / "en" / ARTICLE_MD
    nb = site_copy / "docs" / "nb" / ARTICLE_MD
    sha1 = hashlib.sha1(source.read_bytes()).hexdigest()
    sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    nb.write_text(nb.read_text(encoding="utf-8").replace(sha1, sha256.upper()), encoding="utf-8")
    status = l10n.translation_status(load_site(site_copy), "nb", ARTICLE_MD)
    assert (status.status, status.source_hash, status.recorded_hash) == (l10n.CURRENT, sha256, sha256)

    source.write_bytes(source.read_bytes().replace(b"tenants", b"organizations"))
    assert l10n.translation_status(load_site(site_copy), "nb", ARTICLE_MD).status == l10n.STALE
    l10n.stamp(load_site(site_copy), nb, COMMIT)
    stamped = pages.read(nb, "nb").meta["ms.openlocfilehash"]
    assert stamped == hashlib.sha256(source.read_bytes()).hexdigest()
    assert l10n.translation_status(load_site(site_copy), "nb", ARTICLE_MD).status == l10n.CURRENT


def test_unreadable_front_matter_is_a_status_with_the_finding_not_a_crash():
    (status,) = [
        s for s in l10n.site_status(load_site(STATUS_SITE)) if (s.page, s.locale) == ("notes.md", "nb")
    ]
    assert status.status == l10n.INVALID
    assert status.problem == (
        "docs/nb/notes.md:4:1: error yaml-invalid: duplicate key 'title' (first on line 2): keep one of them"
    )


# ----------------------------------------------------------------------------
# python -m helpsite l10n
# ----------------------------------------------------------------------------


def test_text_output_is_a_table_with_totals_per_locale(capsys):
    code, out, err = run(capsys, "--root", str(STATUS_SITE), "l10n")
    assert code == 0
    assert out == (
        "page      locale  status     type\n"
        "index.md  nb      current    MT\n"
        "index.md  de      untracked  HT\n"
        "guide.md  nb      stale      HT\n"
        "guide.md  de      missing    -\n"
        "notes.md  nb      invalid    -\n"
        "notes.md  de      current    MT\n"
        "\n"
        "locale  current  stale  untracked  missing  invalid  pages\n"
        "nb            1      1          0        0        1      3\n"
        "de            1      0          1        1        0      3\n"
        "all           2      1          1        1        1      6\n"
    )
    assert err == (
        "docs/nb/notes.md:4:1: error yaml-invalid: duplicate key 'title' "
        "(first on line 2): keep one of them\n"
    )


def test_json_output_is_one_record_per_page_and_locale(capsys):
    code, out, _ = run(capsys, "--root", str(STATUS_SITE), "l10n", "--format", "json")
    guide, index = "77560f0690daff4338283ebf9f1eebc6b034ba99", "ee70ebf9f174e5fb94ef212296bdbd9afb0061d5"
    notes, notes256 = (
        "1baddc90fff5c2c83ca68ae27438a6ee92561f04",
        "ff08275edf16a5cc57e32efc4f0d7918c40cf9362315c922fdfdf6074cdd0811",
    )
    assert code == 0
    assert json.loads(out) == [
        {
            "page": "index.md",
            "locale": "nb",
            "status": "current",
            "translationtype": "MT",
            "source_hash": index,
            "recorded_hash": index,
        },
        {
            "page": "index.md",
            "locale": "de",
            "status": "untracked",
            "translationtype": "HT",
            "source_hash": index,
            "recorded_hash": None,
        },
        {
            "page": "guide.md",
            "locale": "nb",
            "status": "stale",
            "translationtype": "HT",
            "source_hash": guide,
            "recorded_hash": "696826bffab9e3206f5a32735a7fd41e264545a8",
        },
        {
            "page": "guide.md",
            "locale": "de",
            "status": "missing",
            "translationtype": None,
            "source_hash": guide,
            "recorded_hash": None,
        },
        {
            "page": "notes.md",
            "locale": "nb",
            "status": "invalid",
            "translationtype": None,
            "source_hash": notes,
            "recorded_hash": None,
        },
        {
            "page": "notes.md",
            "locale": "de",
            "status": "current",
            "translationtype": "MT",
            "source_hash": notes256,
            "recorded_hash": notes256,
        },
    ]
    assert out.startswith('[\n  {\n    "page": "index.md",\n') and out.endswith("  }\n]\n")


@pytest.mark.parametrize(
    "root, fail_on, expected",
    [
        (STATUS_SITE, [], 0),
        (STATUS_SITE, ["--fail-on", "stale"], 1),
        (STATUS_SITE, ["--fail-on", "missing"], 1),
        (STATUS_SITE, ["--fail-on", "untracked,invalid"], 1),
        (ROOT, ["--fail-on", "stale", "--fail-on", "missing,untracked,invalid"], 0),
        (ROOT, ["--fail-on", "current"], 1),
        (ROOT, ["--fail-on", "stale,outdated"], 2),
        (ROOT, ["--format", "yaml"], 2),
    ],
)
def test_fail_on_exit_status(capsys, root, fail_on, expected):
    assert run(capsys, "--root", str(root), "l10n", *fail_on)[0] == expected


def test_fail_on_an_unknown_status_names_the_known_ones(capsys):
    code, out, err = run(capsys, "--root", str(ROOT), "l10n", "--fail-on", "stale,outdated")
    assert (code, out) == (2, "")
    assert err == "--fail-on outdated: not a status (current, stale, untracked, missing, invalid, orphaned)\n"


# ----------------------------------------------------------------------------
# python -m helpsite stamp
# ----------------------------------------------------------------------------


def _stamp_one(capsys, site: Path, text: bytes, *extra: str) -> tuple[int, bytes, str, str]:
    target = site / "docs" / "nb" / ARTICLE_MD
    target.write_bytes(text)
    code, out, err = run(capsys, "--root", str(site), "stamp", *extra, str(target))
    return code, target.read_bytes(), out, err


def _source_hash(site: Path) -> str:
    return hashlib.sha1((site / "docs" / "en" / ARTICLE_MD).read_bytes()).hexdigest()


@pytest.mark.parametrize("bom, eol", [(b"", b"\n"), (b"\xef\xbb\xbf", b"\r\n")])
def test_stamp_changes_only_its_three_lines_of_the_seed(site_copy, capsys, bom, eol):
    seed = bom + SEED.read_bytes().replace(b"\n", eol)
    code, result, out, err = _stamp_one(capsys, site_copy, seed, "--commit", COMMIT)
    expected = (
        seed.replace(
            b"ms.openlocfilehash: 696826bffab9e3206f5a32735a7fd41e264545a8" + eol,
            b"ms.openlocfilehash: " + _source_hash(site_copy).encode() + eol,
        )
        .replace(
            b"ms.sourcegitcommit: ab75f66355116e995b3cb5505465b31989339e28" + eol,
            b"ms.sourcegitcommit: " + COMMIT.encode() + eol,
        )
        .replace(b"ms.lasthandoff: 08/13/2021" + eol, b"ms.lasthandoff: " + TODAY.encode() + eol)
    )
    assert (code, err) == (0, "")
    assert result == expected
    assert len(result.splitlines()) == len(seed.splitlines())


def test_stamp_keeps_comments_quoting_and_key_order(site_copy, capsys):
    original = (FIXTURES / "stamp-styles.md").read_bytes()
    code, result, _, err = _stamp_one(capsys, site_copy, original, "--commit", COMMIT)
    expected = (
        original.replace(b"ms.lasthandoff:   # set", b"ms.lasthandoff: " + TODAY.encode() + b"   # set")
        .replace(
            b"'696826bffab9e3206f5a32735a7fd41e264545a8'", b"'" + _source_hash(site_copy).encode() + b"'"
        )
        .replace(b'"ab75f66355116e995b3cb5505465b31989339e28"', b'"' + COMMIT.encode() + b'"')
    )
    assert (code, err) == (0, "")
    assert result == expected


def test_stamp_adds_absent_keys_at_the_end_of_the_front_matter(site_copy, capsys):
    original = (
        b"\xef\xbb\xbf---\r\ntitle: Overf\xc3\xb8re lisenser\r\nms.translationtype: MT\r\n---\r\n"
        b"# Overf\xc3\xb8re lisenser\r\n"
    )
    code, result, _, _ = _stamp_one(capsys, site_copy, original, "--commit", COMMIT)
    assert code == 0
    assert result == (
        b"\xef\xbb\xbf---\r\ntitle: Overf\xc3\xb8re lisenser\r\nms.translationtype: MT\r\n"
        b"ms.openlocfilehash: " + _source_hash(site_copy).encode() + b"\r\n"
        b"ms.sourcegitcommit: " + COMMIT.encode() + b"\r\n"
        b"ms.lasthandoff: " + TODAY.encode() + b"\r\n"
        b"---\r\n# Overf\xc3\xb8re lisenser\r\n"
    )


def test_stamp_gives_a_page_without_front_matter_one(site_copy, capsys):
    code, result, _, _ = _stamp_one(capsys, site_copy, b"# Overskrift\n", "--commit", COMMIT)
    assert code == 0
    assert result == (
        b"---\nms.openlocfilehash: "
        + _source_hash(site_copy).encode()
        + b"\nms.sourcegitcommit: "
        + COMMIT.encode()
        + b"\nms.lasthandoff: "
        + TODAY.encode()
        + b"\n---\n# Overskrift\n"
    )


def test_stamp_twice_changes_nothing_the_second_time(site_copy, capsys):
    seed = b"\xef\xbb\xbf" + SEED.read_bytes().replace(b"\n", b"\r\n")
    _, first, _, _ = _stamp_one(capsys, site_copy, seed, "--commit", COMMIT)
    code, second, out, _ = _stamp_one(capsys, site_copy, first, "--commit", COMMIT)
    assert (code, second) == (0, first)
    assert out.startswith(f"docs/nb/{ARTICLE_MD}: unchanged: ")


def test_stamp_without_git_keeps_the_recorded_commit_and_says_so(site_copy, capsys):
    code, result, out, err = _stamp_one(capsys, site_copy, SEED.read_bytes())
    assert code == 0
    assert b"ms.sourcegitcommit: ab75f66355116e995b3cb5505465b31989339e28\n" in result
    assert err == (
        f"docs/nb/{ARTICLE_MD}: ms.sourcegitcommit left as it was: docs/en/{ARTICLE_MD} "
        "has no git commit here (give --commit SHA)\n"
    )
    assert out == (
        f"docs/nb/{ARTICLE_MD}: stamped: ms.openlocfilehash {_source_hash(site_copy)}, "
        f"ms.lasthandoff {TODAY}\n"
    )


def _committed_site(site: Path) -> str:
    """The site as a git repository whose article changed in its last commit; that commit."""
    _git(site, "init", "-q")
    _git(site, "add", "-A")
    _git(site, "commit", "-qm", "site")
    source = site / "docs" / "en" / ARTICLE_MD
    source.write_bytes(source.read_bytes() + b"\nOne more sentence.\n")
    _git(site, "commit", "-qam", "article")
    return _git(site, "rev-parse", "HEAD")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_stamp_records_the_last_commit_of_the_source_file(site_copy, capsys):
    head = _committed_site(site_copy)
    code, _, err = run(capsys, "--root", str(site_copy), "stamp", str(site_copy / "docs" / "nb"))
    assert (code, err) == (0, "")
    meta = pages.read(site_copy / "docs" / "nb" / ARTICLE_MD, "nb").meta
    assert (meta["ms.sourcegitcommit"], meta["ms.lasthandoff"]) == (head, TODAY)
    assert statuses_of(site_copy, ARTICLE_MD)["nb"] == l10n.CURRENT


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_stamp_refuses_while_the_source_has_uncommitted_changes_and_writes_nothing(site_copy, capsys):
    _committed_site(site_copy)
    (site_copy / "docs" / "en" / "index.md").write_bytes(b"# Changed, not committed\n")
    before = {path: path.read_bytes() for path in (site_copy / "docs" / "nb").rglob("*.md")}
    code, out, err = run(capsys, "--root", str(site_copy), "stamp", str(site_copy / "docs" / "nb"))
    assert (code, out) == (1, "")
    assert err == (
        "docs/nb/index.md: not stamped: its source docs/en/index.md has changes that are not committed. "
        "Commit them first (git commit docs/en/index.md), then stamp; or stamp against the file as it "
        "is now with --uncommitted\n"
    )
    # not even the article, whose source is committed: a stamp of the folder is all or nothing
    assert {path: path.read_bytes() for path in (site_copy / "docs" / "nb").rglob("*.md")} == before


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_stamp_uncommitted_records_the_file_as_it_is_and_no_commit(site_copy, capsys):
    head = _committed_site(site_copy)
    english = site_copy / "docs" / "en" / "index.md"
    english.write_bytes(b"# Changed, not committed\n")
    nb = site_copy / "docs" / "nb" / "index.md"
    had_commit = "ms.sourcegitcommit" in pages.read(nb, "nb").meta
    code, out, err = run(
        capsys, "--root", str(site_copy), "stamp", "--uncommitted", str(site_copy / "docs" / "nb")
    )
    assert code == 0
    assert err == (
        "docs/nb/index.md: stamped against docs/en/index.md as it is now, not committed: "
        "ms.openlocfilehash is that file's hash, and ms.sourcegitcommit is "
        f"{'taken out' if had_commit else 'not set'} (no commit holds it)\n"
    )
    meta = pages.read(nb, "nb").meta
    assert meta["ms.openlocfilehash"] in (
        hashlib.sha1(english.read_bytes()).hexdigest(),
        hashlib.sha256(english.read_bytes()).hexdigest(),
    )
    assert "ms.sourcegitcommit" not in meta
    assert pages.read(site_copy / "docs" / "nb" / ARTICLE_MD, "nb").meta["ms.sourcegitcommit"] == head
    assert run(capsys, "--root", str(site_copy), "stamp", "--uncommitted", "--commit", head, str(nb))[0] == 2


@pytest.mark.parametrize(
    "path, text, message",
    [
        (
            "docs/en/index.md",
            None,
            "docs/en/index.md: not a translation: stamp takes pages under docs/<locale>/ for the locales "
            + ", ".join(TRANSLATIONS),
        ),
        (
            "notes.md",
            "# Notes\n",
            "notes.md: not a translation: stamp takes pages under docs/<locale>/ for the locales "
            + ", ".join(TRANSLATIONS),
        ),
        (
            "docs/nb/only-in-norwegian.md",
            "# Bare på norsk\n",
            "docs/nb/only-in-norwegian.md: there is no source page docs/en/only-in-norwegian.md to stamp it against",
        ),
        (
            f"docs/nb/{ARTICLE_MD}",
            "---\ntitle: Overføre\ntitle: Overfør\n---\n# Overføre\n",
            f"docs/nb/{ARTICLE_MD}:3:1: error yaml-invalid: duplicate key 'title' (first on line 2): keep one "
            "of them (not stamped)",
        ),
        (
            f"docs/nb/{ARTICLE_MD}",
            "---\nms.lasthandoff: |\n  08/13/2021\n---\n# Overføre\n",
            f"docs/nb/{ARTICLE_MD}:2:17: 'ms.lasthandoff' must be one value on one line for stamp to set it: "
            "write it so, or set it by hand",
        ),
        (
            f"docs/nb/{ARTICLE_MD}",
            "---\n{title: Overføre}\n---\n# Overføre\n",
            f"docs/nb/{ARTICLE_MD}:2:1: the front matter is not a block of 'key: value' lines, so stamp "
            "cannot edit it",
        ),
    ],
)
def test_stamp_refuses_what_it_cannot_stamp(site_copy, capsys, path, text, message):
    target = site_copy / path
    if text is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    before = target.read_bytes()
    code, out, err = run(capsys, "--root", str(site_copy), "stamp", "--commit", COMMIT, str(target))
    assert (code, out, err) == (2, "", message + "\n")
    assert target.read_bytes() == before


def test_stamp_refuses_a_short_commit(capsys):
    code, _, err = run(capsys, "--root", str(ROOT), "stamp", "--commit", "188f384", "docs/nb/index.md")
    assert (code, err) == (2, "--commit 188f384: not a full commit id (40 lowercase hex digits)\n")


# ----------------------------------------------------------------------------
# The status page
# ----------------------------------------------------------------------------


def test_status_page_is_its_title_and_legend_with_a_stable_date():
    site = load_site(STATUS_SITE)
    text = l10n.status_page(site, l10n.site_status(site))
    page = pages.load(text.encode(), "l10n.md")
    assert (page.meta["ms.date"], page.meta["ROBOTS"], page.meta["search"], page.meta["template"]) == (
        "11/24/2026",
        "NOINDEX",
        {"exclude": True},
        "l10n.html",
    )
    assert "- **stale**: the source page has changed since the translation was made" in page.body
    nb = pages.load(l10n.locale_page(site, "nb", l10n.site_status(site)).encode(), "l10n/nb.md")
    assert nb.meta["title"] == "Localization status: Norsk bokmål (nb)"


def test_status_page_passes_the_site_checks():
    site = load_site(ROOT)
    text = l10n.status_page(site, l10n.site_status(site))
    page = pages.load(text.encode(), "l10n.md", site.source_locale, "l10n.md")
    assert page.meta_ok
    assert [f for f in checks.check_page(page, site) if f.is_error] == []


def test_built_summary_has_a_bar_and_totals_per_locale_and_links_to_its_page(built_site):
    tree = parse_html(built_site / "l10n" / "index.html")
    (table,) = tree.xpath("//article//table")
    assert [th.text_content() for th in table.xpath("thead//th")] == [
        "Locale",
        "Statuses",
        "current",
        "stale",
        "untracked",
        "missing",
        "invalid",
        "Need work",
    ]
    rows = table.xpath("tbody/tr")
    languages = {language.locale: language.name for language in load_site(ROOT).languages}
    assert [tr.xpath("th")[0].text_content() for tr in rows] == [
        f"{languages[locale]} ({locale})" for locale in TRANSLATIONS
    ]
    counts = {tuple(td.text_content() for td in tr.xpath("td")[1:]) for tr in rows}
    assert counts == {("2", "0", "0", "0", "0", "0")}
    assert [tr.xpath("td/svg/@aria-label")[0] for tr in rows][0] == (
        "Norsk bokmål (nb): 2 current, 0 stale, 0 untracked, 0 missing, 0 invalid"
    )
    assert [(rect.get("class"), rect.get("x"), rect.get("width")) for rect in rows[0].xpath(".//rect")] == [
        ("l10n-current", "0.0", "100.0")
    ]
    assert [urljoin("/l10n/", href) for href in table.xpath("tbody/tr/th/a/@href")] == [
        f"/l10n/{locale}/" for locale in TRANSLATIONS
    ]
    nb = parse_html(built_site / "l10n" / "nb" / "index.html")
    last = nb.xpath("//article//p[last()]")[0]
    assert last.text_content() == "Every translation of this locale is current."


def test_built_status_page_is_only_under_the_source_locale_and_not_indexed(real_build):
    built_site, log = real_build
    assert "l10n.md" not in log  # no link MkDocs could not resolve, no fallback copy
    assert all(not (built_site / locale / "l10n").exists() for locale in TRANSLATIONS)
    assert sorted(p.name for p in (built_site / "l10n").iterdir()) == sorted(["index.html", *TRANSLATIONS])
    assert "/l10n/" not in (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/l10n/" not in searched_urls(built_site)
    nav = parse_html(page_file(built_site, "en"))
    assert not [href for href in nav.xpath("//nav//a/@href") if "l10n" in href]


def test_a_single_locale_build_has_the_status_page_only_for_the_source_locale(tmp_path):
    for locale, expected in (("nb", False), ("en", True)):
        result = mkdocs_build(ROOT, tmp_path / locale, env=build_env(HELPSITE_LOCALE=locale))
        assert result.returncode == 0, result.stderr
        assert (tmp_path / locale / "l10n" / "index.html").is_file() == expected


def test_a_page_at_the_status_page_path_is_reported_not_overwritten(site_copy, tmp_path):
    (site_copy / "docs" / "en" / "l10n.md").write_text("# Our own page\n", encoding="utf-8")
    result = mkdocs_build(site_copy, tmp_path / "built", env=build_env(HELPSITE_LOCALE="en"))
    assert result.returncode == 1
    assert (
        "WARNING -  en/l10n.md: the localization status page is generated at this path: rename this page"
    ) in result.stderr
