"""``python -m benchmarks.link_graph``: what the link rules cost ``python -m helpsite check``, and
what the preview's ``LinkGraph`` costs to make and to update.

On a generated site (``benchmarks.sites.prepare``: by default 3,000 articles in each of the 8
locales, every article with ten relative links to #anchors of others), ``python -m helpsite
check`` runs on the whole docs folder with every rule and with every rule but the two of
``helpsite.linting.link_graph`` (the catalogue without that module), taking turns, ``--repeat`` times
each; the report gives each run's wall and CPU seconds and the ratio of the medians. Then, in
this process, a ``LinkGraph`` is made of the site and ``update`` is timed on a saved article.

    python -m benchmarks.link_graph --out bench-results/link-graph-3000x8.json
    python -m benchmarks.link_graph --articles 200 --locales 2 --repeat 1   # a quick look
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import sites
from benchmarks.common import report_head, timed
from helpsite.core.site import find_root, load_site

# The check without the link rules: the same command, its catalogue less helpsite.linting.link_graph.
WITHOUT_LINK_RULES = (
    "import sys\n"
    "from helpsite.linting import catalogue, link_graph\n"
    "catalogue.RULE_MODULES = tuple(m for m in catalogue.RULE_MODULES if m is not link_graph)\n"
    "from helpsite.cli import main\n"
    "raise SystemExit(main(sys.argv[1:]))\n"
)


def check_command(project: Path, with_link_rules: bool) -> list[str]:
    head = (
        [sys.executable, "-m", "helpsite"] if with_link_rules else [sys.executable, "-c", WITHOUT_LINK_RULES]
    )
    return [*head, "--root", str(project), "check", str(project / "docs"), "--format", "json"]


def time_checks(project: Path, repeat: int) -> dict:
    runs: dict[str, list[dict]] = {"without_link_rules": [], "with_link_rules": []}
    for _ in range(repeat):
        for name in runs:
            seconds, cpu, rss_kb, code, output = timed(
                check_command(project, name == "with_link_rules"), project
            )
            if code not in (0, 1):
                raise RuntimeError(f"check ({name}) failed with {code}:\n{output[-3000:]}")
            findings = json.loads(output)
            runs[name].append(
                {
                    "seconds": round(seconds, 3),
                    "cpu_seconds": round(cpu, 3),
                    "peak_rss_mb": round(rss_kb / 1024, 1),
                    "findings": len(findings),
                    "link_findings": sum(f["rule"].startswith("link-to-missing") for f in findings),
                }
            )
    medians = {
        name: {key: statistics.median(run[key] for run in found) for key in ("seconds", "cpu_seconds")}
        for name, found in runs.items()
    }
    return {
        "runs": runs,
        "median": medians,
        "ratio_wall": round(
            medians["with_link_rules"]["seconds"] / medians["without_link_rules"]["seconds"], 3
        ),
        "ratio_cpu": round(
            medians["with_link_rules"]["cpu_seconds"] / medians["without_link_rules"]["cpu_seconds"], 3
        ),
    }


def time_graph(project: Path) -> dict:
    from helpsite.linting.link_graph import LinkGraph

    site = load_site(project)
    started, cpu = time.perf_counter(), time.process_time()
    graph = LinkGraph(site)
    made = {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu}
    # the English article most pages link to: its anchors are what a save may change for them
    page_path = max(site.pages(site.source_locale), key=lambda p: len(graph.pages_linking_to("en", p)))
    linked_from = set().union(*(graph.pages_linking_to(locale, page_path) for locale in site.locales))
    path = site.file_for(site.source_locale, page_path)
    text = path.read_text(encoding="utf-8")
    saves = {
        "text_added": text + "\nA sentence more.\n",
        "anchors_renamed": text.replace('<a name="', '<a name="renamed-'),
        "restored": text,
    }
    updates = {}
    for name, saved in saves.items():
        path.write_text(saved, encoding="utf-8")
        started = time.perf_counter()
        answer = graph.update(path)
        updates[name] = {"seconds": round(time.perf_counter() - started, 5), "pages": len(answer)}
    return {
        "pages": sum(len(site.pages(locale)) for locale in site.locales),
        "make_seconds": round(made["seconds"], 3),
        "make_cpu_seconds": round(made["cpu_seconds"], 3),
        "saved_page": page_path,
        "pages_linking_to_it": len(linked_from),
        "updates": updates,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.link_graph", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--articles", type=int, default=3000, help="articles per locale (default: 3000)")
    parser.add_argument(
        "--locales", type=int, default=8, help="the first L of the site's languages (default: 8)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each check, taking turns (default: 3)")
    parser.add_argument("--root", type=Path, default=None, help="the site's folder; default: found from here")
    parser.add_argument(
        "--work", type=Path, default=None, help="generate the site here (default: a temporary folder)"
    )
    parser.add_argument("--out", type=Path, default=None, help="write the JSON report here")
    args = parser.parse_args(argv)
    root = args.root or find_root() or Path.cwd()
    locales = load_site(root).locales[: args.locales]
    with tempfile.TemporaryDirectory(prefix="helpsite-link-graph-", dir=args.work) as folder:
        project = Path(folder) / "project"
        sites.prepare(root, project, args.articles, locales)
        report = report_head(" ".join(["python -m benchmarks.link_graph", *(argv or sys.argv[1:])]))
        report.update(
            articles=args.articles,
            locales=list(locales),
            check=time_checks(project, args.repeat),
            graph=time_graph(project),
        )
    text = json.dumps(report, indent=2) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
