"""The scanner's outgoing boundary: every string it keeps is made safe to print and to write.

Findings leave detection holding text taken from the scanned project: file paths, model ids, hosts,
commands, variable names. All of it ends up in the assessment's YAML, in JSON and in every report,
so :func:`clean_findings` passes over every string of every finding and skipped entry once, in the
parent process, before anything is aggregated, printed or written:

1. credentials are redacted (:meth:`~fm_governance.scan.credentials.Credentials.redact`): a key
   pasted into a model id (``"openai/sk-proj-…"``, ``ft:gpt-4o-mini:sk-…:x:y``), a URL or a file name
   becomes ``(redacted openai-api-key)``;
2. what a terminal, a YAML reader or an XML parser would choke on is escaped, visibly:

   - bytes of a file name that are not UTF-8 (Python hands them over as lone surrogates, which no
     YAML or JSON reader accepts back) are written ``\\xNN``, so ``b"mod\\xff.py"`` is shown as
     ``mod\\xff.py``;
   - control characters (C0 and C1, escape sequences included), format characters (zero-width
     characters, bidirectional marks), other lone surrogates and the non-characters U+FFFE/U+FFFF
     are written ``\\xNN`` or ``\\uNNNN``.

   The escaped form is for people and for reading the file back; a backslash that was already in a
   name is left as it is, so the form is not meant to be turned back into the original bytes.

Doing this once at the boundary, rather than in each detector, means a detector added later cannot
forget it.
"""

from __future__ import annotations

import re
from typing import Any

from .credentials import Credentials

#: Characters escaped in kept text: C0 and C1 controls and DEL; the format characters a reader cannot
#: see (soft hyphen, Arabic letter mark, zero-width and joiner characters, directional marks,
#: embeddings, overrides and isolates, invisible operators, the byte order mark); lone surrogates;
#: and the non-characters, which XML forbids.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with undecodable bytes, control and invisible format characters escaped visibly."""
    return _UNSAFE.sub(_escape, text)


def clean(text: str, credentials: Credentials) -> str:
    """Redact credentials, then escape: the order matters, since escaping a character just before a
    key (``\\x1b`` + ``sk-…``) would glue letters to it and hide it from the shapes."""
    return printable(credentials.redact(text))


def _clean_value(value: Any, credentials: Credentials, seen: dict[str, str]) -> Any:
    if isinstance(value, str):
        done = seen.get(value)
        if done is None:
            done = seen[value] = clean(value, credentials)
        return done
    if isinstance(value, list):
        return [_clean_value(v, credentials, seen) for v in value]
    if isinstance(value, dict):
        return {k: _clean_value(v, credentials, seen) for k, v in value.items()}
    return value


def clean_findings(findings: list[dict[str, Any]], credentials: Credentials) -> list[dict[str, Any]]:
    """Every string of every finding cleaned (see the module docstring).

    Each distinct string is cleaned once: a large repository's findings repeat the same file names,
    kinds and values thousands of times, and this runs in the parent process after the parallel
    scan, where every second adds to the wall time.
    """
    seen: dict[str, str] = {}
    return [{key: _clean_value(value, credentials, seen) for key, value in f.items()} for f in findings]


def clean_skipped(skipped: list[tuple[str, str]], credentials: Credentials) -> list[tuple[str, str]]:
    """Skipped paths and their reasons cleaned like findings."""
    return [(clean(path, credentials), clean(reason, credentials)) for path, reason in skipped]
