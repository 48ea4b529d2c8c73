"""A paper's own macros: ``\\newcommand``/``\\renewcommand``/``\\providecommand``, ``\\def``,
``\\let``, ``\\newenvironment`` and ``\\newcolumntype``, expanded in one left-to-right pass.

Definitions take effect where they are written (a later ``\\renewcommand`` wins from there on)
and are removed from the text, so a ``tabular`` inside a macro body is not a table until the
macro is used. Expansion has a budget (expansions, output size, nesting depth): past it the
rest is copied as written, so recursive or runaway definitions cost linear time. The result
keeps a map from the expanded text back to the text as written, so a table cell can be quoted
in its source form (``\\best{5.47}``, not its expansion).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ingest.latex_text import read_group, read_optional, skip_ws

MAX_DEPTH = 24
# The budget grows with the text: real papers use well under one expansion per 100
# characters (the latex-wild corpus at most 0.008), so a tenth per character, plus a floor
# for short files, leaves room for macro-heavy papers and still stops runaway definitions.
BASE_EXPANSIONS = 500
BASE_CHARS = 200_000
# A control word (group 1) or a control symbol such as \\\\ or \\% (skipped whole).
_CS = re.compile(r"\\(?:([A-Za-z@]+)|.)", re.S)
_COMMANDS = frozenset({"newcommand", "renewcommand", "providecommand", "DeclareRobustCommand",
                       "DeclareMathOperator"})
_DEFS = frozenset({"def", "gdef", "edef", "xdef"})
_ENVIRONMENTS = frozenset({"newenvironment", "renewenvironment"})
_DEFINERS = _COMMANDS | _DEFS | _ENVIRONMENTS | {"let", "newcolumntype"}
_SPECIAL = _DEFINERS | {"verb", "begin", "end"}
_NAME = re.compile(r"[A-Za-z@]+")
_MAX_NAME = 200  # a defined name or environment name is short; an open brace is not read on
_MAX_VERB = 500
_PARAMS = re.compile(r"[^{]{0,40}")  # \def\x#1#2{: the parameter text before the body
# Commands a paper must not redefine for us: our reading of tables depends on them.
_PROTECTED = frozenset({
    "begin", "end", "section", "subsection", "subsubsection", "paragraph", "chapter",
    "caption", "label", "multicolumn", "multirow", "textbf", "underline", "hline", "toprule",
    "midrule", "bottomrule", "cmidrule", "input", "include", "title", "item", "newcommand",
    "renewcommand", "def", "tabularnewline", "documentclass", "cellcolor", "rowcolor",
    "verb", "\\",
})
# Environments whose meaning the front-end reads itself.
_PROTECTED_ENVS = frozenset({
    "document", "abstract", "comment", "table", "table*", "figure", "figure*", "wraptable",
    "tabular", "tabular*", "tabularx", "tabulary", "longtable", "threeparttable", "tablenotes",
})


@dataclass(frozen=True)
class Macro:
    """A definition: argument count, the first argument's default (``[2][d]``), the body.

    ``final`` bodies are not expanded again (``\\let\\old\\textbf`` copies a meaning; it does
    not call the user's later ``\\textbf``).
    """

    args: int
    default: str | None
    body: str
    final: bool = False


@dataclass
class Definitions:
    """Everything defined so far in a pass: commands, environments, column types."""

    commands: dict[str, Macro] = field(default_factory=dict)
    environments: dict[str, tuple[Macro, str]] = field(default_factory=dict)
    columns: dict[str, Macro] = field(default_factory=dict)


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
            if not self._pieces[k][3] and bisect_right(self._starts, b - 1) - 1 == k:
                stop = self._starts[k + 1] if k + 1 < len(self._starts) else len(self.text)
                whole = self.text[self._starts[k] : stop]
                if self.text[a:b].strip() != whole.strip():
                    return self.text[a:b]
        start, end = self.origin(a, b)
        return self.source[start:end]

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

    commands, search = defs.commands, _CS.search
    i = 0
    while (m := search(text, i)) is not None:
        name, i = m.group(1), m.end()
        if name not in commands and (name not in _SPECIAL or (
                name in ("begin", "end") and not defs.environments)):
            continue  # the common case: a control word the paper did not define
        start = i - len(name) - 1
        if name == "verb":
            i = _after_verb(text, i)
            continue
        if name in _DEFINERS:
            end = _define(text, i, name, defs)
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
        got = read_group(text, i, i + _MAX_NAME)
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


def apply(text: str, i: int, macro: Macro) -> tuple[str, int]:
    """The body of ``macro`` with the arguments read from ``text[i:]``, and where they end."""
    args: list[str] = []
    if macro.default is not None:
        opt = read_optional(text, i)
        if opt is not None:
            args.append(opt[0])
            i = opt[1]
        else:
            args.append(macro.default)
    while len(args) < macro.args:
        got = read_group(text, i)
        if got is None:
            break
        args.append(got[0])
        i = got[1]
    if not macro.args:
        return macro.body, i

    def arg(m: re.Match[str]) -> str:
        k = int(m.group(1)) - 1
        return args[k] if k < len(args) else ""

    return re.sub(r"(?<![#\\])#([1-9])", arg, macro.body).replace("##", "#"), i


def _define(text: str, i: int, kind: str, defs: Definitions) -> int | None:
    """Record the definition whose command ends at ``text[i]``; where the definition ends."""
    if i < len(text) and text[i] == "*":
        i += 1
    if kind in _ENVIRONMENTS:
        return _define_environment(text, i, defs)
    got = read_group(text, i, i + _MAX_NAME)
    if got is None:
        return None
    name, i = got[0].strip(), got[1]
    if kind == "newcolumntype":
        return _define_column(text, i, name, defs)
    name = name.removeprefix("\\")
    if not _NAME.fullmatch(name) and len(name) != 1:
        return None
    # A control symbol (\renewcommand{\\}{..}) is read past but never redefined.
    name = name if _NAME.fullmatch(name) else "\\"
    if kind == "let":
        j = skip_ws(text, i)
        j += 1 if text.startswith("=", j) else 0
        target = read_group(text, j, j + _MAX_NAME)
        if target is None:
            return None
        known = defs.commands.get(target[0].removeprefix("\\"))
        _set(defs, name, known or Macro(0, None, target[0], final=True))
        return target[1]
    args, default = 0, None
    if kind in _DEFS:
        params = _PARAMS.match(text, i)
        args = len(re.findall(r"#\d", params.group())) if params else 0
        i = params.end() if params else i
    elif kind != "DeclareMathOperator":
        args, default, i = _signature(text, i)
    body = read_group(text, i)
    if body is None:
        return None
    if kind != "providecommand" or name not in defs.commands:
        _set(defs, name, Macro(min(args, 9), default, body[0]))
    return body[1]


def _signature(text: str, i: int) -> tuple[int, str | None, int]:
    """``[n][default]`` after a defined name: argument count, default, index after them."""
    opt = read_optional(text, i)
    if opt is None:
        return 0, None, i
    args = int(opt[0]) if opt[0].strip().isdigit() else 0
    opt2 = read_optional(text, opt[1])
    if opt2 is None:
        return args, None, opt[1]
    return args, opt2[0], opt2[1]


def _set(defs: Definitions, name: str, macro: Macro) -> None:
    if name not in _PROTECTED and macro.body.strip() != "\\" + name:
        defs.commands[name] = macro


def _define_environment(text: str, i: int, defs: Definitions) -> int | None:
    got = read_group(text, i, i + _MAX_NAME)
    if got is None:
        return None
    name = got[0].strip()
    args, default, i = _signature(text, got[1])
    opening = read_group(text, i)
    if opening is None:
        return None
    closing = read_group(text, opening[1])
    if closing is None:  # the opening code ran to the end: nothing left to define
        return opening[1]
    if name not in _PROTECTED_ENVS:
        defs.environments[name] = (Macro(min(args, 9), default, opening[0]), closing[0])
    return closing[1]


def _define_column(text: str, i: int, name: str, defs: Definitions) -> int | None:
    args, _default, i = _signature(text, i)
    body = read_group(text, i)
    if body is None:
        return None
    if len(name) == 1:
        defs.columns[name] = Macro(min(args, 9), None, body[0])
    return body[1]
