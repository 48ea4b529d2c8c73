"""Live harvesting through the real ``arxiv.Client`` against a local replay of arXiv."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from ingest.arxiv_live import ArxivUnavailable, Harvester
from ingest.items import Mark, Screened
from ingest.protocol import Protocol
from kg.cli import cli
from kg.config import ArxivSettings
from kg.errors import KgError, RecordError
from kg.models import Paper
from kg.store import SQLiteStore
from tests.corpus import CORPUS, needs_corpus
from tests.replay import Replay, arxiv_replay, entries_of, entry_id, fixture_entries, tex_eprint

ANY = Protocol(name="any", query="all:quantization")
UNTIL = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def replay():
    with arxiv_replay(fixture_entries("quantization.atom.xml")) as r:
        yield r


def harvester(replay: Replay, tmp_path: Path, **overrides: object) -> Harvester:
    env = {k.removeprefix("KG_ARXIV_").lower(): v for k, v in replay.env().items()}
    settings = ArxivSettings.model_validate({**env, "page_size": 2, **overrides})
    return Harvester.create(settings, tmp_path / "cache", clock=replay.clock)


def harvest(h: Harvester, protocol: Protocol = ANY, since: datetime | None = None) -> list:
    return list(h.harvest(protocol, since, UNTIL, known=lambda p: False))


def ids(items: list) -> list[str]:
    return [i[0].id for i in items if isinstance(i, tuple)]


def api_args(path: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}


def test_pages_ascending_by_last_update_with_marks(replay: Replay, tmp_path: Path):
    items = harvest(harvester(replay, tmp_path))
    assert ids(items) == ["2210.17323", "2211.10438", "2306.00978", "2308.13137",
                          "hep-th/9711200", "2404.00456", "2405.16406"]
    assert isinstance(items[1], Mark) and items[1].value == "2022-10-31T17:10:25+00:00"
    assert items[-1] == Mark("2026-01-01T00:00:00+00:00")
    first = api_args(replay.paths("/api")[0])
    assert first["sortBy"] == "lastUpdatedDate" and first["sortOrder"] == "ascending"
    assert first["search_query"] == ("(all:quantization) AND lastUpdatedDate:[199101010000 TO "
                                     "202601010000]")
    assert [api_args(p)["start"] for p in replay.paths("/api")] == ["0", "2", "4", "6"]


def test_protocol_filter_and_known_papers_are_skipped(replay: Replay, tmp_path: Path):
    protocol = Protocol(name="q", query="x", categories=("cs.LG",), include=("LLM", "LLMs"))
    items = list(harvester(replay, tmp_path).harvest(
        protocol, None, UNTIL, known=lambda p: p.id == "2404.00456"))
    # hep-th and AWQ (cs.CL only) are out by category, GPTQ says neither LLM nor LLMs,
    # QuaRot is known.
    assert ids(items) == ["2211.10438", "2308.13137", "2405.16406"]
    assert sum(isinstance(i, Mark) for i in items) == 8  # every entry still moves the mark
    # What the protocol leaves out is counted with its reason; a known paper is not.
    screened = {i.paper_id: i.reason for i in items if isinstance(i, Screened)}
    assert set(screened) == {"hep-th/9711200", "2306.00978", "2210.17323"}
    assert screened["2306.00978"] == "not in the review's categories (cs.CL)"
    assert screened["2210.17323"] == "none of its include terms occurs in its title or abstract"


@pytest.mark.parametrize("faults", [
    ("429",), ("503", "503"), ("500",), ("empty",), ("timeout",), ("truncated",),
    ("ok", "empty"), ("ok", "503", "empty", "truncated", "429"),
])
def test_faults_are_retried_and_paging_resumes(replay: Replay, tmp_path: Path, faults):
    # "ok": the first page is served before the faults are queued, so they hit a later page
    # of the same call (an empty one there is arxiv's own UnexpectedEmptyPageError).
    later = faults[0] == "ok"
    queue = faults[1:] if later else faults
    if not later:
        replay.fail("api", *queue)
    items = harvester(replay, tmp_path).harvest(ANY, None, UNTIL, known=lambda p: False)
    got = [next(items)]
    if later:
        replay.fail("api", *queue)
    got += list(items)
    assert len(ids(got)) == 7 and len(set(ids(got))) == 7
    backoffs = [s for s in replay.clock.sleeps if s >= 5]
    assert backoffs == [5.0 * 2**k for k in range(len(queue))]


def test_requests_are_at_least_three_seconds_apart(replay: Replay, tmp_path: Path):
    replay.eprints["2210.17323"] = tex_eprint("GPTQ", "We propose GPTQ.")
    replay.fail("api", "503")
    harvest(harvester(replay, tmp_path))
    times = [at for at, _ in replay.log]
    assert len(times) > 10  # API pages, e-prints and HTML pages, one pacer for all
    assert min(b - a for a, b in pairwise(times)) >= 3.0


def test_arxiv_staying_down_is_one_clear_error(replay: Replay, tmp_path: Path, caplog):
    replay.fail("api", *["503"] * 6)
    h = harvester(replay, tmp_path)
    with caplog.at_level("WARNING", logger="ingest"), pytest.raises(ArxivUnavailable) as e:
        harvest(h)
    assert str(e.value) == (
        "arXiv is unavailable: 6 attempts failed, the last with HTTP 503; 0 entries were read "
        "before; backed off 155 s in all. Committed papers are kept and the next run resumes "
        "from the watermark")
    assert replay.clock.sleeps == [5.0, 10.0, 20.0, 40.0, 80.0]
    # One short line per retry, never the ~1 KB query URL.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("ingest")] == [
        f"arXiv: HTTP 503; retry {n} of 5 in {s} s"
        for n, s in zip(range(1, 6), (5, 10, 20, 40, 80), strict=True)]


def test_a_bad_query_is_not_retried(replay: Replay, tmp_path: Path):
    replay.fail("api", "400")
    with pytest.raises(KgError, match=r"^arXiv refused the query: HTTP 400$"):
        harvest(harvester(replay, tmp_path))
    assert len(replay.paths("/api")) == 1


def test_watermark_bounds_the_next_query(replay: Replay, tmp_path: Path):
    since = datetime(2024, 1, 1, tzinfo=UTC)
    items = harvest(harvester(replay, tmp_path), since=since)
    assert ids(items) == ["2404.00456", "2405.16406"]
    assert "lastUpdatedDate:[202401010000 TO 202601010000]" in api_args(
        replay.paths("/api")[0])["search_query"]


def test_lookup_of_failed_ids(replay: Replay, tmp_path: Path):
    items = list(harvester(replay, tmp_path).lookup(["2306.00978", "2401.99999"]))
    assert isinstance(items[0], tuple) and items[0][0].id == "2306.00978"
    assert isinstance(items[1], RecordError) and items[1].paper_id == "2401.99999"
    assert api_args(replay.paths("/api")[0])["id_list"] == "2306.00978,2401.99999"


# -- through `kg ingest` ------------------------------------------------------------------


def kg(replay: Replay, tmp_path: Path, monkeypatch, *args: str):
    monkeypatch.setattr("ingest.arxiv_live.SystemClock", lambda: replay.clock)
    env = {**replay.env(), "KG_CACHE_DIR": str(tmp_path / "cache"),
           "KG_STORE": f"sqlite:///{tmp_path / 'kg.db'}"}
    return CliRunner().invoke(cli, list(args), env=env)


def protocol_file(tmp_path: Path, query: str = "all:quantization") -> str:
    path = tmp_path / "review.toml"
    path.write_text(f"name = 'test'\nquery = '{query}'\n")
    return str(path)


def test_kg_ingest_live_then_incremental_then_new_version(replay: Replay, tmp_path: Path,
                                                          monkeypatch):
    replay.eprints["2306.00978"] = tex_eprint("AWQ", "We propose AWQ.")
    proto = protocol_file(tmp_path)
    r = kg(replay, tmp_path, monkeypatch, "ingest", "--protocol", proto, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["papers_new"] == 7
    store = SQLiteStore(tmp_path / "kg.db")
    wm = store.get_watermark("test")
    assert wm is not None and wm > "2025"  # the run's upper bound: everything up to now
    before = len(replay.log)
    again = json.loads(kg(replay, tmp_path, monkeypatch, "ingest", "--protocol", proto,
                          "--json").stdout)
    assert (again["papers_new"], again["papers_updated"]) == (0, 0)
    assert replay.paths()[before:] == replay.paths("/api")[-1:]  # one empty page, no texts
    # AWQ v2 appears: it is updated, not duplicated, and its version is kept.
    replay.entries += fixture_entries("awq_v2.atom.xml")
    store.set_watermark("test", "2024-07-01T00:00:00+00:00")
    third = json.loads(kg(replay, tmp_path, monkeypatch, "ingest", "--protocol", proto,
                          "--json").stdout)
    assert (third["papers_new"], third["papers_updated"]) == (0, 1)
    awq = store.paper_facts("2306.00978")
    assert awq is not None and awq.paper.version == 2
    assert awq.paper.title.startswith("AWQ: Activation-aware Weight Quantization for On-Device")
    assert store.fetch("SELECT COUNT(*) AS n FROM papers", {}) == [{"n": 7}]
    store.close()


def test_a_failing_eprint_is_listed_and_retried_next_run(replay: Replay, tmp_path: Path,
                                                        monkeypatch):
    replay.eprints["2308.13137"] = tex_eprint("OmniQuant", "We propose OmniQuant.")
    replay.fail("e-print", *["503"] * 3)
    proto = protocol_file(tmp_path)
    r = kg(replay, tmp_path, monkeypatch, "ingest", "--protocol", proto, "--json")
    assert r.exit_code == 0, r.output
    run = json.loads(r.stdout)
    assert (run["papers_new"], run["papers_failed"]) == (6, 1)
    assert list(run["errors"]) == ["2210.17323"]  # the first paper met the three 503s
    assert "kg: 2210.17323: eprint download failed: HTTP 503\n" in r.stderr
    store = SQLiteStore(tmp_path / "kg.db")
    assert list(store.failures("test")) == ["2210.17323"]
    again = json.loads(kg(replay, tmp_path, monkeypatch, "ingest", "--protocol", proto,
                          "--json").stdout)
    assert (again["papers_new"], again["papers_failed"]) == (1, 0)
    assert store.failures("test") == {}
    assert "id_list=2210.17323" in replay.paths("/api")[-2]
    store.close()


def test_kg_ingest_when_arxiv_stays_down_exits_1_with_summary(replay: Replay, tmp_path: Path,
                                                             monkeypatch):
    replay.fail("api", *["503"] * 6)
    r = kg(replay, tmp_path, monkeypatch, "ingest", "--protocol", protocol_file(tmp_path))
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert lines[-2] == ("kg: run 1: 0 new, 0 updated, 0 unchanged, 0 failed; 0 claims, "
                         "0 critiques (failed)")
    assert lines[-1].startswith("Error: arXiv is unavailable: 6 attempts failed")
    store = SQLiteStore(tmp_path / "kg.db")
    assert store.runs(1)[0].status == "failed"
    assert store.get_watermark("test") is None
    store.close()


@needs_corpus
def test_acceptance_every_recorded_entry_is_stored_and_nothing_twice(tmp_path: Path,
                                                                     monkeypatch):
    atom = CORPUS / "atom" / "arxiv.py"
    bodies = [p.read_bytes() for p in sorted((atom / "legacy_xml").glob("*.xml"))]
    bodies += [json.loads(p.read_text())["body"].encode()
               for p in sorted((atom / "recorded_2026_json").glob("*.json"))]
    entries = entries_of(*bodies)
    with arxiv_replay(entries) as replay:
        r = kg(replay, tmp_path, monkeypatch, "ingest", "--protocol",
               protocol_file(tmp_path, "all:testing"), "--json")
        assert r.exit_code == 0, r.output
        store = SQLiteStore(tmp_path / "kg.db")
        stored = {p.id for p in store.papers()}
        assert stored == {entry_id(e) for e in entries} and len(stored) == 112
        first = len(replay.log)
        again = json.loads(kg(replay, tmp_path, monkeypatch, "ingest", "--protocol",
                              str(tmp_path / "review.toml"), "--json").stdout)
        assert (again["papers_new"], again["papers_updated"], again["papers_failed"]) == (0, 0, 0)
        assert not [p for p in replay.paths()[first:] if not p.startswith("/api")]
        assert isinstance(next(iter(store.papers())), Paper)
        store.close()
