"""Properties of the checks over arbitrary input (Hypothesis): they never raise, and every
finding points at a place that exists in the file."""

from __future__ import annotations

import re
import string

import pytest
import yaml
from conftest import ROOT, copy_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpsite.core.site import load_site
from helpsite.linting import checks, links
from helpsite.text import markdown
from helpsite.text import page as pages

SITE = load_site(ROOT)
BOUNDED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like Markdown and YAML more often than uniform random text does.
MARKUP = st.sampled_from(
    [
        "---",
        "\n",
        "\r\n",
        "  ",
        "\t",
        "- ",
        "> ",
        "#",
        ": ",
        "'",
        '"',
        "[",
        "](",
        "{",
        ")",
        '<a name="x"></a>',
        "&a",
        "*a",
        "!!python/object:os.system",
        "```",
        "\ufeff",
        "\x00",
        "ø",
        "日本",
        "ms.date",
        "title",
    ]
)
TEXTS = st.lists(st.one_of(MARKUP, st.text(max_size=8)), max_size=40).map("".join)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20), st.floats(allow_nan=False))
KEYS = st.one_of(
    st.sampled_from(["title", "description", "ms.date", "ms.custom", "author"]),
    st.text(string.ascii_letters + ".-_", min_size=1, max_size=12),
)
METADATA = st.dictionaries(
    KEYS,
    st.recursive(
        SCALARS,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
        max_leaves=8,
    ),
    max_size=8,
)


def check_bytes(data: bytes):
    page = pages.load(data, "docs/nb/p.md", "nb", "p.md")
    return page, checks.check_page(page, SITE)


def assert_checked_safely(data: bytes) -> None:
    """No check failed on the file, and every finding of a readable file points inside it."""
    page, findings = check_bytes(data)
    assert not [f for f in findings if f.rule == "internal-error"], findings
    if page.readable:
        assert_findings_inside(data, findings)


def assert_findings_inside(data: bytes, findings) -> None:
    lines = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for finding in findings:
        assert 1 <= finding.line <= len(lines), finding
        assert 1 <= finding.column <= len(lines[finding.line - 1]) + 1, finding


@BOUNDED
@given(TEXTS)
def test_arbitrary_text_never_raises_and_findings_point_inside(text):
    data = text.encode()
    assert_checked_safely(data)


@BOUNDED
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(data):
    page, findings = check_bytes(data)
    assert not [f for f in findings if f.rule == "internal-error"], findings
    assert page.readable or findings


@BOUNDED
@given(TEXTS, TEXTS)
def test_arbitrary_text_between_fences_never_raises_and_findings_point_inside(front, body):
    data = f"---\n{front}\n---\n{body}".encode()
    assert_checked_safely(data)


@BOUNDED
@given(METADATA, TEXTS)
def test_arbitrary_front_matter_never_raises(metadata, body):
    front = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False)
    data = f"---\n{front}---\n{body}".encode()
    assert_checked_safely(data)


@BOUNDED
@given(METADATA)
def test_safe_front_matter_loads_as_written(metadata):
    front = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False)
    page, findings = check_bytes(f"---\n{front}---\n# Tittel\n".encode())
    if "\x00" not in front and "\ufeff" not in front:
        assert page.meta_ok, findings
        assert page.meta == yaml.safe_load(front)


# ----------------------------------------------------------------------------
# Empty links and their repair, on the real Norwegian article
# ----------------------------------------------------------------------------

ARTICLE_NB = ROOT / "docs" / "nb" / "licenses" / "transfer-licenses-between-tenants.md"
WORDS = st.lists(
    st.sampled_from(["lisens", "tenant", "abonnement", "kjøpe", "ø", "日本", "ok"]), min_size=0, max_size=5
).map(" ".join)
SLUGS = st.text(string.ascii_lowercase + string.digits + "-/", min_size=1, max_size=20)


def empty_links(data: bytes) -> list:
    return [f for f in check_bytes(data)[1] if f.rule == "empty-link"]


@settings(max_examples=60, deadline=None)
@given(st.data(), WORDS, SLUGS)
def test_an_added_empty_link_is_one_more_finding_at_its_place(data, before, slug):
    text = ARTICLE_NB.read_text(encoding="utf-8")
    lines = text.split("\n")
    body_start = lines.index("---", 1) + 2
    # a new paragraph before any blank line of the body (or at its end)
    blanks = [i for i in range(body_start, len(lines)) if lines[i] == ""]
    at = data.draw(st.sampled_from(blanks))
    prefix = f"{before} " if before else ""
    inserted = lines[:at] + ["", f"{prefix}[](https://example.com/{slug})", ""] + lines[at:]
    found = empty_links("\n".join(inserted).encode())
    assert len(found) == len(empty_links(text.encode())) + 1
    assert (at + 2, len(prefix) + 1) in {(f.line, f.column) for f in found}


