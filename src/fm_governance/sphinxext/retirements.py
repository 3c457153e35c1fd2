"""``fmg:retirements``: the model retirement calendar, rendered from the model catalog at build time.

The scanner's model catalog already holds, per model id pattern, the dates its developer announced
a deprecation and shuts the model down, the fine-tuning cut-off, the replacement named, the source
page and the day it was read. This directive turns that data into the page a reader plans with:
the retirements in the next months first (soonest at the top, with the days left), then later ones,
then the models already retired, most recent first, each row with the notice its developer gave.

Which day is "today" decides every split, so it is chosen once, while the page is read: the
``:as-of:`` option (reproducible builds and tests), else ``SOURCE_DATE_EPOCH`` (the reproducible
builds convention Sphinx also honours), else the build's UTC date. A page built without ``:as-of:``
is re-read on the first build of a new day, and every page with the directive is re-read when the
catalog file changes, so an incremental build never serves yesterday's calendar.

The table is made when the page is written, once the builder is known (the ``fmg:matrix``
pattern): on screen six columns, the retirement date in one of its own to scan down; in PDF,
EPUB and text, four columns that fit a portrait page, with the dates stacked in one cell. Every text from
the catalog enters the tree as ``nodes.Text`` (escaped by each writer) and only ``https`` sources
become links; the container's ``fmg-`` class puts it under :mod:`.latex`'s clean-up of invisible
characters.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxTranslator

from ..core.errors import InputError
from ..scan import retirements as data
from . import render
from .directives import FmgDirective

#: Developers as the calendar names them (catalog ``maker`` ids); others are shown as written.
DEVELOPERS = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google",
    "meta": "Meta",
    "mistral": "Mistral AI",
    "deepseek": "DeepSeek",
    "xai": "xAI",
    "cohere": "Cohere",
    "voyage": "Voyage AI",
}
#: Shown in a cell whose fact the catalog does not record (the page's introduction says what it means).
MISSING = "—"
#: Environment attribute: docname → the day a page without ``:as-of:`` was rendered for.
_DAYS = "fmg_retirement_days"
#: The calendar's own stylesheet (shipped in ``static/``; the shared ``fmg.css`` stays the badges').
STYLESHEET = "fmg-retirements.css"


class fmg_retirements(nodes.General, nodes.Element):
    """Placeholder for the calendar: attribute ``calendar`` (a :class:`~fm_governance.scan.retirements.Calendar`),
    ``months`` and ``show_retired``."""


def iso_date(argument: str | None) -> _dt.date:
    """Option parser for ``:as-of:``: a YYYY-MM-DD date."""
    try:
        return _dt.date.fromisoformat((argument or "").strip())
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {argument!r}") from None


def build_day(pinned: _dt.date | None) -> _dt.date:
    """The day the calendar is split around (see the module docstring)."""
    if pinned is not None:
        return pinned
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC).date()
    return _dt.datetime.now(_dt.UTC).date()


class RetirementsDirective(FmgDirective):
    """The retirement calendar of the model catalog (or of a catalog file given with ``:catalog:``)."""

    subtype = "retirements"
    option_spec: ClassVar[dict[str, Any]] = {
        "as-of": iso_date,
        "months": directives.positive_int,
        "catalog": directives.path,
        "no-retired": directives.flag,
    }

    def render(self) -> list[nodes.Node]:
        pinned: _dt.date | None = self.options.get("as-of")
        today = build_day(pinned)
        if "catalog" in self.options:
            _rel, path_text = self.env.relfn2path(self.options["catalog"], self.env.docname)
            path: Path | None = Path(path_text)
        else:
            path = None
        self.env.note_dependency(str(path or data.catalog_path()))
        try:
            rows = data.retirements(data.load_entries(path))
        except InputError as err:
            return self.warn(f"{self.name}: {err.one_line()}", self.subtype)
        except OSError as err:
            return self.warn(f"{self.name}: cannot read the catalog {path} ({err.strerror}) — check the :catalog: path", self.subtype)
        if pinned is None:
            getattr(self.env, _DAYS).setdefault(self.env.docname, today.isoformat())
        months = self.options.get("months", 12)
        node = fmg_retirements(calendar=data.calendar(rows, today, months=months), months=months, show_retired="no-retired" not in self.options)
        self.set_source_info(node)
        return [node]


# --- the tables ----------------------------------------------------------------------------------


def developer(maker: str) -> str:
    return DEVELOPERS.get(maker, maker)


def _date(day: _dt.date | None) -> str:
    return day.isoformat() if day else MISSING


def _model_cell(row: data.Retirement) -> list[nodes.Node]:
    ids: list[nodes.Node] = render.joined([nodes.literal(i, i) for i in row.ids]) if row.ids else [nodes.literal(row.pattern, row.pattern)]
    head: list[nodes.Node] = [nodes.strong(row.family, row.family), render.text(f" ({developer(row.developer)})")]
    return [render.paragraph(*head), render.paragraph(*ids, classes=["fmg-retirements-ids"])]


def _retires(row: data.Retirement, today: _dt.date) -> str:
    left = row.days_left(today)
    if left > 0:
        return f"{row.retired.isoformat()} (in {left} day{'s' if left != 1 else ''})"
    return row.retired.isoformat()


def _notice(row: data.Retirement) -> str:
    days = row.notice_days
    return MISSING if days is None else f"{days} days"


def _source(row: data.Retirement, note: int | None) -> list[nodes.Node]:
    host = urllib.parse.urlsplit(row.source).netloc or row.source
    parts: list[nodes.Node] = [render.external_link(row.source, host)]
    if row.evidence == "secondary":
        parts.append(render.text(", dates from secondary reports"))
    if note is not None:
        parts.append(render.text(f" (note {note})"))
    return [render.paragraph(*parts), render.paragraph(render.text(f"As of {row.as_of.isoformat()}"))]


def _notes(rows: Sequence[data.Retirement]) -> tuple[dict[int, int], dict[str, list[data.Retirement]]]:
    """Row index → note number for the rows that carry a note, and each note's text with its rows.

    Entries that share one lifecycle in the catalog (one deprecation, several families) share its
    note: it is printed once, and every row refers to the same number.
    """
    texts: dict[str, list[data.Retirement]] = {}
    numbers: dict[int, int] = {}
    for index, row in enumerate(rows):
        if row.note:
            texts.setdefault(row.note, []).append(row)
            numbers[index] = list(texts).index(row.note) + 1
    return numbers, texts


_URL = re.compile(r"https://[^\s<>\"']+")


def linked(text: str, *, hosts: bool = False) -> list[nodes.Node]:
    """``text`` with each ``https://`` address in it made a link (trailing punctuation left out).

    ``hosts``: the link shows only the address's host (the PDF, where a long address cannot break
    and would run into the margin; the link still leads to the full address).
    """
    out: list[nodes.Node] = []
    at = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        out.append(render.text(text[at : match.start()]))
        out.append(render.external_link(url, urllib.parse.urlsplit(url).netloc if hosts else url))  # type: ignore[arg-type]
        at = match.start() + len(url)
    out.append(render.text(text[at:]))
    return [n for n in out if not (isinstance(n, nodes.Text) and not str(n))]


def _day(day: _dt.date | None) -> nodes.paragraph:
    """A date that never breaks at its hyphens (the stylesheet keeps ``fmg-retirements-date`` whole)."""
    return render.paragraph(render.text(_date(day)), classes=["fmg-retirements-date"])


def calendar_table(rows: Sequence[data.Retirement], today: _dt.date, *, compact: bool, past: bool = False, short_links: bool = False) -> list[nodes.Node]:
    """One table of retirements, and the numbered notes its rows refer to.

    On screen the retirement date has a column of its own, to scan down, with the notice, the
    fine-tuning cut-off and the replacement beside it. On paper and in plain text six columns do
    not fit a portrait page, so the dates share one cell, a line each. The developer goes with the
    model and the as-of date with the source, in both.
    """
    numbers, texts = _notes(rows)
    body = []
    for index, row in enumerate(rows):
        note = numbers.get(index)
        if compact:
            dates = [
                render.paragraph(nodes.strong(label, label), render.text(f": {value}"))
                for label, value in (
                    ("Retired" if past else "Retires", _retires(row, today)),
                    ("Announced", _date(row.announced)),
                    ("Notice", _notice(row)),
                    ("Fine-tuning cut-off", _date(row.fine_tuning_cutoff)),
                )
            ]
            body.append([_model_cell(row), dates, row.replacement or MISSING, _source(row, note)])
        else:
            left = row.days_left(today)
            retires: list[nodes.Node] = [_day(row.retired)]
            if left > 0:
                retires.append(render.paragraph(render.text(f"in {left} day{'s' if left != 1 else ''}")))
            notice: list[nodes.Node] | str = MISSING
            if row.announced:
                notice = [
                    render.paragraph(render.text(_notice(row))),
                    render.paragraph(
                        render.text("announced "), nodes.inline(row.announced.isoformat(), row.announced.isoformat(), classes=["fmg-retirements-date"])
                    ),
                ]
            body.append([_model_cell(row), retires, notice, [_day(row.fine_tuning_cutoff)], row.replacement or MISSING, _source(row, note)])
    if compact:
        headers, widths = ["Model", "Dates", "Replacement named", "Source"], [39, 25, 16, 20]
    else:
        headers = ["Model", "Retired" if past else "Retires", "Notice given", "Fine-tuning cut-off", "Replacement named", "Source"]
        widths = [28, 13, 14, 12, 15, 18]
    table = render.table(headers, body, widths=widths, classes=["fmg-retirements-table", "colwidths-given"])
    # On screen, six columns scroll sideways in a box of their own on a phone (fmg.css), whatever the theme.
    out: list[nodes.Node] = [table if compact else nodes.container("", table, classes=["fmg-scroll"])]
    if texts:
        notes = nodes.enumerated_list(classes=["fmg-retirements-notes"], enumtype="arabic", prefix="", suffix=".")
        for text, sharing in texts.items():
            label = ", ".join(dict.fromkeys(r.family for r in sharing)) + ": "
            notes += nodes.list_item("", render.paragraph(nodes.strong(label, label), *linked(text, hosts=short_links)))
        out += [render.paragraph(render.text("Notes:"), classes=["fmg-retirements-notes-head"]), notes]
    return out


def calendar_nodes(node: fmg_retirements, *, compact: bool, short_links: bool = False) -> nodes.container:
    cal: data.Calendar = node["calendar"]
    months: int = node["months"]
    box = nodes.container(classes=["fmg-retirements"])
    checked = f"; the newest source in it was read on {cal.checked.isoformat()}" if cal.checked else ""
    box += render.paragraph(render.text(f"Calendar as of {cal.today.isoformat()}{checked}."), classes=["fmg-retirements-as-of"])
    span = f"{months} month{'s' if months != 1 else ''}"
    sections: list[tuple[str, tuple[data.Retirement, ...], str, bool]] = [
        (
            f"Next {span} (to {cal.horizon_end.isoformat()})",
            cal.upcoming,
            f"No model in the catalog retires between {cal.today.isoformat()} and {cal.horizon_end.isoformat()}.",
            False,
        ),
        (f"Later (from {cal.horizon_end.isoformat()})", cal.later, "No later retirement is recorded.", False),
    ]
    if node["show_retired"]:
        sections.append((f"Already retired (on or before {cal.today.isoformat()})", cal.retired, "No retired model is recorded.", True))
    for title, rows, empty, past in sections:
        box += nodes.rubric(title, title, classes=["fmg-retirements-heading"])
        if rows:
            box.extend(calendar_table(rows, cal.today, compact=compact, past=past, short_links=short_links))
        else:
            box += render.paragraph(render.text(empty), classes=["fmg-retirements-empty"])
    return box


# --- events --------------------------------------------------------------------------------------


def _on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    compact = app.builder.format != "html" or app.builder.name.startswith("epub")
    for node in list(doctree.findall(fmg_retirements)):
        node.replace_self(calendar_nodes(node, compact=compact, short_links=app.builder.format == "latex"))


def _on_write_started(app: Sphinx, builder: Builder) -> None:
    """Write the calendar's stylesheet before pages link to it."""
    if builder.format != "html":
        return
    static = Path(builder.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / STYLESHEET).write_bytes(Path(__file__).with_name("static").joinpath(STYLESHEET).read_bytes())


