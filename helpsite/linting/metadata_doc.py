"""The writers' page about page metadata, generated from the schema so that it cannot drift.

``python -m helpsite schema-doc > METADATA.md``; a test compares the committed page with
what this module writes now.
"""

from __future__ import annotations

from helpsite.core.findings import ERROR
from helpsite.linting import catalogue, metadata

GENERATED_FROM = "helpsite/linting/schema/metadata.schema.json"


def markdown() -> str:
    schema, fields = metadata.SCHEMA, metadata.METADATA
    required = fields["required"]
    translation_required = schema["$defs"]["translation"]["required"]
    lines = [
        f"<!-- Generated from {GENERATED_FROM} by `python -m helpsite schema-doc > METADATA.md`: "
        "edit the schema, not this page. -->",
        "",
        "# Page metadata",
        "",
        "Every page starts with front matter: `key: value` lines between two `---` lines. "
        "`python -m helpsite check` and every build check it against the metadata schema, "
        f"[`{GENERATED_FROM}`]({GENERATED_FROM}); this page is generated from that file.",
        "",
        "- Keys are case-sensitive: `ms.Date` is not `ms.date`. A key the schema does not know "
        "is a warning that names the nearest known key.",
        "- A key with an empty value (`ms.date: ''`, or nothing after the colon) counts as missing.",
        "- Dates are written MM/DD/YYYY, month first. YAML reads `2021-08-13` as a date of its own: "
        "that is reported, with the MM/DD/YYYY form to write instead.",
        "- A key used twice, YAML aliases and tags (`!!python/...`) are errors: front matter is "
        "plain text, numbers and lists.",
        "",
        "## Keys",
        "",
        "| Key | Needed | Value | Example |",
        "|---|---|---|---|",
    ]
    for key, spec in fields["properties"].items():
        if key in required:
            needed = "every page"
        elif key in translation_required:
            needed = "translations"
        else:
            needed = "optional"
        example = (spec.get("examples") or [""])[0]
        lines.append(f"| `{key}` | {needed} | {_cell(_value_text(key, spec))} | `{key}: {_cell(example)}` |")
    lines += ["", "## Keys that go together", ""]
    for key, needed in fields.get("dependentRequired", {}).items():
        lines.append(f"- `{key}` only together with {_code_list(needed)}.")
    for key, subschema in fields.get("dependentSchemas", {}).items():
        for other in subschema.get("properties", {}):
            lines.append(f"- `{other}` not together with `{key}`.")
    lines += [
        "",
        "## Translations",
        "",
        "A translation is a page outside the source locale's folder (`docs/<locale>/`, or the "
        "locale given with `--locale`). It also needs " + _code_list(translation_required) + ".",
    ]
    for key in metadata.LOCALE_KEYS:
        lines.append(
            f"`{key}` must name the language of the page's locale folder "
            f"(`nb-NO` in `docs/nb/`), or the finding is `{metadata.LOCALE_MISMATCH.id}`."
        )
    lines += [
        "",
        "## Findings",
        "",
        "| Rule | Severity | What it means |",
        "|---|---|---|",
    ]
    for rule in catalogue.all_rules():
        if "front-matter" in rule.tags:
            lines.append(f"| `{rule.id}` | {rule.severity} | {_cell(rule.summary)} |")
    lines += [
        "",
        "An error fails `mkdocs build --strict` and makes `python -m helpsite check` exit with 1; "
        "a warning is shown but fails nothing.",
        "",
    ]
    return "\n".join(lines)


# What a key's value may be, in words: its description, then each constraint the schema sets.
def _value_text(key: str, spec: dict) -> str:
    parts = [spec.get("description", "")]
    definition = _definition(spec)
    if definition.get("description"):
        parts.append(definition["description"])
    combined = {**definition, **spec}
    if "enum" in combined:
        parts.append("One of " + _code_list(combined["enum"]) + ".")
    if "x-comma-list" in combined:
        parts.append("Comma-separated, from " + _code_list(combined["x-comma-list"]["enum"]) + ".")
    if "$ref" not in spec and "type" in spec:
        parts.append(_type_text(spec) + ".")
    if "pattern" in spec:
        parts.append(f"Must match `{spec['pattern']}`.")
    if "minLength" in combined or "maxLength" in combined:
        severity = metadata.annotation(combined, "x-severity", "minLength") or ERROR
        parts.append(
            f"{severity.capitalize()} when shorter than {combined.get('minLength', 0)} "
            f"or longer than {combined.get('maxLength', 'any')} characters."
        )
    if "x-max-days-ahead" in combined:
        parts.append(f"At most {combined['x-max-days-ahead']} days after today.")
    return " ".join(part for part in parts if part)


def _definition(spec: dict) -> dict:
    ref = spec.get("$ref", "")
    prefix = "#/$defs/"
    return metadata.SCHEMA["$defs"][ref[len(prefix) :]] if ref.startswith(prefix) else {}


def _type_text(spec: dict) -> str:
    words = metadata.DEFAULTS["types"]
    types = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
    text = " or ".join(words.get(t, t) for t in types)
    item_types = spec.get("items", {}).get("type")
    if "array" in types and item_types:
        item_types = item_types if isinstance(item_types, list) else [item_types]
        text += ", each item " + " or ".join(words.get(t, t) for t in item_types)
    return text[:1].upper() + text[1:]


def _code_list(values) -> str:
    return ", ".join(f"`{value}`" for value in values)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")
