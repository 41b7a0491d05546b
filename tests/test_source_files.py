"""helpsite.building.source_files: the checks and front matter of a build, worked out in a worker process."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import time
from concurrent import futures
from concurrent.futures import Future
from pathlib import Path

import pytest
from conftest import LOCALES, ROOT, build_env, copy_site, mkdocs_build

from helpsite.building import source_files
from helpsite.core.site import load_site
from helpsite.linting import checks

CATALOGUE = ROOT / "tests" / "fixtures" / "bad-input"


@pytest.fixture
def site_with_bad_input(tmp_path):
    """The site, with every file of the bad-input catalogue as a Norwegian page."""
    root = copy_site(tmp_path / "site")
    for path in sorted(CATALOGUE.glob("*.md")):
        (root / "docs" / "nb" / path.name).write_bytes(path.read_bytes())
    return root


def every_page(root: Path) -> list[str]:
    return [os.fspath(path) for path in checks.markdown_files([root / "docs"])]


def planned_futures(known: source_files.SourceFiles) -> set:
    return {future for entries in known._planned.values() for future, _, _ in entries}


def test_the_worker_finds_what_the_build_process_finds(site_with_bad_input, monkeypatch):
    site = load_site(site_with_bad_input)
    paths = every_page(site_with_bad_input)
    here = source_files.SourceFiles(site, workers=0)
    there = source_files.SourceFiles(site, workers=1)
    done_here = []  # this process's list: what the worker does is not added to it
    work = source_files.facts_of
    monkeypatch.setattr(source_files, "facts_of", lambda *args: done_here.append(args[1]) or work(*args))
    there.plan([(path, False) for path in paths] + [(path, True) for path in paths])
    try:
        assert there._pool is not None
        futures.wait(planned_futures(there), timeout=60)
        for path in paths:
            assert there.facts(path) == here.facts(path), path
            assert there.facts(path).findings == tuple(checks.check_file(path, site))
    finally:
        there.close(wait=True)
    assert sorted(done_here) == sorted(paths)  # all for `here`: `there` had them from the worker
    assert len(paths) == len(every_page(ROOT)) + len(list(CATALOGUE.glob("*.md")))
    # the catalogue's findings are there: the comparison is not between empty results
    expected = sum(
        len(json.loads(path.with_suffix(".expected.json").read_text())["findings"])
        for path in CATALOGUE.glob("*.md")
    )
    assert sum(len(here.facts(path).findings) for path in paths) == expected == 20


def test_front_matter_alone_is_not_checked_and_says_why_it_cannot_be_read(site_with_bad_input):
    site = load_site(site_with_bad_input)
    known = source_files.SourceFiles(site, workers=0)
    facts = known.facts(os.fspath(site_with_bad_input / "docs" / "nb" / "billion-laughs.md"), check=False)
    assert facts.findings is None and facts.meta is None
    assert "yaml-invalid" in facts.problem and "alias" in facts.problem
    article = site_with_bad_input / "docs" / "nb" / "licenses" / "transfer-licenses-between-tenants.md"
    assert known.meta(os.fspath(article))["ms.contentlocale"] == "nb-NO"
    # asked later to check it: the findings are worked out then
    assert known.facts(os.fspath(article)).findings == tuple(checks.check_file(article, site))


def test_a_worker_that_dies_is_replaced_by_the_build_process(tmp_path, caplog):
    root = copy_site(tmp_path / "site")
    site = load_site(root)
    paths = every_page(root)
    known = source_files.SourceFiles(site, workers=1)
    known.plan([(path, True) for path in paths])
    try:
        (pid,) = known._pool._processes
        os.kill(pid, signal.SIGKILL)
        futures.wait(planned_futures(known), timeout=60)
        found = {path: known.facts(path).findings for path in paths}
    finally:
        known.close(wait=True)
    assert found == {path: tuple(checks.check_file(path, site)) for path in paths}
    assert known._pool is None


def test_a_file_the_worker_has_not_reached_is_done_at_once(tmp_path, monkeypatch):
    root = copy_site(tmp_path / "site")
    site = load_site(root)
    paths = every_page(root)
    known = source_files.SourceFiles(site, workers=1)
    done_here = []
    work = source_files.facts_of
    monkeypatch.setattr(source_files, "facts_of", lambda *args: done_here.append(args[1]) or work(*args))
    monkeypatch.setattr(Future, "done", lambda self: False)  # the worker never gets anywhere
    known.plan([(path, True) for path in paths])
    try:
        assert known.facts(paths[-1]).findings == tuple(checks.check_file(paths[-1], site))
    finally:
        known.close(wait=True)
    assert done_here == [paths[-1]]


def test_build_order_is_locale_by_locale_source_first():
    site = load_site(ROOT)
    paths = every_page(ROOT)
    ordered = source_files.build_order(site, paths)
    # each locale's pages (counted in its folder) in the order of mkdocs.yml, the source first
    assert [site.locale_of(path) for path in ordered] == [
        locale for locale in LOCALES for _ in (ROOT / "docs" / locale).rglob("*.md")
    ]
    assert [site.page_path(path) for path in ordered[:2]] == [
        "index.md",
        "licenses/transfer-licenses-between-tenants.md",
    ]
    assert sorted(ordered) == sorted(paths)


@pytest.mark.parametrize("value, workers", [("0", 0), ("2", 2), (" ", None)])
def test_the_number_of_workers_comes_from_the_environment(monkeypatch, value, workers):
    monkeypatch.setenv("HELPSITE_WORKERS", value)
    expected = workers if workers is not None else (1 if len(os.sched_getaffinity(0)) > 1 else 0)
    assert source_files.default_workers() == expected


def test_a_wrong_number_of_workers_is_named(tmp_path):
    root = copy_site(tmp_path / "site")
    result = mkdocs_build(root, tmp_path / "out", env=build_env(HELPSITE_WORKERS="two"))
    assert result.returncode == 1
    assert "HELPSITE_WORKERS='two': give a number of worker processes (0: none)" in result.stderr
    assert "Traceback" not in result.stderr


def snapshot(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_build_with_a_worker_equals_one_without(tmp_path):
    root = copy_site(tmp_path / "site")
    env = dict(SOURCE_DATE_EPOCH="1700000000")
    with_worker = mkdocs_build(root, tmp_path / "with", env=build_env(HELPSITE_WORKERS="1", **env))
    alone = mkdocs_build(root, tmp_path / "alone", env=build_env(HELPSITE_WORKERS="0", **env))
    assert with_worker.returncode == alone.returncode == 0, with_worker.stderr + alone.stderr
    assert snapshot(tmp_path / "with") == snapshot(tmp_path / "alone")
    assert len(snapshot(tmp_path / "with")) > 50


def test_no_worker_outlives_a_failed_build(tmp_path):
    root = copy_site(tmp_path / "site")
    article = root / "docs" / "nb" / "licenses" / "transfer-licenses-between-tenants.md"
    article.write_text(
        article.read_text(encoding="utf-8") + "\n[](https://example.com/lost)\n", encoding="utf-8"
    )
    marker = f"helpsite-test-{time.time_ns()}"
    result = mkdocs_build(
        root, tmp_path / "out", env=build_env(HELPSITE_WORKERS="1", HELPSITE_TEST_MARK=marker)
    )
    assert result.returncode == 1 and "empty-link" in result.stderr
    deadline = time.monotonic() + 10
    while (left := processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == []


def processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"HELPSITE_TEST_MARK={marker}".encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_a_worker_that_cannot_start_leaves_the_work_to_the_build_process(tmp_path, monkeypatch, caplog):
    root = copy_site(tmp_path / "site")
    site = load_site(root)
    paths = every_page(root)

    def no_semaphores(*args, **kwargs):
        raise ImportError("This platform lacks a functioning sem_open implementation")

    monkeypatch.setattr(source_files, "ProcessPoolExecutor", no_semaphores)
    known = source_files.SourceFiles(site, workers=1)
    with caplog.at_level("INFO", logger="helpsite.source_files"):
        known.plan([(path, True) for path in paths])
    assert known._pool is None and known._planned == {}
    assert "cannot start a worker (ImportError: This platform lacks" in caplog.text
    assert {path: known.facts(path).findings for path in paths} == {
        path: tuple(checks.check_file(path, site)) for path in paths
    }
