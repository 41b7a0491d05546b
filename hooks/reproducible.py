"""MkDocs hook: a plain ``mkdocs build`` stamps the last commit's time, not the clock's
(helpsite.published.reproducible), so two builds of one commit are byte-identical."""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from helpsite.published import reproducible


@event_priority(100)  # before anything else reads the time (or the settings: the first to say one is wrong)
def on_config(config):
    try:
        reproducible.set_build_time(Path(config.config_file_path).parent)
    except ValueError as error:  # a setting that cannot be used (helpsite.core.settings)
        raise PluginError(str(error)) from None
