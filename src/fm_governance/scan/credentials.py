"""Credentials: recognising them in a line, and redacting them from any string the scanner keeps.

The rules are data (``secrets.yaml``, validated by ``secrets.schema.json``): *shapes* recognise a key
by its own form, *assignments* by the name it is assigned to, *neighbours* by its form next to a key
of another kind. The same rules serve two purposes:

- detection (:meth:`Credentials.find`): a line of a scanned file yields ``(kind, provider, span)``
  for each credential in it; the detectors report the kind and the location, never the text;
- redaction (:meth:`Credentials.redact`): any string about to leave the scanner has every span that
  any rule matches replaced by ``(redacted KIND)``. Detection skips placeholders ("sk-...your-key")
  and low-entropy values; redaction does not, because hiding a harmless string costs nothing while
  printing a real key cannot be undone.

Why not run Yelp's ``detect-secrets`` itself: its plugins are the reference the GitHub, JWT, AWS and
keyword rules follow, but running them means about twenty plugins, each with its own expressions and
filters, on every line, configured through a process-wide settings object. Measured on the tree of
benchmarks/scan_bench.py (detect-secrets 1.5.0, default plugins, ``scan_line``): about 330 µs a
line, some 18 minutes for the 10,000 files the scanner reads in about a second, and 127,403
potential secrets reported in a 1% sample of 33,135 lines of ordinary generated code (its keyword
and high-entropy plugins). The scanner instead decodes only the
lines that hold a prefilter stem and searches each with one combined expression. Its last release
is also from May 2024. The licence (Apache-2.0) would have allowed it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

#: A name being assigned to (``NAME =``, ``name:``, ``"name": "``), and the value after it, up to the
#: first space, quote, comment or separator. The name starts where a run of name characters starts,
#: never mid-word, and the value is read only after a secret-looking name, so a long line is read in
#: linear time.
_ASSIGNED = re.compile(r"(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]+)[\"']?[ \t]*[:=][ \t]*[\"']?")
_VALUE_CHAR = r"[^\s\"'`#,;)&]"
_VALUE = re.compile(_VALUE_CHAR + "+")
_PLACEHOLDER = re.compile(
    r"your|xxx|\.\.\.|example|placeholder|changeme|replace|dummy|<|>|\*\*\*|\$\{|\$\(|getenv|environ|process\.env|secrets\.|env\(|test|fake", re.I
)
#: A lookbehind at the start of a shape that keeps it from matching inside a word.
_LEADING_GUARD = re.compile(r"^\(\?<!\[[^\]]*\]\)")
#: Values shorter than this assigned to a secret-looking name are left alone by the redaction
#: (``primary_key=True``, ``max_tokens: 1024``); every key format is far longer.
_REDACT_MIN_ASSIGNED = 8


def entropy(value: str) -> float:
    """Shannon entropy of ``value`` in bits a character."""
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for ch in value:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_real(value: str, min_entropy: float = 3.5) -> bool:
    """Does a matched credential look like a real key rather than a placeholder?

    Placeholders ("sk-...", "your-key-here", "${OPENAI_API_KEY}") are common in docs and examples;
    real keys are long and close to random, so a minimum length and Shannon entropy separate them.
    """
    return len(value) >= 20 and not _PLACEHOLDER.search(value) and entropy(value) >= min_entropy


@dataclass(frozen=True)
class Assignment:
    """A credential known by the name it is assigned to (``assignments`` in secrets.yaml)."""

    kind: str
    provider: str | None
    name: re.Pattern[str]
    value: re.Pattern[str]
    min_entropy: float


@dataclass(frozen=True)
class Neighbour:
    """A credential known by its form next to one of kind ``near`` (``neighbours`` in secrets.yaml)."""

    kind: str
    provider: str | None
    near: str
    lines: int
    pattern: re.Pattern[str]
    min_entropy: float


@dataclass(frozen=True)
class Credential:
    """Where a credential sits in a line: its kind, provider (or None), span, and the name it was
    assigned to. Never its text."""

    kind: str
    provider: str | None
    start: int
    end: int
    variable: str | None = None


class Credentials:
    """The compiled credential rules (see the module docstring)."""

    def __init__(self, data: Mapping[str, Any], env_names: Mapping[str, tuple[str, str]]) -> None:
        shapes = list(data["shapes"])
        parts = [f"(?P<r{i}>{s['pattern']})" for i, s in enumerate(shapes)]
        self.shapes: re.Pattern[str] = re.compile("|".join(parts))
        # For redaction, the same shapes without the leading "not after a letter or digit" guard: a
        # key glued to a word (``backupghp_…``, or the ``m`` that ends a terminal colour sequence)
        # must not slip through. The guard keeps detection precise; redaction can afford to hide a
        # little too much, and keeps only matches that look random (see _looks_random).
        self._glued = re.compile("|".join(f"(?P<r{i}>{_LEADING_GUARD.sub('', s['pattern'], count=1)})" for i, s in enumerate(shapes)))
        self.shape_kinds: list[tuple[str, str | None]] = [(s["kind"], s["provider"]) for s in shapes]
        self.assignments = [
            Assignment(a["kind"], a["provider"], re.compile(a["name"], re.I), re.compile(a["value"]), float(a["min_entropy"])) for a in data["assignments"]
        ]
        self.neighbours = [
            Neighbour(n["kind"], n["provider"], n["near"], int(n["lines"]), re.compile(n["pattern"]), float(n["min_entropy"])) for n in data["neighbours"]
        ]
        self.shape_stems: list[str] = [s.lower() for s in data["shape_stems"]]
        self.name_stems: list[str] = [s.lower() for s in data["name_stems"]]
        # At a name stem, in the raw bytes: the rest of a name, an assignment, and a value long enough
        # for any rule. One anchored match, without decoding the line.
        stems = "|".join(re.escape(n) for n in self.name_stems)
        # (Key characters only: ``key = self.cache.get(name, 10)`` is code, not a value.)
        self.assignment_pattern = re.compile(rf"(?:{stems})[A-Za-z0-9_.-]*[\"']?[ \t]*[:=][ \t]*[\"']?[A-Za-z0-9+/=_.~-]{{20,}}".encode(), re.I)
        # A provider's own key variable (OPENAI_API_KEY...) names its provider.
        self.env_names = dict(env_names)
        # In a decoded line: a name stem, the rest of a name, an assignment and a value long enough
        # for any rule (``looks_real`` wants 20 characters), in the characters ``_VALUE`` reads. Every
        # line where ``_assignment_hits`` can find a credential matches it; most lines that hold a
        # stem ("apiKey", "maxTokens") do not, and are not walked assignment by assignment.
        self._assigned_value = re.compile(rf"(?:{stems})[A-Za-z0-9_.-]*[\"']?[ \t]*[:=][ \t]*[\"']?{_VALUE_CHAR}{{20,}}", re.I)
        # Any name the assignment rules could accept, to test a candidate name once.
        self._secret_name = re.compile("|".join(f"(?:{a.name.pattern})" for a in self.assignments), re.I) if self.assignments else None

    # ------------------------------------------------------------------ detection

    def _shape_hits(self, line: str) -> Iterator[Credential]:
        for m in self.shapes.finditer(line):
            kind, provider = self.shape_kinds[_group_index(m)]
            yield Credential(kind, provider, m.start(), m.end())

    def _assignment_hits(self, line: str, strict: bool) -> Iterator[Credential]:
        if self._secret_name is None:
            return
        pos = 0
        while (m := _ASSIGNED.search(line, pos)) is not None:
            # The value is read only after a secret-looking name; otherwise the search goes on from
            # where the value starts, which may itself hold an assignment (``url: TOKEN=…``).
            pos = m.end()
            if not self._secret_name.search(m.group(1)):
                continue
            v = _VALUE.match(line, pos)
            if v is None:
                continue
            name, value = m.group(1), v.group(0)
            start, end = v.start(), v.end()
            pos = end
            if not strict:
                if len(value) >= _REDACT_MIN_ASSIGNED:
                    yield Credential("credential", None, start, end, name)
                continue
            for rule in self.assignments:
                if rule.provider is None and name in self.env_names:
                    # Before the generic rules: a provider's own key variable names the provider.
                    if looks_real(value):
                        provider = self.env_names[name][0]
                        yield Credential(f"{provider}-credential", provider, start, end, name)
                    break
                if rule.name.search(name) and rule.value.fullmatch(value) and looks_real(value, rule.min_entropy):
                    yield Credential(rule.kind, rule.provider, start, end, name)
                    break

    def assignment_at(self, data: bytes, pos: int) -> bool:
        """Could the name stem at ``pos`` of ``data`` start an assignment of a credential?"""
        return self.assignment_pattern.match(data, pos) is not None

    def _has(self, text: str, stems: list[str]) -> bool:
        low = text.lower()
        return any(stem in low for stem in stems)

    def find(self, line: str) -> list[Credential]:
        """The credentials in one line of a scanned file (placeholders and low-entropy values left out)."""
        # The stems first: a substring test is a hundred times cheaper than the combined expressions.
        hits = [h for h in self._shape_hits(line) if looks_real(line[h.start : h.end])] if self._has(line, self.shape_stems) else []
        if not (self._has(line, self.name_stems) and self._assigned_value.search(line)):
            return hits
        for hit in self._assignment_hits(line, strict=True):
            if not any(h.start < hit.end and hit.start < h.end for h in hits):
                hits.append(hit)
        return hits

    def find_near(self, lines: list[str], found: Mapping[str, list[int]]) -> Iterator[tuple[int, Credential]]:
        """(0-based line index, hit) for neighbour rules: ``found`` maps a kind to the 0-based line
        indexes where it was found in this file."""
        for rule in self.neighbours:
            for index in found.get(rule.near, ()):
                for i in range(max(0, index - rule.lines), min(len(lines), index + rule.lines + 1)):
                    for m in rule.pattern.finditer(lines[i]):
                        if entropy(m.group(0)) >= rule.min_entropy and not _PLACEHOLDER.search(m.group(0)):
                            yield i, Credential(rule.kind, rule.provider, m.start(), m.end())

    # ------------------------------------------------------------------ redaction

    def redact(self, text: str) -> str:
        """``text`` with every span any rule matches replaced by ``(redacted KIND)``."""
        spans: list[Credential] = []
        if self._has(text, self.shape_stems):
            spans += self._shape_hits(text)
            for m in self._glued.finditer(text):
                if _looks_random(m.group(0)):
                    spans.append(Credential(self.shape_kinds[_group_index(m)][0], None, m.start(), m.end()))
        if self._has(text, self.name_stems):
            spans += self._assignment_hits(text, strict=False)
        for rule in self.neighbours if len(text) >= 20 else ():
            spans += (Credential(rule.kind, rule.provider, m.start(), m.end()) for m in rule.pattern.finditer(text) if entropy(m.group(0)) >= rule.min_entropy)
        if not spans:
            return text
        merged: list[tuple[int, int, str]] = []
        for hit in sorted(spans, key=lambda h: (h.start, -h.end)):
            if merged and hit.start < merged[-1][1]:  # overlapping spans become one redaction
                first_start, first_end, first_kind = merged[-1]
                merged[-1] = (first_start, max(first_end, hit.end), first_kind)
            else:
                merged.append((hit.start, hit.end, hit.kind))
        out: list[str] = []
        cursor = 0
        for span_start, span_end, kind in merged:
            out.append(text[cursor:span_start])
            out.append(f"(redacted {kind})")
            cursor = span_end
        out.append(text[cursor:])
        return "".join(out)


def _looks_random(text: str) -> bool:
    """A capital or a digit, and some entropy: a key glued to a word, not lowercase prose such as
    ``desk-research-notes-for-the-whole-team`` (which holds ``sk-`` and 32 key characters)."""
    return any(c.isupper() or c.isdigit() for c in text) and entropy(text) >= 3.0


def _group_index(match: re.Match[str]) -> int:
    name = match.lastgroup
    if name is not None and name.startswith("r") and name[1:].isdigit():
        return int(name[1:])
    for key, value in match.groupdict().items():  # a rule with an inner named group
        if value is not None and key.startswith("r") and key[1:].isdigit():
            return int(key[1:])
    raise LookupError(match.re.pattern)
