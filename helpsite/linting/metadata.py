"""Front matter checked against the metadata schema, ``helpsite/linting/schema/metadata.schema.json``.

The schema is the one place that says which keys a page needs and what their values may be;
this module only runs it and turns its errors into findings. Rule, severity, message and
suggested fix of a failure come from the schema's ``x-`` annotations, so adding a key or an
allowed value is an edit to the schema file, never a new ``if`` here.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from helpsite.core import lasting
from helpsite.core.datafile import DataFile
from helpsite.core.findings import Finding
from helpsite.core.site import Site
from helpsite.linting import rules
from helpsite.text.page import Page

SCHEMA_FILE = Path(__file__).parent / "schema" / "metadata.schema.json"
# How alike a key or value must be to the nearest known one to be suggested (difflib ratio):
# ms.autor -> ms.author is 0.94; ms.assetid -> ms.subservice, 0.61, is no help.
SUGGESTION_CUTOFF = 0.7


# ----------------------------------------------------------------------------
# The check
# ----------------------------------------------------------------------------


def metadata_findings(page: Page, site: Site) -> list[Finding]:
    if not page.meta_ok:
        return []
    document, empty = metadata_document(page, site)
    return [_finding(page, path, error, document, empty) for path, error in schema_errors(document)]


CHECKS = (metadata_findings,)


def metadata_document(page: Page, site: Site) -> tuple[dict, set]:
    """What the schema validates for a page, and the known keys left out for being empty."""
    # YAML keys such as 123, true or null are not text; name them as they were written.
    meta = {
        key if isinstance(key, str) else json.dumps(key, default=str): value
        for key, value in page.meta.items()
    }
    empty = {key for key, value in meta.items() if key in in_use().known_keys and _is_empty(value)}
    document = {
        "locale": page.locale,
        "translation": page.locale is not None and page.locale != site.source_locale,
        "metadata": {key: value for key, value in meta.items() if key not in empty},
    }
    return document, empty


def schema_errors(document: dict) -> Iterator[tuple[tuple, ValidationError]]:
    """(metadata path, error) for every way ``document`` fails the schema.

    The same errors as ``VALIDATOR.iter_errors(document)``, found faster in two parts, each
    remembered because pages repeat each other: every value against its key's subschema, and
    the document's shape (its keys, translation, locale and the few values VALUES_IN_SHAPE
    names) against the schema with every value accepted. Remembered errors are forgotten each
    day: x-max-days-ahead counts from today.
    """
    if _remembered.get("day") != date.today():
        _remembered.update(day=date.today(), values={}, shapes={})
    schema = in_use()
    metadata = document["metadata"]
    for key, value in metadata.items():
        if key in schema.value_validators:
            value_key = (
                (key, list, tuple((type(item), item) for item in value))
                if isinstance(value, list)
                else (key, type(value), value)
            )
            for error in _remember("values", value_key, schema.value_validators[key], value):
                yield (key, *error.absolute_path), error
    shape_key = (
        frozenset(metadata),
        document["translation"],
        document["locale"],
        tuple(metadata.get(key) for key in schema.values_in_shape),
    )
    for error in _remember("shapes", shape_key, schema.shape_validator, document):
        yield tuple(error.absolute_path)[1:], error


def _finding(page: Page, path: tuple, error: ValidationError, document: dict, empty: set) -> Finding:
    key, keyword = path[0], error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = _value_at(document["metadata"], path)
    suggestion = _suggestion(keyword, schema, error.validator_value, key, value)
    kind = "empty" if keyword == "required" and key in empty else keyword
    template = annotation(schema, "x-message", kind) or _default("message", kind)
    hint = ""
    if suggestion is not None:
        hint = (annotation(schema, "x-hint", keyword) or in_use().defaults["hint"]).format(
            suggestion=suggestion
        )
    message = template.format_map(_fields(error, document, key, value, hint))
    rule = in_use().rule_by_id[annotation(schema, "x-rule", keyword) or _default("rule", keyword)]
    line, column = page.front.position(path)
    return rule.at(
        page.display,
        line,
        column,
        message,
        suggestion=suggestion,
        severity=annotation(schema, "x-severity", keyword),
    )


# ----------------------------------------------------------------------------
# The schema's own keywords and formats
# ----------------------------------------------------------------------------


def month_day_year(text) -> date | None:
    """The date an M/D/YYYY text names, or None."""
    try:
        month, day, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    except (AttributeError, ValueError):
        return None


FORMATS = FormatChecker(formats=())


@FORMATS.checks("calendar-date")
def _is_calendar_date(value) -> bool:
    # Only three numbers that name no day fail here; any other form is the pattern's to report.
    try:
        [int(part) for part in value.split("/")]
    except (AttributeError, ValueError):
        return True
    return value.count("/") != 2 or month_day_year(value) is not None


# "required" and "dependentRequired" as in jsonschema, but each error carries the key's path.
def _required(validator, required, instance, schema) -> Iterator[ValidationError]:
    if isinstance(instance, dict):
        for key in required:
            if key not in instance:
                yield ValidationError(f"{key!r} is a required property", path=[key])


def _dependent_required(validator, dependencies, instance, schema) -> Iterator[ValidationError]:
    if isinstance(instance, dict):
        for key, needed in dependencies.items():
            if key in instance and any(each not in instance for each in needed):
                yield ValidationError(f"{key!r} needs {needed!r}", path=[key])


# x-max-days-ahead: N, a date no later than N days after today.
def _max_days_ahead(validator, days, instance, schema) -> Iterator[ValidationError]:
    day = month_day_year(instance)
    if day is not None and day > date.today() + timedelta(days=days):
        yield ValidationError(f"{instance!r} is more than {days} days after today")


# x-comma-list: SCHEMA, text whose comma-separated tokens each match SCHEMA.
def _comma_list(validator, token_schema, instance, schema) -> Iterator[ValidationError]:
    if isinstance(instance, str):
        token_validator = validator.evolve(schema=token_schema)
        if not all(token_validator.is_valid(token.strip()) for token in instance.split(",")):
            yield ValidationError(f"{instance!r} has a token not allowed by {token_schema!r}")


# x-locale-of-page: KEY, on the whole document: metadata KEY names the page's locale.
def _locale_of_page(validator, key, instance, schema) -> Iterator[ValidationError]:
    locale, value = instance.get("locale"), instance.get("metadata", {}).get(key)
    if isinstance(locale, str) and isinstance(value, str) and not same_language(value, locale):
        yield ValidationError(f"{value!r} is not in locale {locale!r}", path=["metadata", key])


def same_language(tag: str, locale: str) -> bool:
    """Whether language tag ``tag`` (nb-NO) is within ``locale`` (nb)."""
    tag_parts = re.split(r"[-_]", tag.strip().lower())
    locale_parts = re.split(r"[-_]", locale.lower())
    return tag_parts[: len(locale_parts)] == locale_parts


Validator = validators.extend(
    Draft202012Validator,
    {
        "required": _required,
        "dependentRequired": _dependent_required,
        "x-max-days-ahead": _max_days_ahead,
        "x-comma-list": _comma_list,
        "x-locale-of-page": _locale_of_page,
    },
)


# ----------------------------------------------------------------------------
# The schema, compiled once
# ----------------------------------------------------------------------------


def _shape_schema(schema: dict) -> dict:
    """The schema with every known key's value accepted: what is left checks the keys."""
    shape = copy.deepcopy(schema)
    properties = shape["$defs"]["metadata"]["properties"]
    for key in properties:
        properties[key] = True
    return shape


