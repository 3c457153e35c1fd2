"""The shipped JSON Schemas: well-formed, and the fast validator agrees with the reference one."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fm_governance.core.assessment import template_document
from fm_governance.core.checklists import builtin_dir, load_catalog
from fm_governance.core.schemas import SCHEMA_KINDS, _compiled, _validator, python_pattern, schema
from fm_governance.core.yamlio import load_located, read_text, to_plain


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_schemas_are_valid_draft_2020_12(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(kind))
    assert schema(kind)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def verdicts(kind: str, document: Any) -> tuple[bool, bool]:
    import fastjsonschema

    reference = jsonschema.Draft202012Validator(schema(kind), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).is_valid(document)
    try:
        _compiled(kind)(copy.deepcopy(document))
        fast = True
    except fastjsonschema.JsonSchemaException:
        fast = False
    return reference, fast


def checklist_documents() -> list[Any]:
    return [to_plain(load_located(read_text(p), str(p))[0]) for p in sorted(builtin_dir().glob("*.yaml"))]


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(["", "yes", "n/a", "maybe", "2026-02-30", "2026-12-31", "DE-01", "GOVERN 1.1", "https://x", "high"]),
)


def mutate(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """Replace one randomly chosen node somewhere in ``value`` by a scalar, list or mapping."""
    if isinstance(value, dict) and value and depth < 8 and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(value)))
        value[key] = mutate(draw, value[key], depth + 1)
        return value
    if isinstance(value, list) and value and depth < 8 and draw(st.booleans()):
        index = draw(st.integers(0, len(value) - 1))
        value[index] = mutate(draw, value[index], depth + 1)
        return value
    return draw(st.one_of(SCALARS, st.lists(SCALARS, max_size=2), st.dictionaries(st.sampled_from(["answer", "id", "x", "expires"]), SCALARS, max_size=2)))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fast_and_reference_validators_agree_on_checklists(data: st.DataObject) -> None:
    documents = checklist_documents()
    document = copy.deepcopy(documents[data.draw(st.integers(0, len(documents) - 1))])
    document["items"] = document["items"][:2]
    document = mutate(data.draw, document)
    reference, fast = verdicts("checklist", json.loads(json.dumps(document)))
    assert reference == fast


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fast_and_reference_validators_agree_on_assessments(data: st.DataObject) -> None:
    catalog = load_catalog()
    document = to_plain(template_document(catalog.select(["data-exposure"])))
    item = document["checklists"]["data-exposure"]["items"]["DE-01"]
    item["waiver"] = {"reason": "r", "approved_by": "a", "expires": "2026-12-31"}
    document = mutate(data.draw, document)
    reference, fast = verdicts("assessment", document)
    assert reference == fast


def test_builtin_checklists_are_valid_for_both() -> None:
    for document in checklist_documents():
        assert verdicts("checklist", document) == (True, True)


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_validating_does_not_change_the_published_schema(kind: str) -> None:
    from importlib import resources

    from fm_governance.core.schemas import schema_text

    shipped = json.loads(resources.files("fm_governance.core").joinpath("schemas", f"{kind}.schema.json").read_text("utf-8"))
    _compiled.cache_clear()
    with contextlib.suppress(Exception):  # an empty document is invalid; only the side effect matters
        _compiled(kind)({})
    assert json.loads(schema_text(kind)) == shipped


@pytest.mark.parametrize("key", ["AL-01\n", "AL-01\n\n", "AL-01 ", "\nAL-01"])
def test_ids_with_a_trailing_newline_fail_both_validators(key: str) -> None:
    """Python's `$` also matches before a final newline; the schema's `$` (ECMA-262) does not."""
    import fastjsonschema

    document = {"checklists": {"alpha": {"items": {key: None}}}}
    with pytest.raises(fastjsonschema.JsonSchemaException):
        _compiled("assessment")(document)
    assert list(_validator("assessment").iter_errors(document))


def test_patterns_keep_dollar_signs_that_are_not_anchors() -> None:
    assert python_pattern(r"^[A-Z]{2,5}-[0-9]{2,3}$") == r"^[A-Z]{2,5}-[0-9]{2,3}\Z"
    assert python_pattern(r"^a[$]b\$c$|^d$") == r"^a[$]b\$c\Z|^d\Z"
    assert python_pattern(r"\?\s*$") == r"\?\s*\Z"
