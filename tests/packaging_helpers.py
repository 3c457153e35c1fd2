"""Build the package the way the packaging tests need, without touching the working tree.

A build writes ``src/fm_governance/_version.py`` from the git tags (hatch-vcs). Building from the
working tree itself would rewrite that file under the running test session, whose editable install
reads it, so the version could change half-way through a run (a tree with uncommitted changes gets
a date in its version). The tests build a copy instead: the files git would commit (tracked, and
untracked but not ignored), as they are on disk now, without git metadata, so the copy builds as
the fallback version.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def source_copy(dest: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet committed is still listed
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def build_wheel(source: Path, out: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = out.glob("fm_governance-*.whl")
    return wheel
