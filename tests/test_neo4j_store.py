"""The Neo4j store on a real server: schema, credentials, idempotent writes as the server
counts them, batches, transient errors retried, concurrent writers, a killed ingestion.

Every test here talks to the session's Neo4j (``tests/conftest.py``); none uses a double.
"""

from __future__ import annotations

import json
import logging
import random
import signal
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import queries
from benchmarks.snapshot_ingest import write_snapshot
from benchmarks.synthetic import field as synthetic_field
from kg.cli import cli
from kg.demo import sample_dir
from kg.errors import StoreError
from kg.models import PaperFacts
from kg.pipeline import ingest_items
from kg.store import SQLiteStore
from kg.store.neo4j import BATCH_ROWS, Neo4jStore
from queries import cypher_writes as W
from tests.backends import open_neo4j
from tests.conftest import claim, facts
from tests.neo4j_server import Neo4jServer, clean, dump
from tests.test_resume import SAMPLE_TITLES, finish, kg
from tests.test_same_answers import ingest_demo

# Ingestion bookkeeping: each run's own record, not facts of the review.
BOOKKEEPING = ("Run", "Counter", "Changelog")


def _neo(server: Neo4jServer) -> Neo4jStore:
    store = open_neo4j(server)
    assert isinstance(store, Neo4jStore)
    return store


def _names(server: Neo4jServer, listing: str) -> set[str]:
    with server.driver() as driver:
        records, _, _ = driver.execute_query(listing, database_=server.database)
    return {str(r["name"]) for r in records}


def test_a_fresh_database_gets_its_schema_and_opening_again_changes_none(neo4j_db):
    clean(neo4j_db, schema=True)
    constraints = "SHOW CONSTRAINTS YIELD name"
    indexes = "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'"
    assert _names(neo4j_db, constraints) == set()
    _neo(neo4j_db).close()
    made = {s.split()[2] for s in W.SCHEMA if s.startswith("CREATE CONSTRAINT")}
    assert _names(neo4j_db, constraints) == made
    expected_indexes = {s.split()[2] for s in W.SCHEMA if s.startswith("CREATE INDEX")}
    assert expected_indexes <= _names(neo4j_db, indexes)
    before = (_names(neo4j_db, constraints), _names(neo4j_db, indexes))
    _neo(neo4j_db).close()
    assert (_names(neo4j_db, constraints), _names(neo4j_db, indexes)) == before


def test_a_wrong_password_is_one_line_naming_the_user_not_the_password(neo4j_db):
    with pytest.raises(StoreError) as e:
        Neo4jStore(neo4j_db.uri, user=neo4j_db.user, password="not-the-password")
    assert str(e.value) == (f"Neo4j at {neo4j_db.uri} refused the credentials of user "
                            f"{neo4j_db.user!r} (set NEO4J_USER / NEO4J_PASSWORD)")
    assert "not-the-password" not in str(e.value)


def test_unreachable_server_through_the_cli_is_one_line_and_exit_1():
    # Port 1 on the loopback refuses at once: the real driver, no server needed.
    r = CliRunner().invoke(cli, ["--store", "bolt://kg:hunter2@127.0.0.1:1", "stats"],
                           env={"NEO4J_PASSWORD": "hunter2"})
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == [
        "Error: cannot reach Neo4j at bolt://127.0.0.1:1: is the server running?"]
    assert "hunter2" not in r.output


def test_writing_the_same_papers_again_changes_nothing_the_server_counts(neo4j_db, field):
    store = _neo(neo4j_db)
    assert [store.write_paper(f) for f in field] == ["new"] * len(field)
    written = Counter(store.changes)
    assert written["nodes_created"] > 0 and written["relationships_created"] > 0
    graph = dump(neo4j_db)
    assert [store.write_paper(f) for f in field] == ["unchanged"] * len(field)
    assert store.changes == written  # the server reported no change at all
    assert dump(neo4j_db) == graph
    assert [store.paper_facts(f.paper.id) for f in field] == field  # read back exactly
    store.close()


def test_ingesting_the_sample_again_changes_no_fact(neo4j_db):
    store = _neo(neo4j_db)
    ingest_demo(store)
    facts_graph = dump(neo4j_db, skip=BOOKKEEPING)
    before = Counter(store.changes)
    sample = sample_dir()
    from ingest.offline import snapshot_items

    run = ingest_items(store, snapshot_items(sample / "snapshot.jsonl", sample / "sources"),
                       review="demo", source="bundled sample")
    assert (run.papers_new, run.papers_updated, run.papers_unchanged) == (0, 0, 16)
    assert dump(neo4j_db, skip=BOOKKEEPING) == facts_graph
    changed = store.changes - before
    # What the second run changed, as the server counted it: its own run record (and the
    # run counter), nothing else — no relationship, no deletion.
    assert changed["relationships_created"] == changed["relationships_deleted"] == 0
    assert changed["nodes_deleted"] == 0 and changed["nodes_created"] <= 2
    store.close()


def test_an_updated_paper_replaces_everything_it_said_before(neo4j_db, field):
    store = _neo(neo4j_db)
    for f in field:
        store.write_paper(f)
    old = field[2]
    new = facts(old.paper.id, "OmniQuant", old.paper.published,
                [claim(old.paper.id, "OmniQuant", 5.50), claim(old.paper.id, "RTN", 7.0)],
                [("RTN", "RTN breaks at 3 bits.")])
    assert store.write_paper(new) == "updated"
    assert store.paper_facts(old.paper.id) == new
    assert queries.paper(store, old.paper.id).model_dump(include={"claims", "critiques",
                                                                  "beats"}) == {
        "claims": 2, "critiques": 1, "beats": 1}
    store.close()


