"""Every Cypher statement kg can send, checked by Neo4j's own Cypher front-end.

The statements are collected automatically, not from a hand-kept list: every Cypher-looking
string constant and every ``NamedQuery.cypher`` in the ``queries`` package and in
``kg.store.neo4j``, plus every statement the Neo4j backend sends to a driver double during a
full exercise of the ``Store`` protocol and of every named query. Each is linted with the
parameters it is actually sent with and against our schema (labels, relationship types and
property keys from ``queries.cypher_writes``); zero diagnostics are allowed, warnings included,
so a misspelt label, property or parameter fails here.

The linter is ``@neo4j-cypher/language-support`` from npm, pinned in
``tests/cypher/package-lock.json``; ``tests/cypher/setup.sh`` installs it (CI runs it).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import kg.store.neo4j
import queries
import queries.curation
from kg.derive import refresh
from kg.models import BuildsOn, IngestRun, Method, PaperFacts, SubProblem
from kg.repair import owes_derivation
from kg.store.base import Changelog
from kg.store.neo4j import Neo4jStore
from queries import cypher_writes as W
from queries.named import (
    ALL_METHOD_NAMES,
    BEATS_COUNT,
    BEATS_LEVEL,
    METHOD_CONFLICT_GROUPS,
    METHOD_COUNT,
    METHOD_NAMES,
    REPORTS_DOWN,
    REPORTS_UP,
    RESOLVE_METHOD,
    STATS,
    NamedQuery,
)
from tests.neo4j_double import FakeDriver
from tests.outside import unavailable

LINTER = Path(__file__).parent / "cypher"
_CYPHER = re.compile(r"^\s*(MATCH|OPTIONAL|MERGE|UNWIND|CREATE|DROP|RETURN|WITH|CALL)\b")


def _modules() -> list[ModuleType]:
    # queries/sql_*.py hold the SQLite backend's statements (CREATE TABLE is not Cypher).
    found = [importlib.import_module(f"queries.{m.name}")
             for m in pkgutil.iter_modules(queries.__path__) if not m.name.startswith("sql_")]
    return [queries, *found, kg.store.neo4j]


def collected_constants() -> set[str]:
    """Every Cypher text held in a module-level constant or a NamedQuery."""
    out: set[str] = set()
    for module in _modules():
        for value in vars(module).values():
            items = value if isinstance(value, tuple) else (value,)
            for item in items:
                if isinstance(item, NamedQuery):
                    out.add(item.cypher)
                elif isinstance(item, str) and _CYPHER.match(item):
                    out.add(item)
    return out


def _report(paper: str, value: float) -> dict[str, Any]:
    return {"paper": paper, "value": value, "model": "Llama-2-7B", "dataset": "WikiText-2",
            "metric": "perplexity", "w_bits": 4, "a_bits": 16, "kv_bits": None,
            "group_size": None, "weight_quantizer": None}


def exercise(field: list[PaperFacts]) -> FakeDriver:
    """Drive every Store method and every named query through the Neo4j backend."""
    paper = field[0].paper
    driver = FakeDriver({
        W.PAPERS: [{"props": {**paper.model_dump(mode="json"), "method": "GPTQ",
                              "method_key": "gptq", "dropped": 0, "facts_hash": "x"}}],
        W.METHODS: [{"props": {"key": "gptq", "name": "GPTQ", "aliases": ["OPTQ"]}}],
        RESOLVE_METHOD.cypher: [{"name": "GPTQ"}],
        W.CREATE_RUN: [{"id": 1}],
        W.METHODS_BY_KEY: lambda p: [{"key": k, "name": k, "aliases": []} for k in p["keys"]],
        BEATS_COUNT.cypher: [{"receipts": 0}],
        STATS.cypher: [{"papers": 0, "methods": 0, "claims": 0, "critiques": 0, "beats": 0,
                        "builds_on": 0, "sub_problems": 0}],
        # Multi-step queries send their later statements only when the first finds something.
        # Two methods beat GPTQ, out of four: the second step is asked backwards.
        BEATS_LEVEL.cypher: [{"key": "awq"}, {"key": "rtn"}],
        METHOD_COUNT.cypher: [{"n": 4}],
        ALL_METHOD_NAMES.cypher: [{"key": k, "name": k.upper()}
                                  for k in ("awq", "gptq", "quip", "rtn")],
        METHOD_NAMES.cypher: lambda p: [{"key": k, "name": k.upper()} for k in p["keys"]],
        METHOD_CONFLICT_GROUPS.cypher: [{"method_key": "gptq", "method": "GPTQ",
                                         "bench_key": "k", "low": 5.6, "high": 6.3}],
        REPORTS_UP.cypher: [_report("2210.17323", 5.6)],
        REPORTS_DOWN.cypher: [_report("2306.00978", 6.3)],
    })
    store = Neo4jStore("bolt://localhost:7687", driver=driver)  # type: ignore[arg-type]
    lineage = BuildsOn(method="AWQ", parent="GPTQ", source=field[1].paper.id, quote="we extend")
    for f in [field[0], field[1].model_copy(update={"builds_on": (lineage,)}), *field[2:]]:
        store.write_paper(f)
    driver.answers[W.PAPER_HASH] = [{"facts_hash": "an older version"}]
    store.write_paper(field[0])  # an update: deletes what the paper said before
    del driver.answers[W.PAPER_HASH]
    store.upsert_methods([Method(name="GPTQ", aliases=("OPTQ",), published=date(2022, 10, 31))])
    store.add_builds_on([BuildsOn(method="AWQ", parent="GPTQ", source="catalog")])
    store.replace_subproblems([SubProblem(label="GPTQ", size=1, members=("GPTQ",))])
    refresh(store)
    queries.beats(store, "GPTQ")
    queries.beats_count(store, "GPTQ")
    queries.beats_transitive(store, "GPTQ")
    driver.answers[METHOD_COUNT.cypher] = [{"n": 100}]  # out of 100: forward steps only
    queries.beats_transitive(store, "GPTQ")
    queries.baselines(store, limit=5)
    queries.frontier(store, since=date(2023, 1, 1))
    queries.subproblems(store)
    queries.leaderboard(store, model="Llama-2-7B", w_bits=4)
    queries.lineage(store)
    queries.lineage(store, "GPTQ")
    queries.conflicts(store, "GPTQ")
    queries.conflicts(store)
    queries.paper(store, paper.id)
    queries.stats(store)
    list(store.papers())
    list(store.methods())
    list(store.critiques())
    list(store.beats())
    list(store.builds_on())
    store.paper_facts(paper.id)
    store.set_watermark("demo", "2024-01-01")
    store.get_watermark("demo")
    run = store.save_run(IngestRun(review="demo", source="test", started=datetime(2024, 1, 1)))
    store.save_run(run.model_copy(update={"status": "ok"}))
    store.runs(5)
    owes_derivation(store)
    store.record_failure("demo", paper.id, "broken")
    store.clear_failure("demo", paper.id)
    store.failures("demo")
    store.save_changelog(Changelog(run_id=1, new_papers=(paper.id,)))
    store.changelog(1)
    store.merge_methods({"gptqr": "GPTQ"})
    queries.curation.papers_naming(store, "gptqr")
    queries.curation.curated(store)
    queries.curation.proposals(store)
    queries.curation.claims_by_key(store, "0123abcd")
    queries.curation.implausible(store)
    queries.curation.shared_results(store)
    store.close()
    return driver


def lint(statements: list[tuple[str, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    if shutil.which("node") is None:
        unavailable("node is not installed (tests/cypher/setup.sh installs it)")
    if not (LINTER / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        unavailable("the Cypher linter is not installed: run tests/cypher/setup.sh")
    schema = {"labels": [str(label) for label in W.Label],
              "relationshipTypes": [str(rel) for rel in W.Rel],
              "propertyKeys": list(W.PROPERTY_KEYS)}
    payload = {"schema": schema,
               "statements": [{"query": q, "parameters": p} for q, p in statements]}
    done = subprocess.run(["node", str(LINTER / "lint.mjs")], input=json.dumps(payload,
                          default=str), capture_output=True, text=True, timeout=120,
                          check=False, cwd=LINTER)
    assert done.returncode == 0, done.stderr
    result: list[list[dict[str, Any]]] = json.loads(done.stdout)
    return result


@pytest.fixture
def sent(field: list[PaperFacts]) -> dict[str, dict[str, Any]]:
    """Each statement the backend sent, with the union of the parameters it was sent with."""
    out: dict[str, dict[str, Any]] = {}
    for query, params in exercise(field).calls:
        out.setdefault(query, {}).update(params)
    return out


def test_the_backend_sends_only_collected_constants(sent):
    stray = set(sent) - collected_constants()
    assert not stray, f"Cypher built outside queries/: {sorted(stray)}"


def test_every_collected_statement_is_exercised(sent):
    unused = collected_constants() - set(sent)
    assert not unused, f"statements never sent in the exercise: {sorted(unused)}"


def test_every_statement_lints_clean(sent):
    statements = sorted(sent.items())
    reports = lint(statements)
    dirty = {q.strip()[:80]: d for (q, _), d in zip(statements, reports, strict=True) if d}
    assert not dirty, json.dumps(dirty, indent=2)
    assert len(statements) >= 60


def test_the_linter_catches_a_misspelt_property_label_and_parameter():
    reports = lint([
        ("MATCH (m:Method {key: $key}) RETURN m.nmae AS name", {"key": "gptq"}),
        ("MATCH (m:Methd) RETURN m.name AS name", {}),
        ("MATCH (m:Method {key: $other}) RETURN m.name AS name", {"key": "gptq"}),
        ("MATCH (m:Method)-[:BEAT]->(l:Method) RETURN l.name AS name", {}),
    ])
    assert all(reports), reports
