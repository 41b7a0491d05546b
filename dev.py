#!/usr/bin/env python3
"""The site's one entry point on a fresh machine: it sets itself up, then runs a task.

    python3 dev.py serve   build every locale, preview at http://127.0.0.1:8000/ with live reload
                           (--locale nb: that locale alone, at the root: a faster loop)
    python3 dev.py test    run the whole test suite (installs the browser it needs)
    python3 dev.py build   the publishing build: mkdocs build --strict

Set-up is a virtual environment in .venv with requirements.txt and this package installed;
it is redone only when requirements.txt or pyproject.toml change. Needs only Python 3.11.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".helpsite-installed"
CHROMIUM = Path(os.environ.get("HELPSITE_CHROMIUM", "/usr/bin/chromium"))


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in TASKS:
        print(__doc__, file=sys.stderr)
        return 2
    task, args = TASKS[argv[0]], argv[1:]
    ensure_environment()
    return task(args)


def serve(args: list[str]) -> int:
    # --livereload explicitly: with some click releases MkDocs 1.6.1's default is lost.
    # --locale LOCALE is HELPSITE_LOCALE (mkdocs.yml's build_only_locale): one locale, at the root.
    parser = argparse.ArgumentParser(prog="dev.py serve", add_help=False)
    parser.add_argument("--locale")
    known, rest = parser.parse_known_args(args)
    env = {"HELPSITE_LOCALE": known.locale} if known.locale else {}
    return run([BIN / "mkdocs", "serve", "--livereload", "--dev-addr", "127.0.0.1:8000", *rest], env)


def test(args: list[str]) -> int:
    ensure_browser()
    return run([BIN / "python", "-m", "pytest", *args])


def build(args: list[str]) -> int:
    return run([BIN / "mkdocs", "build", "--strict", *args])


TASKS = {"serve": serve, "test": test, "build": build}


# ----------------------------------------------------------------------------
# Set-up
# ----------------------------------------------------------------------------

def ensure_environment() -> None:
    wanted = _fingerprint()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    print(f"Setting up {VENV.relative_to(ROOT)} (first run, or the requirements changed)...", flush=True)
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    pip = [BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _checked(pip + ["-r", ROOT / "requirements.txt"])
    _checked(pip + ["--no-deps", "-e", ROOT])
    STAMP.write_text(wanted)


def ensure_browser() -> None:
    """Debian's Chromium for the browser tests (Playwright cannot download one here)."""
    if CHROMIUM.exists():
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("Installing Chromium for the browser tests (apt-get)...", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        _checked(["apt-get", "update", "-qq"], env=env)
        _checked(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], env=env)
    if not CHROMIUM.exists():
        sys.exit(f"The browser tests need Chromium at {CHROMIUM}: install Debian's 'chromium' package "
                 "(sudo apt-get install chromium) or set HELPSITE_CHROMIUM to a Chromium binary.")


def _fingerprint() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for name in ("requirements.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def _checked(command: list, **kwargs) -> None:
    result = subprocess.run([str(c) for c in command], **kwargs)
    if result.returncode:
        sys.exit(f"Set-up step failed ({result.returncode}): {' '.join(map(str, command))}")


def run(command: list, env: dict | None = None) -> int:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {}))
    env.pop("VIRTUAL_ENV", None)
    try:
        return subprocess.call([str(c) for c in command], cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
