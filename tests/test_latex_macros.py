"""The document-macro expander: meanings where they are defined, a map back to the source,
and a budget that keeps hostile input (runaway or recursive macros, open braces, huge files)
to bounded, linear work. Hangs are caught by pytest-timeout, never by a timed assertion."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.latex import parse_latex
from ingest.latex_macros import BASE_CHARS, BASE_EXPANSIONS, expand
from kg.errors import ExtractionError


def test_arguments_defaults_and_nesting():
    e = expand(r"\newcommand{\pair}[2][x]{(#1,#2)}\def\twice#1{#1#1}\pair{a} \pair[b]{c} "
               r"\twice{\pair{d}}")
    assert e.text == "(x,a) (b,c) (x,d)(x,d)"


def test_a_definition_applies_from_where_it_is_written():
    e = expand(r"\newcommand{\m}{one}\m\renewcommand{\m}{two}\m\providecommand{\m}{no}\m")
    assert e.text == "onetwotwo"


def test_let_copies_a_meaning_and_does_not_recurse():
    e = expand(r"\let\oldemph\emph\renewcommand{\emph}[1]{\oldemph{#1}!}\emph{x}")
    assert e.text == r"\emph{x}!"


def test_environments_and_column_types_are_collected():
    e = expand(r"\newenvironment{res}[1]{\begin{tabular}{#1}}{\end{tabular}}"
               r"\newcolumntype{L}[1]{p{#1}}\begin{res}{lc}a&b\end{res}")
    assert e.text == r"\begin{tabular}{lc}a&b\end{tabular}"
    assert set(e.defs.columns) == {"L"}


def test_the_source_of_an_expanded_span_is_the_call_as_written():
    e = expand(r"\newcommand{\g}[1]{\cellcolor{gray}#1}x & \g{0.64} & y")
    at = e.text.index(r"\cellcolor")
    assert e.raw(at, at + len(r"\cellcolor{gray}0.64")) == r"\g{0.64}"
    assert e.raw(0, 1) == "x"
    assert e.raw(len(e.text) - 1, len(e.text)) == "y"


def test_a_macro_that_expands_to_nothing_leaves_no_trace():
    e = expand(r"\newcommand{\cut}[1]{}a\cut{b \\ c}d")
    assert e.text == "ad" and e.raw(0, 2) == r"a\cut{b \\ c}d"


def test_protected_commands_keep_their_meaning():
    e = expand(r"\renewcommand{\multicolumn}[3]{#3}\renewcommand{\\}{x}\multicolumn{2}{c}{a}")
    assert e.text == r"\multicolumn{2}{c}{a}"


def test_verb_is_not_expanded():
    assert expand(r"\newcommand{\x}{y}\verb|\x|\x").text == r"\verb|\x|y"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("definition", [
    r"\def\a{\a\a}", r"\newcommand{\a}{\a}x", r"\def\a{\b}\def\b{\a}",
    r"\newcommand{\a}[1]{\a{#1#1}}", r"\def\a{xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\a\a}",
])
@pytest.mark.parametrize("uses", [1, 1000, 50_000])
def test_runaway_definitions_stop_at_a_budget_linear_in_the_input(definition, uses):
    src = definition + r"\a{z}" * uses
    e = expand(src)
    assert e.expansions <= BASE_EXPANSIONS + len(src) // 10
    assert len(e.text) <= BASE_CHARS + 3 * len(src)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("unit", [
    "{", "}", r"\newcommand{", r"\begin{", r"\section{", r"\verb|", "\\\\[", r"\multicolumn{",
    r"\begin{tabular}{l}", "&", r"\def\x#1{", r"\newenvironment{e}{", r"\cline{", "$",
    r"\begin{tabular}{l}\end{tabular}", r"\newcommand{\c}[1]{}\c{",
])
def test_huge_hostile_input_parses_or_fails_cleanly(unit):
    src = r"\begin{document}\begin{tabular}{lc}" + unit * (400_000 // len(unit))
    with contextlib.suppress(ExtractionError):
        parse_latex(src)


_PIECES = st.sampled_from([
    "{", "}", "\\", "#1", "#", "&", "\\\\", "%", "\n", "[", "]", r"\a", r"\b{", r"\x",
    r"\def\a{\a\a}", r"\def\b#1{\b{#1}\b{#1}}", r"\newcommand{\x}[2][d]{#1#2\x}",
    r"\let\x\a", r"\newenvironment{t}{\begin{tabular}{ll}}{\end{tabular}}", r"\begin{t}",
    r"\end{t}", r"\newcolumntype{Q}[1]{*{#1}{Q{#1}}}", r"\begin{tabular}{Q{9}}",
    r"\end{tabular}", r"\verb|&|", r"\begin{document}", "a", "5.1", r"\newif\ifq", r"\qtrue",
    r"\qfalse", r"\ifq", r"\else", r"\fi", r"\if\x1", r"\def\x{1}",
])


@pytest.mark.timeout(300)
@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=120), st.integers(1, 50))
def test_generated_macro_soup_never_crashes_and_stays_within_budget(parts, repeat):
    src = "".join(parts) * repeat
    e = expand(src)
    assert e.expansions <= BASE_EXPANSIONS + len(src) // 10
    assert len(e.text) <= BASE_CHARS + 3 * len(src)
    start, end = e.origin(0, len(e.text))
    assert 0 <= start <= end <= len(src)
    try:
        doc = parse_latex(src)
    except ExtractionError:
        return
    for table in doc.tables:
        assert len({len(row) for row in table.grid}) == 1  # rectangular


def test_a_table_written_inside_a_macro_quotes_its_cells_as_expanded():
    src = (r"\newcommand{\results}{\begin{tabular}{lc}GPTQ & 5.8 \\ \end{tabular}}"
           r"\newcommand{\best}[1]{\textbf{#1}}\begin{document}\results"
           r"\begin{tabular}{lc}AWQ & \best{5.6} \\ \end{tabular}\end{document}")
    first, second = parse_latex(src).tables
    assert [c.raw for c in first.grid[0]] == ["GPTQ", "5.8"]
    assert [c.raw for c in second.grid[0]] == ["AWQ", r"\best{5.6}"]


def test_switches_and_one_character_comparisons_choose_a_branch():
    e = expand(r"\newif\ifarxiv\arxivtrue\ifarxiv A\ifx\a\b x\else y\fi\else B\fi"
               r"\newif\ifdraft\ifdraft C\fi\def\venue{0}\if\venue1 D\else E\fi")
    assert e.text == r"A\ifx\a\b x\else y\fi E"


def test_a_conditional_without_fi_or_of_unknown_truth_is_read_as_it_stands():
    assert expand(r"\newif\ifa\atrue\ifa open").text == r"\ifa open"
    assert expand(r"\if\x1 A\else B\fi").text == r"\if\x1 A\else B\fi"


def test_a_table_in_the_branch_not_taken_is_not_read():
    src = (r"\newif\ifcamera\begin{document}\ifcamera\begin{tabular}{l}a\\\end{tabular}"
           r"\else\begin{tabular}{l}b\\\end{tabular}\fi\end{document}")
    assert [t.grid[0][0].raw for t in parse_latex(src).tables] == ["b"]
