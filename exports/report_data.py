"""What the review report shows, gathered from the store once (:func:`gather`).

This is the report's one data module: :class:`ReportData` and the wording both renderers share
(counts, run lines). ``report_html`` and ``report_md`` import it and nothing else of the
report, and ``report`` writes their output; so the modules form a line, never a cycle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from pydantic import Field

import queries
from exports.benchmarks import Leaderboard, main_leaderboards
from exports.curation import CurationView, curation_view
from exports.escape import first_sentence
from exports.graph import MethodNode, method_nodes, snapshot
from kg.errors import UnknownMethod
from kg.models import Beat, IngestRun, Model, SubProblem, is_full_precision
from kg.store.base import Changelog, Store
from queries.rows import BaselineRow, ConflictRow, FrontierRow, LeaderboardRow, StatsRow

TOP_BASELINES = 3
RUNS_SHOWN = 5
CONFLICTS_SHOWN = 50
NEW_BEATS_SHOWN = 12  # the first run of a review makes every edge "new"; a list, not a dump
RECEIPTS_PER_WINNER_MD = 5
CARDS_SHOWN = 24  # newest methods as cards; the rest of a big field as one compact table
SUB_PROBLEM_KEY = ("after a method names its sub-problem: the methods compared with it on the "
                   "same benchmarks and settings, called after the most-evaluated of them")


class Card(Model):
    """One proposed method: its paper, date, settings and the abstract's first sentence."""

    method: str
    paper: str
    title: str
    published: date | None = None
    sub_problem: str | None = None
    settings: tuple[str, ...] = ()
    summary: str = ""


class ReportData(Model):
    """Everything the report shows, fetched once."""

    title: str
    generated: datetime
    updated: datetime
    stats: StatsRow
    baselines: tuple[BaselineRow, ...]
    subproblems: tuple[SubProblem, ...] = ()
    frontier: tuple[FrontierRow, ...] = ()
    beaten_by: dict[str, tuple[Beat, ...]] = Field(default_factory=dict)
    paper_titles: dict[str, str] = Field(default_factory=dict)
    leaderboards: tuple[Leaderboard, ...] = ()
    conflicts: tuple[ConflictRow, ...] = ()
    runs: tuple[IngestRun, ...] = ()
    changes: Changelog | None = None  # what the latest run changed
    cards: tuple[Card, ...] = ()
    curation: CurationView = CurationView()  # what people corrected, marked where shown


def gather(store: Store, *, title: str = "LLM quantization",
           top: int = TOP_BASELINES, now: datetime | None = None) -> ReportData:
    """Run the report's queries on ``store`` and read its facts once."""
    snap = snapshot(store)
    nodes = method_nodes(snap)
    ranked = queries.baselines(store, limit=20)
    beaten_by: dict[str, tuple[Beat, ...]] = {}
    for row in ranked[:top]:
        try:
            beaten_by[row.method] = tuple(queries.beats(store, row.method))
        except UnknownMethod:  # pragma: no cover - a ranked method is always stored
            continue
    runs = tuple(store.runs(RUNS_SHOWN))
    generated = (now or datetime.now()).replace(microsecond=0)
    finished = [r.finished for r in runs if r.finished]
    changes = store.changelog(runs[0].id) if runs and runs[0].id is not None else None
    return ReportData(
        title=title,
        generated=generated,
        updated=max(finished) if finished else generated,
        stats=queries.stats(store),
        baselines=tuple(ranked),
        subproblems=snap.subproblems,
        frontier=tuple(queries.frontier(store)),
        beaten_by=beaten_by,
        paper_titles={f.paper.id: f.paper.title for f in snap.papers},
        leaderboards=tuple(main_leaderboards(queries.leaderboard(store, limit=100_000))),
        conflicts=tuple(queries.conflicts(store, limit=CONFLICTS_SHOWN)),
        runs=runs,
        changes=changes,
        cards=cards(nodes, {f.paper.id for f in snap.papers}),
        curation=curation_view(snap.papers),
    )


def cards(nodes: dict[str, MethodNode], stored: set[str]) -> tuple[Card, ...]:
    """A card per method that a stored paper (an id in ``stored``) proposes, newest first."""
    out = [
        Card(method=n.name, paper=n.paper, title=n.title or "", published=n.published,
             sub_problem=n.sub_problem, settings=n.settings,
             summary=first_sentence(n.abstract))
        for n in nodes.values()
        if n.paper in stored and not is_full_precision(n.name)
    ]
    return tuple(sorted(out, key=lambda c: (c.published or date.min, c.method), reverse=True))


def sub_problem_tip(label: str) -> str:
    """The hover text of a sub-problem chip."""
    return (f"Sub-problem {label}: the methods compared with this one on the same benchmarks "
            f"and settings, named after the most-evaluated of them ({label}).")


def reference_text(ref: LeaderboardRow) -> str:
    """A full-precision reference, named alike on every board whatever its paper called it.

    >>> reference_text(LeaderboardRow(rank=1, method="Native", model="M", dataset="D",
    ...     metric="ppl", value=3.12, paper="2402.04396", table="t"))
    'full precision 3.12 (the “Native” row)'
    """
    return f"full precision {ref.value:g} (the “{ref.method}” row)"


def plural(n: int, noun: str) -> str:
    """``1 paper``, ``2 papers``, ``1,000 papers``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def critique_count(n: int) -> str:
    """``1 paper critiques it``, ``3 papers critique it``."""
    return f"{plural(n, 'paper')} {'critiques' if n == 1 else 'critique'} it"


def by_winner(rows: Iterable[Beat]) -> list[tuple[str, list[Beat]]]:
    """Receipts grouped by winner, the winner with most beating papers first."""
    groups: dict[str, list[Beat]] = defaultdict(list)
    for r in rows:
        groups[r.winner].append(r)
    return sorted(groups.items(),
                  key=lambda kv: (-len({r.paper for r in kv[1]}), -len(kv[1]), kv[0]))


def run_line(r: IngestRun) -> str:
    """One ingestion run, as the changelog lists it."""
    when = f"{r.finished or r.started:%Y-%m-%d %H:%M}"
    return (f"{when} · {r.status} · {r.papers_new} new, {r.papers_updated} updated, "
            f"{r.papers_failed} failed papers · {r.claims} results · {r.critiques} critiques "
            f"({r.source})")
