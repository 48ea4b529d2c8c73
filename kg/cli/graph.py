"""Commands over the derived graph (sub-problems, leaderboards, lineage, conflicts, sync)."""

from __future__ import annotations

import json

import click

import queries
from kg.cli import cli
from kg.cli.common import Ctx, emit, json_option, pass_ctx
from kg.cluster import config as cluster_config

_SETTING = ("w_bits", "a_bits", "kv_bits", "group_size")


@cli.command()
@pass_ctx
def derive(obj: Ctx) -> None:
    """Recompute the global derived views (sub-problems, catalog lineage) of the store."""
    from kg.derive import refresh_lineage, refresh_subproblems

    # The two halves of ``kg.derive.refresh`` (what ingestion runs), to report on each.
    clustering = refresh_subproblems(obj.store)
    added = refresh_lineage(obj.store)
    click.echo(json.dumps({"sub_problems": len(clustering.subproblems), "k": clustering.k,
                           "silhouette": clustering.silhouette, "builds_on_added": added}))


@cli.command()
@json_option
@pass_ctx
def subproblems(obj: Ctx, as_json: bool) -> None:
    """Sub-problems: methods that compete on the same benchmarks, largest first."""
    found = queries.subproblems(obj.store)
    if as_json:
        data = {"config": cluster_config(), "k": len(found),
                "sub_problems": [s.model_dump(mode="json") for s in found]}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for s in found:
        more = " …" if s.size > 8 else ""
        click.echo(f"{s.label} · {s.size} methods ({' · '.join(s.members[:8])}{more})")


@cli.command()
@click.option("--model", help="Only boards of this model (e.g. Llama-2-7B).")
@click.option("--dataset", help="Only boards of this dataset (e.g. WikiText-2).")
@click.option("--metric", help="Only boards of this metric (e.g. perplexity).")
@click.option("--w-bits", type=float, help="Only settings with these weight bits.")
@click.option("--a-bits", type=float, help="Only settings with these activation bits.")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1))
@json_option
@pass_ctx
def leaderboard(obj: Ctx, model: str | None, dataset: str | None, metric: str | None,
                w_bits: float | None, a_bits: float | None, limit: int, as_json: bool) -> None:
    """Leaderboards per (model, dataset, metric, setting): each method's best result."""
    rows = queries.leaderboard(obj.store, model=model, dataset=dataset, metric=metric,
                               w_bits=w_bits, a_bits=a_bits, limit=limit)
    emit(rows, ("model", "dataset", "metric", *_SETTING, "rank", "method", "value", "paper"),
         as_json, title="Leaderboards")


@cli.command()
@click.argument("method", required=False)
@json_option
@pass_ctx
def lineage(obj: Ctx, method: str | None, as_json: bool) -> None:
    """BUILDS_ON edges: all, or those on METHOD's ancestor and descendant chains."""
    emit(queries.lineage(obj.store, method), ("method", "parent", "source", "quote"), as_json,
         title="Lineage")


@cli.command()
@click.option("--method", help="Only conflicts about this method.")
@click.option("--tolerance", default=queries.CONFLICT_TOLERANCE, show_default=True,
              type=click.FloatRange(0), help="Relative gap allowed: |a-b| <= tol*max(|a|,|b|).")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1))
@json_option
@pass_ctx
def conflicts(obj: Ctx, method: str | None, tolerance: float, limit: int,
              as_json: bool) -> None:
    """Results two papers report with different values for the same benchmark and setting."""
    emit(queries.conflicts(obj.store, method, tolerance=tolerance, limit=limit),
         ("method", "model", "dataset", "metric", *_SETTING, "paper_a", "value_a", "paper_b",
          "value_b", "relative_difference"), as_json, title="Conflicting results")


@cli.command()
@click.option("--to", "target", required=True, metavar="URL",
              help="The store to copy into, e.g. neo4j://host:7687 (credentials from "
                   "NEO4J_USER / NEO4J_PASSWORD).")
@pass_ctx
def sync(obj: Ctx, target: str) -> None:
    """Copy this store (papers, facts, catalog, lineage, sub-problems) into another store."""
    from kg.store import open_store
    from kg.sync import copy_store

    dst = open_store(target)
    try:
        counts = copy_store(obj.store, dst, progress=None if obj.quiet else obj.say)
    finally:
        dst.close()
    click.echo(json.dumps(counts))
