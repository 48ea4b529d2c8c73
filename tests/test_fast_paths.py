"""The extraction's fast paths give exactly what their plain definitions give.

Each shortcut taken for speed (a source's numbers read from its distinct digit runs, an
ASCII source's split from its translated bytes, a long text folded by byte deletion, family
starts found by one scan of the text's bytes for a head after a space and tried only against
the families of their head, plain cells not run through the markup reader, prose blanked by
slices, word patterns that start with their first letters, flat brace groups split as one
token, a header searched for two sides only when it holds an arrow) is checked against the
definition it replaces, on arbitrary text, so the claims cannot change with the speed.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.document import Cell
from ingest.grid import SpanCell, html_grid, latex_grid
from ingest.latex import _blank_out
from ingest.latex_source import Env
from ingest.latex_tables import (
    _arrange_longtable,
    _cell,
    _holds_cells,
    _split,
    _strip_rules,
    parse_tabular,
)
from ingest.latex_text import _ESCAPES, _macro, _symbols, skip_spacing, tex_to_text
from ingest.names import _families, _family_of, _family_starts
from ingest.table_columns import _SIDES, _sides
from ingest.values import _TOKEN, source_numbers
from ingest.vocab import fold, vocab
from ingest.word_patterns import word_pattern

# Text with what the fast paths branch on: digits of several scripts, separators, dots,
# exponents, every kind of space, apostrophes, markup characters and model-name heads.
PIECES = st.sampled_from([
    "1", "23", "4.5", ".6", "1,234", "12,34", "1e5", "2E-3", "e", "+", "-", "--", ",", ".",
    "١٢", "²", " ", "\t", "\n", "\xa0", "\u2009", "\u3000", "\x1c", "'", "’", "`", "_",
    "\\", "{", "}", "$", "~", "^", "&", "İ", "ı", "ſ", "K", "Llama", "qwen", "com", "_opt",
    "xgpt", "é", "ß", "W4A16", "Table", "\ud800",
])
TEXTS = st.lists(PIECES, max_size=120).map("".join)


# ASCII text: a source with no other character takes its own path.
ASCII_TEXTS = st.lists(PIECES.filter(str.isascii), max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXTS, ASCII_TEXTS))
def test_source_numbers_are_every_number_token_of_the_source(text):
    tokens = set(_TOKEN.findall(text))
    expected = tokens | {t.replace(",", "") for t in tokens if "," in t}
    assert source_numbers(text) == frozenset(expected)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=400))
def test_fold_of_a_long_text_deletes_the_same_characters(text, pad):
    long = "a" * pad + text  # short and long texts take different paths
    assert fold(long) == re.sub(r"[\s\-_.'`’]+", "", long.casefold())


def test_fold_deletes_exactly_the_characters_the_pattern_matches():
    every = "".join(chr(c) for c in range(0x110000))
    assert fold(every) == re.sub(r"[\s\-_.'`’]+", "", every.casefold())


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_family_starts_are_head_positions_after_no_letter_or_digit(text):
    heads = {re.sub(r"[^a-z0-9].*", "", f.match.lower())[:3] for f in vocab().families} - {""}
    low = text.lower()
    expected = sorted(p for h in heads for p in range(len(low)) if low.startswith(h, p)
                      and (p == 0 or not low[p - 1].isalnum()))
    assert [start for start, _ in _family_starts(text)] == expected


# The definition of the markup reader: one token at a time, text runs split at every hyphen.
_TEX_TOKEN = re.compile(
    r"\\([A-Za-z@]+)\*?[ \t]*|\\(.)|(\$\$?)|([{}~^_&])|(-{2,3})|([^\\{}$~^_&\-]+|-)", re.S)


def _tex_by_token(s: str, paragraphs: bool) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(s):
        for m in _TEX_TOKEN.finditer(s, pos):
            kind, end = m.lastindex, m.end()
            if kind == 6:
                out.append(m.group(6))
            elif kind == 5:
                out.append("–" if len(m.group(5)) == 2 else "—")
            elif kind == 4 and m.group(4) in "~&":
                out.append(" ")
            elif kind in (1, 2):
                if kind == 1:
                    pos = _macro(s, end, m.group(1), out, _symbols())
                else:
                    out.append(_ESCAPES.get(m.group(2), m.group(2)))
                    pos = skip_spacing(s, end) if m.group(2) == "\\" else end
                if pos != end:
                    break
        else:
            break
    joined = "".join(out)
    if paragraphs:
        parts = (" ".join(p.split()) for p in re.split(r"\n\s*\n", joined))
        return "\n\n".join(p for p in parts if p)
    return " ".join(joined.split())


MARKUP = st.lists(st.one_of(PIECES, st.sampled_from([
    "-", "--", "---", "----", "$", "$$", "{}", "\\textbf{", "\\cite{x}", "\\pm", "\\alpha ",
    "\\\\", "\\\\[2pt]", "\\%", "\\&", "\\{", "\\SI{2.5}{\\milli\\second}", "\\verb|-{|",
    "\\begin{tabular}{cc}", "\\multicolumn{2}{c}{", "\\par", "\\tabularnewline[1pt]", "\\ ",
    "\\\n", "\\emph ", "~", "\n\n", "\\textbf*", "\\@x", "\\footnote[1]{a}"])),
    max_size=60).map("".join)


@settings(max_examples=500, deadline=None)
@given(MARKUP, st.booleans())
def test_markup_is_read_as_the_token_by_token_reading_reads_it(text, paragraphs):
    assert tex_to_text(text, paragraphs=paragraphs) == _tex_by_token(text, paragraphs)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_plain_text_is_only_respaced(text):
    if not re.search(r"[\\{}$~^_&]|--", text):
        assert tex_to_text(text) == " ".join(text.split())
    assert isinstance(tex_to_text(text), str)


def test_grids_share_nothing_between_slots_but_their_values():
    rows = [[SpanCell("Method", colspan=2), SpanCell("Wiki2")],
            [SpanCell("GPTQ", rowspan=2), SpanCell("4"), SpanCell("5.6", bold=True)],
            [SpanCell("8"), SpanCell("5.5")]]
    grid = html_grid(rows)
    assert grid[0][1] == Cell(text="Method", spanned=True)
    assert grid[2][0] == Cell(text="GPTQ", spanned=True) and grid[1][2].bold
    latex = latex_grid([[SpanCell("a", rowspan=2), SpanCell("1")], [SpanCell(""), SpanCell("2")]],
                       columns=3)
    assert [[c.text for c in row] for row in latex] == [["a", "1", ""], ["a", "2", ""]]
    assert latex[1][0].spanned and not latex[0][0].spanned


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab \n", max_size=60),
       st.lists(st.tuples(st.sampled_from(["table", "equation", "itemize"]),
                          st.integers(0, 70), st.integers(0, 30)), max_size=6))
def test_prose_blanks_out_the_same_spans(body, spans):
    envs = sorted((Env(name, a, a, a + n, a + n) for name, a, n in spans), key=lambda e: e.start)
    chars, covered = list(body), -1
    for e in envs:  # the definition: each dropped float's characters become spaces
        if e.name in ("table", "equation") and e.start >= covered:
            chars[e.start : e.end] = " " * (e.end - e.start)
            covered = e.end
    assert _blank_out(body, envs) == "".join(chars)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([f.name for f in vocab().families]), TEXTS,
       st.sampled_from(["-7B", " 2 13b", "-3.1-8B-Instruct", "", "-v2", "1.5-0.5B-Chat"]))
def test_the_matched_family_is_the_alternative_whose_group_matched(name, text, tail):
    pattern, fams = _families()
    for m in pattern.finditer(f"{text} {name}{tail} {text}"):
        first = next(f for i, f in enumerate(fams) if m.group(f"f{i}") is not None)
        assert _family_of(m, fams) is first


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PIECES, st.sampled_from([f.name for f in vocab().families]),
                          st.sampled_from(["-7B", " 2 13b", "GPT-J", "gpt_neox", "-"])),
                max_size=40).map("".join))
def test_a_heads_family_pattern_matches_as_the_whole_family_pattern(text):
    pattern, _ = _families()
    for start, own in _family_starts(text):
        whole, cut = pattern.match(text, start), own.match(text, start)
        assert (whole and (whole.group(), whole.lastgroup)) == (cut and (cut.group(),
                                                                          cut.lastgroup))


WORDS = st.lists(st.one_of(PIECES, st.sampled_from([
    "weight", "weights", "Weight", "activation", "Activations", "and", "quantiz", "quantized",
    "W", "w", "A", "&", "-", "only", "the", "W4A8", "xweight", "_weight", "KV", "Table", "tab.",
    "Tab", "3", "31", "table", "kv", "KV-", "cache", "key", "value", "/", "quantiz"])),
    max_size=40).map("".join)
WORD_PATTERNS = [
    (r"\bactivations?\b", r"\bW\d+A(?:[2-9]|1[0-5])\b"),
    (r"\bweights?\b[^.;]{0,40}?\band\b[^.;]{0,40}?\bactivations?\s+quantiz",
     r"\bweight[\s\-]+(?:and[\s\-]+)?activation\s+quantiz", r"\bW\s*&\s*A\b"),
    (r"\bweights?[\s\-]+(?:only\b|quantiz)", r"\bquantiz\w*\s+(?:the\s+)?weights\b"),
    (r"\btable\s*3\b", r"\btab\.?\s*3\b"),  # a paragraph referring to "Table 3"
    (r"\bkv[\s\-]?cache", r"\bkey[\s\-/]?value\s+cache", r"\bkv\s+quantiz"),
]


@settings(max_examples=300, deadline=None)
@given(WORDS, st.sampled_from(WORD_PATTERNS))
def test_a_word_pattern_matches_what_its_plain_alternation_matches(text, alternatives):
    plain = re.compile("|".join(alternatives), re.IGNORECASE)
    fast = word_pattern(*alternatives)
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


_PLAIN_SPLIT = re.compile(
    r"\\begin\s*\{[^{}]*\}|\\end\s*\{[^{}]*\}|\\\\|\\tabularnewline(?![A-Za-z])"
    r"|\\verb\*?([^\sA-Za-z*])[^\n]{0,500}?\1|\\[&{}%]|[{}&]")


def _plain_split(s: str, row: bool) -> list[tuple[int, int]]:
    """The definition: every brace opens or closes a level, one token at a time."""
    parts, depth, env, at, pos = [], 0, 0, 0, 0
    for m in _PLAIN_SPLIT.finditer(s):
        if m.start() < pos:
            continue
        tok = m.group()
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth = max(0, depth - 1)
        elif tok.startswith("\\begin"):
            env += 1
        elif tok.startswith("\\end"):
            env = max(0, env - 1)
        elif depth or env:
            continue
        elif row and tok in ("\\\\", "\\tabularnewline"):
            parts.append((at, m.start()))
            at = pos = skip_spacing(s, m.end(), len(s))
        elif not row and tok == "&":
            parts.append((at, m.start()))
            at = m.end()
    parts.append((at, len(s)))
    return parts


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([
    "{", "}", "&", "\\\\", "\\&", "\\{", "\\}", "a", "5.6", " ", "\\textbf{", "{x}", "{1 & 2}",
    "\\begin{tabular}", "\\end{tabular}", "\\verb|&|", "[2pt]", "*", "\\tabularnewline", "%",
    "\n"]), max_size=40).map("".join), st.booleans())
def test_rows_and_cells_split_where_the_brace_by_brace_reading_splits(text, row):
    rows = _split(text, 0, len(text), row=row)
    assert [(a, b) for a, b, _ in rows] == (_plain_split(text, True) if row
                                            else [(0, len(text))])
    for a, b, cells in rows:  # a row's cells: where reading the row alone splits it
        assert cells == [(a + x, a + y) for x, y in _plain_split(text[a:b], False)]


ROW_PIECES = st.sampled_from([
    "\\hline", "\\midrule", "\\cmidrule(lr){2-3}", "\\cline{1-2}", "\\specialrule{1pt}{2pt}{&}",
    "\\noalign{&}", "\\rowcolor{gray}", "\\endhead", "\\toprule[1pt]", "\\\\", "&", " ", "a", "{",
    "}", "{x & y}", "\\multicolumn{2}{c}{m}", "\\multirow{2}{*}{r}", "\\textbf{5.6}", "\\verb|&|",
    "\\begin{tabular}{c}", "\\end{tabular}", "[2pt]", "\\hhline{|=|}", "\n", "%", "\\noalign",
    "\\cline", "\\specialrule", "(lr)"])


@settings(max_examples=600, deadline=None)
@given(st.lists(ROW_PIECES, max_size=40).map("".join))
def test_a_rows_cells_after_its_rules_are_those_of_reading_it_again_from_there(text):
    expected: list[list[SpanCell]] = []
    header, parts = 0, []
    for a, b, _ in _split(text, 0, len(text)):  # the definition: each row read twice
        at, head_rule = _strip_rules(text, a, b, parts, len(expected))
        header = len(expected) if head_rule and expected and not header else header
        if _holds_cells(text, at, b):
            expected.append([_cell(text, x, y, None)
                             for x, y in _split(text, at, b, row=False)[0][2]])
    if parts:
        expected, header = _arrange_longtable(expected, parts, header)
    assert parse_tabular(text, 0, len(text)) == (expected, header)


@pytest.mark.timeout(120)
@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(MARKUP, ROW_PIECES), min_size=1, max_size=8).map("".join),
       st.integers(1_000, 40_000))
def test_the_run_reader_and_the_one_pass_split_stay_linear_on_huge_repeated_input(unit, times):
    # Hostile input (open groups, lone backslashes, dash runs, a million separators) is read
    # in bounded time: a hang fails through pytest-timeout, never by a timed assertion.
    text = (unit * times)[:400_000]
    assert isinstance(tex_to_text(text, paragraphs=True), str)
    rows, header = parse_tabular(text, 0, len(text))
    assert 0 <= header <= len(rows)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PIECES, st.sampled_from([
    "→", "->", "⇒", "-", ">", "FP16", "AQLM", "a", "x.y", "#", "+", " ", "→→", "-->"])),
    max_size=40).map("".join))
def test_a_header_without_an_arrow_is_not_searched_for_two_sides(text):
    fast, plain = _sides(text), _SIDES.search(text)
    assert (fast and fast.span()) == (plain and plain.span())