@pytest.fixture(scope="module")
def nb_site(tmp_path_factory):
    """A copy of the site whose Norwegian article the property empties and repairs."""
    return load_site(copy_site(tmp_path_factory.mktemp("properties") / "project"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sets(st.integers(min_value=0, max_value=7)), st.booleans())
def test_fix_write_is_idempotent(nb_site, emptied, crlf):
    page = nb_site.docs_dir / "nb" / "licenses" / "transfer-licenses-between-tenants.md"
    text = ARTICLE_NB.read_text(encoding="utf-8")
    # empty the chosen links: [text](url) -> [](url)
    parts = re.split(r"(\[[^\]\n]+\]\(https://)", text)
    links_seen = 0
    for index, part in enumerate(parts):
        if part.startswith("[") and part.endswith("](https://"):
            if links_seen in emptied:
                parts[index] = "[](https://"
            links_seen += 1
    data = "".join(parts)
    page.write_bytes(data.replace("\n", "\r\n").encode() if crlf else data.encode())
    first = links.repair_file(page, nb_site)
    if first.changed:
        links.write_repair(first)
    after_one = page.read_bytes()
    second = links.repair_file(page, nb_site)
    assert not second.changed
    assert page.read_bytes() == after_one
    assert empty_links(after_one) == []


# ----------------------------------------------------------------------------
# Two pages joined: the findings of both
# ----------------------------------------------------------------------------

# Blocks that end where they end: fences and HTML blocks closed, no reference definitions (they
# would turn the other page's [text][label] into links), no indented first line (it would
# continue the other page's list item or admonition), no setext underline (blank lines
# separate every block, so none can underline the other page's last line).
URLS = st.sampled_from(
    [
        "https://example.com/a",
        "../b.md#c",
        "javascript:alert(1)",
        "data:text/html,x",
        "https://learn.microsoft.com/nb-no/d",
    ]
)
INLINE = st.one_of(
    st.sampled_from(
        [
            "lisens",
            "tenant",
            "ø 日本",
            "*uthevet*",
            "**sterk**",
            "`kode [](x)`",
            "&nbsp;",
            "<span>spenn</span>",
            "<!-- merknad -->",
            "\\[ikke lenke\\]",
            "[ikke lenke][ref]",
        ]
    ),
    st.builds(
        "[{}]({})".format,
        st.sampled_from(
            ["", " ", "tekst", "*", "![](bilde.png)", "![alt](b.png)", "<span></span>", "`kode`"]
        ),
        URLS,
    ),
    st.builds('<a href="{}">{}</a>'.format, URLS, st.sampled_from(["", "tekst", " "])),
    st.builds('<img src="x.png" onerror="{}">'.format, st.just("alert(1)")),
)
LINE = st.lists(INLINE, min_size=1, max_size=5).map(" ".join)
BLOCK = st.one_of(
    st.lists(LINE, min_size=1, max_size=3).map("\n".join),  # a paragraph
    st.builds("{} {}".format, st.sampled_from(["#", "##", "###"]), LINE),  # a heading
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join("- " + i for i in items)),
    st.lists(LINE, min_size=1, max_size=3).map(lambda lines: "\n".join("> " + i for i in lines)),
    st.builds("```text\n{}\n```".format, LINE),
    st.lists(LINE, min_size=1, max_size=3).map(
        lambda rows: "| A | B |\n|---|---|\n" + "\n".join(f"| {r.replace('|', '')} | x |" for r in rows)
    ),
    st.builds("<div>\n{}\n</div>".format, LINE),
    st.builds("<div markdown>\n\n{}\n\n</div>".format, LINE),
    st.builds("!!! note\n    {}".format, LINE),
)
BODIES = st.lists(BLOCK, min_size=1, max_size=6).map("\n\n".join)
POSITIONAL_RULES = {"empty-link", "unsafe-link", "unsafe-html"}


def body_findings(body: str) -> set[tuple]:
    """Where the link and HTML checks report, and where the H1s are."""
    page = pages.load(body.encode(), "docs/en/p.md", "en", "p.md")
    found = {
        (f.rule, f.line, f.column, f.message)
        for f in checks.check_page(page, SITE)
        if f.rule in POSITIONAL_RULES
    }
    return found | {("h1", line, column, "") for line, column in markdown.page_document(page, SITE).h1_lines}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BODIES, BODIES)
def test_two_pages_joined_have_the_findings_of_both(first, second):
    shift = first.count("\n") + 2
    shifted = {(rule, line + shift, column, message) for rule, line, column, message in body_findings(second)}
    assert body_findings(first + "\n\n" + second) == body_findings(first) | shifted
