"""MkDocs hook: a plain ``mkdocs build`` stamps the last commit's time, not the clock's
(helpsite.reproducible), so two builds of one commit are byte-identical."""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority

from helpsite import reproducible


@event_priority(100)  # before anything else reads the time
def on_config(config):
    reproducible.set_build_time(Path(config.config_file_path).parent)
