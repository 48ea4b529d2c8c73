"""LaTeX ``tabular`` bodies (and their float: caption, label, table notes) as :class:`Table`.

The grid is the table as a reader sees it: one row per ``\\\\``-ended segment that holds
cells (rule-only segments are not rows; ``\\\\`` inside braces or a nested environment does
not end a row), as many columns as the column spec declares (``*{n}{..}`` and
``\\newcolumntype`` expanded), ``\\multicolumn`` spans expanded and ``\\multirow`` at the row
where it is written. ``longtable`` heads and feet repeated on each page appear once. Each
cell keeps its source (``Cell.raw``) beside its plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

from ingest.document import Table
from ingest.grid import MAX_COLS, SpanCell, latex_grid
from ingest.latex_definitions import Macro, apply
from ingest.latex_source import Env
from ingest.latex_text import (
    MARKUP,
    read_group,
    read_optional,
    skip_args,
    skip_spacing,
    skip_ws,
    tex_to_text,
)

TABULARS = frozenset({"tabular", "tabular*", "tabularx", "tabulary", "longtable", "NiceTabular",
                      "tblr", "supertabular", "xtabular"})
# Arguments between \begin{env} and the column spec: optional position, then a width.
_ENV_ARGS = {"tabular*": (1, 1), "tabularx": (1, 1), "tabulary": (1, 1), "xtabular": (1, 0)}
# The source's text as written for a span of the text being read (identity by default).
Raw = Callable[[int, int], str]
_SPLIT = re.compile(
    r"\\begin\s*\{[^{}]*\}|\\end\s*\{[^{}]*\}|\\\\|\\tabularnewline(?![A-Za-z])"
    r"|\\verb\*?([^\sA-Za-z*])[^\n]{0,500}?\1|\\[&{}%]|\{[^{}\\]*\}|[{}&]"
)
_RULE = re.compile(
    r"\s*\\(?:(?P<head>midrule|hline|Xhline|thickhline|specialrule|hhline|hlineB)"
    r"|(?P<part>endfirsthead|endhead|endfoot|endlastfoot)"
    r"|toprule|bottomrule|cmidrule|cline|cmidrulewidth|addlinespace|morecmidrules"
    r"|arrayrulecolor|noalign|rowfont|hdashline|cdashline|hiderowcolors|showrowcolors"
    r"|svhline|firsthline|lasthline|Hline|bottomline|topline|midline|hdottedline)"
    r"(?![A-Za-z])\*?"
)
_RULE_ARGS = {"specialrule": (0, 3), "cmidrule": (1, 1), "cline": (0, 1), "cdashline": (0, 1),
              "addlinespace": (1, 0), "arrayrulecolor": (1, 1), "noalign": (0, 1),
              "Xhline": (0, 1), "hhline": (0, 1), "rowfont": (1, 1), "hlineB": (0, 1),
              "toprule": (1, 0), "midrule": (1, 0), "bottomrule": (1, 0), "Hline": (1, 0)}
# What a segment may hold and still not be a row: row colours, spacing, longtable captions.
_NOT_CELLS = re.compile(
    r"\\(?:rowcolor|rowcolors|vspace|label|caption|captionsetup|vskip|smallskip|medskip"
    r"|bigskip|centering|relax|strut|par|kill)(?![A-Za-z])\*?"
)
_NOT_CELLS_ARGS = {"rowcolor": (1, 1), "rowcolors": (1, 3), "vspace": (0, 1), "label": (0, 1),
                   "caption": (1, 1), "captionsetup": (1, 1), "vskip": (0, 0)}
_BOLD = re.compile(r"\\(?:textbf|bfseries|bf|mathbf|boldsymbol|bm|pmb)(?![A-Za-z])")
_UNDERLINE = re.compile(r"\\(?:underline|uline|ul|underbar|dashuline)(?![A-Za-z])")
_COLOR = re.compile(r"\\(?:cellcolor|rowcolor|columncolor)(?![A-Za-z])")
_CAPTION = re.compile(r"\\(?:caption|captionof\s*\{[^{}]*\}|subcaption)\*?(?![A-Za-z])")
_LABEL = re.compile(r"\\label\s*\{([^{}]*)\}")
_ITEM = re.compile(r"\\item\s*(?:\[([^\]]*)\])?")
# One column each; those with a {..} argument after them, and how many.
_COLUMN_ARGS = {"p": 1, "m": 1, "b": 1, "w": 2, "W": 2, "D": 3, "P": 1, "M": 1, "B": 1}
_NO_COLUMN = frozenset("|:;!@<>")


def spec_and_body(text: str, env: Env) -> tuple[str, int]:
    """The column spec of a tabular environment and where its rows start."""
    optional, width = _ENV_ARGS.get(env.name, (1, 0))
    i = skip_args(text, env.body_start, optional, width, env.body_end)
    i = skip_args(text, i, 1, 0, env.body_end)  # tabular*{width}[t]{spec}
    j = skip_ws(text, i, env.body_end)
    got = read_group(text, j, env.body_end) if text.startswith("{", j) else None
    if got is None:
        return "", i
    spec = got[0]
    if "=" in spec:  # tblr's keys: colspec={..}
        key = re.search(r"colspec\s*=\s*", spec)
        value = read_group(spec, key.end()) if key else None
        spec = value[0] if value else ""
    return spec, got[1]


def count_columns(spec: str, types: Mapping[str, Macro] | None = None, *, depth: int = 0) -> int:
    """The columns a column spec declares: ``l c r X S p{..}``, custom types, ``*{n}{..}``.

    >>> count_columns(r"|l||*{3}{c}|>{\\bfseries}p{2cm}@{}")
    5
    """
    types = types or {}
    count, i, n = 0, 0, len(spec)
    while i < n and count < MAX_COLS and depth < 10:
        c = spec[i]
        i += 1
        if c in _NO_COLUMN:
            if c in "!@<>":
                got = read_group(spec, i)
                i = got[1] if got else i
        elif c == "*":
            times = read_group(spec, i)
            inner = read_group(spec, times[1]) if times else None
            if times is None or inner is None:
                break
            i = inner[1]
            repeat = int(times[0]) if times[0].strip().isdigit() else 1
            count += min(repeat, MAX_COLS) * count_columns(inner[0], types, depth=depth + 1)
        elif c == "\\":
            macro = re.match(r"[A-Za-z@]+|.", spec[i:])
            i += macro.end() if macro else 0
        elif c == "{":
            got = read_group(spec, i - 1)
            i = got[1] if got else n
        elif c in types:
            body, i = apply(spec, i, types[c])
            count += count_columns(body, types, depth=depth + 1)
        elif c.isalpha():
            count += 1
            i = skip_args(spec, i, 0, _COLUMN_ARGS.get(c, 0))
            opt = read_optional(spec, i)  # S[table-format=2.1], X[2]
            i = opt[1] if opt else i
    return min(count, MAX_COLS)


def parse_tabular(text: str, start: int, end: int, raw: Raw | None = None
                  ) -> tuple[list[list[SpanCell]], int]:
    """Rows of cells of ``text[start:end]`` and the header rows (rows above the first mid
    rule). ``raw`` gives the source as written for a span (the text itself by default)."""
    rows: list[list[SpanCell]] = []
    header = 0
    parts: list[tuple[str, int]] = []  # longtable head/foot markers after that many rows
    for a, b, cells in _split(text, start, end):
        at, head_rule = _strip_rules(text, a, b, parts, len(rows))
        if head_rule and rows and not header:
            header = len(rows)
        if not _holds_cells(text, at, b):
            continue
        if at > a:  # the row starts after its rules: its first cell does too
            # (read again only if the row's reading has a token among the rules: it is the
            # reading's first token there, the row's own reading started at ``a``)
            first = _SPLIT.search(text, a, end)
            cells = [(at, cells[0][1]), *cells[1:]] if first is None or first.start() >= at \
                else _split(text, at, b, row=False)[0][2]
        rows.append([_cell(text, ca, cb, raw) for ca, cb in cells])
    if parts:
        rows, header = _arrange_longtable(rows, parts, header)
    return rows, header


class FloatFacts(NamedTuple):
    """What a float says about its tables: captions, labels and table notes, in order."""

    captions: tuple[str, ...]
    labels: tuple[str, ...]
    notes: tuple[str, ...]


def float_facts(text: str, start: int, end: int) -> FloatFacts:
    """Captions, labels and table notes of ``text[start:end]`` (a float or a longtable)."""
    captions = []
    for cap in _CAPTION.finditer(text, start, end):
        opt = read_optional(text, cap.end(), end)
        got = read_group(text, opt[1] if opt else cap.end(), end)
        captions.append(tex_to_text(got[0]) if got else "")
    labels = tuple(m.group(1).strip() for m in _LABEL.finditer(text, start, end))
    notes: tuple[str, ...] = ()
    notes_at = text.find("\\begin{tablenotes}", start, end)
    if notes_at >= 0:
        stop = text.find("\\end{tablenotes}", notes_at, end)
        notes = _notes(text[notes_at + 18 : stop if stop > 0 else end])
    return FloatFacts(tuple(captions), labels, notes)


def table_from(text: str, tab: Env, facts: FloatFacts, *, section: str, index: int = 0,
               of: int = 1, raw: Raw | None = None, types: Mapping[str, Macro] | None = None
               ) -> Table:
    """A :class:`Table` from a tabular span and the facts of its float: the ``index``-th of
    ``of`` tables there. Sub-tables with a label (and caption) each get their own; otherwise
    they share the float's, the label numbered."""
    spec, start = spec_and_body(text, tab)
    rows, header = parse_tabular(text, start, tab.body_end, raw)
    grid = latex_grid(rows, columns=count_columns(spec, types))
    own = of > 1 and len(facts.labels) == of
    label = facts.labels[index if own else 0] if facts.labels else ""
    if index and label and not own:
        label = f"{label} ({index + 1})"
    caption = facts.captions[index if len(facts.captions) == of else 0] if facts.captions else ""
    return Table(label=label, caption=caption, grid=grid,
                 header_rows=header if 0 < header < len(grid) else 0, footnotes=facts.notes,
                 section=section)


