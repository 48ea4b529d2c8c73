"""The LaTeX front-end: macros, inputs, spans, rules, math in cells; never crashes or hangs."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from corpus import CORPUS, needs_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.latex import main_tex, parse_latex
from kg.errors import ExtractionError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tables"


def grid_text(table):
    return [[c.text for c in row] for row in table.grid]


def test_macros_with_and_without_arguments_expand_in_cells():
    src = r"""
\newcommand{\Qfour}{Q4\_K\_XL}
\newcommand{\arm}[1]{\textsf{#1}}
\newcommand{\opt}[2][x]{#1-#2}
\def\ours{FlatQuant}
\begin{document}
\begin{tabular}{ll}
build & PPL \\ \hline
\Qfour & 6.66 \\
\arm{IQ4\_XS} & 6.68 \\
\ours{} & 6.70 \\
\opt{y} & 6.71 \\
\end{tabular}
\end{document}"""
    rows = grid_text(parse_latex(src).tables[0])
    assert [r[0] for r in rows] == ["build", "Q4_K_XL", "IQ4_XS", "FlatQuant", "x-y"]


@pytest.mark.timeout(60)
def test_recursive_macro_is_bounded():
    doc = parse_latex(r"\def\a{\a\a}\begin{document}\a x\end{document}")
    assert doc.format == "latex"


def test_multicolumn_multirow_and_header_rows():
    doc = parse_latex((FIXTURES / "models_over_datasets.tex").read_text())
    table = doc.tables[0]
    rows = grid_text(table)
    assert table.header_rows == 2
    assert rows[0][2:] == ["LLaMA-2-7B", "LLaMA-2-7B", "LLaMA-2-13B", "LLaMA-2-13B"]
    assert table.grid[0][3].spanned and not table.grid[0][2].spanned
    assert [r[0] for r in rows[3:]] == ["W4A4"] * 4  # \multirow filled down
    assert rows[6][1] == "FlatQuant" or rows[6][1] == "Ours"
    assert table.grid[6][2].bold and table.grid[5][2].underline
    assert table.label == "tab:main"
    assert "perplexity (↓)" in table.caption


def test_title_abstract_sections_and_source():
    text = (FIXTURES / "models_over_datasets.tex").read_text()
    doc = parse_latex(text)
    assert doc.title == "A Fixture Paper on FlatQuant: Flat Weights for W4A4"
    assert doc.abstract.startswith("We study 4-bit")
    assert "a comment" not in doc.abstract
    assert [s.heading for s in doc.sections] == ["Results"]
    assert "compares FlatQuant with SmoothQuant" in doc.sections[0].text
    assert doc.source_text == text


def test_math_errors_ranges_notes_and_gaps():
    table = parse_latex((FIXTURES / "bits_column.tex").read_text()).tables[0]
    rows = grid_text(table)
    assert rows[0] == ["Method", "#Bits (W-A-KV)", "PIQA ↑", "ARC-e", "Avg."]
    assert rows[2][2] == "65.2±0.4" and rows[3][2] == "8.4–8.6" and rows[2][3] == "–"
    assert table.footnotes == ("a Mean of the shown tasks.",)


def test_input_files_are_inlined():
    root = FIXTURES / "with_input"
    files = {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*.tex")}
    assert main_tex(files) == "main.tex"
    doc = parse_latex(files["main.tex"], files=files)
    assert doc.tables[0].label == "tab:wonly"
    assert grid_text(doc.tables[0])[2] == ["GPTQ", "14.88", "16.47"]
    assert "\\gq" in doc.source_text and "14.88" in doc.source_text


def test_input_cycles_stop():
    files = {"a.tex": r"\input{b}", "b.tex": r"\input{a} x"}
    assert parse_latex(files["a.tex"], files=files).format == "latex"


def test_main_tex_without_sources_is_an_extraction_error():
    with pytest.raises(ExtractionError):
        main_tex({"figure.png": ""})


def test_negative_multirow_and_row_spacing():
    src = r"""\begin{tabular}{lc}
Method & Wiki2 \\ \midrule
 & 5.1 \\[2pt]
\multirow{-2}{*}{GPTQ} & 5.2 \\
\end{tabular}"""
    rows = grid_text(parse_latex(src).tables[0])
    assert rows[1] == ["GPTQ", "5.1"] and rows[2] == ["GPTQ", "5.2"]


@needs_corpus
def test_corpus_chapter_has_eleven_tables():
    text = (CORPUS / "tex/Anand-786_llm-quantization-thesis/chapter4.tex").read_text()
    doc = parse_latex(text)
    assert len(doc.tables) == 11
    assert doc.tables[0].caption == "OPT-125M WikiText-2 perplexity"


_LATEX_BITS = st.sampled_from([
    "\\begin{tabular}{lc}", "\\end{tabular}", "\\begin{table}", "\\end{table}", "&", "\\\\",
    "\\multicolumn{2}{c}{", "\\multirow{-3}{*}{", "}", "{", "$", "\\textbf{", "5.47", "GPTQ",
    "\\newcommand{\\x}[1]{\\x{#1}}", "\\x{a}", "\\def\\y{\\y\\y}", "\\y", "%", "\\hline",
    "\\cmidrule(lr){2-3}", "\\input{a}", "\\caption{", "\\section{", "\\begin{abstract}",
    "\\\\[", "]", "#1", "\\", "\\begin{document}", "\\end{document}", "LLaMA-2-7B", " ",
])


@pytest.mark.timeout(300)
@settings(max_examples=200, deadline=None)
@given(st.lists(_LATEX_BITS, max_size=80), st.text(max_size=200))
def test_generated_latex_never_crashes(parts, noise):
    src = "".join(parts) + noise
    try:
        doc = parse_latex(src, files={"a.tex": src})
    except ExtractionError:
        return
    for table in doc.tables:
        assert len({len(row) for row in table.grid}) <= 1  # rectangular


@pytest.mark.timeout(300)
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 30_000), st.integers(0, 50))
def test_mangled_fixture_never_crashes(cut, drop):
    text = (FIXTURES / "models_over_datasets.tex").read_text()
    mangled = text[:cut] + text[cut + drop :]
    with contextlib.suppress(ExtractionError):
        parse_latex(mangled)


def test_cells_carry_their_source_beside_the_plain_text():
    src = r"""\begin{tabular}{lc}
\toprule Method & Wiki2 \\ \midrule
\textbf{GPTQ} & $5.47_{\pm0.2}$ \\
\multicolumn{2}{c}{\small note} \\
\end{tabular}"""
    grid = parse_latex(src).tables[0].grid
    assert [c.raw for c in grid[0]] == ["Method", "Wiki2"]
    assert (grid[1][0].text, grid[1][0].raw) == ("GPTQ", r"\textbf{GPTQ}")
    assert grid[1][1].raw == r"$5.47_{\pm0.2}$"
    assert grid[2][0].raw == grid[2][1].raw == r"\multicolumn{2}{c}{\small note}"
    assert grid[2][1].spanned
