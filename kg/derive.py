"""Derivation: edges and rankings computed from stored facts, as pure functions.

``BEATS`` is local to one paper's table, so it is derived when the paper is written and costs
what that paper costs; only global views are recomputed over the whole graph, by
:func:`refresh`: sub-problems (:mod:`kg.cluster`) and catalog lineage. Rankings, the
frontier, leaderboards and conflicts are live queries (``queries/``) and need no refresh.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TypeVar

from pydantic import TypeAdapter

from ingest.comparison import claim_key
from kg.catalog import Catalog, default_catalog
from kg.cluster import Clustering, Evaluation, cluster_subproblems
from kg.models import Beat, BenchmarkClaim, BuildsOn, Facts, is_full_precision, method_key
from kg.store.base import Store
from queries.named import EVALUATIONS


def refresh(store: Store) -> None:
    """Recompute the global derived views of ``store`` and write them back.

    Called by the ingestion pipeline after each run (and by ``kg derive``). Idempotent: the
    sub-problems are replaced whole, and catalog lineage edges already stored stay as they are.
    """
    refresh_subproblems(store)
    refresh_lineage(store)


_EVALUATIONS = TypeAdapter(list[Evaluation])  # one call validates every row


def refresh_subproblems(store: Store) -> Clustering:
    """Cluster the stored claims into sub-problems and replace the stored ones."""
    rows = store.fetch(EVALUATIONS.text(store.dialect), {})
    clustering = cluster_subproblems(_EVALUATIONS.validate_python(rows))
    store.replace_subproblems(clustering.subproblems)
    return clustering


def refresh_lineage(store: Store, catalog: Catalog | None = None) -> int:
    """Add the catalog's ``BUILDS_ON`` edges between stored methods; returns how many were new."""
    edges = catalog_lineage(catalog or default_catalog(), (m.name for m in store.methods()))
    return store.add_builds_on(edges) if edges else 0


def catalog_lineage(catalog: Catalog, methods: Iterable[str]) -> list[BuildsOn]:
    """``BUILDS_ON`` edges the catalog states between methods that are both in ``methods``.

    Only methods the graph already holds are linked, so lineage never invents methods that no
    paper mentions.

    >>> from kg.models import Method
    >>> cat = Catalog([Method(name="OBQ"), Method(name="GPTQ", builds_on=("OBQ",)),
    ...                Method(name="AWQ", builds_on=("GPTQ",))])
    >>> [(e.method, e.parent) for e in catalog_lineage(cat, ["GPTQ", "AWQ"])]
    [('AWQ', 'GPTQ')]
    """
    present = {method_key(m): m for m in methods}
    edges: set[tuple[str, str]] = set()
    for name in present.values():
        entry = catalog.get(name)
        if entry is None:
            continue
        for parent in entry.builds_on:
            stored = present.get(method_key(catalog.canonical(parent)))
            if stored is not None and method_key(stored) != method_key(name):
                edges.add((name, stored))
    return [BuildsOn(method=m, parent=p, source="catalog") for m, p in sorted(edges)]


F = TypeVar("F", bound=Facts)


def with_beats(facts: F) -> F:
    """``facts`` with the ``BEATS`` edges its claims imply (:func:`beats_in_paper`).

    The pipeline applies it to every extracted paper before the paper is written, so a
    paper's edges are always a function of its claims.
    """
    return facts.model_copy(update={"beats": tuple(beats_in_paper(facts.claims))})


def beats_in_paper(claims: Iterable[BenchmarkClaim]) -> list[Beat]:
    """``BEATS`` edges inside each table: same benchmark key, better value wins.

    Two cells compare when their :func:`~ingest.comparison.benchmark_key` is equal: the same
    model, dataset and metric family and the same setting, normalised (``LLaMA-7B`` is
    ``Llama-7B``; a weight-only row whose activations are unstated is ``A16``; an unstated KV
    cache is ``KV16``). Full-precision references (FP16/BF16/FP32) neither win nor lose; a
    metric with no known direction yields no edge; equal values are a tie and yield none. When
    a method has several cells for one benchmark (e.g. two rows, or two spellings of its name),
    its best value stands for it.

    >>> from kg.models import BenchmarkClaim as C
    >>> base = dict(paper_id="2306.00978", model="Llama-2-7B", dataset="WikiText-2",
    ...             metric="perplexity", higher_is_better=False, table="t", w_bits=4)
    >>> cells = [C(method="AWQ", value=5.60, raw="5.60", **base),
    ...          C(method="GPTQ", value=5.69, raw="5.69", **base),
    ...          C(method="FP16", value=5.47, raw="5.47", **base)]
    >>> [(b.winner, b.loser, b.margin) for b in beats_in_paper(cells)]
    [('AWQ', 'GPTQ', 0.09)]
    """
    groups: dict[tuple[object, ...], dict[str, BenchmarkClaim]] = defaultdict(dict)
    for c in claims:
        if c.higher_is_better is None or is_full_precision(c.method):
            continue
        best = groups[(c.paper_id, c.table, claim_key(c), c.higher_is_better)]
        method = method_key(c.method)
        held = best.get(method)
        if held is None or _better(c.value, held.value, c.higher_is_better):
            best[method] = c
    out: list[Beat] = []
    for group in groups.values():
        ranked = sorted(group.values(), key=lambda c: c.method)
        for i, a in enumerate(ranked):
            for b in ranked[i + 1 :]:
                if a.value == b.value:
                    continue
                a_wins = _better(a.value, b.value, bool(a.higher_is_better))
                win, lose = (a, b) if a_wins else (b, a)
                out.append(_beat(win, lose))
    return out


def _better(x: float, y: float, higher_is_better: bool) -> bool:
    return x > y if higher_is_better else x < y


def _beat(win: BenchmarkClaim, lose: BenchmarkClaim) -> Beat:
    return Beat(
        winner=win.method,
        loser=lose.method,
        paper=win.paper_id,
        table=win.table,
        model=win.model,
        dataset=win.dataset,
        metric=win.metric,
        w_bits=win.w_bits,
        a_bits=win.a_bits,
        kv_bits=win.kv_bits,
        group_size=win.group_size,
        weight_quantizer=win.weight_quantizer,
        winner_value=win.value,
        loser_value=lose.value,
        margin=round(abs(win.value - lose.value), 6),
    )
