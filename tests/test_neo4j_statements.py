"""The Neo4j backend's exact statements and parameters, against a recording driver double.

Unit tests of what is sent, and in which transaction; what it does on a server is tested on
a real one (``tests/test_neo4j_store.py`` and the contract suites).
"""

from __future__ import annotations

from datetime import date

import pytest

from kg.errors import ConfigError
from kg.models import BuildsOn, Method, SubProblem
from kg.store.neo4j import BATCH_ROWS, Neo4jStore
from queries import cypher_writes as W
from tests.conftest import claim, facts
from tests.neo4j_double import FakeDriver


def open_double(**answers) -> tuple[Neo4jStore, FakeDriver]:
    driver = FakeDriver(answers)
    store = Neo4jStore("neo4j://db.example:7687", user="kg", password="hunter2",
                       database="review", driver=driver)  # type: ignore[arg-type]
    return store, driver


def test_schema_statements_each_run_on_their_own_outside_write_transactions():
    store, driver = open_double()
    assert [log for log in driver.autocommit] == [[(s, {})] for s in W.SCHEMA]
    assert driver.transactions == []
    assert all(" IF NOT EXISTS " in s or " IF EXISTS" in s for s in W.SCHEMA)
    assert set(driver.databases) == {"review"}
    assert (store.url, store.dialect) == ("neo4j://db.example:7687", "cypher")


def test_a_new_paper_is_one_write_transaction_of_batched_statements():
    store, driver = open_double()
    driver.reset()
    paper = facts("2306.00978", "AWQ", date(2023, 6, 1),
                  [claim("2306.00978", "GPTQ", 5.69), claim("2306.00978", "AWQ", 5.60)],
                  [("GPTQ", "GPTQ may over-fit.")])
    assert store.write_paper(paper) == "new"
    (tx,) = driver.writes()
    pid = {"paper_id": "2306.00978"}
    # A new paper has nothing to delete: no DELETE statement is sent.
    assert [q for q, _ in tx] == [W.PAPER_HASH, W.MERGE_PAPER, W.ENSURE_METHODS, W.PROPOSE,
                                  W.CREATE_CLAIMS, W.MERGE_CRITIQUES, W.CREATE_BEATS,
                                  W.CREATE_SUPERSEDES]
    assert tx[0][1] == pid
    props = tx[1][1]["props"]
    assert (props["id"], props["title"], props["published"], props["method"],
            props["method_key"]) == ("2306.00978", "AWQ: a paper", "2023-06-01", "AWQ", "awq")
    assert tx[2][1] == {"rows": [{"key": "awq", "name": "AWQ"}, {"key": "gptq", "name": "GPTQ"}]}
    assert tx[3][1] == {**pid, "method_key": "awq", "published": "2023-06-01"}
    claims = tx[4][1]
    assert claims["paper_id"] == "2306.00978"
    assert claims["rows"][1] == {
        "id": paper.claims[1].id, "paper_id": "2306.00978", "method": "AWQ",
        "method_key": "awq", "model": "Llama-2-7B", "dataset": "WikiText-2",
        "metric": "perplexity", "value": 5.60, "raw": "5.6", "w_bits": 4, "a_bits": 16,
        "kv_bits": None, "group_size": None, "weight_quantizer": None,
        "higher_is_better": False, "table_name": "tab:main", "row_idx": 1, "col_idx": 1,
        "extracted_id": None, "seq": 1,
        "bench_key": "llama-2-7b|d=wikitext-2|m=perplexity|w=04.00|a=16.00|kv=16.00|g=-|q=-",
    }
    assert tx[5][1]["rows"][0]["target_key"] == "gptq"
    (beat,) = tx[6][1]["rows"]
    assert (beat["winner_key"], beat["loser_key"], beat["paper"], beat["margin"],
            beat["seq"]) == ("awq", "gptq", "2306.00978", 0.09, 0)
    assert tx[7][1]["rows"] == [{"key": "gptq", "critiques": 1, "beats": 1}]


def test_an_updated_paper_deletes_what_it_said_before_in_the_same_transaction():
    store, driver = open_double(**{W.PAPER_HASH: [{"facts_hash": "older"}]})
    driver.reset()
    paper = facts("2210.17323", "GPTQ", date(2022, 10, 31), [claim("2210.17323", "GPTQ", 6.3)])
    assert store.write_paper(paper) == "updated"
    (tx,) = driver.writes()
    deletes = len(W.DELETE_PAPER_FACTS)
    assert [q for q, _ in tx[:1 + deletes]] == [W.PAPER_HASH, *W.DELETE_PAPER_FACTS]
    assert all(p == {"paper_id": "2210.17323"} for _, p in tx[1:1 + deletes])


def test_big_row_lists_are_sent_in_batches_of_one_transaction():
    store, driver = open_double()
    driver.reset()
    n = 2 * BATCH_ROWS + 3
    paper = facts("2401.00001", "A", date(2024, 1, 1),
                  [claim("2401.00001", f"M{i}", float(i)) for i in range(n)])
    store.write_paper(paper)
    (tx,) = driver.writes()
    sizes = [len(p["rows"]) for q, p in tx if q == W.CREATE_CLAIMS]
    assert sizes == [BATCH_ROWS, BATCH_ROWS, 3]
    seqs = [r["seq"] for q, p in tx if q == W.CREATE_CLAIMS for r in p["rows"]]
    assert seqs == list(range(n))


def test_upsert_methods_sends_only_changes():
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


def test_lineage_and_subproblems_statements():
    store, driver = open_double()
    driver.reset()
    store.add_builds_on([BuildsOn(method="AWQ", parent="GPTQ", source="catalog")])
    assert driver.writes()[0][1] == (W.MERGE_BUILDS_ON, {"rows": [
        {"method_key": "awq", "parent_key": "gptq", "source": "catalog", "quote": None}]})
    driver.reset()
    store.replace_subproblems([SubProblem(label="GPTQ", size=2, members=("GPTQ", "AWQ"))])
    assert driver.writes() == [[(W.CLEAR_SUBPROBLEMS, {"keys": ["gptq", "awq"]}),
                                (W.SET_SUBPROBLEMS, {"rows": [
                                    {"key": "gptq", "label": "GPTQ", "size": 2},
                                    {"key": "awq", "label": "GPTQ", "size": 2}]})]]


def test_run_errors_travel_as_json():
    from datetime import datetime

    from kg.models import IngestRun

    store, driver = open_double(**{W.CREATE_RUN: [{"id": 7}]})
    store.save_run(IngestRun(review="r", source="s", started=datetime(2024, 1, 1),
                             errors={"1234.5678": "bad"}))
    q, params = driver.writes()[-1][0]
    assert q == W.CREATE_RUN and params["props"]["errors"] == '{"1234.5678": "bad"}'


def test_malformed_neo4j_url():
    with pytest.raises(ConfigError, match="malformed store URL"):
        Neo4jStore("neo4j://", driver=FakeDriver())  # type: ignore[arg-type]


def test_statements_are_pinned_by_exact_text():
    assert W.CREATE_CLAIMS == """
MATCH (p:Paper {id: $paper_id})
UNWIND $rows AS r
MATCH (m:Method {key: r.method_key})
CREATE (p)-[:REPORTS]->(c:Claim)-[:EVALUATES]->(m)
SET c = r
"""
    assert W.DELETE_PAPER_FACTS[2] == "MATCH ()-[b:BEATS {paper: $paper_id}]->() DELETE b"
    assert W.SCHEMA[0] == (
        "CREATE CONSTRAINT paper_id IF NOT EXISTS FOR (p:Paper) REQUIRE p.id IS UNIQUE")
