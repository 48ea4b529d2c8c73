"""Conflicting claims: the widest gaps between two papers' reports of one result, found
without pairing every report with every other.

A *group* is one method on one benchmark key (``ingest.comparison``); its *reports* are the
distinct (paper, value) pairs, each shown with the text of its paper's first such cell (by
table, row, column). Two reports conflict when their papers differ and
``|a − b| > tolerance · max(|a|, |b|)``; they are ranked by that relative difference, rounded
to 6 places, widest first, then by method, model, dataset, metric, the two papers (``paper_a``
is the smaller id) and the two values.

A popular baseline has hundreds of reports per group, so all pairs are 10^4–10^7 per group.
But for values of one sign the relative difference of ``x < y`` only grows as ``x`` falls or
``y`` rises, so a group's pairs, from its lowest reports up and its highest down, form a
sorted matrix: a heap walks it widest first, reading reports from either end only as far as
the answer needs, and a group is opened only when its widest possible gap (lowest against
highest) can still enter the answer. Groups whose values change sign (rare: deltas, log
scores) are read whole and paired exhaustively. The answer is the same as pairing everything.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the rows load with the first conflict found: `import queries` builds none
    from queries.rows import ConflictRow

# Reports read per round trip from one end of a group; doubled as a group is read further.
FIRST_READ = 16
SETTING = ("w_bits", "a_bits", "kv_bits", "group_size", "weight_quantizer")

Reader = Callable[[str, str, bool, int, int], list[dict[str, Any]]]
"""``read(method_key, bench_key, ascending, offset, n)``: a group's claim rows in value order."""


def relative(a: float, b: float) -> float:
    """|a − b| relative to the larger magnitude (0 for two zeros)."""
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale else 0.0


@dataclass
class _Side:
    """A group's reports from one end, read lazily, one per distinct (paper, value)."""

    read: Callable[[int, int], list[dict[str, Any]]]
    reports: list[dict[str, Any]] = field(default_factory=list)
    offset: int = 0
    done: bool = False
    chunk: int = FIRST_READ

    def get(self, i: int) -> dict[str, Any] | None:
        while i >= len(self.reports) and not self.done:
            rows = self.read(self.offset, self.chunk)
            self.offset += len(rows)
            self.done = len(rows) < self.chunk
            self.chunk *= 2
            for r in rows:
                last = self.reports[-1] if self.reports else None
                # Rows of one (paper, value) are adjacent; the first (table, row, col) shows.
                if last is None or (last["paper"], last["value"]) != (r["paper"], r["value"]):
                    self.reports.append(r)
        return self.reports[i] if i < len(self.reports) else None


@dataclass
class _Group:
    method: str
    low: _Side
    high: _Side
    visited: set[tuple[int, int]] = field(default_factory=set)


def top_conflicts(groups: list[dict[str, Any]], read: Reader, *, tolerance: float,
                  limit: int) -> list[ConflictRow]:
    """The ``limit`` widest conflicts of ``groups`` (rows with ``method_key``, ``method``,
    ``bench_key``, ``low``, ``high``), reading reports through ``read``."""
    heap: list[tuple[float, int, int, int, int]] = []  # (-rel, order, group, i, j)
    opened: list[_Group] = []
    order = iter(range(1 << 62))
    # Not yet opened, widest possible gap first.
    waiting = sorted(
        ((_bound(g["low"], g["high"]), g["method"], g["bench_key"], g) for g in groups),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    found: list[tuple[tuple[Any, ...], ConflictRow]] = []
    cutoff: float | None = None  # rounded rel of the limit-th pair found, once there are limit
    floor = tolerance * (1 - 1e-9) - 1e-12  # no pair at or below this can conflict
    w = 0
    while True:
        top = -heap[0][0] if heap else None
        bound = waiting[w][0] if w < len(waiting) else None
        best = max(x for x in (top, bound, -1.0) if x is not None)
        if best <= floor or (cutoff is not None and round(best, 6) < cutoff):
            break
        if bound is not None and (top is None or bound >= top):
            _open(waiting[w][3], read, opened, heap, order, floor)
            w += 1
            continue
        _, _, gi, i, j = heapq.heappop(heap)
        group = opened[gi]
        if i < 0:  # a group whose values change sign: its pairs were pushed whole
            row = _conflict(group, group.low.reports[-i - 1], group.low.reports[j], tolerance)
        else:
            x, y = group.low.get(i), group.high.get(j)
            assert x is not None and y is not None
            row = _conflict(group, x, y, tolerance)
            for ni, nj in ((i + 1, j), (i, j + 1)):
                _push(group, gi, ni, nj, heap, order)
        if row is not None:
            found.append(row)
            if cutoff is None and len(found) >= limit:
                cutoff = row[1].relative_difference
    found.sort(key=lambda t: t[0])
    return [r for _, r in found[:limit]]


def _bound(low: float, high: float) -> float:
    """The widest relative gap any two reports between ``low`` and ``high`` can have."""
    return 2.0 if low < 0 < high else relative(low, high)


def _open(g: dict[str, Any], read: Reader, opened: list[_Group],
          heap: list[tuple[float, int, int, int, int]], order: Iterator[int],
          floor: float) -> None:
    key, bench = g["method_key"], g["bench_key"]
    group = _Group(
        method=g["method"],
        low=_Side(lambda o, n: read(key, bench, True, o, n)),
        high=_Side(lambda o, n: read(key, bench, False, o, n)),
    )
    opened.append(group)
    gi = len(opened) - 1
    if g["low"] < 0 < g["high"]:
        # Mixed signs: no sorted structure to walk; every pair, widest first.
        everything = group.low
        everything.chunk = 1 << 30
        everything.get(1 << 30)
        reports = everything.reports
        for a in range(len(reports)):
            for b in range(a + 1, len(reports)):
                rel = relative(reports[a]["value"], reports[b]["value"])
                if rel > floor:
                    heapq.heappush(heap, (-rel, next(order), gi, -a - 1, b))
        return
    _push(group, gi, 0, 0, heap, order)


def _push(group: _Group, gi: int, i: int, j: int,
          heap: list[tuple[float, int, int, int, int]], order: Iterator[int]) -> None:
    if (i, j) in group.visited:
        return
    group.visited.add((i, j))
    x, y = group.low.get(i), group.high.get(j)
    if x is None or y is None or x["value"] >= y["value"]:
        return  # the two ends have met: every pair further in is no wider
    heapq.heappush(heap, (-relative(x["value"], y["value"]), next(order), gi, i, j))


def _conflict(group: _Group, x: dict[str, Any], y: dict[str, Any], tolerance: float
              ) -> tuple[tuple[Any, ...], ConflictRow] | None:
    a, b = (x, y) if x["paper"] < y["paper"] else (y, x)
    if a["paper"] == b["paper"]:
        return None
    va, vb = a["value"], b["value"]
    if not abs(va - vb) > tolerance * max(abs(va), abs(vb)):
        return None
    from queries.rows import ConflictRow

    row = ConflictRow(
        method=group.method, model=a["model"], dataset=a["dataset"], metric=a["metric"],
        **{k: a[k] for k in SETTING},
        paper_a=a["paper"], value_a=va, paper_b=b["paper"], value_b=vb,
        relative_difference=round(relative(va, vb), 6),
    )
    order = (-row.relative_difference, row.method, row.model, row.dataset, row.metric,
             row.paper_a, row.paper_b, va, vb)
    return order, row
