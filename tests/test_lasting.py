"""What outlives a build is in helpsite/core/lasting.py: bounded, and emptied when a build starts unless
it is kept for a reason; no other module keeps a cache of its own."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ARTICLE, ROOT

from helpsite.building import build
from helpsite.core import lasting
from helpsite.core.site import load_site
from helpsite.linting import links, safety
from helpsite.localization import strings
from helpsite.text import page

PRODUCT = ("helpsite", "hooks")
# Module-level state that is not a cache, each with what it is and when it ends. Anything else
# that looks like a cache fails the test below: make it with lasting.cache or lasting.memo.
NOT_CACHES = {
    ("helpsite/core/lasting.py", "_caches"): "the registry of every cache",
    ("helpsite/core/lasting.py", "_memos"): "the registry of every memoized function",
    ("helpsite/linting/rules.py", "RETIRED"): "a table of retired rule ids, written by hand",
    (
        "helpsite/building/build.py",
        "global",
    ): "the build under way (start, end) and how the builds run (serve)",
    (
        "helpsite/building/source_files.py",
        "global",
    ): "a preview's checks worker, kept from one rebuild to the "
    "next, stopped with the preview (stop_kept_worker)",
    (
        "helpsite/published/built_links.py",
        "global",
    ): "a link-check worker process's own settings, set as it starts",
}
MUTABLE = {"dict", "list", "set", "OrderedDict", "defaultdict", "deque", "Counter"}
MEMOS = {"cache", "lru_cache"}


def caches_of_their_own(root: Path) -> list[str]:
    """Every place in the product that keeps state of its own: an empty dict, list or set made at
    module level, a ``global`` statement, a function memoized with functools."""
    found = []
    for folder in PRODUCT:
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                    target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                    name = getattr(target, "id", None)  # a name, not an attribute of an object
                    if name and _is_mutable(node.value) and (relative, name) not in NOT_CACHES:
                        found.append(f"{relative}:{node.lineno}: {name}")
            for node in ast.walk(tree):
                if isinstance(node, ast.Global) and (relative, "global") not in NOT_CACHES:
                    found.append(f"{relative}:{node.lineno}: global {', '.join(node.names)}")
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    for decorator in node.decorator_list:
                        called = decorator.func if isinstance(decorator, ast.Call) else decorator
                        if getattr(called, "id", getattr(called, "attr", None)) in MEMOS:
                            found.append(f"{relative}:{node.lineno}: {node.name} memoized with functools")
    return found


def _is_mutable(value: ast.expr) -> bool:
    if isinstance(value, ast.Dict):
        return not value.keys
    if isinstance(value, ast.List | ast.Set):
        return not value.elts or all(isinstance(e, ast.Constant) and e.value is None for e in value.elts)
    if isinstance(value, ast.Call):
        return getattr(value.func, "id", getattr(value.func, "attr", None)) in MUTABLE
    return False


def test_no_module_keeps_a_cache_of_its_own():
    assert caches_of_their_own(ROOT) == []


def test_a_cache_of_its_own_is_found(tmp_path):
    for folder in PRODUCT:
        (tmp_path / folder).mkdir()
    (tmp_path / "helpsite" / "texts.py").write_text(
        "import functools\n"
        "_TEXTS: dict[str, str] = {}\n"
        "_LAST = [None, None]\n"
        "RULES = {'a': 1}\n"
        "@functools.lru_cache(maxsize=8)\n"
        "def read(path):\n"
        "    global _SEEN\n",
        encoding="utf-8",
    )
    (tmp_path / "hooks" / "memo.py").write_text(
        "from functools import cache\n@cache\ndef made():\n    return set()\n", encoding="utf-8"
    )
    assert caches_of_their_own(tmp_path) == [
        "helpsite/texts.py:2: _TEXTS",
        "helpsite/texts.py:3: _LAST",
        "helpsite/texts.py:6: read memoized with functools",
        "helpsite/texts.py:7: global _SEEN",
        "hooks/memo.py:3: made memoized with functools",
    ]


def test_a_cache_keeps_at_most_its_limit_the_oldest_going_first():
    held = lasting.Cache("test.held", 3, kept=None)
    for key in "abcd":
        held[key] = key.upper()
    held.setdefault("e", "E")
    held.update(a="A")
    assert list(held.items()) == [("d", "D"), ("e", "E"), ("a", "A")]
    held["d"] = "d"  # a key it holds: replaced, nothing dropped
    assert list(held) == ["d", "e", "a"]


def test_a_module_run_again_gets_its_cache_back():
    # MkDocs runs a hook module again for every configuration it loads (every preview rebuild)
    assert lasting.cache("links.source_texts", 10_000) is links._SOURCE_TEXTS


def test_a_new_build_empties_what_it_must_read_again_and_keeps_the_rest(tmp_path):
    site = load_site(ROOT)
    translation = page.read(site.file_for("nb", f"{ARTICLE}.md"), f"nb/{ARTICLE}.md", "nb", f"{ARTICLE}.md")
    assert links.source_texts(site, translation)  # the English page's link texts, remembered
    safety._real_folder(str(site.docs_dir))
    strings.for_site(site)
    before = lasting.sizes()
    assert (before["links.source_texts"], before["helpsite.linting.safety._real_folder"]) >= (1, 1)

    context = build.Build(ROOT, site_url="https://help.example.com/", site_dir=str(tmp_path), workers=0)
    context.close()
    after = lasting.sizes()
    assert (after["links.source_texts"], after["helpsite.linting.safety._real_folder"]) == (0, 0)
    # kept: the strings of the site, refreshed from their files; the schema, compiled again when
    # its file changes; pure functions of their arguments
    assert after["strings.sites"] >= 1 and after["metadata.schema"] == 1
    assert after["helpsite.text.frontmatter._parse"] >= before["helpsite.text.frontmatter._parse"]
