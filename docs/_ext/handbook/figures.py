"""The handbook's charts, drawn with Matplotlib from the handbook's own data files at build time.

Each figure is written twice, as SVG (HTML and EPUB) and as PDF (the LaTeX build: vector, so it
prints sharp), into ``docs/_generated/figures/``; a chapter shows it with a ``figure`` directive
on ``/_generated/figures/<name>.*`` and Sphinx picks the format each builder takes. The figures
are drawn on a white card with dark ink, so they read the same under furo's light and dark themes,
and they tell their series apart by hatching and direct labels as well as by colour, so they
survive greyscale print.

A figure is redrawn only when its key changes: a hash of its data file, this module and
Matplotlib's version (and, for the timeline, today's date, which it marks). Otherwise the files
are left alone, so an unchanged build neither spends the second Matplotlib takes to start nor
makes Sphinx copy the images again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from fm_governance.core.checklists import builtin_dir

HERE = Path(__file__).resolve()
DATA = HERE.parents[2] / "handbook" / "data"
OUT = HERE.parents[2] / "_generated" / "figures"
INK, GRID = "#1a1a1a", "#8a8a8a"
# Colour-blind-safe (Okabe–Ito) with distinct lightness, and a hatch per series for greyscale.
BLUE, ORANGE, GREEN = "#0072b2", "#e69f00", "#009e73"
HATCHES = ("", "//", "..", "xx")
CHIP = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.hashsalt": "fm-governance",  # stable ids: the same data gives the same SVG bytes
            "svg.fonttype": "none",  # text stays text: searchable, selectable, scales with the page
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "text.color": INK,
            "axes.labelcolor": INK,
            "axes.edgecolor": GRID,
            "xtick.color": INK,
            "ytick.color": INK,
            "figure.facecolor": "white",
            "axes.facecolor": "white",
        }
    )
    return plt


def concentration(plt: Any, data: dict[str, Any]) -> Any:
    """The HHI worked example: shares counted by host and by developer, and the HHI of each view
    against the 'highly concentrated' band."""
    routes = data["routes"]
    by_host = {r["host"]: r["share"] for r in routes}
    by_developer: dict[str, int] = {}
    for r in routes:
        by_developer[r["developer"]] = by_developer.get(r["developer"], 0) + r["share"]
    after = data["after_mitigation"]
    views = [("Counted by host", by_host), ("Counted by developer", by_developer), ("After moving half of A to C", after)]
    fig, (shares, hhi) = plt.subplots(1, 2, figsize=(8.4, 3.2), gridspec_kw={"width_ratios": [3, 2]})
    colours = [BLUE, ORANGE, GREEN, "#cc79a7"]
    for row, (_, view) in enumerate(views):
        left = 0
        for n, (name, share) in enumerate(view.items()):
            shares.barh(row, share, left=left, color=colours[n % 4], hatch=HATCHES[n % 4], edgecolor="white", linewidth=1)
            label = f"{routes[n]['route'] if row == 0 else name} {share}%"
            if share >= 9:
                # On a white chip: readable over any fill and hatch, in colour or grey.
                shares.text(left + share / 2, row, label if share >= 18 else f"{share}%", ha="center", va="center", fontsize=7.5, color=INK, bbox=CHIP)
            left += share
    shares.set_yticks(range(len(views)), [v[0] for v in views])
    shares.invert_yaxis()
    shares.set_xlim(0, 100)
    shares.set_xlabel("Share of critical calls (%)")
    shares.set_title("Who answers the traffic", fontsize=10, loc="left")
    values = [sum(s * s for s in view.values()) for _, view in views]
    limit = data["highly_concentrated_above"]
    hhi.axvspan(limit, 10_000, facecolor="#f2d7d5", hatch="\\\\", edgecolor="#d9a8a4", linewidth=0)
    hhi.text(limit + 150, -0.55, f"highly concentrated\n(above {limit:,})", fontsize=7.5, va="top", bbox=CHIP)
    hhi.barh(range(len(views)), values, color=INK, height=0.5)
    for row, value in enumerate(values):
        hhi.text(value + 120, row, f"{value:,}", va="center", fontsize=9)
    hhi.set_yticks(range(len(views)), [])
    hhi.set_xlim(0, 10_000)
    hhi.set_ylim(len(views) - 0.5, -1.2)
    hhi.set_xticks([0, 5_000, 10_000], ["0", "5,000", "10,000"])
    hhi.set_xlabel("HHI (0 to 10,000)")
    hhi.set_title("Herfindahl–Hirschman index", fontsize=10, loc="left")
    for ax in (shares, hhi):
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def eu_ai_act(plt: Any, data: dict[str, Any], today: dt.date) -> Any:
    """When the EU AI Act's duties apply, on a time line with today marked."""
    dates = [(d["date"], d["label"]) for d in data["dates"]]
    fig, ax = plt.subplots(figsize=(8.4, 3.6))
    first, last = dates[0][0], dates[-1][0]
    start, end = dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1)
    ax.axhline(0, color=GRID, linewidth=1.5, zorder=1)
    for n, (day, label) in enumerate(dates):
        past = day <= today
        level = (1.2 + 0.8 * (n // 2 % 2)) * (1 if n % 2 == 0 else -1)
        ax.vlines(day, 0, level, color=GRID, linewidth=0.8, zorder=1)
        ax.scatter([day], [0], s=45, zorder=3, color=BLUE if past else "white", edgecolor=BLUE, linewidth=1.5)
        text = f"{day.day} {day:%b %Y}\n{label}"
        ax.text(day, level, text, ha="center", va="bottom" if level > 0 else "top", fontsize=7.5, color=INK if past else "#444444")
    if start <= today <= end:
        ax.axvline(today, color=ORANGE, linewidth=2, linestyle="--", zorder=2)
        ax.text(today, 2.95, f"today, {today.day} {today:%b %Y}", ha="center", va="top", fontsize=8, color=INK, fontweight="bold", bbox=CHIP)
    ax.set_xlim(start, end)
    ax.set_ylim(-3.0, 3.2)
    ax.yaxis.set_visible(False)
    ax.spines[["left", "top", "right"]].set_visible(False)
    ax.xaxis.set_major_locator(__import__("matplotlib.dates", fromlist=["YearLocator"]).YearLocator())
    ax.xaxis.set_major_formatter(__import__("matplotlib.dates", fromlist=["DateFormatter"]).DateFormatter("%Y"))
    fig.tight_layout()
    return fig


def crosswalk(plt: Any, checklists: Path) -> Any:
    """How many items of each checklist cite each framework: the crosswalk page's coverage at a glance."""
    from fm_governance.core.checklists import load_catalog
    from fm_governance.core.models import FRAMEWORK_TITLES

    catalog = list(load_catalog())
    frameworks = list(FRAMEWORK_TITLES)
    counts = [[sum(1 for it in c.items if any(r.framework == f for r in it.references)) for f in frameworks] for c in catalog]
    fig, ax = plt.subplots(figsize=(8.4, 2.9))
    shares = [[n / len(c.items) for n in row] for c, row in zip(catalog, counts, strict=True)]
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for y, (c, row) in enumerate(zip(catalog, counts, strict=True)):
        for x, n in enumerate(row):
            # The count is written in every cell, so the grid reads without its colours.
            dark = n / len(c.items) > 0.55
            ax.text(x, y, f"{n}/{len(c.items)}", ha="center", va="center", fontsize=8.5, color="white" if dark else INK)
    ax.set_xticks(range(len(frameworks)), [FRAMEWORK_TITLES[f].replace(" for LLM Applications", "").replace(" ", "\n", 1) for f in frameworks], fontsize=8)
    ax.set_yticks(range(len(catalog)), [c.title for c in catalog])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title("Items that cite each framework (of the checklist's items)", fontsize=10, loc="left")
    fig.tight_layout()
    return fig


def markdown_tables(text: str, first_header: str) -> list[list[list[str]]]:
    """The chapter's Markdown tables whose first header cell is ``first_header``: rows of cells,
    bold markers removed. The figure reads the table the reader reads, so the two cannot differ."""
    tables: list[list[list[str]]] = []
    rows: list[list[str]] | None = None
    for line in [*text.splitlines(), ""]:
        cells = [c.strip().replace("**", "") for c in line.strip().strip("|").split("|")] if line.startswith("|") else None
        if cells is None:
            if rows:
                tables.append(rows)
            rows = None
        elif rows is None:
            rows = [] if cells[0] == first_header else None
        elif not set(cells[0]) <= set("-: "):
            rows.append(cells)
    return tables


def decision_grid(plt: Any, chapter: Path) -> Any:
    """The open-vs-closed decision matrix as a grid: easier, depends or harder, per requirement and option."""
    text = chapter.read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| Requirement |"))
    options = [c.strip() for c in header.strip().strip("|").split("|")][1:]
    rows = markdown_tables(text, "Requirement")[0]
    shades = {"Easier": ("#1b7837", "white", "Easier"), "Harder": ("#b2182b", "white", "Harder"), "Depends": ("#f0f0f0", INK, "Depends")}
    fig, ax = plt.subplots(figsize=(8.4, 0.42 * len(rows) + 1.0))
    for y, row in enumerate(rows):
        for x, cell in enumerate(row[1:]):
            word = cell.split(":")[0].strip()
            fill, ink, label = shades.get(word, ("white", INK, word))
            ax.add_patch(plt.Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=fill, edgecolor="white", linewidth=2))
            ax.text(x, y, label, ha="center", va="center", fontsize=8.5, color=ink, fontweight="bold" if word != "Depends" else "normal")
    ax.set_xlim(-0.5, len(options) - 0.5)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xticks(range(len(options)), [o.replace(", ", ",\n") for o in options], fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=8)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.tight_layout()
    return fig


ROLES = ("Legal", "Procurement", "Risk", "Security", "Privacy", "Engineering")


def raci_grid(plt: Any, chapter: Path) -> Any:
    """Who decides, per governance area and role: how many decisions each role is accountable (A)
    or responsible (R) for, from the chapter's RACI tables."""
    text = chapter.read_text(encoding="utf-8")
    areas = [line[3:].strip() for line in text.splitlines() if line.startswith("## ")]
    tables = markdown_tables(text, "Decision")
    fig, ax = plt.subplots(figsize=(8.4, 0.55 * len(tables) + 1.1))
    colours = {"A": BLUE, "R": ORANGE}
    for y, rows in enumerate(tables):
        for x in range(len(ROLES)):
            letters = [row[1 + x] for row in rows]
            a, r = letters.count("A"), letters.count("R")
            weight = (2 * a + r) / (2 * len(rows))
            fill = colours["A"] if a else colours["R"] if r else "white"
            ax.add_patch(plt.Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=fill, alpha=0.25 + 0.75 * weight if (a or r) else 1, edgecolor=GRID, linewidth=0.5))
            ax.text(x, y, f"A {a} · R {r}" if (a or r) else "C/I only", ha="center", va="center", fontsize=8, color=INK)
    ax.set_xlim(-0.5, len(ROLES) - 0.5)
    ax.set_ylim(len(tables) - 0.5, -0.5)
    ax.set_xticks(range(len(ROLES)), ROLES, fontsize=8.5)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(tables)), areas[: len(tables)], fontsize=8.5)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.tight_layout()
    return fig


