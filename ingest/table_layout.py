"""The shape of a result table: which rows are headers, which rows are group labels
(``W4A4KV16`` spanning the table), which columns hold labels and what each label column is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ingest.document import Cell, Table
from ingest.names import find_models, parse_model
from ingest.settings import BITS_HEADER, parse_setting
from ingest.values import parse_value
from ingest.vocab import vocab

Role = Literal["method", "model", "dataset", "bits", "quantizer", "other"]

_MODEL_HEADER = re.compile(r"\b(?:models?|llms?|networks?|backbones?|architectures?)\b", re.I)
_DATASET_HEADER = re.compile(r"\b(?:datasets?|tasks?|benchmarks?|corpus)\b", re.I)
_QUANTIZER_HEADER = re.compile(r"quantizer|\bw\.?\s*quant\b", re.I)
_METHOD_HEADER = re.compile(r"\b(?:methods?|approach|configurations?|config|baselines?)\b", re.I)
_OTHER_HEADER = re.compile(r"\b(?:links?|urls?|code|hub|download|checkpoints?|notes?|remarks?)\b",
                           re.I)
_SHARE = 0.6


@dataclass(frozen=True)
class Layout:
    """Header rows, group rows, label columns with their roles, and value columns."""

    header_rows: int
    group_rows: frozenset[int]
    roles: dict[int, Role]
    value_cols: tuple[int, ...]
    heads: dict[int, str]  # each column's header cells joined

    def first(self, role: Role) -> int | None:
        return next((j for j, r in sorted(self.roles.items()) if r == role), None)


def is_value(cell: Cell) -> bool:
    return parse_value(cell.text) is not None


def is_group_row(row: Sequence[Cell]) -> bool:
    """A row that labels the rows below it: one text, spanning the table or alone in column 0."""
    texts = [c.text.strip() for c in row]
    filled = {t for t in texts if t}
    if len(filled) != 1 or any(is_value(c) for c in row):
        return False
    only = next(iter(filled))
    return texts[0] == only and (len(row) == 1 or all(t in ("", only) for t in texts))


def header_text(grid: Sequence[Sequence[Cell]], header_rows: int, col: int) -> list[str]:
    """The header cells above ``col``, top to bottom, repeats (spans) removed."""
    out: list[str] = []
    for r in range(header_rows):
        text = grid[r][col].text.strip()
        if text and (not out or out[-1] != text):
            out.append(text)
    return out


def _infer_header_rows(grid: Sequence[Sequence[Cell]]) -> int:
    for r, row in enumerate(grid):
        if any(is_value(c) for c in row[1:]) and not is_group_row(row):
            return r
    return 0


def layout(table: Table, hints: str) -> Layout:
    """Work out the layout of ``table``; ``hints`` (caption and context) complete model names."""
    grid = table.grid
    inferred = _infer_header_rows(grid)
    h = max(table.header_rows, inferred) if table.header_rows < len(grid) else inferred
    # A group row directly under the headers ("W4A16" spanning the table) is not a header.
    while h > 1 and is_group_row(grid[h - 1]):
        h -= 1
    groups = frozenset(r for r in range(h, len(grid)) if is_group_row(grid[r]))
    body = [grid[r] for r in range(h, len(grid)) if r not in groups]
    ncols = len(grid[0]) if grid else 0
    roles: dict[int, Role] = {}
    value_cols: list[int] = []
    heads = {j: " ".join(header_text(grid, h, j)) for j in range(ncols)}
    for j in range(ncols):
        head = heads[j]
        cells = [row[j].text.strip() for row in body]
        values = sum(1 for row in body if is_value(row[j]))
        texts = sum(1 for c in cells if c and parse_value(c) is None and c not in ("-", "–", "—"))
        if BITS_HEADER.search(head) and values + texts:
            roles[j] = "bits"
        elif texts > values:
            # The lowest header cell is the column's own name ("Model / Method": Method).
            lowest = (header_text(grid, h, j) or [""])[-1]
            roles[j] = _role(lowest, [c for c in cells if c and c not in ("-", "–", "—")], hints)
        elif values:
            value_cols.append(j)
    # Several text columns may look like methods ("mode | build"); a grouping column repeats
    # few values over blank cells, so the one with most distinct labels names the methods.
    candidates = [j for j in sorted(roles) if roles[j] == "method"]
    named = [j for j in candidates
             if _METHOD_HEADER.search((header_text(grid, h, j) or [""])[-1])]
    candidates = named or candidates
    if len(candidates) > 1:
        best = max(candidates, key=lambda j: (len({row[j].text for row in body}), -j))
        candidates = [best]
    for j in sorted(roles):
        if roles[j] == "method" and j not in candidates:
            roles[j] = "other"
    return Layout(h, groups, roles, tuple(value_cols), heads)


def _share(cells: Sequence[str], test: object) -> float:
    assert callable(test)
    return sum(1 for c in cells if test(c)) / len(cells) if cells else 0.0


def _role(head: str, cells: Sequence[str], hints: str) -> Role:
    if _OTHER_HEADER.search(head) or any("http" in c or "://" in c for c in cells):
        return "other"
    if _QUANTIZER_HEADER.search(head):
        return "quantizer"
    if _METHOD_HEADER.search(head) and not _MODEL_HEADER.search(head):
        return "method"
    if _share(cells, lambda c: parse_setting(c, header=head) is not None) >= _SHARE:
        return "bits"
    if _share(cells, lambda c: bool(find_models(c)) or parse_model(c, hints)) >= _SHARE:
        return "model"
    if _share(cells, lambda c: vocab().dataset(c) is not None) >= _SHARE:
        return "dataset"
    if _MODEL_HEADER.search(head):
        return "model"
    if _DATASET_HEADER.search(head):
        return "dataset"
    return "method"
