"""Benchmark the project scanner on a generated 10,000-file, ~100 MB mixed-language tree.

Usage::

    python benchmarks/scan_bench.py [--files 10000] [--mb 100] [--dir benchmarks/.work/tree] [--repeat 3]

The tree is generated deterministically (seeded) under ``benchmarks/.work/`` (gitignored): Python,
TypeScript, JavaScript, Go, Java, Rust, Markdown, JSON, YAML and a few notebooks, with about 3% of
the files using a provider (imports, model ids, env vars, endpoints), a ``node_modules`` folder and
a ``.gitignore``. Every measured run happens in a fresh subprocess so that peak memory (the largest
resident set of the parent plus that of the largest worker) is the scan's own.

The comparison is ripgrep searching the same tree, case-insensitively, for the same keywords the
scanner's prefilter uses (``rg -i -F -c -f stems.txt``): the floor for "read every file and look for
provider words". The scanner does that and then parses manifests, imports, notebooks and model ids.

Prints a Markdown table; the recorded results live in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"

WORDS = [
    "account",
    "balance",
    "buffer",
    "cache",
    "client",
    "config",
    "context",
    "cursor",
    "data",
    "error",
    "event",
    "field",
    "filter",
    "handler",
    "index",
    "item",
    "key",
    "limit",
    "list",
    "mapping",
    "message",
    "node",
    "offset",
    "order",
    "page",
    "parser",
    "path",
    "payload",
    "query",
    "queue",
    "record",
    "request",
    "response",
    "result",
    "row",
    "schema",
    "session",
    "state",
    "status",
    "stream",
    "target",
    "task",
    "token",
    "total",
    "user",
    "value",
    "window",
    "worker",
]

TEMPLATES = {
    ".py": (
        'def {a}_{b}(self, {c}, {d}=None):\n    """Return the {c} for {d}."""\n    {e} = self.{a}.get({c}, {n})\n    if {e} is None:\n        raise ValueError("no {b}")\n    return [{d} for {d} in {e} if {d}.{b} > {n}]\n\n'
    ),
    ".ts": (
        "export function {a}{B}({c}: {C}, {d}?: number): {C}[] {{\n  const {e} = new Map<string, {C}>();\n  for (const x of {c}.{b}s) {{ {e}.set(x.id, x); }}\n  return Array.from({e}.values()).slice(0, {n});\n}}\n\n"
    ),
    ".js": (
        "function {a}{B}({c}, {d}) {{\n  const {e} = {c}.{b} || [];\n  return {e}.filter((x) => x.{d} !== {n}).map((x) => ({{ ...x, {a}: true }}));\n}}\nmodule.exports.{a}{B} = {a}{B};\n\n"
    ),
    ".go": (
        "func {A}{B}({c} []{C}, {d} int) ([]{C}, error) {{\n\t{e} := make([]{C}, 0, len({c}))\n\tfor _, x := range {c} {{\n\t\tif x.{B} > {d} {{\n\t\t\t{e} = append({e}, x)\n\t\t}}\n\t}}\n\treturn {e}, nil\n}}\n\n"
    ),
    ".java": (
        "    public List<{C}> {a}{B}(List<{C}> {c}, int {d}) {{\n        List<{C}> {e} = new ArrayList<>();\n        for ({C} x : {c}) {{ if (x.get{B}() > {d}) {{ {e}.add(x); }} }}\n        return {e};\n    }}\n\n"
    ),
    ".rs": ("pub fn {a}_{b}({c}: &[{C}], {d}: usize) -> Vec<{C}> {{\n    {c}.iter().filter(|x| x.{b} > {d}).cloned().collect()\n}}\n\n"),
    ".md": ("## The {a} {b}\n\nThe {c} keeps a {d} for every {e}; when the {b} changes the {a} is rebuilt from the {c} (see {n}).\n\n"),
    ".json": ('  "{a}_{b}": {{"{c}": {n}, "{d}": "{e}", "enabled": true}},\n'),
    ".yaml": ("{a}_{b}:\n  {c}: {n}\n  {d}: {e}\n  enabled: true\n"),
}
MIX = [(".py", 28), (".ts", 18), (".js", 8), (".go", 10), (".java", 8), (".rs", 4), (".md", 10), (".json", 7), (".yaml", 6)]

PROVIDER_SNIPPETS = [
    'from openai import OpenAI\nclient = OpenAI()\nMODEL = "gpt-4o-2024-08-06"\n',
    'import anthropic\nMODEL = "claude-3-5-sonnet-20241022"\nkey = os.environ["ANTHROPIC_API_KEY"]\n',
    'import litellm\nlitellm.completion(model="groq/llama-3.1-8b-instant", messages=[])\n',
    'import { generateText } from "ai";\nimport { anthropic } from "@ai-sdk/anthropic";\n',
    'base_url = "https://api.together.xyz/v1"\nTOGETHER_API_KEY = os.getenv("TOGETHER_API_KEY")\n',
    'from transformers import AutoModel\nm = AutoModel.from_pretrained("meta-llama/Llama-3.1-8B-Instruct")\n',
    'import "github.com/anthropics/anthropic-sdk-go"\n',
    "OLLAMA_HOST=http://localhost:11434\n",
]


def _fill(template: str, rng: random.Random) -> str:
    a, b, c, d, e = (rng.choice(WORDS) for _ in range(5))
    return template.format(a=a, b=b, c=c, d=d, e=e, A=a.title(), B=b.title(), C=c.title(), n=rng.randint(0, 999))


def generate(root: Path, files: int, megabytes: int, seed: int = 7) -> tuple[int, int]:
    """Write the tree; return (files written, bytes written)."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / ".gitignore").write_text("dist/\n*.log\n")
    target = megabytes * 1024 * 1024
    per_file = target // files
    exts = [e for e, w in MIX for _ in range(w)]
    written = 0
    count = 0
    blocks = {ext: [_fill(t, rng) for _ in range(200)] for ext, t in TEMPLATES.items()}
    for i in range(files):
        folder = root / f"pkg{i % 97}" / f"mod{i % 13}"
        if i < 50:
            folder = root / "node_modules" / f"dep{i}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 500 == 1:
            ext = ".ipynb"
        else:
            ext = rng.choice(exts)
        size = max(200, int(rng.gauss(per_file, per_file / 3)))
        parts: list[str] = []
        length = 0
        pool = blocks.get(ext, blocks[".py"])
        while length < size:
            block = rng.choice(pool)
            parts.append(block)
            length += len(block)
        if rng.random() < 0.03:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(PROVIDER_SNIPPETS))
        body = "".join(parts)
        if ext == ".ipynb":
            body = json.dumps(
                {
                    "cells": [{"cell_type": "code", "source": body.splitlines(True), "metadata": {}, "outputs": []}],
                    "metadata": {},
                    "nbformat": 4,
                    "nbformat_minor": 5,
                }
            )
        path = folder / f"f{i}{ext}"
        path.write_text(body)
        written += len(body)
        count += 1
    (root / "pyproject.toml").write_text('[project]\nname = "bench"\ndependencies = ["openai>=1", "litellm"]\n')
    (root / "package.json").write_text('{"name": "bench", "dependencies": {"ai": "^4.0.0", "@ai-sdk/anthropic": "^1.0.0"}}\n')
    return count, written


