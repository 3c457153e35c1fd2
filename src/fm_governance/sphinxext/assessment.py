"""``fmg:assessment PATH``: a filled ``fm-governance.yaml`` as a report page.

The page is rendered from the same report model as ``fm-governance report`` and ``check``
(:func:`fm_governance.reports.model.build`, from the scorer behind ``check``), so the page, the CLI
and CI always agree: the same verdict sentence, chart, blockers, to-do lists and inventory tables.
:mod:`.reportpage` lays the model out as nodes; :mod:`.scorechart` draws the chart per builder.

The gate policy is the assessment's own (its ``policy:`` section, else ``[tool.fm-governance]`` in
the ``pyproject.toml`` beside it), overridden by the directive's ``:fail-on:`` and ``:fail-under:``
as ``check``'s flags override it. ``:owner:`` limits the listings and the to-do to some roles, as
``check --owner`` does; the verdict still covers every item.

Everything shown is data a person typed (notes, evidence, waiver reasons) or a scanner wrote
(inventory), so it enters the tree only as text nodes. Scoring findings such as an expired waiver
are part of the report, not build warnings: the handbook should still publish while an
assessment is being worked on. A file that cannot be read or validated, a bad policy, or a bad
option value *is* a build warning (``fmg.assessment``), located at the offending line of the YAML
or TOML file, or at the directive.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import posixpath
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..core.assessment import read_assessment
from ..core.errors import InputError, InputErrors
from ..core.models import OWNERS
from ..core.policy import SEVERITY_NAMES, Policy, Setting, resolve_policy
from ..core.scoring import Result, evaluate_gate, score
from ..reports.model import owner_roles
from . import catalog, latex, reportpage
from .directives import FmgDirective


def as_of(argument: str | None) -> _dt.date:
    try:
        return _dt.date.fromisoformat((argument or "").strip())
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {argument!r}") from None


class OptionError(Exception):
    """A directive option with a value that cannot be used: a located ``fmg.assessment`` warning."""


class AssessmentDirective(FmgDirective):
    """Render a filled assessment as a report: verdict, chart, blockers, to-do, items, inventory."""

    subtype = "assessment"

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {
        "as-of": as_of,
        "no-inventory": directives.flag,
        # Checked in render(), not by docutils, so a bad value is a typed fmg.assessment warning
        # that names the option and the values it takes.
        "fail-on": directives.unchanged,
        "fail-under": directives.unchanged,
        "owner": directives.unchanged,
    }

    def render(self) -> list[nodes.Node]:
        rel, path = self.env.relfn2path(self.arguments[0], self.env.docname)
        # Depend on the file even when it is missing or broken, so fixing it re-reads the page.
        self.depend(str(path))
        # The pyproject.toml beside the assessment may set the policy: re-read when it changes. (Only
        # when it exists: Sphinx re-reads a page with a missing dependency on every build.)
        pyproject = Path(path).parent / "pyproject.toml"
        if pyproject.is_file():
            self.depend(str(pyproject))
        self.domain.note_user(self.env.docname)
        loaded = self.loaded
        try:
            fail_on, fail_under, owners = self._fail_on(), self._fail_under(), self._owners()
        except OptionError as exc:
            return self.warn(f"fmg:assessment: {exc}", "assessment")
        try:
            assessment = read_assessment(Path(path), loaded.catalog)
            for checklist_id in assessment.checklists:
                checklist = loaded.catalog.get(checklist_id)
                if checklist is not None:
                    self.depend(checklist.path)
            result = score(assessment, loaded.catalog, today=self.options.get("as-of"))
            policy = self._shown_sources(resolve_policy(assessment, fail_on=fail_on, fail_under=fail_under), Path(path))
        except InputErrors as exc:
            for error in exc.errors:
                self._warn_input(error)
            return []
        except InputError as exc:
            self._warn_input(exc)
            return []
        except Exception as exc:  # whatever the file holds, the build goes on: located at the file
            self._warn_input(
                InputError(
                    catalog.error_location(exc, str(path)),
                    f"cannot be read ({catalog.unexpected(exc)})",
                    "check the file's YAML; if it is valid, report this fault in fm-governance",
                )
            )
            return []
        unknown = [o for o in owners if o not in self._roles(result)]
        if unknown:
            known = ", ".join(self._roles(result))
            return self.warn(f"fmg:assessment: :owner: {unknown[0]!r} is not a role of the assessed checklists — use one or more of {known}", "assessment")
        return [self._report(result, policy, owners, rel)]

    # --- options ---------------------------------------------------------------------------------

    def _fail_on(self) -> str | None:
        value = self.options.get("fail-on")
        if value is None:
            return None
        shown = str(value).strip().lower()
        if shown not in SEVERITY_NAMES:
            raise OptionError(f":fail-on: {value.strip()!r} is not a severity — use one of {', '.join(SEVERITY_NAMES)}")
        return shown

    def _fail_under(self) -> float | None:
        value = self.options.get("fail-under")
        if value is None:
            return None
        try:
            number = float(value.strip())
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or not 0 <= number <= 100:
            raise OptionError(f":fail-under: {value.strip()!r} is not a score — use a number from 0 to 100")
        return number

    def _owners(self) -> tuple[str, ...]:
        value = self.options.get("owner")
        if value is None:
            return ()
        roles = tuple(dict.fromkeys(w.lower() for w in value.replace(",", " ").split()))
        if not roles:
            raise OptionError(f":owner: needs one or more roles — use {', '.join(OWNERS)} or a role of a custom checklist")
        return roles

    @staticmethod
    def _roles(result: Result) -> list[str]:
        """The roles an ``:owner:`` may name: those ``check --owner`` accepts."""
        return list(owner_roles(result))

    def _shown_sources(self, policy: Policy, path: Path) -> Policy:
        """Name where each part of the policy came from as a reader of the page can follow it:
        the directive's own options, and files by the path the page gives (not the build
        machine's absolute path, which would be published with the page)."""
        shown_dir = posixpath.dirname(self.arguments[0])
        folder = str(path.parent)

        def shown(setting: Setting | None) -> Setting | None:
            if setting is None:
                return None
            source = setting.source
            if source.startswith("--"):
                source = f":{source[2:]}: of the fmg:assessment directive"
            else:
                source = source.replace(folder + "/", f"{shown_dir}/" if shown_dir else "")
            return dataclasses.replace(setting, source=source)

        return dataclasses.replace(policy, fail_on=shown(policy.fail_on), fail_under=shown(policy.fail_under), waiver_max_days=shown(policy.waiver_max_days))

    def _warn_input(self, error: InputError) -> None:
        text = error.message + (f" — {error.fix}" if error.fix else "")
        where = catalog.warning_location(error) if error.location.line else error.location.file
        self.warn(f"fmg:assessment: {where}: {' '.join(text.split())}", "assessment")

    # --- rendering -------------------------------------------------------------------------------

    def _report(self, result: Result, policy: Policy, owners: tuple[str, ...], rel: str) -> nodes.Element:
        from ..reports.model import build, catalog_lookup

        gate = evaluate_gate(result, policy.gate)  # None: no gate set
        report = build(result, policy=policy, gate=gate, owners=owners, model_lookup=catalog_lookup())
        a = result.assessment
        # The anchor names the project; a second report on the same page gets a number.
        serial = self.env.new_serialno("fmg-assessment")
        anchor = nodes.make_id(f"assessment-{a.project_name or rel}") + (f"-{serial + 1}" if serial else "")
        box = nodes.container(classes=["fmg-assessment"], ids=[anchor])
        box[latex.ORIGIN] = f"{a.path}:1"
        # Unique on the page, and across pages for singlehtml, which joins them into one.
        chart_id = nodes.make_id(f"fmg-chart-{self.env.docname}-{self.env.new_serialno('fmg-chart')}")
        level = getattr(self.state.memo, "section_level", 1) + 1
        box.extend(reportpage.report_nodes(report, docname=self.env.docname, level=level, chart_id=chart_id, show_inventory="no-inventory" not in self.options))
        return box


def setup_assessment(app: Sphinx) -> None:
    app.add_directive_to_domain("fmg", "assessment", AssessmentDirective)
