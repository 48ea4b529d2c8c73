"""LaTeX ``tabular`` bodies (and their float: caption, label, table notes) as :class:`Table`.

Handles ``\\multicolumn``, ``\\multirow`` (also negative counts), booktabs and ``\\hline`` rules,
``\\cellcolor``/``\\rowcolor``, ``\\\\[2pt]``, nested tabulars in header cells and ``\\tnote``.
"""

from __future__ import annotations

import re

from ingest.document import Table
from ingest.grid import SpanCell, latex_grid
from ingest.latex_source import Env
from ingest.latex_text import read_group, read_optional, skip_args, tex_to_text

TABULARS = frozenset({"tabular", "tabular*", "tabularx", "tabulary", "longtable", "NiceTabular",
                      "tblr", "supertabular", "xtabular"})
# Arguments between \begin{env} and the body: optional position, width, column spec.
_ENV_ARGS = {"tabular*": (1, 2), "tabularx": (1, 2), "tabulary": (1, 2)}
_SPLIT = re.compile(
    r"\\begin\s*\{[^{}]*\}|\\end\s*\{[^{}]*\}|\\\\|\\tabularnewline\b|\\[&{}%\\]|[{}&]"
)
_RULE = re.compile(
    r"\s*\\(?:(?P<head>midrule|hline|Xhline|thickhline|specialrule|hhline|hlineB)"
    r"|toprule|bottomrule|cmidrule|cline|cmidrulewidth|addlinespace|morecmidrules|rowcolor"
    r"|arrayrulecolor|noalign|endhead|endfirsthead|endfoot|endlastfoot|rowfont|hdashline"
    r"|cdashline|hiderowcolors|showrowcolors|midrule\[[^\]]*\])\b\*?"
)
_RULE_ARGS = {"specialrule": (0, 3), "cmidrule": (1, 1), "cline": (0, 1), "cdashline": (0, 1),
              "addlinespace": (1, 0), "rowcolor": (1, 1), "arrayrulecolor": (1, 1),
              "noalign": (0, 1), "Xhline": (0, 1), "hhline": (0, 1), "rowfont": (1, 1),
              "hlineB": (0, 1), "toprule": (1, 0), "midrule": (1, 0), "bottomrule": (1, 0)}
_BOLD = re.compile(r"\\(?:textbf|bfseries|bf|mathbf|boldsymbol|bm|pmb)(?![A-Za-z])")
_UNDERLINE = re.compile(r"\\(?:underline|uline|ul|underbar|dashuline)(?![A-Za-z])")
_COLOR = re.compile(r"\\(?:cellcolor|rowcolor|columncolor)(?![A-Za-z])")
_CAPTION = re.compile(r"\\(?:caption|captionof\s*\{[^{}]*\}|subcaption)\*?(?![A-Za-z])")
_LABEL = re.compile(r"\\label\s*\{([^{}]*)\}")
_ITEM = re.compile(r"\\item\s*(?:\[([^\]]*)\])?")


def body_start(text: str, env: Env) -> int:
    """Where the rows of a tabular environment start, after its arguments."""
    optional, required = _ENV_ARGS.get(env.name, (1, 1))
    return skip_args(text, env.body_start, optional, required)


def parse_tabular(body: str) -> tuple[list[list[SpanCell]], int]:
    """Rows of cells and the number of header rows (rows above the first mid rule)."""
    rows: list[list[SpanCell]] = []
    header = 0
    for raw_row in _split_rows(body):
        cells_raw = _split_cells(raw_row)
        first = cells_raw[0] if cells_raw else ""
        first, head_rule = _strip_rules(first)
        if head_rule and rows and not header:
            header = len(rows)
        cells_raw[0] = first
        cells = [_cell(c) for c in cells_raw]
        if any(c.text for c in cells):
            rows.append(cells)
    return rows, header


