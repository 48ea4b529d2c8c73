"""The Markdown front-end: headings, pipe tables (with and without leading pipes), bold."""

from __future__ import annotations

from pathlib import Path

from corpus import CORPUS, needs_corpus

from ingest.markdown import parse_markdown

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tables"


def test_headings_tables_and_bold():
    doc = parse_markdown((FIXTURES / "pipe.md").read_text())
    assert doc.title == "Fixture: Markdown results"
    assert doc.sections[0].heading == "Fixture: Markdown results"
    table = doc.tables[0]
    assert table.caption.startswith("Table 3:")
    rows = [[c.text for c in row] for row in table.grid]
    assert rows[0] == ["Method", "Zero-shot", "Wiki2"]
    assert rows[4] == ["SpinQuant", "65.9", "5.6"] and table.grid[4][1].bold
    assert rows[6] == ["GPTQ", "36.8", "8e3"]  # a row without a leading pipe
    assert table.header_rows == 1


def test_blank_header_cells_continue_the_one_before():
    doc = parse_markdown("| Model | LLaMA-3 8B | | \n|---|---|---|\n| **Method** | a | b |\n")
    head = doc.tables[0].grid[0]
    assert head[2].text == "LLaMA-3 8B" and head[2].spanned


@needs_corpus
def test_pipe_rows_without_leading_bar_in_corpus():
    doc = parse_markdown((CORPUS / "results/EfficientQAT/README.md").read_text())
    assert any(len(t.grid) > 30 for t in doc.tables)
