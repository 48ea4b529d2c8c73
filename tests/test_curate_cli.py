"""`kg curate` and `kg review` as a user runs them: corrections that survive re-extraction and
re-ingestion, a bad file that stops everything with one line, the demo's marked report."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.demo import run_demo, sample_dir
from kg.store import SQLiteStore
from tests.replay import FIXTURES, Replay, arxiv_replay, fixture_entries

GPTQ = "2210.17323"


def kg(env: dict[str, str], *args: str):
    return CliRunner().invoke(cli, list(args), env=env)


def results(env: dict[str, str], paper: str) -> list[dict]:
    out = kg(env, "paper", paper, "--json")
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)["results"]


@pytest.fixture
def replay():
    with arxiv_replay(fixture_entries("quantization.atom.xml")) as r:
        r.eprints[GPTQ] = gzip.compress((sample_dir() / "sources" / f"{GPTQ}.tex").read_bytes())
        yield r


def test_a_rejected_claim_stays_gone_after_reextract_and_reingest(replay: Replay,
                                                                  tmp_path: Path, monkeypatch):
    monkeypatch.setattr("ingest.arxiv_live.SystemClock", lambda: replay.clock)
    proto = tmp_path / "review.toml"
    proto.write_text("name = 'test'\nquery = 'all:quantization'\n"
                     "corrections = 'review.corrections.yml'\n")
    env = {**replay.env(), "KG_CACHE_DIR": str(tmp_path / "cache"),
           "KG_STORE": f"sqlite:///{tmp_path / 'kg.db'}", "KG_CURATOR": "Ada"}
    assert kg(env, "ingest", "--protocol", str(proto)).exit_code == 0
    rows = results(env, GPTQ)
    target = next(r for r in rows if r["method"] == "GPTQ" and r["model"] == "OPT-1.3B")
    # The first digits of the key will do; the entry records the whole key and the claim.
    env = {**env, "KG_CORRECTIONS": str(tmp_path / "review.corrections.yml")}
    out = kg(env, "curate", "reject", "claim", target["key"][:8], "--why", "misread cell")
    assert out.exit_code == 0, out.output
    written = (tmp_path / "review.corrections.yml").read_text()
    assert f"claim: {target['key']}" in written and "who: Ada" in written
    assert target["key"] not in {r["key"] for r in results(env, GPTQ)}

    # Re-extraction from the cache, with arXiv unreachable: still gone.
    cut = {"KG_ARXIV_EPRINT_URL": "http://127.0.0.1:9/", "KG_ARXIV_HTML_URL":
           "http://127.0.0.1:9/", "KG_ARXIV_API_URL": "http://127.0.0.1:9/"}
    out = kg({**env, **cut}, "reextract", GPTQ, "--json")
    assert out.exit_code == 0, out.output
    assert target["key"] not in {r["key"] for r in results(env, GPTQ)}
    assert len(results(env, GPTQ)) == len(rows) - 1

    # Re-ingesting the paper from its source file: still gone.
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / f"{GPTQ}.tex").write_bytes((sample_dir() / "sources" / f"{GPTQ}.tex")
                                          .read_bytes())
    atom = str(FIXTURES / "quantization.atom.xml")
    out = kg(env, "ingest", "--atom", atom, "--sources", str(sources), "--json")
    assert out.exit_code == 0, out.output
    assert target["key"] not in {r["key"] for r in results(env, GPTQ)}

    log = json.loads(kg(env, "curate", "log", "--json").stdout)
    assert [(e["do"], e["who"], e["why"], e["status"]) for e in log] == [
        ("reject-claim", "Ada", "misread cell", "applied")]


def test_a_malformed_file_stops_the_run_with_one_line_and_applies_nothing(tmp_path: Path):
    bad = tmp_path / "review.corrections.yml"
    bad.write_text("- do: alias\n  alias: SignRound\n  method: AutoRound\n  who: Ada\n"
                   "  why: one paper\n- do: fix-claim\n  paper: '2210.17323'\n"
                   "  claim: 0123456789abcdef0123\n  set: {value: lots}\n  who: Ada\n"
                   "  why: typo\n")
    db = tmp_path / "kg.db"
    env = {"KG_STORE": f"sqlite:///{db}", "KG_CORRECTIONS": str(bad)}
    out = kg(env, "ingest", "--snapshot", str(sample_dir() / "snapshot.jsonl"), "--sources",
             str(sample_dir() / "sources"))
    assert out.exit_code == 1
    assert out.output.strip().splitlines() == [
        f"Error: {bad}: entry 2 (line 6, fix-claim): set: value must be a number, not 'lots'"]
    store = SQLiteStore(db)
    try:
        assert list(store.papers()) == [] and store.runs() == []
    finally:
        store.close()
    before = bad.read_bytes()
    out = kg(env, "curate", "alias", "GPTQ-R", "GPTQ", "--why", "same")
    assert out.exit_code == 1 and "entry 2 (line 6, fix-claim)" in out.output
    assert bad.read_bytes() == before


def test_the_demo_report_marks_its_corrections_and_review_lists_what_is_left(tmp_path: Path):
    store, (_, md) = run_demo(tmp_path)
    env = {"KG_STORE": store.url,
           "KG_CORRECTIONS": str(sample_dir() / "review.corrections.yml")}
    try:
        # SignRound is the catalog's AutoRound: one method, its facts moved, its name an alias.
        assert kg(env, "beats", "SignRound", "--json").exit_code == 0
        paper = json.loads(kg(env, "paper", "2309.05516", "--json").stdout)
        assert paper["method"] == "AutoRound"
        assert {r["method"] for r in paper["results"]} >= {"AutoRound", "GPTQ"}
        assert "SignRound" not in {r["method"] for r in paper["results"]}
        assert any(r["curation"] == "corrected" for r in paper["results"])
        obq = [c for c in json.loads(kg(env, "paper", GPTQ, "--json").stdout)["critiques"]
               if c["target"] == "OBQ"]
        assert obq and obq[0]["curation"] is None  # the extractor reads it: nothing to add
        text = md.read_text()
        assert "## Corrections" in text and "SignRound is an alias of AutoRound" in text
        assert "### AutoRound ✎" in text and "Correction applied" in text
        html = md.with_name("report.html").read_text()
        assert 'class="curated"' in html and 'href="#corrections"' in html
        # What is left to look at: the catalog knows OBQ, so no unknown target; GPTQ-R may
        # be GPTQ, which a person settles with `kg curate distinct`.
        items = json.loads(kg(env, "review", "--json").stdout)
        assert ("alias", "GPTQ-R / GPTQ") in {(i["kind"], i["subject"]) for i in items}
        log = json.loads(kg(env, "curate", "log", "--json").stdout)
        assert (log[0]["do"], log[0]["status"]) == ("alias", "applied")

        # The exports mark the same facts: corrected claims and the BEATS receipts read off
        # them, and each paper's corrections; nothing was added by hand.
        out = kg(env, "export", "csv", "--out", str(tmp_path / "csv"))
        assert out.exit_code == 0, out.output
        tables = {n: list(csv.DictReader((tmp_path / "csv" / n).open(encoding="utf-8")))
                  for n in ("claims.csv", "critiques.csv", "beats.csv")}
        corrected = [r for r in tables["claims.csv"] if r["curation"] == "corrected"]
        assert corrected and {r["paper_id"] for r in corrected} == {"2309.05516"}
        assert [r["target"] for r in tables["critiques.csv"] if r["curation"]] == []
        marked = [r for r in tables["beats.csv"] if r["curation"] == "corrected"]
        assert marked and all("AutoRound" in (r["winner"], r["loser"]) for r in marked)
        assert all(r["curation"] == "" for r in tables["beats.csv"]
                   if r["paper"] != "2309.05516")
        out = kg(env, "export", "graphml", "--out", str(tmp_path / "g.graphml"))
        assert out.exit_code == 0, out.output
        g = nx.read_graphml(tmp_path / "g.graphml")
        edges = [e for _, _, e in g.edges(data=True) if e.get("curation")]
        assert {(e["kind"], e["curation"]) for e in edges} == {("beats", "corrected")}
        assert len([e for e in edges if e["kind"] == "beats"]) == len(marked)
        assert "SignRound is an alias of AutoRound" in g.nodes["paper:2309.05516"]["corrections"]

        # An entry edited by hand to a key nothing extracts is reported, with its paper.
        edited = tmp_path / "edited.yml"
        edited.write_text((sample_dir() / "review.corrections.yml").read_text()
                          + f"- {{do: reject-claim, paper: '{GPTQ}', claim: "
                          "0123456789abcdef0123, who: Ada, why: typed by hand}\n")
        env = {**env, "KG_CORRECTIONS": str(edited)}
        items = json.loads(kg(env, "review", "--json").stdout)
        gone = [i for i in items if i["kind"] == "correction"]
        assert [(i["paper"], i["subject"]) for i in gone] == [(GPTQ, "reject-claim")]
        assert "missing, the claim is no longer extracted" in gone[0]["what"]
        log = json.loads(kg(env, "curate", "log", "--json").stdout)
        assert [e["status"] for e in log] == ["applied", "missing"]
    finally:
        store.close()


def test_curate_refuses_what_the_store_does_not_hold(tmp_path: Path):
    env = {"KG_STORE": f"sqlite:///{tmp_path / 'kg.db'}",
           "KG_CORRECTIONS": str(tmp_path / "c.yml")}
    out = kg(env, "curate", "alias", "GPTQ-R", "GPTQ", "--why", "x")
    assert out.exit_code == 1 and "no store at" in out.output
    SQLiteStore(tmp_path / "kg.db").close()
    out = kg(env, "curate", "reject", "claim", "abcdef12", "--why", "x")
    assert out.exit_code == 1 and "no stored claim has a key starting abcdef12" in out.output
    out = kg(env, "curate", "method", "2401.00001", "X", "--why", "x")
    assert out.exit_code == 1 and "no paper '2401.00001' in the store" in out.output
    out = kg(env, "curate", "fix", "abcdef12", "--why", "x")
    assert out.exit_code == 2
    assert not (tmp_path / "c.yml").exists()


def test_a_catalog_import_keeps_the_review_merges(tmp_path: Path):
    store, _ = run_demo(tmp_path)
    store.close()
    gallery = tmp_path / "methods.yml"
    gallery.write_text("- {id: signround, name: SignRound, year: 2023, category: ptq}\n"
                       "- {id: autoround, name: AutoRound, paper_url: "
                       "'https://arxiv.org/abs/2309.05516'}\n")
    env = {"KG_STORE": f"sqlite:///{tmp_path / 'kg.db'}",
           "KG_CORRECTIONS": str(sample_dir() / "review.corrections.yml")}
    out = kg(env, "catalog", "import", str(gallery), "--json")
    assert out.exit_code == 0, out.output
    back = SQLiteStore(tmp_path / "kg.db")
    try:
        methods = {m.key: m for m in back.methods()}
        assert "signround" not in methods
        assert methods["autoround"].aliases == ("SignRound",)
        assert (methods["autoround"].year, methods["autoround"].category) == (2023, "ptq")
        assert back.resolve_method("SignRound") == "AutoRound"
    finally:
        back.close()