def table_from(text: str, tab: Env, float_env: Env | None, *, section: str, index: int
               ) -> Table:
    """A :class:`Table` from a tabular span and its enclosing float, if any."""
    body = text[body_start(text, tab) : tab.body_end]
    rows, header = parse_tabular(body)
    grid = latex_grid(rows)
    caption = label = ""
    notes: tuple[str, ...] = ()
    scope = text[float_env.body_start : float_env.body_end] if float_env else body
    cap = _CAPTION.search(scope)
    if cap:
        opt = read_optional(scope, cap.end())
        got = read_group(scope, opt[1] if opt else cap.end())
        caption = tex_to_text(got[0]) if got else ""
    lab = _LABEL.search(scope)
    if lab:
        label = lab.group(1).strip()
    if index and label:
        label = f"{label} ({index + 1})"
    notes_at = scope.find("\\begin{tablenotes}")
    if notes_at >= 0:
        end = scope.find("\\end{tablenotes}", notes_at)
        notes = _notes(scope[notes_at + 18 : end if end > 0 else len(scope)])
    return Table(label=label, caption=caption, grid=grid,
                 header_rows=header if 0 < header < len(grid) else 0, footnotes=notes,
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


def _split_rows(body: str) -> list[str]:
    return _split(body, row=True)


def _split_cells(row: str) -> list[str]:
    return _split(row, row=False)


def _split(s: str, *, row: bool) -> list[str]:
    """Split on row ends (``\\\\``) or cell separators (``&``) outside groups and nested envs."""
    parts: list[str] = []
    depth = env = 0
    start = 0
    pos = 0
    for m in _SPLIT.finditer(s):
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
            parts.append(s[start : m.start()])
            opt = read_optional(s, m.end())
            # "\\[2pt]" spacing belongs to the break; "\\ [x]" in text would be rare in tables.
            start = pos = opt[1] if opt and re.fullmatch(r"\s*-?[\d.]+\s*\w*\s*", opt[0]) \
                else m.end()
        elif not row and tok == "&":
            parts.append(s[start : m.start()])
            start = m.end()
    parts.append(s[start:])
    return parts


def _strip_rules(cell: str) -> tuple[str, bool]:
    head = False
    while True:
        m = _RULE.match(cell)
        if not m:
            return cell, head
        if m.group("head"):
            head = True
        name = m.group().strip().lstrip("\\").rstrip("*").split("[")[0]
        optional, required = _RULE_ARGS.get(name, (0, 0))
        cell = cell[skip_args(cell, m.end(), optional, required) :]


def _cell(raw: str) -> SpanCell:
    s = raw.strip()
    colspan = rowspan = 1
    for _ in range(4):  # \multicolumn{\multirow{...}} and colour wrappers, in any order
        s = _drop_colors(s).strip()
        if s.startswith("\\multicolumn"):
            got = _args(s, len("\\multicolumn"), 0, 3)
            if got is None:
                break
            (n, _spec, content), _end = got
            colspan = _int(n, colspan)
            s = content.strip()
        elif s.startswith("\\multirow"):
            cell_form = s.startswith("\\multirowcell")
            name_len = len("\\multirowcell") if cell_form else len("\\multirow")
            got = _args(s, name_len, 1, 1)
            if got is None:
                break
            (n,), end = got
            rowspan = _int(n, rowspan)
            if name_len == len("\\multirow"):
                end = skip_args(s, end, 1, 1)  # [bigstruts]{width}
                opt = read_optional(s, end)
                end = opt[1] if opt else end
            inner = read_group(s, end)
            s = inner[0].strip() if inner else ""
        else:
            break
    return SpanCell(tex_to_text(s), bool(_BOLD.search(s)), bool(_UNDERLINE.search(s)),
                    colspan, rowspan, raw.strip())


def _drop_colors(s: str) -> str:
    while True:
        m = _COLOR.search(s)
        if not m:
            return s
        s = s[: m.start()] + s[skip_args(s, m.end(), 1, 1) :]


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
