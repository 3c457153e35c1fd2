"""NIST's OSCAL 1.2.3 JSON schema, vendored in tests/data/oscal-1.2.3/, as a jsonschema validator.

The schema is draft-07 and its token pattern uses Unicode property classes (``\\p{L}``, ``\\p{N}``)
that Python's ``re`` cannot compile. The one adaptation made here: the ``pattern`` keyword is
evaluated with the ``regex`` module, which reads those classes as the schema means them
(ECMA-262 with the ``u`` flag, as JSON Schema specifies). Nothing in the schema is changed, and every
other keyword, ``format`` included (date-time, email, uri, uri-reference), is jsonschema's own.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import regex
from jsonschema import Draft7Validator, ValidationError, validators

SCHEMA_DIR = Path(__file__).parent / "data" / "oscal-1.2.3"
SCHEMA = SCHEMA_DIR / "oscal_complete_schema.json"
#: The SHA-256 of the vendored file, as its README records it.
SCHEMA_SHA256 = "384324105c7a817af0f65b120a963146caa0e0d55d969cf0daf60e063b87a206"


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and regex.search(pattern, instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def validator() -> Any:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = validators.extend(Draft7Validator, {"pattern": _pattern})
    return cls(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def errors(document: Any) -> list[str]:
    """Every way ``document`` breaks the schema, as ``path: message`` (empty: valid)."""
    found = []
    for error in validator().iter_errors(document):
        # The root is a oneOf over the eight models: its own message only says none matched, so
        # the errors of the branch the document means are listed.
        causes = error.context or [error]
        for cause in causes:
            if cause.context:
                causes.extend(cause.context)
                continue
            found.append(f"{'/'.join(str(p) for p in cause.absolute_path)}: {cause.message}")
    # The branches for the other seven models fail at the root ("'catalog' is a required
    # property"): noise, when the document's own model has errors deeper down.
    deep = [f for f in found if not f.startswith(": ")]
    return deep or found
