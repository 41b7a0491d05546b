"""MkDocs hook: mkdocs-static-i18n's files and each page's other-language versions, in time linear
in the pages and locales.

static-i18n 1.3.1 does, in each of the L locale builds:

- turn every file of every locale into a new i18n file (``reconfigure_files``) to learn its
  locale, although the build keeps only its own locale's files and the source locale's
  fallbacks: N·L file objects a build, N·L² a site (35% of a 300 × 37 build's time);
- for every page and language, turn the page's other-locale files into new i18n files one
  after the other until one is in the wanted locale (``reconfigure_files_alternates``): L² file
  objects a page in each build (23% of a build of 8 locales).

Here, a build's ``reconfigure_files`` gets only the files it can keep (the other locales' pages
are set aside by their folder, which is their locale), and the alternates are looked up by
locale among all of them; the file made for a page's version in a language depends only on the
two, so it is made once a build, not once a locale build. The files each build keeps and the
alternates (language selector, sitemap) are the same as static-i18n's.
"""

from __future__ import annotations

from collections import defaultdict

# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


def on_config(config):
    i18n = config.plugins.get("i18n")
    if i18n is None or i18n.config.docs_structure != "folder":
        return
    # Every locale build comes with the same configuration object; a new one is a new build,
    # whose files may have changed (a preview's rebuild).
    if getattr(i18n, "_helpsite_config", None) is not config:
        i18n._helpsite_config, i18n._helpsite_made = config, {}
    set_aside: dict[str, list] = defaultdict(list)

    def reconfigure_files(files, mkdocs_config):
        kept = []
        set_aside.clear()
        # static-i18n works its all_languages out again at every use: once a locale build here
        others = set(i18n.all_languages) - {i18n.current_language, i18n.default_language}
        for file in files:
            locale, _, page_path = file.src_uri.partition("/")
            if page_path and locale in others:
                set_aside[page_path].append(file)  # static-i18n would only list it as a version
            else:
                kept.append(file)
        return type(i18n).reconfigure_files(i18n, kept, mkdocs_config)

    i18n.reconfigure_files = reconfigure_files
    i18n.reconfigure_files_alternates = lambda src_uris, alternate_src_uris, mkdocs_config, create_i18n_file: (
        _find_alternates(i18n, src_uris, alternate_src_uris, set_aside, mkdocs_config, create_i18n_file)
    )


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


# ExtendedPlugin.reconfigure_files_alternates, with each candidate's locale read from its folder
# and each version's file made once a build.
def _find_alternates(i18n, src_uris, alternate_src_uris, set_aside, mkdocs_config, create_i18n_file) -> None:
    default, languages = i18n.default_language, i18n.all_languages
    known, build_languages = set(languages), sorted(i18n.build_languages)
    made = i18n._helpsite_made

    def make(file, build_lang):
        key = (file.src_uri, file.dest_uri, build_lang)  # a source file, or one this build rewrote
        if key not in made:
            made[key] = create_i18n_file(file, build_lang, default, languages, mkdocs_config)
        return made[key]

    def locale_of(file) -> str:
        locale = file.src_uri.partition("/")[0]
        return locale if locale in known else default

    for src_uri, i18n_file in src_uris.items():
        by_locale = {}
        for file in (*alternate_src_uris.get(src_uri, ()), *set_aside.get(src_uri, ())):
            by_locale.setdefault(locale_of(file), file)
        for build_lang in build_languages:
            if build_lang in i18n_file.alternates:
                continue
            found = by_locale.get(build_lang)
            if found is not None:
                i18n_file.alternates[build_lang] = make(found, build_lang)
            elif i18n.config.fallback_to_default is True:
                found = by_locale.get(default)
                if found is not None:
                    i18n_file.alternates[build_lang] = make(found, build_lang)
                else:
                    alternate = make(i18n_file, build_lang)
                    if alternate.locale == default:
                        i18n_file.alternates[build_lang] = alternate
