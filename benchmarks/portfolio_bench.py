"""Portfolio benchmark: `fm-governance portfolio` over many generated assessments of the four checklists.

Target (issue 17): 10,000 assessment files of 48 items each in under 10 s and under 500 MB on the
project's 2-core machine. Run: `python benchmarks/portfolio_bench.py [FILES] [--rounds N]` (default
10,000 files, 3 rounds; or `make bench`). The generator copies the six assessments of
examples/portfolio (all four built-in checklists, 48 items each, real inventories) under new project
names, with answers, criticality and models varied at random, so every file is read and scored as a
real one would be. `--screenshot docs/guides/img/portfolio.png` writes the portfolio guide's
screenshot of the example portfolio's HTML page instead.

Each round runs the command with 2 workers and then with 1 (paired, so both see the same load), and
records:

* wall time, and CPU time (user + system of the command and its workers, from
  ``getrusage(RUSAGE_CHILDREN)``), also per file: on a shared machine the CPU time is the steadier
  figure;
* peak memory of the whole process tree, sampled every 20 ms from /proc (Linux only): the sum of
  every process's resident set (RSS; forked workers share pages with their parent, so this counts
  shared pages once per process and overstates) and the sum of proportional set sizes (PSS, shared
  pages divided among the processes that share them: the memory the command really holds);
* the 1-minute load average just before the run, and how fast the machine was just before it
  (``calibrate()``: CPU seconds of a fixed pure-Python loop; this virtual machine's speed changes
  by half from minute to minute, and every other figure moves with it).

It prints one row per run and the medians per worker count, as Markdown for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
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


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc/<pid>/task/<tid>/children."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except OSError:
            continue  # the process ended while it was looked at
    return found


def _kib(path: str, field: str) -> int:
    try:
        with open(path, encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakMemory(threading.Thread):
    """Samples the summed RSS and PSS of a process tree until the process ends."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        super().__init__(daemon=True)
        self.process = process
        self.rss_kib = 0
        self.pss_kib = 0

    def run(self) -> None:
        while self.process.poll() is None:
            pids = _tree(self.process.pid)
            self.rss_kib = max(self.rss_kib, sum(_kib(f"/proc/{p}/status", "VmRSS:") for p in pids))
            self.pss_kib = max(self.pss_kib, sum(_kib(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids))
            time.sleep(0.02)


def calibrate() -> float:
    """CPU seconds for a fixed pure-Python loop (ten million additions), taken just before a run.

    This machine is a virtual one whose speed changes by half from one minute to the next (the
    same loop took 0.74 s and 1.14 s a few seconds apart), which moves every figure with it: the
    figure says how fast the machine was when a run was timed."""
    start = time.process_time()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.process_time() - start


def run_once(folder: Path, output: Path, jobs: str) -> dict[str, float]:
    calibration = calibrate()
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [CLI, "portfolio", str(folder), "--format", "json", "-o", str(output), "--force", "-j", jobs, "--as-of", "2026-12-06"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = PeakMemory(process)
    sampler.start()
    _, errors = process.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"portfolio exited {process.returncode}: {errors[:2000]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"load": load, "cal": calibration, "wall": seconds, "cpu": cpu, "rss": sampler.rss_kib / 1024, "pss": sampler.pss_kib / 1024}


def screenshot(target: Path) -> None:
    """The top of the HTML page of examples/portfolio, as the portfolio guide shows it: Debian's
    headless Chromium through Playwright (as the browser tests drive it), then a 256-colour palette
    and Pillow's optimiser, which keep the PNG small without changing what it shows."""
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_file, raw = Path(tmp) / "portfolio.html", Path(tmp) / "raw.png"
        command = [CLI, "portfolio", str(EXAMPLES), "--format", "html", "-o", str(page_file), "--as-of", "2026-12-06"]
        subprocess.run(command, check=True, capture_output=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"], headless=True)
            try:
                page = browser.new_page(viewport={"width": 1000, "height": 1040}, device_scale_factor=1)
                page.goto(page_file.as_uri())
                page.screenshot(path=str(raw))  # the viewport: headline, single points of failure, HHI chart, developer shares
            finally:
                browser.close()
        with Image.open(raw) as image:
            image.convert("RGB").quantize(colors=256).save(target, optimize=True)
    print(f"{target}: {target.stat().st_size:,} bytes")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="?", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="Only write the guide's screenshot of the example portfolio's HTML page.")
    args = parser.parse_args(argv)
    if args.screenshot:
        screenshot(args.screenshot)
        return 0
    rows: list[tuple[int, str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "assessments"
        folder.mkdir()
        generate(folder, args.files)
        for round_ in range(1, args.rounds + 1):
            for jobs in ("2", "1"):
                rows.append((round_, jobs, run_once(folder, Path(tmp) / "out.json", jobs)))
    print(f"{args.files:,} assessment files (48 items each), {args.rounds} paired rounds\n")
    print("| round | workers | load (1 min) | calibration (s) | wall (s) | CPU (s) | CPU per file (ms) | peak RSS, sum (MB) | peak PSS, sum (MB) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for round_, jobs, r in rows:
        print(
            f"| {round_} | {jobs} | {r['load']:.1f} | {r['cal']:.2f} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['cpu'] / args.files * 1000:.2f} "
            f"| {r['rss']:.0f} | {r['pss']:.0f} |"
        )
    print("\nMedians:\n")
    print("| workers | calibration (s) | wall (s) | CPU (s) | CPU per file (ms) | peak RSS, sum (MB) | peak PSS, sum (MB) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for jobs in ("2", "1"):
        mine = [r for _, j, r in rows if j == jobs]

        def median(key: str, runs: list[dict[str, float]] = mine) -> float:
            return statistics.median(r[key] for r in runs)

        print(
            f"| {jobs} | {median('cal'):.2f} | {median('wall'):.1f} | {median('cpu'):.1f} | {median('cpu') / args.files * 1000:.2f} | {median('rss'):.0f} | {median('pss'):.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
