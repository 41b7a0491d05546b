"""The package's shape: how far imports reach and that none goes round in a circle.

Read from the source (every ``import`` and ``from ... import`` of the package's and the hooks'
modules, at any depth of the file), as a newcomer follows them: a chain longer than
``LONGEST_CHAIN`` modules, or any cycle, fails with the chain it found.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LONGEST_CHAIN = 9
PRODUCT = ("helpsite", "hooks")


def import_graph(root: Path) -> dict[str, set[str]]:
    modules = {}
    for folder in PRODUCT:
        for path in sorted((root / folder).rglob("*.py")):
            name = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
            modules[name] = path
    return {name: (imports_of(path) & modules.keys()) - {name} for name, path in modules.items()}


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, and each name it imports from one (which may be a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def longest_chain(graph: dict[str, set[str]]) -> tuple[list[str], list[list[str]]]:
    """The longest import chain, and the cycles met on the way."""
    longest: dict[str, list[str]] = {}
    cycles: list[list[str]] = []

    def walk(name: str, path: list[str]) -> list[str]:
        if name in path:
            cycles.append([*path[path.index(name) :], name])
            return []
        if name not in longest:
            deepest = max(
                (walk(imported, [*path, name]) for imported in sorted(graph[name])), key=len, default=[]
            )
            longest[name] = [name, *deepest]
        return longest[name]

    chain = max((walk(name, []) for name in sorted(graph)), key=len)
    return chain, cycles


def test_no_import_chain_is_longer_than_nine_modules_and_none_is_a_cycle():
    chain, cycles = longest_chain(import_graph(ROOT))
    assert cycles == []
    assert len(chain) <= LONGEST_CHAIN, " -> ".join(chain)


def test_a_cycle_and_a_long_chain_are_found(tmp_path):
    for folder in PRODUCT:
        (tmp_path / folder).mkdir()
    names = [f"m{number}" for number in range(11)]
    for name, imported in zip(names, names[1:]):
        (tmp_path / "helpsite" / f"{name}.py").write_text(f"from helpsite import {imported}\n")
    (tmp_path / "helpsite" / "m10.py").write_text("import helpsite.m9\n")
    chain, cycles = longest_chain(import_graph(tmp_path))
    assert ["helpsite.m9", "helpsite.m10", "helpsite.m9"] in cycles
    assert chain[:3] == ["helpsite.m0", "helpsite.m1", "helpsite.m2"] and len(chain) == 11


def test_the_benchmark_is_not_in_the_product():
    # beside the product (benchmarks/), as Ruff's crates/ruff_benchmark and lychee's benches/
    imported = set().union(
        *(imports_of(path) for folder in PRODUCT for path in (ROOT / folder).rglob("*.py"))
    )
    assert "helpsite.site" in imported
    assert not any(name.startswith("benchmarks") for name in imported)
    usage = subprocess.run(
        [sys.executable, "-m", "helpsite", "--root", str(ROOT), "bench"], capture_output=True, text=True
    )
    assert usage.returncode == 2 and "invalid choice: 'bench'" in usage.stderr
