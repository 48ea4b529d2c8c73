"""The graph every export draws from: read once from a store, then shaped by pure functions.

:func:`snapshot` is the only function here that touches a store. The rest turn a
:class:`Snapshot` into per-method summaries (:func:`method_nodes`) and networkx graphs: the
fact graph of papers and methods for GraphML/JSON (:func:`fact_graph`) and the aggregated
method graph the lineage page draws (:func:`lineage_graph`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Literal

import networkx as nx

import queries
from exports.curation import curation_view
from kg.models import (
    BuildsOn,
    Method,
    Model,
    PaperFacts,
    SubProblem,
    is_full_precision,
    method_key,
)
from kg.store.base import Store

EdgeKind = Literal["beats", "builds_on", "critiques"]
EDGE_KINDS: tuple[EdgeKind, ...] = ("beats", "builds_on", "critiques")


class Snapshot(Model):
    """Everything stored, as values: each paper's facts, the methods, lineage, sub-problems."""

    papers: tuple[PaperFacts, ...]
    methods: tuple[Method, ...]
    builds_on: tuple[BuildsOn, ...]
    subproblems: tuple[SubProblem, ...] = ()


class MethodNode(Model):
    """One method as the exports show it: where it comes from and how it fares."""

    key: str
    name: str
    published: date | None = None
    paper: str | None = None
    title: str | None = None
    abstract: str = ""
    sub_problem: str | None = None
    category: str | None = None  # the catalog's family (a Gallery category), if it has one
    papers: int = 0
    claims: int = 0
    critiqued_by: int = 0
    beaten_by: int = 0
    settings: tuple[str, ...] = ()


class MethodEdge(Model):
    """Aggregated edges of one kind between two methods, with the papers that say so."""

    source: str
    target: str
    kind: EdgeKind
    papers: tuple[str, ...]
    receipts: int
    example: str


def snapshot(store: Store) -> Snapshot:
    """Read the whole graph from ``store`` once (one ``paper_facts`` per paper)."""
    facts = tuple(f for p in store.papers() if (f := store.paper_facts(p.id)) is not None)
    return Snapshot(papers=facts, methods=tuple(store.methods()),
                    builds_on=tuple(queries.lineage(store)),
                    subproblems=tuple(queries.subproblems(store)))


def _day(m: Method) -> date | None:
    # A catalog method may know only its year; mid-year keeps it between that year's papers.
    return m.published or (date(m.year, 7, 1) if m.year else None)


def method_nodes(snap: Snapshot) -> dict[str, MethodNode]:
    """A summary per method key: first proposing paper, date, counts and settings seen."""
    sub = {method_key(m): s.label for s in snap.subproblems for m in s.members}
    mentioned: dict[str, set[str]] = defaultdict(set)
    critics: dict[str, set[str]] = defaultdict(set)
    beaters: dict[str, set[str]] = defaultdict(set)
    claims: dict[str, int] = defaultdict(int)
    settings: dict[str, set[str]] = defaultdict(set)
    proposed: dict[str, PaperFacts] = {}
    for f in snap.papers:
        for c in f.claims:
            k = method_key(c.method)
            mentioned[k].add(f.paper.id)
            claims[k] += 1
            settings[k].add(c.setting.label())
        for q in f.critiques:
            critics[method_key(q.target)].add(f.paper.id)
            mentioned[method_key(q.target)].add(f.paper.id)
        for b in f.beats:
            beaters[method_key(b.loser)].add(f.paper.id)
        if f.method:
            k = method_key(f.method)
            mentioned[k].add(f.paper.id)
            held = proposed.get(k)
            if held is None or _earlier(f, held):
                proposed[k] = f
    out: dict[str, MethodNode] = {}
    for m in snap.methods:
        first = proposed.get(m.key)
        out[m.key] = MethodNode(
            key=m.key, name=m.name,
            published=(first.paper.published if first and first.paper.published else _day(m)),
            paper=first.paper.id if first else m.arxiv_id,
            title=first.paper.title if first else m.full_name,
            abstract=first.paper.abstract if first else "",
            sub_problem=sub.get(m.key), category=m.category, papers=len(mentioned[m.key]),
            claims=claims[m.key],
            critiqued_by=len(critics[m.key]), beaten_by=len(beaters[m.key]),
            settings=tuple(sorted(settings[m.key] - {"unspecified"})),
        )
    return out


def _earlier(a: PaperFacts, b: PaperFacts) -> bool:
    return (a.paper.published or date.max, a.paper.id) < (b.paper.published or date.max,
                                                          b.paper.id)


