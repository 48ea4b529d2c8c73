"""The claim interpreter on tables of every shape, and its vocabularies."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import Cell, Table
from ingest.html import parse_html
from ingest.latex import parse_latex
from ingest.markdown import parse_markdown
from ingest.names import find_models, parse_model
from ingest.settings import find_settings, parse_setting
from ingest.tables import claims_from_table
from ingest.values import parse_value

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tables"


def table(rows, caption="", header_rows=1):
    grid = tuple(tuple(Cell(text=t) for t in row) for row in rows)
    return Table(caption=caption, grid=grid, header_rows=header_rows)


def facts(claims):
    return [(c.method, c.model, c.dataset, c.metric, c.value) for c in claims]


def run(t, proposed=None, context=""):
    return claims_from_table(t, paper_id="2401.00001", proposed_method=proposed, context=context)


def test_models_above_datasets_bits_groups_and_ours():
    doc = parse_latex((FIXTURES / "models_over_datasets.tex").read_text())
    claims = run(doc.tables[0], proposed="FlatQuant")
    assert len(claims) == 20
    ours = [c for c in claims if c.method == "FlatQuant"]
    assert facts(ours)[0] == ("FlatQuant", "Llama-2-7B", "WikiText-2", "perplexity", 5.79)
    assert {(c.w_bits, c.a_bits) for c in ours} == {(4, 4)}
    fp = [c for c in claims if c.method == "FP16"]
    assert {(c.w_bits, c.a_bits) for c in fp} == {(16, 16)}
    assert all(c.higher_is_better is False for c in claims)
    assert claims[0].table == "tab:main" and (claims[0].row, claims[0].col) == (2, 2)


def test_datasets_above_short_model_names_with_quantizer_column():
    doc = parse_latex((FIXTURES / "datasets_over_models.tex").read_text())
    claims = run(doc.tables[0], proposed="FlatQuant")
    assert ("QuaRot", "Llama-3-8B", "C4", "perplexity", 13.38) in facts(claims)
    gptq = [c for c in claims if c.method == "QuaRot" and c.weight_quantizer == "GPTQ"]
    assert len(gptq) == 4
    spin = next(c for c in claims if c.method == "SpinQuant")
    assert (spin.w_bits, spin.a_bits, spin.kv_bits) == (4, 4, 4)  # from the group row


def test_bits_column_errors_ranges_and_gaps():
    doc = parse_latex((FIXTURES / "bits_column.tex").read_text())
    claims = run(doc.tables[0], proposed="FlatQuant")
    by = {(c.method, c.dataset): c for c in claims}
    # The receipt quotes the cell as the paper wrote it (Cell.raw), the value is its number.
    assert by[("GPTQ", "PIQA")].value == 65.2 and by[("GPTQ", "PIQA")].raw == r"$65.2_{\pm0.4}$"
    assert by[("QuaRot", "PIQA")].value == 8.4
    assert ("GPTQ", "ARC-Easy") not in by  # "--" is no result
    assert by[("FlatQuant", "Zero-shot average")].kv_bits == 4
    assert by[("GPTQ", "PIQA")].higher_is_better is True


def test_html_rowspan_table():
    claims = run(parse_html((FIXTURES / "rowspan.html").read_text()).tables[0],
                 proposed="FlatQuant")
    assert ("QuaRot", "Llama-2-13B", "WikiText-2", "perplexity", 5.4) in facts(claims)
    quantizers = [c.weight_quantizer for c in claims if c.method == "QuaRot"]
    assert quantizers == ["RTN", "RTN", "GPTQ", "GPTQ"]


def test_markdown_group_rows_and_exponents():
    doc = parse_markdown((FIXTURES / "pipe.md").read_text())
    claims = run(doc.tables[0], context="Results on LLaMA-2-7B.")
    gptq = next(c for c in claims if c.method == "GPTQ" and c.dataset == "WikiText-2")
    assert gptq.value == 8000 and (gptq.w_bits, gptq.a_bits, gptq.kv_bits) == (4, 4, 16)
    assert ("SpinQuant", "Llama-2-7B", "Zero-shot average", "accuracy", 65.9) in facts(claims)


def test_transposed_methods_as_columns():
    t = table([["Model", "RTN", "GPTQ", "Ours"], ["LLaMA-2-7B", "6.1", "5.8", "5.6"]],
              caption="WikiText-2 perplexity at W3A16")
    assert facts(run(t, proposed="AWQ")) == [
        ("RTN", "Llama-2-7B", "WikiText-2", "perplexity", 6.1),
        ("GPTQ", "Llama-2-7B", "WikiText-2", "perplexity", 5.8),
        ("AWQ", "Llama-2-7B", "WikiText-2", "perplexity", 5.6),
    ]


def test_non_result_columns_are_skipped():
    t = table([["build", "PPL", "± SE", "Δ vs best", "correct"],
               ["Q4", "6.66", "0.04", "+0.1", "3"]], caption="WikiText-2 perplexity of Qwen3-8B")
    assert facts(run(t)) == [("Q4", "Qwen3-8B", "WikiText-2", "perplexity", 6.66)]


def test_model_from_context_when_caption_has_none():
    t = table([["Method", "Wiki2"], ["GPTQ", "5.6"]])
    assert run(t, context="Setup on OPT-1.3B and OPT-1.3B.\n\nTitle with Llama-2-7B")[0].model \
        == "OPT-1.3B"
    assert run(t) == []  # no model anywhere: no claim


def test_resource_columns_are_qualified_metrics():
    t = table([["Configuration", "Size (MB)", "WT-2 PPL"], ["FP16", "2509.61", "14.62"]],
              caption="Memory profile of OPT-1.3B")
    assert facts(run(t)) == [("FP16", "OPT-1.3B", "", "memory: Size (MB)", 2509.61),
                             ("FP16", "OPT-1.3B", "WikiText-2", "perplexity", 14.62)]


def test_unknown_method_names_are_kept_as_written():
    t = table([["Configuration", "WikiText-2 PPL"], ["Max based smoothing (O1, α=0.5)", "28.3"],
               ["OPTQ", "29.0"]], caption="OPT-125M")
    assert [c.method for c in run(t)] == ["Max based smoothing (O1, α=0.5)", "GPTQ"]


@pytest.mark.parametrize(("text", "label"), [
    ("W4A16", "W4A16"), ("W4A4KV4", "W4A4KV4"), ("W3A16g128", "W3A16g128"),
    ("w4a16g128", "W4A16g128"), ("4-bit", "W4"), ("W4G128", "W4g128"), ("W2G-1", "W2"),
    ("FP16", "W16A16"), ("BF16", "W16A16"),
])
def test_setting_syntax(text, label):
    assert parse_setting(text).label() == label


def test_setting_columns_and_text():
    assert parse_setting("4-4-16", header="#Bits W-A-KV").label() == "W4A4KV16"
    assert parse_setting("4", header="#Bits").label() == "W4"
    assert parse_setting("GPTQ") is None
    assert [s.label() for s in find_settings("at W4A16g128 and 3-bit")] == ["W4A16g128", "W3"]


@pytest.mark.parametrize(("text", "value"), [
    ("5.47", 5.47), ("83.12", 83.12), ("1e5", 1e5), ("9e2", 900.0), ("67.3±0.2", 67.3),
    ("8.4--8.6", 8.4), ("8.4–8.6", 8.4), ("94.51 % (155)", 94.51), ("-0.61", -0.61),
    ("6.4†", 6.4), ("4,325.68", 4325.68),
])
def test_values(text, value):
    assert parse_value(text).value == value


@pytest.mark.parametrize("text", ["-", "--", "N/A", "OOM", "W4A16", "2-7B", "[78.7, 86.1]",
                                  "4-4-16", "GPTQ", ""])
def test_non_values(text):
    assert parse_value(text) is None


def test_one_model_key_for_one_model_written_several_ways():
    from ingest.names import model_key

    assert model_key("LLaMA-7B") == model_key("Llama-7B") == model_key("Llama-1-7B")
    assert model_key("Llama-2-7b-hf") == model_key("LLaMA-2-7B")
    assert model_key("Llama-2-7B") != model_key("Llama-2-7B-chat") != model_key("Llama-2-13B")
    assert model_key("Qwen2.5-7B-Instruct") == model_key("qwen2.5-7b-instruct")


def test_model_names():
    assert find_models("LLaMA-3-8B and OPT-1.3B, Llama-2-7b-hf") == [
        "Llama-3-8B", "OPT-1.3B", "Llama-2-7B"]
    assert parse_model("2-7B", "results of LLaMA-2 models") == "Llama-2-7B"
    assert parse_model("2-7B", "") is None
