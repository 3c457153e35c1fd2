"""Prove that a change to the scanner's speed leaves what it finds unchanged, on the real corpus.

Usage::

    python benchmarks/same_findings.py --save BEFORE.json      # with the code before the change
    python benchmarks/same_findings.py --check BEFORE.json     # with the code after it

Scans every repository of ``benchmarks/corpus.toml`` (the trees ``real_bench.py`` builds under
``benchmarks/.work/real/``) in this process and records, per repository, the whole JSON output of
``assess --dry-run --format json`` except the run statistics that measure time: providers, models,
signals, every finding and every skipped path. ``--check`` compares a new run with a saved one and
exits 1 naming the first differences per repository, so "the same findings" is a check, not a
reading of two tables by eye.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import real_bench  # noqa: E402  (a sibling script: the corpus and its trees)
import scan_bench  # noqa: E402

#: Run statistics that differ between two runs of the same code (durations, how files were listed).
_VOLATILE_STATS = ("seconds", "workers", "listing", "prefilter")


def snapshot(names: list[str] | None = None) -> dict[str, Any]:
    """What the scanner finds in each corpus repository, as plain JSON data."""
    sys.path.insert(0, str(scan_bench.SRC))
    from fm_governance.scan import scan_project

    out: dict[str, Any] = {}
    for repo in real_bench.corpus():
        if names and repo["name"] not in names:
            continue
        root = real_bench.checkout(repo, None)
        data = scan_project(root, progress=False, workers=2).to_json_dict()
        data.pop("root")
        data["stats"] = {k: v for k, v in data["stats"].items() if k not in _VOLATILE_STATS}
        out[repo["name"]] = json.loads(json.dumps(data, sort_keys=True))
        print(f"{repo['name']}: {len(data['findings'])} findings", file=sys.stderr, flush=True)
    return out


def differences(before: dict[str, Any], after: dict[str, Any], limit: int = 5) -> list[str]:
    """Human-readable differences, at most ``limit`` per repository and section."""
    lines = []
    for name in sorted(set(before) | set(after)):
        if name not in before or name not in after:
            lines.append(f"{name}: only in {'the saved run' if name in before else 'this run'}")
            continue
        for section in sorted(set(before[name]) | set(after[name])):
            old, new = before[name].get(section), after[name].get(section)
            if old == new:
                continue
            if isinstance(old, list) and isinstance(new, list):
                gone = [row for row in old if row not in new]
                added = [row for row in new if row not in old]
                lines.append(f"{name}: {section}: {len(gone)} gone, {len(added)} new")
                lines += [f"  - {json.dumps(row, sort_keys=True)[:300]}" for row in gone[:limit]]
                lines += [f"  + {json.dumps(row, sort_keys=True)[:300]}" for row in added[:limit]]
                if not gone and not added:
                    lines.append("  (same rows, different order)")
            else:
                lines.append(f"{name}: {section}: {json.dumps(old)[:300]} -> {json.dumps(new)[:300]}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="write this run's findings to FILE")
    group.add_argument("--check", type=Path, help="compare this run with the findings saved in FILE")
    parser.add_argument("--only", nargs="*", default=None, help="repository names (owner/name) to scan")
    args = parser.parse_args()
    now = snapshot(args.only)
    if args.save:
        args.save.write_text(json.dumps(now, sort_keys=True, indent=1) + "\n", encoding="utf-8")
        print(f"saved the findings of {len(now)} repositories to {args.save}")
        return 0
    saved = json.loads(args.check.read_text(encoding="utf-8"))
    if args.only:
        saved = {k: v for k, v in saved.items() if k in args.only}
    diff = differences(saved, now)
    if diff:
        print("\n".join(diff))
        return 1
    total = sum(len(v["findings"]) for v in now.values())
    print(f"same findings in all {len(now)} repositories ({total:,} findings, and the same providers, models, signals and skipped paths)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
