"""Errors a person can act on.

Every failure that reaches a user is an :class:`InputError`: a file, a 1-based line and column, what
is wrong and what to do about it, rendered on one line in the ``file:line:col: message`` form that
editors, CI log parsers and humans all understand. The CLI turns it into exit code 2; the Sphinx
extension into a located warning. Nothing in ``core`` raises a bare traceback at a user.
"""

from __future__ import annotations

from dataclasses import dataclass

from .escaping import terminal_line


@dataclass(frozen=True)
class Location:
    """A place in a file. ``line`` and ``column`` are 1-based; 0 means "unknown"."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.file}:{self.line}:{self.column}"
        if self.line:
            return f"{self.file}:{self.line}"
        return self.file


class InputError(Exception):
    """Bad input, located, with a fix. ``str(error)`` is the one line to show."""

    def __init__(self, location: Location, message: str, fix: str = "") -> None:
        self.location = location
        self.message = message
        self.fix = fix
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.fix:
            text += f" — {self.fix}"
        # Every error line reaches a terminal, a CI log or a Sphinx warning, and messages quote
        # values from files: one line always (a value may hold newlines), and no escape sequence,
        # control or bidi character in it may act on whatever displays it.
        return terminal_line(text)


class InputErrors(InputError):
    """Several located problems found in one pass (for example every schema violation in a file).

    Raised as one exception so callers handle a single type; ``errors`` keeps each one so the CLI can
    print them all, one line each, instead of making the person fix them one run at a time.
    """

    def __init__(self, errors: list[InputError]) -> None:
        if not errors:
            raise ValueError("InputErrors needs at least one error")
        self.errors = errors
        first = errors[0]
        super().__init__(first.location, first.message, first.fix)

    def lines(self) -> list[str]:
        return [e.one_line() for e in self.errors]
