"""Benchmark (not a test): what the checks cost per page, and the link and structure part of it.

    .venv/bin/python tests/bench_links.py [FOLDER --locale sv]

Without a folder it checks 3,000 generated Norwegian pages (one empty link in a hundred, fenced
code in one paragraph in twenty) against their generated English sources.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from unittest import mock

from conftest import ROOT

from helpsite.core.site import load_site
from helpsite.linting import catalogue, checks, rules

WORDS = ("lisens", "tenant", "abonnement", "kjøpe", "flytte", "data", "organisasjon")
FRONT = (
    "---\ntitle: Side {n}\ndescription: Genererte sider.\nms.date: 08/13/2021\n"
    "ms.topic: article\nms.service: o365-administration\n---\n"
)


def generate(root: Path, pages: int) -> Path:
    """A copy of the site's configuration with ``pages`` generated pages in en and nb."""
    (root / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    rng = random.Random(4)
    for locale in ("en", "nb"):
        (root / "docs" / locale / "gen").mkdir(parents=True)
    for n in range(pages):
        en, nb = [FRONT.format(n=n), f"# Page {n}\n\n"], [FRONT.format(n=n), f"# Side {n}\n\n"]
        for p in range(rng.randint(3, 8)):
            words = " ".join(rng.choice(WORDS) for _ in range(30))
            count = rng.randint(0, 3)
            en.append(
                words
                + "".join(
                    f" see [text {p}-{i}](https://admin.microsoft.com/en-us/{n}/{p}/{i})"
                    for i in range(count)
                )
                + ".\n\n"
            )
            nb.append(
                words
                + "".join(
                    f" se [{'' if rng.random() < 0.01 else f'tekst {p}-{i}'}](https://admin.microsoft.com/nb-no/{n}/{p}/{i})"
                    for i in range(count)
                )
                + ".\n\n"
            )
            if rng.random() < 0.05:
                en.append("```powershell\n# a comment\nGet-MsolUser\n```\n\n")
                nb.append("```powershell\n# a comment\nGet-MsolUser\n```\n\n")
        (root / "docs" / "en" / "gen" / f"page-{n}.md").write_text("".join(en), encoding="utf-8")
        (root / "docs" / "nb" / "gen" / f"page-{n}.md").write_text("".join(nb), encoding="utf-8")
    return root / "docs" / "nb"


def measure(folder: Path, site, locale: str | None) -> None:
    files = list(checks.markdown_files([folder]))

    def run() -> tuple[float, int]:
        start = time.process_time()
        found = sum(len(checks.check_file(path, site, locale)) for path in files)
        return time.process_time() - start, found

    run()  # warm the caches (source pages, parser)
    every, found = min(run() for _ in range(3))
    others = tuple(
        check
        for check in catalogue.page_checks()
        if check.__module__ not in ("helpsite.linting.links", "helpsite.linting.structure")
    )
    with mock.patch.object(rules, "page_checks", lambda: others):
        without, _ = min(run() for _ in range(3))
    print(
        f"{len(files)} files, {found} findings: {len(files) / every:.0f} files/s on one core; "
        f"links and structure {1000 * (every - without) / len(files):.3f} ms per file"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--locale")
    parser.add_argument("--pages", type=int, default=3000)
    args = parser.parse_args()
    if args.folder:
        measure(args.folder, load_site(ROOT), args.locale)
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = generate(Path(temporary), args.pages)
        measure(folder, load_site(Path(temporary)), None)


if __name__ == "__main__":
    main()
