"""MkDocs hook: mkdocs-static-i18n's search for each page's other-language versions, in linear time.

For every page and language, static-i18n 1.3.1 turns the page's other-locale files into
new i18n files one after the other until one is in the wanted locale: L² file objects per
page in each of the L locale builds (23% of a build of 8 locales). A file's locale depends
only on its path, so this version looks it up once per file and makes the one file it keeps.
The alternates (language selector, sitemap) are the same.
"""

from __future__ import annotations

# ----------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------


def on_config(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None:
        i18n.reconfigure_files_alternates = (
            lambda src_uris, alternate_src_uris, mkdocs_config, create_i18n_file: _find_alternates(
                i18n, src_uris, alternate_src_uris, mkdocs_config, create_i18n_file
            )
        )


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


# ExtendedPlugin.reconfigure_files_alternates, with each candidate's locale looked up once.
def _find_alternates(i18n, src_uris, alternate_src_uris, mkdocs_config, create_i18n_file) -> None:
    default, languages = i18n.default_language, i18n.all_languages
    locales: dict[str, str] = {}

    def make(file, build_lang):
        return create_i18n_file(file, build_lang, default, languages, mkdocs_config)

    def locale_of(file) -> str:
        if file.src_uri not in locales:
            locales[file.src_uri] = make(file, default).locale
        return locales[file.src_uri]

    def first_in(candidates, locale):
        return next((file for file in candidates if locale_of(file) == locale), None)

    for build_lang in sorted(i18n.build_languages):
        for src_uri, i18n_file in src_uris.items():
            if build_lang in i18n_file.alternates:
                continue
            candidates = alternate_src_uris.get(src_uri, [])
            found = first_in(candidates, build_lang)
            if found is not None:
                i18n_file.alternates[build_lang] = make(found, build_lang)
            elif i18n.config.fallback_to_default is True:
                found = first_in(candidates, default)
                if found is not None:
                    i18n_file.alternates[build_lang] = make(found, build_lang)
                else:
                    alternate = make(i18n_file, build_lang)
                    if alternate.locale == default:
                        i18n_file.alternates[build_lang] = alternate
