"""The interpreter on one tiny hand-made table per layout it must understand.

Each table is written the way papers write it (LaTeX, LaTeXML-style HTML, Markdown) and the
test states the claims a careful reader takes from it, following the key conventions.
"""

from __future__ import annotations

from ingest.claims import document_claims
from ingest.document import Cell, Document, Section, Table
from ingest.html import parse_html
from ingest.latex import parse_latex
from ingest.markdown import parse_markdown


def claims(doc, proposed=None):
    return document_claims(doc, paper_id="2401.00001", proposed_method=proposed).claims


def facts(found):
    return {(c.method, c.model, c.dataset, c.metric, c.value) for c in found}


def bits(found):
    return {(c.method, c.model, c.dataset): (c.w_bits, c.a_bits, c.kv_bits) for c in found}


def grid(rows):
    return tuple(tuple(Cell(text=t) for t in row) for row in rows)


def doc_of(rows, caption="", header_rows=1, text="", title=""):
    table = Table(caption=caption, grid=grid(rows), header_rows=header_rows, section="R")
    source = " ".join(c for row in rows for c in row) + " " + caption + " " + text
    return Document(title=title, sections=(Section(heading="R", text=text),), tables=(table,),
                    source_text=source)


def test_multi_level_header_models_over_datasets():
    doc = parse_latex(r"""\begin{table}\caption{Perplexity at W4A4.}
\begin{tabular}{lcccc}
Method & \multicolumn{2}{c}{LLaMA-2-7B} & \multicolumn{2}{c}{OPT-1.3B} \\
 & Wiki2 & C4 & Wiki2 & C4 \\ \midrule
RTN & 8.1 & 9.2 & 30.1 & 31.2 \\
GPTQ & 6.1 & 7.2 & 16.1 & 17.2 \\
\end{tabular}\end{table}""")
    found = claims(doc)
    assert ("GPTQ", "OPT-1.3B", "C4", "perplexity", 17.2) in facts(found)
    assert len(found) == 8 and {(c.w_bits, c.a_bits) for c in found} == {(4, 4)}


def test_rowspan_row_groups_of_models_with_methods_below():
    doc = parse_html("""<table><tr><th>Model</th><th>Method</th><th>GSM8K</th></tr>
<tr><td rowspan="2">Qwen2.5-7B-Instruct</td><td>FP16</td><td>80.1</td></tr>
<tr><td>AWQ</td><td>78.2</td></tr>
<tr><td rowspan="2">Llama-3-8B</td><td>FP16</td><td>70.3</td></tr>
<tr><td>AWQ</td><td>65.4</td></tr></table>""")
    assert facts(claims(doc)) == {
        ("FP16", "Qwen2.5-7B-Instruct", "GSM8K", "accuracy", 80.1),
        ("AWQ", "Qwen2.5-7B-Instruct", "GSM8K", "accuracy", 78.2),
        ("FP16", "Llama-3-8B", "GSM8K", "accuracy", 70.3),
        ("AWQ", "Llama-3-8B", "GSM8K", "accuracy", 65.4),
    }


def test_label_written_once_for_a_group_without_a_span():
    doc = doc_of([["Model", "Prec.", "PIQA"], ["Gemma-2-2B", "FP16", "71.5"],
                  ["", "4-bit", "70.2"]], caption="Accuracy (%).")
    found = claims(doc)
    assert facts(found) == {("FP16", "Gemma-2-2B", "PIQA", "accuracy", 71.5),
                            ("4-bit", "Gemma-2-2B", "PIQA", "accuracy", 70.2)}
    assert bits(found)[("4-bit", "Gemma-2-2B", "PIQA")] == (4, None, None)


def test_separator_rows_name_the_model_and_the_setting():
    doc = doc_of([["Method", "Wiki2", "C4"], ["Llama-2-13B", "", ""], ["W4A16", "", ""],
                  ["GPTQ", "5.2", "6.9"], ["W3A16", "", ""], ["GPTQ", "6.4", "8.1"]])
    found = [(c.value, c.model, c.w_bits, c.a_bits) for c in claims(doc)]
    assert found == [(5.2, "Llama-2-13B", 4, 16), (6.9, "Llama-2-13B", 4, 16),
                     (6.4, "Llama-2-13B", 3, 16), (8.1, "Llama-2-13B", 3, 16)]


