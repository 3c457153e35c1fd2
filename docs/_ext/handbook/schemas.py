"""The shipped JSON Schemas, published and documented.

The schemas are copied to ``_static/schemas/`` so the ``$schema`` modeline that every assessment
starts with resolves for editors (see ``fm_governance.core.schemas.SCHEMA_BASE_URL``), and the
format reference is a table of fields generated from them, so it cannot drift from the validator.
"""

from __future__ import annotations

import json
import shutil
from typing import Any

from fm_governance.core.schemas import SCHEMA_KINDS, schema, schema_text
from fm_governance.portfolio.jsondoc import SCHEMA_FILE as PORTFOLIO_SCHEMA_FILE
from fm_governance.portfolio.jsondoc import schema as portfolio_schema

from .generated import DOCS, GENERATED, write_if_changed

_schemas = DOCS / "_static" / "schemas"


def _write_schemas(_app: object) -> None:
    _schemas.mkdir(parents=True, exist_ok=True)
    # Exactly what `fm-governance schema KIND` prints, for each kind it prints, so every schema's
    # `$id` resolves once the docs are published; rewritten only when it changed, since the format
    # reference depends on these files and would be re-read on every build.
    wanted = {f"{kind}.schema.json": schema_text(kind) for kind in SCHEMA_KINDS}
    wanted[PORTFOLIO_SCHEMA_FILE] = json.dumps(portfolio_schema(), indent=2, ensure_ascii=False) + "\n"
    for stale in _schemas.iterdir():  # a schema that is no longer shipped is no longer published
        if stale.name not in wanted:
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    for name, text in wanted.items():
        write_if_changed(_schemas / name, text)


def _write_format_tables(_app: object) -> None:
    """One table of fields per shipped JSON Schema, so the format reference cannot drift from the validator."""
    GENERATED.mkdir(parents=True, exist_ok=True)
    for kind in SCHEMA_KINDS:
        root = schema(kind)  # read only: the shared, cached dict
        # A list-table rather than a pipe table: the `longtable` class lets the PDF break the table
        # across pages (Sphinx otherwise does so only past 30 rows) and the widths keep paths legible.
        rows = [":::{list-table}", ":header-rows: 1", ":widths: 32 28 10 30", ":class: longtable", ""]
        rows += _list_table_row(["Field", "Type and values", "Required", "Description"])
        for row in _schema_fields(root, root, ""):
            rows += _list_table_row(_schema_cells(*row))
        write_if_changed(GENERATED / f"{kind}-format.md", "\n".join([*rows, ":::"]) + "\n")


def _schema_fields(root: dict, node: dict, path: str, label: str = "") -> list[tuple]:
    """Flatten a schema into (path, node, required, label, depends_on) rows: properties, array
    entries (`[]`), map values (`<key>`) and the alternative forms of a `oneOf`."""
    node = _schema_resolve(root, node)
    rows: list[tuple] = []
    constrained = _schema_conditional_keys(root, node)
    for name, sub in node.get("properties", {}).items():
        sub_path = f"{path}.{name}" if path else name
        sub = _schema_resolve(root, sub)
        if isinstance(sub.get("items"), dict):  # describe an array's entries in the array's own row
            sub = {**sub, "items": _schema_resolve(root, sub["items"])}
        rows.append((sub_path, sub, name in node.get("required", ()), label, constrained.get(name)))
        rows += _schema_fields(root, sub, sub_path, label)
    items = node.get("items")
    if isinstance(items, dict):
        rows += _schema_fields(root, items, f"{path}[]", label)
    values = node.get("additionalProperties")
    if isinstance(values, dict):
        names = node.get("propertyNames", {})
        key = names["$ref"].rsplit("/", 1)[-1].upper().replace("_", "-") if "$ref" in names else "id" if "pattern" in names else "key"
        rows += _schema_fields(root, values, f"{path}.<{key}>", label)
    for index, form in enumerate(node.get("oneOf", ())):
        rows += _schema_fields(root, form, path, f"Form ({chr(ord('A') + index)}).")
    return rows


def _schema_resolve(root: dict, node: dict) -> dict:
    while "$ref" in node:  # only local references ("#/$defs/…") occur in the shipped schemas
        target = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _schema_conditional_keys(root: dict, node: dict) -> dict[str, str]:
    """Properties whose values an `if`/`then` narrows, mapped to the property the condition reads."""
    keys: dict[str, str] = {}
    for rule in node.get("allOf", ()):
        for condition in rule.get("if", {}).get("properties", {}):
            for name in rule.get("then", {}).get("properties", {}):
                keys[name] = condition
    return keys


def _schema_cells(path: str, node: dict, required: bool, label: str, depends_on: str | None) -> list[str]:
    kinds = node.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    facts = [" or ".join(kinds)] if kinds else []
    entries = node.get("items") if isinstance(node.get("items"), dict) else {}
    if "enum" in entries:
        facts[0] = facts[0].replace("array", "array of " + ", ".join(f"`{_schema_value(v)}`" for v in entries["enum"]))
    elif isinstance(entries.get("type"), str):
        facts[0] = facts[0].replace("array", f"array of {entries['type']}s")
    elif entries.get("oneOf"):
        node = {**node, "oneOf": entries["oneOf"]}  # each entry takes one of the forms
    if "enum" in node:
        facts.append("one of " + ", ".join(f"`{_schema_value(v)}`" for v in node["enum"]))
    if "pattern" in node:
        facts.append(f"matching `{node['pattern']}`")
    if "format" in node:
        facts.append(f"format `{node['format']}`")
    if node.get("minItems"):
        facts.append(f"at least {node['minItems']} entr{'y' if node['minItems'] == 1 else 'ies'}")
    if node.get("minLength"):
        facts.append("not empty")
    if node.get("uniqueItems"):
        facts.append("no repeats")
    if node.get("oneOf"):
        facts.append("entries in one of the forms " + ", ".join(f"({chr(ord('A') + i)})" for i in range(len(node["oneOf"]))))
    if depends_on:
        facts.append(f"format depends on `{depends_on}`")
    description = f"{label} {node.get('description', '')}"
    if node.get("oneOf"):
        description += " " + " ".join(f"({chr(ord('A') + i)}) {form.get('description', '')}" for i, form in enumerate(node["oneOf"]))
    return [f"`{path}`", "; ".join(facts) or "any", "yes" if required else "", description.strip()]


def _list_table_row(cells: list[str]) -> list[str]:
    return [f"{'* -' if index == 0 else '  -'} {cell}".rstrip() for index, cell in enumerate(cells)]


def _schema_value(value: object) -> str:
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def setup_schemas(app: Any) -> None:
    app.connect("builder-inited", _write_schemas)
    app.connect("builder-inited", _write_format_tables)
