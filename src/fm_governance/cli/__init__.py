"""The ``fm-governance`` command line: a thin click layer over :mod:`fm_governance.core`.

One module per command (:mod:`.assess`, :mod:`.check`, :mod:`.diff`, :mod:`.portfolio`, :mod:`.report`,
:mod:`.template`, :mod:`.info`); :mod:`.app` holds the group and what every command shares. Start-up cost is part of
the interface (the CLI runs in every CI job and pre-commit hook), so these modules import only
click at load time; each command imports the core modules, jsonschema, rich or jinja2 when it
runs. Exit codes are a contract: 0 ok, 1 the gate failed, 2 bad input or usage. Every failure is
reported as one line — ``file:line:col: what is wrong — what to do`` — on stderr.
"""

from __future__ import annotations

from . import assess, check, diff, export, info, portfolio, report, template  # noqa: F401  (each registers its command)
from .app import EXIT_GATE, EXIT_INPUT, EXIT_OK, main

__all__ = ["EXIT_GATE", "EXIT_INPUT", "EXIT_OK", "main", "run"]


def run() -> None:  # pragma: no cover - console-script entry point
    from ..core.terminal import degrade_unencodable_output

    # Before anything is written: an output encoding that cannot hold a character (a C locale,
    # PYTHONIOENCODING=ascii, a Windows code page) degrades it instead of ending the command.
    degrade_unencodable_output()
    main(prog_name="fm-governance")


if __name__ == "__main__":  # pragma: no cover
    run()
