"""The extension's configuration: one validated dataclass behind the ``fmg_*`` config values.

Sphinx hands config values over as whatever the person wrote in ``conf.py``. Every consumer in
this package reads :class:`FmgConfig` instead, so a value's meaning and its validation live in one
place. Bad values are a typed, suppressible warning (``fmg.config``) and fall back to the default:
a typo in ``conf.py`` should not stop a handbook from building, but it must not pass silently
either. Values are plain, TOML-able types only (lists of strings, strings, booleans), so the same settings can
live in a ``pyproject.toml`` or a Read the Docs configuration.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ..core.checklists import BUILTIN_IDS

logger = logging.getLogger(__name__)

#: Default name of the blank template offered for download beside a rendered checklist. It is the
#: file name `fm-governance template ID` users would otherwise save by hand.
DEFAULT_TEMPLATE_NAME = "fm-governance-{checklist}.yaml"


@dataclass(frozen=True)
class FmgConfig:
    """Validated ``fmg_*`` settings.

    ``checklist_dirs``: extra folders of checklist files, relative to the folder of ``conf.py``.
    ``builtin_checklists``: which of the four built-in checklists to load (``None`` = all).
    ``template_name``: download file name of a blank assessment; ``{checklist}`` is the id.
    ``item_toc``: items of a rendered checklist are sections, listed in Sphinx's table of contents
    (the page's contents list, the navigation, the EPUB contents), numbered with the page and in
    the PDF outline; ``False`` makes them headed blocks instead (same anchors, links and index
    entries). Sphinx keeps every contents entry in memory as nodes, which the garbage collector
    walks again on every full pass while pages are written, so ``False`` saves work that grows
    with the number of items (about 1 ms an item at 2,000 items).
    """

    checklist_dirs: tuple[str, ...] = ()
    builtin_checklists: tuple[str, ...] | None = None
    template_name: str = DEFAULT_TEMPLATE_NAME
    item_toc: bool = True

    def checklist_paths(self, confdir: str | Path) -> tuple[Path, ...]:
        return tuple((Path(confdir) / d).resolve() for d in self.checklist_dirs)

    def template_file(self, checklist_id: str) -> str:
        return self.template_name.format(checklist=checklist_id)


_DEFAULTS = FmgConfig()


def _string_list(name: str, value: Any) -> tuple[str, ...] | str:
    """A tuple of strings, or an error message."""
    if isinstance(value, str) or not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return f"{name} must be a list of strings, not {value!r}"
    return tuple(value)


def validate(config: Config, confdir: str | Path) -> tuple[FmgConfig, list[tuple[str, str]]]:
    """Build :class:`FmgConfig` from Sphinx's config; return it and ``(name, problem)`` pairs."""
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}

    dirs = _string_list("fmg_checklist_dirs", config.fmg_checklist_dirs)
    if isinstance(dirs, str):
        problems.append(("fmg_checklist_dirs", dirs))
    else:
        missing = [d for d in dirs if not (Path(confdir) / d).is_dir()]
        if missing:
            problems.append(("fmg_checklist_dirs", f"fmg_checklist_dirs: {missing[0]!r} is not a folder (relative to {confdir})"))
        values["checklist_dirs"] = tuple(d for d in dirs if d not in missing)

    builtins = config.fmg_builtin_checklists
    if builtins is not None:
        checked = _string_list("fmg_builtin_checklists", builtins)
        if isinstance(checked, str):
            problems.append(("fmg_builtin_checklists", checked))
        else:
            unknown = [b for b in checked if b not in BUILTIN_IDS]
            if unknown:
                problems.append(("fmg_builtin_checklists", f"fmg_builtin_checklists: unknown built-in {unknown[0]!r}; built-ins are {', '.join(BUILTIN_IDS)}"))
            values["builtin_checklists"] = tuple(b for b in checked if b in BUILTIN_IDS)

    name = config.fmg_template_name
    if not isinstance(name, str) or "{checklist}" not in name or "/" in name or "\\" in name or name.startswith("."):
        problems.append(("fmg_template_name", f"fmg_template_name must be a file name containing {{checklist}}, not {name!r}"))
    else:
        try:
            name.format(checklist="x")
        except (KeyError, IndexError, ValueError):
            problems.append(("fmg_template_name", f"fmg_template_name has a placeholder other than {{checklist}}: {name!r}"))
        else:
            values["template_name"] = name

    item_toc = config.fmg_item_toc
    if isinstance(item_toc, bool):
        values["item_toc"] = item_toc
    else:
        problems.append(("fmg_item_toc", f"fmg_item_toc must be True or False, not {item_toc!r}"))
    return dataclasses.replace(_DEFAULTS, **values), problems


def _conf_location(confdir: str | Path, name: str) -> str:
    """``conf.py:LINE`` of the assignment to ``name`` (line 1 when it is set some other way).

    Always ``path:line``: Sphinx reads a location without a colon as a document name.
    """
    path = Path(confdir) / "conf.py"
    try:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if line.startswith(name) and line[len(name) :].lstrip().startswith("="):
                return f"{path}:{number}"
    except OSError:
        pass
    return f"{path}:1"


def _on_config_inited(app: Sphinx, config: Config) -> None:
    """Validate once, warn once, and write the validated values back.

    Writing back means every later reader (including forked parallel workers, and Sphinx's own
    "did the config change?" comparison on the next incremental build) sees the same, valid values.
    """
    fmg, problems = validate(config, app.confdir)
    for name, problem in problems:
        logger.warning(f"{problem}; using the valid part or the default", type="fmg", subtype="config", location=_conf_location(app.confdir, name))
    config.fmg_checklist_dirs = list(fmg.checklist_dirs)
    config.fmg_builtin_checklists = None if fmg.builtin_checklists is None else list(fmg.builtin_checklists)
    config.fmg_template_name = fmg.template_name
    config.fmg_item_toc = fmg.item_toc


def fmg_config(config: Config) -> FmgConfig:
    """The validated settings (values were already checked and written back at ``config-inited``)."""
    builtins = config.fmg_builtin_checklists
    return FmgConfig(
        checklist_dirs=tuple(config.fmg_checklist_dirs),
        builtin_checklists=None if builtins is None else tuple(builtins),
        template_name=config.fmg_template_name,
        item_toc=config.fmg_item_toc,
    )


def setup_config(app: Sphinx) -> None:
    # All four change what directives put in the doctree or the table of contents (the template's
    # file name is shown in every builder, not only linked in HTML), so a change re-reads the pages.
    app.add_config_value("fmg_checklist_dirs", [], "env", types=frozenset({list, tuple}))
    app.add_config_value("fmg_builtin_checklists", None, "env", types=frozenset({list, tuple, type(None)}))
    app.add_config_value("fmg_template_name", DEFAULT_TEMPLATE_NAME, "env", types=frozenset({str}))
    app.add_config_value("fmg_item_toc", True, "env", types=frozenset({bool}))
    # Priority 400 runs before handlers at the default 500 that might read the values.
    app.connect("config-inited", _on_config_inited, priority=400)