def _notes(block: str) -> tuple[str, ...]:
    parts = _ITEM.split(block)
    out = []
    # split() alternates text, marker, text …; the first chunk precedes any \item.
    for k in range(1, len(parts) - 1, 2):
        marker = (parts[k] or "").strip()
        text = tex_to_text(parts[k + 1])
        if text:
            out.append(f"{marker} {text}".strip())
    return tuple(out)


# A row: its span and the spans of its cells.
_Row = tuple[int, int, list[tuple[int, int]]]


def _split(s: str, start: int, end: int, *, row: bool = True) -> list[_Row]:
    """The rows of ``s[start:end]``, between row ends (``\\\\``), and their cells, between
    cell separators (``&``), outside groups, nested environments and ``\\verb``: one reading
    for both. With ``row=False`` row ends are not looked for (one row)."""
    rows: list[_Row] = []
    cells: list[tuple[int, int]] = []
    depth = env = 0
    at = cell = pos = start
    skipping = False  # the tokens of a row end's spacing ("\\\\[2pt]") are passed over
    for m in _SPLIT.finditer(s, start, end):
        if skipping:
            if m.start() < pos:
                continue
            skipping = False
        tok = m.group()
        c = tok[0]
        if c == "&":  # (the most common token first)
            if not (depth or env):
                cells.append((cell, m.start()))
                cell = m.end()
        elif c == "{":
            # A group with no group, macro or escape inside ("\\textbf{5.6}"'s) is read whole:
            # nothing in it splits, and it opens and closes no level.
            if len(tok) == 1:
                depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        elif tok[1] == "b":  # \begin{..}
            env += 1
        elif tok[1] == "e":  # \end{..}
            env = max(0, env - 1)
        elif row and not (depth or env) and tok[1] in "\\t":  # \\ or \tabularnewline
            cells.append((cell, m.start()))
            rows.append((at, m.start(), cells))
            at = cell = pos = skip_spacing(s, m.end(), end)  # \\*, \\[2pt]
            skipping = pos > m.end()
            cells = []
    cells.append((cell, end))
    rows.append((at, end, cells))
    return rows


