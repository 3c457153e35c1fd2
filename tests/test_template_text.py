"""template_text writes the blank assessment directly: it must equal ruamel.yaml's output byte for byte."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fm_governance.core import assessment
from fm_governance.core.assessment import render, template_document, template_text
from fm_governance.core.checklists import BUILTIN_IDS, load_catalog
from fm_governance.core.errors import InputError
from fm_governance.core.models import MODES, OWNERS, Checklist, Item, Severity
from fm_governance.core.yamlio import load_located, load_text, to_plain


def reference(checklists: Sequence[Checklist], project_name: str | None = None, modes: Sequence[str] = ()) -> str:
    return render(template_document(checklists, project_name=project_name, modes=modes))


def no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object) -> str:
        raise AssertionError("template_text fell back to the ruamel.yaml emitter")

    monkeypatch.setattr(assessment, "_slow_template_text", fail)


BUILTINS = list(load_catalog([], builtins=None))
CASES = [[c] for c in BUILTINS] + [BUILTINS, []]
OPTIONS = [(None, ()), ("Acme RAG platform", ("rag", "self-hosted")), ("payments-api v2.1 (prod)", tuple(MODES)), ("X", ("hosted-api",))]


@pytest.mark.parametrize("checklists", CASES, ids=[*BUILTIN_IDS, "all", "none"])
@pytest.mark.parametrize(("project_name", "modes"), OPTIONS)
def test_builtins_match_the_emitter(checklists: list[Checklist], project_name: str | None, modes: tuple[str, ...]) -> None:
    assert template_text(checklists, project_name=project_name, modes=modes) == reference(checklists, project_name, modes)


@pytest.mark.parametrize("checklists", CASES, ids=[*BUILTIN_IDS, "all", "none"])
@pytest.mark.parametrize(("project_name", "modes"), OPTIONS)
def test_builtins_take_the_fast_path(monkeypatch: pytest.MonkeyPatch, checklists: list[Checklist], project_name: str | None, modes: tuple[str, ...]) -> None:
    expected = reference(checklists, project_name, modes)
    no_fallback(monkeypatch)
    assert template_text(checklists, project_name=project_name, modes=modes) == expected


def test_accepts_any_iterable(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = reference(BUILTINS)
    no_fallback(monkeypatch)
    assert template_text(iter(BUILTINS)) == expected
    assert template_text(load_catalog([], builtins=None)) == expected  # type: ignore[arg-type]


def make_item(item_id: str, question: str = "Is it so?", severity: Severity = Severity.HIGH, owner: str = "legal") -> Item:
    return Item(id=item_id, title="T", question=question, why="w", guidance="g", evidence=("e",), severity=severity, owner=owner)


def make_checklist(checklist_id: str, items: Sequence[Item], version: str = "1.0.0") -> Checklist:
    return Checklist(id=checklist_id, title="T", version=version, summary="s", owner="risk", items=tuple(items))


def test_a_checklist_without_items(monkeypatch: pytest.MonkeyPatch) -> None:
    checklists = [make_checklist("empty", [])]
    expected = reference(checklists)
    assert "    items: {}\n" in expected
    no_fallback(monkeypatch)
    assert template_text(checklists) == expected


FALLBACKS: list[tuple[list[Checklist], str | None, tuple[str, ...]]] = [
    ([], "null", ()),  # ruamel quotes it
    ([], "True", ()),
    ([], "a #b", ()),
    ([], "a b " * 1100, ()),  # wrapped at width 4096
    ([], "ab" * 3000, ()),  # moved to its own line
    ([], "Zürich", ()),
    ([], None, ("on-prem",)),  # not a mode
    ([make_checklist("yes", [make_item("AA-01")])], None, ()),
    ([make_checklist("a", [make_item("AA-01")]), make_checklist("a", [make_item("AA-02")])], None, ()),  # same id twice
    ([make_checklist("a", [make_item("AA-01"), make_item("AA-01")])], None, ()),
    ([make_checklist("a", [make_item("aa-01")])], None, ()),
    ([make_checklist("a", [make_item("AA-01", "line\nbreak?")])], None, ()),
    ([make_checklist("a", [make_item("AA-01")], version='1.0"')], None, ()),
]


@pytest.mark.parametrize(("checklists", "project_name", "modes"), FALLBACKS)
def test_values_outside_the_known_set_fall_back(
    monkeypatch: pytest.MonkeyPatch, checklists: list[Checklist], project_name: str | None, modes: tuple[str, ...]
) -> None:
    assert assessment._fast_template_text(checklists, project_name, modes) is None
    assert template_text(checklists, project_name=project_name, modes=modes) == reference(checklists, project_name, modes)


# --- property: whatever the text, the result is the emitter's ---------------------------------

KEYWORDS = ["yes", "no", "null", "Null", "NULL", "true", "True", "false", "on", "off", "y", "n", "~", "1.0", "1", "0o7", "0x1F", ".inf", "2024-01-01", ""]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
READABLE = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029"), max_size=60)
TRICKY = st.sampled_from(["a: b", "a #b", "#x", "'q'", '"q"', " lead", "trail ", "- x", "[x]", "{x}", "&a", "*a", "!t", "%", "@", "`", "|", ">", "? x"])
LONG = st.tuples(st.text(st.sampled_from("ab ,:#'\"é"), min_size=1, max_size=6), st.integers(1, 1500)).map(lambda t: t[0] * t[1])
WORDS = st.one_of(st.sampled_from(KEYWORDS), TRICKY, LONG, READABLE, TEXT)


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any], in_ten: int = 8) -> st.SearchStrategy[Any]:
    """``good`` ``in_ten`` times out of ten, else ``bad``: most draws stay inside the set the direct
    writer handles, the rest exercise the fallback."""
    return st.integers(0, 9).flatmap(lambda n: good if n < in_ten else bad)


PROJECT_NAMES = mostly(st.one_of(st.none(), st.from_regex(r"[A-Za-z]([A-Za-z0-9 _.,/()+-]{0,40}[A-Za-z0-9])?", fullmatch=True)), WORDS, 6)
CHECKLIST_IDS = mostly(st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True), st.one_of(st.sampled_from(KEYWORDS), READABLE.filter(bool)))
ITEM_IDS = mostly(st.from_regex(r"[A-Z]{2,5}-[0-9]{2,3}", fullmatch=True), st.sampled_from(["YES-01", "null", "AB-1", "AB-0001", "ab-01"]), 9)
VERSIONS = mostly(st.from_regex(r"(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})", fullmatch=True), WORDS)
QUESTIONS = mostly(st.one_of(READABLE, st.sampled_from(KEYWORDS), TRICKY, LONG), TEXT, 9)
OWNER_TEXT = mostly(st.sampled_from(OWNERS), WORDS, 9)


@st.composite
def items(draw: st.DrawFn) -> Item:
    return Item(
        id=draw(ITEM_IDS),
        title=draw(WORDS),
        question=draw(QUESTIONS),
        why="w",
        guidance="g",
        evidence=("e",),
        severity=draw(st.sampled_from(list(Severity))),
        owner=draw(OWNER_TEXT),
    )


@st.composite
def checklists(draw: st.DrawFn) -> Checklist:
    return make_checklist(draw(CHECKLIST_IDS), draw(st.lists(items(), max_size=5)), version=draw(VERSIONS))


def plain(text: str) -> Any:
    try:
        return ("ok", load_located(text, "t.yaml")[0])
    except InputError as exc:
        return ("error", exc.message)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(checklists(), max_size=3), PROJECT_NAMES, st.lists(st.sampled_from(MODES), max_size=4))
def test_any_text_matches_the_emitter(cases: list[Checklist], project_name: str | None, modes: list[str]) -> None:
    expected = reference(cases, project_name, modes)
    fast = assessment._fast_template_text(cases, project_name, modes)
    event("fast path" if fast is not None else "fallback")
    if fast is not None:
        assert fast == expected
    text = template_text(cases, project_name=project_name, modes=modes)
    assert text == expected
    loaded = plain(text)
    assert loaded == plain(expected)
    if fast is not None:
        # The fast path only writes files that read back as the blank assessment they describe.
        assert loaded[0] == "ok", loaded
        data = loaded[1]
        assert data["project"] == {"name": project_name, "assessors": [], "date": None, "criticality": None, "owner": None}
        assert data["context"] == {"modes": modes}
        sections = data["checklists"] or {}
        assert list(sections) == [c.id for c in cases]
        for checklist in cases:
            section = sections[checklist.id]
            assert section["version"] == checklist.version
            blank = {"answer": None, "notes": None, "evidence": [], "waiver": None}
            assert (section["items"] or {}) == {it.id: blank for it in checklist.items}
        assert to_plain(load_text(text, "t.yaml")) == data


# Inside the known set the direct writer must answer (not fall back), whatever the free text.
SAFE_ITEMS = st.builds(
    make_item,
    st.from_regex(r"[A-Z]{2,5}-[0-9]{2,3}", fullmatch=True),
    st.one_of(READABLE, st.sampled_from(KEYWORDS), TRICKY, LONG),
    st.sampled_from(list(Severity)),
    st.one_of(st.sampled_from(OWNERS), READABLE, TRICKY),
)
SAFE_CHECKLISTS = st.builds(
    make_checklist,
    st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True).filter(lambda s: s not in KEYWORDS),
    st.lists(SAFE_ITEMS, max_size=5, unique_by=lambda it: it.id),
    st.from_regex(r"(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})", fullmatch=True),
)
SAFE_NAMES = st.one_of(
    st.none(),
    st.from_regex(r"[A-Za-z]([A-Za-z0-9 _.,/()+-]{0,40}[A-Za-z0-9])?", fullmatch=True).filter(lambda s: s.lower() not in KEYWORDS),
    st.tuples(st.sampled_from(["Ab ", "x", "a.b-c ", "Q(1) "]), st.integers(1, 160)).map(lambda t: (t[0] * t[1]).strip()),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(SAFE_CHECKLISTS, max_size=3, unique_by=lambda c: c.id), SAFE_NAMES, st.lists(st.sampled_from(MODES), max_size=4))
def test_known_values_take_the_fast_path(cases: list[Checklist], project_name: str | None, modes: list[str]) -> None:
    fast = assessment._fast_template_text(cases, project_name, modes)
    assert fast is not None
    assert fast == reference(cases, project_name, modes)


def test_a_long_question_with_quotes_and_hashes_takes_the_fast_path() -> None:
    sample = make_checklist("data-x", [make_item("DX-01", 'Is "it" #1: yes, ~ or 1.0?  é ✓ ' * 200, owner="no")], version="10.0.3")
    fast = assessment._fast_template_text([sample], "A b", ["rag"])
    assert fast is not None and fast == reference([sample], "A b", ["rag"])


def test_modes_given_as_an_iterator_survive_the_fallback() -> None:
    """The fast path gives up on a checklist id like ``yes``; the emitter must still see the modes."""
    checklist = make_checklist("yes", [])
    assert template_text([checklist], modes=iter(["rag"])) == reference([checklist], modes=("rag",))
