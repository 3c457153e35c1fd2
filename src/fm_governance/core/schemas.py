"""The shipped JSON Schemas (draft 2020-12) and validation that reports file:line:column.

The schemas are data files beside this module. They serve three readers: this validator, editors
(through the ``yaml-language-server`` modeline every assessment starts with) and people (printed by
``fm-governance schema``). Error messages are rewritten from jsonschema's wording into what to do.
"""

from __future__ import annotations

import copy
import datetime as _dt
import difflib
import functools
import json
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any

from .errors import InputError, InputErrors, Location
from .yamlio import document_locator, to_plain

SCHEMA_KINDS = ("checklist", "assessment")

#: Where the schemas are published (the handbook copies them into its static files). ``latest`` is
#: the handbook as built from main, so the URL resolves as soon as the docs are published; ``stable``
#: would only exist once a release is tagged.
SCHEMA_BASE_URL = "https://fm-governance.readthedocs.io/en/latest/_static/schemas/"


@functools.cache
def schema(kind: str) -> dict[str, Any]:
    if kind not in SCHEMA_KINDS:
        raise ValueError(f"unknown schema kind {kind!r}")
    text = resources.files(__package__).joinpath("schemas", f"{kind}.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def schema_text(kind: str) -> str:
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


def schema_url(kind: str) -> str:
    return f"{SCHEMA_BASE_URL}{kind}.schema.json"


@functools.cache
def _compiled(kind: str) -> Any:
    import fastjsonschema

    # fastjsonschema knows drafts 4-7; these schemas use no 2020-12 keyword beyond `$defs`, which
    # is an ordinary JSON-pointer target for `$ref`. tests/test_schemas.py holds the two
    # validators to the same verdicts.
    # compile() rewrites the `$ref`s of the dict it is given: hand it a copy, so the shipped schema
    # (printed by `fm-governance schema`, published with the docs) stays as written.
    return fastjsonschema.compile(_python_patterns(copy.deepcopy(schema(kind))), formats={"date": is_date})


@functools.cache
def _compiled_schema(schema_json: str) -> Any:
    """:func:`_compiled` for any schema, keyed on its JSON text (a fresh copy, which compile() may rewrite)."""
    import fastjsonschema

    return fastjsonschema.compile(_python_patterns(json.loads(schema_json)), formats={"date": is_date})


# JSON Schema patterns are ECMA-262 regular expressions, where ``$`` (without the multiline flag)
# matches only at the very end of the text. In Python's ``re`` it also matches just before a final
# newline, so ``"AL-01\n"`` would pass ``^[A-Z]{2,5}-[0-9]{2,3}$``. Both validators therefore run
# each pattern with its end anchors as ``\Z``, which is what the schema means; the shipped schema
# keeps the standard spelling that editors understand.


def python_pattern(pattern: str) -> str:
    r"""``pattern`` with each ``$`` that is an end anchor (not escaped, not in a character class)
    written as ``\Z``."""
    out: list[str] = []
    in_class = escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            out.append("\\Z")
            continue
        out.append(char)
    return "".join(out)


def _python_patterns(node: Any) -> Any:
    """Rewrite every ``pattern`` keyword of a schema in place (see :func:`python_pattern`)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                node[key] = python_pattern(value)
            else:
                _python_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _python_patterns(value)
    return node


def _pattern_keyword(validator: Any, pattern: str, instance: Any, _schema: Any) -> Any:
    """jsonschema's ``pattern`` keyword with ECMA-262 end anchors (see :func:`python_pattern`)."""
    import re

    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not re.search(python_pattern(pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _ecma_validator_class(schema_: dict[str, Any]) -> Any:
    import jsonschema

    cls = jsonschema.validators.validator_for(schema_)
    return jsonschema.validators.extend(cls, {"pattern": _pattern_keyword})


def is_date(value: object) -> bool:
    """RFC 3339 full-date, checked the way jsonschema's format checker does (a real calendar day)."""
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@functools.cache
def _validator(kind: str) -> Any:
    # Imported here: jsonschema costs ~60 ms to import and only commands that validate need it.
    import jsonschema

    jsonschema.validators.validator_for(schema(kind)).check_schema(schema(kind))
    cls = _ecma_validator_class(schema(kind))
    return cls(schema(kind), format_checker=cls.FORMAT_CHECKER)


def validate(kind: str, document: Any, file: str) -> Any:
    """Validate a round-trip ``document``; return it as plain data, or raise located errors."""
    return validate_plain(kind, to_plain(document), document_locator(document, file))


def validate_plain(kind: str, plain: Any, locator: Callable[..., Location]) -> Any:
    """Validate plain data (JSON types) whose positions ``locator`` knows; return it or raise.

    Valid input — the common case — is confirmed by a validator compiled with fastjsonschema
    (about 15x faster than jsonschema on a 2,000-item file). Only when it objects does jsonschema,
    the reference implementation, run to collect every error with its path; its verdict is final.
    """
    import fastjsonschema

    try:
        _compiled(kind)(plain)
        return plain
    except fastjsonschema.JsonSchemaException:
        pass
    return _reference_validate(_validator(kind), plain, locator, f"see `fm-governance schema {kind}`")


def validate_against(schema_: dict[str, Any], plain: Any, locator: Callable[..., Location], *, fix: str) -> Any:
    """Validate plain data against a schema other than the two shipped kinds (the scanner's data
    files), with the same located, rewritten error messages; return it or raise.

    As in :func:`validate_plain`, valid data is confirmed by fastjsonschema and jsonschema runs only
    to explain an error. This is on every scan's start-up path, and importing jsonschema can cost
    seconds: where ``rfc3987-syntax`` is installed (Jupyter's ``jsonschema[format-nongpl]`` brings
    it), jsonschema's format module builds dozens of parsers from grammars on import (2.8 s of a
    2-second scan of a Go repository, benchmarks/README.md).
    """
    import fastjsonschema

    try:
        _compiled_schema(json.dumps(schema_, sort_keys=True))(plain)
        return plain
    except fastjsonschema.JsonSchemaException:  # invalid data, or a schema fastjsonschema cannot compile
        pass
    cls = _ecma_validator_class(schema_)
    return _reference_validate(cls(schema_, format_checker=cls.FORMAT_CHECKER), plain, locator, fix)


def _reference_validate(validator: Any, plain: Any, locator: Callable[..., Location], fix: str) -> Any:
    errors = sorted(validator.iter_errors(plain), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise InputErrors(_dedupe(_located(e, locator, fix) for e in errors))
    return plain


def _dedupe(errors: Iterable[InputError]) -> list[InputError]:
    seen: set[str] = set()
    out: list[InputError] = []
    for e in errors:
        if e.one_line() not in seen:
            seen.add(e.one_line())
            out.append(e)
    return sorted(out, key=lambda e: (e.location.line, e.location.column))


def _dotted(path: Iterable[Any]) -> str:
    parts: list[str] = []
    for p in path:
        parts.append(f"[{p}]" if isinstance(p, int) else (("." if parts else "") + str(p)))
    return "".join(parts) or "(top level)"


def _located(error: Any, locate: Callable[..., Location], fallback_fix: str) -> InputError:
    # oneOf/anyOf failures are noisy; the most specific sub-error says what is really wrong.
    if error.validator in ("oneOf", "anyOf") and error.context:
        error = _branch_error(error)
    path = list(error.absolute_path)
    where = _dotted(path)
    validator = error.validator
    if validator == "additionalProperties":
        extra = [k for k in error.instance if k not in error.schema.get("properties", {})] if isinstance(error.instance, dict) else []
        name = extra[0] if extra else "?"
        known = list(error.schema.get("properties", {}))
        close = difflib.get_close_matches(str(name), known, n=1)
        fix = f"did you mean {close[0]!r}?" if close else f"allowed keys here: {', '.join(known)}"
        return InputError(locate([*path, name], key=True), f"unknown key {name!r} in {where}", fix)
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "a key"
        return InputError(locate(path, key=True), f"{where} is missing {missing!r}", f"add `{missing}:`")
    location = locate(path)
    advice = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    if isinstance(advice, str) and validator in ("enum", "type", "pattern"):
        # The schema's own advice (the key yaml-language-server shows in editors too), rather than
        # the keyword's internals: an answer's pattern, or the booleans its type allows, are no
        # advice for a person who wrote `maybe`.
        return InputError(location, f"{where}: {_show(error.instance)} is not allowed", advice)
    if validator == "enum":
        allowed = ", ".join("null" if v is None else str(v).lower() for v in error.validator_value)
        return InputError(location, f"{where}: {_show(error.instance)} is not allowed", f"use one of: {allowed}")
    if validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return InputError(
            location, f"{where} must be {_article(expected)}, not {_kind(error.instance)}", f"write {where.rsplit('.', 1)[-1]} as {_article(expected)}"
        )
    if validator == "pattern":
        return InputError(location, f"{where}: {_show(error.instance)} is not well-formed", f"it must match {error.validator_value}")
    if validator == "format":
        return InputError(location, f"{where}: {_show(error.instance)} is not a valid {error.validator_value}", "write dates as YYYY-MM-DD")
    if validator in ("minItems", "minLength"):
        return InputError(location, f"{where} is empty", "fill it in")
    if validator == "uniqueItems":
        return InputError(location, f"{where} lists the same value twice", "remove the repeat")
    if validator == "propertyNames":
        return InputError(locate(path, key=True), f"{where}: {error.message}", "check the key's spelling")
    return InputError(location, f"{where}: {error.message}", fallback_fix)


def _branch_error(error: Any) -> Any:
    """The most useful sub-error of a failed oneOf/anyOf.

    A branch whose required keys the instance has is the one the author meant (a reference with a
    ``framework`` key is a framework reference, not a malformed source); its errors say what is wrong.
    """
    import jsonschema

    branches = error.validator_value
    instance = error.instance
    if isinstance(instance, dict):
        meant = [i for i, b in enumerate(branches) if isinstance(b, dict) and b.get("required") and set(b["required"]) <= set(instance)]
        if len(meant) == 1:
            chosen = [e for e in error.context if e.schema_path and e.schema_path[0] == meant[0]]
            if chosen:
                return jsonschema.exceptions.best_match(chosen)
    return jsonschema.exceptions.best_match(error.context)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number", type(None): "empty"}.get(
        type(value), type(value).__name__
    )


def _article(word: str) -> str:
    names = {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "null": "null",
        "boolean": "a boolean",
        "integer": "a whole number",
        "number": "a number",
    }
    return " or ".join(names.get(w.strip(), w) for w in word.split(" or "))
