"""The checkers accessibility reviewers and search engines' guides point to, run on a built site:
axe-core in Chromium (through Playwright), the Nu Html Checker (vnu.jar on Java) and Lighthouse
(one Node process for all URLs). All come from package.json (npm ci) and Debian; dev.py installs
them. Used by tests/test_accessibility.py; `python tests/checkers.py SITE_DIR` prints the counts
of every check for every page of a built site (the figures in the README).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = Path(__file__).resolve().parent / "tools" / "lighthouse.mjs"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass(frozen=True)
class Violation:
    rule: str
    target: str  # the failing element, as axe's CSS selector
    summary: str

    def __str__(self) -> str:
        return f"{self.rule} {self.target}: {self.summary}"


def missing_tools() -> str | None:
    """Why the checkers cannot run here, or None (dev.py test installs them all)."""
    for path in (AXE, VNU):
        if not path.is_file():
            return f"{path.relative_to(ROOT)} is missing: run `npm ci` (python3 dev.py test does)"
    if shutil.which("java") is None:
        return "no java on PATH: install Debian's default-jre-headless (python3 dev.py test does)"
    return None


# ----------------------------------------------------------------------------
# axe-core
# ----------------------------------------------------------------------------


def axe(page, tags: list[str]) -> list[Violation]:
    """axe-core's violations of the rules with these tags on the page as it is now, one per
    failing element."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", tags
    )
    return [
        Violation(rule["id"], " ".join(node["target"]), node["failureSummary"].splitlines()[-1].strip())
        for rule in result["violations"]
        for node in rule["nodes"]
    ]


# ----------------------------------------------------------------------------
# Nu Html Checker
# ----------------------------------------------------------------------------


def nu_errors(site: Path) -> list[str]:
    """Every error the Nu Html Checker finds in the HTML files of the site, as
    `PATH:LINE:COL: MESSAGE` (one Java start for all files: it takes seconds)."""
    files = sorted(site.rglob("*.html"))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(m['url'].removeprefix('file:')).relative_to(site)}:{m.get('lastLine', 0)}:"
        f"{m.get('firstColumn', m.get('lastColumn', 0))}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


# ----------------------------------------------------------------------------
# Lighthouse
# ----------------------------------------------------------------------------


def lighthouse(urls: list[str]) -> list[dict]:
    """Lighthouse's accessibility, SEO and best-practice results for each URL, in order:
    {"url", "scores", "failed": {category: [audit ids]}, "consoleErrors", "error"}."""
    from browser import CHROMIUM

    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    result = subprocess.run(
        ["node", str(LIGHTHOUSE), *urls],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60 * len(urls) + 60,
    )
    if result.returncode:
        raise RuntimeError(f"Lighthouse failed ({result.returncode}): {result.stderr[-2000:]}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


# ----------------------------------------------------------------------------
# The figures of every check on every page of a site (python tests/checkers.py PROJECT)
# ----------------------------------------------------------------------------


def measure(project: Path) -> dict:
    """Build the project's site for a local address, serve it there and run every checker on every
    page (desktop width, light palette): the before/after figures of the README."""
    import tempfile

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from browser import CHROMIUM, CHROMIUM_ARGS, SiteServer
    from conftest import build_env, mkdocs_build

    from benchmarks.serving import free_port

    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        built = mkdocs_build(project, site, env=build_env(HELPSITE_SITE_URL=f"http://127.0.0.1:{port}/"))
        if built.returncode:
            raise SystemExit(built.stderr)
        pages = sorted(
            str(path.relative_to(site).parent) + "/"
            if path.name == "index.html"
            else str(path.relative_to(site))
            for path in site.rglob("*.html")
        )
        pages = ["" if page == "./" else page for page in pages]
        server = SiteServer(site, port)
        try:
            figures = {"pages": len(pages), "axe_wcag21aa": {}, "axe_best_practice": {}}
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = chromium.new_context(
                    viewport={"width": 1280, "height": 900}, bypass_csp=True
                ).new_page()
                for path in pages:
                    page.goto(server.url + path)
                    for key, tags in (("axe_wcag21aa", WCAG_21_AA), ("axe_best_practice", ["best-practice"])):
                        for violation in axe(page, tags):
                            figures[key][violation.rule] = figures[key].get(violation.rule, 0) + 1
                chromium.close()
            errors = nu_errors(site)
            figures["nu_errors"] = len(errors)
            figures["nu_messages"] = sorted({error.split(": ", 1)[1] for error in errors})
            results = lighthouse([server.url + path for path in pages])
        finally:
            server.stop()
    for category in ("accessibility", "seo"):
        figures[f"lighthouse_{category}"] = {
            result["url"].removeprefix(server.url) or "/": result["scores"][category] for result in results
        }
    figures["lighthouse_failed"] = sorted(
        {
            f"{category}:{audit}"
            for result in results
            for category, audits in result["failed"].items()
            for audit in audits
        }
    )
    figures["console_errors"] = sum(len(result["consoleErrors"]) for result in results)
    return figures


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT).resolve()), indent=1))