def _keyword_values(schema, keyword: str) -> Iterator:
    """Every value ``keyword`` has anywhere in ``schema``."""
    if isinstance(schema, dict):
        for name, value in schema.items():
            if name == keyword:
                yield value
            if not name.startswith("x-"):  # x- annotations hold messages, not schemas
                yield from _keyword_values(value, keyword)
    elif isinstance(schema, list):
        for item in schema:
            yield from _keyword_values(item, keyword)


def _values_read_by(shape: dict) -> tuple[str, ...]:
    """The keys whose values ``shape`` still reads: x-locale-of-page's, and any key that a
    subschema constrains (ms.prod, or one an if/then names), so that a shape is remembered
    by them too."""
    keys = set(_keyword_values(shape, "x-locale-of-page"))
    for properties in _keyword_values(shape, "properties"):
        keys.update(key for key, subschema in properties.items() if subschema is not True)
    return tuple(sorted(keys))


@dataclass(frozen=True)
class Schema:
    """The metadata schema the checks run, with all that is compiled from it; made again when
    its file changes (``refresh``). The module's ``SCHEMA``, ``RULES``, ... are its fields."""

    schema: dict
    metadata: dict  # the schema's $defs/metadata: the page's keys
    known_keys: tuple[str, ...]
    defaults: dict  # x-defaults
    rules: tuple[rules.Rule, ...]  # the metadata rules: data in the schema, as the keys are
    rule_by_id: dict  # every rule the schema names is one of its own
    locale_mismatch: rules.Rule
    validator: Draft202012Validator
    value_validators: dict  # key -> its subschema's validator
    shape_validator: Draft202012Validator
    values_in_shape: tuple[str, ...]
    locale_keys: tuple[str, ...]  # the keys that must name the page's locale


def _compile(schema: dict) -> Schema:
    fields = schema["$defs"]["metadata"]
    defined = tuple(rules.define(id, **spec) for id, spec in schema["x-rules"].items())
    by_id = {rule.id: rule for rule in defined}
    validator = Validator(schema, format_checker=FORMATS)
    shape_validator = Validator(_shape_schema(schema), format_checker=FORMATS)
    return Schema(
        schema=schema,
        metadata=fields,
        known_keys=tuple(fields["properties"]),
        defaults=schema["x-defaults"],
        rules=defined,
        rule_by_id=by_id,
        locale_mismatch=by_id["locale-mismatch"],
        validator=validator,
        value_validators={key: validator.evolve(schema=sub) for key, sub in fields["properties"].items()},
        shape_validator=shape_validator,
        values_in_shape=_values_read_by(shape_validator.schema),
        locale_keys=tuple(_keyword_values(schema, "x-locale-of-page")),
    )


