"""Run every benchmark in this folder (``*_bench.py``) and print their Markdown tables.

Usage: ``python benchmarks/run.py [NAME ...]`` (e.g. ``cli``) or ``make bench``. Benchmarks measure;
they never fail a build. Copy the tables into benchmarks/README.md with the date and machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("*_bench.py"))
    if argv:
        scripts = [s for s in scripts if s.stem.removesuffix("_bench") in argv]
    status = 0
    for script in scripts:
        print(f"\n## {script.stem}\n", flush=True)
        status |= subprocess.run([sys.executable, str(script)], check=False).returncode
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
