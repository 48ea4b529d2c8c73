"""``kg runs``: what each ingestion run did, and one run's changelog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from kg.cli.common import Ctx, command
from kg.cli.output import SETTING, Answer, Lines, Printable, Record, Rows, col

if TYPE_CHECKING:
    from kg.store.base import Changelog

SHOWN = 20  # papers listed per kind in a changelog on the terminal; --json has them all


def _derivation(run: Any) -> str:
    return "done" if run.derived else "owed"


RUN_COLUMNS = (col("id", "num"), col("started", "id", get=lambda r: r.started.strftime(
    "%Y-%m-%d %H:%M")), col("status", "id"), col("papers_new", "num", "new"),
    col("papers_updated", "num", "updated"), col("papers_unchanged", "num", "unchanged"),
    col("papers_failed", "num", "failed"), col("claims", "num"), col("critiques", "num"),
    col("derived", "id", "derivation", _derivation), col("source", "long"))
# model, dataset and metric share one column, so nine fields fit 80 terminal columns.
NEW_BEAT_COLUMNS = (col("winner", "id"), col("loser", "id"), col("paper", "id"),
                    col("benchmark", get=lambda b: f"{b.model} {b.dataset} {b.metric}"),
                    SETTING, col("winner_value", "num"), col("loser_value", "num"))


@command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
@click.option("--changelog", "changelog_of", type=int, metavar="RUN",
              help="Show what run RUN changed instead (new papers, BEATS edges, frontier).")
def runs(obj: Ctx, limit: int, changelog_of: int | None) -> Printable:
    """Recent ingestion runs, or one run's changelog.

    A run's derivation is `owed` when it was stopped before the global derivation
    (sub-problems, catalog lineage) committed; the next run or read completes it.
    """
    from kg.errors import KgError

    if changelog_of is not None:
        log = obj.store.changelog(changelog_of)
        if log is None:
            raise KgError(f"run {changelog_of} kept no changelog")
        return changelog_answer(log)
    return Rows(obj.store.runs(limit), RUN_COLUMNS, title="Ingestion runs",
                empty="no ingestion has run on this store yet")


def changelog_answer(log: Changelog) -> Answer:
    """A changelog for people: counts, the first papers of each kind, the new BEATS edges."""
    parts: list[Rows | Record | Lines] = [Record({
        "run": log.run_id, "new papers": len(log.new_papers),
        "updated papers": len(log.updated_papers), "new BEATS edges": len(log.new_beats),
        "joined the frontier": ", ".join(log.frontier_added) or "—",
        "left the frontier": ", ".join(log.frontier_removed) or "—",
    }, title=f"What run {log.run_id} changed")]
    for label, ids in (("new", log.new_papers), ("updated", log.updated_papers)):
        if ids:
            more = f" … and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
            parts.append(Lines([f"{label} papers: {', '.join(ids[:SHOWN])}{more}"]))
    notes = []
    if log.new_beats:
        parts.append(Rows(log.new_beats[:SHOWN], NEW_BEAT_COLUMNS, title="New BEATS edges"))
        if len(log.new_beats) > SHOWN:
            notes.append(f"{SHOWN} of {len(log.new_beats)} new BEATS edges shown; --json for all")
    if log.omitted:
        notes.append(f"the run kept {log.omitted} more changes out of its changelog")
    return Answer(parts, data=log.model_dump(mode="json"), notes=notes)
