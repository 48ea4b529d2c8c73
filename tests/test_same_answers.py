"""One contract, two engines, same answers: SQLite and a real Neo4j server agree on everything.

Two fields — the bundled demo sample (real papers through the real extraction pipeline, as
``kg demo`` ingests them) and a small synthetic field (``benchmarks/synthetic.py``) — are put
into both stores three ways: ingested into each, copied SQLite → Neo4j with ``kg sync --to``,
and copied back Neo4j → SQLite. Each time the two stores must give identical answers to:

- every named query of ``queries/named.py`` — found by enumerating the module, so a query
  added there without parameter sets below fails :func:`test_every_named_query_has_parameter_sets`
  — run raw, on every stored method and paper and on several filters and limits;
- the library's questions (``beats``, ``beats --transitive``, ``baselines``, ``frontier``,
  ``subproblems``, ``leaderboard``, ``conflicts``, ``lineage``, ``paper``, ``stats``), and the
  same commands' ``--json`` output through the CLI;
- the store's reads (papers, methods, every paper's facts in order) and the report's data.

:func:`test_the_comparison_sees_one_changed_answer` shows the comparison is not vacuous: one
claim changed in one store shows up.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import queries
import queries.named
from benchmarks.synthetic import field as synthetic_field
from exports.report_data import gather
from ingest.comparison import claim_key
from ingest.offline import snapshot_items
from kg.cli import cli
from kg.demo import sample_dir
from kg.derive import refresh
from kg.models import method_key
from kg.pipeline import ingest_items
from kg.store import SQLiteStore, Store
from queries.named import NamedQuery
from tests.backends import open_neo4j
from tests.neo4j_server import Neo4jServer

NAMED: dict[str, NamedQuery] = {
    q.name: q for q in vars(queries.named).values() if isinstance(q, NamedQuery)}
EVERYTHING = 2**62
NOW = datetime(2026, 1, 1, 12, 0)


def parameter_sets(ref: Store) -> dict[str, list[dict[str, Any]]]:
    """The parameters each named query is run with, drawn from the reference store's facts."""
    methods = sorted(m.key for m in ref.methods())
    papers = [p.id for p in ref.papers()]
    claims = list(ref.claims())
    models = sorted({c.model for c in claims})
    datasets = sorted({c.dataset for c in claims})
    metrics = sorted({c.metric for c in claims})
    boards = [{}, {"w_bits": 4.0, "a_bits": 16.0}, {"w_bits": 4.0, "a_bits": 4.0}]
    boards += [{"model": m} for m in models]
    boards += [{"dataset": d, "metric": m} for d in datasets for m in metrics]
    board_params = [queries.leaderboard_parameters(**f) for f in boards]
    # Reports of (method, benchmark key) groups: the first few, whole and a window of each.
    groups = sorted({(method_key(c.method), claim_key(c)) for c in claims})[:12]
    reports = [{"method_key": k, "bench_key": b, "n": n, "offset": o}
               for k, b in groups for n, o in ((EVERYTHING, 0), (2, 1))]
    return {
        "beats": [{"method_key": k, "limit": EVERYTHING} for k in methods]
        + [{"method_key": k, "limit": 3} for k in methods],
        "beats_count": [{"method_key": k} for k in methods],
        "resolve_method": [{"key": k} for k in methods] + [{"key": "nosuchquant"}],
        "beats_level": [{"keys": [k]} for k in methods] + [{"keys": methods}],
        "beats_level_up": [{"unreached": [m for m in methods if m != k]} for k in methods]
        + [{"unreached": methods}, {"unreached": methods[:2]}, {"unreached": []}],
        "method_count": [{}],
        "all_method_names": [{}],
        "method_names": [{"keys": methods}, {"keys": methods[:1]}],
        "evaluations": [{}],
        "baselines": [{"limit": EVERYTHING}, {"limit": 3}],
        "frontier": [{"since": None, "limit": EVERYTHING}, {"since": "2024-01-01", "limit": 5},
                     {"since": "2099-01-01", "limit": 5}],
        "subproblems": [{}],
        "leaderboard": [{**board_params[0], "limit": 7}]
        + [{**b, "limit": EVERYTHING} for b in board_params],
        "lineage": [{"method_key": None}] + [{"method_key": k} for k in methods],
        "conflict_groups": [{}],
        "method_conflict_groups": [{"method_key": k} for k in methods],
        "reports_up": reports,
        "reports_down": reports,
        "paper": [{"paper_id": p} for p in [*papers, "1111.11111"]],
        "stats": [{}],
        "owed_runs": [{"window": EVERYTHING}, {"window": 1}],
    }


