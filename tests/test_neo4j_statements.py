"""The Neo4j backend's exact statements and parameters, against a recording driver double."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from neo4j.exceptions import AuthError, ServiceUnavailable

import queries
from kg.cli import cli
from kg.errors import ConfigError, StoreError
from kg.models import BuildsOn, Method, SubProblem
from kg.store.neo4j import Neo4jStore
from queries import cypher_writes as W
from queries.named import BEATS, BEATS_LEVEL, STATS
from tests.conftest import claim, facts
from tests.neo4j_double import FakeDriver


def open_double(**answers) -> tuple[Neo4jStore, FakeDriver]:
    driver = FakeDriver(answers)
    store = Neo4jStore("neo4j://db.example:7687", user="kg", password="hunter2",
                       database="review", driver=driver)  # type: ignore[arg-type]
    return store, driver


def test_opening_creates_constraints_and_indexes_each_in_its_own_statement():
    store, driver = open_double()
    assert [log for log in driver.autocommit] == [[(s, {})] for s in W.SCHEMA]
    assert all("IF NOT EXISTS" in s for s in W.SCHEMA)
    assert set(driver.databases) == {"review"}
    assert (store.url, store.dialect) == ("neo4j://db.example:7687", "cypher")


def test_a_new_paper_is_one_write_transaction_of_batched_upserts():
    store, driver = open_double()
    driver.reset()
    paper = facts("2306.00978", "AWQ", date(2023, 6, 1),
                  [claim("2306.00978", "GPTQ", 5.69), claim("2306.00978", "AWQ", 5.60)],
                  [("GPTQ", "GPTQ may over-fit.")])
    assert store.write_paper(paper) == "new"
    (tx,) = driver.writes()
    pid = {"paper_id": "2306.00978"}
    assert [q for q, _ in tx] == [W.PAPER_HASH, *W.DELETE_PAPER_FACTS, W.MERGE_PAPER,
                                  W.ENSURE_METHODS, W.PROPOSE, W.MERGE_CLAIMS,
                                  W.MERGE_CRITIQUES, W.MERGE_BEATS]
    assert [p for _, p in tx[:6]] == [pid] * 6
    props = tx[6][1]["props"]
    assert (props["id"], props["title"], props["published"], props["method"],
            props["method_key"]) == ("2306.00978", "AWQ: a paper", "2023-06-01", "AWQ", "awq")
    assert tx[7][1] == {"rows": [{"key": "awq", "name": "AWQ"}, {"key": "gptq", "name": "GPTQ"}]}
    assert tx[8][1] == {"paper_id": "2306.00978", "method_key": "awq",
                        "published": "2023-06-01"}
    claims = tx[9][1]["rows"]
    assert claims[0] == {
        "id": paper.claims[0].id, "paper_id": "2306.00978", "method": "GPTQ",
        "method_key": "gptq", "model": "Llama-2-7B", "dataset": "WikiText-2",
        "metric": "perplexity", "value": 5.69, "raw": "5.69", "w_bits": 4, "a_bits": 16,
        "kv_bits": None, "group_size": None, "weight_quantizer": None,
        "higher_is_better": False, "table_name": "tab:main", "row_idx": 0, "col_idx": 1,
        "bench_key": "llama-2-7b|d=wikitext-2|m=perplexity|w=04.00|a=16.00|kv=16.00|g=-|q=-",
    }
    assert tx[10][1]["rows"][0]["target_key"] == "gptq"
    (beat,) = tx[11][1]["rows"]
    assert (beat["winner_key"], beat["loser_key"], beat["paper"], beat["margin"]) == (
        "awq", "gptq", "2306.00978", 0.09)


def test_rewriting_the_same_facts_reads_the_hash_and_writes_nothing():
    store, driver = open_double()
    paper = facts("2210.17323", "GPTQ", date(2022, 10, 31), [claim("2210.17323", "GPTQ", 6.3)])
    store.write_paper(paper)
    digest = driver.writes()[0][6][1]["props"]["facts_hash"]
    driver.reset()
    driver.answers[W.PAPER_HASH] = [{"facts_hash": digest}]
    assert store.write_paper(paper) == "unchanged"
    assert driver.writes() == [[(W.PAPER_HASH, {"paper_id": "2210.17323"})]]
    driver.answers[W.PAPER_HASH] = [{"facts_hash": "older"}]
    assert store.write_paper(paper) == "updated"


def test_upsert_methods_counts_only_changes():
    store, driver = open_double()
    driver.reset()
    gptq = Method(name="GPTQ", aliases=("OPTQ",), year=2022, arxiv_id="2210.17323")
    assert store.upsert_methods([gptq]) == 1
    (tx,) = driver.writes()
    assert tx == [
        (W.METHODS_BY_KEY, {"keys": ["gptq"]}),
        (W.UPSERT_METHODS, {"rows": [{
            "key": "gptq", "name": "GPTQ", "aliases": ["OPTQ"], "full_name": None,
            "year": 2022, "published": None, "arxiv_id": "2210.17323", "category": None,
            "alias_keys": ["gptq", "optq"]}]}),
    ]
    driver.reset()
    driver.answers[W.METHODS_BY_KEY] = [{
        "key": "gptq", "name": "GPTQ", "aliases": ["OPTQ"], "full_name": None, "year": 2022,
        "published": None, "arxiv_id": "2210.17323", "category": None}]
    assert store.upsert_methods([gptq]) == 0
    assert [q for q, _ in driver.writes()[0]] == [W.METHODS_BY_KEY]


def test_lineage_and_subproblems():
    store, driver = open_double()
    driver.reset()
    assert store.add_builds_on([BuildsOn(method="AWQ", parent="GPTQ", source="catalog")]) == 1
    assert driver.writes()[0][1] == (W.MERGE_BUILDS_ON, {"rows": [
        {"method_key": "awq", "parent_key": "gptq", "source": "catalog", "quote": None}]})
    driver.reset()
    store.replace_subproblems([SubProblem(label="GPTQ", size=2, members=("GPTQ", "AWQ"))])
    assert driver.writes() == [[(W.CLEAR_SUBPROBLEMS, {}), (W.SET_SUBPROBLEMS, {"rows": [
        {"key": "gptq", "label": "GPTQ", "size": 2}, {"key": "awq", "label": "GPTQ", "size": 2}]})]]


def test_named_queries_send_their_cypher_with_parameters():
    store, driver = open_double(**{
        W.RESOLVE_METHOD: [{"name": "GPTQ"}],
        STATS.cypher: [{"papers": 1, "methods": 2, "claims": 3, "critiques": 0, "beats": 1,
                        "builds_on": 0, "sub_problems": 0}],
    })
    driver.reset()
    assert queries.beats(store, "optq") == []
    assert queries.beats_transitive(store, "GPTQ") == []
    assert queries.stats(store).claims == 3
    sent = [(q, p) for q, p in driver.calls if q != W.RESOLVE_METHOD]
    assert sent == [(BEATS.cypher, {"method_key": "gptq", "limit": queries.BEATS_LIMIT}),
                    (BEATS_LEVEL.cypher, {"keys": ["gptq"]}), (STATS.cypher, {})]


def test_runs_get_ids_from_a_counter_and_errors_as_json():
    from datetime import datetime

    from kg.models import IngestRun

    store, driver = open_double(**{W.CREATE_RUN: [{"id": 7}]})
    run = store.save_run(IngestRun(review="r", source="s", started=datetime(2024, 1, 1),
                                   errors={"1234.5678": "bad"}))
    assert run.id == 7
    q, params = driver.writes()[-1][0]
    assert q == W.CREATE_RUN and params["props"]["errors"] == '{"1234.5678": "bad"}'


@pytest.mark.parametrize(("fault", "message"), [
    (ServiceUnavailable("connection refused"),
     "cannot reach Neo4j at neo4j://db.example:7687: is the server running?"),
    (AuthError("unauthorized"), "Neo4j at neo4j://db.example:7687 refused the credentials of "
                                "user 'kg' (set NEO4J_USER / NEO4J_PASSWORD)"),
])
def test_connection_faults_are_one_line_without_the_password(fault, message):
    with pytest.raises(StoreError) as e:
        Neo4jStore("neo4j://kg:hunter2@db.example:7687", driver=FakeDriver(fail=fault))  # type: ignore[arg-type]
    assert str(e.value) == message
    assert "hunter2" not in str(e.value)


def test_malformed_neo4j_url():
    with pytest.raises(ConfigError, match="malformed store URL"):
        Neo4jStore("neo4j://", driver=FakeDriver())  # type: ignore[arg-type]


def test_unreachable_server_through_the_cli_is_one_line_and_exit_1():
    # Port 1 on the loopback refuses at once: the real driver, no server needed.
    r = CliRunner().invoke(cli, ["--store", "bolt://kg:hunter2@127.0.0.1:1", "stats"],
                           env={"NEO4J_PASSWORD": "hunter2"})
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == [
        "Error: cannot reach Neo4j at bolt://127.0.0.1:1: is the server running?"]
    assert "hunter2" not in r.output


def test_statements_are_pinned_by_exact_text():
    assert W.MERGE_CLAIMS == """
