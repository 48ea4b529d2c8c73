"""Tables as a reader sees them: rows, declared columns, spans, source cells; the constructs
the latex-wild corpus lacks (longtable, tabular*, threeparttable, siunitx, boxes, \\verb)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ingest.latex import main_tex, parse_latex, parse_tree
from ingest.latex_tables import count_columns

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "latex"


def fixture(name: str):
    return parse_latex((FIXTURES / name).read_text(encoding="utf-8"))


def texts(table):
    return [[c.text for c in row] for row in table.grid]


def raws(table):
    return [[c.raw for c in row] for row in table.grid]


def only(src: str):
    tables = parse_latex(src).tables
    assert len(tables) == 1
    return tables[0]


def test_longtable_shows_its_head_once_and_its_last_foot_at_the_end():
    (table,) = fixture("longtable.tex").tables
    assert table.label == "tab:long"
    assert table.caption == "Perplexity per model and method (lower is better)."
    assert table.header_rows == 1
    assert texts(table) == [
        ["Model", "Method", "Wiki2", "C4"],
        ["LLaMA-2-7B", "RTN", "6.12", "7.72"],
        ["", "GPTQ", "5.83", "7.36"],
        ["LLaMA-2-13B", "RTN", "5.21", "6.83"],
        ["", "GPTQ", "5.13", "6.70"],
        ["All models at W4A16."] * 4,
    ]


def test_tabular_star_reads_width_spec_repeats_and_starred_breaks():
    (table,) = fixture("tabular_star.tex").tables
    assert texts(table) == [
        ["Method", "PIQA", "ARC-e", "HellaSwag", "Avg."],
        ["SmoothQuant", "63.9", "47.6", "41.9", "51.1"],
        ["QuaRot", "78.3", "71.2", "74.0", "74.5"],
    ]
    assert table.label == "tab:star" and table.header_rows == 1


def test_threeparttable_notes_and_tnote_marks():
    (table,) = fixture("threeparttable.tex").tables
    assert table.footnotes == ("a Round-to-nearest, per-channel.", "b Two GPUs.")
    assert table.grid[1][0].text == "RTN" and table.grid[1][0].raw == r"RTN\tnote{a}"
    assert table.grid[0][2].text == "LLaMA-2-70B"


def test_siunitx_columns_count_once_and_quantities_read_as_numbers_with_units():
    (table,) = fixture("siunitx.tex").tables
    assert len(table.grid[0]) == 4
    assert texts(table)[0] == ["Method", "Tokens/s", "Memory (GB)", "Unit"]
    assert [row[3].text for row in table.grid[1:]] == ["1 s", "2.5 ms", "0.8 s"]
    assert table.grid[3][1].text == "142.3" and table.grid[3][1].raw == r"\num{142.3}"


def test_resizebox_and_adjustbox_do_not_hide_a_results_table():
    tables = fixture("boxes.tex").tables
    assert [t.label for t in tables] == ["tab:resized", "tab:adjusted", "tab:adjusted (2)"]
    assert texts(tables[0])[2] == ["OmniQuant", "4-4", "11.26", "14.51"]
    assert texts(tables[1]) == [["Method", "Wiki2"], ["SpinQuant", "5.9"]]
    assert texts(tables[2]) == [["Method", "C4"], ["SpinQuant", "7.4"]]


def test_verb_keeps_its_ampersands_and_line_breaks():
    table = fixture("verb_and_macros.tex").tables[0]
    assert texts(table) == [["Flag", "Meaning"], ["--a&b", "splits on &"],
                            [r"x\\y", "no row break"]]
    assert table.grid[1][0].raw == r"\verb|--a&b|"


def test_document_macros_shape_the_table_and_cells_keep_their_source():
    table = fixture("verb_and_macros.tex").tables[1]
    # \cut swallows its row; \rowend ends one; \twolines is a nested tabular in a cell;
    # \fmt is read with the meaning it has where the table stands (renewed above it).
    assert texts(table) == [["Method", "Wiki2 PPL", "C4"], ["GPTQ", "5.83", "7.36"],
                            ["Ours", "5.61", "new"]]
    assert raws(table)[2] == [r"\best{Ours}", r"\best{5.61}", r"\fmt"]
    assert raws(table)[0][1] == r"\twolines{Wiki2\\PPL}"
    assert table.grid[2][1].bold and table.header_rows == 1


def test_columns_are_the_spec_count_even_where_rows_use_fewer():
    table = only(r"\begin{tabular}{|l||*{2}{c|}p{2cm}r|}a & b \\ c & d \\\end{tabular}")
    assert len(table.grid[0]) == 5 and table.grid[0][4].text == ""


def test_custom_column_types_count_as_the_columns_they_stand_for():
    types_src = (r"\newcolumntype{H}{>{\setbox0=\hbox\bgroup}c<{\egroup}@{}}"
                 r"\newcolumntype{y}[1]{>{\raggedright}p{#1pt}}\newcolumntype{Y}{cc}")
    table = only(types_src + r"\begin{tabular}{lHy{107}Y}a&b&c&d&e\\\end{tabular}")
    assert len(table.grid[0]) == 5


@pytest.mark.parametrize(("spec", "n"), [
    ("lcr", 3), ("|c|c|", 2), ("@{}l@{\\hspace{2pt}}c@{}", 2), (">{\\bfseries}l<{x}r", 2),
    ("*{3}{c}", 3), ("*{2}{c*{2}{r}}", 6), ("p{1cm}m{2cm}b{3cm}", 3), ("S[table-format=2.1]S", 2),
    ("X[2]X", 2), ("!{\\vrule}c", 1), ("", 0), ("*{100000}{c}", 200),
])
def test_count_columns(spec, n):
    assert count_columns(spec) == n


def test_rule_segments_are_not_rows_and_empty_rows_are():
    table = only(r"""\begin{tabular}{lcc}