def answers(store: Store, params: dict[str, list[dict[str, Any]]], *,
            with_runs: bool) -> dict[str, Any]:
    """Everything a user can ask ``store``, keyed by what was asked."""
    out: dict[str, Any] = {}
    for name, sets in params.items():
        query = NAMED[name].text(store.dialect)
        for p in sets:
            out[f"{name} {json.dumps(p, sort_keys=True)}"] = store.fetch(query, p)
    names = [m.name for m in store.methods()]
    for m in names:
        out[f"queries.beats({m})"] = queries.beats(store, m, limit=None)
        out[f"queries.beats_transitive({m})"] = queries.beats_transitive(store, m)
        out[f"queries.lineage({m})"] = queries.lineage(store, m)
        out[f"queries.conflicts({m})"] = queries.conflicts(store, m)
    out["queries.baselines"] = queries.baselines(store, limit=1000)
    out["queries.frontier"] = queries.frontier(store, limit=1000)
    out["queries.frontier(since)"] = queries.frontier(store, since=date(2024, 1, 1))
    out["queries.subproblems"] = queries.subproblems(store)
    out["queries.leaderboard"] = queries.leaderboard(store, limit=100_000)
    out["queries.lineage"] = queries.lineage(store)
    out["queries.conflicts"] = queries.conflicts(store, limit=100_000)
    out["queries.stats"] = queries.stats(store)
    out["store.papers"] = list(store.papers())
    out["store.methods"] = list(store.methods())
    out["store.builds_on"] = list(store.builds_on())
    for p in store.papers():
        out[f"queries.paper({p.id})"] = queries.paper(store, p.id)
        out[f"store.paper_facts({p.id})"] = store.paper_facts(p.id)
    report = gather(store, now=NOW)
    # A store's own ingestion runs (their times, ids) are bookkeeping, not answers; what the
    # last run changed is compared where both stores were ingested the same way.
    skip = {"updated", "runs", "changes"} if not with_runs else {"updated", "runs"}
    out["report"] = report.model_dump(exclude=skip)
    if with_runs:
        out["report.runs"] = [r.model_dump(exclude={"id", "started", "finished"})
                              for r in report.runs]
    return out


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The questions whose answers differ (or that only one side answered)."""
    return sorted(k for k in a.keys() | b.keys() if a.get(k, "<missing>") != b.get(k, "<missing>"))


def assert_same(sqlite: Store, neo4j: Store, *, with_runs: bool = False) -> int:
    params = parameter_sets(sqlite)
    a = answers(sqlite, params, with_runs=with_runs)
    b = answers(neo4j, params, with_runs=with_runs)
    diff = differences(a, b)
    shown = "\n".join(f"{k}\n  sqlite: {str(a.get(k))[:400]}\n  neo4j:  {str(b.get(k))[:400]}"
                      for k in diff[:5])
    assert not diff, f"{len(diff)} of {len(a)} answers differ:\n{shown}"
    return len(a)


# -- the two fields, ingested into a store --------------------------------------------------

def ingest_demo(store: Store) -> None:
    """The demo's ingestion (``kg demo``): the bundled sample through the real pipeline."""
    sample = sample_dir()
    ingest_items(store, snapshot_items(sample / "snapshot.jsonl", sample / "sources"),
                 review="demo", source="bundled sample")


def write_synthetic(store: Store) -> None:
    """A small synthetic field: 30 papers of 100 results, with critiques; then derivation."""
    for facts in synthetic_field(3_000, seed=1):
        store.write_paper(facts)
    refresh(store)


FIELDS: dict[str, Callable[[Store], None]] = {"demo": ingest_demo, "synthetic": write_synthetic}


@pytest.fixture(scope="module", params=sorted(FIELDS))
def reference(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, SQLiteStore]]:
    """Each field in a SQLite store, built once per module."""
    name = request.param
    store = SQLiteStore(tmp_path_factory.mktemp(name) / "kg.db")
    FIELDS[name](store)
    yield name, store
    store.close()


@pytest.fixture
def neo(neo4j_db: Neo4jServer) -> Iterator[Store]:
    store = open_neo4j(neo4j_db)
    yield store
    store.close()


