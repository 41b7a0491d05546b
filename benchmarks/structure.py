"""What the translation structure rules add to ``check``: the same site checked with and without them.

A synthetic help center (``benchmarks.synthetic``: N articles in L locales, the translations
stamped with the hash of their English, a few stale ones with the hash of an earlier version)
is put in a git repository whose first commit holds those earlier English versions, so the
stale translations find their base in the history, as in a real repository. Then
``python -m helpsite check docs`` runs in a fresh process for each variant, alternately:

- ``without``: the rule modules less ``helpsite.linting.translation_structure`` (today's check);
- ``with``: every rule module, as the command runs now.

The figure that counts is the ratio of the medians (target: at most 1.2), measured side by side
in one run: absolute times drift on a shared machine.

    python -m benchmarks.structure --articles 3000 --out bench-results/structure-3000x8.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import sites, synthetic

LOCALES = ("en", "nb", "da", "sv", "fi", "de", "ja", "ar")
VARIANTS = ("without", "with")
STRUCTURE_MODULE = "helpsite.linting.translation_structure"
ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.structure", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--articles", type=int, default=3000, help="articles per locale (default 3000)")
    parser.add_argument("--locales", default=",".join(LOCALES), help="the source locale first (default: 8)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each variant (default 3)")
    parser.add_argument("--out", type=Path, help="write the JSON report here (default: stdout only)")
    parser.add_argument(
        "--work", type=Path, help="the folder for the generated site (default: a temporary one)"
    )
    parser.add_argument("--run", choices=VARIANTS, help=argparse.SUPPRESS)  # one timed check, in a child
    parser.add_argument("project", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        return _timed_check(args.project, args.run)
    locales = tuple(args.locales.split(","))
    work = args.work or Path(tempfile.mkdtemp(prefix="helpsite-structure-bench-"))
    try:
        project = work / "project"
        if project.exists():
            shutil.rmtree(project)
        started = time.perf_counter()
        corpus = prepare(project, args.articles, locales)
        prepared = time.perf_counter() - started
        runs = []
        for _ in range(args.repeat):
            for variant in VARIANTS:
                runs.append(_child(project, variant))
                print(f"{variant}: {runs[-1]['seconds']:.2f} s", file=sys.stderr)
        report = _report(corpus, runs, prepared)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    sys.stdout.write(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


def prepare(project: Path, articles: int, locales: tuple[str, ...]) -> synthetic.Corpus:
    """The synthetic site in a git repository of two commits: the English a little earlier
    (what the stale translations were made from), then everything as generated."""
    corpus = sites.prepare(ROOT, project, articles, locales)
    source = project / "docs" / locales[0]
    english = sorted(source.rglob("*.md"))
    now = {path: path.read_bytes() for path in english}
    _git(project, "init", "-q")
    for path, data in now.items():
        path.write_bytes(data + synthetic.EARLIER_REVISION)
    _git(project, "add", "docs/" + locales[0])
    _git(project, "commit", "-q", "-m", "English, an earlier version")
    for path, data in now.items():
        path.write_bytes(data)
    _git(project, "add", "-A", "docs")
    _git(project, "commit", "-q", "-m", "English now, and the translations")
    return corpus


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def _child(project: Path, variant: str) -> dict:
    """One timed check in a fresh interpreter (no cache of an earlier run helps it)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.structure", "--run", variant, str(project)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _timed_check(project: Path, variant: str) -> int:
    """``python -m helpsite check docs``, in this process, as one variant; its figures as JSON."""
    from helpsite.core.site import load_site
    from helpsite.linting import catalogue, checks

    if variant == "without":
        catalogue.RULE_MODULES = tuple(m for m in catalogue.RULE_MODULES if m.__name__ != STRUCTURE_MODULE)
        catalogue._made.clear()
    os.chdir(project)
    started, cpu = time.perf_counter(), time.process_time()
    site = load_site(project)
    findings = checks.check_paths([site.docs_dir], site)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    by_rule = Counter(finding.rule for finding in findings)
    figures = {
        "variant": variant,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "peak_rss_mb": round(peak / 1024, 1),
        "findings": dict(sorted(by_rule.items())),
    }
    if variant == "with":  # after the timing: how each translation was told
        figures["translations_told_by"] = _told_by(site)
    json.dump(figures, sys.stdout)
    return 0


def _told_by(site) -> dict[str, int]:
    """How many translations the verbatim or the default quick skeleton, the line skeleton or the
    outlines told."""
    from helpsite.linting import checks, safety, translation_structure

    config = translation_structure.settings(site)
    told = Counter()
    for locale in site.translation_locales:
        for path in checks.markdown_files([site.docs_dir / locale]):
            page = safety.load_file(path, site)
            base = translation_structure.base_of(site, page)
            if base is None or base.page is None:
                told["no base"] += 1
            elif _told_verbatim(page, base.english, config):
                told["verbatim quick skeleton"] += 1
            elif base.english.quick(config) == translation_structure.quick_skeleton(page.body, config):
                told["quick skeleton"] += 1
            elif translation_structure.same_skeleton(page.body, base.english, config):
                told["line skeleton"] += 1
            else:
                told["outlines"] += 1
    return dict(told)


def _told_verbatim(page, english, config) -> bool:
    from helpsite.linting import translation_structure

    verbatim, worth_it = english.verbatim(config)
    return worth_it and verbatim == translation_structure.quick_skeleton(page.body, config, verbatim=True)


def _report(corpus: synthetic.Corpus, runs: list[dict], prepared: float) -> dict:
    medians = _medians(runs, "seconds")
    cpu = _medians(runs, "cpu_seconds")
    return {
        "what": "python -m helpsite check docs, without and with the translation structure rules",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": len(os.sched_getaffinity(0))},
        "site": {
            "articles": corpus.articles,
            "locales": list(corpus.locales),
            "files": corpus.files,
            "stale_translations": corpus.stale,
        },
        "prepare_seconds": round(prepared, 1),
        "runs": runs,
        "median_seconds": {variant: round(value, 3) for variant, value in medians.items()},
        "ratio_with_to_without": round(medians["with"] / medians["without"], 3),
        # CPU time is steadier than wall time on a machine other work shares
        "median_cpu_seconds": {variant: round(value, 3) for variant, value in cpu.items()},
        "cpu_ratio_with_to_without": round(cpu["with"] / cpu["without"], 3),
        "target_ratio": 1.2,
    }


def _medians(runs: list[dict], key: str) -> dict[str, float]:
    return {
        variant: statistics.median(run[key] for run in runs if run["variant"] == variant)
        for variant in VARIANTS
    }


if __name__ == "__main__":
    sys.exit(main())
