"""The handbook's charts, drawn with Matplotlib at build time from the handbook's own data files,
the checklists, two chapters' tables and the provider-terms data that ships with the package.

Each figure is written twice, as SVG (HTML and EPUB) and as PDF (the LaTeX build: vector, so it
prints sharp), into ``docs/_generated/figures/``; a chapter shows it with a ``figure`` directive
on ``/_generated/figures/<name>.*`` and Sphinx picks the format each builder takes. The figures
are drawn on a white card with dark ink, so they read the same under furo's light and dark themes,
and they tell their series apart by hatching and direct labels as well as by colour, so they
survive greyscale print.

A figure is redrawn only when its key changes: a hash of its data file (for the crosswalk, of the
counts it draws), this module and Matplotlib's version (and, for the timeline, today's date, which
it marks). Otherwise the files are left alone, so an unchanged build neither spends the second
Matplotlib takes to start nor makes Sphinx copy the images again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from fm_governance import terms as provider_terms
from fm_governance.core.checklists import builtin_dir

HERE = Path(__file__).resolve()
#: The provider-terms data the package ships (the tier ladder's source; the chapter's tables read it too).
PROVIDER_TERMS = Path(provider_terms.__file__).resolve().parent / provider_terms.DATA_FILE
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


def _clock(day: dt.date, hhmm: str) -> dt.datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, hours, minutes)


def _pm(moment: dt.datetime) -> str:
    """3:16 pm, as the chapter writes a time."""
    return f"{moment.hour % 12 or 12}:{moment:%M} {'am' if moment.hour < 12 else 'pm'}"


def outage(plt: Any, data: dict[str, Any]) -> Any:
    """One provider's outage, per product: from the start of degradation to the substantial and
    the full recovery its post-mortem reports, with the change that set it off marked."""
    import matplotlib.dates as mdates

    day = data["day"]
    deployed, degraded = _clock(day, data["deployed"]), _clock(day, data["degraded"])
    services = data["services"]
    fig, ax = plt.subplots(figsize=(8.4, 2.9))
    down, partial = "#d55e00", "#f0c27b"  # vermillion and a light orange (Okabe–Ito), hatched apart
    for row, service in enumerate(services):
        full = _clock(day, service["full"])
        substantial = _clock(day, service["substantial"]) if "substantial" in service else None
        until = substantial or full
        ax.barh(row, until - degraded, left=degraded, height=0.5, color=down, hatch="//", edgecolor="white", linewidth=0)
        if substantial is not None:
            ax.barh(row, full - substantial, left=substantial, height=0.5, color=partial, hatch="..", edgecolor="white", linewidth=0)
            ax.text(substantial, row - 0.3, f"substantial {_pm(substantial)}", ha="center", va="bottom", fontsize=8.5, bbox=CHIP)
        label = f"full {_pm(full)}" if substantial is not None else f"full {_pm(full)}\n(no substantial-recovery time given)"
        ax.text(full + dt.timedelta(minutes=4), row, label, ha="left", va="center", fontsize=9)
    ax.axvline(deployed, color=INK, linewidth=1, linestyle="--")
    ax.text(deployed - dt.timedelta(minutes=3), len(services) - 0.35, f"{_pm(deployed)}: telemetry\nservice deployed", ha="right", va="top", fontsize=8.5)
    ax.text(degraded + dt.timedelta(minutes=3), len(services) - 0.35, f"{_pm(degraded)}: all products\ndegrade", ha="left", va="top", fontsize=8.5)
    ax.set_yticks(range(len(services)), [s["name"] for s in services])
    ax.set_ylim(len(services) + 0.5, -0.6)  # room under the last bar for the two marks' labels
    start = _clock(day, "13:40")
    ax.set_xlim(start, _clock(day, "20:30"))
    ax.xaxis.set_major_locator(mdates.HourLocator())
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _pos: _pm(mdates.num2date(x)).replace(":00", "")))
    ax.set_xlabel(f"{day.day} {day:%B %Y}, {data['timezone']} (UTC−8)")
    handles = [
        plt.Rectangle((0, 0), 1, 1, facecolor=down, hatch="//", edgecolor="white", linewidth=0),
        plt.Rectangle((0, 0), 1, 1, facecolor=partial, hatch="..", edgecolor="white", linewidth=0),
    ]
    ax.legend(
        handles,
        ["degraded or unavailable", "substantially recovered, not yet fully"],
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncol=2,
        frameon=False,
        fontsize=9,
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    fig.tight_layout()
    return fig


def crosswalk_counts() -> dict[str, Any]:
    """What the crosswalk figure draws: per checklist, its title, its number of items and how many
    of them cite each framework. The figure is keyed on this, not on the checklists' bytes, so
    editing a question does not redraw it."""
    from fm_governance.core.checklists import load_catalog
    from fm_governance.core.models import FRAMEWORK_TITLES

    catalog = list(load_catalog())
    frameworks = list(FRAMEWORK_TITLES)
    rows = [(c.title, len(c.items), [sum(1 for it in c.items if any(r.framework == f for r in it.references)) for f in frameworks]) for c in catalog]
    return {"frameworks": [FRAMEWORK_TITLES[f] for f in frameworks], "rows": rows}


def crosswalk(plt: Any, checklists: Path) -> Any:
    """How many items of each checklist cite each framework: the crosswalk page's coverage at a glance."""
    drawn = crosswalk_counts()
    titles = drawn["frameworks"]
    rows = drawn["rows"]
    fig, ax = plt.subplots(figsize=(8.4, 2.9))
    shares = [[n / total for n in counts] for _, total, counts in rows]
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for y, (_, total, counts) in enumerate(rows):
        for x, n in enumerate(counts):
            # The count is written in every cell, so the grid reads without its colours.
            dark = n / total > 0.55
            ax.text(x, y, f"{n}/{total}", ha="center", va="center", fontsize=8.5, color="white" if dark else INK)
    ax.set_xticks(range(len(titles)), [t.replace(" for LLM Applications", "").replace(" ", "\n", 1) for t in titles], fontsize=8)
    ax.set_yticks(range(len(rows)), [title for title, _, _ in rows])
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


