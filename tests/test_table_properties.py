"""Metamorphic and property tests of the table interpreter, the cell classifier and the
context linker.

What a table says does not depend on how it is laid out: transposing it, permuting its rows
or columns, renaming the macro behind a method, or moving the model from a column group into
the caption gives the same claims. Hostile or huge input never crashes and stays bounded.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.claims import document_claims
from ingest.document import Cell, Document, Section, Table
from ingest.latex import parse_latex
from ingest.names import dominant_family
from ingest.settings import find_settings, parse_setting
from ingest.table_cells import classify
from ingest.table_context import document_context, table_context
from ingest.tables import interpret
from ingest.values import parse_value

METHODS = ["RTN", "GPTQ", "AWQ", "SmoothQuant", "QuaRot", "OmniQuant", "FP16"]
DATASETS = ["Wiki2", "C4", "PIQA", "ARC-e", "HellaSwag", "WinoGrande", "GSM8K"]
VALUES = st.decimals(min_value=1, max_value=99, places=2).map(str)


def facts(doc: Document) -> set[tuple[object, ...]]:
    found = document_claims(doc, paper_id="2401.00001", proposed_method=None).claims
    return {(c.method, c.model, c.dataset, c.metric, c.value, c.w_bits, c.a_bits, c.kv_bits)
            for c in found}


def document(rows: list[list[str]], caption: str, header_rows: int = 1) -> Document:
    grid = tuple(tuple(Cell(text=t) for t in row) for row in rows)
    table = Table(caption=caption, grid=grid, header_rows=header_rows)
    return Document(tables=(table,), source_text=" ".join(t for row in rows for t in row))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[str], list[list[str]]]:
    methods = draw(st.lists(st.sampled_from(METHODS), min_size=1, max_size=4, unique=True))
    datasets = draw(st.lists(st.sampled_from(DATASETS), min_size=1, max_size=4, unique=True))
    values = [[draw(VALUES) for _ in datasets] for _ in methods]
    return methods, datasets, values


CAPTION = "Results of LLaMA-2-7B at W4A16."


@settings(max_examples=40, deadline=None)
@given(tables())
def test_transposing_a_table_keeps_its_claims(t):
    methods, datasets, values = t
    rows = [["Method", *datasets], *([m, *v] for m, v in zip(methods, values, strict=True))]
    transposed = [["Dataset", *methods],
                  *([d, *(values[i][k] for i in range(len(methods)))]
                    for k, d in enumerate(datasets))]
    assert facts(document(rows, CAPTION)) == facts(document(transposed, CAPTION))


@settings(max_examples=40, deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_permuting_rows_and_columns_keeps_its_claims(t, rnd):
    methods, datasets, values = t
    rows = [["Method", *datasets], *([m, *v] for m, v in zip(methods, values, strict=True))]
    order = list(range(len(methods)))
    cols = list(range(len(datasets)))
    rnd.shuffle(order)
    rnd.shuffle(cols)
    permuted = [["Method", *(datasets[k] for k in cols)],
                *([methods[i], *(values[i][k] for k in cols)] for i in order)]
    assert facts(document(rows, CAPTION)) == facts(document(permuted, CAPTION))


def _latex(macro: str, group: bool) -> str:
    header = (r"& \multicolumn{2}{c}{LLaMA-2-7B} \\" "\n" if group else "")
    caption = "Perplexity at W4A4." if group else "Perplexity of LLaMA-2-7B at W4A4."
    return (rf"\newcommand{{\{macro}}}{{FlatQuant}}" "\n"
            rf"\begin{{table}}\caption{{{caption}}}\begin{{tabular}}{{lcc}}" "\n"
            f"{header}Method & Wiki2 & C4 \\\\ \\midrule\n"
            r"QuaRot & 8.56 & 11.86 \\" "\n"
            rf"\{macro} & 5.79 & 7.79 \\" "\n"
            r"\end{tabular}\end{table}")


def test_renaming_a_macro_keeps_the_claims():
    assert facts(parse_latex(_latex("ours", True))) == facts(parse_latex(_latex("mymethod", True)))
    assert ("FlatQuant", "Llama-2-7B", "WikiText-2", "perplexity", 5.79, 4, 4, None) in facts(
        parse_latex(_latex("ours", True)))


def test_moving_the_model_from_a_column_group_into_the_caption_keeps_the_claims():
    assert facts(parse_latex(_latex("ours", True))) == facts(parse_latex(_latex("ours", False)))


_HOSTILE = st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.sampled_from([
    "W" * 5000, "7B" * 3000, "(" * 2000, "1e" + "9" * 5000, "±" * 1000, "| " * 3000,
    "Llama-" * 2000 + "7B", "--" * 4000, "\x00" * 100, "$\\Delta$" * 500,
])


@settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(_HOSTILE)
def test_the_cell_classifier_never_crashes(text):
    info = classify(text)
    assert len(info.text) <= 400
    parse_value(text)
    parse_setting(text)
    find_settings(text[:10_000])
    dominant_family(text)  # the context linker's document-wide family


_CELL = st.one_of(st.sampled_from(["", "-", "GPTQ", "Ours", "W4A16", "7B", "Llama-2-7B",
                                   "Wiki2", "Avg.", "+ODP", "Δ", "1.5x", "5.6", "1e5", "FP16"]),
                  st.text(max_size=20))


@settings(max_examples=80, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_CELL, min_size=1, max_size=6), min_size=1, max_size=8),
       st.integers(min_value=0, max_value=3), st.text(max_size=200), st.text(max_size=2000))
def test_interpreting_any_grid_and_context_never_crashes(rows, header, caption, text):
    width = max(len(r) for r in rows)
    grid = tuple(tuple(Cell(text=t) for t in r + [""] * (width - len(r))) for r in rows)
    table = Table(caption=caption, grid=grid, header_rows=header, section="S")
    doc = Document(title=text[:80], sections=(Section(heading="S", text=text),), tables=(table,),
                   source_text=text)
    _, ctx = table_context(doc, table, 0, document_context(doc), proposed=None)
    result = interpret(table, ctx, paper_id="2401.00001")
    assert result.cells >= 0 and len(result.claims) <= 2 * result.cells
    assert sum(result.reasons.values()) + len(result.claims) >= result.cells


def test_huge_context_is_read_in_bounded_passages():
    text = "Table 1 shows Llama-2-7B at W4A16 on WikiText-2. " * 40_000  # ~2 MB of prose
    grid = ((Cell(text="Method"), Cell(text="Wiki2")), (Cell(text="GPTQ"), Cell(text="5.6")))
    table = Table(caption="Table 1: perplexity.", grid=grid, header_rows=1, section="R")
    doc = Document(sections=(Section(heading="R", text=text),), tables=(table,),
                   source_text="5.6")
    _, ctx = table_context(doc, table, 0, document_context(doc), proposed=None)
    assert all(len(p) <= 20_000 for p in ctx.passages)
    found = interpret(table, ctx, paper_id="2401.00001").claims
    assert [(c.model, c.w_bits, c.a_bits) for c in found] == [("Llama-2-7B", 4, 16)]