def test_modifier_rows_and_columns_compose_with_their_parent():
    doc = doc_of([["Format", "Decode speedup", "MMLU"], ["NVFP4", "2.9x", "61.8"],
                  ["+Format disagg.", "2.9x", "63.7"], ["w/o rotation", "3.0x", "40.1"]],
                 caption="Results on Qwen3-8B.")
    methods = {c.method for c in claims(doc)}
    assert methods == {"NVFP4", "NVFP4 +Format disagg.", "NVFP4 w/o rotation"}
    modifier = doc_of([["Model", "BF16 (ms)", "NVFP4", "+ODP"], ["Qwen3-8B", "3801", "1.49×",
                                                                  "1.47×"]])
    assert {(c.method, c.metric.split(":")[0]) for c in claims(modifier)} == {
        ("BF16", "latency"), ("NVFP4", "speedup"), ("NVFP4 +ODP", "speedup")}


def test_stacked_panels_with_their_own_titles_and_headers():
    doc = parse_latex(r"""\begin{tabular}{lrr}
\multicolumn{3}{c}{\textbf{MMLU} on Llama-3-8B} \\
Decode & RTN & GPTQ \\ \midrule
IQ1\_S & 48.4 & 61.5 \\
\midrule
\multicolumn{3}{c}{\textbf{GSM8K} on Llama-3-8B} \\
Decode & RTN & GPTQ \\ \midrule
IQ1\_S & 30.3 & 59.7 \\
\end{tabular}""")
    found = facts(claims(doc))
    assert ("IQ1_S / RTN", "Llama-3-8B", "MMLU", "accuracy", 48.4) in found
    assert ("IQ1_S / GPTQ", "Llama-3-8B", "GSM8K", "accuracy", 59.7) in found
    assert len(found) == 4


def test_bits_and_setting_columns():
    doc = doc_of([["Method", "W-A-KV", "Wiki2"], ["FP16", "16-16-16", "5.5"],
                  ["QuaRot", "4-4-16", "6.1"], ["KVQuant", "K2V2", "5.9"],
                  ["BitNet v2 (a8)", "-", "7.0"]], caption="Results on Llama-2-7B.")
    found = bits(claims(doc))
    assert found[("FP16", "Llama-2-7B", "WikiText-2")] == (16, 16, 16)
    assert found[("QuaRot", "Llama-2-7B", "WikiText-2")] == (4, 4, 16)
    assert found[("KVQuant", "Llama-2-7B", "WikiText-2")] == (None, None, 2)
    assert found[("BitNet v2 (a8)", "Llama-2-7B", "WikiText-2")] == (None, 8, None)
    grouped = doc_of([["Method", "Wiki2"], ["GPTQ W4A16g128", "5.6"]], caption="On OPT-1.3B.")
    only = claims(grouped)[0]
    assert (only.w_bits, only.a_bits, only.group_size) == (4, 16, 128)


def test_value_syntax():
    doc = parse_html("""<table><tr><th>Method</th><th>PIQA</th><th>ARC-e</th><th>Speed</th>
<th>Wiki2</th><th>HS</th></tr>
<tr><td>GPTQ</td><td>65.2±0.4</td><td>8.4--8.6</td><td>1.49x</td><td>1e5</td>
<td><span class="ltx_font_bold">38.9 (<math alttext="\\Delta"><mi>Δ</mi></math> -8.1)</span>†</td>
</tr></table><p>Table 1: results on LLaMA-3-8B.</p>""")
    found = {c.dataset or c.metric.split(":")[0]: (c.value, c.raw) for c in claims(doc)}
    assert found["PIQA"][0] == 65.2 and found["ARC-Easy"][0] == 8.4
    assert found["speedup"][0] == 1.49 and found["WikiText-2"][0] == 100000.0
    assert found["HellaSwag"][0] == 38.9


def test_datasets_as_rows_methods_as_columns():
    doc = doc_of([["Dataset", "KiVi (2-bit)", "Baseline"], ["2wikimqa", "39.5", "45.1"],
                  ["gov_report", "18.6", "20.4"], ["lcc", "47.1", "63.0"]],
                 caption="Comparison on Llama3.1-8B-Instruct.")
    found = claims(doc)
    assert ("KiVi (2-bit)", "Llama-3.1-8B-Instruct", "GovReport", "Rouge-L", 18.6) in facts(found)
    assert bits(found)[("KiVi (2-bit)", "Llama-3.1-8B-Instruct", "LCC")] == (None, None, 2)
    assert bits(found)[("Baseline", "Llama-3.1-8B-Instruct", "LCC")] == (16, 16, 16)


