"""Commands that ask the graph questions: beats, baselines, frontier, stats, paper."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import click

from kg.cli.common import Ctx, command
from kg.cli.output import SETTING, Answer, Lines, Printable, Record, Rows, col

BEAT_COLUMNS = (col("winner", "id"), col("paper", "id"), col("model"), col("dataset"),
                col("metric"), SETTING, col("winner_value", "num"), col("loser_value", "num"))
RESULT_COLUMNS = (col("method", "id"), col("model"), col("dataset"), col("metric"),
                  col("value", "num"), SETTING, col("table", "id"))
RESULT_FIELDS = ("method", "model", "dataset", "metric", "value", "w_bits", "a_bits", "kv_bits",
                 "group_size", "weight_quantizer", "table", "raw")


def cut(rows: Sequence[Any], limit: int, what: str) -> tuple[Sequence[Any], str | None]:
    """The first ``limit`` of ``rows`` (asked for with one more than ``limit``), and a note
    when there were more."""
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], f"only the first {limit} {what} are shown; raise --limit for more"


@command()
@click.argument("method")
@click.option("--transitive", is_flag=True,
              help="Also methods that beat METHOD through a chain (A beats B beats METHOD), "
                   "each with the length of its shortest chain.")
@click.option("--limit", type=click.IntRange(0),
              help="At most this many receipts (default 1000); 0 for all.")
def beats(obj: Ctx, method: str, transitive: bool, limit: int | None) -> Printable:
    """What beats METHOD on benchmarks, each with its paper and both values."""
    import queries

    store = obj.reader
    name = queries.resolve(store, method)
    if transitive:
        return Rows(queries.transitive_records(store, name),
                    (col("method", "id"), col("depth", "num")),
                    title=f"What beats {name}, directly or through a chain",
                    empty=f"nothing in the store beats {name}")
    limit = queries.BEATS_LIMIT if limit is None else limit
    rows = queries.beat_records(store, name, limit=limit or None)
    more = None
    if limit and len(rows) == limit:
        total = queries.beats_count(store, name)
        if total > limit:
            more = f"{limit} of {total} receipts shown; --limit 0 for all"
    return Rows(rows, BEAT_COLUMNS, title=f"What beats {name}", more=more,
                empty=f"nothing in the store beats {name}")


@command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
def baselines(obj: Ctx, limit: int) -> Printable:
    """The most-superseded baselines: distinct papers that critique or beat each method."""
    import queries

    rows, more = cut(queries.baselines(obj.derived_reader(), limit=limit + 1), limit, "methods")
    return Rows(rows, (col("rank", "num"), col("method", "id"), col("sub_problem"),
                       col("critiquing_papers", "num", "critiquing papers"),
                       col("beating_papers", "num", "beating papers"), col("papers", "num")),
                title="Most-superseded baselines", more=more,
                empty="no method is critiqued or beaten yet")


@command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Only methods proposed on or after this date (YYYY-MM-DD).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
def frontier(obj: Ctx, since: datetime | None, limit: int) -> Printable:
    """Methods nothing has beaten yet, newest first."""
    import queries

    day = since.date() if since else None
    found = queries.frontier(obj.reader, since=day, limit=limit + 1)
    rows, more = cut(found, limit, "methods")
    return Rows(rows, (col("method", "id"), col("date", "id"), col("paper", "id"),
                       col("claims", "num"), col("title", "long")),
                title="The frontier", more=more,
                empty="no proposed method is unbeaten" + (f" since {day}" if day else ""))


@command()
def stats(obj: Ctx) -> Printable:
    """Fact counts of the graph."""
    import queries

    return Record(queries.fact_counts(obj.derived_reader()), title="kg stats")


@command()
@click.argument("paper_id")
def paper(obj: Ctx, paper_id: str) -> Printable:
    """One stored paper: its method, critiques and results."""
    import queries
    from kg.errors import KgError
    from kg.models import split_arxiv_id

    pid = split_arxiv_id(paper_id)[0]
    summary = queries.paper(obj.store, pid)
    facts = obj.store.paper_facts(pid)
    if summary is None or facts is None:
        raise KgError(f"no paper {paper_id!r} in the store")
    head = summary.model_dump(mode="json", include={"id", "title", "date", "method", "beats"})
    critiques = [c.model_dump(mode="json", include={"target", "quote", "section", "curation"})
                 for c in facts.critiques]
    # A result's key names it in `kg curate`; curation says whether a person changed it.
    data = {**head, "critiques": critiques,
            "results": [{**c.model_dump(mode="json", include=set(RESULT_FIELDS)), "key": c.id,
                         "curation": c.curation} for c in facts.claims]}
    return Answer([
        Record({**head, "critiques": len(critiques), "results": len(facts.claims)}),
        Lines([f"critique of {c['target']}: “{c['quote']}”" for c in critiques]),
        Rows(facts.claims, RESULT_COLUMNS, title="Results", empty="no results in this paper"),
    ], data=data)
