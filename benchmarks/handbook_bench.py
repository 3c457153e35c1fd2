"""The handbook's edit loop (issue 20): how long the people who write the handbook wait.

Four HTML builds of ``docs/`` as a writer meets them, and Sphinx's own no-op for the same pages:

fresh, clean checkout
    an empty output and doctree folder and none of the build-time generators' outputs: a first
    build (and what every build cost when the generators ran each time); the generated folders
    (``docs/_generated``, ``docs/reference/_generated``, ``docs/_static/schemas``, ignored by git)
    are deleted before it and written again by it;
fresh
    an empty output and doctree folder, the generators' outputs kept from earlier builds, as on a
    writer's machine;
no-op
    nothing changed since the last build;
one checklist edited
    one word of DE-01's question in ``checklists/data-exposure.yaml`` changed (and changed back
    after the run, whatever happens);
bare no-op
    the no-op of the same pages with the handbook's build-time generators switched off: a copy of
    ``docs/`` (generated files included) whose ``conf.py`` drops the ``handbook`` extension but
    keeps its two parts that are not generators (the accessibility translator and the stable
    configuration, without which every rebuild would rewrite every page). What is left is Sphinx,
    MyST, furo, sphinx-design, sphinx-click and the fm-governance extension: Sphinx's own no-op
    for these pages, which the issue's "no-op at most 1.5x Sphinx's own" is measured against.

The builds run with Python's bytecode cache on, as on a writer's machine, even where the
environment sets ``PYTHONDONTWRITEBYTECODE`` (the warm-up build writes the cache).

Runs are interleaved (every build once, then again) and each ratio is the median of the ratios of
builds that ran back to back, so a machine that slows down during the benchmark shifts both sides
of a pair alike. Wall-clock and CPU (user + system of the build process) seconds are printed with
the load average, which on a shared machine says how far the seconds can be trusted.

Run: ``python benchmarks/handbook_bench.py [--runs N]``. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHECKLIST = ROOT / "checklists" / "data-exposure.yaml"
#: What the handbook's build-time generators write (ignored by git).
GENERATED = (DOCS / "_generated", DOCS / "reference" / "_generated", DOCS / "_static" / "schemas")
EDIT = ("      Is there a current inventory that maps", "      Is there an up-to-date inventory that maps")
BARE_CONF = """
# handbook_bench.py: the same handbook without its build-time generators.
extensions = [e for e in extensions if e != "handbook"]


def setup(app):
    from handbook.a11y import setup_a11y
    from handbook.stable_config import setup_stable_config

    setup_a11y(app)
    setup_stable_config(app)
