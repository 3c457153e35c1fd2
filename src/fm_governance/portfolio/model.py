"""The portfolio model: every figure of the portfolio, computed once, rendered by every format.

Three levels of dependence, each measured over all projects and over the *critical* ones
(``project.criticality: critical``):

* **model developer** — who trained the weights (the level the handbook says matters most: several
  clouds hosting one lab's model are one dependence, not several);
* **hosting channel** — the service the model is reached through (a developer's own API, a cloud
  such as ``azure-openai`` or ``bedrock``, or ``self-hosted``);
* **provider contracted** — the providers the inventory shows prompts going to (hosted role).

Two numbers per value, because they answer different questions:

* the **share of projects** that depend on it (a project using two developers counts for both,
  so these shares can add up to more than 100%): "73% of critical projects depend on X";
* the **weighted share**, where a project that depends on *k* values counts 1/*k* for each, so the
  shares add up to exactly 1, as market shares do. The Herfindahl–Hirschman index (HHI) is the sum
  of the squared weighted shares in percent: 10,000 when every project rests on one value, 10,000/n
  when n values share the projects evenly.

Projects whose inventory names no value at a level (no model the catalog knows, no hosted
provider) are counted as "not found" and left out of that level's HHI, which says over how many
projects it was computed: an unknown is not a competitor.

The HHI is read against the one threshold of the US Department of Justice and Federal Trade
Commission *Merger Guidelines* (December 2023), §2.1: a market with an HHI above 1,800 is
*highly concentrated*. The 2023 Guidelines dropped the lower "moderately concentrated" band of the
2010 Horizontal Merger Guidelines, so there are two bands here: above 1,800, and not above it.
Applied to one organisation's projects it is an internal yardstick, not a legal test.

A single point of failure is a developer or a channel behind more than ``spof_threshold`` (default
one half) of the critical projects. ``self-hosted`` is never one: each project runs its own.
"""

from __future__ import annotations

import datetime as _dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .read import Excluded, Project

#: (id, title) of the three levels, in the order every format shows them.
LEVELS: tuple[tuple[str, str], ...] = (
    ("developer", "Model developer"),
    ("channel", "Hosting channel"),
    ("provider", "Provider contracted"),
)
#: US DOJ/FTC Merger Guidelines (2023), §2.1: above this HHI a market is highly concentrated.
HIGHLY_CONCENTRATED = 1800
HHI_SOURCE = "US DOJ and FTC, Merger Guidelines (2023), §2.1: an HHI above 1,800 is highly concentrated"
HHI_SOURCE_URL = "https://www.justice.gov/atr/2023-merger-guidelines"
BANDS = ("highly concentrated", "not highly concentrated")
CRITICALITIES = ("critical", "high", "medium", "low")
SEVERITIES = ("critical", "high")
#: Score bands of the distribution: [low, high) except the last, which includes 100.
SCORE_BANDS: tuple[tuple[int, int], ...] = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 100))
NOT_FOUND = "not found"


@dataclass(frozen=True)
class Settings:
    """The portfolio's policy: what counts as a single point of failure, stale, due soon."""

    spof_threshold: float = 0.5
    max_age_days: int = 365
    waiver_days: int = 30
    retire_days: tuple[int, int] = (90, 180)


@dataclass(frozen=True)
class Share:
    name: str
    projects: int
    critical: int
    share: float  # of all projects
    critical_share: float | None  # of critical projects; None when there are none
    weighted: float  # fractional share over projects with a known value (sums to 1)
    weighted_critical: float | None


@dataclass(frozen=True)
class Level:
    id: str
    title: str
    shares: tuple[Share, ...]
    known: int  # projects with at least one value at this level
    critical_known: int
    hhi: float | None  # None when no project has a known value
    hhi_critical: float | None

    @property
    def band(self) -> str | None:
        return band(self.hhi)

    @property
    def band_critical(self) -> str | None:
        return band(self.hhi_critical)


@dataclass(frozen=True)
class SinglePoint:
    level: str
    name: str
    critical: int
    critical_total: int

    @property
    def share(self) -> float:
        return self.critical / self.critical_total


