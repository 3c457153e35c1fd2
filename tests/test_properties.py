"""Properties over examples: a merge never loses what a person wrote; bad input never tracebacks."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from conftest import item, write_checklist
from fm_governance.core.assessment import merge, read_assessment, render, template_document
from fm_governance.core.checklists import load_catalog
from fm_governance.core.errors import InputError
from fm_governance.core.yamlio import load_text

ANSWERS = st.sampled_from([None, "yes", "partial", "no", "n/a"])
# Notes are free text: quotes, colons, hashes, newlines, unicode — everything YAML has to escape.
NOTES = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029"), min_size=1, max_size=40).filter(
        lambda s: s.strip() == s and s.strip()
    ),
)


@st.composite
def evolutions(draw: st.DrawFn) -> tuple[list[str], list[dict[str, object]], dict[str, tuple[object, object]]]:
    """A v1 item list, a v2 checklist that keeps, drops, adds and renames items, and v1 answers."""
    n = draw(st.integers(1, 8))
    v1 = [f"AL-{i:02d}" for i in range(1, n + 1)]
    fate = {old: draw(st.sampled_from(["keep", "drop", "rename"])) for old in v1}
    v2: list[dict[str, object]] = []
    next_id = n + 1
    for old in v1:
        if fate[old] == "keep":
            v2.append(item(old))
        elif fate[old] == "rename":
            v2.append(item(f"AL-{next_id:02d}", replaces=[old]))
            next_id += 1
    for _ in range(draw(st.integers(0, 3))):
        v2.append(item(f"AL-{next_id:02d}"))
        next_id += 1
    if not v2:
        v2.append(item(f"AL-{next_id:02d}"))
    answers = {old: (draw(ANSWERS), draw(NOTES)) for old in v1}
    return v1, v2, answers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(evolutions())
def test_merge_never_drops_an_answer_note_or_comment(case: tuple[list[str], list[dict[str, object]], dict[str, tuple[object, object]]]) -> None:
    v1_ids, v2_items, answers = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "checklists"
        write_checklist(folder, "alpha", [item(i) for i in v1_ids])
        v1 = load_catalog([folder], builtins=())
        doc = template_document(v1)
        items = doc["checklists"]["alpha"]["items"]
        for item_id, (answer, notes) in answers.items():
            node = items[item_id]
            node["answer"] = DoubleQuotedScalarString(answer) if answer else None
            node["notes"] = DoubleQuotedScalarString(notes) if notes else None
            node.yaml_add_eol_comment(f"comment-of-{item_id}", "notes")
        text1 = render(doc)
        write_checklist(folder, "alpha", v2_items, version="2.0.0")
        v2 = load_catalog([folder], builtins=())
        merged = merge(load_text(text1, "a.yaml"), v2, file="a.yaml")
        text2 = render(merged.document, original=text1)
        data = load_text(text2, "a.yaml")["checklists"]["alpha"]
        renamed = {old: str(spec["id"]) for spec in v2_items for old in spec.get("replaces", [])}  # type: ignore[union-attr]
        live = data["items"]
        retired = data.get("retired") or {}
        for old, (answer, notes) in answers.items():
            node = live.get(renamed.get(old, old)) if (old in renamed or old in live) else retired.get(old)
            assert node is not None, (old, text2)
            assert node["answer"] == answer
            assert node["notes"] == notes
            assert text2.count(f"# comment-of-{old}") == 1
        # a second run changes nothing
        again = merge(load_text(text2, "a.yaml"), v2, file="a.yaml")
        assert render(again.document, original=text2) == text2


@functools.cache
def builtin_catalog():  # type: ignore[no-untyped-def]
    return load_catalog()


YAMLISH = st.text(alphabet=st.sampled_from([*"abcDE-01:{}[]&*!|>'\"#%@`,?\n\t  yesno", "\x00", "\xe9", "\ufeff"]), max_size=200)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_any_text_gives_a_result_or_a_located_error(text: str) -> None:
    catalog = builtin_catalog()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fm-governance.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            read_assessment(path, catalog)
        except InputError as exc:
            line = exc.one_line()
            assert line.startswith(str(path)) and "\n" not in line


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_assessments_give_a_result_or_a_located_error(data: st.DataObject) -> None:
    catalog = builtin_catalog()
    text = render(template_document(catalog.select(["data-exposure"])))
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            text = text[:pos] + data.draw(st.sampled_from([":", "-", " ", "\n", "[", "'", "5", "&a", "*a", "maybe", "!!binary "])) + text[pos:]
        else:
            text = text[:pos] + text[pos + data.draw(st.integers(1, 12)) :]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fm-governance.yaml"
        path.write_text(text)
        try:
            read_assessment(path, catalog)
        except InputError as exc:
            assert exc.one_line().startswith(str(path))
