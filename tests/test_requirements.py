"""The set-up's two requirement files: the site's (to write, preview and publish) and the
tests' and benchmark's, which includes it; every package pinned exactly, in one file only."""

from __future__ import annotations

import re

from conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9._-]+)==\S+$")


def _packages(name: str) -> tuple[list[str], list[str]]:
    lines = [line.strip() for line in (ROOT / name).read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    pinned = [PIN.match(line) for line in lines]
    return [m.group(1).lower() for m in pinned if m], [line for line, m in zip(lines, pinned) if not m]


def test_every_package_is_pinned_exactly_in_one_file():
    site, site_other = _packages("requirements.txt")
    dev, dev_other = _packages("requirements-dev.txt")
    assert site_other == ["-e ."]  # the package itself, as the hooks import it
    assert dev_other == ["-r requirements.txt"]
    assert not set(site) & set(dev)
    assert len(site) == len(set(site)) and len(dev) == len(set(dev))


def test_the_site_needs_none_of_the_test_tools():
    site, _ = _packages("requirements.txt")
    assert {"pytest", "hypothesis", "playwright", "ruff"}.isdisjoint(site)
