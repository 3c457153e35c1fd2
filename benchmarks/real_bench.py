"""Benchmark the project scanner on real public repositories, against ripgrep (issue 15).

Usage::

    python benchmarks/real_bench.py [--repeat 3] [--only NAME ...] [--mirror DIR] [--profile NAME]

The corpus is ``benchmarks/corpus.toml``: repositories pinned by URL and commit. Each commit is
exported (``git archive``) into ``benchmarks/.work/real/<owner>+<name>`` (gitignored), from a local
mirror when ``--mirror DIR`` holds ``DIR/<owner>+<name>/repo`` with that commit, otherwise
downloaded with ``git fetch --depth 1 <url> <commit>``; the tree is then made an empty git
repository, so both tools honour its ``.gitignore`` the way they would in a working copy.

Per repository it measures, each run in a fresh process: the scanner's wall time (2 workers) and
peak memory, and ripgrep searching the same tree for the scanner's prefilter keywords
(``rg -i -F -c -f stems.txt``, 2 threads), and reports the ratio and the findings. ``--profile NAME``
runs one in-process, single-worker scan of that repository under cProfile and prints where the time
goes. Prints Markdown; the recorded results live in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import statistics
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scan_bench  # noqa: E402  (a sibling script: the same fresh-process runners)

WORK = HERE / ".work" / "real"


def corpus() -> list[dict[str, str]]:
    with (HERE / "corpus.toml").open("rb") as fh:
        repos: list[dict[str, str]] = tomllib.load(fh)["repo"]
    return repos


def _git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _has_commit(git_dir: Path, commit: str) -> bool:
    return subprocess.run(["git", f"--git-dir={git_dir}", "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True).returncode == 0


def checkout(repo: dict[str, str], mirror: Path | None) -> Path:
    """The repository's tree at its commit under benchmarks/.work/real/ (made once, then reused)."""
    slug = repo["name"].replace("/", "+")
    dest = WORK / slug
    stamp = dest / ".fmg-bench-commit"
    if stamp.exists() and stamp.read_text().strip() == repo["commit"]:
        return dest
    git_dir = mirror / slug / "repo" if mirror else None
    if git_dir is None or not _has_commit(git_dir, repo["commit"]):
        git_dir = WORK / f"{slug}.git"
        if not _has_commit(git_dir, repo["commit"]):
            _git("init", "-q", "--bare", str(git_dir))
            _git(f"--git-dir={git_dir}", "fetch", "-q", "--depth", "1", repo["url"], repo["commit"])
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    missing = export(git_dir, repo["commit"], dest)
    if missing:
        print(f"{repo['name']}: {len(missing)} blobs absent from the mirror, left out: {', '.join(missing[:5])}", file=sys.stderr)
    _git("init", "-q", str(dest))
    stamp.write_text(repo["commit"] + "\n")
    return dest


