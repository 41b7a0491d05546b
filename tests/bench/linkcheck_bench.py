"""Time `python -m helpsite linkcheck` on a generated help center (not a test; run by hand).

    .venv/bin/python tests/bench/linkcheck_bench.py 1000 2000 [--locales en,nb] [--out DIR]

For each size: generate N articles per locale (sections with anchors, links to other
articles and their sections, an in-page link), build with the project's mkdocs.yml, then
run the link check with anchor checking and print pages/s. Deterministic (seeded).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE_FILES = ("mkdocs.yml", "overrides", "hooks", "linkcheckerrc", "linkcheck-allow.txt")
WORDS = ("license tenant subscription admin center billing account user mailbox domain "
         "organization migrate transfer remove assign group policy security report").split()
SECTIONS = 6
PER_FOLDER = 50


def article(rng: random.Random, locale: str, index: int, count: int) -> str:
    """One article: front matter, a legacy-anchor title, sections that link around the site."""
    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "."

    def link_to(other: int, section: int | None) -> str:
        anchor = f"#section-{section}" if section is not None else ""
        return f"[{rng.choice(WORDS)}]({relative(index, other)}{anchor})"

    lines = ["---", f"title: Article {index}", f"description: Generated article {index} ({locale}).",
             "ms.date: 08/13/2021", "ms.topic: article", "---",
             f'# <a name="article-{index}"></a>Article {index}', "",
             f"{sentence()} See [the last section](#section-{SECTIONS - 1}).", ""]
    for section in range(SECTIONS):
        lines += [f"## Section {section}", "", sentence() + " " + sentence(), "",
                  f"- {link_to(rng.randrange(count), rng.randrange(SECTIONS))} {sentence()}",
                  f"- {link_to(rng.randrange(count), None)} {sentence()}", ""]
    return "\n".join(lines) + "\n"


def path_of(index: int) -> str:
    return f"topic-{index // PER_FOLDER:03d}/article-{index:05d}.md"


def relative(source: int, target: int) -> str:
    return os.path.relpath(path_of(target), Path(path_of(source)).parent.as_posix())


def generate(project: Path, count: int, locales: list[str], seed: int = 7, prune: bool = False) -> None:
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    for name in SITE_FILES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if prune:  # Material renders only the page's own section of the navigation (not expanded sections)
        text = text.replace("    - navigation.sections\n", "    - navigation.prune\n")
    # Only the generated locales are built (no English fallback copies for the others).
    head, *entries = text.split("        - locale: ")
    config.write_text(head + "".join(
        "        - locale: " + (entry if entry.split("\n", 1)[0] in locales
                                else entry.replace("build: true", "build: false", 1))
        for entry in entries), encoding="utf-8")
    for locale in locales:
        rng = random.Random(f"{seed}-{locale}")
        docs = project / "docs" / locale
        (docs / "index.md").parent.mkdir(parents=True, exist_ok=True)
        (docs / "index.md").write_text(f"# Help ({locale})\n\n[Start]({path_of(0)})\n", encoding="utf-8")
        for index in range(count):
            file = docs / path_of(index)
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(article(rng, locale, index, count), encoding="utf-8")


def timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--locales", default="en")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "linkcheck")
    parser.add_argument("--config", type=Path, default=ROOT / "linkcheckerrc")
    parser.add_argument("--prune", action="store_true",
                        help="navigation.prune instead of .sections: each page carries only its part of the navigation")
    parser.add_argument("--reuse", action="store_true", help="reuse an earlier build of the same size")
    args = parser.parse_args()
    locales = args.locales.split(",")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", HELPSITE_LOCALE="" if len(locales) > 1 else locales[0])
    results = []
    for count in args.sizes:
        project = args.out / f"{count}x{len(locales)}{'-pruned' if args.prune else ''}"
        site_dir = project / "site"
        build_seconds = None
        if not (args.reuse and (site_dir / "index.html").is_file()):
            generate(project, count, locales, prune=args.prune)
            build_seconds, built = timed([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                                          str(project / "mkdocs.yml"), "-d", str(site_dir)], env=env)
            if built.returncode:
                print(built.stderr, file=sys.stderr)
                return 1
        pages = sum(1 for _ in site_dir.rglob("*.html"))
        seconds, checked = timed([sys.executable, "-m", "helpsite", "--root", str(project), "linkcheck",
                                  str(site_dir), "--config", str(args.config)], env=env)
        result = {"articles": count, "locales": locales, "prune": args.prune, "pages": pages, "build_s": build_seconds,
                  "linkcheck_s": round(seconds, 1), "pages_per_s": round(pages / seconds, 1),
                  "exit": checked.returncode, "findings": len(checked.stdout.splitlines()),
                  "html_mb": round(sum(p.stat().st_size for p in site_dir.rglob("*.html")) / 1e6, 1)}
        print(json.dumps(result), flush=True)
        if checked.returncode not in (0, 1):
            print(checked.stderr, file=sys.stderr)
        results.append(result)
    (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
