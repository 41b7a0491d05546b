"""Front matter: find it the way MkDocs does, load it safely, and remember where each key is.

YAML is composed with libyaml's safe parser, then inspected before any Python object is
built: duplicate keys, aliases (the "billion laughs" bomb needs them, front matter never
does) and tags other than YAML's own are refused with the line they are on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import yaml

from helpsite.core import lasting
from helpsite.text.positions import line_column

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _SafeLoader


class _Loader(_SafeLoader):
    """The safe loader, except that a timestamp stays the text that was written.

    Metadata dates are MM/DD/YYYY text; ``ms.date: 2021-08-13`` is a wrong form to report
    as written, not a date object to accept.
    """


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)

# MkDocs' own definition of a front matter block (mkdocs/utils/meta.py), so the checks
# read exactly the block the build strips from the page.
BLOCK_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
OPENING_RE = re.compile(r"^-{3}[ \t]*\n")

_SAFE_TAG_PREFIX = "tag:yaml.org,2002:"
_SAFE_TAGS = {
    _SAFE_TAG_PREFIX + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary")
}

Position = tuple[int, int]


@dataclass
class FrontMatter:
    """A page's metadata and where each piece of it stands in the file (1-based).

    Shared by every page whose front matter is the same text (``parse`` remembers it): read it,
    never change it. Positions are found again from ``yaml_text`` the first time one is asked
    for: only a finding or an edit needs them.
    """

    data: dict = field(default_factory=dict)
    present: bool = False
    first_line: int = 1  # the opening ---
    last_line: int = 0  # the closing --- (0 when absent)
    yaml_text: str = ""  # the YAML between the fences

    # ("ms.custom",) -> position of the key; ("ms.custom", 1) -> position of the 2nd item
    @property
    def key_positions(self) -> dict[tuple, Position]:
        return self._positions[0]

    @property
    def value_positions(self) -> dict[tuple, Position]:
        return self._positions[1]

    # ("ms.date",) -> where the value ends (exclusive): a line edit can replace it exactly
    @property
    def value_ends(self) -> dict[tuple, Position]:
        return self._positions[2]

    @cached_property
    def _positions(self) -> tuple[dict, dict, dict]:
        found: tuple[dict, dict, dict] = ({}, {}, {})
        if self.present:
            loader = _Loader(self.yaml_text)
            try:
                node = loader.get_single_node()
            finally:
                loader.dispose()
            if node is not None:
                _record_positions(node, (), found, _Places(self.yaml_text, self.first_line))
        return found

    def position(self, path: tuple) -> Position:
        """Where to point for a metadata path: the key, else the nearest enclosing key."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.key_positions:
                if end < len(path) and path[: end + 1] in self.value_positions:
                    return self.value_positions[path[: end + 1]]
                return self.key_positions[path[:end]]
        return (self.first_line, 1)


class FrontMatterError(Exception):
    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def split(text: str) -> tuple[str | None, str, int]:
    """(YAML text or None, body, 1-based line of the body's first line) for normalised text.

    Raises FrontMatterError when a block is opened but never closed: MkDocs would then
    publish the metadata as page text.
    """
    match = BLOCK_RE.match(text)
    if match:
        return match.group(1), text[match.end() :], match.group(0).count("\n") + 1
    if OPENING_RE.match(text):
        raise FrontMatterError(
            "front matter is opened with '---' on line 1 but never closed: add a line '---' "
            "after the last metadata line",
            1,
            1,
        )
    return None, text, 1


def parse(yaml_text: str, first_line: int = 1) -> FrontMatter:
    """Load the YAML between the fences; ``first_line`` is the line of the opening fence.

    The same text gives the same (shared, read-only) result: a build asks for a page's metadata
    several times (the checks, the translation status, the reader's view of every version), and
    a preview asks again on every rebuild.
    """
    result = _parse(yaml_text, first_line)
    if isinstance(result, FrontMatter):
        return result
    raise FrontMatterError(*result)


# Up to this many different front matters are remembered (a few KB each).
MEMO_SIZE = 50_000


@lasting.memo(MEMO_SIZE)  # a pure function of the text
def _parse(yaml_text: str, first_line: int) -> FrontMatter | tuple[str, int, int]:
    try:
        return _load(yaml_text, first_line)
    except FrontMatterError as error:
        return (error.message, error.line, error.column)


