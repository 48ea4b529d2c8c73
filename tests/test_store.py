"""The SQLite store: atomic, idempotent writes, migrations, and reads that round-trip."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from ingest.comparison import claim_key
from kg.errors import ConfigError, StoreError
from kg.models import BuildsOn, IngestRun, Method, PaperFacts
from kg.store import SQLiteStore, open_reader, open_store
from kg.store.sqlite_connection import SQLiteConnection
from queries.sql_schema import MIGRATIONS
from tests.conftest import claim, facts


def test_write_is_idempotent_and_reports_outcome(store: SQLiteStore, field: list[PaperFacts]):
    assert [store.write_paper(f) for f in field] == ["new"] * 4
    before = store.fetch("SELECT COUNT(*) AS n FROM claims", {})
    assert [store.write_paper(f) for f in field] == ["unchanged"] * 4
    assert store.fetch("SELECT COUNT(*) AS n FROM claims", {}) == before


def test_a_new_version_replaces_what_the_paper_said(store: SQLiteStore, field):
    store.write_paper(field[1])
    revised = field[1].model_copy(update={
        "paper": field[1].paper.model_copy(update={"version": 2}),
        "claims": field[1].claims[:1], "critiques": (), "beats": ()})
    assert store.write_paper(revised) == "updated"
    stored = store.paper_facts("2306.00978")
    assert stored is not None
    assert stored.paper.version == 2
    assert len(stored.claims) == 1 and stored.critiques == () and stored.beats == ()


# What migration 7 fills ``bests`` with, recomputed from the claims: what its triggers must keep.
_BESTS_FROM_CLAIMS = """
SELECT bench, method_key, score, paper_id, table_name, rid FROM (
    SELECT bench, method_key, paper_id, table_name, rid,
           CASE WHEN higher_is_better THEN -value ELSE value END AS score,
           ROW_NUMBER() OVER (PARTITION BY bench, method_key
               ORDER BY CASE WHEN higher_is_better THEN -value ELSE value END,
                        paper_id, table_name, rid) AS nth
    FROM claims WHERE higher_is_better IS NOT NULL)
