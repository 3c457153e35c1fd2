"""The gate policy ``check`` applies, and where each part of it came from.

A gate that lives only in a CI script disagrees with the laptop that runs ``check`` without flags,
so the policy is configuration that travels with the assessment. Three sources, per key, the first
that sets a key wins:

1. the command line: ``--fail-on SEVERITY``, ``--fail-under SCORE``;
2. the assessment's own ``policy:`` section (``fail-on``, ``fail-under``);
3. ``[tool.fm-governance]`` in the ``pyproject.toml`` beside the assessment (the assessed
   project's root is the assessment file's folder), same keys.

``max-age`` (answers) and ``evidence-max-age`` (dated evidence entries) are read the same way but
gate nothing: they make ``check`` report stale answers and stale evidence.

Each value remembers its source, so every output can say what it applied and why ("fail-on high
(policy: in fm-governance.yaml)"). A bad value in any source is a located error: the assessment's
through its schema and locator; TOML's by finding the key's line ourselves, because ``tomllib``
keeps no positions (failing that, the ``[tool.fm-governance]`` header, column 1).

The assessment's ``policy:`` values come with the assessment itself (``Assessment.policy``, read
and located by ``read_assessment`` in the same pass as the answers), so ``check`` parses the file
once; this module only interprets them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError, Location
from .models import Assessment, Severity
from .scoring import Gate, GateOutcome

#: The keys of a policy, spelled as in the files (kebab-case, like the flags).
POLICY_KEYS = ("fail-on", "fail-under", "fail-on-review", "waivers", "max-age", "evidence-max-age")
WAIVER_KEYS = ("max-days",)
#: ``max-age`` and ``evidence-max-age`` keys: a severity, or ``default`` for the severities not named.
MAX_AGE_KEYS = ("critical", "high", "medium", "low", "default")
#: Longest ``waivers.max-days`` (a century): beyond it the rule means nothing, and dates overflow.
MAX_WAIVER_DAYS = 36500
SEVERITY_NAMES = tuple(s.value for s in Severity)
HOW_TO_SET = (
    "set one with --fail-on SEVERITY or --fail-under SCORE, a `policy:` section in the assessment, or [tool.fm-governance] in the project's pyproject.toml"
)


@dataclass(frozen=True)
class Setting:
    """One value of the policy and the place it was set ("--fail-on", "policy: in FILE", …)."""

    value: Severity | float | int | bool
    source: str

    def shown(self) -> str:
        if isinstance(self.value, bool):
            return "on" if self.value else "off"
        return self.value.value if isinstance(self.value, Severity) else f"{self.value:g}"


@dataclass(frozen=True)
class Policy:
    fail_on: Setting | None = None
    fail_under: Setting | None = None
    waiver_max_days: Setting | None = None
    #: ``--fail-on-review``: fail while any answer needs review (its question changed since).
    fail_on_review: Setting | None = None
    #: ``max-age``: the most days an answer may go unconfirmed, as (severity or ``default``, days).
    #: Reported (stale answers), never gated.
    max_age: tuple[tuple[str, Setting], ...] = ()
    #: ``evidence-max-age``: the most days a dated evidence entry may age, as (severity or
    #: ``default``, days). Reported (stale evidence), never gated.
    evidence_max_age: tuple[tuple[str, Setting], ...] = ()

    def max_age_days(self, severity: Severity) -> Setting | None:
        """The ``max-age`` that applies to an item of ``severity``: its own, else ``default``."""
        found = dict(self.max_age)
        return found.get(severity.value) or found.get("default")

    def evidence_max_age_days(self, severity: Severity) -> Setting | None:
        """The ``evidence-max-age`` for the evidence of an item of ``severity``: its own, else ``default``."""
        found = dict(self.evidence_max_age)
        return found.get(severity.value) or found.get("default")

    def _named(self) -> list[tuple[str, Setting]]:
        named = (
            ("fail-on", self.fail_on),
            ("fail-under", self.fail_under),
            ("waivers max-days", self.waiver_max_days),
            ("fail-on-review", self.fail_on_review),
            *((f"max-age {key}", setting) for key, setting in self.max_age),
            *((f"evidence-max-age {key}", setting) for key, setting in self.evidence_max_age),
        )
        return [(name, s) for name, s in named if s is not None]

    @property
    def is_set(self) -> bool:
        """A gate is set: ``fail-on``, ``fail-under`` or ``fail-on-review`` (a waiver rule alone gates nothing)."""
        return self.fail_on is not None or self.fail_under is not None or self.fail_on_review is not None

    @property
    def gate(self) -> Gate:
        fail_on = self.fail_on.value if self.fail_on else None
        fail_under = self.fail_under.value if self.fail_under else None
        max_days = self.waiver_max_days.value if self.waiver_max_days else None
        assert fail_on is None or isinstance(fail_on, Severity)
        assert fail_under is None or isinstance(fail_under, float)
        assert max_days is None or isinstance(max_days, int)
        return Gate(fail_under=fail_under, fail_on=fail_on, waiver_max_days=max_days, fail_on_review=self.fail_on_review is not None)

    def terms(self) -> str:
        """``fail-on high, fail-under 70``: the policy without its sources."""
        # max-age and evidence-max-age report stale answers and evidence but gate nothing: they are named
        # where the policy is described, not among the gate's terms.
        return ", ".join(f"{name} {s.shown()}" for name, s in self._named() if "max-age" not in name) or "none"

    def describe(self) -> str:
        """``fail-on high (policy: in fm-governance.yaml), fail-under 70 (--fail-under)``, or ``none``."""
        return ", ".join(f"{name} {s.shown()} ({s.source})" for name, s in self._named()) or "none"

    def as_dict(self) -> dict[str, Any]:
        """``{"fail_on": {"value": "high", "source": "..."} | None, "fail_under": ...}`` for JSON and SARIF."""

        def one(s: Setting | None) -> dict[str, Any] | None:
            if s is None:
                return None
            return {"value": s.value.value if isinstance(s.value, Severity) else s.value, "source": s.source}

        return {
            "fail_on": one(self.fail_on),
            "fail_under": one(self.fail_under),
            "waiver_max_days": one(self.waiver_max_days),
            "fail_on_review": one(self.fail_on_review),
            "max_age": {key: one(setting) for key, setting in self.max_age} or None,
            "evidence_max_age": {key: one(setting) for key, setting in self.evidence_max_age} or None,
        }


def verdict_lines(policy: Policy, outcome: GateOutcome | None) -> list[str]:
    """The policy applied and the verdict, as plain sentences (each renderer escapes them).

    No gate set says so and how to set one, never "passed"; a gate that passed names what it did not
    gate; a gate that failed says so, and each renderer lists ``outcome.reasons`` under it.
    """
    if not policy.is_set or outcome is None:
        unused = f" (the waiver rule, {policy.describe()}, applies only with fail-on)" if policy.waiver_max_days else ""
        return [f"No gate set: nothing was gated, whatever the score and open items{unused} — {HOW_TO_SET}."]
    lines = [f"Policy: {policy.describe()}"]
    if not outcome.passed:
        lines.append(f"Gate failed ({policy.terms()}):")
    elif outcome.not_gated:
        lines.append(f"Gate passed ({policy.terms()}): {'; '.join(outcome.not_gated)}.")
    else:
        lines.append(f"Gate passed ({policy.terms()}).")
    return lines


def resolve_policy(assessment: Assessment, *, fail_on: str | None = None, fail_under: float | None = None, fail_on_review: bool = False) -> Policy:
    """The policy for ``assessment``: flags over its ``policy:`` section over the ``pyproject.toml``
    beside it, key by key."""
    path = Path(assessment.path)
    found: dict[str, Setting] = {}
    for source in (_flags(fail_on, fail_under), _from_assessment(assessment), _from_pyproject(path.parent / "pyproject.toml")):
        for key, setting in source.items():
            found.setdefault(key, setting)
    # The flag can only switch the rule on; `fail-on-review: false` in a file switches it off there.
    review = Setting(True, "--fail-on-review") if fail_on_review else found.get("fail-on-review")
    if review is not None and review.value is False:
        review = None
    max_age = tuple((key, found[f"max-age.{key}"]) for key in MAX_AGE_KEYS if f"max-age.{key}" in found)
    evidence_max_age = tuple((key, found[f"evidence-max-age.{key}"]) for key in MAX_AGE_KEYS if f"evidence-max-age.{key}" in found)
    return Policy(
        fail_on=found.get("fail-on"),
        fail_under=found.get("fail-under"),
        waiver_max_days=found.get("waivers.max-days"),
        fail_on_review=review,
        max_age=max_age,
        evidence_max_age=evidence_max_age,
    )


def _flags(fail_on: str | None, fail_under: float | None) -> dict[str, Setting]:
    out: dict[str, Setting] = {}
    if fail_on is not None:
        out["fail-on"] = Setting(Severity(fail_on), "--fail-on")
    if fail_under is not None:
        out["fail-under"] = Setting(float(fail_under), "--fail-under")
    return out


def _from_assessment(assessment: Assessment) -> dict[str, Setting]:
    """The ``policy:`` section as read with the rest of the assessment (no second parse)."""
    source = f"policy: in {assessment.path}"
    return {key: _setting(key, value, source, where) for key, value, where in assessment.policy}


def _table_header(*parts: str) -> re.Pattern[str]:
    """A TOML table header ``[a.b]``, each part bare or quoted, spaces allowed around the dots."""
    names = r"[ \t]*\.[ \t]*".join(f"""(?:{re.escape(p)}|"{re.escape(p)}"|'{re.escape(p)}')""" for p in parts)
    return re.compile(rf"^[ \t]*\[[ \t]*{names}[ \t]*\][ \t]*(?:#.*)?$")


_TABLE = _table_header("tool", "fm-governance")
_WAIVERS_TABLE = _table_header("tool", "fm-governance", "waivers")
_MAX_AGE_TABLES = {table: _table_header("tool", "fm-governance", table) for table in ("max-age", "evidence-max-age")}
_HEADER = re.compile(r"^[ \t]*\[")


def _from_pyproject(path: Path) -> dict[str, Setting]:
    import tomllib

    from .yamlio import read_text

    if not path.is_file():
        return {}
    text = read_text(path)
    if "fm-governance" not in text:  # no table of ours: a pyproject we have no business judging
        return {}
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = getattr(exc, "lineno", 1) or 1, getattr(exc, "colno", 1) or 1
        if not hasattr(exc, "lineno"):  # before Python 3.14 the position is only in the message
            where = re.search(r"line (\d+), column (\d+)", str(exc))
            if where:
                line, column = int(where.group(1)), int(where.group(2))
        message = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", str(exc))
        raise InputError(
            Location(str(path), line, column), f"is not valid TOML ({message})", "fix the file: [tool.fm-governance] is read from it for the gate policy"
        ) from None
    tool = data.get("tool")
    section = tool.get("fm-governance") if isinstance(tool, dict) else None
    if section is None:
        return {}
    source = f"[tool.fm-governance] in {path}"
    lines = text.splitlines()
    if not isinstance(section, dict):
        raise InputError(
            _toml_key(path, lines, None), "tool.fm-governance is not a table", f"write it as [tool.fm-governance] with keys {', '.join(POLICY_KEYS)}"
        )
    out: dict[str, Setting] = {}
    for key, value in section.items():
        _known(key, POLICY_KEYS, "[tool.fm-governance]", _toml_key(path, lines, key, at_key=True))
        if key in _MAX_AGE_TABLES:
            table = _MAX_AGE_TABLES[key]
            if not isinstance(value, dict):
                raise InputError(
                    _toml_key(path, lines, key), f"{key} is not a table", f"write [tool.fm-governance.{key}] with critical = 180, default = 365, …"
                )
            for sub, sub_value in value.items():
                _known(sub, MAX_AGE_KEYS, f"[tool.fm-governance.{key}]", _toml_key(path, lines, sub, at_key=True, table=table, fallback=key))
                out[f"{key}.{sub}"] = _setting(f"{key}.{sub}", sub_value, source, _toml_key(path, lines, sub, table=table, fallback=key))
            continue
        if key != "waivers":
            out[key] = _setting(key, value, source, _toml_key(path, lines, key))
            continue
        if not isinstance(value, dict):
            raise InputError(
                _toml_key(path, lines, key), "waivers is not a table", "write [tool.fm-governance.waivers] with max-days = N, or waivers = {max-days = N}"
            )
        for sub, sub_value in value.items():
            _known(sub, WAIVER_KEYS, "[tool.fm-governance.waivers]", _toml_key(path, lines, sub, at_key=True, table=_WAIVERS_TABLE, fallback="waivers"))
            out[f"waivers.{sub}"] = _setting(f"waivers.{sub}", sub_value, source, _toml_key(path, lines, sub, table=_WAIVERS_TABLE, fallback="waivers"))
    return out


def _known(key: str, known: tuple[str, ...], where: str, location: Location) -> None:
    if key in known:
        return
    import difflib

    close = difflib.get_close_matches(key.replace("_", "-"), known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise InputError(location, f"unknown key {key!r} in {where}", f"{hint}known keys: {', '.join(known)}")


def _toml_key(path: Path, lines: list[str], key: str | None, *, at_key: bool = False, table: re.Pattern[str] = _TABLE, fallback: str | None = None) -> Location:
    """Where ``key`` of ``table`` is set: its value (or the key itself), else the table header;
    for a key of a sub-table written inline (``waivers = {…}``), the ``fallback`` key that holds it."""
    if fallback is not None and not any(table.match(text) for text in lines):
        return _toml_key(path, lines, fallback)
    header = 0
    for number, text in enumerate(lines, 1):
        if table.match(text):
            header = number
            continue
        if header and _HEADER.match(text):
            break
        if header and key is not None:
            m = re.match(rf"""^([ \t]*)(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')[ \t]*=[ \t]*""", text)
            if m:
                return Location(str(path), number, (len(m.group(1)) if at_key else m.end()) + 1)
    if header:
        return Location(str(path), header, 1)
    # Not in a [tool.fm-governance] table (a dotted key or an inline table under [tool]): the first line naming it.
    for number, text in enumerate(lines, 1):
        if "fm-governance" in text:
            return Location(str(path), number, 1)
    return Location(str(path), 1, 1)


def _setting(key: str, value: Any, source: str, where: Location) -> Setting:
    if key == "fail-on-review":
        if not isinstance(value, bool):
            raise InputError(where, f"fail-on-review is {value!r}, not true or false", "write fail-on-review: true (or false)")
        return Setting(value, source)
    if key.startswith(("max-age.", "evidence-max-age.")):
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not whole or not 1 <= value <= MAX_WAIVER_DAYS:
            raise InputError(where, f"{key.replace('.', ' ')} is {value!r}, not a number of days", f"use a whole number from 1 to {MAX_WAIVER_DAYS}")
        return Setting(int(value), source)
    if key == "waivers.max-days":
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not whole or not 0 <= value <= MAX_WAIVER_DAYS:
            raise InputError(where, f"waivers max-days is {value!r}, not a number of days", f"use a whole number from 0 to {MAX_WAIVER_DAYS}")
        return Setting(int(value), source)
    if key == "fail-on":
        if not isinstance(value, str) or value not in SEVERITY_NAMES:
            raise InputError(where, f"fail-on is {value!r}, not a severity", f"use one of {', '.join(SEVERITY_NAMES)}")
        return Setting(Severity(value), source)
    # bool is an int to Python, and YAML/TOML both have nan and inf: none of them is a score.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= 100:
        raise InputError(where, f"fail-under is {value!r}, not a score", "use a number from 0 to 100")
    return Setting(float(value), source)