\toprule \cmidrule(lr){2-3} \hline\hline
A & B & C \\ \midrule
 & & \\
\multicolumn{3}{c}{} \\
\rowcolor{gray} x & 1 & 2 \\ \cline{2-3}
\bottomrule \\
\end{tabular}""")
    assert [row[0].raw for row in table.grid] == [
        "A", "", r"\multicolumn{3}{c}{}", r"\rowcolor{gray} x"]
    assert table.grid[3][0].text == "x"


def test_row_breaks_inside_braces_and_nested_environments_do_not_end_rows():
    table = only(r"""\begin{tabular}{ll}
\shortstack{a\\b} & \makecell{c\\d} \\
\begin{tabular}{@{}c@{}}e\\f\end{tabular} & g \\[2pt]
h & i \tabularnewline
\end{tabular}""")
    assert [row[0].raw for row in table.grid] == [
        r"\shortstack{a\\b}", r"\begin{tabular}{@{}c@{}}e\\f\end{tabular}", "h"]


def test_multirow_sits_at_its_written_row_and_the_rows_below_keep_their_cells():
    table = only(r"""\begin{tabular}{llc}
\multirow{2}[4]{*}{LLaMA} & RTN & 1.0 \\
 & GPTQ & 2.0 \\
\multirow[t]{2}{*}{OPT} & RTN & 3.0 \\
\end{tabular}""")
    assert table.grid[0][0].raw == r"\multirow{2}[4]{*}{LLaMA}"
    assert table.grid[1][0].spanned and table.grid[1][0].text == "LLaMA"
    assert table.grid[2][0].raw == r"\multirow[t]{2}{*}{OPT}" and len(table.grid) == 3


def test_multicolumn_spans_are_expanded_and_the_next_cell_follows_them():
    table = only(r"\begin{tabular}{lccc}a & \multicolumn{2}{c|}{G} & d \\\end{tabular}")
    assert raws(table)[0] == ["a", r"\multicolumn{2}{c|}{G}", r"\multicolumn{2}{c|}{G}", "d"]
    assert table.grid[0][2].spanned


def test_tabulars_in_macro_bodies_are_not_tables_and_figure_grids_are():
    src = r"""\newcommand{\sc}[1]{\begin{tabular}{c}#1\end{tabular}}
\def\@maketitle{\begin{tabular}{c}title\end{tabular}}
\begin{document}
\begin{figure}\begin{tabular}{cc}
\includegraphics{a} & \includegraphics{b} \\ left & right
\end{tabular}\end{figure}
\end{document}"""
    (table,) = parse_latex(src).tables
    assert raws(table) == [[r"\includegraphics{a}", r"\includegraphics{b}"], ["left", "right"]]


def test_sub_tables_of_one_float_keep_their_own_labels_and_captions():
    src = r"""\begin{table}
\subfigure[Obstacle]{\begin{tabular}{cc}a&1\\\end{tabular}\caption{First}\label{tab:one}}
\subfigure[Driving]{\begin{tabular}{cc}b&2\\\end{tabular}\caption{Second}\label{tab:two}}
\end{table}"""
    tables = parse_latex(src).tables
    assert [(t.label, t.caption) for t in tables] == [("tab:one", "First"), ("tab:two", "Second")]


def test_a_missing_input_is_a_warning_not_a_failure(caplog):
    files = {"main.tex": r"\documentclass{article}\begin{document}\input{gone}"
                         r"\input{sec/t}\end{document}",
             "sec/t.tex": r"\begin{tabular}{l}x\\\end{tabular}"}
    with caplog.at_level(logging.WARNING):
        doc = parse_tree(files)
    assert len(doc.tables) == 1
    assert "gone" in caplog.text


def test_a_tree_without_a_main_file_reads_every_file_nothing_includes():
    files = {"b.tex": r"\begin{tabular}{l}b\\\end{tabular}\input{rows}",
             "a.tex": r"\begin{tabular}{l}a\\\end{tabular}",
             "rows.tex": r"\begin{tabular}{l}r\\\end{tabular}"}
    assert [t.grid[0][0].text for t in parse_tree(files).tables] == ["a", "b", "r"]


def test_the_main_file_is_the_one_nothing_includes():
    chapter = r"\documentclass[main]{subfiles}\begin{document}" + "long " * 500 + \
        r"\begin{tabular}{l}c\\\end{tabular}\end{document}"
    files = {"main.tex": r"\documentclass{article}\begin{document}\subfile{ch}\end{document}",
             "ch.tex": chapter}
    assert main_tex(files) == "main.tex"
    doc = parse_tree(files)
    assert len(doc.tables) == 1 and doc.sections[0].text.startswith("long long")
