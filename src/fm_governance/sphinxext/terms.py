"""``fmg:provider-terms``: the provider-terms data as comparison tables, one per topic.

Each topic (training, retention, zero retention, indemnity…) is one table whose rows are the
providers' channels and whose three columns are the channel, what its terms say, and the source
with the date it was read. One table per topic rather than one wide grid: nine topics across
thirteen channels is a grid no phone (390 px) and no portrait PDF page can show, while three
columns wrap to any width and break across PDF pages (``longtable``). The rows keep the data
file's order, which groups each provider's channels together — the comparison a reader makes —
so the tables are not sortable: a dozen short rows gain nothing from a sort script.

Every cell shows its status: a statement read on the primary source, one read only in secondary
reports (said so in the source column), or a gap the data file marks ``unverified`` or
``not-applicable``, shown with its note rather than left blank. Text from the data file enters the
tree only as text nodes, and source URLs become links only when they are ``https``.

Options: ``:topics:`` and ``:channels:`` (ids, in any order; shown in data-file order). The
optional argument names a provider-terms file relative to the page (default: the data that ships
with fm-governance, ``fm_governance/terms/provider-terms.yaml``). A file that cannot be read or
validated is an ``fmg.terms`` warning located at the offending line of the data file.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder

from .. import terms as provider_terms
from ..core.errors import InputError, InputErrors
from . import catalog, render
from .directives import FmgDirective, id_list
from .output import STATIC_DIR

#: Relative column widths: channel, what the terms say, source and date.
WIDTHS = (24, 52, 24)


class ProviderTermsDirective(FmgDirective):
    """One comparison table per topic of the provider-terms data."""

    subtype = "terms"
    optional_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"topics": id_list, "channels": id_list}

    def render(self) -> list[nodes.Node]:
        try:
            data = self._data()
        except InputErrors as exc:
            for error in exc.errors:
                self._warn_input(error)
            return []
        except InputError as exc:
            self._warn_input(exc)
            return []
        try:
            topics, channels = provider_terms.select(data, topics=self.options.get("topics", ()), channels=self.options.get("channels", ()))
        except InputError as exc:  # an option names an id the data does not have: located at the directive
            return self.warn(f"fmg:provider-terms: {exc.message} — {exc.fix}", "terms")
        return [topic_table(topic, channels) for topic in topics]

    def _data(self) -> provider_terms.ProviderTerms:
        if not self.arguments:
            shipped = resources.files(provider_terms.__name__).joinpath(provider_terms.DATA_FILE)
            # Re-read the page when the shipped data changes (an editable install, a new release).
            self.depend(str(shipped))
            return provider_terms.shipped()
        _rel, path = self.env.relfn2path(self.arguments[0], self.env.docname)
        # Depend on the file even when it is missing or broken, so fixing it re-reads the page.
        self.depend(str(path))
        try:
            return provider_terms.load_file(Path(path))
        except InputError:
            raise
        except Exception as exc:  # whatever the file holds, the build goes on: located at the file
            raise InputError(catalog.error_location(exc, str(path)), f"cannot be read ({catalog.unexpected(exc)})", "check the file's YAML") from None

    def _warn_input(self, error: InputError) -> None:
        text = error.message + (f" — {error.fix}" if error.fix else "")
        where = catalog.warning_location(error) if error.location.line else error.location.file
        self.warn(f"fmg:provider-terms: {where}: {' '.join(text.split())}", "terms")


def topic_table(topic: provider_terms.Topic, channels: list[provider_terms.Channel]) -> nodes.table:
    rows = [[_channel_cell(channel), _term_cell(channel.terms[topic.id]), _source_cell(channel.terms[topic.id])] for channel in channels]
    table = render.table(["Channel", "What the terms say", "Source, date read"], rows, widths=WIDTHS, classes=["fmg-terms", "colwidths-given"])
    title = nodes.title(topic.title, topic.title)
    table.insert(0, title)
    table["ids"] = [f"fmg-terms-{topic.id}"]
    return table


def _channel_cell(channel: provider_terms.Channel) -> list[render.NodeLike]:
    return [nodes.strong(channel.provider, channel.provider), render.text(f": {channel.channel}")]


def _term_cell(cell: provider_terms.Cell) -> list[render.NodeLike]:
    if not cell.stated:
        label = provider_terms.STATUS_LABELS[cell.status].capitalize()
        return [render.badge("terms", cell.status, label), render.text(f" — {cell.note}")]
    parts: list[render.NodeLike] = [render.text(cell.text)]
    if cell.note:
        parts += [render.text(" "), nodes.emphasis(cell.note, cell.note)]
    return parts


def _source_cell(cell: provider_terms.Cell) -> list[render.NodeLike]:
    if not cell.stated:
        return ["—"]
    read = f"read {cell.as_of}"
    parts: list[render.NodeLike] = [render.external_link(cell.source, source_label(cell.source)), ", ", nodes.inline(read, read, classes=["fmg-terms-date"])]
    if cell.status == "secondary":
        parts += [render.text(" "), render.badge("terms", "secondary", "(secondary sources only)")]
    return parts


def source_label(url: str) -> str:
    """A short, readable name for a source: its host, without ``www.`` (the link holds the rest)."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


CSS = "fmg-terms.css"


def _on_write_started(app: Sphinx, builder: Builder) -> None:
    """Write the tables' stylesheet (html builders only; the other builders need none)."""
    if builder.format != "html":
        return
    static = Path(builder.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / CSS).write_bytes((STATIC_DIR / CSS).read_bytes())


def setup_terms(app: Sphinx) -> None:
    app.add_directive_to_domain("fmg", "provider-terms", ProviderTermsDirective)
    app.add_css_file(CSS)
    app.connect("write-started", _on_write_started)
