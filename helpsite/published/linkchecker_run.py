"""LinkChecker's command line (``python -m helpsite.published.linkchecker_run``, as ``python -m linkcheck``),
with its plugins found before it drops root privileges.

Run as root, LinkChecker changes its user to ``nobody`` and only then lists its own plugins
folder. Where nobody may not read that folder (a checkout in ``mktemp -d``'s 0700 folder, as a
clean clone often is) it finds no plugin, so AnchorCheck, enabled in linkcheckerrc, checks
no anchor and says nothing. Here the plugins are listed first, as the user who started it.
"""

from linkcheck import loader, plugins
from linkcheck.command.linkchecker import linkchecker

_PLUGINS = tuple(plugins.get_plugin_modules([]))


def _plugin_modules(folders):
    for folder in folders:  # linkcheckerrc's pluginfolders, read as LinkChecker reads them
        yield from loader.get_folder_modules(folder, "linkcheck.dummy")
    yield from _PLUGINS


plugins.get_plugin_modules = _plugin_modules

if __name__ == "__main__":
    linkchecker()