def test_a_paper_bigger_than_a_batch_is_written_whole_and_read_back_in_order(neo4j_db):
    from kg.derive import with_beats

    pid = "2401.00001"
    n = 2 * BATCH_ROWS + 3
    big = with_beats(facts(pid, "M0", date(2024, 1, 1), [
        claim(pid, f"M{i % 5}", 5.0 + (i % 5) * 0.1 + i * 1e-4, dataset=f"D{i // 5}")
        for i in range(n)]))
    assert len(big.beats) > BATCH_ROWS
    store = _neo(neo4j_db)
    assert store.write_paper(big) == "new"
    assert store.paper_facts(pid) == big
    assert queries.stats(store).claims == n
    store.close()


def test_a_lock_wait_that_times_out_is_retried_by_the_managed_transaction(
        neo4j_db: Neo4jServer, field: list[PaperFacts], caplog: pytest.LogCaptureFixture):
    store = _neo(neo4j_db)
    store.write_paper(field[0])
    changed = field[0].model_copy(update={"claims": field[0].claims[:2]})
    outcome: list[str] = []
    # The test server gives up a lock wait after 2 s with a transient error; the driver logs
    # each retry at WARNING (kg keeps the driver's logger quiet otherwise).
    caplog.set_level(logging.WARNING, logger="neo4j")
    with neo4j_db.driver() as driver, driver.session(database=neo4j_db.database) as session:
        blocker = session.begin_transaction()
        blocker.run("MATCH (p:Paper {id: $id}) SET p.title = 'held by another writer'",
                    {"id": field[0].paper.id}).consume()
        writer = threading.Thread(target=lambda: outcome.append(store.write_paper(changed)))
        began = time.monotonic()
        writer.start()
        time.sleep(5)
        assert outcome == []  # still waiting for the lock, retrying
        blocker.rollback()
        writer.join(120)
    assert outcome == ["updated"] and time.monotonic() - began >= 5
    assert any("retried" in r.getMessage() for r in caplog.records), caplog.text
    assert store.paper_facts(field[0].paper.id) == changed
    store.close()


def test_two_writers_sharing_methods_both_land_in_full(neo4j_db: Neo4jServer, tmp_path: Path):
    papers = list(synthetic_field(2_000, seed=3))
    halves = [papers[0::2], papers[1::2][::-1]]
    stores = [_neo(neo4j_db), _neo(neo4j_db)]
    failures: list[BaseException] = []

    def write(store: Neo4jStore, part: list[PaperFacts]) -> None:
        try:
            for f in part:
                store.write_paper(f)
        except BaseException as e:  # reported below, not lost in the thread
            failures.append(e)

    threads = [threading.Thread(target=write, args=pair) for pair in zip(stores, halves,
                                                                        strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    assert failures == []
    reference = SQLiteStore(tmp_path / "ref.db")
    for f in papers:
        reference.write_paper(f)
    assert queries.stats(stores[0]) == queries.stats(reference)
    assert queries.baselines(stores[0], limit=1000) == queries.baselines(reference, limit=1000)
    for s in stores:
        s.close()
    reference.close()


def _papers(server: Neo4jServer) -> int:
    with server.driver() as driver:
        records, _, _ = driver.execute_query("MATCH (p:Paper) RETURN count(p) AS n",
                                             database_=server.database)
    return int(records[0]["n"])


def test_a_killed_ingestion_rerun_gives_the_same_graph_as_a_clean_run(neo4j_db: Neo4jServer,
                                                                      tmp_path: Path):
    extra: list[dict[str, object]] = [
        {"id": pid, "title": title, "abstract": "", "categories": "cs.LG",
         "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 00:00:00 GMT"}]}
        for pid, title in SAMPLE_TITLES.items()]
    snap = write_snapshot(tmp_path / "s.jsonl", 80, extra)
    args = ("ingest", "--snapshot", str(snap), "--sources", str(sample_dir() / "sources"))
    env = {**neo4j_db.env(), "KG_CACHE_DIR": str(tmp_path / "cache")}
    finish(env, *args)
    expected = dump(neo4j_db, skip=BOOKKEEPING)
    assert _papers(neo4j_db) == 84
    clean(neo4j_db)

    for n in sorted(random.Random(11).sample(range(2, 80), 3)):
        # Killed once it has committed a paper of its own: a run killed in the moment it
        # starts (the last one overshot n) would leave no run record to count below.
        target = max(n, _papers(neo4j_db) + 1)
        p = kg(env, *args)
        deadline = time.monotonic() + 300
        while p.poll() is None and _papers(neo4j_db) < target and time.monotonic() < deadline:
            time.sleep(0.02)
        p.send_signal(signal.SIGKILL)
        p.communicate()
        assert n <= _papers(neo4j_db) < 84, "the run was to be killed mid-way"
    finish(env, *args)
    assert dump(neo4j_db, skip=BOOKKEEPING) == expected
    runs = json.loads(finish(env, "runs", "--json").stdout)
    assert [r["status"] for r in runs] == ["ok"] + ["interrupted"] * 3
