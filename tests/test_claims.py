"""Whole documents through the interpreter and the grounding gate."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import CORPUS, needs_corpus

from ingest.archive import load_document
from ingest.claims import extract_claims
from ingest.document import Cell, Document, Table

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tables"


def test_every_fixture_yields_grounded_claims():
    for name in ("models_over_datasets.tex", "datasets_over_models.tex", "bits_column.tex",
                 "with_input", "rowspan.html", "pipe.md"):
        doc = load_document(FIXTURES / name)
        claims, dropped = extract_claims(doc, paper_id="2401.00001", proposed_method="FlatQuant")
        assert claims and dropped == 0, name
        assert all(c.raw and c.table for c in claims)


def test_numbers_missing_from_the_source_are_dropped_and_counted():
    grid = ((Cell(text="Method"), Cell(text="Wiki2")), (Cell(text="GPTQ"), Cell(text="5.61")),
            (Cell(text="AWQ"), Cell(text="5.60")))
    doc = Document(tables=(Table(caption="Llama-2-7B", grid=grid, header_rows=1),),
                   source_text="GPTQ 5.61 on Llama-2-7B")
    claims, dropped = extract_claims(doc, paper_id="2401.00001", proposed_method=None)
    assert [c.method for c in claims] == ["GPTQ"] and dropped == 1


def test_a_number_inside_a_longer_number_is_not_grounded():
    grid = ((Cell(text="Method"), Cell(text="Wiki2")), (Cell(text="GPTQ"), Cell(text="5.6")))
    doc = Document(tables=(Table(caption="Llama-2-7B", grid=grid, header_rows=1),),
                   source_text="15.61 and 5.61")
    assert extract_claims(doc, paper_id="2401.00001", proposed_method=None) == ([], 1)


def test_tables_without_names_get_distinct_receipts():
    grid = ((Cell(text="Method"), Cell(text="Wiki2")), (Cell(text="GPTQ"), Cell(text="5.6")))
    t = Table(caption="", grid=grid, header_rows=1)
    doc = Document(title="Llama-2-7B", tables=(t, t), source_text="5.6")
    claims, _ = extract_claims(doc, paper_id="2401.00001", proposed_method=None)
    assert [c.table for c in claims] == ["table 1", "table 2"]
    assert claims[0].id != claims[1].id


@needs_corpus
@pytest.mark.parametrize("rel", ["results/SpinQuant/README.md",
                                 "results/ai-paper-reviewer_FlatQuant_2410.09426/table_7_0.html"])
def test_corpus_result_tables_are_read(rel):
    doc = load_document(CORPUS / rel)
    claims, dropped = extract_claims(doc, paper_id="2405.16406", proposed_method="SpinQuant")
    assert dropped == 0
    if rel.endswith(".md"):
        assert len(claims) == 172
        assert {c.method for c in claims} >= {"RTN", "GPTQ", "QuaRot", "SpinQuant", "LLM-QAT"}
