"""ProperDocs, the maintained fork of MkDocs 1.6, builds the same site from the same mkdocs.yml,
in the same environment: its ``mkdocs.*`` import alias runs Material, mkdocs-static-i18n and the
hooks on ProperDocs' own code."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from conftest import ARTICLE, ROOT, build_env, copy_site

PROPERDOCS = [sys.executable, "-m", "properdocs"]
MKDOCS = [sys.executable, "-m", "mkdocs"]
MKDOCS_GENERATOR = b'<meta name="generator" content="mkdocs-1.6.1, mkdocs-material-'
PROPERDOCS_GENERATOR = b'<meta name="generator" content="mkdocs-ProperDocs 1.6.7, mkdocs-material-'


def build(engine: list[str], project: Path, site: Path) -> subprocess.CompletedProcess:
    env = build_env()
    env.pop("SOURCE_DATE_EPOCH", None)  # both take the last commit's time (hooks/reproducible.py)
    return subprocess.run(
        [*engine, "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def snapshot(folder: Path, generator: bytes) -> dict[str, str]:
    """Every file's digest, the engine's generator tag written as MkDocs writes it."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(
            p.read_bytes().replace(generator, MKDOCS_GENERATOR)
        ).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_properdocs_builds_the_same_pages(real_build, tmp_path):
    built, _ = real_build
    result = build(PROPERDOCS, ROOT, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "nb" / ARTICLE / "index.html").read_bytes()
    assert PROPERDOCS_GENERATOR in page  # ProperDocs built it, with Material
    mkdocs, properdocs = snapshot(built, MKDOCS_GENERATOR), snapshot(tmp_path / "site", PROPERDOCS_GENERATOR)
    assert "nb/licenses/transfer-licenses-between-tenants/index.html" in properdocs  # static-i18n
    assert [
        name for name in mkdocs.keys() | properdocs.keys() if mkdocs.get(name) != properdocs.get(name)
    ] == []


def test_properdocs_reports_the_same_findings_and_fails_strict(tmp_path):
    project = copy_site(tmp_path / "project")
    page = project / "docs" / "nb" / (ARTICLE + ".md")
    # machine translation lost a link's text (a link the English lacks would be structure-link-added)
    url = "https://admin.microsoft.com/Adminportal/Home?source=applauncher#/subscriptions"
    page.write_text(page.read_text().replace(f"[avbryte abonnementet]({url})", f"[]({url})"))
    logs = {}
    for name, engine in (("mkdocs", MKDOCS), ("properdocs", PROPERDOCS)):
        result = build(engine, project, tmp_path / name)
        assert result.returncode == 1
        logs[name] = [line for line in result.stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]
    [(line, text)] = [(n, t) for n, t in enumerate(page.read_text().splitlines(), 1) if f"[]({url})" in t]
    assert (
        logs["mkdocs"]
        == logs["properdocs"]
        == [
            f"WARNING -  nb/{ARTICLE}.md:{line}:{text.index('[](') + 1}: empty-link: link to {url} has no text; "
            'in en it reads "cancel the subscription"'
        ]
    )
