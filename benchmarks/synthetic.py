"""A synthetic help center for the benchmark: N articles in L locales, in this site's layout.

Deterministic for a seed: the same call writes the same bytes. Every article has Microsoft
Learn front matter, about 600 words in ten sections with legacy heading anchors, internal
links with anchors, a table, an admonition and a list. Translations are stamped with the
real ``ms.openlocfilehash`` of the English file, except a few stale ones stamped with the
hash of an earlier revision; a few translations lost a link text in machine translation.
The text of a translation is a deterministic pseudo-translation of the English words (in
the locale's script), so pages have the sizes and characters of real ones.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ARTICLES_PER_CATEGORY = 20
SECTIONS = 10
STALE_EVERY = 17  # about 6% of translations are stale
EMPTY_LINK_EVERY = 41  # about 2.5% of translations have an empty link
EARLIER_REVISION = b"\n(an earlier revision)\n"  # what a stale translation's source had more
CONTENT_LOCALES = {
    "nb": "nb-NO",
    "da": "da-DK",
    "sv": "sv-SE",
    "fi": "fi-FI",
    "de": "de-DE",
    "ja": "ja-JP",
    "ar": "ar-SA",
    "en": "en-US",
}

TOPICS = (
    "licenses",
    "billing",
    "users",
    "domains",
    "security",
    "subscriptions",
    "groups",
    "devices",
    "compliance",
    "mailboxes",
    "teams",
    "sharepoint",
    "reports",
    "support",
    "setup",
    "partners",
)
VERBS = (
    "assign",
    "remove",
    "transfer",
    "renew",
    "cancel",
    "review",
    "configure",
    "reset",
    "restore",
    "export",
    "verify",
    "manage",
    "add",
    "change",
    "find",
    "block",
)
NOUNS = (
    "licenses",
    "subscriptions",
    "passwords",
    "domains",
    "mailboxes",
    "groups",
    "roles",
    "invoices",
    "devices",
    "policies",
    "reports",
    "tenants",
    "users",
    "payments",
    "alerts",
)
WORDS = (
    "admin",
    "center",
    "tenant",
    "organization",
    "license",
    "subscription",
    "user",
    "account",
    "billing",
    "payment",
    "invoice",
    "setting",
    "policy",
    "role",
    "group",
    "domain",
    "mailbox",
    "device",
    "report",
    "service",
    "product",
    "plan",
    "trial",
    "partner",
    "customer",
    "page",
    "list",
    "option",
    "value",
    "change",
    "review",
    "select",
    "choose",
    "open",
    "enter",
    "assign",
    "remove",
    "buy",
    "cancel",
    "renew",
    "the",
    "a",
    "to",
    "for",
    "your",
    "in",
    "on",
    "and",
    "or",
    "with",
    "from",
    "you",
    "can",
    "if",
    "when",
    "then",
    "after",
    "before",
    "must",
    "might",
    "each",
    "every",
    "only",
    "new",
    "other",
    "current",
    "same",
    "more",
    "less",
    "all",
    "some",
    "many",
    "this",
    "that",
    "it",
    "they",
    "we",
    "is",
    "are",
    "be",
    "have",
    "has",
    "get",
    "see",
    "use",
    "set",
    "make",
    "keep",
    "wait",
    "hours",
    "days",
    "month",
    "year",
    "time",
    "cost",
    "number",
    "name",
    "address",
    "email",
    "phone",
    "country",
    "region",
    "language",
)

# Letters used for the pseudo-translation into non-Latin scripts.
_SCRIPTS = {
    "ja": "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
}
_SUFFIXES = {
    "nb": ("en", "er", "et", ""),
    "da": ("en", "er", "et", "e"),
    "sv": ("en", "ar", "et", "a"),
    "fi": ("nen", "ssa", "lla", "a"),
    "de": ("en", "er", "ung", "e"),
}


@dataclass(frozen=True)
class Corpus:
    """What was written: counts the benchmark reports and divides by."""

    root: Path
    articles: int
    locales: tuple[str, ...]
    categories: int
    files: int
    stale: int
    empty_links: int


def generate(docs_dir: Path, articles: int, locales: Sequence[str], seed: int = 8) -> Corpus:
    """Write docs/<locale>/<category>/<article>.md (and a home page) for every locale."""
    if articles < 1:
        raise ValueError("articles must be at least 1")
    source, translations = locales[0], tuple(locales[1:])
    rng = random.Random(seed)
    plan = [_article_plan(index, articles, rng) for index in range(articles)]
    files = stale = empty = 0
    for index, article in enumerate(plan):
        english = _render(article, plan, source, None, rng_for(seed, index, source))
        data = english.encode("utf-8")
        _write(docs_dir / source / article.path, data)
        files += 1
        for locale in translations:
            is_stale = (index + len(locale)) % STALE_EVERY == 0
            has_empty = (index + 3 * len(locale)) % EMPTY_LINK_EVERY == 0
            recorded = hashlib.sha1(data + EARLIER_REVISION if is_stale else data).hexdigest()
            text = _render(article, plan, locale, recorded, rng_for(seed, index, source), has_empty)
            _write(docs_dir / locale / article.path, text.encode("utf-8"))
            files += 1
            stale += is_stale
            empty += has_empty
    categories = list(dict.fromkeys(a.category for a in plan))
    for locale in locales:
        _write(docs_dir / locale / "index.md", _home(plan, categories, locale).encode("utf-8"))
        files += 1
    return Corpus(docs_dir, articles, tuple(locales), len(categories), files, stale, empty)


def rng_for(seed: int, index: int, source: str) -> random.Random:
    """The random stream of one article: translations reuse the source's so they match it."""
    return random.Random(f"{seed}:{index}:{source}")


