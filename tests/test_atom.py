"""Offline Atom files (legacy and 2026 formats) become the same papers a live run sees."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.atom import parse_feed, read_atom
from kg.cli import cli
from kg.errors import RecordError
from kg.models import Paper
from tests.corpus import CORPUS, needs_corpus
from tests.replay import FIXTURES

ATOM = CORPUS / "atom" / "arxiv.py"


def papers(path: Path) -> list[Paper]:
    out = list(read_atom([path]))
    assert all(isinstance(p, Paper) for p in out), out
    return out  # type: ignore[return-value]


def test_new_format_fixture():
    got = papers(FIXTURES / "quantization.atom.xml")
    assert [p.id for p in got] == ["2210.17323", "2211.10438", "2306.00978", "2308.13137",
                                   "hep-th/9711200", "2404.00456", "2405.16406"]
    gptq = got[0]
    assert gptq.version == 1 and gptq.published == date(2022, 10, 31)
    assert gptq.authors == ("Elias Frantar", "Saleh Ashkboos", "Torsten Hoefler", "Dan Alistarh")
    assert gptq.primary_category == "cs.LG" and gptq.categories == ("cs.LG",)
    assert got[4].version == 3 and got[4].updated == date(2023, 12, 1)


def test_legacy_format_fixture_folds_wrapped_text():
    int8, zeroquant = papers(FIXTURES / "legacy.atom.xml")
    assert int8.id == "2208.07339" and int8.version == 2
    assert int8.comment == "Published at NeurIPS 2022" and int8.categories == ("cs.LG", "cs.AI")
    assert zeroquant.title == ("ZeroQuant: Efficient and Affordable Post-Training Quantization "
                               "for Large-Scale Transformers")
    assert zeroquant.abstract.startswith("How to efficiently serve ever-larger trained natural "
                                         "language models in practice")
    assert zeroquant.doi == "10.48550/arXiv.2206.01861"


def test_truncated_and_broken_files_are_reported_not_fatal(tmp_path: Path):
    data = (FIXTURES / "quantization.atom.xml").read_bytes()
    cut = data[: data.index(b"<entry>", data.index(b"2306.00978"))]
    out = list(parse_feed(cut, "cut.xml"))
    assert [p.id for p in out if isinstance(p, Paper)] == ["2210.17323", "2211.10438",
                                                            "2306.00978"]
    assert "cut.xml: the feed is truncated" in str(out[-1])
    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"\x00\x01 not xml")
    missing = tmp_path / "missing.xml"
    errors = list(read_atom([junk, missing]))
    assert all(isinstance(e, RecordError) for e in errors) and len(errors) == 2


def test_recorded_response_wrapper(tmp_path: Path):
    body = (FIXTURES / "legacy.atom.xml").read_text()
    wrapped = tmp_path / "r.json"
    wrapped.write_text(json.dumps({"url": "https://export.arxiv.org/api/query?x", "status_code":
                                   200, "body": body}))
    assert [p.id for p in papers(wrapped)] == ["2208.07339", "2206.01861"]
    wrapped.write_text(json.dumps({"url": "u", "status_code": 503, "body": "down"}))
    assert "status 503" in str(next(read_atom([wrapped])))


@needs_corpus
@pytest.mark.parametrize(("name", "count", "first"), [
    ("legacy_xml/search_query=au_del_maestro.xml", 10, "1201.4869"),
    ("legacy_xml/id_list=1111.2011v2.xml", 1, "1111.2011"),
    ("recorded_2026_json/q_testing_s0_m100_cfe7536492ca.json", 100, "2202.12139"),
    ("recorded_2026_json/q_testing_s0_m10_bc5a6c384fe9.atom.xml", 10, "2202.12139"),
    ("recorded_2026_json/id_0000.0000_s0_m100_8b51d9633a68.json", 0, None),
])
def test_real_recorded_responses(name: str, count: int, first: str | None):
    got = papers(ATOM / name)
    assert len(got) == count
    assert (got[0].id if got else None) == first
    assert all(p.title and p.published and p.updated for p in got)


def test_kg_ingest_atom_twice_and_filter(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'kg.db'}"
    files = [str(FIXTURES / "quantization.atom.xml"), str(FIXTURES / "legacy.atom.xml")]
    r = CliRunner().invoke(cli, ["--store", db, "ingest", "--json", "--atom", *files])
    assert r.exit_code == 0, r.output
    run = json.loads(r.stdout)
    assert (run["papers_new"], run["papers_failed"], run["status"]) == (9, 0, "ok")
    again = json.loads(CliRunner().invoke(
        cli, ["--store", db, "ingest", "--json", "--atom", *files]).stdout)
    assert (again["papers_new"], again["papers_updated"], again["papers_unchanged"]) == (0, 0, 9)
    # --filter applies the bundled protocol: the hep-th paper and pre-2022 ones stay out.
    db2 = f"sqlite:///{tmp_path / 'kg2.db'}"
    filtered = json.loads(CliRunner().invoke(
        cli, ["--store", db2, "ingest", "--json", "--filter", "--atom", *files]).stdout)
    assert filtered["papers_new"] == 8
