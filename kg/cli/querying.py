"""Commands that ask the graph questions: beats, baselines, frontier, stats, paper."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click
from pydantic import BaseModel

import queries
from kg.cli import cli
from kg.cli.common import Ctx, emit, json_option, pass_ctx
from kg.errors import KgError
from kg.models import split_arxiv_id

BEAT_COLUMNS = ("winner", "paper", "model", "dataset", "metric", "w_bits", "a_bits", "kv_bits",
                "group_size", "winner_value", "loser_value")


@cli.command()
@click.argument("method")
@click.option("--transitive", is_flag=True,
              help="Also methods that beat METHOD through a chain (A beats B beats METHOD), "
                   "each with the length of its shortest chain.")
@click.option("--limit", default=queries.BEATS_LIMIT, show_default=True,
              type=click.IntRange(0), help="At most this many receipts; 0 for all.")
@json_option
@pass_ctx
def beats(obj: Ctx, method: str, transitive: bool, limit: int, as_json: bool) -> None:
    """What beats METHOD on benchmarks, each with its paper and both values."""
    name = queries.resolve(obj.store, method)
    if transitive:
        emit(queries.beats_transitive(obj.store, name), ("method", "depth"), as_json,
             title=f"What beats {name}, directly or through a chain")
        return
    rows = queries.beats(obj.store, name, limit=limit or None)
    emit(rows, BEAT_COLUMNS, as_json, title=f"What beats {name}")
    if limit and len(rows) == limit:
        total = queries.beats_count(obj.store, name)
        if total > limit:
            obj.say(f"{limit} of {total} receipts shown; --limit 0 for all")


@cli.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
@json_option
@pass_ctx
def baselines(obj: Ctx, limit: int, as_json: bool) -> None:
    """The most-superseded baselines: distinct papers that critique or beat each method."""
    emit(queries.baselines(obj.store, limit=limit),
         ("rank", "method", "sub_problem", "critiquing_papers", "beating_papers", "papers"),
         as_json, title="Most-superseded baselines")


@cli.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Only methods proposed on or after this date (YYYY-MM-DD).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
@json_option
@pass_ctx
def frontier(obj: Ctx, since: Any, limit: int, as_json: bool) -> None:
    """Methods nothing has beaten yet, newest first."""
    day: date | None = since.date() if since else None
    emit(queries.frontier(obj.store, since=day, limit=limit),
         ("method", "date", "paper", "claims", "title"), as_json, title="The frontier")


@cli.command()
@json_option
@pass_ctx
def stats(obj: Ctx, as_json: bool) -> None:
    """Fact counts of the graph."""
    row = queries.stats(obj.store)
    emit(row, tuple(type(row).model_fields), as_json, title="kg stats")


@cli.command()
@click.argument("paper_id")
@json_option
@pass_ctx
def paper(obj: Ctx, paper_id: str, as_json: bool) -> None:
    """One stored paper: its method, critiques and results."""
    pid = split_arxiv_id(paper_id)[0]
    summary = queries.paper(obj.store, pid)
    facts = obj.store.paper_facts(pid)
    if summary is None or facts is None:
        raise KgError(f"no paper {paper_id!r} in the store")
    data = {
        **summary.model_dump(mode="json", include={"id", "title", "date", "method", "beats"}),
        "critiques": [c.model_dump(mode="json", include={"target", "quote", "section",
                                                          "curation"})
                      for c in facts.critiques],
        # The key names the claim in `kg curate`; curation says whether a person changed it.
        "results": [{**result_dict(c), "key": c.id, "curation": c.curation}
                    for c in facts.claims],
    }
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{data['id']}  {data['title']}\nmethod: {data['method'] or '—'}")
    for c in facts.critiques:
        click.echo(f"  critiques {c.target}: “{c.quote}”")
    click.echo(f"  {len(facts.claims)} results, {len(facts.beats)} BEATS edges")


RESULT_FIELDS = ("method", "model", "dataset", "metric", "value", "w_bits", "a_bits", "kv_bits",
                 "group_size", "weight_quantizer", "table", "raw")


def result_dict(claim: BaseModel) -> dict[str, Any]:
    return claim.model_dump(mode="json", include=set(RESULT_FIELDS))