def _on_builder_inited(app: Sphinx) -> None:
    if not hasattr(app.env, _DAYS):
        setattr(app.env, _DAYS, {})


def _on_get_outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """Pages rendered for an earlier day (no ``:as-of:``) are re-read: their calendar has moved."""
    today = build_day(None).isoformat()
    return [doc for doc, day in getattr(env, _DAYS, {}).items() if day != today and doc not in removed]


def _on_purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, _DAYS, {}).pop(docname, None)


def _on_merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    getattr(env, _DAYS).update({doc: day for doc, day in getattr(other, _DAYS, {}).items() if doc in docnames})


def _skip(self: SphinxTranslator, node: fmg_retirements) -> None:
    """Placeholders are replaced before writing; one that is not (a builder that never resolves
    doctrees) is dropped rather than crashing the writer."""
    raise nodes.SkipNode


def setup_retirements(app: Sphinx) -> None:
    app.add_node(fmg_retirements, **dict.fromkeys(("html", "latex", "text", "man", "texinfo"), (_skip, None)))
    app.add_directive_to_domain("fmg", "retirements", RetirementsDirective)
    app.add_css_file(STYLESHEET)
    app.connect("write-started", _on_write_started)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("env-get-outdated", _on_get_outdated)
    app.connect("env-purge-doc", _on_purge_doc)
    app.connect("env-merge-info", _on_merge_info)
    app.connect("doctree-resolved", _on_doctree_resolved)
