"""Every report shows text from files as data: never markup, never a control sequence, never invalid.

One assessment and one custom checklist carry hostile text in every field a report shows — the
project name, assessors, notes, evidence, a waiver's reason and approver, the checklist's title,
an item's title and question — and each format is read back the way its consumers read it: the
terminal text as printed at 80 columns, JSON and SARIF with ``json``, JUnit with an XML parser,
Markdown with a CommonMark renderer (GitHub's table extension on), HTML with an HTML parser.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import item, write_checklist, yaml_quoted
from fm_governance.cli import main
from fm_governance.core.escaping import json_text, md_inline, md_paragraph, terminal_line, terminal_text, xml_text

# What each hostile value does to an output that trusts it.
HOSTILE = {
    "rich-close": "[/]",
    "rich-tag": "[internal] Chatbot",
    "rich-link": "[link=https://evil.example]click me[/link]",
    "emoji": "see fm-governance.yaml:100:7 :thumbs_up:",
    "osc8-link": "\x1b]8;;https://evil.example\x07hyper\x1b]8;;\x07link",
    "csi-colour": "\x1b[31mred\x1b[0m text \x1b[2J",
    "c1-csi": "c1\x9b31m control",
    "bidi": "left \u202eright\u202c done",
    "xml-forbidden": "bell\x07 nonchars \ufffe\uffff vt\x0b end",
    "md-table": "a | b | c",
    "md-code": "``` `tick` ```",
    "html": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "md-link": "[x](javascript:alert(1)) ![i](https://evil.example/i.png)",
    "md-emphasis": "**bold** _it_ ~~gone~~ # heading",
    "newlines": "line one\nline two\r\n- list item\n\n| x | y |",
    "entity": "&lt;b&gt; &amp; &#x3c;",
}
# Evidence that is one http(s) URL becomes a link; this one tries to end the link early.
HOSTILE_URL = 'https://example.com/a?b=<script>&c=)"](javascript:alert(1))\\x'
# The visible text a reader must still find, whatever the output escapes or strips.
VISIBLE = {key: terminal_line(value) for key, value in HOSTILE.items()}
RAW_DANGER = ("\x1b", "\x07", "\x9b", "\u202e", "\x0b")


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    """A custom checklist and a filled assessment with hostile text in every field a report shows."""
    folder = tmp_path / "checklists"
    items = [
        item(f"HO-0{n + 1}", "critical" if n == 0 else "high", question=f"Q{n} {HOSTILE[key]}?", title=f"T{n} {HOSTILE[key]}")
        for n, key in enumerate(HOSTILE)
        if n < 6
    ]
    checklist = write_checklist(folder, "hostile", items)
    text = checklist.read_text(encoding="utf-8").replace("title: Hostile", f"title: {yaml_quoted('Hostile ' + HOSTILE['rich-link'])}", 1)
    checklist.write_text(text, encoding="utf-8")

    everything = " ".join(HOSTILE.values())
    evidence = "\n".join(f"          - {yaml_quoted(v)}" for v in HOSTILE.values())
    waiver = f"{{reason: {yaml_quoted(everything)}, approved_by: {yaml_quoted(HOSTILE['rich-tag'] + HOSTILE['osc8-link'])}, expires: 2099-12-31}}"
    assessment = tmp_path / "fm-governance.yaml"
    assessment.write_text(
        f"""project:
  name: {yaml_quoted(everything)}
  assessors: [{", ".join(yaml_quoted(v) for v in HOSTILE.values())}]
  date: 2026-11-22
context:
  modes: []
checklists:
  hostile:
    version: 1.0.0
    items:
      HO-01:
        answer: partial
        notes: {yaml_quoted(everything)}
        evidence:
{evidence}
        waiver: null
      HO-02:
        answer: n/a
        notes: {yaml_quoted(everything)}
        evidence: []
        waiver: null
      HO-03:
        answer: "no"
        notes: {yaml_quoted(everything)}
        evidence: []
        waiver: {waiver}
      HO-04:
        answer: "no"
        notes: {yaml_quoted(HOSTILE["html"])}
        evidence: [{yaml_quoted(HOSTILE["md-link"])}, {yaml_quoted(HOSTILE_URL)}]
        waiver: null
      HO-05:
        answer: null
        notes: null
        evidence: []
        waiver: null
      HO-06:
        answer: "yes"
        notes: {yaml_quoted(HOSTILE["newlines"])}
        evidence: []
        waiver: null
inventory:
  models:
    - id: {yaml_quoted("gpt-4o" + HOSTILE["osc8-link"] + HOSTILE["md-code"])}
