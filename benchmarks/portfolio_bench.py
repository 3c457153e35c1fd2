"""Portfolio benchmark: `fm-governance portfolio` over many generated assessments of the four checklists.

Target (issue 17): 10,000 assessment files of 48 items each in under 10 s and under 500 MB on the
project's 2-core machine. Run: `python benchmarks/portfolio_bench.py [FILES]` (default 10,000; or
`make bench`). The generator copies the six assessments of examples/portfolio (all four built-in
checklists, 48 items each, real inventories) under new project names, with answers, criticality
and models varied at random, so every file is read and scored as a real one would be. Prints a
Markdown table for benchmarks/README.md; peak memory is the largest resident set of the command
and its worker processes (``getrusage(RUSAGE_CHILDREN)``).
"""

from __future__ import annotations

import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CLI = str(BIN / "fm-governance")
EXAMPLES = Path(__file__).parents[1] / "examples" / "portfolio"
MODELS = [
    ("gpt-4o-2024-08-06", "openai"),
    ("gpt-4o-mini-2024-07-18", "openai"),
    ("claude-3-5-sonnet-20241022", "anthropic"),
    ("claude-3-opus-20240229", "anthropic"),
    ("gemini-1.5-pro", "google"),
    ("mistral-large-2411", "mistral"),
]
_ANSWER = re.compile(r'answer: (?:null|"yes"|"no"|"partial") ')
ANSWERS = ["null", '"yes"', '"no"', '"partial"']


def generate(folder: Path, files: int) -> None:
    rng = random.Random(17)
    sources = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*/fm-governance.yaml"))]
    for n in range(files):
        text = rng.choice(sources)
        text = re.sub(r"(?m)^  name: .*$", f"  name: project-{n:05d}", text, count=1)
        text = re.sub(r"(?m)^  criticality: \w+", f"  criticality: {rng.choice(['critical', 'high', 'medium', 'low'])}", text, count=1)
        model, provider = rng.choice(MODELS)
        text = re.sub(r"(?m)^    - id: (\S+)\n      provider: (\S+)", f"    - id: {model}\n      provider: {provider}", text, count=1)
        text = _ANSWER.sub(lambda _: f"answer: {rng.choice(ANSWERS)} ", text)
        target = folder / f"p{n:05d}" / "fm-governance.yaml"
        target.parent.mkdir()
        target.write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    files = int(argv[0]) if argv else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "assessments"
        folder.mkdir()
        generate(folder, files)
        rows = []
        for jobs in ("2", "1"):
            start = time.perf_counter()
            done = subprocess.run(
                [CLI, "portfolio", str(folder), "--format", "json", "-o", str(Path(tmp) / f"out{jobs}.json"), "-j", jobs],
                capture_output=True,
                text=True,
                check=False,
            )
            seconds = time.perf_counter() - start
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            rows.append((jobs, seconds, peak_mb, done.returncode))
    print(f"{files:,} assessment files (48 items each)\n")
    print("| workers | wall (s) | peak RSS of one process (MB) | exit |")
    print("| ---: | ---: | ---: | ---: |")
    for jobs, seconds, peak_mb, code in rows:
        print(f"| {jobs} | {seconds:.1f} | {peak_mb:.0f} | {code} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
