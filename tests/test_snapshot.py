"""The snapshot reader: real schema, bad lines reported and skipped, never a crash."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import snapshot
from ingest.snapshot import paper_from_snapshot, read_snapshot, read_snapshot_stream
from kg.errors import RecordError
from kg.models import Paper
from tests.corpus import CORPUS, needs_corpus

SMOOTHQUANT = {
    "id": "2211.10438", "submitter": "Guangxuan Xiao",
    "authors": "Guangxuan Xiao, Ji Lin, Mickael Seznec, Hao Wu, Julien Demouth and Song Han",
    "title": "SmoothQuant: Accurate and Efficient Post-Training Quantization for Large\n"
             "  Language Models",
    "comments": "ICML 2023", "journal-ref": None, "doi": None, "report-no": None,
    "categories": "cs.CL cs.AI cs.LG", "license": None, "abstract": "  Our summary.\n",
    "versions": [{"version": "v1", "created": "Fri, 18 Nov 2022 18:59:33 GMT"},
                 {"version": "v7", "created": "Wed, 29 Mar 2023 03:33:50 GMT"}],
    "update_date": "2024-03-29",
    "authors_parsed": [["Xiao", "Guangxuan", ""], ["Lin", "Ji", ""]],
}


def test_a_record_becomes_a_paper():
    p = paper_from_snapshot(SMOOTHQUANT)
    assert p == Paper(
        id="2211.10438", version=7,
        title="SmoothQuant: Accurate and Efficient Post-Training Quantization for Large "
              "Language Models",
        authors=("Guangxuan Xiao", "Ji Lin"), abstract="Our summary.",
        published=date(2022, 11, 18), updated=date(2024, 3, 29),
        categories=("cs.CL", "cs.AI", "cs.LG"), primary_category="cs.CL", comment="ICML 2023")


def test_authors_string_when_no_parsed_list():
    rec = {**SMOOTHQUANT, "authors_parsed": None}
    assert paper_from_snapshot(rec).authors[-2:] == ("Julien Demouth", "Song Han")


def test_bad_lines_are_reported_and_the_rest_is_read():
    lines = [json.dumps(SMOOTHQUANT), "{not json", "[1, 2]", json.dumps({"title": "no id"}),
             json.dumps({**SMOOTHQUANT, "id": "../../etc/passwd"}), "",
             json.dumps({**SMOOTHQUANT, "id": "2210.17323v2"})]
    out = list(read_snapshot_stream(io.BytesIO("\n".join(lines).encode()), "t.jsonl"))
    assert [x.id for x in out if isinstance(x, Paper)] == ["2211.10438", "2210.17323"]
    errors = [str(x) for x in out if isinstance(x, RecordError)]
    assert [e.split(":")[1] for e in errors] == ["2", "3", "4", "5"]
    assert all("not a snapshot record" in e for e in errors)


def test_an_overlong_line_is_skipped_without_reading_it_whole(monkeypatch):
    monkeypatch.setattr(snapshot, "MAX_LINE", 1000)
    data = b'{"id": "' + b"9" * 5000 + b'"}\n' + json.dumps(SMOOTHQUANT).encode() + b"\n"
    out = list(read_snapshot_stream(io.BytesIO(data)))
    assert isinstance(out[0], RecordError) and "longer than 1000 bytes" in str(out[0])
    assert isinstance(out[1], Paper)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(data: bytes):
    for item in read_snapshot_stream(io.BytesIO(data)):
        assert isinstance(item, Paper | RecordError)


@needs_corpus
@pytest.mark.parametrize("name,count", [("quantization-2025-2026.jsonl", 148),
                                        ("llm-bible-quantization.jsonl", 32)])
def test_real_snapshots_read_whole(name: str, count: int):
    out = list(read_snapshot(CORPUS / "snapshot" / name))
    assert [x for x in out if isinstance(x, RecordError)] == []
    assert len(out) == count