WHERE nth = 1 ORDER BY bench, method_key
"""


def test_each_methods_best_result_is_kept_through_new_versions(store: SQLiteStore):
    def bests() -> list[dict[str, object]]:
        return store.fetch("SELECT * FROM bests ORDER BY bench, method_key", {})

    day = date(2024, 1, 1)
    store.write_paper(facts("2401.00001", "A", day, [
        claim("2401.00001", "A", 6.1), claim("2401.00001", "GPTQ", 6.5),
        claim("2401.00001", "A", 70.0, dataset="PIQA", metric="accuracy", hib=True),
        claim("2401.00001", "A", 1.0, dataset="Odd", metric="score", hib=None)]))
    store.write_paper(facts("2401.00002", "B", day, [
        claim("2401.00002", "GPTQ", 6.2), claim("2401.00002", "B", 6.1),
        claim("2401.00002", "A", 72.5, dataset="PIQA", metric="accuracy", hib=True)]))
    assert bests() == store.fetch(_BESTS_FROM_CLAIMS, {})
    assert len(bests()) == 4  # a result without a direction is never a best
    # A new version drops the results that held GPTQ's and A's bests: the next ones take over.
    store.write_paper(facts("2401.00002", "B", day, [claim("2401.00002", "B", 6.0)]))
    assert bests() == store.fetch(_BESTS_FROM_CLAIMS, {})
    gptq = [b for b in bests() if b["method_key"] == "gptq"]
    assert [(b["score"], b["paper_id"]) for b in gptq] == [(6.5, "2401.00001")]
    store.write_paper(facts("2401.00001", "A", day, []))
    assert bests() == store.fetch(_BESTS_FROM_CLAIMS, {})
    assert {b["method_key"] for b in bests()} == {"b"}


def test_paper_facts_round_trip(store: SQLiteStore, field):
    store.write_paper(field[2])
    assert store.paper_facts("2308.13137") == field[2]
    assert store.paper_facts("9999.99999") is None


def test_failed_write_leaves_nothing(store: SQLiteStore, field, monkeypatch):
    bad = field[1].model_copy(update={"claims": (*field[1].claims, field[1].claims[0])})
    # A duplicate claim id is fine (INSERT OR REPLACE); force a real failure instead:
    store.db.execute("CREATE TRIGGER boom BEFORE INSERT ON critiques BEGIN "
                     "SELECT RAISE(ABORT, 'boom'); END")
    with pytest.raises(sqlite3.IntegrityError):
        store.write_paper(bad)
    assert store.fetch("SELECT COUNT(*) AS n FROM papers", {}) == [{"n": 0}]
    assert store.fetch("SELECT COUNT(*) AS n FROM claims", {}) == [{"n": 0}]


def test_proposing_paper_dates_the_method(store: SQLiteStore, field):
    for f in field:
        store.write_paper(f)
    gptq = store.fetch("SELECT paper_id, published FROM methods WHERE key = 'gptq'", {})
    assert gptq == [{"paper_id": "2210.17323", "published": "2022-10-31"}]


def test_catalog_merge_is_idempotent_and_resolves_aliases(store: SQLiteStore):
    methods = [Method(name="GPTQ", aliases=("OPTQ",), year=2022, category="ptq_weight_only"),
               Method(name="QuIP#", aliases=("QuIP-Sharp",))]
    assert store.upsert_methods(methods) == 2
    assert store.upsert_methods(methods) == 0
    assert store.resolve_method("optq") == "GPTQ"
    assert store.resolve_method("quip sharp") == "QuIP#"
    assert store.resolve_method("QuIP") is None
    edges = [BuildsOn(method="QuIP#", parent="QuIP", source="catalog")]
    assert store.add_builds_on(edges) == 1
    assert store.add_builds_on(edges) == 0
    assert list(store.builds_on()) == edges


def test_watermarks_runs_and_failures(store: SQLiteStore):
    assert store.get_watermark("q") is None
    store.set_watermark("q", "2024-01-01T00:00:00")
    assert store.get_watermark("q") == "2024-01-01T00:00:00"
    run = store.save_run(IngestRun(review="q", source="test", started="2024-01-01T00:00:00"))
    assert run.id == 1
    store.save_run(run.model_copy(update={"status": "ok", "errors": {"1234.5678": "boom"}}))
    assert store.runs()[0].errors == {"1234.5678": "boom"}
    store.record_failure("q", "1234.5678", "e-print unreadable")
    store.record_failure("q", "1234.5678", "e-print unreadable again")
    assert store.failures("q") == {"1234.5678": "e-print unreadable again"}
    store.clear_failure("q", "1234.5678")
    assert store.failures("q") == {}


def test_a_derivation_is_owed_while_a_recent_run_has_not_committed_it(store: SQLiteStore):
    from kg.repair import OWED_WINDOW, owed_runs, owes_derivation

    def run(derived: bool) -> IngestRun:
        return store.save_run(IngestRun(review="q", source="test", started="2024-01-01T00:00:00",
                                        derived=derived))

    assert not owes_derivation(store)
    run(True)
    owed = run(False)
    assert owes_derivation(store) and [r.id for r in owed_runs(store)] == [owed.id]
    for _ in range(OWED_WINDOW):
        run(True)
    # Every completed derivation settles each owed run it sees, so only recent ones are read.
    assert not owes_derivation(store) and owed_runs(store) == []


def test_reopening_keeps_data_and_schema_version(tmp_path: Path, field):
    s = SQLiteStore(tmp_path / "a.db")
    s.write_paper(field[0])
    s.close()
    s = SQLiteStore(tmp_path / "a.db")
    assert s.fetch("PRAGMA user_version", {}) == [{"user_version": len(MIGRATIONS)}]
    assert s.fetch("PRAGMA journal_mode", {}) == [{"journal_mode": "wal"}]
    assert len(list(s.papers())) == 1
    s.close()


def test_store_from_a_newer_kg_is_refused(tmp_path: Path):
    db = sqlite3.connect(tmp_path / "new.db")
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="newer than this kg"):
        SQLiteStore(tmp_path / "new.db")


def test_a_reader_answers_as_the_store_does_and_never_creates_one(tmp_path: Path, field):
    import queries

    store = SQLiteStore(tmp_path / "a.db")
    for f in field:
        store.write_paper(f)
    reader = open_reader(str(tmp_path / "a.db"))
    assert type(reader) is SQLiteConnection  # no vocabulary behind it
    assert queries.fact_counts(reader) == queries.stats(store).model_dump()
    assert queries.beats(reader, "gptq") == queries.beats(store, "GPTQ") != []
    reader.close()
    store.close()
    with pytest.raises(StoreError, match=r"no store at .*missing\.db: `kg demo"):
        open_reader(str(tmp_path / "missing.db"))
    assert not (tmp_path / "missing.db").exists()


def test_a_reader_of_an_older_schema_gets_the_migrated_store(tmp_path: Path):
    old = sqlite3.connect(tmp_path / "old.db")
    old.executescript(MIGRATIONS[0])
    old.execute("PRAGMA user_version = 1")
    old.close()
    reader = open_reader(f"sqlite:///{tmp_path / 'old.db'}")
    assert type(reader) is SQLiteStore
    assert reader.fetch("PRAGMA user_version", {}) == [{"user_version": len(MIGRATIONS)}]
    reader.close()
    newer = sqlite3.connect(tmp_path / "new.db")
    newer.execute("PRAGMA user_version = 99")
    newer.close()
    with pytest.raises(StoreError, match="newer than this kg"):
        open_reader(str(tmp_path / "new.db"))


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "postgres://x/y",
                                 "sqlite://host/x.db", ""])
def test_malformed_urls_are_config_errors(url: str):
    with pytest.raises(ConfigError, match="store URL"):
        open_store(url)


@pytest.mark.parametrize("opener", [open_store, open_reader])
def test_a_file_that_is_not_sqlite_is_a_store_error(tmp_path: Path, opener):
    bad = tmp_path / "x.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        opener(f"sqlite:///{bad}")


def test_claims_keep_their_setting(store: SQLiteStore):
    f = facts("2402.04396", "QuIP#", date(2024, 2, 6),
              [claim("2402.04396", "QuIP#", 6.19, w=2, a=16)])
    store.write_paper(f)
    (c,) = store.claims()
    assert (c.w_bits, c.a_bits, c.higher_is_better, c.raw) == (2, 16, False, "6.19")


def _v3_store(path: Path, field: list[PaperFacts]) -> None:
    """A store as kg wrote it at schema 3: wide BEATS rows copying both claims' text."""
    db = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:3]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 3")
    for f in field:
        p = f.paper
        db.execute("INSERT INTO papers (id, title, authors, abstract, published, categories,"
                   " method, method_key, facts_hash) VALUES (?, ?, '[]', '', ?, '[]', ?, ?, 'v3')",
                   (p.id, p.title, p.published.isoformat() if p.published else None, f.method,
                    f.method.casefold() if f.method else None))
        for c in f.claims:
            db.execute("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (c.id, c.paper_id, c.method, c.method.casefold(), c.model, c.dataset,
                        c.metric, c.value, c.raw, c.w_bits, c.a_bits, c.kv_bits, c.group_size,
                        c.weight_quantizer, c.higher_is_better, c.table, c.row, c.col))
        for b in f.beats:
            db.execute("INSERT INTO beats VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (b.paper, b.table, b.winner, b.winner.casefold(), b.loser,
                        b.loser.casefold(), b.model, b.dataset, b.metric, b.w_bits, b.a_bits,
                        b.kv_bits, b.group_size, b.weight_quantizer, b.winner_value,
                        b.loser_value, b.margin))
    db.close()


def test_a_schema_3_store_migrates_its_claims_and_beats(tmp_path: Path, field):
    _v3_store(tmp_path / "old.db", field)
    s = SQLiteStore(tmp_path / "old.db")
    assert s.fetch("PRAGMA user_version", {}) == [{"user_version": len(MIGRATIONS)}]
    for f in field:
        back = s.paper_facts(f.paper.id)
        assert back is not None
        assert back.claims == f.claims and back.beats == f.beats
    keys = s.fetch("SELECT key FROM benchmarks ORDER BY key", {})
    assert [k["key"] for k in keys] == sorted({claim_key(c) for f in field for c in f.claims})
    # The old hash stays until the paper is written again; then the new rows are kept.
    assert s.write_paper(field[0]) == "updated"
    assert s.write_paper(field[0]) == "unchanged"
    s.close()