@dataclass(frozen=True)
class Retirement:
    """A model in use that is retired, retires soon, or is deprecated."""

    model_id: str
    developer: str
    status: str  # "retired" | "retiring" | "deprecated"
    deprecated: _dt.date | None
    retired: _dt.date | None
    days: int | None  # days until retirement (negative: since); None without a retirement date
    projects: tuple[str, ...]
    critical: int

    @property
    def window(self) -> str:
        """``past``, ``90``, ``180`` (days to retirement) or ``deprecated`` (no date within 180)."""
        if self.days is not None and self.days <= 0:
            return "past"
        if self.status == "retiring" and self.days is not None:
            return "90" if self.days <= 90 else "180"
        return "deprecated"


@dataclass(frozen=True)
class OpenCount:
    name: str
    critical: int
    high: int
    projects: int


@dataclass(frozen=True)
class WaiverDue:
    project: str
    item_id: str
    expires: _dt.date
    days: int
    approved_by: str


@dataclass(frozen=True)
class Stale:
    project: str
    path: str
    date: _dt.date | None
    age_days: int | None


@dataclass(frozen=True)
class Duplicate:
    name: str
    kept: str
    dropped: tuple[str, ...]


@dataclass(frozen=True)
class Scores:
    bands: tuple[tuple[str, int], ...]
    unscored: int
    median: float | None
    mean: float | None
    lowest: float | None


@dataclass(frozen=True)
class Portfolio:
    today: _dt.date
    settings: Settings
    projects: tuple[Project, ...]
    excluded: tuple[Excluded, ...]
    duplicates: tuple[Duplicate, ...]
    levels: tuple[Level, ...]
    single_points: tuple[SinglePoint, ...]
    retirements: tuple[Retirement, ...]
    open_by_owner: tuple[OpenCount, ...]
    open_by_area: tuple[OpenCount, ...]
    scores: Scores
    waivers_due: tuple[WaiverDue, ...]
    stale: tuple[Stale, ...]
    criticality: tuple[tuple[str, int], ...] = field(default=())

    @property
    def critical_count(self) -> int:
        return sum(1 for p in self.projects if p.is_critical)

    @property
    def complete(self) -> bool:
        return not self.excluded

    def level(self, level_id: str) -> Level:
        return next(v for v in self.levels if v.id == level_id)

    def headline(self) -> str:
        """One sentence: the count, the top developer among critical projects, the warnings."""
        n, c = len(self.projects), self.critical_count
        parts = [f"{plural(n, 'project')} ({c} critical)"]
        developer = self.level("developer")
        ranked = sorted(developer.shares, key=lambda s: (-(s.critical if c else s.projects), s.name))
        if ranked:
            top = ranked[0]
            if c:
                parts.append(f"{percent(top.critical_share)} of critical projects depend on developer {top.name}")
            else:
                parts.append(f"{percent(top.share)} of projects depend on developer {top.name}")
        if self.single_points:
            parts.append(plural(len(self.single_points), "single point of failure", "single points of failure"))
        retired = sum(1 for r in self.retirements if r.window == "past")
        if retired:
            parts.append(f"{plural(retired, 'retired model')} in use")
        if self.excluded:
            parts.append(f"incomplete: {plural(len(self.excluded), 'file')} could not be read")
        return "; ".join(parts) + "."


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def retires_in(days: int | None) -> str:
    """Days to a retirement date as people say it ("in 39 days", "404 days ago"), not as a signed
    number."""
    if days is None:
        return "–"
    if days == 0:
        return "today"
    return f"in {plural(days, 'day')}" if days > 0 else f"{plural(-days, 'day')} ago"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def band(hhi: float | None) -> str | None:
    if hhi is None:
        return None
    return BANDS[0] if hhi > HIGHLY_CONCENTRATED else BANDS[1]