"""


@dataclass
class Timing:
    wall: float
    cpu: float


#: Extra environment for the builds (``--as-docs-extra`` sets it).
ENV: dict[str, str] = {}
#: The builds' environment: this one, with ENV, and with Python's bytecode cache on. Some machines
#: (CI images, this project's sandbox) set PYTHONDONTWRITEBYTECODE, which makes every build compile
#: fm-governance and the handbook extension from source again (0.4–0.6 s of a rebuild); a writer's
#: Python caches the compiled modules after the first build, and so do these builds.
BUILD_ENV: dict[str, str] = {}


def build(src: Path, out: Path) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-d", str(out / "doctrees"), str(src), str(out / "html")],
        capture_output=True,
        text=True,
        check=False,
        env=BUILD_ENV,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise SystemExit(f"build of {src} failed:\n{run.stderr[-3000:]}")
    return Timing(wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def bare_copy(work: Path) -> Path:
    """docs/ with its generated files, built without the generators. The pages include files
    beside docs/ (``../examples/...``), so the copy sits beside links to those folders."""
    copy = work / "bare" / "docs"
    shutil.copytree(DOCS, copy, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    for sibling in ("examples", "checklists"):
        (copy.parent / sibling).symlink_to(ROOT / sibling, target_is_directory=True)
    conf = copy / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + BARE_CONF, encoding="utf-8")
    return copy


def edit_checklist(original: str, edited: bool) -> None:
    CHECKLIST.write_text(original.replace(*EDIT, 1) if edited else original, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--as-docs-extra",
        action="store_true",
        help="build as an install with only the docs extra would: without rfc3987-syntax (which the dev extra pulls in "
        "through cyclonedx-python-lib[json-validation] and which makes importing jsonschema cost over a second)",
    )
    args = parser.parse_args()
    original = CHECKLIST.read_text(encoding="utf-8")
    if EDIT[0] not in original:
        raise SystemExit(f"{CHECKLIST}: cannot find {EDIT[0].strip()!r} to edit; update EDIT in {Path(__file__).name}")
    times: dict[str, list[Timing]] = {"fresh, clean checkout": [], "fresh": [], "no-op": [], "one checklist edited": [], "bare no-op": []}
    loads: list[float] = []
    with tempfile.TemporaryDirectory(prefix="fmg-handbook-bench-") as tmp:
        work = Path(tmp)
        if args.as_docs_extra:
            # jsonschema imports rfc3987_syntax only if it can: make the import fail, as where it is not installed.
            (work / "site").mkdir()
            (work / "site" / "sitecustomize.py").write_text("import sys\n\nsys.modules['rfc3987_syntax'] = None\n", encoding="utf-8")
            ENV["PYTHONPATH"] = os.pathsep.join(filter(None, [str(work / "site"), os.environ.get("PYTHONPATH", "")]))
        BUILD_ENV.update({k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, **ENV)
        try:
            build(DOCS, work / "warm")  # the generators' outputs exist before the first "fresh" build
            bare = bare_copy(work)
            build(bare, work / "bare-out")
            for run in range(args.runs):
                out = work / f"run{run}"
                loads.append(os.getloadavg()[0])
                for generated in GENERATED:
                    shutil.rmtree(generated, ignore_errors=True)
                times["fresh, clean checkout"].append(build(DOCS, work / f"clean{run}"))
                shutil.rmtree(work / f"clean{run}")
                times["fresh"].append(build(DOCS, out))
                times["no-op"].append(build(DOCS, out))
                times["bare no-op"].append(build(bare, work / "bare-out"))
                edit_checklist(original, True)
                times["one checklist edited"].append(build(DOCS, out))
                edit_checklist(original, False)
                build(DOCS, out)  # back to the committed checklist (an edit too; not counted)
                build(bare, work / "bare-out")  # the bare copy reads the same checklists: settle it too
                loads.append(os.getloadavg()[0])
                shutil.rmtree(out)
                print("run", run + 1, {k: f"{v[-1].wall:.2f}s" for k, v in times.items()}, f"load {loads[-1]:.1f}", file=sys.stderr)
        finally:
            edit_checklist(original, False)

    def ratios(a: str, b: str) -> str:
        walls = sorted(x.wall / y.wall for x, y in zip(times[a], times[b], strict=True))
        cpus = sorted(x.cpu / y.cpu for x, y in zip(times[a], times[b], strict=True))
        return f"{statistics.median(walls):.2f}x wall clock (runs: {', '.join(f'{r:.2f}' for r in walls)}), {statistics.median(cpus):.2f}x CPU"

    print(
        f"Median of {args.runs} interleaved runs, `python -m sphinx -b html`{' as with the docs extra only' if args.as_docs_extra else ''}, "
        f"Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs; 1-minute load average {min(loads):.1f}–{max(loads):.1f} during the runs.\n"
    )
    print("| Build | Wall (s) | CPU (s) |")
    print("| --- | ---: | ---: |")
    for name, timings in times.items():
        print(f"| {name} | {statistics.median(t.wall for t in timings):.2f} | {statistics.median(t.cpu for t in timings):.2f} |")
    print()
    print(f"- no-op / bare no-op (target at most 1.5x): {ratios('no-op', 'bare no-op')}")
    print(f"- one checklist edited / fresh, clean checkout (target under 0.33x): {ratios('one checklist edited', 'fresh, clean checkout')}")
    print(f"- one checklist edited / fresh with the generators' outputs kept: {ratios('one checklist edited', 'fresh')}")


if __name__ == "__main__":
    main()
