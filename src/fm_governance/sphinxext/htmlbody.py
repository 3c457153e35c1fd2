"""HTML item bodies from a template: question, badges, why, guidance, evidence and references.

The html, dirhtml and singlehtml builders render an item's body from the Jinja template
``fmg/item-body.html`` instead of a tree of docutils nodes. The body is about fifty nodes an
item; at thousands of items, making them, walking them with every post-transform, translating
them and collecting them again (docutils nodes form reference cycles, so only Python's cyclic
garbage collector frees them) was the largest part of the extension's build time. The template
renders the same HTML the node tree does (``tests/test_htmlbody.py`` holds the two to the same
output), as ``raw`` HTML around the guidance — the one part that is Markdown and may hold links
and roles, so it stays nodes and goes through the translator.

Safety: every value the template shows is escaped (numeric references, see :func:`_escape`, with
autoescape behind it), unless the template itself marks it safe; links are made only for
``http(s)`` URLs. Smart quotes are applied to the text first, exactly as Sphinx applies them to
nodes. A project can replace the template with its own ``fmg/item-body.html`` in a
``templates_path`` folder; an error in it is a located warning and the built-in template is used.

EPUB and the other builders (latex, text, man, texinfo) keep the node tree
(:func:`.render.item_body`): EPUB because it shows link addresses only for link nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from docutils import nodes
from markupsafe import Markup
from sphinx.config import Config
from sphinx.util import logging

from ..core.models import FRAMEWORK_TITLES, Item
from .output import badge_classes
from .render import consulted_value

logger = logging.getLogger(__name__)

TEMPLATE = "fmg/item-body.html"
TEMPLATES_DIR = Path(__file__).parent / "templates"
#: Stands for the guidance in the rendered template; the HTML is split there around the guidance
#: nodes. Text is escaped, so a ``<`` in the output can only come from the template itself.
GUIDANCE_MARK = "<!--fmg:guidance-->"


@dataclass
class BadgeView:
    kind: str
    value: str
    classes: str


@dataclass
class ReferenceView:
    """``framework``: a framework reference (``label`` its title, ``id`` the clause); otherwise a
    source (``label``, and ``url`` when it is an http(s) link). ``note``: may be empty."""

    label: str
    id: str = ""
    note: str = ""
    url: str = ""
    framework: bool = False


@dataclass
class ItemView:
    """What the template sees as ``item``. Strings are plain text (the template escapes them)
    with smart quotes already applied; ``guidance`` is where the guidance goes."""

    id: str
    title: str
    question: str
    why: str
    severity: str
    owner: str
    #: Roles consulted beside the owner; empty when the item names none.
    consulted: list[str]
    modes: list[str]
    badges: list[BadgeView]
    evidence: list[str]
    references: list[ReferenceView]
    checklist: str
    guidance: Markup = field(default_factory=lambda: Markup(GUIDANCE_MARK))
    #: The checklist version in which the question last changed in meaning ("" = never), and the
    #: question as it read before then ("" when the checklist does not say).
    changed: str = ""
    previous_question: str = ""


#: The reference entries' separators, part of the text smart quotes read (as in the node tree).
_ID_SEP, _NOTE_SEP = " ", " — "


def text_units(item: Item) -> list[list[str]]:
    """The item's text as smart quotes read it: one list of pieces per paragraph of the body."""
    units = [[item.question], [item.why], *([e] for e in item.evidence)]
    for ref in item.references:
        head = [ref.label] if ref.is_source else [FRAMEWORK_TITLES.get(ref.framework, ref.framework), _ID_SEP + ref.id]
        units.append([*head, _NOTE_SEP + ref.note] if ref.note else head)
    if item.previous_question:  # last, so the units before keep their places
        units.append([item.previous_question])
    return units


def item_view(item: Item, units: list[list[str]], config: Config) -> ItemView:
    """The template's ``item``, from ``units`` as :func:`text_units` made them (maybe educated)."""
    question, why = units[0][0], units[1][0]
    evidence = [u[0] for u in units[2 : 2 + len(item.evidence)]]
    references = []
    first_ref = 2 + len(item.evidence)
    for ref, unit in zip(item.references, units[first_ref : first_ref + len(item.references)], strict=True):
        note = unit[-1][len(_NOTE_SEP) :] if ref.note else ""
        if ref.is_source:
            url = ref.url if ref.url.startswith(("https://", "http://")) else ""
            references.append(ReferenceView(label=unit[0], note=note, url=url))
        else:
            references.append(ReferenceView(label=unit[0], id=unit[1][len(_ID_SEP) :], note=note, framework=True))
    badges = [BadgeView("severity", item.severity.value, badge_classes("severity", item.severity.value, config))]
    badges.append(BadgeView("owner", item.owner, badge_classes("owner", item.owner, config)))
    if item.consulted:
        value, shown = consulted_value(item)
        badges.append(BadgeView("consulted", shown, badge_classes("consulted", value, config, shown=shown)))
    badges += [BadgeView("mode", m, badge_classes("mode", m, config)) for m in item.applies_to]
    if not item.applies_to:
        badges.append(BadgeView("mode", "all modes", badge_classes("mode", "all", config, shown="all modes")))
    return ItemView(
        id=item.id,
        title=item.title,
        question=question,
        why=why,
        severity=item.severity.value,
        owner=item.owner,
        consulted=list(item.consulted),
        modes=list(item.applies_to),
        badges=badges,
        evidence=evidence,
        references=references,
        checklist=item.checklist_id,
        changed=item.changed,
        previous_question=units[-1][0] if item.previous_question else "",
    )