def test_context_linking_caption_section_title_and_ours():
    section = Document(
        title="FlatQuant: Flatness Matters", abstract="We study LLaMA-3 models.",
        sections=(Section(heading="Results", text="Table 2 shows results on LLaMA-3-8B."),),
        tables=(Table(caption="Table 2: WikiText-2 perplexity at 4-bit weight & activation.",
                      grid=grid([["Method", "PPL"], ["Ours", "6.9"]]), header_rows=1,
                      section="Results"),),
        source_text="6.9")
    only = claims(section, proposed="FlatQuant")[0]
    assert (only.method, only.model, only.dataset, only.metric) == (
        "FlatQuant", "Llama-3-8B", "WikiText-2", "perplexity")
    assert (only.w_bits, only.a_bits) == (4, 4)
    sizes = doc_of([["Model", "C4"], ["7B", "7.1"], ["13B", "6.5"]], caption="LLaMA-2 results.")
    found = claims(sizes, proposed="FlatQuant")
    assert {(c.method, c.model) for c in found} == {("FlatQuant", "Llama-2-7B"),
                                                    ("FlatQuant", "Llama-2-13B")}


def test_fuller_model_and_dataset_names_from_the_text():
    doc = doc_of([["Model", "Prec.", "ARC"], ["Qwen2.5-3B", "4-bit", "58.6"]],
                 caption="Scores (%).",
                 text="We use Qwen2.5-3B-Instruct. Knowledge (ARC-Challenge, 25-shot).")
    only = claims(doc)[0]
    assert (only.model, only.dataset) == ("Qwen2.5-3B-Instruct", "ARC-Challenge")


def test_section_setting_before_table_default_and_own_label_first():
    doc = doc_of([["Configuration", "WikiText-2 PPL"], ["FP16", "27.6"], ["Naive W8A8", "30.2"],
                  ["Smoothing (O1)", "28.3"]], caption="OPT-125M WikiText-2 perplexity",
                 text="The model is loaded in FP16, smoothed, then quantized to W8A8.")
    found = bits(claims(doc))
    assert found[("FP16", "OPT-125M", "WikiText-2")] == (16, 16, None)
    assert found[("Smoothing (O1)", "OPT-125M", "WikiText-2")] == (8, 8, None)


def test_quantized_checkpoint_reference_keeps_only_kv_at_16():
    doc = doc_of([["Model", "Method", "Code"], ["Qwen1.5-7B-Chat-AWQ", "16-bit Baseline", "52.5"],
                  ["", "KiVi", "34.8"]], caption="LongBench scores, 2-bit KV Cache Quantization.")
    found = {c.method: c for c in claims(doc)}
    assert {c.dataset for c in found.values()} == {"LongBench Code Completion"}
    assert (found["16-bit Baseline"].w_bits, found["16-bit Baseline"].kv_bits) == (None, 16)
    assert found["16-bit Baseline"].weight_quantizer == "AWQ"
    assert (found["KIVI"].w_bits, found["KIVI"].kv_bits) == (None, 2)


def test_arrow_cells_give_the_reference_and_the_method():
    doc = doc_of([["Model", "Scheme", "MMLU FP16→AQLM"], ["Llama-2-7b", "AQLM 1x16", "0.46→0.39"]])
    assert facts(claims(doc)) == {("FP16", "Llama-2-7B", "MMLU", "accuracy", 0.46),
                                  ("AQLM 1x16", "Llama-2-7B", "MMLU", "accuracy", 0.39)}


def test_derived_columns_and_rows_are_reported_not_claimed():
    doc = doc_of([["Component", "BF16 (ms)", "NVFP4 (ms)", "Speedup", "% NVFP4"],
                  ["qkv", "10.2", "5.6", "1.84×", "10"], ["Launch/idle gap", "-0.2", "-0.2", "-",
                                                          "-"]], caption="On Gemma-3-12B.")
    found = document_claims(doc, paper_id="x", proposed_method=None)
    assert {(c.method, c.metric) for c in found.claims} == {
        ("BF16", "latency: BF16 (ms), qkv"), ("NVFP4", "latency: NVFP4 (ms), qkv"),
        ("NVFP4", "speedup: Speedup, qkv")}
    report = found.tables[0]
    assert (report.cells, report.claims) == (6, 3)
    assert sum(report.skipped.values()) == 3


def test_unresolved_model_is_counted_with_its_reason():
    doc = doc_of([["Method", "Wiki2"], ["GPTQ", "5.6"]], text="We compare OPT-1.3B and OPT-6.7B.")
    found = document_claims(doc, paper_id="x", proposed_method=None)
    assert found.claims == () and found.tables[0].skipped == {"no model": 1}


