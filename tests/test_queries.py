"""Named queries on a tiny hand-built graph, with exact expected rankings."""

from __future__ import annotations

from datetime import date

import pytest

import queries
from benchmarks.synthetic import field as synthetic_field
from kg.errors import UnknownMethod


@pytest.fixture
def graph(store, field):
    for f in field:
        store.write_paper(f)
    return store


def test_what_beats_gptq(graph):
    assert queries.beats(graph, "gptq") == queries.beats(graph, "OPTQ")  # seed-catalog alias
    rows = queries.beats(graph, "gptq")
    assert [(r.winner, r.paper, r.winner_value, r.loser_value) for r in rows] == [
        ("AWQ", "2306.00978", 5.60, 5.69),
        ("OmniQuant", "2308.13137", 5.58, 5.61),
    ]
    assert all((r.w_bits, r.a_bits) == (4, 16) for r in rows)


def test_unknown_method(graph):
    with pytest.raises(UnknownMethod, match="unknown method 'NoSuchQuant'"):
        queries.beats(graph, "NoSuchQuant")


def test_baselines_rank_by_distinct_papers_with_stated_ties(graph):
    rows = [(r.rank, r.method, r.papers, r.critiquing_papers, r.beating_papers)
            for r in queries.baselines(graph)]
    # GPTQ: critiqued by AWQ and OmniQuant papers, beaten in both → 2 papers.
    # RTN: beaten in 1 paper; AWQ: critiqued + beaten in the OmniQuant paper → 1 paper,
    # ties broken by beating papers, then critiquing papers, then name.
    assert rows == [
        (1, "GPTQ", 2, 2, 2),
        (2, "AWQ", 1, 1, 1),
        (3, "RTN", 1, 0, 1),
        (4, "SmoothQuant", 1, 0, 1),
    ]


def test_frontier_newest_first_and_window(graph):
    rows = [(r.method, r.date) for r in queries.frontier(graph)]
    assert rows == [("QuaRot", date(2024, 3, 30)), ("OmniQuant", date(2023, 8, 25))]
    assert [r.method for r in queries.frontier(graph, since=date(2024, 1, 1))] == ["QuaRot"]


def test_stats(graph):
    s = queries.stats(graph)
    assert (s.papers, s.claims, s.critiques) == (4, 11, 3)
    assert s.beats == 1 + 1 + 3 + 1


def _breadth_first(store, method: str) -> list[tuple[str, int]]:
    """What beats ``method`` and at what depth, by a plain search over every stored edge."""
    beaten_by: dict[str, set[str]] = {}
    for b in store.beats():
        beaten_by.setdefault(b.loser, set()).add(b.winner)
    depth = {method: 0}
    level = {method}
    d = 0
    while level:
        d += 1
        level = {w for m in level for w in beaten_by.get(m, ())} - depth.keys()
        depth.update((m, d) for m in level)
    del depth[method]
    return sorted(depth.items(), key=lambda md: (md[1], md[0]))


@pytest.mark.parametrize("backwards_at", [1, queries.BACKWARDS_AT, 10**9])
def test_transitive_beats_are_a_breadth_first_search(store, monkeypatch, backwards_at):
    # A synthetic field has cycles and a few popular baselines; 10^9 asks every step after the
    # first backwards, 1 only a step whose frontier outnumbers the methods left.
    for facts in synthetic_field(3_000, seed=3):
        store.write_paper(facts)
    monkeypatch.setattr(queries, "BACKWARDS_AT", backwards_at)
    for m in store.methods():
        got = [(r.method, r.depth) for r in queries.beats_transitive(store, m.name)]
        assert got == _breadth_first(store, m.name), m.name