def hhi(weights: Iterable[float]) -> float | None:
    """The HHI (0–10,000) of weights that are each a project's dependence (any positive scale).

    The weights are normalised to shares first, so they need not add up to one; None when their
    total is zero (no market to measure).
    """
    values = [w for w in weights if w > 0]
    total = sum(values)
    if not total:
        return None
    return sum((100.0 * w / total) ** 2 for w in values)


def _level(level_id: str, title: str, projects: Sequence[Project]) -> Level:
    n = len(projects)
    critical_n = sum(1 for p in projects if p.is_critical)
    count: Counter[str] = Counter()
    critical: Counter[str] = Counter()
    weight: defaultdict[str, float] = defaultdict(float)
    weight_critical: defaultdict[str, float] = defaultdict(float)
    known = critical_known = 0
    for p in projects:
        values = p.values(level_id)
        if not values:
            continue
        known += 1
        critical_known += p.is_critical
        for v in values:
            count[v] += 1
            weight[v] += 1 / len(values)
            if p.is_critical:
                critical[v] += 1
                weight_critical[v] += 1 / len(values)
    shares = tuple(
        Share(
            name=v,
            projects=count[v],
            critical=critical[v],
            share=count[v] / n,
            critical_share=critical[v] / critical_n if critical_n else None,
            weighted=weight[v] / known,
            weighted_critical=weight_critical[v] / critical_known if critical_known else None,
        )
        for v in sorted(count, key=lambda v: (-count[v], -critical[v], v))
    )
    return Level(
        id=level_id,
        title=title,
        shares=shares,
        known=known,
        critical_known=critical_known,
        hhi=hhi(weight.values()),
        hhi_critical=hhi(weight_critical.values()),
    )


def _retirements(projects: Sequence[Project], today: _dt.date, settings: Settings) -> tuple[Retirement, ...]:
    horizon = settings.retire_days[1]
    by_model: dict[str, list[tuple[Project, _dt.date | None, _dt.date | None, str]]] = defaultdict(list)
    for p in projects:
        for m in p.models:
            by_model[m.id].append((p, m.deprecated, m.retired, m.developer))
    found: list[Retirement] = []
    for model_id, uses in by_model.items():
        retired_dates = [r for _, _, r, _ in uses if r is not None]
        deprecated_dates = [d for _, d, _, _ in uses if d is not None]
        retired = min(retired_dates) if retired_dates else None
        deprecated = min(deprecated_dates) if deprecated_dates else None
        days = (retired - today).days if retired is not None else None
        if days is not None and days <= 0:
            status = "retired"
        elif days is not None and days <= horizon:
            status = "retiring"
        elif deprecated is not None and deprecated <= today:
            status = "deprecated"
        else:
            continue
        names = sorted({p.name for p, _, _, _ in uses})
        critical = len({p.name for p, _, _, _ in uses if p.is_critical})
        developer = next((d for _, _, _, d in uses if d), "")
        found.append(Retirement(model_id, developer, status, deprecated, retired, days, tuple(names), critical))
    order = {"retired": 0, "retiring": 1, "deprecated": 2}
    return tuple(sorted(found, key=lambda r: (order[r.status], r.days if r.days is not None else 10**6, r.model_id)))


def _open_counts(projects: Sequence[Project], key: str) -> tuple[OpenCount, ...]:
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    holders: defaultdict[str, set[str]] = defaultdict(set)
    for p in projects:
        for item in p.open_items:
            name = item.owner if key == "owner" else item.area
            counts[name][item.severity] += 1
            holders[name].add(p.path)
    rows = [OpenCount(name, c["critical"], c["high"], len(holders[name])) for name, c in counts.items()]
    return tuple(sorted(rows, key=lambda r: (-r.critical, -r.high, r.name)))


def _scores(projects: Sequence[Project]) -> Scores:
    values = [p.score for p in projects if p.score is not None]
    bands = []
    for low, high in SCORE_BANDS:
        last = high == 100
        bands.append((f"{low}–{high}", sum(1 for v in values if low <= v < high or (last and v == 100))))
    return Scores(
        bands=tuple(bands),
        unscored=len(projects) - len(values),
        median=round(statistics.median(values), 1) if values else None,
        mean=round(statistics.fmean(values), 1) if values else None,
        lowest=min(values) if values else None,
    )