def _load(yaml_text: str, first_line: int) -> FrontMatter:
    places = _Places(yaml_text, first_line)
    loader = _Loader(yaml_text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            if error.context_mark and mark.index >= len(yaml_text):
                mark = error.context_mark  # an unclosed quote or bracket: point at its start
            line, col = _pos(mark, places) if mark else (first_line + 1, 1)
            raise FrontMatterError(f"front matter is not valid YAML: {_describe(error)}", line, col)
        except yaml.YAMLError as error:
            raise FrontMatterError(f"front matter is not valid YAML: {error}", first_line + 1, 1)
        fm = FrontMatter(
            present=True,
            first_line=first_line,
            last_line=first_line + yaml_text.count("\n") + 1,
            yaml_text=yaml_text,
        )
        if node is None:
            return fm
        if not isinstance(node, yaml.MappingNode):
            raise FrontMatterError(
                "front matter must be a set of 'key: value' lines", *_pos(node.start_mark, places)
            )
        _inspect(node, places, set())
        try:
            fm.data = loader.construct_document(node)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line, col = _pos(mark, places) if mark else (first_line + 1, 1)
            raise FrontMatterError(f"front matter is not valid YAML: {_describe(error)}", line, col)
        return fm
    finally:
        loader.dispose()


def _inspect(node: yaml.Node, places: _Places, seen: set) -> None:
    """Walk the node graph once: refuse aliases, foreign tags, merge and duplicate keys."""
    if id(node) in seen:
        raise FrontMatterError(
            "front matter uses a YAML alias ('*name'): write the value out instead",
            *_pos(node.start_mark, places),
        )
    seen.add(id(node))
    if node.tag not in _SAFE_TAGS:
        raise FrontMatterError(
            f"front matter uses the YAML tag {_short_tag(node.tag)!r}, which is not allowed: "
            "metadata is plain text, numbers, lists and key: value pairs",
            *_pos(node.start_mark, places),
        )
    if isinstance(node, yaml.MappingNode):
        keys: dict = {}
        for key_node, value_node in node.value:
            _inspect(key_node, places, seen)
            if not isinstance(key_node, yaml.ScalarNode):
                raise FrontMatterError(
                    "a metadata key must be plain text", *_pos(key_node.start_mark, places)
                )
            key = key_node.value
            if key == "<<":
                raise FrontMatterError(
                    "front matter uses a YAML merge key ('<<'): write the keys out",
                    *_pos(key_node.start_mark, places),
                )
            if key in keys:
                first = _pos(keys[key].start_mark, places)
                raise FrontMatterError(
                    f"duplicate key '{key}' (first on line {first[0]}): keep one of them",
                    *_pos(key_node.start_mark, places),
                )
            keys[key] = key_node
            _inspect(value_node, places, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _inspect(item, places, seen)


# Where each key, value and list item of a node graph ``_inspect`` accepted stands.
def _record_positions(node: yaml.Node, path: tuple, found: tuple[dict, dict, dict], places: _Places) -> None:
    keys, values, ends = found
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = path + (key_node.value,)
            keys[key] = _pos(key_node.start_mark, places)
            values[key] = _pos(value_node.start_mark, places)
            ends[key] = _pos(value_node.end_mark, places)
            _record_positions(value_node, key, found, places)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            values[path + (index,)] = _pos(item.start_mark, places)
            _record_positions(item, path + (index,), found, places)


def _pos(mark, places: _Places) -> Position:
    return places.of(mark.index)


class _Places:
    """File positions of character indexes in the YAML text. YAML's own line numbers count
    U+0085, U+2028 and U+2029 as line breaks too; a file's lines end at '\\n' only."""

    def __init__(self, text: str, first_line: int):
        self.text, self.first_line = text, first_line  # YAML's first line is the fence's next

    def of(self, index: int) -> Position:
        return line_column(self.text, index, self.first_line + 1)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_SAFE_TAG_PREFIX) :] if tag.startswith(_SAFE_TAG_PREFIX) else tag


def _describe(error: yaml.YAMLError) -> str:
    parts = [getattr(error, "context", None), getattr(error, "problem", None)]
    text = ", ".join(p for p in parts if p)
    return text or str(error).splitlines()[0]