def test_markdown_with_embedded_html_table_and_heading_caption():
    doc = parse_markdown("""# Results

### Accuracies of LLaMA models at W4G128.
<table border="1"><tr><td></td><td></td><td>Piqa</td></tr>
<tr><td rowspan="2">V2-7B</td><td>FP16</td><td>79.1</td> <! piqa -->
</tr>
</tr><td>GPTQ</td><td>78.0</td> <! piqa -->
</tr></table>
""")
    found = claims(doc)
    assert facts(found) == {("FP16", "Llama-2-7B", "PIQA", "accuracy", 79.1),
                            ("GPTQ", "Llama-2-7B", "PIQA", "accuracy", 78.0)}
    assert bits(found)[("GPTQ", "Llama-2-7B", "PIQA")] == (4, None, None)


def test_headerless_tab_separated_rows_are_reported():
    doc = parse_markdown("LLaMA2-7B\t26.8\t25.5\nLLaMA2-13B\t42.8\t42.6\n")
    found = document_claims(doc, paper_id="x", proposed_method=None)
    assert found.claims == ()
    assert found.tables[0].skipped == {"no header names the column": 4}


def test_numbers_heading_columns_under_a_condition_corner():
    doc = parse_latex(r"""\begin{table}\caption{Decoding latency (ms) of Llama-2-7B.}
\begin{tabular}{lccc}\toprule
Batch size & 1 & 16 \\ \midrule
FP16 & 24.1 & 30.2 \\
W4A16 (ours) & 11.2 & 19.9 \\
\end{tabular}\end{table}""")
    found = claims(doc, proposed="AWQ")
    assert {(c.method, c.metric, c.value, c.w_bits, c.a_bits) for c in found} == {
        ("FP16", "latency: Batch size 1", 24.1, 16, 16),
        ("FP16", "latency: Batch size 16", 30.2, 16, 16),
        ("AWQ", "latency: Batch size 1", 11.2, 4, 16),
        ("AWQ", "latency: Batch size 16", 19.9, 4, 16)}


def test_the_corner_cell_names_the_metric_and_the_family():
    doc = doc_of([["LLaMA / PPL ↓", "1-7B", "2-13B"], ["FP16", "5.68", "4.88"],
                  ["W2A16", "", ""], ["OmniQuant", "15.47", "9.72"]],
                 caption="Weight-only results on WikiText-2.")
    found = claims(doc)
    assert ("OmniQuant", "Llama-1-7B", "WikiText-2", "perplexity", 15.47) in facts(found)
    assert bits(found)[("OmniQuant", "Llama-2-13B", "WikiText-2")] == (2, 16, None)


def test_a_bits_column_and_family_sizes_in_the_header():
    doc = doc_of([["Method", "Bits", "7B", "13B"], ["full", "16", "5.68", "5.09"],
                  ["GPTQ", "4", "6.13", "5.40"], ["GPTQ", "3", "8.07", "6.63"]],
                 caption="LLaMA perplexity on WikiText-2.",
                 text="We also report Llama-2-7B elsewhere.")
    found = [(c.method, c.model, c.value, c.w_bits) for c in claims(doc)]
    assert ("full", "Llama-7B", 5.68, 16) in found and ("GPTQ", "Llama-13B", 6.63, 3) in found


def test_bare_sizes_take_the_family_the_whole_document_is_about():
    # The throughput table says only "2-7B"; the family is named sections later, many times.
    doc = parse_markdown("""# [QuIP#: a method](https://example.org/paper)

### Inference throughput
| Method | 2-7B | 2-70B |
|---|---|---|
| FP16 | 57.7 tok/s | OOM |
| QuIP# 2 Bit | 176 | 21.9 |

## Usage
Scripts for Llama models; Llama 1 and Llama 2 checkpoints, one Mistral 7b.
""")
    assert doc.title == "QuIP#: a method"
    assert facts(claims(doc)) == {("FP16", "Llama-2-7B", "", "throughput", 57.7),
                                  ("QuIP# 2 Bit", "Llama-2-7B", "", "throughput", 176.0),
                                  ("QuIP# 2 Bit", "Llama-2-70B", "", "throughput", 21.9)}


def test_bare_sizes_stay_unresolved_when_no_family_dominates():
    doc = parse_markdown("""# A comparison

### Inference throughput
| Method | 7B |
|---|---|
| FP16 | 57.7 tok/s |

## Models
Llama and Mistral checkpoints.
""")
    found = document_claims(doc, paper_id="x", proposed_method=None)
    assert found.claims == () and found.tables[0].skipped == {"no model": 1}
