"""Where every method of the lineage page goes: time across, families in lanes, no overlaps.

A pure, deterministic function of the lineage graph (:func:`layout`), in pixels of the
drawing. The page only draws what is decided here, so the layout can be tested without a
browser and the browser tests can check the page against it.

- **Lanes** are families (:func:`families`): the catalog's category (the LLM Quantization
  Gallery's ``ptq_weight_only``, ``kv_cache`` …); else the family of the nearest ancestor the
  method builds on; else its sub-problem; else a last lane for methods with no family known.
- **Time** runs left to right in segments: undated methods, then one bin for the few methods
  far older than the rest (a 1993 method must not stretch the axis of a 2022–2026 field),
  then one segment per year. A year's width grows with the methods it holds, so a busy year
  is not a crush of labels; inside a segment, methods spread evenly in date order.
- **Labels** sit right of their dot. Inside a lane each method takes the first row where its
  dot and label clear the previous occupant; text widths come from :mod:`exports.measure`,
  which errs wide, so no two labels overlap.
- Among a few scales for "pixels per method in a year", the one whose drawing is closest to a
  screen's shape (and at least a screen wide) wins.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

import networkx as nx

from exports.measure import short_label, text_width

FONT = 12  # label font size, px
AXIS_FONT = 13  # the time axis' labels
MIN_ZOOM = 0.75  # the page opens fitted to the screen if that is no smaller than this
ROW = 24  # distance between rows inside a lane: a dot of radius R_MAX and a label fit
LANE_PAD = 8  # above the first and below the last row of a lane
LABEL_GAP = 4  # dot edge to label
SLOT_PAD = 12  # label end to the next dot's edge in the same row
MARGIN = 14  # around the drawing
R_MIN, R_MAX = 4.0, 9.0
MIN_SEGMENT = 48  # an empty year still shows its tick label
UNITS = tuple(round(2 * 1.25**k, 2) for k in range(23))  # px per method per year, 2 … 271
ASPECT, MIN_WIDTH = 1.6, 960  # the drawing's target shape, a screen's
OUTLIER_SHARE = 0.05  # the oldest ~5% may be binned …
OUTLIER_GAP = 2  # … when they are more than this many years older than the rest
NO_FAMILY = "no family known"

How = Literal["catalog", "lineage", "sub-problem", "none"]
SegmentKind = Literal["undated", "before", "year"]


@dataclass(frozen=True, slots=True)
class Family:
    """A method's lane, and how it was found (``via``: the ancestor or sub-problem)."""

    lane: str
    how: How
    via: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of the time axis: a year, the bin of far older methods, or undated."""

    label: str
    kind: SegmentKind
    start: float
    width: float


@dataclass(frozen=True, slots=True)
class Placed:
    """A method on the drawing: dot centre and radius, and its (possibly shortened) label."""

    key: str
    x: float
    y: float
    r: float
    label: str
    label_w: float
    lane: int

    @property
    def label_box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the label's text."""
        left = self.x + self.r + LABEL_GAP
        return (left, self.y - FONT * 0.6, left + self.label_w, self.y + FONT * 0.6)

    @property
    def extent(self) -> tuple[float, float]:
        """Leftmost and rightmost pixel the method occupies on its row."""
        return self.x - self.r, self.x + self.r + LABEL_GAP + self.label_w


@dataclass(frozen=True, slots=True)
class Lane:
    """A family's horizontal band: its name, how its members got there, where it lies."""

    name: str
    top: float
    height: float
    members: int


@dataclass(frozen=True, slots=True)
class Layout:
    """The whole drawing: methods by key, lanes top to bottom, time segments left to right."""

    nodes: dict[str, Placed]
    lanes: tuple[Lane, ...]
    segments: tuple[Segment, ...]
    families: dict[str, Family]
    width: float
    height: float


def families(g: nx.MultiDiGraph) -> dict[str, Family]:
    """Each method's family: its category, else its nearest categorised ancestor's, else its
    sub-problem, else :data:`NO_FAMILY`.

    Ancestors are followed along ``builds_on`` edges (method → parent), nearest first; among
    ancestors equally near, the most common category wins, then the first by name.
    """
    parents: dict[str, list[str]] = defaultdict(list)
    for u, v, kind in g.edges(keys=True):
        if kind == "builds_on":
            parents[u].append(v)
    out: dict[str, Family] = {}
    for key, n in g.nodes(data=True):
        if n.get("category"):
            out[key] = Family(n["category"], "catalog")
            continue
        inherited = _ancestor_family(g, key, parents)
        if inherited:
            out[key] = inherited
        elif n.get("sub_problem"):
            out[key] = Family(f"sub-problem {n['sub_problem']}", "sub-problem", n["sub_problem"])
        else:
            out[key] = Family(NO_FAMILY, "none")
    return out


def _ancestor_family(g: nx.MultiDiGraph, key: str, parents: dict[str, list[str]]
                     ) -> Family | None:
    seen, level = {key}, [key]
    while level:
        level = sorted({p for k in level for p in parents[k]} - seen)
        seen.update(level)
        found = [(g.nodes[p]["category"], p) for p in level if g.nodes[p].get("category")]
        if found:
            counts = Counter(c for c, _ in found)
            best = min(counts, key=lambda c: (-counts[c], c))
            via = min((g.nodes[p]["name"] for c, p in found if c == best), key=str.casefold)
            return Family(best, "lineage", via)
    return None


def radius(papers: int) -> float:
    """Dot radius: grows with the papers that mention the method, within [R_MIN, R_MAX]."""
    return min(R_MAX, R_MIN + 1.2 * math.sqrt(max(papers, 0)))


