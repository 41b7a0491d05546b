"""Reading a page's front matter: safe YAML, exact positions, and the encodings content arrives in."""

from __future__ import annotations

import pytest

from helpsite.text import frontmatter
from helpsite.text import page as pages

NOT_ALLOWED = "which is not allowed: metadata is plain text, numbers, lists and key: value pairs"


def loaded(data: bytes) -> pages.Page:
    return pages.load(data, "page.md", "en", "page.md")


def problems(data: bytes) -> list[tuple]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in loaded(data).findings]


@pytest.mark.parametrize(
    "data, expected",
    [
        (
            b"---\ntitle: a\nms.date: 1/1/2021\ntitle: b\n---\n# x\n",
            ("yaml-invalid", 4, 1, "error", "duplicate key 'title' (first on line 2): keep one of them"),
        ),
        (
            b"---\ntitle: a\n\n# x\n",
            (
                "yaml-invalid",
                1,
                1,
                "error",
                "front matter is opened with '---' on line 1 but never closed: "
                "add a line '---' after the last metadata line",
            ),
        ),
        (
            b"---\ntitle: a\n  description: b\n---\n# x\n",
            (
                "yaml-invalid",
                3,
                14,
                "error",
                "front matter is not valid YAML: mapping values are not allowed in this context",
            ),
        ),
        (
            b"---\ntitle: [a\n---\n# x\n",
            (
                "yaml-invalid",
                2,
                8,
                "error",
                "front matter is not valid YAML: while parsing a flow sequence, "
                "did not find expected ',' or ']'",
            ),
        ),
        (
            b"---\n- a\n- b\n---\n# x\n",
            ("yaml-invalid", 2, 1, "error", "front matter must be a set of 'key: value' lines"),
        ),
        (
            b"---\ntitle: !custom a\n---\n",
            ("yaml-invalid", 2, 8, "error", f"front matter uses the YAML tag '!custom', {NOT_ALLOWED}"),
        ),
    ],
    ids=["duplicate key", "unclosed", "bad indentation", "unclosed list", "not a mapping", "local tag"],
)
def test_invalid_front_matter(data, expected):
    assert problems(data) == [expected]
    assert not loaded(data).meta_ok


def test_an_unsafe_tag_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    data = f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\n---\n# x\n".encode()
    assert problems(data) == [
        (
            "yaml-invalid",
            2,
            8,
            "error",
            f"front matter uses the YAML tag '!!python/object/apply:os.system', {NOT_ALLOWED}",
        )
    ]
    assert not marker.exists()


def test_an_alias_bomb_is_refused_at_its_first_alias():
    lines = ["---", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    data = ("\n".join(lines + ["---", "# x", ""])).encode()
    assert problems(data) == [
        (
            "yaml-invalid",
            2,
            4,
            "error",
            "front matter uses a YAML alias ('*name'): write the value out instead",
        )
    ]


def test_bom_and_crlf_are_normal():
    page = loaded(b"\xef\xbb\xbf---\r\ntitle: a\r\nms.custom:\r\n- x\r\n- 4\r\n---\r\n# x\r\n")
    assert (page.findings, page.meta_ok, page.meta) == ([], True, {"title": "a", "ms.custom": ["x", 4]})
    assert page.front.key_positions == {("title",): (2, 1), ("ms.custom",): (3, 1)}
    assert page.front.value_positions[("ms.custom", 1)] == (5, 3)
    assert (page.body, page.body_line) == ("# x\n", 7)


def test_timestamps_stay_the_text_that_was_written():
    page = loaded(
        b"---\nms.date: 2021-08-13\nms.lasthandoff: 2021-08-13 10:00:00\nms.locfileid: 58316113\n---\n"
    )
    assert page.meta == {
        "ms.date": "2021-08-13",
        "ms.lasthandoff": "2021-08-13 10:00:00",
        "ms.locfileid": 58316113,
    }


@pytest.mark.parametrize(
    "data, expected",
    [
        (
            "---\ntitle: a\n---\n".encode("utf-16"),
            ("encoding", 1, 1, "error", "the file is UTF-16 text: save it as UTF-8"),
        ),
        (
            "---\ntitle: caf\xe9\n---\n".encode("latin-1"),
            ("encoding", 2, 11, "error", "byte 0xe9 is not UTF-8: save the file as UTF-8"),
        ),
        (
            b"---\ntitle: a\x00\n---\n",
            ("encoding", 2, 9, "error", "the file contains a NUL byte: it is binary, not text"),
        ),
    ],
    ids=["UTF-16", "Latin-1", "binary"],
)
def test_text_that_is_not_utf8(data, expected):
    assert problems(data) == [expected]
    assert not loaded(data).readable


def test_empty_and_huge_files_load():
    assert (problems(b""), loaded(b"").meta_ok) == ([], True)
    keys = "".join(f"key{i}: value {i}\n" for i in range(20_000))
    huge = loaded(f"---\n{keys}---\n".encode() + b"Text. " * 500_000)
    assert (huge.findings, len(huge.meta), huge.front.key_positions[("key19999",)]) == (
        [],
        20_000,
        (20_001, 1),
    )


@pytest.mark.parametrize("break_", ["\x85", "\u2028", "\u2029"])
def test_positions_count_only_newlines_as_line_ends(break_):
    # YAML also ends lines at NEL, LS and PS; findings count lines as editors and the file do.
    page = pages.load(f'---\ntitle: "a{break_}b"\nms.custom: [x, y\n---\n# T\n'.encode(), "p.md")
    # the unclosed '[' on file line 3, column 12 (YAML itself says line 4: a line of its own
    # count, which the file does not have)
    assert [(f.rule, f.line, f.column) for f in page.findings] == [("yaml-invalid", 3, 12)]
    front = frontmatter.parse(f'title: "a{break_}b"\nauthor: c\n')
    assert front.key_positions[("author",)] == (3, 1)
