"""The settings: declared once (helpsite/core/settings.py), documented in SETTINGS.md, read nowhere else."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest
from conftest import ROOT

from helpsite.core import settings


def test_settings_md_is_generated_from_the_declarations():
    assert (ROOT / "SETTINGS.md").read_text(encoding="utf-8") == settings.markdown()
    shown = subprocess.run(
        [sys.executable, "-m", "helpsite", "settings"], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert shown.stdout == settings.markdown()


def test_each_variable_is_read_into_its_field():
    environ = {
        "HELPSITE_LOCALE": "nb",
        "HELPSITE_SHARD": "da",
        "HELPSITE_WORKERS": "3",
        "HELPSITE_RENDER_AFTER_CHECK": "1",
        "HELPSITE_SITE_URL": "https://help.example.org/",
        "SOURCE_DATE_EPOCH": "1700000000",
    }
    assert settings.read(environ) == settings.Settings(
        "nb", "da", 3, True, "https://help.example.org/", "1700000000"
    )
    assert settings.read({}) == settings.Settings()
    assert settings.read({"HELPSITE_LOCALE": " ", "HELPSITE_WORKERS": "-2"}) == settings.Settings(workers=0)


def test_a_value_that_cannot_be_used_names_its_variable():
    with pytest.raises(
        ValueError, match=r"^HELPSITE_WORKERS='two': give a number of worker processes \(0: none\)$"
    ):
        settings.read({"HELPSITE_WORKERS": "two"})
    refused = subprocess.run(
        [sys.executable, "-m", "helpsite", "settings"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HELPSITE_WORKERS": "two"},
    )
    assert (refused.returncode, refused.stderr) == (
        2,
        "HELPSITE_WORKERS='two': give a number of worker processes (0: none)\n",
    )


# mkdocs.yml's !ENV tag, read as MkDocs reads it: any variable the file names
ENV_TAG = "helpsite/core/site.py"


def test_no_other_module_reads_the_environment():
    reads = []
    for folder in ("helpsite", "hooks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            shown = str(path.relative_to(ROOT))
            if shown in ("helpsite/core/settings.py", ENV_TAG):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                text = ast.unparse(node)
                getter = isinstance(node, ast.Call) and text.startswith(("os.environ.get(", "os.getenv("))
                looked_up = isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
                if getter or (looked_up and text.startswith("os.environ[")):
                    reads.append(f"{shown}:{node.lineno}: {text}")
    assert reads == []
