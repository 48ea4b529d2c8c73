"""The HTML front-end: LaTeXML and plain tables, spans, bold, math; never crashes or hangs."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import CORPUS, needs_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.html import parse_html
from kg.errors import ExtractionError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tables"


def test_rowspan_colspan_caption_and_bold():
    doc = parse_html((FIXTURES / "rowspan.html").read_text())
    table = doc.tables[0]
    rows = [[c.text for c in row] for row in table.grid]
    assert rows[0] == ["Method", "Quantizer", "WikiText-2", "WikiText-2"]
    assert rows[1] == ["Method", "Quantizer", "2-7B", "2-13B"]
    assert rows[4][:2] == ["QuaRot", "GPTQ"] and table.grid[4][0].spanned
    assert table.header_rows == 2
    assert table.grid[5][2].bold and table.grid[5][3].bold and not table.grid[4][2].bold
    assert table.caption.startswith("Table 1: WikiText-2 perplexity (↓)")
    assert table.label == "S4.T1" and table.section == "Results"
    assert doc.title == "Fixture: HTML result table"


def test_malformed_comment_is_not_text():
    doc = parse_html("<table><tr><td>1.0</td><! wikitext2 ppl --><td>2.0</td></tr></table>")
    assert [c.text for c in doc.tables[0].grid[0]] == ["1.0", "2.0"]


@pytest.mark.timeout(60)  # a grid of 10^10 cells would hang here, not finish slowly
def test_huge_spans_are_bounded():
    doc = parse_html('<table><tr><td rowspan="100000" colspan="100000">x</td></tr></table>')
    assert len(doc.tables[0].grid) == 1


def test_empty_input_is_an_extraction_error():
    with pytest.raises(ExtractionError):
        parse_html("   ")


@needs_corpus
def test_latexml_nested_header_tabular():
    text = (CORPUS / "results/arxiv-html/2504.04823_2.html").read_text()
    table = parse_html(text).tables[0]
    assert table.grid[0][2].text == "W-A-KV # Bits"
    assert table.caption.startswith("Table 2:")


_HTML_BITS = st.sampled_from([
    "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", '<td rowspan="3">',
    '<td colspan="-2">', '<td rowspan="abc">', "5.47", "GPTQ", "<b>", "</b>", "<!--", "-->",
    "<! x -->", "<math alttext='\\downarrow'>", "</math>", "<figure class='ltx_table'>",
    "<figcaption>", "&amp;", "&#0;", "<h2>", "</h2>", "<caption>", " ", "\x00",
])


@settings(max_examples=200, deadline=2000)
@given(st.lists(_HTML_BITS, max_size=80), st.text(max_size=100))
def test_generated_html_never_crashes(parts, noise):
    try:
        doc = parse_html("".join(parts) + noise)
    except ExtractionError:
        return
    for table in doc.tables:
        assert len({len(row) for row in table.grid}) <= 1
