"""The code is clean under Ruff, lint and format, with the settings of pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).with_name("ruff")


@pytest.mark.parametrize("command", [["check", "--no-cache"], ["format", "--check", "--no-cache"]])
def test_ruff_finds_nothing(command):
    result = subprocess.run([str(RUFF), *command, str(ROOT)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_reports_what_it_is_set_to_find(tmp_path):
    # the settings are the repository's: an unused import and a misformatted line are reported
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nx = {  'a':1 }\n", encoding="utf-8")
    config = ["--config", str(ROOT / "pyproject.toml"), "--no-cache"]
    lint = subprocess.run([str(RUFF), "check", *config, str(bad)], capture_output=True, text=True)
    assert lint.returncode == 1 and "F401" in lint.stdout
    form = subprocess.run([str(RUFF), "format", "--check", *config, str(bad)], capture_output=True, text=True)
    assert form.returncode == 1 and "1 file would be reformatted" in form.stdout