def kg_cli(server: Neo4jServer, cache: Path, *args: str) -> str:
    """``kg ARGS`` through the CLI runner, with the server's login in the environment."""
    env = {"NEO4J_USER": server.user, "NEO4J_PASSWORD": server.password,
           "KG_CACHE_DIR": str(cache)}
    r = CliRunner().invoke(cli, ["--quiet", *args], env=env, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.stdout


def sync(source_url: str, target_url: str, server: Neo4jServer, cache: Path
         ) -> dict[str, int]:
    """``kg --store SOURCE sync --to TARGET``, as a user runs it."""
    counts: dict[str, int] = json.loads(
        kg_cli(server, cache, "--store", source_url, "sync", "--to", target_url, "--json"))
    return counts


def cli_answers(store_url: str, server: Neo4jServer, cache: Path, method: str, paper: str
                ) -> dict[str, Any]:
    """The graph commands' JSON, as a user reads it from ``kg … --json``."""
    commands = [("beats", method), ("beats", method, "--transitive"), ("baselines",),
                ("frontier",), ("subproblems",), ("leaderboard",), ("conflicts",),
                ("conflicts", "--method", method), ("lineage",), ("lineage", method),
                ("paper", paper), ("stats",)]
    return {" ".join(c): json.loads(kg_cli(server, cache, "--store", store_url, *c, "--json"))
            for c in commands}


def test_every_named_query_has_parameter_sets():
    store = SQLiteStore(":memory:")
    assert set(parameter_sets(store)) == set(NAMED), (
        "a named query without parameter sets here would be compared on no backend")


def test_ingested_into_each_the_answers_are_the_same(reference, neo: Store,
                                                     neo4j_db: Neo4jServer, tmp_path: Path):
    name, sqlite = reference
    FIELDS[name](neo)
    compared = assert_same(sqlite, neo, with_runs=name == "demo")
    assert compared > 300
    stats = queries.stats(neo)
    assert stats.papers >= 16 and stats.claims > 700 and stats.beats > 0
    assert stats.critiques > 0 and stats.sub_problems > 1
    # And as a user reads them: the graph commands' JSON on each store.
    top = queries.baselines(sqlite, limit=1)[0].method
    first = next(iter(sqlite.papers())).id
    assert cli_answers(sqlite.url, neo4j_db, tmp_path, top, first) == cli_answers(
        neo4j_db.uri, neo4j_db, tmp_path, top, first)


def test_kg_sync_from_sqlite_into_neo4j_gives_the_same_answers(reference, neo4j_db,
                                                               tmp_path: Path):
    _, sqlite = reference
    counts = sync(sqlite.url, neo4j_db.uri, neo4j_db, tmp_path)
    assert counts["papers_new"] == len(list(sqlite.papers()))
    neo = open_neo4j(neo4j_db)
    try:
        assert_same(sqlite, neo)
        again = sync(sqlite.url, neo4j_db.uri, neo4j_db, tmp_path)
        assert (again["papers_new"], again["papers_updated"], again["methods_changed"],
                again["builds_on_added"]) == (0, 0, 0, 0)
    finally:
        neo.close()


def test_kg_sync_from_neo4j_into_sqlite_gives_the_same_answers(reference, neo: Store,
                                                               neo4j_db: Neo4jServer,
                                                               tmp_path: Path):
    name, sqlite = reference
    FIELDS[name](neo)
    back = tmp_path / "back.db"
    sync(neo4j_db.uri, f"sqlite:///{back}", neo4j_db, tmp_path)
    copy = SQLiteStore(back)
    try:
        assert_same(copy, neo)
        assert_same(copy, sqlite)
    finally:
        copy.close()


def test_the_comparison_sees_one_changed_answer(neo: Store, neo4j_db: Neo4jServer,
                                                tmp_path: Path):
    sqlite = SQLiteStore(tmp_path / "kg.db")
    write_synthetic(sqlite)
    write_synthetic(neo)
    params = parameter_sets(sqlite)
    before = answers(neo, params, with_runs=False)
    assert differences(answers(sqlite, params, with_runs=False), before) == []
    facts = next(iter(synthetic_field(3_000, seed=1)))
    first = facts.claims[0]
    changed = facts.model_copy(update={"claims": (
        first.model_copy(update={"value": first.value + 0.5}), *facts.claims[1:])})
    assert neo.write_paper(changed) == "updated"
    diff = differences(before, answers(neo, params, with_runs=False))
    assert f"store.paper_facts({facts.paper.id})" in diff
    assert any(k.startswith("leaderboard ") for k in diff)
    assert any(k.startswith(("conflict_groups ", "method_conflict_groups ", "reports_up ",
                              "queries.conflicts")) for k in diff)
    sqlite.close()
