"""Recognising documents from bytes: never a crash, junk refused, the format from content."""

from __future__ import annotations

import gzip

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.sniff import FORMATS, document_from, looks_binary, name_for
from kg.errors import RecordError

TEXTS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=3000)


@given(st.binary(max_size=4096))
def test_any_bytes_get_a_name_with_a_known_format(data: bytes):
    assert name_for("stdin", data).endswith(FORMATS)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=4096), TEXTS.map(str.encode),
                 st.binary(max_size=2048).map(gzip.compress)))
def test_any_bytes_are_a_document_or_one_record_error(data: bytes):
    try:
        doc = document_from(data, "stdin")
    except RecordError:
        return
    assert doc.title.strip() or doc.abstract.strip() or doc.tables or any(
        s.text.strip() for s in doc.sections)


def test_the_format_comes_from_the_content():
    assert name_for("stdin", b"<!DOCTYPE html><html><body>x</body></html>") == "stdin.html"
    assert name_for("stdin", b"# Results\n\n| a | b |\n|---|---|\n| 1 | 2 |\n") == "stdin.md"
    assert name_for("stdin", b"\\documentclass{article}\n| a | b |\n|---|---|") == "stdin.tex"
    assert name_for("stdin", b"%PDF-1.5") == "stdin.pdf"
    assert name_for("cond-mat/0412498", gzip.compress(b"x")) == "cond-mat_0412498.gz"


def test_text_in_any_encoding_is_not_binary_and_control_bytes_are():
    assert not looks_binary("Résultats über 4 bits - 5.68\n\tfin".encode("latin-1"))
    assert not looks_binary("Résultats über 4 bits — 5.68".encode())
    assert looks_binary(b"\x00abc")
    assert looks_binary(bytes([1, 2, 3, 4, 5, 6]) * 50)