def export(git_dir: Path, commit: str, dest: Path) -> list[str]:
    """Write the tree of ``commit`` into ``dest`` (like ``git archive``), leaving out blobs the
    repository does not hold (a snapshot mirror may omit its largest files); returns their paths."""
    listing = _git(f"--git-dir={git_dir}", "ls-tree", "-r", "-z", commit).stdout.split(b"\0")
    entries = []
    for row in filter(None, listing):
        meta, path = row.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob":
            entries.append((mode, sha, path.decode("utf-8", "surrogateescape")))
    check = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch-check"], input=b"".join(sha + b"\n" for _m, sha, _p in entries), capture_output=True, check=True
    ).stdout.splitlines()
    present = [e for e, line in zip(entries, check, strict=True) if not line.endswith(b" missing")]
    missing = [p for (_m, _s, p), line in zip(entries, check, strict=True) if line.endswith(b" missing")]
    batch = subprocess.Popen(["git", f"--git-dir={git_dir}", "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert batch.stdin is not None and batch.stdout is not None
    # Fed from a thread: writing every request before reading would fill both pipes and deadlock.
    feeder = threading.Thread(target=lambda: (batch.stdin.write(b"".join(sha + b"\n" for _m, sha, _p in present)), batch.stdin.close()))  # type: ignore[union-attr]
    feeder.start()
    for mode, _sha, path in present:
        header = batch.stdout.readline().split()
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)  # the newline after each object
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == b"120000":
            target.symlink_to(data.decode("utf-8", "surrogateescape"))
        else:
            target.write_bytes(data)
    feeder.join()
    batch.wait()
    return missing


def profile(root: Path, top: int = 30) -> str:
    sys.path.insert(0, str(scan_bench.SRC))
    from fm_governance.scan import scan_project

    prof = cProfile.Profile()
    prof.enable()
    scan_project(root, progress=False, workers=1)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


@dataclass
class Accuracy:
    """One repository's scan compared with its hand labels."""

    name: str
    providers_found: list[str]  # `must` providers the scanner reports
    providers_missed: list[str]  # `must` providers it does not report
    false_providers: list[str]  # reported, but neither `must` nor `may`
    models_found: list[str]  # labelled model ids the scanner reports
    models_missed: list[str]


def compare(label: dict[str, Any], providers: Iterable[str], models: Iterable[dict[str, Any]]) -> Accuracy:
    """Compare one repository's labels (a ``[[repo]]`` table of labels.toml) with a scan's providers
    (their ids) and models (the scan's ``models`` entries).

    A labelled model id counts as found when the scan reports it, without case, as a model's ``id``
    (``anthropic/claude-3-5-haiku-20241022``) or as its bare ``model`` (``claude-3-5-haiku-20241022``).
    A reported provider in neither ``must_providers`` nor ``may_providers`` is a false label.
    """
    found = set(providers)
    must = [p["id"] for p in label["must_providers"]]
    allowed = set(must) | {p["id"] for p in label.get("may_providers", [])}
    reported = set()
    for m in models:
        reported.add(str(m["id"]).lower())
        reported.add(str(m["model"]).lower())
    must_models = [m["id"] for m in label.get("must_models", [])]
    return Accuracy(
        name=label["name"],
        providers_found=[p for p in must if p in found],
        providers_missed=[p for p in must if p not in found],
        false_providers=sorted(found - allowed),
        models_found=[m for m in must_models if m.lower() in reported],
        models_missed=[m for m in must_models if m.lower() not in reported],
    )


def _ratio(found: int, total: int) -> str:
    return f"{found}/{total} ({100 * found / total:.1f}%)" if total else "not labelled"


def accuracy_table(rows: list[Accuracy]) -> str:
    """The Markdown table of per-repository results, with an overall row."""
    lines = [
        "| repository | providers found / labelled | false provider labels | model ids found / labelled | missed |",
        "| --- | ---: | --- | ---: | --- |",
    ]
    for r in rows:
        labelled = len(r.providers_found) + len(r.providers_missed)
        missed = r.providers_missed + r.models_missed
        lines.append(
            f"| {r.name} | {len(r.providers_found)}/{labelled} | {', '.join(r.false_providers) or 'none'} | "
            f"{_ratio(len(r.models_found), len(r.models_found) + len(r.models_missed))} | {', '.join(missed) or 'none'} |"
        )
    p_found = sum(len(r.providers_found) for r in rows)
    p_all = p_found + sum(len(r.providers_missed) for r in rows)
    m_found = sum(len(r.models_found) for r in rows)
    m_all = m_found + sum(len(r.models_missed) for r in rows)
    false = sum(len(r.false_providers) for r in rows)
    lines.append(
        f"| **overall ({len(rows)} repositories)** | {_ratio(p_found, p_all)} | {false} in {len(rows)} repositories | "
        f"{_ratio(m_found, m_all)} | {sum(len(r.providers_missed) + len(r.models_missed) for r in rows)} |"
    )
    return "\n".join(lines)


def accuracy(trees: dict[str, Path], labels_path: Path = HERE / "labels.toml") -> str:
    """Provider and model-id recall, and false provider labels, against labels.toml."""
    sys.path.insert(0, str(scan_bench.SRC))
    from fm_governance.scan import scan_project

    with labels_path.open("rb") as fh:
        labels = tomllib.load(fh)["repo"]
    rows = []
    for label in labels:
        if label["name"] not in trees:
            continue
        result = scan_project(trees[label["name"]], progress=False)
        rows.append(compare(label, (p["id"] for p in result.providers), result.models))
    return accuracy_table(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None, help="repository names (owner/name) to run")
    parser.add_argument("--mirror", type=Path, default=None, help="folder of local mirrors: DIR/<owner>+<name>/repo")
    parser.add_argument("--profile", default=None, help="profile one in-process scan of this repository")
    parser.add_argument("--accuracy", action="store_true", help="compare the scanner with the hand labels in labels.toml")
    args = parser.parse_args()
    if not shutil.which("rg"):
        raise SystemExit("ripgrep (rg) is needed for the comparison: install it (apt-get install ripgrep)")

    repos = [r for r in corpus() if not args.only or r["name"] in args.only]
    WORK.mkdir(parents=True, exist_ok=True)
    trees = {r["name"]: checkout(r, args.mirror) for r in repos}
    if args.profile:
        print(profile(trees[args.profile]))
        return 0
    if args.accuracy:
        print(accuracy(trees))
        return 0

    sys.path.insert(0, str(scan_bench.SRC))
    from fm_governance.scan.catalog import rules

    stems = WORK / "stems.txt"
    stems.write_text("\n".join(rules().prefilter.stems) + "\n")
    print("| repository | commit | files | MB read | scan median (s) | rg median (s) | ratio | peak RSS (MB) | findings | providers | models |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for repo in repos:
        root = trees[repo["name"]]
        scans, greps = [], []
        for _ in range(args.repeat):  # interleaved, so a machine that slows down slows both
            scans.append(scan_bench.run_scan(root, 2, False))
            greps.append(scan_bench.run_rg(root, stems, 2))
        scan_s = statistics.median(r["wall"] for r in scans)
        rg_s = statistics.median(r["wall"] for r in greps)
        peak = max(r["rss_self_kb"] + r["rss_child_kb"] for r in scans) / 1024
        first = scans[0]
        st = first["stats"]
        print(
            f"| {repo['name']} | {repo['commit'][:10]} | {st['files_listed']:,} | {st['bytes_read'] / 1e6:.1f} | {scan_s:.2f} | {rg_s:.2f} | "
            f"{scan_s / rg_s:.1f}x | {peak:.0f} | {first['findings']:,} | {', '.join(first['providers'])} | {first.get('models', 'n/a')} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
