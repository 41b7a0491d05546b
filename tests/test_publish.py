"""Publishing: reproducible output, and the published folder replaced only by a build that passed."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ARTICLE, LOCALES, ROOT, add_to_article, build_env, copy_site


def dev(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = build_env(**env)
    environment.pop("SOURCE_DATE_EPOCH", None)  # dev.py derives it from the last commit
    return subprocess.run(
        [sys.executable, str(ROOT / "dev.py"), *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


def snapshot(folder: Path) -> dict[str, str]:
    """Every file's path and SHA-256: byte-identical folders have equal snapshots."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_builds_a_second_apart_are_byte_identical(tmp_path):
    first = dev("build", "-d", str(tmp_path / "first"))
    assert first.returncode == 0, first.stderr
    time.sleep(1)
    second = dev("build", "-d", str(tmp_path / "second"))
    assert second.returncode == 0, second.stderr
    a, b = snapshot(tmp_path / "first"), snapshot(tmp_path / "second")
    assert "sitemap.xml.gz" in a and "search/search_index.json" in a
    assert [name for name in a.keys() | b.keys() if a.get(name) != b.get(name)] == []


def test_sitemap_dates_are_the_pages_ms_date(tmp_path):
    # lastmod is when the page's content changed (its ms.date), not when it was built
    result = dev("build", "-d", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    sitemap = (tmp_path / "site" / "sitemap.xml").read_text(encoding="utf-8")
    entries = re.findall(
        r"<loc>http://127\.0\.0\.1:8000/(?:([a-z]{2})/)?</loc>\s*<lastmod>([^<]*)</lastmod>", sitemap
    )
    expected = {}
    for locale in LOCALES:
        month, day, year = re.search(
            r"^ms\.date: (\d\d)/(\d\d)/(\d{4})$",
            (ROOT / "docs" / locale / "index.md").read_text(encoding="utf-8"),
            re.MULTILINE,
        ).groups()
        expected[locale] = f"{year}-{month}-{day}"
    assert {locale or "en": lastmod for locale, lastmod in entries} == expected
    assert len(entries) == sitemap.count("<lastmod>") == len(LOCALES)


@pytest.fixture
def published(tmp_path):
    """The nb locale published once into tmp/public."""
    target = tmp_path / "public"
    result = dev("publish", "--to", str(target), HELPSITE_LOCALE="nb")
    assert result.returncode == 0, result.stderr
    assert (target / ARTICLE / "index.html").is_file()
    return target


def test_publish_replaces_the_folder_with_the_new_build(published, tmp_path):
    project = copy_site(tmp_path / "project")
    page = project / "docs" / "nb" / f"{ARTICLE}.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "Ellers følger du disse trinnene:", "Ellers følger du disse nye trinnene:"
        ),
        encoding="utf-8",
    )
    result = dev("publish", "--to", str(published), "-f", str(project / "mkdocs.yml"), HELPSITE_LOCALE="nb")
    assert result.returncode == 0, result.stderr
    assert "disse nye trinnene" in (published / ARTICLE / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "public"]  # no staging left


@pytest.mark.parametrize(
    "breakage, gate",
    [
        ("page", "page checks"),  # a finding: stopped before building
        ("template", "strict build"),  # only MkDocs sees it: stopped by the build
        ("link", "link check"),  # builds, but a link leads nowhere: stopped by the link check
    ],
)
def test_failed_publish_leaves_the_previous_site_untouched(published, tmp_path, breakage, gate):
    before = snapshot(published)
    project = copy_site(tmp_path / "project")
    if breakage == "page":
        page = project / "docs" / "nb" / f"{ARTICLE}.md"
        page.write_text(
            page.read_text(encoding="utf-8").replace(
                "ms.date: 08/13/2021\n", "ms.date: 08/13/2021\nms.date: 08/14/2021\n"
            ),
            encoding="utf-8",
        )
    elif breakage == "link":
        # an absolute path: MkDocs leaves those to the link check (in the English page too: the
        # translation keeps the English structure)
        add_to_article(
            project,
            "\nSee also [a page that does not exist](/finnes-ikke/).\n",
            "\nSe også [en side som ikke finnes](/finnes-ikke/).\n",
        )
    else:
        # a template error: MkDocs stops halfway, after writing part of the site
        (project / "overrides" / "main.html").write_text(
            '{% extends "base.html" %}{% block content %}{{ page.meta.missing.title }}{% endblock %}',
            encoding="utf-8",
        )
    result = dev("publish", "--to", str(published), "-f", str(project / "mkdocs.yml"), HELPSITE_LOCALE="nb")
    assert result.returncode == 1
    assert f"publish: the {gate} failed; {published} is unchanged" in result.stderr
    assert snapshot(published) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "public"]


def test_build_and_publish_refuse_quiet_which_would_blind_strict(published):
    before = snapshot(published)
    for task in ("build", "publish"):
        result = dev(task, "--to", str(published), "-q") if task == "publish" else dev(task, "-q")
        assert (result.returncode, result.stderr) == (
            2,
            f"{task}: -q/--quiet would hide the warnings --strict fails on; leave it out\n",
        )
    assert snapshot(published) == before


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "index.html").write_text("old")
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "index.html").write_text("new")
    assert module._exchange(tmp_path / "new", tmp_path / "old") is True
    assert (tmp_path / "old" / "index.html").read_text() == "new"
    assert (tmp_path / "new" / "index.html").read_text() == "old"
