"""The benchmark's generated help center: deterministic, valid, and stamped like real content."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from benchmarks import synthetic
from helpsite.core.site import Language, Site
from helpsite.linting import checks
from helpsite.localization import l10n

LOCALES = ("en", "nb", "ja")


def generated(root: Path, articles: int = 45, seed: int = 8) -> tuple[synthetic.Corpus, Site]:
    corpus = synthetic.generate(root / "docs", articles, LOCALES, seed)
    site = Site(root, root / "docs", "en", tuple(Language(locale, locale) for locale in LOCALES))
    return corpus, site


def digest(root: Path) -> str:
    hashed = hashlib.sha256()
    for path in sorted(root.rglob("*.md")):
        hashed.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return hashed.hexdigest()


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    generated(tmp_path / "a")
    generated(tmp_path / "b")
    generated(tmp_path / "c", seed=9)
    assert digest(tmp_path / "a" / "docs") == digest(tmp_path / "b" / "docs")
    assert digest(tmp_path / "a" / "docs") != digest(tmp_path / "c" / "docs")


def test_layout_counts_and_size(tmp_path):
    corpus, _ = generated(tmp_path)
    assert (corpus.articles, corpus.categories, corpus.files) == (45, 3, 3 * 46)
    assert sorted(p.name for p in (tmp_path / "docs" / "nb").iterdir()) == [
        "billing",
        "index.md",
        "licenses",
        "users",
    ]
    words = [len(p.read_text(encoding="utf-8").split()) for p in (tmp_path / "docs" / "en").glob("*/*.md")]
    assert 550 <= min(words) and max(words) <= 750


def test_translations_carry_the_real_source_hash_except_the_stale_ones(tmp_path):
    corpus, site = generated(tmp_path)
    statuses = Counter(s.status for s in l10n.site_status(site))
    assert statuses == {"current": 2 * 45 - corpus.stale, "stale": corpus.stale, "untracked": 2}
    assert corpus.stale > 0


def test_front_matter_parses_and_empty_links_are_there(tmp_path):
    corpus, site = generated(tmp_path)
    findings = checks.check_paths([site.docs_dir], site)
    assert [f for f in findings if f.rule in ("yaml-invalid", "encoding", "internal-error")] == []
    texts = [p.read_text(encoding="utf-8") for p in site.docs_dir.rglob("*.md")]
    assert sum(text.count("[](") for text in texts) == corpus.empty_links > 0
    sample = (site.docs_dir / "en" / "licenses").glob("*.md").__next__().read_text(encoding="utf-8")
    assert sample.count("\n## <a name=") == synthetic.SECTIONS
    assert "\n!!! note\n" in sample and "\n|---|---|---|\n" in sample and ".md#" in sample
