"""Sphinx extension benchmark: 200 pages holding 2,000 items, built three ways and a baseline (issue 3).

(a) the fm-governance extension: 200 checklist files of 10 items, one ``fmg:checklist`` page each,
    plus one ``fmg:matrix`` page — once with the defaults (every item is also a section, so an
    entry in Sphinx's table of contents) and once with ``fmg_item_toc = False``, which matches
    what (b) builds: items that are not contents entries;
(b) sphinx-needs, the peer a team would pick instead: the same 2,000 items as ``need`` objects (id,
    title, status, tags, a paragraph) on 200 pages, plus one ``needtable`` page;
(c) plain MyST, the floor for the same information: per item a heading with an anchor, the
    question, a severity/owner/applicability table, an admonition (why), guidance, evidence and
    references lists; plus one table page of all items linking to them;
(d) Sphinx alone: the same pages and toctree with a title each and no items — the cost every
    build of 200 pages pays before the first item, to read the ratios against.

Every item has its own text (its number is in the question, the why and the guidance), as real
checklists do. For each: a fresh HTML build at 500 and 2,000 items (linearity), and an incremental
rebuild after editing one source (for the extension: one checklist YAML file). Targets: (a) at
most 0.8x (b) and at most 1.0x (c) fresh; incremental under 20% of fresh.

Pages hold 10 items each, so a smaller project also has fewer pages; ``--pages 200`` holds every
item count on the same 200 pages instead, which keeps Sphinx's own per-page cost (every page's
navigation lists every page) fixed, so that what changes with the item count is the items' cost.

Run: ``python benchmarks/sphinx_bench.py [--runs N] [--items 500,2000] [--pages N]``. Needs
``sphinx-needs`` installed for (b) (it is skipped with a note otherwise). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import itertools
import resource
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PER_PAGE = 10
SEVERITIES = ("critical", "high", "medium", "low")
OWNERS = ("legal", "procurement", "risk", "security", "privacy", "engineering")
PARAGRAPH = (
    "Providers change terms, models and prices on their own schedule; this item asks for the written "
    "evidence that the team knows what applies today and what it would do when that changes."
)


def prefixes() -> list[str]:
    """Unique item-id prefixes (two to three capital letters), as the checklist schema requires."""
    letters = string.ascii_uppercase
    return ["".join(p) for n in (2, 3) for p in itertools.product(letters, repeat=n)]


def per_page(items: int, pages: int) -> list[int]:
    """How many items each page holds: ``items`` spread evenly over ``pages``."""
    return [items // pages + (n < items % pages) for n in range(pages)]


def _index(root: Path, title: str, pages: int, extra: str) -> None:
    toc = "\n".join(f"p{n:03d}" for n in range(pages))
    (root / "index.md").write_text(f"# {title}\n\n```{{toctree}}\n:maxdepth: 1\n\n{toc}\n{extra}\n```\n", encoding="utf-8")


def gen_fmg(root: Path, items: int, pages: int, *, item_toc: bool = True) -> Path:
    (root / "checklists").mkdir(parents=True)
    conf = 'project = "bench"\nextensions = ["myst_parser", "fm_governance.sphinxext"]\nfmg_checklist_dirs = ["checklists"]\nfmg_builtin_checklists = []\n'
    if not item_toc:
        conf += "fmg_item_toc = False\n"
    (root / "conf.py").write_text(conf, encoding="utf-8")
    for n, (prefix, count) in enumerate(zip(prefixes(), per_page(items, pages), strict=False)):
        lines = [f"id: c{n:03d}", f"title: Checklist {n}", 'version: "1.0.0"', "owner: risk", f"prefix: {prefix}", "summary: A generated checklist.", "items:"]
        for i in range(1, count + 1):
            lines += [
                f"  - id: {prefix}-{i:02d}",
                f"    title: Item {i} of checklist {n}",
                f"    question: Is item {i} of checklist {n} under control?",
                f"    why: Item {i} of checklist {n}. {PARAGRAPH}",
                "    guidance: |",
                f"      - Record the **provider**, tier and date for item {i} of checklist {n}.",
                "      - Review it when anything changes.",
                "    evidence:",
                "      - A dated record",
                f"    severity: {SEVERITIES[i % 4]}",
                f"    owner: {OWNERS[i % 6]}",
                "    references:",
                '      - {framework: nist-ai-rmf, id: "GOVERN 1.6"}',
            ]
        (root / "checklists" / f"c{n:03d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (root / f"p{n:03d}.md").write_text(f"# Checklist {n}\n\n```{{fmg:checklist}} c{n:03d}\n```\n", encoding="utf-8")
    (root / "matrix.md").write_text("# Matrix\n\n```{fmg:matrix}\n```\n", encoding="utf-8")
    _index(root, "fmg", pages, "matrix")
    return root / "checklists" / "c000.yaml"


def gen_fmg_no_toc(root: Path, items: int, pages: int) -> Path:
    return gen_fmg(root, items, pages, item_toc=False)


def gen_needs(root: Path, items: int, pages: int) -> Path:
    root.mkdir(parents=True)
    (root / "conf.py").write_text('project = "bench"\nextensions = ["myst_parser", "sphinx_needs"]\nsuppress_warnings = ["needs"]\n', encoding="utf-8")
    for n, count in enumerate(per_page(items, pages)):
        parts = [f"# Page {n}\n"]
        for i in range(1, count + 1):
            parts.append(
                f"```{{need}} Item {i} of page {n}\n:id: R_{n:03d}_{i:02d}\n:status: open\n:tags: {SEVERITIES[i % 4]}; {OWNERS[i % 6]}\n\n"
                f"Is item {i} of page {n} under control? {PARAGRAPH}\n```\n"
            )
        (root / f"p{n:03d}.md").write_text("\n".join(parts), encoding="utf-8")
    (root / "table.md").write_text("# All needs\n\n```{needtable}\n:columns: id;title;status;tags\n```\n", encoding="utf-8")
    _index(root, "needs", pages, "table")
    return root / "p000.md"


def gen_plain(root: Path, items: int, pages: int) -> Path:
    """The same information as (a), hand-written: every field the extension shows, as MyST."""
    root.mkdir(parents=True)
    (root / "conf.py").write_text('project = "bench"\nextensions = ["myst_parser"]\n', encoding="utf-8")
    rows = []
    for n, count in enumerate(per_page(items, pages)):
        parts = [f"# Checklist {n}\n\nA generated checklist.\n\n| Version | Default owner | Items |\n| --- | --- | --- |\n| 1.0.0 | risk | {count} |\n"]
        for i in range(1, count + 1):
            item = f"P{n:03d}-{i:02d}"
            parts.append(
                f"({item.lower()})=\n## {item} Item {i} of checklist {n}\n\n**Is item {i} of checklist {n} under control?**\n\n"
                f"| Severity | Owner | Applies to |\n| --- | --- | --- |\n| {SEVERITIES[i % 4]} | {OWNERS[i % 6]} | all modes |\n\n"
                f"```{{note}}\nItem {i} of checklist {n}. {PARAGRAPH}\n```\n\n"
                f"- Record the **provider**, tier and date for item {i} of checklist {n}.\n- Review it when anything changes.\n\n"
                "Evidence:\n\n- A dated record\n\nReferences:\n\n- **NIST AI RMF 1.0** GOVERN 1.6\n"
            )
            rows.append(f"| [{item}](#{item.lower()}) | Item {i} of checklist {n} | {SEVERITIES[i % 4]} | {OWNERS[i % 6]} | GOVERN 1.6 |")
        (root / f"p{n:03d}.md").write_text("\n".join(parts), encoding="utf-8")
    table = "| ID | Title | Severity | Owner | NIST AI RMF 1.0 |\n| --- | --- | --- | --- | --- |\n" + "\n".join(rows)
    (root / "table.md").write_text(f"# All items\n\n{table}\n", encoding="utf-8")
    _index(root, "plain", pages, "table")
    return root / "p000.md"


def gen_floor(root: Path, items: int, pages: int) -> Path:
    """Sphinx alone: the same 200 pages and toctree, a title and one line each — what any build of
    this project costs before the first item (the theme's per-page navigation, search, writing)."""
    root.mkdir(parents=True)
    (root / "conf.py").write_text('project = "bench"\nextensions = ["myst_parser"]\n', encoding="utf-8")
    for n in range(pages):
        (root / f"p{n:03d}.md").write_text(f"# Page {n}\n\nItem 1 of page {n} will go here.\n", encoding="utf-8")
    _index(root, "floor", pages, "")
    return root / "p000.md"


KINDS: dict[str, Callable[[Path, int, int], Path]] = {
    "fm-governance": gen_fmg,
    "fm-governance (fmg_item_toc = False)": gen_fmg_no_toc,
    "sphinx-needs": gen_needs,
    "plain MyST": gen_plain,
    "Sphinx alone (no items)": gen_floor,
}
OURS = ("fm-governance", "fm-governance (fmg_item_toc = False)")
PEERS = ("sphinx-needs", "plain MyST")
FLOOR = "Sphinx alone (no items)"


@dataclass
class Timing:
    """One build: wall-clock seconds and the CPU seconds (user + system) of the build process."""

    wall: float
    cpu: float


def build(src: Path, out: Path) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-d", str(out / "doctrees"), str(src), str(out / "html")], capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise SystemExit(f"build of {src} failed:\n{run.stderr[-2000:]}")
    return Timing(elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def build_once(name: str, generate: Callable[[Path, int, int], Path], items: int, pages: int, work: Path) -> tuple[Timing, Timing]:
    """A fresh build, then an incremental rebuild after editing one source (one checklist file
    for the extension: an item's title)."""
    base = work / f"{name}-{items}"
    edited = generate(base / "src", items, pages)
    fresh = build(base / "src", base / "out")
    time.sleep(0.05)
    edited.write_text(edited.read_text(encoding="utf-8").replace("Item 1 of", "Item one of", 1), encoding="utf-8")
    incremental = build(base / "src", base / "out")
    shutil.rmtree(base)
    return fresh, incremental


def median(timings: list[Timing]) -> Timing:
    return Timing(statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--items", default="500,2000", help="comma-separated item counts")
    parser.add_argument("--pages", type=int, default=0, help="hold every item count on this many pages (default: 10 items a page, so pages grow with items)")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated subset of the builds")
    args = parser.parse_args()
    sizes = [int(s) for s in args.items.split(",")]
    unknown = [name for name in args.kinds.split(",") if name not in KINDS]
    if unknown:
        parser.error(f"unknown build {unknown[0]!r}; choose from {', '.join(KINDS)}")
    kinds = [(name, KINDS[name]) for name in args.kinds.split(",")]
    if min(sizes) < 1:
        parser.error("--items: every item count must be at least 1")
    if args.pages < 0 or any(size < max(args.pages, 1) for size in sizes):
        parser.error("--pages must be at least 1 and at most the smallest item count")
    if args.pages and -(-max(sizes) // args.pages) > 999:
        parser.error("--pages: at most 999 items a page (item ids have two or three digits)")

    def pages_for(items: int) -> int:
        return args.pages or max(items // PER_PAGE, 1)

    if not importlib.util.find_spec("sphinx_needs") and any(name == "sphinx-needs" for name, _ in kinds):
        print("sphinx-needs is not installed: (b) skipped (pip install sphinx-needs)", file=sys.stderr)
        kinds = [k for k in kinds if k[0] != "sphinx-needs"]
    # pip compiles an installed package's bytecode; an editable install (this repository) under
    # PYTHONDONTWRITEBYTECODE would otherwise compile fm-governance's modules afresh in every build
    # while Sphinx's and sphinx-needs' come compiled — a fixed cost of about 0.15 s a build.
    for package in ("fm_governance", "sphinx", "myst_parser", "sphinx_needs"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            compileall.compile_dir(Path(spec.origin).parent, quiet=1, optimize=0)
    # Runs are interleaved (every build once, then every build again): a machine that slows down
    # or speeds up during the benchmark then shifts every build alike, not one build's median.
    fresh: dict[tuple[str, int], list[Timing]] = {}
    incremental: dict[tuple[str, int], list[Timing]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            for run in range(args.runs):
                for name, generate in kinds:
                    f, i = build_once(name, generate, size, pages_for(size), Path(tmp))
                    fresh.setdefault((name, size), []).append(f)
                    incremental.setdefault((name, size), []).append(i)
                    print(f"run {run + 1}: {name:36s} {size:5d} items: fresh {f.wall:.2f}s ({f.cpu:.2f}s CPU), incremental {i.wall:.2f}s", file=sys.stderr)
    results = {key: (median(fresh[key]), median(incremental[key])) for key in fresh}
    print(f"Median of {args.runs} interleaved runs, HTML builder, Python {sys.version.split()[0]}; CPU = user + system seconds of the build.\n")
    print("| build | items | pages | fresh (s) | fresh CPU (s) | incremental (s) | incremental / fresh |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (name, size), (f, i) in results.items():
        print(f"| {name} | {size} | {pages_for(size)} | {f.wall:.2f} | {f.cpu:.2f} | {i.wall:.2f} | {i.wall / f.wall:.0%} |")
    largest = max(sizes)
    print()
    for ours in OURS:
        for peer in PEERS:
            if (ours, largest) in results and (peer, largest) in results:
                mine, theirs = results[ours, largest][0], results[peer, largest][0]
                # Paired: the two builds of one run ran back to back, so drift cancels in each pair.
                pairs = sorted(a.wall / b.wall for a, b in zip(fresh[ours, largest], fresh[peer, largest], strict=True))
                print(
                    f"- {ours} / {peer} at {largest} items: {mine.wall / theirs.wall:.2f}x wall clock, {mine.cpu / theirs.cpu:.2f}x CPU; "
                    f"per run {', '.join(f'{r:.2f}' for r in pairs)} (median {statistics.median(pairs):.2f}x)"
                )
        if len(sizes) > 1 and all((ours, s) in results for s in sizes):
            per_item = ", ".join(f"{results[ours, s][0].wall / s * 1000:.2f} ms at {s}" for s in sizes)
            print(f"- {ours} seconds per item: {per_item}")
            if all((FLOOR, s) in results for s in sizes):
                # What the items add to Sphinx's own cost for the same pages: the extension's share.
                added = ", ".join(f"{(results[ours, s][0].wall - results[FLOOR, s][0].wall) / s * 1000:.2f} ms at {s}" for s in sizes)
                print(f"- {ours} over {FLOOR}, per item: {added}")
    if len(sizes) > 1 and all((FLOOR, s) in results for s in sizes):
        floor = ", ".join(f"{results[FLOOR, s][0].wall:.2f} s for {pages_for(s)} pages" for s in sizes)
        print(f"- {FLOOR}: {floor}")


if __name__ == "__main__":
    main()
