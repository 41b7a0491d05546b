"""The metadata schema and its check: every rule and field constraint, failing and passing.

Each case edits one line of a valid fixture page (tests/fixtures/metadata/) and asserts the
exact findings: rule, line, column, severity, message and suggestion.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import ARTICLE, ROOT, SEED, build_env, copy_site, mkdocs_build, pin_today
from jsonschema import Draft202012Validator

from helpsite import cli
from helpsite.core.site import load_site
from helpsite.linting import catalogue, checks, metadata, metadata_doc
from helpsite.text import page as pages

SITE = load_site(ROOT)
FIXTURES = Path(__file__).parent / "fixtures" / "metadata"
SOURCE = (FIXTURES / "source.md").read_text(encoding="utf-8")  # an en page
TRANSLATION = (FIXTURES / "translation.md").read_text(encoding="utf-8")  # an nb page
TOPICS = [
    "article",
    "conceptual",
    "overview",
    "quickstart",
    "how-to",
    "tutorial",
    "reference",
    "troubleshooting",
    "sample",
    "get-started-article",
    "contributor-guide",
]
TODAY = date.today()
IN_31_DAYS = (TODAY + timedelta(days=31)).strftime("%m/%d/%Y")
IN_30_DAYS = (TODAY + timedelta(days=30)).strftime("%m/%d/%Y")


@pytest.fixture(autouse=True)
def _one_today(monkeypatch):
    # The dates above are written when the tests are collected; the checker reads "today" when a
    # test runs, which may be after midnight.
    pin_today(monkeypatch, metadata, TODAY)


def findings(text: str, locale: str | None = "en") -> list[tuple]:
    page = pages.load(text.encode("utf-8"), "page.md", locale, "page.md")
    return [
        (f.rule, f.line, f.column, f.severity, f.message, f.suggestion) for f in checks.check_page(page, SITE)
    ]


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_the_fixtures_are_valid():
    assert findings(SOURCE, "en") == []
    assert findings(TRANSLATION, "nb") == []


# ----------------------------------------------------------------------------
# Failing cases: (page, locale, line to replace, replacement, expected findings)
# ----------------------------------------------------------------------------

E, W = "error", "warning"
FAILING = {
    # required keys; an empty value counts as missing and points at the key
    "title missing": (
        SOURCE,
        "en",
        "title: Transfer licenses between tenants\n",
        "",
        [
            (
                "meta-missing",
                1,
                1,
                E,
                "title is missing: add a line 'title: Transfer licenses between tenants'",
                None,
            )
        ],
    ),
    "title blank": (
        SOURCE,
        "en",
        "title: Transfer licenses between tenants",
        "title: '  '",
        [
            (
                "meta-missing",
                2,
                1,
                E,
                "title is empty: write a value, e.g. 'title: Transfer licenses between tenants'",
                None,
            )
        ],
    ),
    "title a list": (
        SOURCE,
        "en",
        "title: Transfer licenses between tenants",
        "title: [a, b]",
        [("meta-invalid", 2, 1, E, "title must be text, not a list", None)],
    ),
    "title a number": (
        SOURCE,
        "en",
        "title: Transfer licenses between tenants",
        "title: 42",
        [("meta-invalid", 2, 1, E, "title must be text, not 42", None)],
    ),
    "description missing": (
        SOURCE,
        "en",
        SOURCE.splitlines()[2] + "\n",
        "",
        [
            (
                "meta-missing",
                1,
                1,
                E,
                "description is missing: add a line 'description: What the page answers, "
                "in one or two sentences of 75 to 300 characters.'",
                None,
            )
        ],
    ),
    "description short": (
        SOURCE,
        "en",
        SOURCE.splitlines()[2],
        "description: " + "x" * 74,
        [
            (
                "meta-invalid",
                3,
                1,
                W,
                "description is 74 characters long: search results need 75 to 300, "
                "so say a little more about what the page answers",
                None,
            )
        ],
    ),
    "description long": (
        SOURCE,
        "en",
        SOURCE.splitlines()[2],
        "description: " + "x" * 301,
        [
            (
                "meta-invalid",
                3,
                1,
                W,
                "description is 301 characters long: search results cut it after 300, so shorten it",
                None,
            )
        ],
    ),
    "author missing": (
        SOURCE,
        "en",
        "author: cmcatee-MSFT\n",
        "",
        [("meta-missing", 1, 1, E, "author is missing: add a line 'author: cmcatee-MSFT'", None)],
    ),
    "ms.author missing": (
        SOURCE,
        "en",
        "ms.author: cmcatee\n",
        "",
        [("meta-missing", 1, 1, E, "ms.author is missing: add a line 'ms.author: cmcatee'", None)],
    ),
    "ms.author an e-mail address": (
        SOURCE,
        "en",
        "ms.author: cmcatee",
        "ms.author: cmcatee@microsoft.com",
        [
            (
                "meta-invalid",
                4,
                1,
                E,
                "ms.author must be an alias, not an e-mail address ('cmcatee@microsoft.com'): write cmcatee",
                "cmcatee",
            )
        ],
    ),
    "ms.date missing": (
        SOURCE,
        "en",
        "ms.date: 08/13/2021\n",
        "",
        [("meta-missing", 1, 1, E, "ms.date is missing: add a line 'ms.date: 08/13/2021'", None)],
    ),
    "ms.date empty text": (
        SOURCE,
        "en",
        "ms.date: 08/13/2021",
        "ms.date: ''",
        [("meta-missing", 7, 1, E, "ms.date is empty: write a value, e.g. 'ms.date: 08/13/2021'", None)],
    ),
    "ms.date nothing": (
        SOURCE,
        "en",
        "ms.date: 08/13/2021",
        "ms.date:",
        [("meta-missing", 7, 1, E, "ms.date is empty: write a value, e.g. 'ms.date: 08/13/2021'", None)],
    ),
    "ms.date ISO": (
        SOURCE,
        "en",
        "ms.date: 08/13/2021",
        "ms.date: 2021-08-13",
        [
            (
                "meta-invalid",
                7,
                1,
                E,
                "ms.date must be a date written MM/DD/YYYY (month first), not '2021-08-13': write 08/13/2021",
                "08/13/2021",
            )
        ],
    ),
    "ms.date day first": (
        SOURCE,
        "en",
        "ms.date: 08/13/2021",
        "ms.date: 13/08/2021",
        [
            (
                "meta-invalid",
                7,
                1,
                E,
                "ms.date is '13/08/2021', which is not a date in the calendar "
                "(MM/DD/YYYY, month first): write 08/13/2021",
                "08/13/2021",
            )
        ],
    ),
    "ms.date no such day": (
        SOURCE,
        "en",
        "ms.date: 08/13/2021",
        "ms.date: 2/29/2021",
        [
            (
                "meta-invalid",
                7,
                1,
                E,
                "ms.date is '2/29/2021', which is not a date in the calendar (MM/DD/YYYY, month first)",
                None,
            )
        ],
    ),
    "ms.date two-digit year": (
        SOURCE,
        "en",
        "ms.date: 08/13/2021",
        "ms.date: 08/13/21",
        [
            (
                "meta-invalid",
                7,
                1,
                E,
                "ms.date must be a date written MM/DD/YYYY (month first), not '08/13/21'",
                None,
            )
        ],
    ),
    "ms.date a number": (
        SOURCE,
        "en",
        "ms.date: 08/13/2021",
        "ms.date: 20210813",
        [("meta-invalid", 7, 1, E, "ms.date must be a date written MM/DD/YYYY, not 20210813", None)],
    ),
    "ms.date 31 days ahead": (
        SOURCE,
        "en",
        "ms.date: 08/13/2021",
        f"ms.date: {IN_31_DAYS}",
        [
            (
                "meta-invalid",
                7,
                1,
                E,
                f"ms.date is '{IN_31_DAYS}', more than 30 days from today: "
                "write the date the page was last reviewed",
                None,
            )
        ],
    ),
    "ms.topic missing": (
        SOURCE,
        "en",
        "ms.topic: article\n",
        "",
        [("meta-missing", 1, 1, E, "ms.topic is missing: add a line 'ms.topic: article'", None)],
    ),
    "ms.topic wrong case": (
        SOURCE,
        "en",
        "ms.topic: article",
        "ms.topic: Article",
        [
            (
                "meta-invalid",
                10,
                1,
                E,
                f"ms.topic must be one of {', '.join(TOPICS)}, not 'Article': write article",
                "article",
            )
        ],
    ),
    "ms.topic not listed": (
        SOURCE,
        "en",
        "ms.topic: article",
        "ms.topic: blog",
        [("meta-invalid", 10, 1, E, f"ms.topic must be one of {', '.join(TOPICS)}, not 'blog'", None)],
    ),
    "ms.service missing": (
        SOURCE,
        "en",
        "ms.service: o365-administration\n",
        "",
        [
            (
                "meta-missing",
                1,
                1,
                E,
                "ms.service is missing: add a line 'ms.service: o365-administration'",
                None,
            ),
            (
                "meta-missing",
                11,
                1,
                E,
                "ms.subservice is only valid together with ms.service: add ms.service "
                "or remove ms.subservice",
                None,
            ),
        ],
    ),
    "ms.prod with ms.service": (
        SOURCE,
        "en",
        "ms.subservice: m365-commerce",
        "ms.prod: office365",
        [
            (
                "meta-invalid",
                12,
                1,
                E,
                "ms.prod is the legacy form of ms.service, which this page has: remove ms.prod",
                None,
            )
        ],
    ),
    "manager not text": (
        SOURCE,
        "en",
        "manager: scotv",
        "manager: [scotv]",
        [("meta-invalid", 6, 1, E, "manager must be text, not a list", None)],
    ),
    "ms.reviewer not text": (
        SOURCE,
        "en",
        "ms.reviewer: shegu, nicholak",
        "ms.reviewer: {shegu: 1}",
        [("meta-invalid", 8, 1, E, "ms.reviewer must be text, not key: value pairs", None)],
    ),
    "ms.audience not listed": (
        SOURCE,
        "en",
        "ms.audience: Admin",
        "ms.audience: admins",
        [
            (
                "meta-invalid",
                9,
                1,
                E,
                "ms.audience must be one of Admin, ITPro, Developer, EndUser, not 'admins': write Admin",
                "Admin",
            )
        ],
    ),
    "ROBOTS lower case": (
        SOURCE,
        "en",
        "ROBOTS: NOINDEX, NOFOLLOW",
        "ROBOTS: noindex, nofollow",
        [
            (
                "meta-invalid",
                13,
                1,
                E,
                "ROBOTS takes comma-separated tokens from NOINDEX, NOFOLLOW, INDEX, FOLLOW, "
                "NONE, not 'noindex, nofollow': write NOINDEX, NOFOLLOW",
                "NOINDEX, NOFOLLOW",
            )
        ],
    ),
    "ROBOTS empty token": (
        SOURCE,
        "en",
        "ROBOTS: NOINDEX, NOFOLLOW",
        "ROBOTS: NOINDEX,",
        [
            (
                "meta-invalid",
                13,
                1,
                E,
                "ROBOTS takes comma-separated tokens from NOINDEX, NOFOLLOW, INDEX, FOLLOW, "
                "NONE, not 'NOINDEX,': write NOINDEX",
                "NOINDEX",
            )
        ],
    ),
    "ROBOTS unknown token": (
        SOURCE,
        "en",
        "ROBOTS: NOINDEX, NOFOLLOW",
        "ROBOTS: NOARCHIVE",
        [
            (
                "meta-invalid",
                13,
                1,
                E,
                "ROBOTS takes comma-separated tokens from NOINDEX, NOFOLLOW, INDEX, FOLLOW, "
                "NONE, not 'NOARCHIVE'",
                None,
            )
        ],
    ),
    "localization_priority not listed": (
        SOURCE,
        "en",
        "localization_priority: Priority",
        "localization_priority: High",
        [
            (
                "meta-invalid",
                14,
                1,
                E,
                "localization_priority must be one of Priority, Normal, Critical, Once, not 'High'",
                None,
            )
        ],
    ),
    "ms.localizationpriority wrong case": (
        SOURCE,
        "en",
        "ms.localizationpriority: medium",
        "ms.localizationpriority: Medium",
        [
            (
                "meta-invalid",
                15,
                1,
                E,
                "ms.localizationpriority must be one of high, medium, low, not 'Medium': write medium",
                "medium",
            )
        ],
    ),
    "ms.collection number item": (
        SOURCE,
        "en",
        "- Adm_O365",
        "- 12",
        [
            (
                "meta-invalid",
                17,
                3,
                E,
                "each item of ms.collection must be text, not 12: put it in quotes",
                None,
            )
        ],
    ),
    "ms.collection a number": (
        TRANSLATION,
        "nb",
        "ms.collection: Adm_O365",
        "ms.collection: 12",
        [("meta-invalid", 14, 1, E, "ms.collection must be text or a list of text, not 12", None)],
    ),
    "ms.custom list item": (
        SOURCE,
        "en",
        "- 4689",
        "- [4689]",
        [("meta-invalid", 22, 3, E, "each item of ms.custom must be text or a number, not a list", None)],
    ),
    "ms.custom a lone number": (
        TRANSLATION,
        "nb",
        'ms.custom:\n- commerce_licensing\n- "1500021"\n- "4689"',
        "ms.custom: 4689",
        [
            (
                "meta-invalid",
                15,
                1,
                E,
                "ms.custom must be text or a list, not 4689: put a single number in quotes",
                None,
            )
        ],
    ),
    "no-loc key: value pairs": (
        SOURCE,
        "en",
        "no-loc: [Microsoft 365, tenant]",
        "no-loc: {a: 1}",
        [("meta-invalid", 23, 1, E, "no-loc must be text or a list of text, not key: value pairs", None)],
    ),
    "no-loc a true/false": (
        SOURCE,
        "en",
        "no-loc: [Microsoft 365, tenant]",
        "no-loc: [yes]",
        [("meta-invalid", 23, 10, E, "each item of no-loc must be text, not true: put it in quotes", None)],
    ),
    # keys are case-sensitive; an unknown key suggests the nearest known one
    "ms.autor": (
        SOURCE,
        "en",
        "ms.author: cmcatee",
        "ms.autor: cmcatee",
        [
            ("meta-missing", 1, 1, E, "ms.author is missing: add a line 'ms.author: cmcatee'", None),
            (
                "meta-unknown",
                4,
                1,
                W,
                "ms.autor is not a known metadata key (keys are case-sensitive): did you mean ms.author?",
                "ms.author",
            ),
        ],
    ),
    "MS.Date": (
        SOURCE,
        "en",
        "ms.date: 08/13/2021",
        "MS.Date: 08/13/2021",
        [
            ("meta-missing", 1, 1, E, "ms.date is missing: add a line 'ms.date: 08/13/2021'", None),
            (
                "meta-unknown",
                7,
                1,
                W,
                "MS.Date is not a known metadata key (keys are case-sensitive): did you mean ms.date?",
                "ms.date",
            ),
        ],
    ),
    "robots": (
        SOURCE,
        "en",
        "ROBOTS: NOINDEX, NOFOLLOW",
        "robots: NOINDEX, NOFOLLOW",
        [
            (
                "meta-unknown",
                13,
                1,
                W,
                "robots is not a known metadata key (keys are case-sensitive): did you mean ROBOTS?",
                "ROBOTS",
            )
        ],
    ),
    "unknown key, nothing near": (
        SOURCE,
        "en",
        "manager: scotv",
        "manager: scotv\nms.assetid: 7a3b",
        [("meta-unknown", 7, 1, W, "ms.assetid is not a known metadata key (keys are case-sensitive)", None)],
    ),
    "unknown key with an empty value": (
        SOURCE,
        "en",
        "manager: scotv",
        "manager: scotv\nf1.keywords:",
        [
            (
                "meta-unknown",
                7,
                1,
                W,
                "f1.keywords is not a known metadata key (keys are case-sensitive)",
                None,
            )
        ],
    ),
    "keys that are not text": (
        SOURCE,
        "en",
        "manager: scotv",
        "manager: scotv\n123: x\nnull: y",
        [
            ("meta-unknown", 7, 1, W, "123 is not a known metadata key (keys are case-sensitive)", None),
            ("meta-unknown", 8, 1, W, "null is not a known metadata key (keys are case-sensitive)", None),
        ],
    ),
    # translations
    "ms.contentlocale missing": (
        TRANSLATION,
        "nb",
        "ms.contentlocale: nb-NO\n",
        "",
        [
            (
                "meta-missing",
                1,
                1,
                E,
                "ms.contentlocale is missing: add a line 'ms.contentlocale: nb-NO'",
                None,
            )
        ],
    ),
    "ms.contentlocale of another language": (
        TRANSLATION,
        "nb",
        "ms.contentlocale: nb-NO",
        "ms.contentlocale: sv-SE",
        [
            (
                "locale-mismatch",
                22,
                1,
                E,
                "ms.contentlocale is 'sv-SE', but the page is in the 'nb' locale folder: "
                "write a language tag that starts with nb, or move the page",
                None,
            )
        ],
    ),
    "ms.contentlocale with an underscore": (
        TRANSLATION,
        "nb",
        "ms.contentlocale: nb-NO",
        "ms.contentlocale: nb_NO",
        [
            (
                "meta-invalid",
                22,
                1,
                E,
                "ms.contentlocale must be a language tag such as nb-NO, not 'nb_NO': write nb-NO",
                "nb-NO",
            )
        ],
    ),
    "ms.translationtype missing": (
        TRANSLATION,
        "nb",
        "ms.translationtype: MT\n",
        "",
        [
            (
                "meta-missing",
                1,
                1,
                E,
                "ms.translationtype is missing: add a line 'ms.translationtype: MT'",
                None,
            )
        ],
    ),
    "ms.translationtype lower case": (
        TRANSLATION,
        "nb",
        "ms.translationtype: MT",
        "ms.translationtype: mt",
        [("meta-invalid", 21, 1, E, "ms.translationtype must be one of MT, HT, not 'mt': write MT", "MT")],
    ),
    "ms.openlocfilehash short": (
        TRANSLATION,
        "nb",
        "ms.openlocfilehash: 696826bffab9e3206f5a32735a7fd41e264545a8",
        "ms.openlocfilehash: 696826bf",
        [
            (
                "meta-invalid",
                19,
                1,
                E,
                "ms.openlocfilehash must be 40 or 64 hexadecimal digits, not '696826bf'",
                None,
            )
        ],
    ),
    "ms.openlocfilehash 41 digits": (
        TRANSLATION,
        "nb",
        "ms.openlocfilehash: 696826bffab9e3206f5a32735a7fd41e264545a8",
        "ms.openlocfilehash: 696826bffab9e3206f5a32735a7fd41e264545a80",
        [
            (
                "meta-invalid",
                19,
                1,
                E,
                "ms.openlocfilehash must be 40 or 64 hexadecimal digits, "
                "not '696826bffab9e3206f5a32735a7fd41e264545a80'",
                None,
            )
        ],
    ),
    "ms.sourcegitcommit not hex": (
        TRANSLATION,
        "nb",
        "ms.sourcegitcommit: ab75f66355116e995b3cb5505465b31989339e28",
        "ms.sourcegitcommit: zb75f66355116e995b3cb5505465b31989339e28",
        [
            (
                "meta-invalid",
                20,
                1,
                E,
                "ms.sourcegitcommit must be a Git commit id, 40 hexadecimal digits, "
                "not 'zb75f66355116e995b3cb5505465b31989339e28'",
                None,
            )
        ],
    ),
    "ms.lasthandoff ISO with a time": (
        TRANSLATION,
        "nb",
        "ms.lasthandoff: 08/13/2021",
        "ms.lasthandoff: 2021-08-13T10:00:00Z",
        [
            (
                "meta-invalid",
                23,
                1,
                E,
                "ms.lasthandoff must be a date written MM/DD/YYYY (month first), "
                "not '2021-08-13T10:00:00Z': write 08/13/2021",
                "08/13/2021",
            )
        ],
    ),
    "ms.locfileid not digits": (
        TRANSLATION,
        "nb",
        'ms.locfileid: "58316113"',
        'ms.locfileid: "5831-6113"',
        [("meta-invalid", 24, 1, E, "ms.locfileid must be digits, not '5831-6113'", None)],
    ),
    "ms.locfileid negative": (
        TRANSLATION,
        "nb",
        'ms.locfileid: "58316113"',
        "ms.locfileid: -5",
        [("meta-invalid", 24, 1, E, "ms.locfileid must be digits, not -5", None)],
    ),
}


@pytest.mark.parametrize("case", FAILING)
def test_failing(case):
    page, locale, old, new, expected = FAILING[case]
    assert findings(edited(page, old, new), locale) == expected


@pytest.mark.parametrize("case", FAILING)
def test_split_validation_finds_what_the_whole_schema_finds(case):
    page, locale, old, new, _ = FAILING[case]
    loaded = pages.load(edited(page, old, new).encode(), "page.md", locale, "page.md")
    document, _ = metadata.metadata_document(loaded, SITE)
    whole = sorted((tuple(e.absolute_path)[1:], e.message) for e in metadata.VALIDATOR.iter_errors(document))
    split = sorted((path, e.message) for path, e in metadata.schema_errors(document))
    assert split == whole


# ----------------------------------------------------------------------------
# Passing cases: the same keys with other allowed values
# ----------------------------------------------------------------------------

PASSING = {
    "one-digit month and day": (SOURCE, "en", "ms.date: 08/13/2021", "ms.date: 8/3/2021"),
    "ms.date 30 days ahead": (SOURCE, "en", "ms.date: 08/13/2021", f"ms.date: {IN_30_DAYS}"),
    "ms.date leap day": (SOURCE, "en", "ms.date: 08/13/2021", "ms.date: 02/29/2024"),
    "ms.date quoted": (SOURCE, "en", "ms.date: 08/13/2021", 'ms.date: "08/13/2021"'),
    "description 75 characters": (SOURCE, "en", SOURCE.splitlines()[2], "description: " + "x" * 75),
    "description 300 characters": (SOURCE, "en", SOURCE.splitlines()[2], "description: " + "x" * 300),
    "ROBOTS one token": (SOURCE, "en", "ROBOTS: NOINDEX, NOFOLLOW", "ROBOTS: NONE"),
    "ROBOTS no spaces": (SOURCE, "en", "ROBOTS: NOINDEX, NOFOLLOW", "ROBOTS: INDEX,FOLLOW"),
    "ms.collection text": (
        SOURCE,
        "en",
        "ms.collection:\n- Adm_O365\n- M365-subscription-management",
        "ms.collection: Adm_O365",
    ),
    "ms.custom text": (
        SOURCE,
        "en",
        'ms.custom:\n- commerce_licensing\n- "1500021"\n- 4689',
        "ms.custom: commerce_licensing",
    ),
    "no-loc text": (SOURCE, "en", "no-loc: [Microsoft 365, tenant]", "no-loc: Microsoft 365"),
    "empty optional keys": (TRANSLATION, "nb", "manager: scotv", "manager: ''\nms.subservice:\nno-loc: []"),
    "HT": (TRANSLATION, "nb", "ms.translationtype: MT", "ms.translationtype: HT"),
    "SHA-256": (
        TRANSLATION,
        "nb",
        "ms.openlocfilehash: 696826bffab9e3206f5a32735a7fd41e264545a8",
        "ms.openlocfilehash: " + "a1" * 32,
    ),
    "ms.locfileid a number": (TRANSLATION, "nb", 'ms.locfileid: "58316113"', "ms.locfileid: 58316113"),
    "ms.contentlocale of the language only": (
        TRANSLATION,
        "nb",
        "ms.contentlocale: nb-NO",
        "ms.contentlocale: nb",
    ),
    "source page without translation keys": (TRANSLATION, "en", "ms.contentlocale: nb-NO\n", ""),
    "no locale known": (TRANSLATION, None, "ms.contentlocale: nb-NO\nms.lasthandoff", "ms.lasthandoff"),
}


@pytest.mark.parametrize("case", PASSING)
def test_passing(case):
    page, locale, old, new = PASSING[case]
    assert findings(edited(page, old, new), locale) == []


@pytest.mark.parametrize("value", TOPICS)
def test_every_listed_topic_passes(value):
    assert findings(edited(SOURCE, "ms.topic: article", f"ms.topic: {value}")) == []


@pytest.mark.parametrize(
    "key, values",
    [
        ("ms.audience", ["Admin", "ITPro", "Developer", "EndUser"]),
        ("localization_priority", ["Priority", "Normal", "Critical", "Once"]),
        ("ms.localizationpriority", ["high", "medium", "low"]),
        ("ms.translationtype", ["MT", "HT"]),
    ],
)
def test_allow_lists_are_the_issues(key, values):
    assert metadata.METADATA["properties"][key]["enum"] == values
    without = re.sub(rf"^{re.escape(key)}: .*\n", "", TRANSLATION, flags=re.M)
    for value in values:
        assert (
            findings(edited(without, "ms.topic: article\n", f"ms.topic: article\n{key}: {value}\n"), "nb")
            == []
        )


def test_topic_allow_list_is_the_issues():
    assert metadata.METADATA["properties"]["ms.topic"]["enum"] == TOPICS


def test_required_keys_are_the_issues():
    assert metadata.METADATA["required"] == [
        "title",
        "description",
        "author",
        "ms.author",
        "ms.date",
        "ms.topic",
        "ms.service",
    ]
    assert metadata.SCHEMA["$defs"]["translation"]["required"] == ["ms.contentlocale", "ms.translationtype"]


def test_a_page_without_front_matter_misses_every_required_key():
    assert [f[:4] + (f[4].split(":")[0],) for f in findings("# Title\n\nText.\n", "nb")] == [
        ("meta-missing", 1, 1, E, key + " is missing")
        for key in sorted(
            [
                "author",
                "description",
                "ms.author",
                "ms.contentlocale",
                "ms.date",
                "ms.service",
                "ms.topic",
                "ms.translationtype",
                "title",
            ]
        )
    ]


def test_metadata_checks_wait_for_valid_yaml():
    assert findings(edited(SOURCE, "manager: scotv", "manager: scotv\nmanager: someone")) == [
        ("yaml-invalid", 7, 1, E, "duplicate key 'manager' (first on line 6): keep one of them", None)
    ]


def test_an_iso_date_stays_the_text_that_was_written():
    page = pages.load(edited(SOURCE, "ms.date: 08/13/2021", "ms.date: 2021-08-13").encode(), "p.md", "en")
    assert page.meta["ms.date"] == "2021-08-13"


def test_remembered_errors_are_forgotten_the_next_day(monkeypatch):
    text = edited(SOURCE, "ms.date: 08/13/2021", "ms.date: 12/31/2030")

    class Day(date):
        today_is = date(2030, 12, 1)

        @classmethod
        def today(cls):
            return cls.today_is

    monkeypatch.setattr(metadata, "date", Day)
    assert findings(text) == []
    Day.today_is = date(2030, 11, 30)
    assert findings(text) == [
        (
            "meta-invalid",
            7,
            1,
            E,
            "ms.date is '12/31/2030', more than 30 days from today: "
            "write the date the page was last reviewed",
            None,
        )
    ]


def test_a_shape_is_remembered_by_every_value_it_reads():
    shape = metadata._shape_schema(metadata.SCHEMA)
    shape["$defs"]["metadata"].update(
        {"if": {"properties": {"ms.topic": {"const": "tutorial"}}}, "then": {"required": ["ms.reviewer"]}}
    )
    read = metadata._values_read_by(shape)
    assert {"ms.topic", "ms.contentlocale", "ms.prod"} <= set(read)
    assert not {"title", "ms.date", "ms.custom"} & set(read)


def test_the_seed_gives_its_known_metadata_findings():
    assert SEED.is_file(), SEED
    found = [
        (f.rule, f.line, f.column, f.severity, f.message)
        for f in checks.check_file(SEED, SITE, "nb")
        if "front-matter" in catalogue.get(f.rule).tags
    ]
    assert found == [
        (
            "meta-missing",
            1,
            1,
            E,
            "description is missing: add a line 'description: What the page answers, "
            "in one or two sentences of 75 to 300 characters.'",
        ),
        ("meta-missing", 6, 1, E, "ms.date is empty: write a value, e.g. 'ms.date: 08/13/2021'"),
    ]


# ----------------------------------------------------------------------------
# The schema file itself
# ----------------------------------------------------------------------------


def test_the_schema_is_valid_json_schema():
    Draft202012Validator.check_schema(metadata.SCHEMA)


def _annotations(schema, name):
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == name:
                yield from (value.values() if isinstance(value, dict) else [value])
            elif not key.startswith("x-"):
                yield from _annotations(value, name)
    elif isinstance(schema, list):
        for item in schema:
            yield from _annotations(item, name)


def test_the_schema_names_only_defined_rules_and_severities():
    named = set(_annotations(metadata.SCHEMA, "x-rule")) | set(metadata.DEFAULTS["rule"].values())
    assert named == {"meta-missing", "meta-invalid", "meta-unknown", "locale-mismatch"}
    assert named <= {rule.id for rule in catalogue.all_rules()}
    assert set(_annotations(metadata.SCHEMA, "x-severity")) == {"warning"}


def test_every_message_template_can_be_filled():
    fields = dict.fromkeys(
        ["key", "value", "example", "allowed", "expected", "limit", "length", "missing", "locale", "hint"],
        "x",
    )
    templates = list(_annotations(metadata.SCHEMA, "x-message")) + list(metadata.DEFAULTS["message"].values())
    assert len(templates) > 20
    for template in templates:
        assert template.format_map(fields)


def test_the_writers_page_is_generated_from_the_schema():
    committed = (ROOT / "METADATA.md").read_text(encoding="utf-8")
    assert committed == metadata_doc.markdown(), "run: python -m helpsite schema-doc > METADATA.md"
    for key in metadata.KNOWN_KEYS:
        assert f"| `{key}` |" in committed
    assert "| `meta-unknown` | warning |" in committed
    assert "`NOINDEX`, `NOFOLLOW`, `INDEX`, `FOLLOW`, `NONE`" in committed


def test_the_readme_links_the_writers_page():
    assert "[METADATA.md](METADATA.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------
# The command line
# ----------------------------------------------------------------------------


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(["--root", str(ROOT), *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def outside(tmp_path) -> Path:
    """Pages outside the repository: one clean, one with a warning, one with errors."""
    (tmp_path / "clean.md").write_text(TRANSLATION, encoding="utf-8")
    (tmp_path / "warning.md").write_text(
        edited(TRANSLATION, "manager: scotv", "managr: scotv"), encoding="utf-8"
    )
    (tmp_path / "zz-errors.md").write_text(
        edited(
            edited(TRANSLATION, "ms.date: 8/3/2021", "ms.date: 2021-08-03"),
            "ms.contentlocale: nb-NO",
            "ms.contentlocale: da-DK",
        ),
        encoding="utf-8",
    )
    return tmp_path


def test_cli_text_output_and_exit_status(capsys, outside):
    status, out, err = run_cli(capsys, "check", "--locale", "nb", str(outside))
    assert (status, err) == (1, "")
    assert out.splitlines() == [
        f"{outside}/warning.md:6:1: warning meta-unknown: managr is not a known metadata key "
        "(keys are case-sensitive): did you mean manager?",
        f"{outside}/zz-errors.md:7:1: error meta-invalid: ms.date must be a date written MM/DD/YYYY "
        "(month first), not '2021-08-03': write 08/03/2021",
        f"{outside}/zz-errors.md:22:1: error locale-mismatch: ms.contentlocale is 'da-DK', but the page is in "
        "the 'nb' locale folder: write a language tag that starts with nb, or move the page",
    ]


def test_cli_json_output(capsys, outside):
    status, out, _ = run_cli(
        capsys,
        "check",
        "--format",
        "json",
        "--locale",
        "nb",
        str(outside / "zz-errors.md"),
        str(outside / "warning.md"),
    )
    assert status == 1
    assert json.loads(out) == [
        {
            "path": f"{outside}/zz-errors.md",
            "line": 7,
            "column": 1,
            "rule": "meta-invalid",
            "severity": "error",
            "message": "ms.date must be a date written MM/DD/YYYY (month first), not '2021-08-03': write 08/03/2021",
            "suggestion": "08/03/2021",
        },
        {
            "path": f"{outside}/zz-errors.md",
            "line": 22,
            "column": 1,
            "rule": "locale-mismatch",
            "severity": "error",
            "message": "ms.contentlocale is 'da-DK', but the page is in the 'nb' locale folder: "
            "write a language tag that starts with nb, or move the page",
        },
        {
            "path": f"{outside}/warning.md",
            "line": 6,
            "column": 1,
            "rule": "meta-unknown",
            "severity": "warning",
            "message": "managr is not a known metadata key (keys are case-sensitive): did you mean manager?",
            "suggestion": "manager",
        },
    ]


def test_cli_warnings_alone_exit_0(capsys, outside):
    status, out, _ = run_cli(
        capsys, "check", "--locale", "nb", str(outside / "warning.md"), str(outside / "clean.md")
    )
    assert status == 0
    assert len(out.splitlines()) == 1
    assert run_cli(capsys, "check", "--format", "json", str(outside / "clean.md")) == (0, "[]\n", "")


def test_cli_locale_decides_what_a_translation_needs(capsys, outside):
    page = outside / "bare.md"
    page.write_text(edited(TRANSLATION, "ms.translationtype: MT\n", ""), encoding="utf-8")
    assert run_cli(capsys, "check", str(page)) == (0, "", "")  # no locale: read as a source page
    status, out, _ = run_cli(capsys, "check", "--locale", "nb", str(page))
    assert (status, out) == (
        1,
        f"{page}:1:1: error meta-missing: ms.translationtype is missing: "
        "add a line 'ms.translationtype: MT'\n",
    )


def test_cli_usage_and_io_problems_exit_2(capsys, outside):
    status, _, err = run_cli(capsys, "check", str(outside / "nowhere.md"))
    assert (status, err) == (2, f"{outside}/nowhere.md: no such file or folder\n")
    status, _, err = run_cli(capsys, "check", "--locale", "xx", str(outside))
    assert status == 2 and err.startswith("--locale xx: not one of the site's locales")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["check", "--format", "xml"])
    assert exit_.value.code == 2
    (outside / "gone.md").symlink_to(outside / "nowhere.md")
    status, out, _ = run_cli(capsys, "check", str(outside / "gone.md"))
    assert (status, out) == (
        2,
        f"{outside}/gone.md:1:1: error io-error: cannot read the file: "
        f"it is a symbolic link to {outside}/nowhere.md, which does not exist\n",
    )


def test_cli_finds_the_locale_from_the_docs_folder(capsys, tmp_path):
    project = copy_site(tmp_path / "project")
    index = project / "docs" / "da" / "index.md"
    index.write_text(
        edited(index.read_text(encoding="utf-8"), "ms.contentlocale: da-DK", "ms.contentlocale: de-DE"),
        encoding="utf-8",
    )
    status = cli.main(["--root", str(project), "check"])
    out, _ = capsys.readouterr()
    assert (status, out) == (
        1,
        "docs/da/index.md:12:1: error locale-mismatch: ms.contentlocale is 'de-DE', but "
        "the page is in the 'da' locale folder: write a language tag that starts with da, "
        "or move the page\n",
    )


def test_the_repository_docs_have_no_finding(capsys):
    assert run_cli(capsys, "check") == (0, "", "")


def test_python_m_helpsite_runs_check_and_schema_doc():
    result = subprocess.run(
        [sys.executable, "-m", "helpsite", "check", "--locale", "nb", str(SEED)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 1
    shown = SEED.relative_to(ROOT).as_posix()  # a file in the repository is named from its root
    assert (
        f"{shown}:6:1: error meta-missing: ms.date is empty: write a value, e.g. 'ms.date: 08/13/2021'\n"
        in result.stdout
    )
    result = subprocess.run(
        [sys.executable, "-m", "helpsite", "schema-doc"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert (result.returncode, result.stdout) == (0, (ROOT / "METADATA.md").read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------
# The build
# ----------------------------------------------------------------------------


def test_build_logs_metadata_findings_once_and_fails_strict_on_errors(tmp_path):
    project = copy_site(tmp_path / "project")
    page = project / "docs" / "nb" / (ARTICLE + ".md")
    page.write_text(
        edited(
            edited(page.read_text(encoding="utf-8"), "ms.date: 08/13/2021", "ms.date: ''"),
            "manager: scotv",
            "managr: scotv",
        ),
        encoding="utf-8",
    )
    result = mkdocs_build(project, tmp_path / "site", env=build_env())
    assert result.returncode == 1
    error = (
        "WARNING -  nb/licenses/transfer-licenses-between-tenants.md:7:1: meta-missing: "
        "ms.date is empty: write a value, e.g. 'ms.date: 08/13/2021'\n"
    )
    warning = (
        "INFO    -  nb/licenses/transfer-licenses-between-tenants.md:6:1: meta-unknown: managr is not a "
        "known metadata key (keys are case-sensitive): did you mean manager?\n"
    )
    assert result.stderr.count(error) == 1, result.stderr
    assert result.stderr.count(warning) == 1, result.stderr