def _dedupe(projects: Iterable[Project]) -> tuple[list[Project], list[Duplicate]]:
    """One project per name: the most recent assessment (then the first path) is kept."""
    by_name: defaultdict[str, list[Project]] = defaultdict(list)
    for p in projects:
        by_name[p.name].append(p)
    kept: list[Project] = []
    duplicates: list[Duplicate] = []
    for name, group in by_name.items():
        group.sort(key=lambda p: (-(p.date or _dt.date.min).toordinal(), p.path))
        kept.append(group[0])
        if len(group) > 1:
            duplicates.append(Duplicate(name, group[0].path, tuple(p.path for p in group[1:])))
    kept.sort(key=lambda p: (p.name.casefold(), p.path))
    return kept, sorted(duplicates, key=lambda d: d.name)


def build(entries: Iterable[Project | Excluded], *, today: _dt.date, settings: Settings | None = None) -> Portfolio:
    """The portfolio of the projects read; excluded files are listed and left out of every figure."""
    settings = settings or Settings()
    entries = list(entries)
    excluded = tuple(e for e in entries if isinstance(e, Excluded))
    projects, duplicates = _dedupe(e for e in entries if isinstance(e, Project))
    levels = tuple(_level(level_id, title, projects) for level_id, title in LEVELS)
    critical_n = sum(1 for p in projects if p.is_critical)
    single_points = tuple(
        SinglePoint(level.id, s.name, s.critical, critical_n)
        for level in levels
        if level.id in ("developer", "channel")
        for s in level.shares
        if critical_n and s.name != "self-hosted" and s.critical / critical_n > settings.spof_threshold
    )
    waivers_due = sorted(
        (
            WaiverDue(p.name, w.item_id, w.expires, (w.expires - today).days, w.approved_by)
            for p in projects
            for w in p.waivers
            if 0 <= (w.expires - today).days <= settings.waiver_days
        ),
        key=lambda w: (w.expires, w.project, w.item_id),
    )
    stale = [
        Stale(p.name, p.path, p.date, (today - p.date).days if p.date else None)
        for p in projects
        if p.date is None or (today - p.date).days > settings.max_age_days
    ]
    stale.sort(key=lambda s: (s.date is not None, s.date or today, s.project))
    criticality = Counter(p.criticality or "unrated" for p in projects)
    return Portfolio(
        today=today,
        settings=settings,
        projects=tuple(projects),
        excluded=excluded,
        duplicates=tuple(duplicates),
        levels=levels,
        single_points=single_points,
        retirements=_retirements(projects, today, settings),
        open_by_owner=_open_counts(projects, "owner"),
        open_by_area=_open_counts(projects, "area"),
        scores=_scores(projects),
        waivers_due=tuple(waivers_due),
        stale=tuple(stale),
        criticality=tuple((c, criticality[c]) for c in (*CRITICALITIES, "unrated") if criticality[c]),
    )


def gate(portfolio: Portfolio, *, fail_on_spof: bool = False, max_hhi: float | None = None) -> tuple[str, ...]:
    """Why the portfolio fails the risk team's gate (empty: it passes, or no gate is set)."""
    reasons: list[str] = []
    if fail_on_spof:
        for s in portfolio.single_points:
            reasons.append(f"{s.level} {s.name} is behind {s.critical} of {s.critical_total} critical projects ({percent(s.share)})")
    if max_hhi is not None:
        for level in portfolio.levels:
            if level.hhi is not None and level.hhi > max_hhi:
                reasons.append(f"{level.title.lower()} HHI {level.hhi:,.0f} is above --max-hhi {max_hhi:,.0f}")
    return tuple(reasons)


__all__ = [
    "BANDS",
    "HHI_SOURCE",
    "HIGHLY_CONCENTRATED",
    "LEVELS",
    "Level",
    "Portfolio",
    "Settings",
    "Share",
    "build",
    "gate",
    "hhi",
]