# ----------------------------------------------------------------------------
# Plan and rendering
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Article:
    index: int
    category: str
    slug: str
    title_words: tuple[str, ...]
    anchors: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"{self.category}/{self.slug}.md"


def _article_plan(index: int, total: int, rng: random.Random) -> _Article:
    number = index // ARTICLES_PER_CATEGORY
    category = TOPICS[number % len(TOPICS)] + (
        f"-{number // len(TOPICS) + 1}" if number >= len(TOPICS) else ""
    )
    verb, noun = VERBS[rng.randrange(len(VERBS))], NOUNS[rng.randrange(len(NOUNS))]
    anchors = tuple(f"{rng.choice(WORDS)}-{rng.choice(NOUNS)}-{k + 1}" for k in range(SECTIONS))
    return _Article(
        index, category, f"{verb}-{noun}-{index:05d}", (verb, noun, "in", "the", "admin", "center"), anchors
    )


def _render(
    article: _Article,
    plan: list[_Article],
    locale: str,
    recorded_hash: str | None,
    rng: random.Random,
    empty_link: bool = False,
) -> str:
    say = _translator(locale)
    title = _capital(" ".join(say(w) for w in article.title_words)) + f" ({article.index + 1})"
    lines = [
        "---",
        f"title: {title}",
        f"description: {_capital(_sentence(rng, say, 18))}",
        "ms.author: cmcatee",
        "author: cmcatee-MSFT",
        "manager: scotv",
        "ms.date: 08/13/2021",
        "ms.audience: Admin",
        "ms.topic: article",
        "ms.service: o365-administration",
        "localization_priority: Normal",
        "ms.collection: Adm_O365",
        "ms.custom:",
        f'- "{1500000 + article.index}"',
    ]
    if recorded_hash:
        lines += [
            f"ms.openlocfilehash: {recorded_hash}",
            "ms.translationtype: MT",
            f"ms.contentlocale: {CONTENT_LOCALES.get(locale, locale)}",
            "ms.lasthandoff: 11/25/2026",
            f'ms.locfileid: "{58000000 + article.index}"',
        ]
    lines += ["---", f'# <a name="{article.slug}"></a>{title}', "", _paragraph(rng, say, 40), ""]
    for k, anchor in enumerate(article.anchors):
        heading = _capital(_sentence(rng, say, 4).rstrip("."))
        lines += [f'## <a name="{anchor}"></a>{heading}', ""]
        target = plan[rng.randrange(len(plan))]
        link = _relative(article, target) + f"#{target.anchors[rng.randrange(SECTIONS)]}"
        link_text = "" if empty_link and k == 2 else _sentence(rng, say, 3).rstrip(".")
        lines += [_paragraph(rng, say, 22) + f" [{link_text}]({link}) " + _paragraph(rng, say, 18), ""]
        if k == 2:
            lines += [f"| {say('setting')} | {say('value')} | {say('role')} |", "|---|---|---|"]
            lines += [
                f"| {say(rng.choice(WORDS))} | {rng.randrange(1, 500)} | {say(rng.choice(NOUNS))} |"
                for _ in range(4)
            ] + [""]
        elif k == 4:
            lines += ["!!! note", f"    {_paragraph(rng, say, 16)}", ""]
        elif k == 6:
            lines += [f"- {_sentence(rng, say, 6)}" for _ in range(4)] + [""]
        elif k == 8:
            lines += [
                f"See [{say('admin')} {say('center')}](https://admin.microsoft.com/#/{article.slug}).",
                "",
            ]
    return "\n".join(lines) + "\n"


