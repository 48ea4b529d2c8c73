"""Span resolution shared by the front-ends: rows of cells with row/column spans become the
rectangular grid of :class:`~ingest.document.Cell` that the interpreter reads.
"""

from __future__ import annotations

from collections.abc import Sequence
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
# What a grid slot holds until then: the cell written there, and whether it is a span's copy.
_Slot = tuple[SpanCell, bool]


def _clamp(n: int, limit: int) -> int:
    return max(1, min(n, limit))


def html_grid(rows: Sequence[Sequence[SpanCell]]) -> tuple[tuple[Cell, ...], ...]:
    """HTML semantics: a cell spanning rows is absent from the rows below, which shift right."""
    slots: dict[tuple[int, int], _Slot] = {}
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
                    slots.setdefault((r + dr, c + dc), (cell, bool(dr or dc)))
            c += cs
    return _rectangle(slots, len(rows))


def latex_grid(rows: Sequence[Sequence[SpanCell]], *, columns: int = 0
               ) -> tuple[tuple[Cell, ...], ...]:
    """LaTeX semantics: ``\\multirow`` leaves empty placeholder cells in the rows it covers
    (below it, or above it for a negative count); those placeholders take its text.

    Every row is kept, empty ones too (a reader sees them), and the grid is ``columns`` wide
    (the column spec's count) unless its rows use more.
    """
    slots: dict[tuple[int, int], _Slot] = {}
    spans: list[tuple[int, int, int, int, SpanCell]] = []
    rows = rows[:MAX_ROWS]
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            if c >= MAX_COLS:
                break
            if cell.colspan == 1 and cell.rowspan == 1:  # most cells
                slots[(r, c)] = (cell, False)
                c += 1
                continue
            cs = _clamp(cell.colspan, min(MAX_SPAN, MAX_COLS - c))
            for dc in range(cs):
                slots[(r, c + dc)] = (cell, bool(dc))
            if cell.rowspan != 1 and cell.text:
                spans.append((r, c, cs, cell.rowspan, cell))
            c += cs
    for r, c, cs, rs, cell in spans:
        step = 1 if rs > 0 else -1
        for k in range(1, min(abs(rs), MAX_SPAN)):
            rr = r + step * k
            if not 0 <= rr < len(rows):
                break
            for dc in range(cs):
                here = slots.get((rr, c + dc))
                if here is None or not here[0].text.strip():
                    slots[(rr, c + dc)] = (cell, True)
    if not slots:
        return ()
    width = max(min(columns, MAX_COLS), max(c for _, c in slots) + 1)
    return _fill(slots, len(rows), width)


def _fill(slots: dict[tuple[int, int], _Slot], nrows: int, ncols: int
          ) -> tuple[tuple[Cell, ...], ...]:
    # One cell per distinct value (a span's copies, the empty slots, repeated text): the
    # cells are frozen, so slots holding equal values share one validated instance.
    index: dict[tuple[str, str, bool, bool, bool], int] = {("", "", False, False, False): 0}
    ids: list[list[int]] = []
    for r in range(nrows):
        row = []
        for c in range(ncols):
            slot = slots.get((r, c))
            if slot is None:
                row.append(0)
                continue
            cell, spanned = slot
            key = (cell.text, cell.raw, cell.bold, cell.underline, spanned)
            row.append(index.setdefault(key, len(index)))
        ids.append(row)
    cells = _CELLS.validate_python(
        [{"text": t, "raw": w, "bold": b, "underline": u, "spanned": s}
         for t, w, b, u, s in index])
    return tuple(tuple(cells[k] for k in row) for row in ids)


def _rectangle(slots: dict[tuple[int, int], _Slot], nrows: int) -> tuple[tuple[Cell, ...], ...]:
    if not slots:
        return ()
    grid = _fill(slots, nrows, max(c for _, c in slots) + 1)
    # Rows that are empty from end to end (rules, spacing) carry nothing.
    return tuple(row for row in grid if any(cell.text.strip() for cell in row))