#: The provider tiers the ladder shows, top rung first, with the label of each (the data's ``kind``);
#: open weights are not a tier of a provider's service, so they stay in the chapter's tables.
TIERS = {"consumer": "Consumer plans", "business": "Business plans", "api": "Developer API", "cloud": "Cloud channels"}
#: The topics that change from rung to rung, in the data's words.
LADDER_TOPICS = ("training", "retention", "zero-retention", "processor", "indemnity")
GAPS = {"unverified": ("not verified", "#e4e4e4"), "not-applicable": ("not applicable", "#f4f4f4")}


def tier_ladder(plt: Any, data: Any) -> Any:
    """The provider-terms tier ladder: per tier (consumer, business, API, cloud channel), each
    channel's terms on training, retention, zero retention, processor and indemnity, in the few
    words the data file gives each cell (``short``); a gap in the data is drawn as a gap."""
    import textwrap

    topics = [data.topic(t) for t in LADDER_TOPICS]
    rungs = [(label, [c for c in data.channels if c.kind == kind]) for kind, label in TIERS.items()]
    # Laid out in inches (the axes span the figure), so text sizes and paddings are exact.
    width, left, cell_w, pad = 7.4, 1.65, 1.15, 0.06
    line_h, header_h, rung_h = 0.13, 0.42, 0.24

    def wrapped(text: str, chars: int) -> list[str]:
        return textwrap.wrap(text, chars, break_on_hyphens=False) or [""]

    def cell_lines(cell: Any) -> list[str]:
        if cell.stated:
            # A no-break space keeps the dagger with its last word (textwrap breaks only at ASCII spaces).
            return wrapped(cell.short + ("\N{NO-BREAK SPACE}\N{DAGGER}" if cell.status == "secondary" else ""), 18)
        return [GAPS[cell.status][0]]

    rows = []
    for label, channels in rungs:
        rows.append(("rung", label, rung_h))
        for c in channels:
            name = [c.provider, *wrapped(c.channel, 27)]
            lines = max([len(name), *(len(cell_lines(c.terms[t.id])) for t in topics)])
            rows.append(("channel", c, lines * line_h + 2 * pad))
    legend_h = 0.3
    height = header_h + sum(h for *_, h in rows) + legend_h
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    for n, topic in enumerate(topics):
        x = left + n * cell_w
        ax.text(x + cell_w / 2, header_h - 0.06, "\n".join(wrapped(topic.title, 16)), ha="center", va="bottom", fontsize=8, fontweight="bold")
    y = header_h
    for kind, what, h in rows:
        if kind == "rung":
            ax.add_patch(plt.Rectangle((0.02, y + 0.02), width - 0.04, h - 0.04, facecolor="#dbe8f4", edgecolor="none"))
            ax.text(0.1, y + h / 2, what, ha="left", va="center", fontsize=8.5, fontweight="bold")
        else:
            ax.text(0.1, y + pad, what.provider, ha="left", va="top", fontsize=7.5, fontweight="bold", linespacing=1.3)
            ax.text(0.1, y + pad + line_h, "\n".join(wrapped(what.channel, 27)), ha="left", va="top", fontsize=7, linespacing=1.3)
            for n, topic in enumerate(topics):
                cell = what.terms[topic.id]
                x = left + n * cell_w
                fill = "white" if cell.stated else GAPS[cell.status][1]
                ax.add_patch(
                    plt.Rectangle((x + 0.03, y + 0.025), cell_w - 0.06, h - 0.05, facecolor=fill, edgecolor=GRID if cell.stated else "none", linewidth=0.6)
                )
                ax.text(
                    x + 0.1,
                    y + pad,
                    "\n".join(cell_lines(cell)),
                    ha="left",
                    va="top",
                    fontsize=7,
                    linespacing=1.3,
                    color=INK if cell.stated else "#4a4a4a",
                    fontstyle="normal" if cell.stated else "italic",
                )
        y += h
    ax.text(
        0.1,
        height - legend_h / 2,
        "\N{DAGGER} read in consistent secondary reports only.   Grey: a gap the data marks not verified or not applicable.",
        ha="left",
        va="center",
        fontsize=7,
        color="#333333",
    )
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
    "provider-terms-tiers": (PROVIDER_TERMS, tier_ladder, False),
    "openai-outage-2024-12-11": (DATA / "openai-outage-2024-12-11.yaml", outage, False),
}


#: Figures keyed on the data they draw rather than on their source files' bytes.
DIGESTS: dict[str, Callable[[], Any]] = {"crosswalk-coverage": crosswalk_counts}


def _read(source: Path) -> Any:
    """What a draw function takes: a folder or chapter as its path, the provider terms validated
    by their own loader, any other data file as YAML."""
    if source.is_dir() or source.suffix == ".md":
        return source
    if source == PROVIDER_TERMS:
        return provider_terms.load_file(source)
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def _key(name: str, source: Path, today: dt.date | None) -> str:
    from importlib.metadata import version

    digest = hashlib.sha256()
    if name in DIGESTS:
        inputs = [json.dumps(DIGESTS[name]()).encode()]
    else:
        inputs = [f.read_bytes() for f in (sorted(source.glob("*.yaml")) if source.is_dir() else [source])]
    for part in (name, *inputs, HERE.read_bytes(), version("matplotlib"), today.isoformat() if today else ""):
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
        data = _read(source)
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
