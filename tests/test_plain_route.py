"""The conventional MkDocs set-up works without dev.py: in a fresh virtual environment,
``pip install -r requirements.txt`` then ``mkdocs build --strict`` and ``mkdocs serve`` from the
repository root (as MkDocs' guide, Read the Docs and the GitHub Pages recipes do it).

pip takes the packages from its cache, which dev.py's own set-up has just filled: about 20 s."""

from __future__ import annotations

import os
import shutil
import subprocess
import venv

import pytest
from conftest import ARTICLE, ROOT, free_port

from benchmarks.serving import fetch, stop, wait_for


@pytest.fixture(scope="module")
def fresh_checkout(tmp_path_factory):
    """The repository's files (as git lists them, changes included) with a new virtual
    environment that has only requirements.txt installed."""
    work = tmp_path_factory.mktemp("plain")
    files = (
        subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    checkout = work / "checkout"
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, checkout / name)
    venv.create(work / "venv", with_pip=True)
    python = work / "venv" / "bin" / "python"
    env = _env()
    result = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            "requirements.txt",
        ],
        cwd=checkout,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return checkout, work / "venv" / "bin"


def _env() -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "SOURCE_DATE_EPOCH"):
        env.pop(name, None)
    return env


def test_mkdocs_build_strict_from_the_root(fresh_checkout):
    checkout, bin_dir = fresh_checkout
    result = subprocess.run(
        [str(bin_dir / "mkdocs"), "build", "--strict"],
        cwd=checkout,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert (checkout / "site" / "nb" / ARTICLE / "index.html").is_file()
    # the package came from the checkout (-e .), not from anywhere else
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import helpsite; print(helpsite.__file__)"],
        cwd="/",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where == str(checkout / "helpsite" / "__init__.py")


def test_mkdocs_serve_from_the_root(fresh_checkout, tmp_path):
    checkout, bin_dir = fresh_checkout
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(bin_dir / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=checkout,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=_env(),
        )
    try:
        page = f"http://127.0.0.1:{port}/nb/{ARTICLE}/"
        assert wait_for(lambda: "Overføre lisenser mellom tenanter" in fetch(page), timeout=180), (
            log.read_text()
        )
    finally:
        stop(process, timeout=20)
    assert "ERROR" not in log.read_text()
