"""MkDocs hook: HELPSITE_SHARD=<locale> builds that one locale as its part of the full site.

Unlike static-i18n's ``build_only_locale`` (HELPSITE_LOCALE), which makes the locale the
whole site at the root with only its own language in the selector, a shard is built at its
own place (/nb/, or the root for the source locale) with every language configured, so its
pages are byte for byte those of the full build. ``python -m helpsite merge`` joins shards.
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from helpsite.building.shards import SHARD_VARIABLE
from helpsite.core import settings

# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


def on_config(config):
    locale = settings.read().shard
    if locale:
        i18n = _i18n(config)
        if locale not in i18n.build_languages:
            raise PluginError(
                f"{SHARD_VARIABLE}={locale}: not one of the languages built "
                f"({', '.join(i18n.build_languages)})"
            )
        # static-i18n builds its current language first, at /<locale>/ unless it is the default.
        i18n.current_language = locale


def on_pre_build(config):
    # static-i18n gives each page its language links as an attribute, config.extra.alternate,
    # and leaves the last page's there: the next locale's 404.html showed them. Without it,
    # templates read the links to each language's home, and no locale's build depends on the
    # locale built before it, which is what makes a shard equal its part of the full build.
    vars(config.extra).pop("alternate", None)


# Before static-i18n's own post-build (-100), which would go on to build the other locales.
@event_priority(-90)
def on_post_build(config):
    if settings.read().shard:
        # The flag static-i18n sets while it builds the other locales itself.
        _i18n(config).building = True


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


def _i18n(config):
    i18n = config.plugins.get("i18n")
    if i18n is None:
        raise PluginError(f"{SHARD_VARIABLE} needs the i18n plugin (mkdocs-static-i18n)")
    return i18n
