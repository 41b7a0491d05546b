"""Per-locale shards: built in parallel and merged, they are the single build, byte for byte."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LOCALES, build_env, copy_site, mkdocs_build, page_file, page_url, parse_html

from helpsite.building import shards
from helpsite.core.site import load_site

# Any fixed date: the sitemap carries the build date, and shards may be built on other days.
EPOCH = {"SOURCE_DATE_EPOCH": "1764028800"}


def tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def single_and_merged(tmp_path_factory):
    """The copied site built once in full, and as eight shards two at a time, then merged."""
    work = tmp_path_factory.mktemp("shards")
    project = copy_site(work / "project")
    full = mkdocs_build(project, work / "full", env=build_env(**EPOCH))
    assert full.returncode == 0, full.stderr
    os.environ.update(EPOCH)
    try:
        built = shards.build_parallel(project, LOCALES, work / "shards", jobs=2, extra_args=["--strict"])
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    merge = subprocess.run(
        [
            sys.executable,
            "-m",
            "helpsite",
            "--root",
            str(project),
            "merge",
            *map(str, built.values()),
            "--out",
            str(work / "merged"),
        ],
        capture_output=True,
        text=True,
    )
    assert merge.returncode == 0, merge.stderr
    assert merge.stdout == f"{work / 'merged'}: merged {', '.join(LOCALES)}\n"
    return work / "full", work / "merged", built


def test_merged_shards_have_the_same_files(single_and_merged):
    full, merged, _ = single_and_merged
    assert tree(merged) == tree(full)


def test_merged_shards_have_the_same_bytes(single_and_merged):
    full, merged, _ = single_and_merged
    names = sorted(tree(full))
    assert "sitemap.xml.gz" in names and "search/search_index.json" in names
    assert filecmp.cmpfiles(full, merged, names, shallow=False) == (names, [], [])


def test_a_shard_holds_its_locale_at_its_own_place(single_and_merged):
    _, _, built = single_and_merged
    nb = built["nb"]
    assert page_file(nb, "nb").is_file()
    assert not page_file(nb, "en").exists()
    assert not (nb / "da").exists()


def test_the_404_page_links_each_language_home(single_and_merged):
    full, _, _ = single_and_merged
    links = {
        a.get("hreflang"): a.get("href")
        for a in parse_html(full / "404.html").xpath("//a[contains(@class, 'md-select__link')]")
    }
    assert links == {locale: "/" + page_url(locale, "") for locale in LOCALES}


def test_an_unknown_shard_locale_fails_with_a_clear_message(tmp_path):
    project = copy_site(tmp_path / "project")
    result = mkdocs_build(project, tmp_path / "site", env=build_env(HELPSITE_SHARD="xx"))
    assert result.returncode == 1
    assert f"HELPSITE_SHARD=xx: not one of the languages built ({', '.join(LOCALES)})" in result.stderr


def test_merge_refuses_two_shards_of_one_locale(single_and_merged, tmp_path):
    _, _, built = single_and_merged
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "helpsite",
            "merge",
            str(built["nb"]),
            str(built["nb"]),
            "--out",
            str(tmp_path / "site"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr == f"{built['nb']}: locale 'nb' is also in {built['nb']}\n"


def test_merge_refuses_a_folder_that_is_not_a_shard(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(shards.ShardError, match="no index.html for any locale"):
        shards.merge([tmp_path / "empty"], tmp_path / "site", load_site(Path(__file__).parent.parent))


def test_merge_refuses_shards_that_disagree_on_the_site_wide_files(single_and_merged, tmp_path):
    _, _, built = single_and_merged
    other = tmp_path / "nb"
    shutil.copytree(built["nb"], other)
    sitemap = other / "sitemap.xml"
    sitemap.write_text(
        sitemap.read_text(encoding="utf-8").replace("<lastmod>", "<lastmod>1", 1), encoding="utf-8"
    )
    site = load_site(Path(__file__).parent.parent)
    with pytest.raises(shards.ShardError) as error:
        shards.merge([built["en"], other], tmp_path / "site", site)
    assert str(error.value) == (
        f"{sitemap} differs from {built['en'] / 'sitemap.xml'}: build every "
        "shard from the same commit with the same SOURCE_DATE_EPOCH"
    )
    assert not (tmp_path / "site").exists()


def test_merge_needs_the_source_locale_shard(single_and_merged, tmp_path):
    _, _, built = single_and_merged
    with pytest.raises(shards.ShardError) as error:
        shards.merge([built["nb"], built["de"]], tmp_path / "site", load_site(Path(__file__).parent.parent))
    assert str(error.value) == (
        "no shard of the source locale 'en': its pages and the site-wide files come from it"
    )
