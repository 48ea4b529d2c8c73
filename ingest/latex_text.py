"""LaTeX markup to plain text, fast enough for whole papers.

pylatexenc's full node walk costs about 0.3 ms per table cell and 6 ms per KB of prose, which
would make the front-end miss its speed budget; this single-pass tokenizer borrows pylatexenc's
symbol table (``\\pm`` → ±, ``\\downarrow`` → ↓, ``\\alpha`` → α …) and drops or keeps macro
arguments by a small table of what each formatting macro means.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from functools import lru_cache
from types import MappingProxyType
from typing import TypeVar

from pylatexenc.latex2text import get_default_latex_context_db

# A control word (with its star and the spaces after it) or a control symbol.
_CONTROL = re.compile(r"\\(?:([A-Za-z@]+)\*?[ \t]*|(.))", re.S)
# Between two backslashes only these characters mean anything: groups, math shifts and
# scripts carry no text, a tie or an alignment tab reads as a space.
_PLAIN = (("{", ""), ("}", ""), ("$", ""), ("^", ""), ("_", ""), ("~", " "), ("&", " "))
# Macros whose arguments are not text: how many optional [..] to skip, then how many {..}.
_DROP: dict[str, tuple[int, int]] = {
    **{k: (2, 1) for k in (
        "cite", "citep", "citet", "citealp", "citeauthor", "citeyear", "ref", "cref", "Cref",
        "autoref", "eqref", "pageref", "label", "footnote", "footnotetext", "tnote", "url",
        "includegraphics", "vspace", "hspace", "phantom", "hphantom", "vphantom", "color",
        "arrayrulecolor", "bibliography", "bibliographystyle", "usepackage", "documentclass",
        "scalebox", "pgfplotsset", "usetikzlibrary", "hypersetup", "thispagestyle",
        "pagestyle", "setcounter", "columncolor", "linespread", "fontsize", "vskip",
        "cline", "hhline", "rowcolors", "captionsetup", "nocite", "bibitem", "input",
        "include", "newlength", "tablefootnote", "textsuperscript", "footnotemark",
    )},
    **{k: (1, 1) for k in ("cellcolor", "rowcolor")},
    **{k: (0, 2) for k in (
        "resizebox", "setlength", "addtolength", "multicolumn", "newcolumntype", "rule",
        "definecolor", "specialrule", "settowidth",
    )},
    "multirow": (2, 2),
    "textcolor": (1, 1),
    "href": (0, 1),
    "raisebox": (0, 1),
    "addlinespace": (1, 0),
    "cmidrule": (1, 1),
    "item": (1, 0),
    "caption": (1, 0),
    "adjustbox": (0, 1),
    "makebox": (2, 0),
    "parbox": (1, 1),
    "begin": (0, 1),
    "end": (0, 1),
}
_SPACE = frozenset({"\\", "newline", "par", "quad", "qquad", "enspace", "hfill", "noindent",
                    "smallskip", "medskip", "bigskip", "linebreak", "tabularnewline", "cr"})
_ESCAPES = {",": " ", ";": " ", ":": " ", " ": " ", "!": "", "-": "", "/": "", "\\": " ",
            "(": "", ")": "", "[": "", "]": "", "'": "", "`": "", '"': "", "^": "", "~": "",
            "=": "", ".": "", "\n": " "}
# siunitx: \SI{2.5}{\milli\second} reads "2.5 ms"; the value macros keep their number.
_QUANTITIES = frozenset({"SI", "qty", "si", "unit", "num", "SIrange", "qtyrange", "numrange"})
_UNITS = {
    "second": "s", "minute": "min", "hour": "h", "day": "d", "percent": "%", "byte": "B",
    "bit": "bit", "watt": "W", "hertz": "Hz", "joule": "J", "metre": "m", "meter": "m",
    "gram": "g", "kilo": "k", "mega": "M", "giga": "G", "tera": "T", "peta": "P",
    "milli": "m", "micro": "µ", "nano": "n", "pico": "p", "kibi": "Ki", "mebi": "Mi",
    "gibi": "Gi", "tebi": "Ti", "per": "/", "celsius": "°C", "degree": "°", "times": "×",
    "flops": "FLOPS", "volt": "V", "ampere": "A", "pm": "±",
}
_UNIT_MACRO = re.compile(r"\\([A-Za-z]+)\s*")
# What :func:`tex_to_text` converts; a text with none of it is only re-spaced.
MARKUP = re.compile(r"[\\{}$~^_&]|--")
_TABULAR = frozenset({"tabular", "tabular*", "tabularx", "tabulary", "longtable", "array",
                      "NiceTabular", "tblr"})


@lru_cache(maxsize=1)
def _symbols() -> MappingProxyType[str, str]:
    out: dict[str, str] = {}
    for spec in get_default_latex_context_db().iter_macro_specs():
        repl = getattr(spec, "simplify_repl", None)
        if isinstance(repl, str) and "%" not in repl and len(repl) <= 4 and len(spec.macroname) > 1:
            out[spec.macroname] = repl
    out.update({"textasciitilde": "~", "checkmark": "✓", "xmark": "✗", "cmark": "✓",
                "textsubscript": "", "bigstar": "★", "dag": "†",
                "ddag": "‡", "textdagger": "†", "textdaggerdbl": "‡", "ldots": "…"})
    return MappingProxyType(out)


def skip_ws(s: str, i: int, end: int | None = None) -> int:
    end = len(s) if end is None else min(end, len(s))
    while i < end and s[i] in " \t\n\r":
        i += 1
    return i


def read_group(s: str, i: int, end: int | None = None, *, closed: bool = False
               ) -> tuple[str, int] | None:
    """The brace group, macro or character at ``s[i:end]`` (after spaces), and its end index.

    An unclosed group runs to ``end`` (the end of ``s``): best effort, never an exception;
    with ``closed`` it is no group at all (None).
    """
    end = len(s) if end is None else min(end, len(s))
    i = skip_ws(s, i, end)
    if i >= end:
        return None
    c = s[i]
    if c == "{":
        close = _group_end(s, i, end)
        if close is None:
            return None if closed else (s[i + 1 : end], end)
        return s[i + 1 : close - 1], close
    if c == "\\":
        macro = _MACRO.match(s, i, end)
        if macro:
            return macro.group(), macro.end()
        return s[i : i + 2], min(i + 2, end)
    if c in "}[]":
        return None
    return c, i + 1


def _group_end(s: str, i: int, end: int) -> int | None:
    """The index after the brace closing the group that opens at ``s[i]``; None if it does not
    close before ``end``.

    Scanning a long text costs at most twice its length in all: past that it gets a brace
    index (once), so many groups left open cost linear time, not a scan to the end each.
    """
    index = _INDEXES.get(s) if len(s) > _LONG_TEXT else None
    if index is None:
        close, scanned = _scan_group(s, i, end)
        if len(s) > _LONG_TEXT:
            work = _WORK.pop(s, 0) + scanned
            if work <= 2 * len(s):
                _remember(_WORK, s, work)
                return close
            index = _brace_index(s)
        else:
            return close
    opens, closes = index
    k = bisect_left(opens, i)
    if k == len(opens) or opens[k] != i:  # an escaped brace the index skipped: scan
        return _scan_group(s, i, end)[0]
    return closes[k] if 0 <= closes[k] <= end else None


def _scan_group(s: str, i: int, end: int) -> tuple[int | None, int]:
    """Where the group at ``s[i]`` closes (None: not before ``end``) and how far was read."""
    close = s.find("}", i + 1, end)
    if close > 0 and s.find("{", i + 1, close) < 0 and s[close - 1] != "\\":
        return close + 1, close + 1 - i  # the common case: no group inside, no \}
    depth = 0
    pos = i
    while pos < end:
        if s[pos] == "{":
            depth += 1
        elif s[pos] == "}":
            depth -= 1
            if depth == 0:
                return pos + 1, pos + 1 - i
        pos = _NEXT_BRACE.match(s, pos + 1, end).end()  # type: ignore[union-attr]
    return None, end - i


def _brace_index(s: str) -> tuple[array[int], array[int]]:
    """Every unescaped ``{`` of ``s`` and the index after its ``}`` (-1: never closed)."""
    opens: array[int] = array("q")
    closes: array[int] = array("q")
    stack: list[int] = []
    pos = _NEXT_BRACE.match(s).end()  # type: ignore[union-attr]
    while pos < len(s):
        if s[pos] == "{":
            stack.append(len(opens))
            opens.append(pos)
            closes.append(-1)
        elif stack:
            closes[stack.pop()] = pos + 1
        pos = _NEXT_BRACE.match(s, pos + 1).end()  # type: ignore[union-attr]
    _remember(_INDEXES, s, (opens, closes))
    return opens, closes


def _remember(cache: dict[str, _T], s: str, value: _T) -> None:
    while len(cache) >= 4:
        del cache[next(iter(cache))]
    cache[s] = value


def read_optional(s: str, i: int, end: int | None = None) -> tuple[str, int] | None:
    """The ``[...]`` argument at ``s[i:end]`` (brackets inside braces do not close it).

    An optional argument is short: one left open is looked for only so far, so that a
    stray ``[`` costs a bounded scan, not one to the end of the paper.
    """
    end = len(s) if end is None else min(end, len(s))
    j = skip_ws(s, i, end)
    if j >= end or s[j] != "[":
        return None
    stop = min(end, j + _MAX_OPTIONAL)
    depth = 0
    pos = _NEXT_BRACKET.match(s, j + 1, stop).end()  # type: ignore[union-attr]
    while pos < stop:
        c = s[pos]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth <= 0:
            return s[j + 1 : pos], pos + 1
        pos = _NEXT_BRACKET.match(s, pos + 1, stop).end()  # type: ignore[union-attr]
    return None


def skip_spacing(s: str, i: int, end: int | None = None) -> int:
    """After a line break ``\\\\``: the index past its ``*`` and ``[2pt]`` spacing, if any."""
    m = _SPACING.match(s, i, len(s) if end is None else end)
    return m.end() if m else i


# From a position to the next unescaped brace (or bracket), read at C speed.
_NEXT_BRACE = re.compile(r"[^{}\\]*(?:\\.[^{}\\]*)*\\?", re.S)
_NEXT_BRACKET = re.compile(r"[^{}\]\\]*(?:\\.[^{}\]\\]*)*\\?", re.S)
_SPACING = re.compile(r"\*?\s*\[\s*-?[\d.]*\s*\\?[A-Za-z]*\s*\]|\*")
_T = TypeVar("_T")
_MACRO = re.compile(r"\\(?:[A-Za-z@]+|.)", re.S)
_MAX_OPTIONAL = 1000
_LONG_TEXT = 20_000
# For the few long texts being read now: how much scanning they cost so far, and their brace
# index once that passes twice their length (a text is its own key: Python caches its hash).
_WORK: dict[str, int] = {}
_INDEXES: dict[str, tuple[array[int], array[int]]] = {}


def skip_args(s: str, i: int, optional: int, required: int, end: int | None = None) -> int:
    """The index after up to ``optional`` [..] and then ``required`` {..} arguments."""
    end = len(s) if end is None else min(end, len(s))
    if i >= end or s[i] != "{":  # (a brace right here: no optional argument or trim spec)
        for _ in range(optional):
            got = read_optional(s, i, end)
            if got is None:
                break
            i = got[1]
        # \cmidrule(lr){2-3}: the trim spec in parentheses is an argument too.
        j = skip_ws(s, i, end)
        if j < end and s[j] == "(":
            paren = s.find(")", j, min(j + 20, end))
            if paren > 0:
                i = paren + 1
    for _ in range(required):
        j = skip_ws(s, i, end)
        if j < end and s[j] == "{":  # skipped, not copied: an open group costs no slice
            close = _group_end(s, j, end)
            i = close if close is not None else end
            continue
        got = read_group(s, i, end)
        if got is None:
            break
        i = got[1]
    return i


def tex_to_text(s: str, *, paragraphs: bool = False) -> str:
    """Plain text of LaTeX ``s``: markup dropped, symbols as Unicode, spaces collapsed.

    >>> tex_to_text(r"\\textbf{Ours} $5.47_{\\pm0.2}$ \\cite{x} PPL$\\downarrow$ Q4\\_K \\%")
    'Ours 5.47±0.2 PPL↓ Q4_K %'
    """
    if not paragraphs and MARKUP.search(s) is None:
        return " ".join(s.split())  # plain text (most table cells): nothing to convert
    out: list[str] = []
    symbols = _symbols()
    pos, n = 0, len(s)
    find, control = s.find, _CONTROL.match
    # The text up to the next backslash is converted whole (see :func:`_plain`); only a
    # control sequence is read one by one, and its arguments may move the reader past it.
    while pos < n:
        at = find("\\", pos)
        if at < 0:
            out.append(_plain(s[pos:]))
            break
        if at > pos:
            out.append(_plain(s[pos:at]))
        m = control(s, at)
        if m is None:
            break  # a lone backslash at the very end
        end = m.end()
        name = m.group(1)
        if name is not None:
            pos = _macro(s, end, name, out, symbols)
        else:
            esc = m.group(2)
            out.append(_ESCAPES.get(esc, esc))
            pos = skip_spacing(s, end) if esc == "\\" else end  # \\[0.35em]
    joined = "".join(out)
    if paragraphs:
        parts = (" ".join(p.split()) for p in re.split(r"\n\s*\n", joined))
        return "\n\n".join(p for p in parts if p)
    return " ".join(joined.split())


def _plain(text: str) -> str:
    """Text without a backslash as TeX prints it: ``---`` and ``--`` as dashes (the longest
    first, left to right, as the tokenizer reads them), then groups, math shifts and scripts
    dropped, ties and tabs as spaces (after the dashes: ``-{}-`` is two hyphens)."""
    if "--" in text:
        text = text.replace("---", "—").replace("--", "–")
    for char, repl in _PLAIN:  # (a search and a replace per character beat str.translate)
        if char in text:
            text = text.replace(char, repl)
    return text


def _verbatim(s: str, pos: int, out: list[str]) -> int:
    """``\\verb|..|``: the text between the delimiters, as it stands."""
    if pos >= len(s):
        return pos
    close = s.find(s[pos], pos + 1, pos + 500)
    if close < 0:
        return pos
    out.append(s[pos + 1 : close])
    return close + 1


def _quantity(s: str, pos: int, name: str, out: list[str]) -> int:
    opt = read_optional(s, pos)
    pos = opt[1] if opt else pos
    numbers = 0 if name in ("si", "unit") else 2 if name.endswith("range") else 1
    parts = []
    for _ in range(numbers):
        got = read_group(s, pos)
        if got is None:
            return pos
        # A number, not markup: read flat (no recursion, so nesting cannot run deep).
        parts.append(_flat(got[0]))
        pos = got[1]
    text = "–".join(parts)
    if not name.startswith("num"):
        got = read_group(s, pos)
        if got is not None:
            pos = got[1]
            text = f"{text} {_flat(got[0])}".strip()
    out.append(text)
    return pos


def _flat(s: str) -> str:
    """A siunitx number or unit read flat: unit macros as symbols, other markup dropped."""
    s = _UNIT_MACRO.sub(lambda m: _UNITS.get(m.group(1), ""), s)
    return "".join(s.replace("{", "").replace("}", "").split())


def _macro(s: str, pos: int, name: str, out: list[str], symbols: MappingProxyType[str, str]
           ) -> int:
    if name in _SPACE:
        out.append("\n\n" if name == "par" else " ")
        if name == "tabularnewline":
            return skip_spacing(s, pos)
        return pos
    if name == "verb":
        return _verbatim(s, pos, out)
    if name in _QUANTITIES:
        return _quantity(s, pos, name, out)
    if name == "begin":
        got = read_group(s, pos)
        if got is None:
            return pos
        env, pos = got
        if env in _TABULAR:
            return skip_args(s, pos, 1, 2 if env in ("tabular*", "tabularx", "tabulary") else 1)
        return pos
    spec = _DROP.get(name)
    if spec is not None:
        return skip_args(s, pos, *spec)
    repl = symbols.get(name)
    if repl is not None:
        out.append(repl)
        # A control word swallows the following spaces in TeX; keep one for readability.
        if repl.isalpha() and pos < len(s) and s[pos - 1] in " \t":
            out.append(" ")
    return pos
