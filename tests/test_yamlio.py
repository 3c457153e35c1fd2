"""The one YAML reader: limits, located errors, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fm_governance.core import yamlio
from fm_governance.core.errors import InputError

BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        (BOMB, "f.yaml:", "YAML aliases"),
        ("a: &a [*a]\n", "f.yaml:1:4", "recursive YAML alias"),
        ("a: !!python/object:os.system x\n", "f.yaml:1:4", "is not allowed"),
        ("a: 1\nb: 2\na: 3\n", "f.yaml:3:1", "duplicate key 'a'"),
        ("a: [1, 2\nb: 3\n", "f.yaml:2:2", "invalid YAML"),
        ("a:\n\tb: 1\n", "f.yaml:2:1", "invalid YAML"),
        ("[" * 200 + "]" * 200, "f.yaml:1:", "nested deeper than 64"),
    ],
)
def test_bad_yaml_is_a_located_one_line_error(text: str, where: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        yamlio.load_text(text, "f.yaml")
    line = info.value.one_line()
    assert line.startswith(where)
    assert fragment in line
    assert "\n" not in line
    assert " — " in line  # every error says what to do


def test_alias_bomb_is_refused_before_expansion() -> None:
    # 9**10 values if expanded: refusing must not depend on walking them.
    with pytest.raises(InputError, match="expands to more than"):
        yamlio.load_text(BOMB + "j: [*i, *i, *i, *i, *i, *i, *i, *i, *i]\n", "f.yaml")


def test_few_aliases_are_fine() -> None:
    data = yamlio.load_text("a: &a {x: 1}\nb: *a\n", "f.yaml")
    assert data["b"]["x"] == 1


def test_non_utf8_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("a: 1\nname: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(InputError) as info:
        yamlio.load_file(path)
    assert info.value.one_line().startswith(f"{path}:2:10: is not UTF-8")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert yamlio.load_file(path) == {"a": 1}


def test_oversized_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(InputError, match="larger than 8 MiB"):
        yamlio.load_file(path)


def test_a_file_is_read_whole_up_to_the_cap_whatever_size_it_reported(tmp_path: Path) -> None:
    """The read asks for the size the file reports, then for what it grew by since, up to the cap:
    a file at the cap is read whole, one byte over is refused, and a file that reports no size
    (as /proc files do) is still read whole."""
    from fm_governance.core.files import read_bytes

    at_cap = tmp_path / "at-cap.yaml"
    at_cap.write_bytes(b"a: 1\n" + b"#" * (yamlio.MAX_BYTES - 6) + b"\n")
    assert yamlio.read_text(at_cap).startswith("a: 1")
    over = tmp_path / "over.yaml"
    over.write_bytes(at_cap.read_bytes() + b"#")
    with pytest.raises(InputError, match="larger than 8 MiB"):
        yamlio.read_text(over)
    status = Path("/proc/self/status")
    if status.exists():  # Linux: a regular file of size 0 whose reads return text
        assert status.stat().st_size == 0
        assert read_bytes(status, 1 << 20).startswith(b"Name:")
        assert len(read_bytes(status, 10)) == 11  # the cap and one byte: enough to refuse


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_missing_file_and_directory(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.yaml"
    if kind == "directory":
        path.mkdir()
    with pytest.raises(InputError) as info:
        yamlio.load_file(path)
    assert info.value.one_line().startswith(str(path))
    assert ("no such file" if kind == "missing" else "is a directory") in info.value.one_line()


def test_write_atomic_replaces_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("old\n")
    os.chmod(path, 0o600)
    yamlio.write_atomic(path, "new\n")
    assert path.read_text() == "new\n"
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_crash_mid_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("answer: yes\n")

    def boom(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        yamlio.write_atomic(path, "answer: no\n" * 1000)
    assert path.read_text() == "answer: yes\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_locate_finds_keys_values_and_list_items() -> None:
    doc = yamlio.load_text("a:\n  b:\n    - x\n    - y\n  c: 3\n", "f.yaml")
    assert str(yamlio.locate(doc, ["a", "c"], "f.yaml")) == "f.yaml:5:6"
    assert str(yamlio.locate(doc, ["a", "c"], "f.yaml", key=True)) == "f.yaml:5:3"
    assert str(yamlio.locate(doc, ["a", "b", 1], "f.yaml")) == "f.yaml:4:7"
    # a missing tail locates at the deepest container that exists
    assert str(yamlio.locate(doc, ["a", "missing", "x"], "f.yaml")) == "f.yaml:2:3"


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        (BOMB, "f.yaml:5:4", "expands to more than"),
        ("a: &a [*a]\n", "f.yaml:1:4", "recursive YAML alias"),
        ("a: 1\nb: 2\na: 3\n", "f.yaml:3:1", "duplicate key 'a'"),
        ("a: [1, 2\nb: 3\n", "f.yaml:2:2", "invalid YAML"),
        ("[" * 200 + "]" * 200, "f.yaml:1:", "nested deeper than 64"),
        ("a: !!set {x, y}\n", "f.yaml:1:4", "YAML tag '!!set' is not allowed"),
        ("a: !!int 'abc'\n", "f.yaml:1:4", "YAML tag '!!int' is not allowed"),
        ("a: !!str 123\n", "f.yaml:1:4", "YAML tag '!!str' is not allowed"),
        ("%TAG !e! tag:x,2000:\n---\na: !e!y 1\n", "f.yaml:3:4", "YAML tag '!e!y' is not allowed"),
        ("b: &b {x: 1}\na:\n  <<: *b\n", "f.yaml:3:3", "merge keys (<<) are not supported"),
        ("a: " + "1" * 4301 + "\n", "f.yaml:1:4", "a number of 4,301 digits is too long to read"),
        ("a: x\rb: \x00\r", "f.yaml:2:4", "character U+0000 is not allowed"),
        ("%YAML 1.3\n---\na: 1\n", "f.yaml:1:1", "unsupported %YAML version"),
    ],
)
def test_both_readers_refuse_alike(text: str, where: str, fragment: str) -> None:
    """The round-trip reader first runs the located one, so every refusal is the same line."""
    lines = []
    for reader in (yamlio.load_located, yamlio.load_text, yamlio.load_plain):
        with pytest.raises(InputError) as info:
            reader(text, "f.yaml")
        lines.append(info.value.one_line())
    assert lines[0] == lines[1] == lines[2]
    assert lines[0].startswith(where) and fragment in lines[0], lines[0]


@pytest.mark.parametrize(
    "text",
    [
        "a: 2024-13-01\n",
        "a: 2024-01-01T10:00:00.50+01:00\n",
        "a: 1_000\n",
        "a: 0b101\n",
        "a: yes\n",
        "a: 012\n",
        "a: _\n",
        "%YAML 1.1\n---\na: yes\nb: 012\n",
    ],
)
def test_both_readers_type_plain_values_alike_and_write_them_back_as_written(text: str) -> None:
    located, _ = yamlio.load_located(text, "f.yaml")
    document = yamlio.load_text(text, "f.yaml")
    assert yamlio.to_plain(document) == located == yamlio.load_plain(text, "f.yaml")
    assert yamlio.dump_text(document) == text.split("---\n")[-1]  # directives are render()'s to keep


def test_an_alias_as_a_mapping_key_is_refused_by_both_readers() -> None:
    """ruamel.yaml would write it back as `*k: v`, which reads as an alias named `k:`."""
    text = "a: &k key\nb: {x: 1, *k : w}\n"
    for reader in (yamlio.load_located, yamlio.load_text):
        with pytest.raises(InputError, match=r"^f\.yaml:1:4: this value is used again as a mapping key through an alias"):
            reader(text, "f.yaml")
    assert yamlio.load_located("a: [&k x, *k]\nb: {c: *k}\n", "f.yaml")[0] == {"a": ["x", "x"], "b": {"c": "x"}}


@pytest.mark.parametrize(
    ("text", "where"),
    [("y\taml: 1\n", "f.yaml:1:2"), ("a: x\ty\n", "f.yaml:1:5"), ("a: 1\t\n", "f.yaml:1:5"), ("a:\t1\n", "f.yaml:1:3"), ("a: 'x'\t# c\n", "f.yaml:1:7")],
)
def test_tabs_between_tokens_are_refused_by_both_readers(text: str, where: str) -> None:
    """libyaml reads them, ruamel.yaml does not: refused alike, so check and assess agree."""
    for reader in (yamlio.load_located, yamlio.load_text):
        with pytest.raises(InputError) as info:
            reader(text, "f.yaml")
        assert info.value.one_line().startswith(f"{where}: a tab here is not read by every YAML reader")


@pytest.mark.parametrize("text", ['a: "x\ty"\n', "a: 'x\ty'\n", "a: |\n  x\n  \ty\n", "a: 1 # c\td\n", "# \tx\na: 1\n", 'a: "x\n\ty"\n'])
def test_tabs_in_quoted_text_blocks_and_comments_are_read(text: str) -> None:
    assert yamlio.to_plain(yamlio.load_text(text, "f.yaml")) == yamlio.load_located(text, "f.yaml")[0]


@pytest.mark.parametrize(
    ("text", "where"),
    [("# \u2028x\na: 1\n", "f.yaml:1:3"), ('a: "x\u2028y"\n', "f.yaml:1:6"), ("a: 1\nb: x\x85y\n", "f.yaml:2:5"), ("a: 1\n\ufeff", "f.yaml:2:1")],
)
def test_yaml_1_1_line_breaks_are_refused_by_both_readers(text: str, where: str) -> None:
    """libyaml ends a line at U+0085, U+2028 and U+2029 and skips a byte order mark anywhere;
    ruamel.yaml does neither."""
    for reader in (yamlio.load_located, yamlio.load_text):
        with pytest.raises(InputError) as info:
            reader(text, "f.yaml")
        assert info.value.one_line().startswith(f"{where}: "), info.value.one_line()
    assert yamlio.load_located('a: "x\\Ly"\n', "f.yaml")[0] == {"a": "x\u2028y"}  # the escape is fine


@pytest.mark.parametrize("text", ["b: |\n \n  x\n", "a:\n  b: >\n   \n    x\n"])
def test_a_block_starting_with_a_line_of_fewer_spaces_is_refused_by_both_readers(text: str) -> None:
    """libyaml reads the line as empty; ruamel.yaml takes it for the block's indentation."""
    for reader in (yamlio.load_located, yamlio.load_text):
        with pytest.raises(InputError, match=r"^f\.yaml:[23]:1: the first line of this \| or > block holds only spaces"):
            reader(text, "f.yaml")
    assert yamlio.load_text("b: |\n\n  x\n", "f.yaml") == {"b": "\nx\n"}  # an empty first line is fine


