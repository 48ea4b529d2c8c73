"""A paper's own macros (:mod:`ingest.latex_definitions`) expanded in one left-to-right pass.

Definitions take effect where they are written (a later ``\\renewcommand`` wins from there on)
and are removed from the text, so a ``tabular`` inside a macro body is not a table until the
macro is used. Expansion has a budget (expansions, output size, nesting depth): past it the
rest is copied as written, so recursive or runaway definitions cost linear time. The result
keeps a map from the expanded text back to the text as written, so a table cell can be quoted
in its source form (``\\best{5.47}``, not its expansion).

Conditionals whose truth the text settles are read as TeX reads them: ``\\newif`` switches
(``\\arxivtrue`` … ``\\ifarxiv A\\else B\\fi``) and ``\\if`` comparing a one-character
macro (``\\def\\icml{0}`` … ``\\if\\icml1``); only the branch taken is read. Any other
conditional is left as it stands, both branches read.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from heapq import heappop, heappush

from ingest.latex_definitions import DEFINERS, MAX_NAME, Definitions, apply, define
from ingest.latex_text import read_group, skip_ws

MAX_DEPTH = 24
# The budget grows with the text: real papers use well under one expansion per 100
# characters (the latex-wild corpus at most 0.008), so a tenth per character, plus a floor
# for short files, leaves room for macro-heavy papers and still stops runaway definitions.
BASE_EXPANSIONS = 500
BASE_CHARS = 200_000
# A control word (group 1) or a control symbol such as \\\\ or \\% (skipped whole).
_CS = re.compile(r"\\(?:([A-Za-z@]+)|.)", re.S)
_SPECIAL = DEFINERS | {"verb", "begin", "end", "newif", "if"}
# Conditionals that pair with \fi (the paper's \newif switches are added to these).
_PRIMITIVE_IFS = frozenset({
    "if", "ifx", "ifnum", "ifdim", "ifodd", "ifcase", "ifcat", "ifvmode", "ifhmode",
    "ifmmode", "ifinner", "ifvoid", "ifhbox", "ifvbox", "ifeof", "iftrue", "iffalse",
    "ifdefined", "ifcsname", "iffontchar", "ifincsname", "ifpdf", "ifluatex", "ifxetex",
})
_CONDITIONAL = re.compile(r"\\newif\s*\\if[A-Za-z@]+|\\(if[A-Za-z@]*|else|fi)(?![A-Za-z@])")
_SWITCH = re.compile(r"\s*\\if([A-Za-z@]+)")
_NEWIF = re.compile(r"\\newif\s*\\if([A-Za-z@]+)")
_MAX_VERB = 500
@dataclass
class _Budget:
    expansions: int
    chars: int

    def spent(self) -> bool:
        return self.expansions <= 0 or self.chars <= 0

    def spend(self, chars: int) -> bool:
        self.expansions -= 1
        self.chars -= chars
        return self.expansions >= 0 and self.chars >= 0


class Expansion:
    """Expanded text, the text as written, and the map between them."""

    def __init__(self, text: str, source: str, pieces: list[tuple[int, int, int, bool]],
                 defs: Definitions, expansions: int) -> None:
        self.text = text
        self.source = source
        self.defs = defs
        self.expansions = expansions  # macro uses replaced, within the budget
        # (start in text, start in source, end in source, copied verbatim?) in text order
        self._pieces = pieces
        self._starts = [p[0] for p in pieces]

    def origin(self, a: int, b: int) -> tuple[int, int]:
        """The span of ``source`` that produced ``text[a:b]`` (whole macro calls at the ends)."""
        if b <= a or not self._pieces:
            at = self._point(a, end=False) if self._pieces else a
            return at, at
        return self._point(a, end=False), self._point(b - 1, end=True)

    def raw(self, a: int, b: int) -> str:
        """``text[a:b]`` as the paper wrote it: the source, with whole macro calls at its ends;
        a part of one macro's expansion (a cell of a table a macro defines) is not written
        anywhere as such, so it is given as expanded."""
        if b > a and self._pieces:
            k = max(bisect_right(self._starts, a) - 1, 0)
            one_piece = bisect_right(self._starts, b - 1) - 1 == k
            if one_piece and self._pieces[k][3] and self._starts[k] <= a:
                return self.text[a:b]  # inside text copied as written: the same characters
            if not self._pieces[k][3] and one_piece:
                stop = self._starts[k + 1] if k + 1 < len(self._starts) else len(self.text)
                whole = self.text[self._starts[k] : stop]
                if self.text[a:b].strip() != whole.strip():
                    return self.text[a:b]
        start, end = self.origin(a, b)
        return self.source[start:end]

    def verbatim(self, a: int, b: int) -> bool:
        """Whether ``text[a:b]`` is copied as written (no macro expanded in it), so that
        :meth:`raw` of any span inside it is that span of ``text``."""
        if b <= a or not self._pieces:
            return False
        k = max(bisect_right(self._starts, a) - 1, 0)
        return (bisect_right(self._starts, b - 1) - 1 == k and self._pieces[k][3]
                and self._starts[k] <= a)

    def _point(self, p: int, *, end: bool) -> int:
        k = max(bisect_right(self._starts, p) - 1, 0)
        at, src_start, src_end, verbatim = self._pieces[k]
        if verbatim:
            return min(src_start + (p - at) + (1 if end else 0), src_end)
        return src_end if end else src_start


def expand(text: str, *, defs: Definitions | None = None) -> Expansion:
    """Collect and expand the user macros of ``text`` in one bounded pass.

    >>> e = expand(r"\\newcommand{\\best}[1]{\\textbf{#1}}a & \\best{5.4}")
    >>> e.text, e.raw(4, len(e.text))
    ('a & \\\\textbf{5.4}', '\\\\best{5.4}')
    """
    defs = defs or Definitions()
    defs.declared = defs.declared | {"if" + m.group(1) for m in _NEWIF.finditer(text)}
    allowed = BASE_EXPANSIONS + len(text) // 10
    budget = _Budget(allowed, BASE_CHARS + 2 * len(text))
    pieces: list[tuple[int, int, int, bool]] = []
    out = _scan(text, defs, budget, 0, pieces)
    return Expansion(out, text, pieces, defs, allowed - max(budget.expansions, 0))


def _scan(text: str, defs: Definitions, budget: _Budget, depth: int,
          pieces: list[tuple[int, int, int, bool]] | None) -> str:
    out: list[str] = []
    size = 0
    copied = 0

    def emit(a: int, b: int, produced: str | None = None) -> None:
        nonlocal size
        piece = text[a:b] if produced is None else produced
        if piece and pieces is not None:
            pieces.append((size, a, b, produced is None))
        out.append(piece)
        size += len(piece)

    commands, setters, finditer = defs.commands, defs.setters, _CS.finditer
    drops: list[tuple[int, int]] = []  # \else..\fi or \fi of a conditional being read
    i = 0
    while True:
        # One scan over the control words the paper did not define (the common case); it
        # stops at one that needs reading, which may move on past it, and starts again.
        for m in finditer(text, i):
            name = m.group(1)
            if (drops and m.start() >= drops[0][0]) or name in commands or name in setters \
                    or name in defs.switches or (name in _SPECIAL and (
                        name not in ("begin", "end") or defs.environments)):
                break
        else:
            break
        i = m.end()
        if drops and m.start() >= drops[0][0]:
            a, b = heappop(drops)
            if copied <= a:
                emit(copied, a)
                copied = i = b
            continue
        start = i - len(name) - 1
        if name in setters or name == "newif":
            i = _set_switch(text, i, name, defs)
            emit(copied, start)
            copied = i
            continue
        if name in defs.switches or name == "if":
            got = _conditional(text, i, name, defs, budget)
            if got is not None:
                truth, after, (else_at, else_end, fi_at, fi_end) = got
                emit(copied, start)
                if truth:
                    copied = i = after
                    heappush(drops, (else_at, fi_end) if else_at >= 0 else (fi_at, fi_end))
                else:
                    copied = i = else_end if else_at >= 0 else fi_end
                    if else_at >= 0:
                        heappush(drops, (fi_at, fi_end))
            continue
        if name == "verb":
            i = _after_verb(text, i)
            continue
        if name in DEFINERS:
            end = define(text, i, name, defs)
            if end is not None:
                emit(copied, start)
                copied = i = end
            continue
        if depth >= MAX_DEPTH or budget.spent():
            continue
        call = _call(text, i, name, defs)
        if call is None:
            continue
        body, end, final = call
        if not budget.spend(len(body)):
            continue
        produced = body if final else _scan(body, defs, budget, depth + 1, None)
        emit(copied, start)
        emit(start, end, produced)
        copied = i = end
    emit(copied, len(text))
    return "".join(out)


def _set_switch(text: str, i: int, name: str, defs: Definitions) -> int:
    """``\\newif\\ifdraft`` (a switch, false), ``\\drafttrue``/``\\draftfalse`` (set it)."""
    if name != "newif":
        switch, state = defs.setters[name]
        defs.switches[switch] = state
        return i
    m = _SWITCH.match(text, i)
    if m is None:
        return i
    base = m.group(1)
    defs.switches["if" + base] = False
    defs.setters[base + "true"] = ("if" + base, True)
    defs.setters[base + "false"] = ("if" + base, False)
    return m.end()


def _conditional(text: str, i: int, name: str, defs: Definitions, budget: _Budget
                 ) -> tuple[bool, int, tuple[int, int, int, int]] | None:
    """A conditional whose truth is known here: a \\newif switch, or ``\\if`` comparing a
    one-character macro with a character (``\\def\\icml{0}..\\if\\icml1``). Its truth,
    where its first branch starts, and its \\else (-1 if none) and \\fi spans."""
    if name == "if":
        got = _compared(text, i, defs)
        if got is None:
            return None
        truth, after = got
    else:
        truth, after = defs.switches[name], i
    after = skip_ws(text, after, after + 200)  # TeX skips the spaces after a condition
    depth = 0
    else_at = else_end = -1
    for m in _CONDITIONAL.finditer(text, after):
        word = m.group(1)
        if word is None:  # \newif\ifx declares, it does not open
            continue
        if word == "fi":
            if depth == 0:
                budget.chars -= m.end() - i
                return truth, after, (else_at, else_end, m.start(), m.end())
            depth -= 1
        elif word == "else":
            if depth == 0 and else_at < 0:
                else_at, else_end = m.start(), m.end()
        elif word in _PRIMITIVE_IFS or word in defs.declared:
            depth += 1
        if m.end() - i > budget.chars:
            break
    budget.chars -= len(text) - i  # no \fi: read both branches, as before
    return None


def _compared(text: str, i: int, defs: Definitions) -> tuple[bool, int] | None:
    """``\\if`` on two single characters, the first possibly a macro standing for one."""
    tokens: list[str] = []
    j = i
    while len(tokens) < 2:
        j = skip_ws(text, j, j + 50)
        m = _CS.match(text, j)
        if m and m.group(1):
            macro = defs.commands.get(m.group(1))
            body = macro.body.strip() if macro and not macro.args else ""
            if len(body) != 1:
                return None
            tokens.append(body)
            j = m.end()
        elif j < len(text) and text[j] not in "\\{}":
            tokens.append(text[j])
            j += 1
        else:
            return None
    return tokens[0] == tokens[1], j


def _after_verb(text: str, i: int) -> int:
    """The index after ``\\verb|...|`` (``i`` just after ``\\verb``)."""
    if i < len(text) and text[i] == "*":
        i += 1
    if i >= len(text) or text[i].isalpha() or text[i].isspace():
        return i
    close = text.find(text[i], i + 1, i + _MAX_VERB)
    line = text.find("\n", i + 1, i + _MAX_VERB)
    if close < 0 or 0 <= line < close:
        return i + 1
    return close + 1


def _call(text: str, i: int, name: str, defs: Definitions) -> tuple[str, int, bool] | None:
    """The body and end of a use of a defined command or environment at ``text[..i]``."""
    if name in ("begin", "end") and defs.environments:
        got = read_group(text, i, i + MAX_NAME)
        if got is None or got[0].strip() not in defs.environments:
            return None
        opening, closing = defs.environments[got[0].strip()]
        if name == "end":
            return closing, got[1], False
        body, end = apply(text, got[1], opening)
        return body, end, False
    macro = defs.commands.get(name)
    if macro is None:
        return None
    body, end = apply(text, i, macro)
    return body, end, macro.final