#: What the template's escaping writes for the five characters HTML reserves: numeric references,
#: as in XHTML, and because Sphinx's search indexes raw HTML with its entities, where the digits
#: of ``&#60;`` are ignored but ``lt`` of ``&lt;`` would be a word.
_ESCAPES = str.maketrans({"&": "&#38;", "<": "&#60;", ">": "&#62;", '"': "&#34;", "'": "&#39;"})


def _escape(value: Any) -> Any:
    """Jinja's ``finalize``: escape text (anything not already markup) before autoescape sees it."""
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return value
    return Markup(str(value).translate(_ESCAPES))


_environments: dict[tuple[str, ...], jinja2.Environment] = {}
_warned: set[tuple[str, ...]] = set()


def _environment(folders: tuple[str, ...]) -> jinja2.Environment:
    env = _environments.get(folders)
    if env is None:
        env = _environments[folders] = jinja2.Environment(
            loader=jinja2.FileSystemLoader([*folders, str(TEMPLATES_DIR)]),
            autoescape=True,  # the safety net: _escape has already escaped every value
            finalize=_escape,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
    return env


def _project_folders(config: Config, confdir: str | Path) -> tuple[str, ...]:
    return tuple(str(Path(confdir) / p) for p in config.templates_path)


def template(config: Config, confdir: str | Path, name: str = TEMPLATE) -> jinja2.Template:
    """The project's version of template ``name`` if it has one that loads, else the built-in one."""
    folders = _project_folders(config, confdir)
    what = "item" if name == TEMPLATE else "matrix"
    try:
        return _environment(folders).get_template(name)
    except jinja2.TemplateSyntaxError as err:
        _warn_once((*folders, name), f"{err.filename}:{err.lineno}", f"the {what} template does not compile: {err.message}; using the built-in template")
    except Exception as err:  # not UTF-8, unreadable, recursive...: a warning, never a crash
        _warn_once((*folders, name), f"{_project_template(folders, name)}:1", f"the {what} template cannot be loaded: {err}; using the built-in template")
    return _environment(()).get_template(name)


def _project_template(folders: tuple[str, ...], name: str) -> str:
    found = [Path(f) / name for f in folders if (Path(f) / name).is_file()]
    return str(found[0]) if found else name


def render_or_fall_back(tmpl: jinja2.Template, context: dict[str, Any], config: Config, confdir: str | Path, what: str) -> str:
    """``tmpl`` rendered; if a project's template fails, a located warning (once) and the built-in."""
    try:
        return tmpl.render(context)
    except Exception as err:  # a project's template can raise anything; it must not crash the build
        name = tmpl.name or TEMPLATE
        _warn_once((*_project_folders(config, confdir), name), _template_location(tmpl, err), f"the {what}: {err}; using the built-in template")
        return _environment(()).get_template(name).render(context)


def render(tmpl: jinja2.Template, view: ItemView, config: Config, confdir: str | Path) -> list[str]:
    """The body's HTML split where the guidance goes (one more piece than guidance places)."""
    context = {"item": view, "compact_lists": bool(config.html_compact_lists)}
    html = render_or_fall_back(tmpl, context, config, confdir, f"item template failed for {view.id}")
    return html.split(GUIDANCE_MARK)


def _template_location(tmpl: jinja2.Template, err: Exception) -> str:
    """``file:line`` of the template line that raised, from the traceback Jinja rewrites."""
    tb = err.__traceback__
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == tmpl.filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return f"{tmpl.filename}:{line}"


def _warn_once(folders: tuple[str, ...], location: str, message: str) -> None:
    if folders in _warned:
        return
    _warned.add(folders)
    logger.warning(message, type="fmg", subtype="template", location=location)


def body_nodes(parts: list[str], guidance: nodes.Element) -> list[nodes.Node]:
    """``raw`` HTML pieces with the guidance nodes between them (copied if shown more than once)."""
    out: list[nodes.Node] = []
    for n, part in enumerate(parts):
        if n:
            out.append(guidance if n == 1 else guidance.deepcopy())
        if part:
            out.append(nodes.raw("", part, format="html"))
    return out


def smartened_units(units: list[list[str]]) -> list[nodes.paragraph]:
    """Paragraphs of text nodes, one per unit, for :func:`.directives.smarten` to educate."""
    return [nodes.paragraph("", "", *(nodes.Text(piece) for piece in unit)) for unit in units]


def units_of(paragraphs: list[nodes.paragraph]) -> list[list[str]]:
    return [[str(child) for child in para.children] for para in paragraphs]


def setup_htmlbody(app: Any) -> None:
    """Forget compiled templates between builds in one process (tests build many projects)."""
    app.connect("builder-inited", lambda app: (_environments.clear(), _warned.clear()))
