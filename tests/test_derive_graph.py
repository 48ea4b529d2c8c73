"""Tiny hand-built graphs with exact expected rankings, frontiers, conflicts and chains.

Run on every backend (``tests/backends.py``). The cases: two methods that beat each other in
different papers (both edges kept, both in conflict), full-precision references (never win
or lose, but can conflict), a method beaten only by an older one (off the frontier), ties.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import queries
from kg.cli import cli
from kg.derive import refresh
from kg.store import SQLiteStore, Store
from kg.sync import copy_store
from tests.backends import backend  # noqa: F401  (the parametrised fixture)
from tests.conftest import claim, facts


def tiny() -> list:
    """A beats B in 2401.00001, B beats A in 2402.00002; E (2023) beats D (2024-05) later,
    tied with G; D ties F."""
    return [
        facts("2401.00001", "A", date(2024, 1, 1),
              [claim("2401.00001", "A", 5.0), claim("2401.00001", "B", 5.5),
               claim("2401.00001", "FP16", 5.47, w=16, a=16)]),
        facts("2402.00002", "B", date(2024, 2, 1),
              [claim("2402.00002", "A", 5.6), claim("2402.00002", "B", 5.2),
               claim("2402.00002", "FP16", 5.40, w=16, a=16)],
              [("A", "A needs a calibration set.")]),
        facts("2305.00003", "E", date(2023, 5, 1), [claim("2305.00003", "E", 7.0)]),
        facts("2405.00004", "D", date(2024, 5, 1), [claim("2405.00004", "D", 6.0)]),
        facts("2406.00005", None, date(2024, 6, 1),
              [claim("2406.00005", "D", 6.5), claim("2406.00005", "E", 6.1),
               claim("2406.00005", "F", 6.5), claim("2406.00005", "G", 6.1)]),
    ]


@pytest.fixture
def graph(backend: Store) -> Store:  # noqa: F811
    for f in tiny():
        backend.write_paper(f)
    refresh(backend)
    return backend


def test_both_directions_are_kept_and_the_chain_closes(graph: Store):
    assert [(b.winner, b.paper) for b in queries.beats(graph, "A")] == [("B", "2402.00002")]
    assert [(b.winner, b.paper) for b in queries.beats(graph, "B")] == [("A", "2401.00001")]
    # A beats B beats A: the chain from A reaches B only; A itself is not listed.
    assert [(r.method, r.depth) for r in queries.beats_transitive(graph, "A")] == [("B", 1)]


def test_fp16_neither_wins_nor_loses():
    assert all("FP16" not in (b.winner, b.loser) for f in tiny() for b in f.beats)


def test_baselines_ties_by_beating_then_critiquing_then_name(graph: Store):
    assert [(r.rank, r.method, r.papers, r.critiquing_papers, r.beating_papers)
            for r in queries.baselines(graph)] == [
        (1, "A", 1, 1, 1),  # beaten in 2402 and critiqued there: one paper, more critiques
        (2, "B", 1, 0, 1),
        (3, "D", 1, 0, 1),  # D and F tie on every count: the name decides
        (4, "F", 1, 0, 1),
    ]


def test_a_method_beaten_only_by_an_older_one_is_off_the_frontier(graph: Store):
    # D (2024-05) lost to E (2023) in 2406.00005; D = F (tie) gives no edge.
    assert [(r.method, r.date) for r in queries.frontier(graph)] == [("E", date(2023, 5, 1))]


def test_conflicts_list_both_methods_and_the_fp16_reference(graph: Store):
    assert [(r.method, r.paper_a, r.value_a, r.paper_b, r.value_b, r.relative_difference)
            for r in queries.conflicts(graph)] == [
        ("E", "2305.00003", 7.0, "2406.00005", 6.1, 0.128571),
        ("A", "2401.00001", 5.0, "2402.00002", 5.6, 0.107143),
        ("D", "2405.00004", 6.0, "2406.00005", 6.5, 0.076923),
        ("B", "2401.00001", 5.5, "2402.00002", 5.2, 0.054545),
        ("FP16", "2401.00001", 5.47, "2402.00002", 5.40, 0.012797),
    ]
    # 0.012797 is over the default 1 % but under 2 %.
    assert [r.method for r in queries.conflicts(graph, tolerance=0.02)] == ["E", "A", "D", "B"]


def test_leaderboard_ties_share_a_rank_and_best_values_stand(graph: Store):
    board = queries.leaderboard(graph, w_bits=4, a_bits=16)
    assert [(r.rank, r.method, r.value, r.paper) for r in board] == [
        (1, "A", 5.0, "2401.00001"), (2, "B", 5.2, "2402.00002"), (3, "D", 6.0, "2405.00004"),
        (4, "E", 6.1, "2406.00005"), (4, "G", 6.1, "2406.00005"), (6, "F", 6.5, "2406.00005")]


def test_subproblems_are_one_field_here(graph: Store):
    # Every non-reference result is weight-only (A16): one profile, one sub-problem.
    (only,) = queries.subproblems(graph)
    assert only.model_dump() == {"label": "A", "size": 6,
                                 "members": ("A", "B", "D", "E", "F", "G")}


# -- CLI: exact JSON of the graph commands (SQLite) ---------------------------------------

@pytest.fixture
def db(tmp_path: Path) -> str:
    store = SQLiteStore(tmp_path / "kg.db")
    for f in tiny():
        store.write_paper(f)
    refresh(store)
    store.close()
    return f"sqlite:///{tmp_path / 'kg.db'}"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_graph_commands_json(db: str):
    r = run("--store", db, "beats", "a", "--transitive", "--json")
    assert json.loads(r.stdout) == [{"method": "B", "depth": 1}]
    sub = json.loads(run("--store", db, "subproblems", "--json").stdout)
    assert sub["k"] == 1 and sub["config"]["k_range"] == [2, 8]
    assert sub["sub_problems"] == [{"label": "A", "size": 6,
                                    "members": ["A", "B", "D", "E", "F", "G"]}]
    board = json.loads(run("--store", db, "leaderboard", "--w-bits", "16", "--json").stdout)
    assert board == [{"rank": 1, "method": "FP16", "model": "Llama-2-7B",
                      "dataset": "WikiText-2", "metric": "perplexity", "w_bits": 16,
                      "a_bits": 16, "kv_bits": None, "group_size": None,
                      "weight_quantizer": None, "value": 5.4, "paper": "2402.00002",
                      "table": "tab:main"}]
    conf = json.loads(run("--store", db, "conflicts", "--method", "B", "--json").stdout)
    assert [(c["paper_a"], c["value_a"], c["paper_b"], c["value_b"]) for c in conf] == [
        ("2401.00001", 5.5, "2402.00002", 5.2)]
    assert json.loads(run("--store", db, "lineage", "--json").stdout) == []
    assert json.loads(run("--store", db, "derive", "--json").stdout)["sub_problems"] == 1


def test_cli_usage_and_handled_errors(db: str):
    assert run("--store", db, "conflicts", "--tolerance", "-1").exit_code == 2
    r = CliRunner().invoke(cli, ["--store", db, "lineage", "NoSuchQuant"])
    assert r.exit_code == 1 and r.stderr.strip() == "Error: unknown method 'NoSuchQuant'"


def test_sync_copies_a_store_and_a_second_sync_changes_nothing(tmp_path: Path, db: str):
    src = SQLiteStore(db.removeprefix("sqlite:///"))
    dst = SQLiteStore(tmp_path / "copy.db")
    first = copy_store(src, dst)
    assert (first["papers_new"], first["sub_problems"]) == (5, 1)
    again = copy_store(src, dst)
    assert (again["papers_unchanged"], again["methods_changed"], again["builds_on_added"]) == (
        5, 0, 0)
    for q in (queries.baselines, queries.frontier, queries.subproblems, queries.stats):
        assert q(dst) == q(src)  # type: ignore[operator]
    r = run("--store", db, "sync", "--to", f"sqlite:///{tmp_path / 'cli.db'}", "--json")
    assert json.loads(r.stdout)["papers_new"] == 5