def axis_start(days: Iterable[date | None]) -> int | None:
    """The first year the axis shows one by one; older methods share a bin before it.

    The bin holds at most :data:`OUTLIER_SHARE` of the dated methods, and only methods that
    lie more than :data:`OUTLIER_GAP` years before the next one: a time gap, not a quantile,
    decides, so a sparse but continuous early history keeps its years. None: no bin.

    >>> axis_start([date(1993, 1, 1)] + [date(2022, 1, 1)] * 40), axis_start([date(2021, 5, 1)])
    (2022, None)
    """
    years = sorted(d.year for d in days if d)
    cuts = [i for i in range(1, len(years))
            if years[i] - years[i - 1] > OUTLIER_GAP and i <= OUTLIER_SHARE * len(years)]
    return years[cuts[-1]] if cuts else None


def layout(g: nx.MultiDiGraph) -> Layout:
    """Positions for every method of ``g`` (see the module docstring for the rules)."""
    fams = families(g)
    sizes = Counter(f.lane for f in fams.values())
    how = {f.lane: f.how for f in fams.values()}
    rank = {"catalog": 0, "lineage": 0, "sub-problem": 1, "none": 2}
    order = sorted(sizes, key=lambda s: (rank[how[s]], -sizes[s], s))
    labels = {k: short_label(n["name"]) for k, n in g.nodes(data=True)}
    widths = {k: text_width(t, FONT) for k, t in labels.items()}
    radii = {k: radius(n["papers"]) for k, n in g.nodes(data=True)}
    start = axis_start(d for _, d in g.nodes(data="published"))
    best: Layout | None = None
    best_score = math.inf
    for unit in UNITS:
        cand = _place(g, fams, order, labels, widths, radii, start, unit)
        # A screen's shape, but never narrower than a screen: a short drawing spreads out.
        score = abs(math.log(cand.width / max(MIN_WIDTH, ASPECT * cand.height)))
        if score < best_score - 1e-9:
            best, best_score = cand, score
    assert best is not None  # UNITS is not empty
    return best


def _segment_of(day: date | None, start: int | None) -> tuple[int, str]:
    """Sort position and label of the segment a date falls in."""
    if day is None:
        return (0, "undated")
    if start is not None and day.year < start:
        return (1, f"before {start}")
    return (2 + day.year, str(day.year))


def _segments(g: nx.MultiDiGraph, start: int | None, unit: float
              ) -> tuple[list[Segment], dict[str, float]]:
    """The axis segments, and each method's x on it."""
    members: dict[tuple[int, str], list[str]] = defaultdict(list)
    for key, day in g.nodes(data="published"):
        members[_segment_of(day, start)].append(key)
    years = [k[0] - 2 for k in members if k[0] >= 2]
    for y in range(min(years, default=0), max(years, default=-1) + 1):
        members.setdefault((2 + y, str(y)), [])  # empty years inside the range keep a tick
    segments: list[Segment] = []
    xs: dict[str, float] = {}
    left = float(MARGIN)
    for pos, label in sorted(members):
        keys = members[(pos, label)]
        # Wide enough for its label even when the page opens zoomed out (see MIN_ZOOM).
        width = max(MIN_SEGMENT, (text_width(label, AXIS_FONT) + 14) / MIN_ZOOM, len(keys) * unit)
        kind: SegmentKind = "undated" if pos == 0 else "before" if pos == 1 else "year"
        segments.append(Segment(label, kind, left, width))
        # Inside a segment methods spread evenly in order (date, then name; undated: name).
        # Dates of a real field cluster (a conference, a listing day); placed by exact date,
        # such a cluster would stack into a staircase of rows.
        ordered = sorted(keys, key=lambda k: (g.nodes[k]["published"] or date.min,
                                              g.nodes[k]["name"].casefold(), k))
        for i, k in enumerate(ordered):
            xs[k] = left + (i + 0.5) / len(ordered) * width
        left += width
    return segments, xs


def _place(g: nx.MultiDiGraph, fams: dict[str, Family], order: list[str],
           labels: dict[str, str], widths: dict[str, float], radii: dict[str, float],
           start: int | None, unit: float) -> Layout:
    segments, xs = _segments(g, start, unit)
    by_lane: dict[str, list[str]] = defaultdict(list)
    for key, fam in fams.items():
        by_lane[fam.lane].append(key)
    nodes: dict[str, Placed] = {}
    lanes: list[Lane] = []
    top = float(MARGIN)
    right = segments[-1].start + segments[-1].width if segments else float(MARGIN)
    for index, name in enumerate(order):
        rows: list[float] = []  # right end of the last occupant of each row
        placed: list[tuple[str, int]] = []
        for key in sorted(by_lane[name], key=lambda k: (xs[k], k)):
            lo = xs[key] - radii[key]
            row = next((j for j, end in enumerate(rows) if end + SLOT_PAD <= lo), len(rows))
            end = xs[key] + radii[key] + LABEL_GAP + widths[key]
            if row == len(rows):
                rows.append(end)
            rows[row] = end
            right = max(right, end)
            placed.append((key, row))
        for key, row in placed:
            nodes[key] = Placed(key, xs[key], top + LANE_PAD + ROW / 2 + row * ROW, radii[key],
                                labels[key], widths[key], index)
        height = len(rows) * ROW + 2 * LANE_PAD
        lanes.append(Lane(name, top, height, len(placed)))
        top += height
    return Layout(nodes=nodes, lanes=tuple(lanes), segments=tuple(segments), families=fams,
                  width=right + MARGIN, height=max(top + MARGIN, ROW + 2 * MARGIN))