def refresh() -> bool:
    """Read the schema again if its file changed since it was read; True if it did."""
    if not _SCHEMA_DATA.refresh():
        return False
    _in_use["schema"] = _compile(_SCHEMA_DATA.value)
    _remembered.clear()  # errors found with the schema before
    return True


def in_use() -> Schema:
    """The schema the checks run now."""
    return _in_use["schema"]


# The module's names for the schema in use: metadata.SCHEMA, metadata.RULES, ...
_FIELDS = {name.upper(): name for name in Schema.__dataclass_fields__}


def __getattr__(name: str):
    if name in _FIELDS:
        return getattr(in_use(), _FIELDS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


REMEMBERED_MAX = 50_000
_remembered = lasting.cache(
    "metadata.remembered", 3, kept="forgotten each day and when the schema changes (refresh)"
)
_SCHEMA_DATA = DataFile(SCHEMA_FILE, json.loads)
_in_use = lasting.cache("metadata.schema", 1, kept="compiled again when its file changes (refresh)")
_in_use["schema"] = _compile(_SCHEMA_DATA.value)


def _remember(kind: str, key, validator, instance) -> list[ValidationError]:
    found = _remembered[kind]
    try:
        return found[key]
    except KeyError:
        if len(found) >= REMEMBERED_MAX:
            found.clear()
        found[key] = list(validator.iter_errors(instance))
        return found[key]
    except TypeError:  # an unhashable value, such as a list in a list: rare, so not remembered
        return list(validator.iter_errors(instance))


# ----------------------------------------------------------------------------
# Messages and suggestions from the schema's annotations
# ----------------------------------------------------------------------------


# An x- annotation: one value for every keyword of the subschema, or keyword -> value.
def annotation(schema: dict, name: str, keyword: str):
    value = schema.get(name)
    return value.get(keyword) if isinstance(value, dict) else value


# A schema-wide default from x-defaults, by keyword, else its "*" entry.
def _default(kind: str, keyword: str) -> str:
    table = in_use().defaults[kind]
    return table.get(keyword) or table["*"]


# The values a message template may name.
def _fields(error: ValidationError, document: dict, key, value, hint: str) -> dict:
    spec = in_use().metadata["properties"].get(key, {})
    limit = error.validator_value
    types = limit if error.validator == "type" else ()
    missing = []
    if error.validator == "dependentRequired":
        missing = [each for each in limit[key] if each not in document["metadata"]]
    return {
        "key": key,
        "value": _shown(value),
        "example": (spec.get("examples") or [""])[0],
        "allowed": ", ".join(_allowed(limit)),
        "expected": " or ".join(
            in_use().defaults["types"].get(t, t) for t in ([types] if isinstance(types, str) else types)
        ),
        "limit": limit,
        "length": len(value) if isinstance(value, str) else 0,
        "missing": ", ".join(missing),
        "locale": document["locale"],
        "hint": hint,
    }


def _suggestion(keyword: str, schema: dict, limit, key, value) -> str | None:
    if schema.get("x-suggest") == "nearest-key":
        return _closest(str(key), in_use().known_keys)
    if not isinstance(value, str):
        return None
    for fix in schema.get("x-fix", ()):
        if re.fullmatch(fix["match"], value.strip()):
            return re.sub(fix["match"], fix["write"], value.strip())
    allowed = _allowed(limit)
    if keyword == "enum":
        return _closest(value, tuple(allowed))
    if keyword == "x-comma-list":
        tokens = [_closest(token.strip(), tuple(allowed)) for token in value.split(",") if token.strip()]
        return ", ".join(tokens) if tokens and all(tokens) else None
    return None


def _allowed(limit) -> list[str]:
    if isinstance(limit, dict):
        limit = limit.get("enum")
    return [str(each) for each in limit] if isinstance(limit, list) else []


# The nearest of ``choices``: a case-only difference first, then difflib's best match.
@lasting.memo(4096)  # a pure function of its arguments
def _closest(text: str, choices: tuple[str, ...]) -> str | None:
    by_lower = {choice.lower(): choice for choice in choices}
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    match = difflib.get_close_matches(text.lower(), list(by_lower), n=1, cutoff=SUGGESTION_CUTOFF)
    return by_lower[match[0]] if match else None


def _value_at(data, path: tuple):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


# A value as a message shows it: text in quotes, other things by what they are.
def _shown(value) -> str:
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 60 else f"'{value[:57]}...'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "key: value pairs"
    if isinstance(value, (int, float)):
        return str(value)
    return f"a value of type {type(value).__name__}"


def _is_empty(value) -> bool:
    return value is None or (
        isinstance(value, (str, list, dict)) and not (value.strip() if isinstance(value, str) else value)
    )
