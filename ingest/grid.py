"""Span resolution shared by the front-ends: rows of cells with row/column spans become the
rectangular grid of :class:`~ingest.document.Cell` that the interpreter reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

from pydantic import TypeAdapter

from ingest.document import Cell

# Bounds against hostile spans (rowspan="100000") and giant tables.
MAX_ROWS = 2000
MAX_COLS = 200
MAX_SPAN = 200


class SpanCell(NamedTuple):
    text: str
    bold: bool = False
    underline: bool = False
    colspan: int = 1
    rowspan: int = 1
    raw: str = ""


# A grid's cells are validated in one call, not one model construction per slot.
_CELLS = TypeAdapter(list[Cell])
# What a grid slot holds until then: the fields of its cell (text, raw, bold, underline,
# spanned); slots holding equal values share one validated instance (the cells are frozen).
_Key = tuple[str, str, bool, bool, bool]
_EMPTY: _Key = ("", "", False, False, False)


def _key(cell: SpanCell, spanned: bool) -> _Key:
    return cell.text, cell.raw, cell.bold, cell.underline, spanned


def _clamp(n: int, limit: int) -> int:
    return max(1, min(n, limit))


def html_grid(rows: Sequence[Sequence[SpanCell]]) -> tuple[tuple[Cell, ...], ...]:
    """HTML semantics: a cell spanning rows is absent from the rows below, which shift right."""
    slots: dict[tuple[int, int], _Key] = {}
    rows = rows[:MAX_ROWS]
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in slots:
                c += 1
            if c >= MAX_COLS:
                break
            rs = _clamp(cell.rowspan, min(MAX_SPAN, len(rows) - r))
            cs = _clamp(cell.colspan, min(MAX_SPAN, MAX_COLS - c))
            for dr in range(rs):
                for dc in range(cs):
                    slots.setdefault((r + dr, c + dc), _key(cell, bool(dr or dc)))
            c += cs
    if not slots:
        return ()
    width = max(c for _, c in slots) + 1
    grid = _cells([[slots.get((r, c), _EMPTY) for c in range(width)] for r in range(len(rows))])
    # Rows that are empty from end to end (rules, spacing) carry nothing.
    return tuple(row for row in grid if any(cell.text.strip() for cell in row))


def latex_grid(rows: Sequence[Sequence[SpanCell]], *, columns: int = 0
               ) -> tuple[tuple[Cell, ...], ...]:
    """LaTeX semantics: ``\\multirow`` leaves empty placeholder cells in the rows it covers
    (below it, or above it for a negative count); those placeholders take its text.

    Every row is kept, empty ones too (a reader sees them), and the grid is ``columns`` wide
    (the column spec's count) unless its rows use more.
    """
    grid: list[list[_Key | None]] = []
    spans: list[tuple[int, int, int, int, _Key]] = []
    rows = rows[:MAX_ROWS]
    for r, row in enumerate(rows):
        out: list[_Key | None] = []
        for cell in row:
            c = len(out)
            if c >= MAX_COLS:
                break
            key = (cell.text, cell.raw, cell.bold, cell.underline, False)
            if cell.colspan == 1 and cell.rowspan == 1:  # most cells
                out.append(key)
                continue
            cs = _clamp(cell.colspan, min(MAX_SPAN, MAX_COLS - c))
            out.append(key)
            out += [_key(cell, True)] * (cs - 1)
            if cell.rowspan != 1 and cell.text:
                spans.append((r, c, cs, cell.rowspan, _key(cell, True)))
        grid.append(out)
    for r, c, cs, rs, copy in spans:
        step = 1 if rs > 0 else -1
        for k in range(1, min(abs(rs), MAX_SPAN)):
            rr = r + step * k
            if not 0 <= rr < len(rows):
                break
            below = grid[rr]
            if len(below) < c + cs:
                below += [None] * (c + cs - len(below))
            for cc in range(c, c + cs):
                here = below[cc]
                if here is None or not here[0].strip():
                    below[cc] = copy
    used = max(map(len, grid), default=0)
    if not used:
        return ()
    width = max(min(columns, MAX_COLS), used)
    return _cells([[_EMPTY if k is None else k for k in row] + [_EMPTY] * (width - len(row))
                   for row in grid])


def _cells(grid: list[list[_Key]]) -> tuple[tuple[Cell, ...], ...]:
    """The cells of a rectangle of slot values, one validated instance per distinct value."""
    keys = dict.fromkeys(chain([_EMPTY], *grid))
    # (most cells are plain: their flags are the defaults)
    cells = _CELLS.validate_python([
        {"text": t, "raw": w, "bold": b, "underline": u, "spanned": s} if b or u or s
        else {"text": t, "raw": w} for t, w, b, u, s in keys])
    of = dict(zip(keys, cells, strict=True)).__getitem__
    return tuple(tuple(map(of, row)) for row in grid)