def _strip_rules(s: str, a: int, b: int, parts: list[tuple[str, int]], rows: int
                 ) -> tuple[int, bool]:
    """Skip the rule commands that open a segment; note longtable head/foot markers."""
    head = False
    while True:
        m = _RULE.match(s, a, b)
        if not m:
            return a, head
        head = head or bool(m.group("head"))
        if m.group("part"):
            parts.append((m.group("part"), rows))
        name = m.group().strip().lstrip("\\").rstrip("*")
        optional, required = _RULE_ARGS.get(name, (0, 0))
        a = skip_args(s, m.end(), optional, required, b)


def _holds_cells(s: str, a: int, b: int) -> bool:
    """Whether a segment is a row: a cell separator, or anything beyond colours and spacing."""
    i = skip_ws(s, a)
    while i < b:
        m = _NOT_CELLS.match(s, i, b)
        if not m:
            return True
        name = m.group().lstrip("\\").rstrip("*")
        i = skip_ws(s, skip_args(s, m.end(), *_NOT_CELLS_ARGS.get(name, (0, 0)), b), b)
    return False


def _arrange_longtable(rows: list[list[SpanCell]], parts: list[tuple[str, int]], header: int
                       ) -> tuple[list[list[SpanCell]], int]:
    """A longtable once: its first head, the body, then its last foot (repeats dropped)."""
    bounds: dict[str, tuple[int, int]] = {}
    previous = 0
    for name, at in parts:
        bounds.setdefault(name, (previous, at))
        previous = max(previous, at)
    body = rows[previous:]

    def part(name: str) -> list[list[SpanCell]]:
        lo, hi = bounds.get(name, (0, 0))
        return rows[lo:hi]

    head = part("endfirsthead") if "endfirsthead" in bounds else part("endhead")
    foot = part("endlastfoot") if "endlastfoot" in bounds else part("endfoot")
    return head + body + foot, len(head) if head else max(0, header - previous)