#: The built-in checklists the crosswalk figure counts (the folder the package loads them from).
CHECKLISTS = builtin_dir()

#: name -> (data file or folder, draw function, whether the figure depends on today's date)
FIGURES: dict[str, tuple[Path, Callable[..., Any], bool]] = {
    "concentration-hhi": (DATA / "concentration-example.yaml", concentration, False),
    "eu-ai-act-timeline": (DATA / "eu-ai-act-dates.yaml", eu_ai_act, True),
    "crosswalk-coverage": (CHECKLISTS, crosswalk, False),
    "open-vs-closed-matrix": (HERE.parents[2] / "handbook" / "open-vs-closed.md", decision_grid, False),
    "who-decides-raci": (HERE.parents[2] / "handbook" / "who-decides.md", raci_grid, False),
}


def _key(name: str, source: Path, today: dt.date | None) -> str:
    from importlib.metadata import version

    digest = hashlib.sha256()
    files = sorted(source.glob("*.yaml")) if source.is_dir() else [source]
    for part in (name, *(f.read_bytes() for f in files), HERE.read_bytes(), version("matplotlib"), today.isoformat() if today else ""):
        digest.update(part if isinstance(part, bytes) else part.encode())
    return digest.hexdigest()


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)


def build_figures(out: Path = OUT, today: dt.date | None = None) -> list[str]:
    """Draw every figure whose key changed; return the names drawn."""
    today = today or dt.date.today()
    out.mkdir(parents=True, exist_ok=True)
    drawn = []
    plt = None
    for name, (data_file, draw, dated) in FIGURES.items():
        source = data_file
        key = _key(name, source, today if dated else None)
        stamp = out / f"{name}.key"
        if stamp.is_file() and stamp.read_text(encoding="utf-8") == key and all((out / f"{name}.{ext}").is_file() for ext in ("svg", "pdf")):
            continue
        plt = plt or _pyplot()
        data = source if source.is_dir() or source.suffix == ".md" else yaml.safe_load(source.read_text(encoding="utf-8"))
        fig = draw(plt, data, today) if dated else draw(plt, data)
        for ext, metadata in (("svg", {"Date": None}), ("pdf", {"CreationDate": None, "ModDate": None})):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=ext, metadata=metadata, facecolor="white")
            _write_if_changed(out / f"{name}.{ext}", buffer.getvalue())
        plt.close(fig)
        stamp.write_text(key, encoding="utf-8")
        drawn.append(name)
    return drawn


def setup_figures(app: Any) -> None:
    app.connect("builder-inited", lambda app: build_figures())