def _home(plan: list[_Article], categories: list[str], locale: str) -> str:
    say = _translator(locale)
    first = {}
    for article in plan:
        first.setdefault(article.category, article)
    lines = [
        "---",
        f"title: Microsoft 365 {say('admin')}",
        f"description: {_capital(say('admin'))} {say('center')}.",
        "ms.author: cmcatee",
        "author: cmcatee-MSFT",
        "ms.date: 11/25/2026",
        "ms.topic: overview",
        "ms.service: o365-administration",
        "ms.audience: Admin",
        "---",
        f"# Microsoft 365 {say('admin')}",
        "",
    ]
    lines += [f"- [{category}]({first[category].path})" for category in categories]
    return "\n".join(lines) + "\n"


def _relative(here: _Article, target: _Article) -> str:
    if here.category == target.category:
        return f"{target.slug}.md"
    return f"../{target.path}"


def _sentence(rng: random.Random, say, words: int) -> str:
    return " ".join(say(WORDS[rng.randrange(len(WORDS))]) for _ in range(words)) + "."


def _paragraph(rng: random.Random, say, words: int) -> str:
    sentences, left = [], words
    while left > 0:
        size = min(left, 6 + rng.randrange(8))
        sentences.append(_capital(_sentence(rng, say, size)))
        left -= size
    return " ".join(sentences)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


_TRANSLATORS: dict = {}


def _translator(locale: str):
    """A word-for-word pseudo-translation for a locale (identity for English)."""
    if locale not in _TRANSLATORS:
        cache: dict[str, str] = {}
        script, suffixes = _SCRIPTS.get(locale), _SUFFIXES.get(locale, ("",))

        def say(word: str) -> str:
            if word not in cache:
                digest = hashlib.blake2s(f"{locale}:{word}".encode(), digest_size=4).digest()
                if locale == "en":
                    cache[word] = word
                elif script:
                    cache[word] = "".join(
                        script[(b + ord(c)) % len(script)] for b, c in zip(digest * 4, word)
                    )
                else:
                    cache[word] = (
                        word.replace("c", "k").replace("th", "t") + suffixes[digest[0] % len(suffixes)]
                    )
            return cache[word]

        _TRANSLATORS[locale] = say
    return _TRANSLATORS[locale]


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# ----------------------------------------------------------------------------
# One large reference page
# ----------------------------------------------------------------------------

LARGE_PAGE_EMPTY_EVERY = 10  # one link in ten has lost its text
LARGE_PAGE_SECTIONS = ("table", "list", "paragraphs")


def large_page(links: int, seed: int = 8) -> str:
    """A reference page body with ``links`` links in a permissions table, a bulleted list
    and paragraphs (a third each), every ``LARGE_PAGE_EMPTY_EVERY``-th without text; about
    50 characters per link, as in Microsoft's long reference articles."""
    rng = random.Random(seed)
    parts = ["# Permissions reference\n\n"]
    written = 0

    def link() -> str:
        nonlocal written
        text = "" if written % LARGE_PAGE_EMPTY_EVERY == 0 else rng.choice(NOUNS).capitalize()
        written += 1
        return f"[{text}](https://learn.microsoft.com/m365/{written})"

    for index, section in enumerate(LARGE_PAGE_SECTIONS):
        share = links // len(LARGE_PAGE_SECTIONS) + (index < links % len(LARGE_PAGE_SECTIONS))
        parts.append(f"## {section.capitalize()}\n\n")
        if section == "table":
            parts.append("| Permission | Scope | Article |\n|---|---|---|\n")
            parts.extend(
                f"| {rng.choice(VERBS)} | `{rng.choice(WORDS)}` | {link()} |\n" for _ in range(share)
            )
        elif section == "list":
            parts.extend(f"- {rng.choice(VERBS)} {link()}\n" for _ in range(share))
        else:
            while share > 0:
                count = min(share, rng.randint(1, 8))
                share -= count
                parts.append(" ".join(f"*{rng.choice(WORDS)}* {link()}" for _ in range(count)) + ".\n\n")
        parts.append("\n")
    return "".join(parts)