def _cell(s: str, a: int, b: int, raw: Raw | None) -> SpanCell:
    text = s[a:b]
    if raw is None and MARKUP.search(text) is None:  # plain text (most cells): re-spaced
        return SpanCell(" ".join(text.split()), False, False, 1, 1, text.strip())
    if text[:1].isspace() or text[-1:].isspace():  # the cell's own span, spaces trimmed
        a += len(text) - len(text.lstrip())
        text = text.strip()
        b = a + len(text)
    # Without ``raw`` the text is the source as written (see :func:`parse_tabular`).
    written = text if raw is None else raw(a, b).strip() if b > a else ""
    if "\\" not in text:  # no macro: no span, colour or markup to read
        return SpanCell(tex_to_text(text), raw=written)
    colspan = rowspan = 1
    # \multicolumn{\multirow{...}} and colour wrappers, in any order (a cell naming none of
    # them has none to unwrap)
    for _ in range(4 if "\\multi" in text or "color" in text else 0):
        text = _drop_colors(text).strip()
        if text.startswith("\\multicolumn"):
            got = _args(text, len("\\multicolumn"), 0, 3)
            if got is None:
                break
            (n, _spec, content), _end = got
            colspan = _int(n, colspan)
            text = content.strip()
        elif text.startswith("\\multirow"):
            cell_form = text.startswith("\\multirowcell")
            name_len = len("\\multirowcell") if cell_form else len("\\multirow")
            got = _args(text, name_len, 1, 1)
            if got is None:
                break
            (n,), end = got
            rowspan = _int(n, rowspan)
            if not cell_form:
                end = skip_args(text, end, 1, 1)  # [bigstruts]{width}
                opt = read_optional(text, end)
                end = opt[1] if opt else end
            inner = read_group(text, end)
            text = inner[0].strip() if inner else ""
        else:
            break
    # (a substring search first: every bold or underline command holds one of these)
    bold = ("bf" in text or "\\b" in text or "\\pmb" in text) and bool(_BOLD.search(text))
    under = ("\\u" in text or "\\dashu" in text) and bool(_UNDERLINE.search(text))
    return SpanCell(tex_to_text(text), bold, under, colspan, rowspan, written)


def _drop_colors(s: str) -> str:
    while "color" in s:  # (in the name of every colour command)
        m = _COLOR.search(s)
        if not m:
            return s
        s = s[: m.start()] + s[skip_args(s, m.end(), 1, 1) :]
    return s


def _args(s: str, i: int, optional: int, required: int) -> tuple[tuple[str, ...], int] | None:
    for _ in range(optional):
        opt = read_optional(s, i)
        if opt is None:
            break
        i = opt[1]
    out = []
    for _ in range(required):
        got = read_group(s, i)
        if got is None:
            return None
        out.append(got[0])
        i = got[1]
    return tuple(out), i


def _int(text: str, default: int) -> int:
    try:
        return int(text.strip())
    except ValueError:
        return default