_RUNNER = textwrap.dedent(
    """
    import json, resource, sys, time
    sys.path.insert(0, {src!r})
    if {no_ac!r}:
        sys.modules["ahocorasick_rs"] = None  # force the trie-regex fallback
    from pathlib import Path
    t0 = time.perf_counter()
    from fm_governance.scan import scan_project
    r = scan_project(Path({root!r}), progress=False, workers={workers})
    wall = time.perf_counter() - t0
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({{"wall": wall, "rss_self_kb": me, "rss_child_kb": kids, "stats": r.stats,
                      "providers": [p["id"] for p in r.providers], "findings": len(r.findings), "models": len(r.models)}}))
    """
)

_RG_RUNNER = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    t0 = time.perf_counter()
    out = subprocess.run({cmd!r}, capture_output=True)
    wall = time.perf_counter() - t0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({{"wall": wall, "rss_child_kb": kids, "lines": out.stdout.count(b"\\n"), "rc": out.returncode}}))
    """
)


def run_scan(root: Path, workers: int, no_ac: bool) -> dict:
    code = _RUNNER.format(src=str(SRC), root=str(root), workers=workers, no_ac=no_ac)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_rg(root: Path, stems_file: Path, threads: int) -> dict:
    cmd = ["rg", "-i", "-F", "-c", "--threads", str(threads), "-f", str(stems_file), str(root)]
    out = subprocess.run([sys.executable, "-c", _RG_RUNNER.format(cmd=cmd)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--dir", type=Path, default=HERE / ".work" / "tree")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="reuse an existing tree")
    parser.add_argument("--git", action="store_true", help="make the tree a git repository (listing by git ls-files)")
    args = parser.parse_args()

    if not (args.keep and args.dir.exists()):
        count, written = generate(args.dir, args.files, args.mb)
        print(f"generated {count} files, {written / 1e6:.1f} MB in {args.dir}", file=sys.stderr)
    if args.git and not (args.dir / ".git").exists():
        # untracked files are listed too (--others), so an empty repository is enough
        subprocess.run(["git", "init", "-q", str(args.dir)], check=True)
    elif not args.git and (args.dir / ".git").exists():
        shutil.rmtree(args.dir / ".git")

    sys.path.insert(0, str(SRC))
    from fm_governance.scan.catalog import rules

    stems_file = args.dir.parent / "stems.txt"
    stems_file.write_text("\n".join(rules().prefilter.stems) + "\n")

    rows = []
    configs = [
        ("fm-governance scan, 2 workers, Aho-Corasick prefilter", 2, False),
        ("fm-governance scan, 1 worker, Aho-Corasick prefilter", 1, False),
        ("fm-governance scan, 2 workers, regex prefilter (no ahocorasick_rs)", 2, True),
    ]
    try:
        import ahocorasick_rs  # noqa: F401
    except ImportError:
        configs = [c for c in configs if c[2]]
    for label, workers, no_ac in configs:
        runs = [run_scan(args.dir, workers, no_ac) for _ in range(args.repeat)]
        walls = [r["wall"] for r in runs]
        peak = max((r["rss_self_kb"] + r["rss_child_kb"]) for r in runs) / 1024
        rows.append((label, min(walls), statistics.median(walls), peak, runs[0]))
    rg_rows = []
    if shutil.which("rg"):
        for threads in (2, 1):
            runs = [run_rg(args.dir, stems_file, threads) for _ in range(args.repeat)]
            walls = [r["wall"] for r in runs]
            rg_rows.append(
                (
                    f"rg -i -F -c -f stems.txt ({threads} thread{'s' if threads > 1 else ''})",
                    min(walls),
                    statistics.median(walls),
                    max(r["rss_child_kb"] for r in runs) / 1024,
                )
            )

    rg_best = rg_rows[0][1] if rg_rows else None
    listing = rows[0][4]["stats"]["listing"]
    print(
        f"\nTree: {args.files} files, ~{args.mb} MB, {os.cpu_count()} CPUs, listing by {listing}; best and median of {args.repeat} runs, each in a fresh process.\n"
    )
    print("| run | best wall (s) | median wall (s) | peak RSS (MB) | ratio to rg (2 threads) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, best, median, peak, _ in rows:
        ratio = f"{best / rg_best:.1f}x" if rg_best else "n/a"
        print(f"| {label} | {best:.2f} | {median:.2f} | {peak:.0f} | {ratio} |")
    for label, best, median, peak in rg_rows:
        ratio = f"{best / rg_best:.1f}x" if rg_best else "n/a"
        print(f"| {label} | {best:.2f} | {median:.2f} | {peak:.0f} | {ratio} |")
    first = rows[0][4]
    print(
        f"\nScanner: {first['stats']['files_listed']} files listed, {first['stats']['bytes_read'] / 1e6:.1f} MB read, {first['findings']} findings, providers {', '.join(first['providers'])}."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
