"""A Sphinx build never hangs on an assessment path that is not a regular file.

``fmg:assessment`` reads its file through the core reader, which looks before it opens: a FIFO (a
named pipe, which would block the build until some process wrote to it) gives a located warning
and the build finishes. The build runs under an alarm, so a regression fails instead of hanging.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from sphinx.util.console import strip_escape_sequences

TIMEOUT = 120


class BuildHung(Exception):
    pass


@pytest.fixture
def alarm() -> Iterator[None]:
    def hung(_signum: int, _frame: FrameType | None) -> None:
        raise BuildHung(f"the build did not finish in {TIMEOUT} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(TIMEOUT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("builder", ["html", "text"])
def test_an_assessment_that_is_a_fifo_gives_a_located_warning_and_the_build_finishes(make_app, tmp_path: Path, alarm: None, builder: str) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('project = "fifo"\nextensions = ["myst_parser", "fm_governance.sphinxext"]\n', encoding="utf-8")
    (src / "index.md").write_text("# Report\n\n```{fmg:assessment} fm-governance.yaml\n```\n", encoding="utf-8")
    os.mkfifo(src / "fm-governance.yaml")
    app = make_app(builder, srcdir=src, builddir=tmp_path / "out", freshenv=True)
    app.build()
    warnings = strip_escape_sequences(app.warning.getvalue()).strip().splitlines()
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"{src / 'index.md'}:3: WARNING: fmg:assessment: "), warnings[0]
    assert "fm-governance.yaml: is a named pipe (FIFO), not a regular file" in warnings[0]
    assert warnings[0].endswith("[fmg.assessment]"), warnings[0]
    assert (tmp_path / "out" / builder / f"index.{'html' if builder == 'html' else 'txt'}").exists()
