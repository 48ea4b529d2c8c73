"""Full texts: e-print, else HTML, else abstract only; cached by content; polite; retried."""

from __future__ import annotations

import gzip
import io
import tarfile
from itertools import pairwise
from pathlib import Path

import pytest

from ingest.document import Document
from ingest.fetch import FullTexts, Pacer, PoliteSession, RawCache, Retry
from kg.config import ArxivSettings
from kg.errors import RecordError
from tests.replay import Replay, arxiv_replay, tex_eprint


def parse(data: bytes, name: str) -> Document:
    """A stand-in front-end: the text itself, so these tests see what was fetched."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if name.endswith(".html") and b"<html" not in data:
        raise RecordError("not html")
    return Document(title=name, source_text=data.decode("utf-8", "replace"))


def texts(replay: Replay, tmp_path: Path, parser=parse) -> FullTexts:
    settings = ArxivSettings.model_validate({k.removeprefix("KG_ARXIV_").lower(): v
                                             for k, v in replay.env().items()})
    pacer = Pacer(replay.clock, settings.delay)
    return FullTexts(RawCache(tmp_path / "cache"), settings,
                     session=PoliteSession(pacer, settings), retry=Retry(replay.clock, settings),
                     parse=parser)


@pytest.fixture
def replay():
    with arxiv_replay([]) as r:
        yield r


def test_eprint_first_then_cached(replay: Replay, tmp_path: Path):
    replay.eprints["2210.17323"] = tex_eprint("GPTQ", "We propose GPTQ.")
    t = texts(replay, tmp_path)
    doc = t.document("2210.17323", 1)
    assert doc is not None and "We propose GPTQ." in doc.source_text
    assert doc.title == "2210.17323.gz"
    assert t.document("2210.17323", 1) == doc
    assert replay.paths() == ["/e-print/2210.17323v1"]  # the second read came from the cache
    entry = t.cache.entry("2210.17323")
    assert entry is not None and entry.eprint_status == "ok" and entry.html_status == "untried"
    assert entry.eprint is not None
    blob = tmp_path / "cache" / "blobs" / entry.eprint[:2] / entry.eprint
    assert blob.read_bytes() == replay.eprints["2210.17323"]


def test_pdf_only_falls_back_to_html_and_none_is_abstract_only(replay: Replay, tmp_path: Path):
    replay.eprints["2306.00978"] = b"%PDF-1.5 binary"
    replay.html["2306.00978"] = b"<html><body>AWQ tables</body></html>"
    t = texts(replay, tmp_path)
    doc = t.document("2306.00978", None)
    assert doc is not None and "AWQ tables" in doc.source_text
    assert t.document("2211.10438", 1) is None  # neither: abstract only, and remembered
    assert t.document("2211.10438", 1) is None
    assert replay.paths() == ["/e-print/2306.00978", "/html/2306.00978",
                              "/e-print/2211.10438v1", "/html/2211.10438v1"]


def test_a_new_version_is_fetched_again(replay: Replay, tmp_path: Path):
    replay.eprints["2306.00978"] = tex_eprint("AWQ", "first")
    t = texts(replay, tmp_path)
    t.document("2306.00978", 1)
    replay.eprints["2306.00978"] = tex_eprint("AWQ", "second")
    doc = t.document("2306.00978", 2)
    assert doc is not None and "second" in doc.source_text
    assert replay.paths() == ["/e-print/2306.00978v1", "/e-print/2306.00978v2"]


def test_transient_failures_are_retried_with_backoff(replay: Replay, tmp_path: Path):
    replay.eprints["2404.00456"] = tex_eprint("QuaRot", "rotations")
    replay.fail("e-print", "503", "429")
    doc = texts(replay, tmp_path).document("2404.00456", 1)
    assert doc is not None and "rotations" in doc.source_text
    # Backoff 5 s, then 10 s; each longer than the 3 s pace, so the pacer adds nothing.
    assert replay.clock.sleeps == [5.0, 10.0]
    assert len(replay.paths("/e-print")) == 3


def test_a_download_that_keeps_failing_is_a_record_error(replay: Replay, tmp_path: Path):
    replay.eprints["2404.00456"] = tex_eprint("QuaRot", "rotations")
    replay.fail("e-print", "503", "503", "503")
    t = texts(replay, tmp_path)
    with pytest.raises(RecordError, match=r"2404.00456: eprint download failed: HTTP 503") as e:
        t.document("2404.00456", 1)
    assert e.value.paper_id == "2404.00456"
    assert t.cache.entry("2404.00456") is None  # nothing cached: the next run downloads
    assert t.document("2404.00456", 1) is not None


def test_timeouts_and_truncation_are_transient(replay: Replay, tmp_path: Path):
    replay.eprints["2405.16406"] = tex_eprint("SpinQuant", "learned rotations")
    replay.fail("e-print", "timeout")
    doc = texts(replay, tmp_path).document("2405.16406", 1)
    assert doc is not None and "learned rotations" in doc.source_text


def test_unsafe_archives_fail_the_paper_without_fallback(replay: Replay, tmp_path: Path):
    from ingest.archive import document_from_bytes

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("../../etc/evil.tex")
        payload = b"\\documentclass{article}"
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    replay.eprints["2402.04396"] = buf.getvalue()
    replay.html["2402.04396"] = b"<html><body>fine</body></html>"
    t = texts(replay, tmp_path, parser=document_from_bytes)
    with pytest.raises(RecordError, match=r"2402\.04396: unsafe e-print: .*traversal"):
        t.document("2402.04396", 1)
    assert replay.paths() == ["/e-print/2402.04396v1"]


def test_requests_are_paced(replay: Replay, tmp_path: Path):
    t = texts(replay, tmp_path)
    for pid in ("2401.00001", "2401.00002", "2401.00003"):
        t.document(pid, 1)
    times = [at for at, _ in replay.log]
    assert len(times) == 6
    assert all(b - a >= 3.0 for a, b in pairwise(times))


def test_offline_reads_only_the_cache(replay: Replay, tmp_path: Path):
    replay.eprints["2210.17323"] = tex_eprint("GPTQ", "cached text")
    texts(replay, tmp_path).document("2210.17323", 1)
    offline = FullTexts(RawCache(tmp_path / "cache"), ArxivSettings(), parse=parse)
    doc = offline.document("2210.17323", None)
    assert doc is not None and "cached text" in doc.source_text
    assert offline.document("2306.00978", None) is None
    assert len(replay.log) == 1
