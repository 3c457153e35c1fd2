"""CLI benchmarks: start-up cost of `fm-governance --help`, and `check` on a 2,000-item assessment.

Targets (issue 2): `--help` at most 1.5x `python -c "import click"`; `check` on 2,000 items under 1 s.
Run: `python benchmarks/cli_bench.py` (or `make bench`). Prints a Markdown table for benchmarks/README.md.
"""

from __future__ import annotations

import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

BIN = Path(sys.executable).parent
CLI = str(BIN / "fm-governance")


def wall(cmd: list[str], runs: int) -> float:
    """Median wall time of ``cmd`` over ``runs`` runs (after one warm-up run)."""
    subprocess.run(cmd, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def generate(folder: Path, checklists: int = 10, per: int = 200) -> Path:
    """``checklists`` custom checklists of ``per`` items each, and a filled assessment of them."""
    rng = random.Random(42)
    cdir = folder / "checklists"
    cdir.mkdir()
    yaml = YAML()
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for n in range(checklists):
        prefix = "B" + letters[n]
        items = [
            {
                "id": f"{prefix}-{i:03d}",
                "title": f"Control {i}",
                "question": f"Is control {i} of area {n} in place and evidenced?",
                "why": "Generated for the benchmark.",
                "guidance": "Follow the runbook.",
                "evidence": ["A signed record"],
                "severity": rng.choice(["critical", "high", "medium", "low"]),
                "owner": rng.choice(["legal", "procurement", "risk", "security", "privacy", "engineering"]),
                "applies_to": rng.choice([[], ["rag"], ["hosted-api", "rag"]]),
                "references": [{"framework": "nist-ai-rmf", "id": "GOVERN 1.1"}],
            }
            for i in range(1, per + 1)
        ]
        with (cdir / f"bench-{n}.yaml").open("w") as fh:
            yaml.dump({"id": f"bench-{n}", "title": f"Bench {n}", "version": "1.0.0", "summary": "Generated.", "owner": "risk", "items": items}, fh)
    out = folder / "fm-governance.yaml"
    subprocess.run([CLI, "template", "--checklists-dir", str(cdir), "-o", str(out), *[f"bench-{n}" for n in range(checklists)]], check=True)
    answers = ['"yes"', '"partial"', '"no"', "null", "n/a"]
    text = re.sub(r"answer: null", lambda _m: "answer: " + rng.choice(answers), out.read_text())
    out.write_text(
        text.replace("answer: n/a  # yes | partial | no | n/a\n        notes: null", "answer: n/a  # yes | partial | no | n/a\n        notes: Not used here.")
    )
    return out


def main() -> int:
    rows = []
    # Interleaved rounds, so a burst of load on the machine hits both sides alike.
    click_times, help_times = [], []
    for _ in range(4):
        click_times.append(wall([sys.executable, "-c", "import click"], 10))
        help_times.append(wall([CLI, "--help"], 10))
    click_t, help_t = statistics.median(click_times), statistics.median(help_times)
    rows.append(('`python -c "import click"`', f"{click_t * 1000:.0f} ms", "baseline"))
    rows.append(("`fm-governance --help`", f"{help_t * 1000:.0f} ms", f"{help_t / click_t:.2f}x click (target <= 1.5x)"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = generate(folder)
        n_items = path.read_text().count("answer:")
        cdir = str(folder / "checklists")
        for fmt in ("text", "json", "sarif"):
            t = wall([CLI, "check", str(path), "--checklists-dir", cdir, "--format", fmt], 5)
            rows.append((f"`fm-governance check` {n_items:,} items, `--format {fmt}`", f"{t * 1000:.0f} ms", "target < 1 s"))
        t = wall([CLI, "assess", str(folder), "--checklists-dir", cdir, "--dry-run"], 5)
        rows.append((f"`fm-governance assess --dry-run` {n_items:,} items (merge, no changes)", f"{t * 1000:.0f} ms", ""))
    print("| Measurement | Median wall time | Note |")
    print("|---|---:|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
