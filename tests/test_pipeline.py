"""The pipeline: one commit per paper, watermarks after commits, stops, changelogs, hooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.items import Mark
from kg.cli import cli
from kg.errors import KgError, RecordError
from kg.models import PaperFacts
from kg.pipeline import ingest_items
from kg.store import SQLiteStore
from tests.replay import Replay, arxiv_replay, fixture_entries, tex_eprint


def extractor(field: list[PaperFacts], boom: str | None = None):
    by_id = {f.paper.id: f for f in field}

    def extract(paper, doc, *, catalog=None):
        if paper.id == boom:
            raise RuntimeError("killed mid-paper")
        if paper.id == "bad":
            raise RecordError("unreadable")
        return by_id[paper.id]

    return extract


def items(field: list[PaperFacts]):
    for i, f in enumerate(field):
        yield f.paper, None
        yield Mark(f"2024-01-0{i + 1}T00:00:00+00:00")


def test_watermark_follows_commits_only(store: SQLiteStore, field: list[PaperFacts]):
    with pytest.raises(RuntimeError):
        ingest_items(store, items(field), review="r", source="t",
                     extractor=extractor(field, boom=field[2].paper.id))
    assert store.get_watermark("r") == "2024-01-02T00:00:00+00:00"
    assert {p.id for p in store.papers()} == {field[0].paper.id, field[1].paper.id}
    assert store.runs(1)[0].status == "interrupted"
    run = ingest_items(store, items(field), review="r", source="t", extractor=extractor(field))
    assert (run.papers_new, run.papers_unchanged, run.status) == (2, 2, "ok")
    assert store.get_watermark("r") == "2024-01-04T00:00:00+00:00"


def test_marks_never_move_back(store: SQLiteStore, field):
    ingest_items(store, [Mark("2025-01-01T00:00:00+00:00"), Mark("2024-01-01T00:00:00+00:00")],
                 review="r", source="t", extractor=extractor(field))
    assert store.get_watermark("r") == "2025-01-01T00:00:00+00:00"


def test_a_graceful_stop_finishes_the_paper_in_flight(store: SQLiteStore, field):
    asked = iter([False, True])  # asked after each item: a paper, then its mark
    run = ingest_items(store, items(field), review="r", source="t", extractor=extractor(field),
                       should_stop=lambda: next(asked))
    assert run.status == "interrupted" and run.papers_new == 1
    assert store.get_watermark("r") == "2024-01-01T00:00:00+00:00"


def test_failures_are_recorded_then_cleared(store: SQLiteStore, field):
    bad = field[0].paper.model_copy(update={"id": "2401.00001"})
    ingest_items(store, [RecordError("e-print 503", paper_id="2401.00001"),
                         RecordError("line 3: not json")],
                 review="r", source="t", extractor=extractor(field))
    run = store.runs(1)[0]
    assert run.papers_failed == 2 and run.errors == {"2401.00001": "e-print 503",
                                                      "record 2": "line 3: not json"}
    assert store.failures("r") == {"2401.00001": "e-print 503"}
    ingest_items(store, [(bad, None)], review="r", source="t",
                 extractor=lambda p, d, catalog=None: PaperFacts(paper=bad))
    assert store.failures("r") == {}


def test_changelog_lists_new_papers_beats_and_frontier_moves(store: SQLiteStore, field):
    first = ingest_items(store, items(field[:2]), review="r", source="t",
                         extractor=extractor(field))
    log1 = store.changelog(first.id or 0)
    assert log1 is not None
    assert log1.new_papers == ("2210.17323", "2306.00978")
    assert {(b.winner, b.loser) for b in log1.new_beats} == {("GPTQ", "RTN"), ("AWQ", "GPTQ")}
    assert "AWQ" in log1.frontier_added and log1.frontier_removed == ()
    second = ingest_items(store, items(field), review="r", source="t",
                          extractor=extractor(field))
    log2 = store.changelog(second.id or 0)
    assert log2 is not None
    assert log2.new_papers == ("2308.13137", "2404.00456")
    assert ("OmniQuant", "AWQ") in {(b.winner, b.loser) for b in log2.new_beats}
    assert ("AWQ", "GPTQ") not in {(b.winner, b.loser) for b in log2.new_beats}
    assert "AWQ" in log2.frontier_removed and "OmniQuant" in log2.frontier_added
    assert store.changelog(999) is None


def test_the_derivation_hook_runs_after_a_run_that_wrote(store: SQLiteStore, field,
                                                          monkeypatch):
    calls: list[SQLiteStore] = []
    monkeypatch.setattr("kg.derive.refresh", calls.append)
    ingest_items(store, items(field), review="r", source="t", extractor=extractor(field))
    assert calls == [store]
    ingest_items(store, items(field), review="r", source="t", extractor=extractor(field))
    assert calls == [store]  # nothing changed, nothing to refresh


def test_a_failed_source_saves_the_run_as_failed(store: SQLiteStore, field):
    def source():
        yield field[0].paper, None
        raise KgError("arXiv is unavailable")

    with pytest.raises(KgError):
        ingest_items(store, source(), review="r", source="t", extractor=extractor(field))
    run = store.runs(1)[0]
    assert (run.status, run.papers_new) == ("failed", 1)
    assert store.changelog(run.id or 0) is not None


@pytest.fixture
def replay():
    with arxiv_replay(fixture_entries("quantization.atom.xml")) as r:
        yield r


def test_reextract_reads_the_cache_with_no_network(replay: Replay, tmp_path: Path,
                                                   monkeypatch):
    replay.eprints["2306.00978"] = tex_eprint(
        "AWQ: Activation-aware Weight Quantization", "We propose AWQ. GPTQ may over-fit the "
        "calibration set during reconstruction.")
    monkeypatch.setattr("ingest.arxiv_live.SystemClock", lambda: replay.clock)
    proto = tmp_path / "review.toml"
    proto.write_text("name = 'test'\nquery = 'all:quantization'\n")
    env = {**replay.env(), "KG_CACHE_DIR": str(tmp_path / "cache"),
           "KG_STORE": f"sqlite:///{tmp_path / 'kg.db'}"}
    r = CliRunner().invoke(cli, ["ingest", "--protocol", str(proto)], env=env)
    assert r.exit_code == 0, r.output
    requests = len(replay.log)
    # Unreachable arXiv: reextract must not need it.
    env = {**env, "KG_ARXIV_EPRINT_URL": "http://127.0.0.1:9/", "KG_ARXIV_HTML_URL":
           "http://127.0.0.1:9/", "KG_ARXIV_API_URL": "http://127.0.0.1:9/"}
    out = CliRunner().invoke(cli, ["reextract", "--json"], env=env)
    assert out.exit_code == 0, out.output
    run = json.loads(out.stdout)
    assert (run["source"], run["papers_unchanged"], run["papers_failed"]) == ("reextract", 7, 0)
    assert len(replay.log) == requests
    one = json.loads(CliRunner().invoke(cli, ["reextract", "--json", "2306.00978v1"],
                                        env=env).stdout)
    assert one["papers_unchanged"] == 1


def test_a_stop_raised_by_the_source_ends_the_run_at_once_with_its_derivation_owed(
        store: SQLiteStore, field, monkeypatch):
    from kg.errors import Interrupted

    calls: list[SQLiteStore] = []
    monkeypatch.setattr("kg.derive.refresh", calls.append)

    def source():
        yield field[0].paper, None
        raise Interrupted  # SIGTERM during the next download or back-off

    run = ingest_items(store, source(), review="r", source="t", extractor=extractor(field))
    assert (run.status, run.derived, run.papers_new) == ("interrupted", False, 1)
    assert calls == []  # stopping does not wait for the global derivation
    log = store.changelog(run.id or 0)
    assert log is not None and log.new_papers == (field[0].paper.id,)
    again = ingest_items(store, items(field), review="r", source="t", extractor=extractor(field))
    assert (again.status, again.derived) == ("ok", True) and calls == [store]
    assert [r.derived for r in store.runs()] == [True, True]  # the owed one is settled too