# --- the reader without positions (load_plain) -------------------------------------------------

EXAMPLE = Path(__file__).parents[1] / "examples" / "portfolio" / "claims-triage" / "fm-governance.yaml"


def test_the_reader_without_positions_reads_a_real_assessment_without_the_located_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The common file takes the fast way: the located reader is not needed (nor called) for it."""
    text = EXAMPLE.read_text(encoding="utf-8")
    expected = yamlio.load_located(text, "f.yaml")[0]

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the located reader was asked")

    monkeypatch.setattr(yamlio, "load_located", refuse)
    assert yamlio.load_plain(text, "f.yaml") == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "---\n",
        "x\n",
        "a: 1\nb: 0x1f\nc: 0o17\nd: 1.5\ne: -.inf\nf: true\ng: ~\nh: '1'\ni:\n",
        "- a\n- [b, c]\n- {d: e}\n- - - deep\n",
        "a: [&k x, *k]\nb: {c: *k}\n",
        "a: |\n  text\n  more\nb: >-\n  folded\n  text\n",
        "a: \"**bold** & *it*\"\nb: 'x'\n",
        "'a': 1\nb: {'c': [1, 2]}\n",
        "a: yes\nb: on\nc: 2024-01-01\nd: 012\n",
    ],
)
def test_the_reader_without_positions_reads_what_the_located_reader_reads(text: str) -> None:
    assert yamlio.load_plain(text, "f.yaml") == yamlio.load_located(text, "f.yaml")[0]


@pytest.mark.parametrize(
    "text",
    [
        "a: b\n---\nc: d\n",
        "1: a\n",
        "? [a]\n: b\n",
        "'a': 1\n\"a\": 2\n",
        "a: &x {b: 1}\n",
        "a:\n  <<: {b: 1}\n",
        BOMB,
    ],
)
def test_what_the_reader_without_positions_does_not_take_on_is_read_or_refused_by_the_located_reader(text: str) -> None:
    def outcome(read: object) -> object:
        try:
            return read(text, "f.yaml")  # type: ignore[operator]
        except InputError as exc:
            return exc.one_line()

    assert outcome(yamlio.load_plain) == outcome(lambda t, f: yamlio.load_located(t, f)[0])


_KEYS = st.text(alphabet="ab-_:#&*!|>'\" \t\\\n1.~", min_size=0, max_size=6)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12))
_DATA = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)), max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(data=_DATA, flow=st.sampled_from([None, True, False]), style=st.sampled_from([None, "'", '"', "|"]))
def test_the_two_readers_agree_on_any_document(data: object, flow: bool | None, style: str | None) -> None:
    """Same data, or the same one-line refusal, for documents written in every YAML style."""
    import yaml as pyyaml

    text = pyyaml.safe_dump(data, default_flow_style=flow, default_style=style, allow_unicode=True)

    def outcome(read: object) -> object:
        try:
            return ("data", read(text, "f.yaml"))  # type: ignore[operator]
        except InputError as exc:
            return ("refused", exc.one_line())

    assert outcome(yamlio.load_plain) == outcome(lambda t, f: yamlio.load_located(t, f)[0])