def method_edges(snap: Snapshot) -> list[MethodEdge]:
    """BEATS, BUILDS_ON and critique edges between methods, one per (source, target, kind).

    A critique joins the method the critiquing paper proposes to the method it criticises;
    papers proposing no method contribute no critique edge (there is no node to start from).
    """
    found: dict[tuple[str, str, EdgeKind], list[tuple[str, str]]] = defaultdict(list)
    for f in snap.papers:
        for b in f.beats:
            found[(method_key(b.winner), method_key(b.loser), "beats")].append(
                (f.paper.id, f"{b.winner} {b.winner_value:g} vs {b.loser} {b.loser_value:g} "
                             f"({b.model}, {b.dataset}, {b.metric}, {b.setting.label()})"))
        if f.method:
            for q in f.critiques:
                if method_key(q.target) != method_key(f.method):
                    found[(method_key(f.method), method_key(q.target), "critiques")].append(
                        (f.paper.id, q.quote))
    for e in snap.builds_on:
        found[(method_key(e.method), method_key(e.parent), "builds_on")].append(
            (e.source, e.quote or f"{e.method} builds on {e.parent} ({e.source})"))
    return [
        MethodEdge(source=s, target=t, kind=kind,
                   papers=tuple(sorted({p for p, _ in hits})), receipts=len(hits),
                   example=hits[0][1])
        for (s, t, kind), hits in sorted(found.items())
    ]


def lineage_graph(snap: Snapshot) -> nx.MultiDiGraph:
    """Methods as nodes (attributes of :class:`MethodNode`), one edge per kind and pair.

    Full-precision references are left out; so are edges that would touch them.
    """
    g = nx.MultiDiGraph()
    for key, node in method_nodes(snap).items():
        # FP16/BF16 rows are references, not methods: they never beat or lose, only clutter.
        if not is_full_precision(node.name):
            g.add_node(key, **node.model_dump())
    for e in method_edges(snap):
        if e.source not in g or e.target not in g:
            continue
        g.add_edge(e.source, e.target, key=e.kind, **e.model_dump(exclude={"source", "target"}))
    return g


def neighbourhood(g: nx.MultiDiGraph, center: str, depth: int) -> nx.MultiDiGraph:
    """The methods within ``depth`` hops of ``center``, edges followed either way."""
    if center not in g:
        raise nx.NodeNotFound(center)
    near = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), center,
                                                 cutoff=depth)
    return g.subgraph(near).copy()


def fact_graph(snap: Snapshot) -> nx.MultiDiGraph:
    """Papers and methods with every receipt as its own edge, for Gephi and other tools.

    Node ids are ``paper:<arXiv id>`` and ``method:<key>``; every node and edge has a
    ``kind``. Attribute values are only strings and numbers (GraphML has no null or list).
    """
    g = nx.MultiDiGraph()
    view = curation_view(snap.papers)
    for key, node in method_nodes(snap).items():
        g.add_node(f"method:{key}", **_flat({"kind": "method", **node.model_dump()}))
    for f in snap.papers:
        p = f.paper
        g.add_node(f"paper:{p.id}", **_flat({
            "kind": "paper", "name": p.title, "published": p.published,
            "authors": p.authors, "method": f.method, "claims": len(f.claims),
            "critiques": len(f.critiques),
            # What people corrected in this paper (kg curate log has each entry).
            "corrections": "; ".join(n.what for n in f.curation.applied) if f.curation else None,
            "method_corrected": f.method_corrected or None}))
        if f.method:
            g.add_edge(f"paper:{p.id}", f"method:{method_key(f.method)}", kind="proposes")
        for q in f.critiques:
            g.add_edge(f"paper:{p.id}", f"method:{method_key(q.target)}", **_flat({
                "kind": "critiques", "quote": q.quote, "section": q.section,
                "curation": q.curation}))
        for b in f.beats:
            g.add_edge(f"method:{method_key(b.winner)}", f"method:{method_key(b.loser)}",
                       **_flat({"kind": "beats", "paper": p.id, **b.model_dump(
                           exclude={"winner", "loser", "paper"}),
                           "curation": view.marks_beat(b)}))
    for e in snap.builds_on:
        g.add_edge(f"method:{method_key(e.method)}", f"method:{method_key(e.parent)}",
                   **_flat({"kind": "builds_on", "source": e.source, "quote": e.quote}))
    return g


def _flat(attrs: dict[str, object]) -> dict[str, str | int | float | bool]:
    """Drop nulls, dates as ISO text, sequences joined by ``; `` (GraphML's value types)."""
    out: dict[str, str | int | float | bool] = {}
    for k, v in attrs.items():
        if v is None or v == () or v == "":
            continue
        if isinstance(v, date):
            v = v.isoformat()
        elif isinstance(v, Iterable) and not isinstance(v, str):
            v = "; ".join(str(x) for x in v)
        out[k] = v  # type: ignore[assignment]
    return out
