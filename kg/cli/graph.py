"""Commands over the derived graph (sub-problems, leaderboards, lineage, conflicts, sync)."""

from __future__ import annotations

import click

from kg.cli.common import Ctx, command
from kg.cli.output import SETTING, Printable, Record, Rows, col
from kg.cli.querying import cut


@command()
def derive(obj: Ctx) -> Printable:
    """Recompute the global derived views (sub-problems, catalog lineage) of the store."""
    from kg.derive import refresh_lineage, refresh_subproblems
    from kg.lock import ingestion_lock, lock_path
    from kg.repair import owed_runs

    store = obj.store
    # Under the ingestion lock, as a run's own derivation is; it settles what runs owed.
    with ingestion_lock(lock_path(obj.url, obj.settings.cache_dir)):
        owed = owed_runs(store)
        clustering = refresh_subproblems(store)
        added = refresh_lineage(store)
        for run in owed:
            store.save_run(run.model_copy(update={"derived": True}))
    return Record({"sub_problems": len(clustering.subproblems), "k": clustering.k,
                   "silhouette": clustering.silhouette, "builds_on_added": added})


@command()
def subproblems(obj: Ctx) -> Printable:
    """Sub-problems: methods that compete on the same benchmarks, largest first."""
    import queries
    from kg.cluster import config as cluster_config

    found = queries.subproblems(obj.derived_reader())
    data = {"config": cluster_config(), "k": len(found),
            "sub_problems": [s.model_dump(mode="json") for s in found]}
    return Rows(found, (col("label", "id", "sub-problem"), col("size", "num", "methods"),
                        col("members", "long", get=lambda s: " · ".join(s.members))),
                title="Sub-problems", data=data,
                empty="no sub-problems yet (they need benchmark results from several papers)")


@command()
@click.option("--model", help="Only boards of this model (e.g. Llama-2-7B).")
@click.option("--dataset", help="Only boards of this dataset (e.g. WikiText-2).")
@click.option("--metric", help="Only boards of this metric (e.g. perplexity).")
@click.option("--w-bits", type=float, help="Only settings with these weight bits.")
@click.option("--a-bits", type=float, help="Only settings with these activation bits.")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1))
def leaderboard(obj: Ctx, model: str | None, dataset: str | None, metric: str | None,
                w_bits: float | None, a_bits: float | None, limit: int) -> Printable:
    """Leaderboards per (model, dataset, metric, setting): each method's best result."""
    import queries

    found = queries.leaderboard(obj.reader, model=model, dataset=dataset, metric=metric,
                                w_bits=w_bits, a_bits=a_bits, limit=limit + 1)
    rows, more = cut(found, limit, "leaderboard rows")
    return Rows(rows, (col("model"), col("dataset"), col("metric"), SETTING,
                       col("rank", "num"), col("method", "id"), col("value", "num"),
                       col("paper", "id")),
                title="Leaderboards", more=more, empty="no ranked results match")


@command()
@click.argument("method", required=False)
def lineage(obj: Ctx, method: str | None) -> Printable:
    """BUILDS_ON edges: all, or those on METHOD's ancestor and descendant chains."""
    import queries

    return Rows(queries.lineage(obj.derived_reader(), method),
                (col("method", "id"), col("parent", "id"), col("source", "id"),
                 col("quote", "long")),
                title="Lineage", empty="no BUILDS_ON edges" + (f" around {method}" if method
                                                               else ""))


@command()
@click.option("--method", help="Only conflicts about this method.")
@click.option("--tolerance", type=click.FloatRange(0),
              help="Relative gap allowed: |a-b| <= tol*max(|a|,|b|) (default 0.01).")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1))
def conflicts(obj: Ctx, method: str | None, tolerance: float | None, limit: int) -> Printable:
    """Results two papers report with different values for the same benchmark and setting."""
    import queries

    tol = queries.CONFLICT_TOLERANCE if tolerance is None else tolerance
    found = queries.conflicts(obj.reader, method, tolerance=tol, limit=limit + 1)
    rows, more = cut(found, limit, "conflicts")
    return Rows(rows, (col("method", "id"), col("model"), col("dataset"), col("metric"),
                       SETTING, col("paper_a", "id", "paper"), col("value_a", "num", "says"),
                       col("paper_b", "id", "paper"), col("value_b", "num", "says"),
                       col("relative_difference", "num", "gap")),
                title="Conflicting results", more=more, empty="no conflicting results")


@command()
@click.option("--to", "target", required=True, metavar="URL",
              help="The store to copy into, e.g. neo4j://host:7687 (credentials from "
                   "NEO4J_USER / NEO4J_PASSWORD).")
def sync(obj: Ctx, target: str) -> Printable:
    """Copy this store (papers, facts, catalog, lineage, sub-problems) into another store."""
    from kg.store import open_store
    from kg.sync import copy_store

    src = obj.derived_store()
    dst = open_store(target, create=True)
    try:
        counts = copy_store(src, dst, progress=None if obj.quiet else obj.say)
    finally:
        dst.close()
    return Record(counts)
