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
    """Module -> the modules it imports, for every module of the product. A sub-package is a
    module too (its ``__init__``): ``from helpsite.core import site`` imports both."""
    modules = {}
    for folder in PRODUCT:
        for path in sorted((root / folder).rglob("*.py")):
            modules[module_name(path, root)] = path
    return {name: (imports_of(path, name) & modules.keys()) - {name} for name, path in modules.items()}


def module_name(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def imports_of(path: Path, name: str = "") -> set[str]:
    """Every module a file imports, and each name it imports from one (which may be a module);
    a relative import (``from . import x``, ``from ..core import site``) is resolved against the
    package of the module ``name``."""
    found = set()
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(
                    package[: len(package) - node.level + 1] + ([node.module] if node.module else [])
                )
            else:
                base = node.module or ""
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
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


def test_sub_packages_and_relative_imports_are_followed(tmp_path):
    for folder in ("helpsite/core", "helpsite/linting", "hooks"):
        (tmp_path / folder).mkdir(parents=True)
    files = {
        "helpsite/__init__.py": "",
        "helpsite/core/__init__.py": "",
        "helpsite/core/site.py": "from . import errors\n",
        "helpsite/core/errors.py": "from ..linting import rules\n",
        "helpsite/linting/__init__.py": "",
        "helpsite/linting/rules.py": "from helpsite.core import site\n",
        "hooks/check.py": "import helpsite.linting.rules\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    graph = import_graph(tmp_path)
    assert graph["helpsite.core.site"] == {"helpsite.core", "helpsite.core.errors"}
    assert graph["helpsite.core.errors"] == {"helpsite.linting", "helpsite.linting.rules"}
    assert graph["hooks.check"] == {"helpsite.linting.rules"}
    _, cycles = longest_chain(graph)
    assert cycles == [
        ["helpsite.core.errors", "helpsite.linting.rules", "helpsite.core.site", "helpsite.core.errors"]
    ]


def test_the_benchmark_is_not_in_the_product():
    # beside the product (benchmarks/), as Ruff's crates/ruff_benchmark and lychee's benches/
    imported = set().union(
        *(imports_of(path) for folder in PRODUCT for path in (ROOT / folder).rglob("*.py"))
    )
    assert "helpsite.core.site" in imported
    assert not any(name.startswith("benchmarks") for name in imported)
    usage = subprocess.run(
        [sys.executable, "-m", "helpsite", "--root", str(ROOT), "bench"], capture_output=True, text=True
    )
    assert usage.returncode == 2 and "invalid choice: 'bench'" in usage.stderr