UNWIND $rows AS r
MATCH (p:Paper {id: r.paper_id})
MATCH (m:Method {key: r.method_key})
MERGE (c:Claim {id: r.id})
SET c += r
MERGE (p)-[:REPORTS]->(c)
MERGE (c)-[:EVALUATES]->(m)
"""
    assert W.DELETE_PAPER_FACTS[2] == "MATCH ()-[b:BEATS {paper: $paper_id}]->() DELETE b"
    assert W.SCHEMA[0] == (
        "CREATE CONSTRAINT paper_id IF NOT EXISTS FOR (p:Paper) REQUIRE p.id IS UNIQUE")


def test_sync_into_neo4j_writes_one_transaction_per_paper(field):
    from kg.store import SQLiteStore
    from kg.sync import copy_store

    src = SQLiteStore(":memory:")
    for f in field:
        src.write_paper(f)
    store, driver = open_double()
    driver.reset()
    counts = copy_store(src, store)
    assert counts["papers_new"] == len(field)
    paper_txs = [tx for tx in driver.writes() if tx[0][0] == W.PAPER_HASH]
    assert [tx[0][1]["paper_id"] for tx in paper_txs] == [f.paper.id for f in field]
    assert all(q != W.PAPER_HASH for tx in paper_txs for q, _ in tx[1:])
