"""Properties of the checks over arbitrary input (Hypothesis): they never raise, and every
finding points at a place that exists in the file."""

from __future__ import annotations

import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from helpsite import checks
from helpsite import page as pages
from helpsite.site import load_site

SITE = load_site(ROOT)
BOUNDED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like Markdown and YAML more often than uniform random text does.
MARKUP = st.sampled_from(["---", "\n", "\r\n", "  ", "\t", "- ", "> ", "#", ": ", "'", '"', "[", "](", "{",
                          ")", "<a name=\"x\"></a>", "&a", "*a", "!!python/object:os.system", "```",
                          "\ufeff", "\x00", "ø", "日本", "ms.date", "title"])
TEXTS = st.lists(st.one_of(MARKUP, st.text(max_size=8)), max_size=40).map("".join)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                    st.floats(allow_nan=False))
KEYS = st.one_of(st.sampled_from(["title", "description", "ms.date", "ms.custom", "author"]),
                 st.text(string.ascii_letters + ".-_", min_size=1, max_size=12))
METADATA = st.dictionaries(KEYS, st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8), max_size=8)


def check_bytes(data: bytes):
    page = pages.load(data, "docs/nb/p.md", "nb", "p.md")
    return page, checks.check_page(page, SITE)


def assert_findings_inside(data: bytes, findings) -> None:
    lines = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for finding in findings:
        assert 1 <= finding.line <= len(lines), finding
        assert 1 <= finding.column <= len(lines[finding.line - 1]) + 1, finding


@BOUNDED
@given(TEXTS)
def test_arbitrary_text_never_raises_and_findings_point_inside(text):
    data = text.encode()
    page, findings = check_bytes(data)
    assert not [f for f in findings if f.rule == "internal-error"], findings
    if page.readable:
        assert_findings_inside(data, findings)


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
    page, findings = check_bytes(data)
    assert not [f for f in findings if f.rule == "internal-error"], findings
    if page.readable:
        assert_findings_inside(data, findings)


@BOUNDED
@given(METADATA, TEXTS)
def test_arbitrary_front_matter_never_raises(metadata, body):
    front = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False)
    data = f"---\n{front}---\n{body}".encode()
    page, findings = check_bytes(data)
    assert not [f for f in findings if f.rule == "internal-error"], findings
    if page.readable:
        assert_findings_inside(data, findings)


@BOUNDED
@given(METADATA)
def test_safe_front_matter_loads_as_written(metadata):
    front = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False)
    page, findings = check_bytes(f"---\n{front}---\n# Tittel\n".encode())
    if "\x00" not in front and "\ufeff" not in front:
        assert page.meta_ok, findings
        assert page.meta == yaml.safe_load(front)