""",
        encoding="utf-8",
    )
    return folder, assessment


def invoke(folder: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--checklists-dir", str(folder)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_hostile_assessment_is_read_as_written(hostile: tuple[Path, Path]) -> None:
    folder, assessment = hostile
    code, out, err = invoke(folder, "check", str(assessment), "--format", "json", "--as-of", "2026-11-22")
    assert code == 0, err
    report = json.loads(out)
    # JSON is lossless: every string comes back exactly as the file holds it.
    assert report["project"]["name"] == " ".join(HOSTILE.values())
    assert report["project"]["assessors"] == list(HOSTILE.values())
    first = next(i for i in report["items"] if i["id"] == "HO-01")
    assert first["evidence"] == list(HOSTILE.values())
    assert next(i for i in report["items"] if i["id"] == "HO-03")["status"] == "waived"


def test_terminal_text_shows_everything_and_interprets_nothing(hostile: tuple[Path, Path]) -> None:
    folder, assessment = hostile
    code, out, err = invoke(folder, "check", str(assessment), "--as-of", "2026-11-22", "--fail-on", "low")
    assert code == 1, err
    for danger in RAW_DANGER:
        assert danger not in out
    assert "💯" not in out and "👍" not in out
    assert "\x1b" not in out  # no styles either: CliRunner is not a terminal
    shown = squeeze(out)
    # The project name (wrapped in the title), the checklist's title and each open question are
    # all there, character for character, once escape sequences and controls are gone.
    assert squeeze("fm-governance · " + " ".join(VISIBLE.values())) in shown
    # The checklist's title wraps inside its column: read the column back.
    lines = out.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("Area"))
    body = lines[lines.index(header) + 2 :]
    body = body[: next(n for n, line in enumerate(body) if line.lstrip().startswith("Overall"))]
    assert squeeze("Hostile " + VISIBLE["rich-link"]) == squeeze("".join(line[2 : header.index("Score")] for line in body))
    for n, key in enumerate(list(HOSTILE)[3:5], start=3):
        assert squeeze(f"Q{n} {VISIBLE[key]}?") in shown
    assert "fm-governance.yaml:100:7" in out
    assert "[/] [internal] Chatbot [link=https://evil.example]click" in out
    table = out[: out.index("Open items")]
    assert max(len(line) for line in table.splitlines()) <= 80


def test_terminal_text_with_output_file_is_the_same_text(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    folder, assessment = hostile
    _, printed, _ = invoke(folder, "check", str(assessment), "--as-of", "2026-11-22")
    target = tmp_path / "report.txt"
    code, out, _ = invoke(folder, "check", str(assessment), "--as-of", "2026-11-22", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8") == printed


def test_sarif_is_valid_json_and_keeps_the_question(hostile: tuple[Path, Path]) -> None:
    folder, assessment = hostile
    code, out, _ = invoke(folder, "check", str(assessment), "--format", "sarif", "--as-of", "2026-11-22")
    assert code == 0
    for danger in RAW_DANGER:
        assert danger not in out
    sarif = json.loads(out)
    messages = [r["message"]["text"] for r in sarif["runs"][0]["results"]]
    assert any(HOSTILE["emoji"] in m for m in messages)
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["HO-02"]["fullDescription"]["text"] == f"Q1 {HOSTILE['rich-tag']}?"


def test_junit_is_well_formed_xml(hostile: tuple[Path, Path]) -> None:
    folder, assessment = hostile
    code, out, _ = invoke(folder, "check", str(assessment), "--format", "junit", "--as-of", "2026-11-22")
    assert code == 0
    root = ET.fromstring(out.encode("utf-8"))  # raises on any character XML 1.0 forbids
    partial = root.find(".//testcase/system-out")
    skipped = root.find(".//testcase/skipped")
    assert partial is not None and skipped is not None
    for text in (partial.text or "", skipped.get("message") or ""):
        assert "<script>alert(1)</script>" in text  # escaped in the file, the text itself in the reader
        assert "\ufffe" not in text and "\x07" not in text
        assert "bell\ufffd nonchars \ufffd\ufffd" in text  # replaced where they stood, nothing else lost


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _html_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_html_report_escapes_everything(hostile: tuple[Path, Path]) -> None:
    folder, assessment = hostile
    code, html, _ = invoke(folder, "report", str(assessment), "--format", "html", "--as-of", "2026-11-22")
    assert code == 0
    tags = _html_tags(html)
    assert not [t for t, _ in tags if t in ("script", "img", "iframe")]
    assert not [a for _, a in tags if any(k.startswith("on") for k in a)]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert xml_text(html) == html, "a character HTML forbids reached the page"
    assert "\ud800" not in html


def _markdown_html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)


@pytest.mark.parametrize("full", [False, True], ids=["check", "report"])
def test_markdown_renders_the_text_and_nothing_else(hostile: tuple[Path, Path], full: bool) -> None:
    folder, assessment = hostile
    args = ("report", str(assessment)) if full else ("check", str(assessment), "--format", "markdown")
    code, markdown, _ = invoke(folder, *args, "--as-of", "2026-11-22")
    assert code == 0
    for danger in RAW_DANGER:
        assert danger not in markdown
    # Every table row keeps its header's column count: no `|` or newline from a value splits it.
    unescaped_pipes = re.compile(r"(?<!\\)\|")
    for block in re.findall(r"((?:^\|.*\n)+)", markdown, flags=re.MULTILINE):
        counts = {len(unescaped_pipes.findall(row)) for row in block.splitlines()}
        assert len(counts) == 1, block
    html = _markdown_html(markdown)
    parsed = _html_tags(html)
    assert not {t for t, _ in parsed} & {"script", "img", "del", "iframe"}
    # One heading of the first level (the report's title); links only where the tool makes them.
    assert [t for t, _ in parsed].count("h1") == (1 if full else 0)
    links = [attrs["href"] or "" for t, attrs in parsed if t == "a"]
    allowed = ({"style": "text-align:right"},)
    assert not [attrs for t, attrs in parsed if attrs and attrs not in allowed and t != "a"], "a value became an element with attributes"
    if full:
        # The evidence URL is one link, to where it says, its text the URL as written; the
        # catalog's licence page of the model is the other. Nothing else is a link.
        assert HOSTILE_URL in [unquote(link) for link in links] and "https://openai.com/policies/services-agreement/" in links and len(links) == 2
        assert all(link.startswith("https://") for link in links)
        assert html.count(escape(HOSTILE_URL)) >= 1
        # No JSON anywhere: the model id is a cell of the models table, as written (less controls).
        assert "```json" not in markdown and "language-json" not in html
        assert "<td>" + escape("gpt-4o" + VISIBLE["osc8-link"] + HOSTILE["md-code"]) + "</td>" in html
        assert "Evidence" in html and "Waiver" in html
    else:
        assert links == []
    assert "<strong>bold</strong>" not in html and "<em>it</em>" not in html
    # Rendered, the project name reads as written (less controls), entities and all.
    first = markdown.splitlines()[0]
    prefix = "# Governance assessment: " if full else "## No gate set · fm-governance: "
    rendered = MarkdownIt("commonmark").enable("table").renderInline(first.removeprefix(prefix[: prefix.index(" ") + 1]))
    assert squeeze(unescape(re.sub(r"<[^>]+>", "", rendered))) == squeeze(prefix.split(" ", 1)[1] + " ".join(VISIBLE.values()))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_escaped_text_is_inert_everywhere(text: str) -> None:
    shown = terminal_text(text)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]", shown)
    assert "\n" not in terminal_line(text) and "\t" not in terminal_line(text)
    ET.fromstring(f"<a b='{xml_text(text).replace('&', '&amp;').replace('<', '&lt;').replace(chr(39), '&apos;')}'/>")
    dumped = json_text({"t": text})
    dumped.encode("utf-8")
    assert json.loads(dumped)["t"] == re.sub("[\ud800-\udfff]", "\ufffd", text)
    row = f"| {md_inline(text)} | x |"
    assert len(re.findall(r"(?<!\\)\|", row)) == 3
    rendered = MarkdownIt("commonmark").enable("table").render(md_paragraph(text))
    assert not {t for t, _ in _html_tags(rendered)} - {"p"}


@pytest.mark.parametrize(
    "args",
    [
        ("check",),
        ("check", "--format", "json"),
        ("check", "--format", "markdown"),
        ("check", "--format", "sarif"),
        ("check", "--format", "junit"),
        ("report", "--format", "html"),
    ],
    ids=["text", "json", "markdown", "sarif", "junit", "html"],
)
def test_a_file_name_that_is_not_utf8_reaches_every_report(tmp_path: Path, catalog_dir: Path, args: tuple[str, ...]) -> None:
    import os

    from fm_governance.core.assessment import template_text
    from fm_governance.core.checklists import load_catalog

    # The name reaches Python as a lone surrogate (os.fsdecode), which no UTF-8 output can hold.
    raw = os.path.join(os.fsencode(tmp_path), b"\xff-fm-governance.yaml")
    with open(raw, "w", encoding="utf-8") as fh:
        fh.write(template_text(load_catalog([catalog_dir], builtins=())))
    code, out, err = invoke(catalog_dir, args[0], os.fsdecode(raw), *args[1:])
    assert code == 0, err
    out.encode("utf-8")
    if args[-1] in ("json", "sarif", "junit") or args == ("check",):
        assert "\ufffd-fm-governance.yaml" in out  # shown, the one byte that cannot be marked as such
