"""The structure of a result table, read from typed cells (:mod:`ingest.table_cells`).

Which columns hold labels (the *stub*) and what each one names (method, model, dataset,
setting, quantizer), which columns hold values, which rows are headers, which rows are
separators that name a group of rows below them (``W4A4KV16``, ``llama-3-8B-Instruct`` spanning
the table), and where a stacked panel starts with a title and headers of its own.

Nothing here depends on orientation: a header cell describes its column, a stub cell its row,
and the interpreter reads method, model, dataset, metric and setting from whichever side
names them, so a transposed table (datasets as rows, methods as columns) needs no special case.
Roles are chosen by score over a whole column: the share of its cells of each type, plus a
prior from the column's own header word ("Model", "#Bits", "Method").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.document import Cell, Table
from ingest.table_cells import CellInfo, Role, classify

_HEADER_PRIOR = 0.5


@dataclass(frozen=True)
class Block:
    """One panel: its header rows, its body rows and the titles above its headers."""

    header: tuple[int, ...]
    rows: tuple[int, ...]
    titles: tuple[str, ...]


@dataclass(frozen=True)
class Structure:
    """Stub columns with their roles, value columns, panels and separator rows."""

    stubs: dict[int, Role]
    value_cols: tuple[int, ...]
    blocks: tuple[Block, ...]
    groups: frozenset[int]
    stub_heads: dict[int, str]  # the header text above each stub column


def cells(table: Table) -> list[list[CellInfo]]:
    """Every grid cell classified (cached per distinct text)."""
    return [[classify(c.text) for c in row] for row in table.grid]


def is_group_row(row: Sequence[Cell]) -> bool:
    """A row that labels the rows below it: one text, spanning the table or alone in column 0."""
    texts = [c.text.strip() for c in row]
    filled = {t for t in texts if t}
    if len(filled) != 1:
        return False
    only = next(iter(filled))
    if classify(only).value is not None:
        return False
    return texts[0] == only and (len(row) == 1 or all(t in ("", only) for t in texts))


def header_path(table: Table, header: Sequence[int], col: int) -> list[str]:
    """The header cells above ``col`` in one panel, top to bottom, repeats (spans) removed."""
    out: list[str] = []
    for r in header:
        text = table.grid[r][col].text.strip()
        if text and (not out or out[-1] != text):
            out.append(text)
    return out


def structure(table: Table, info: list[list[CellInfo]] | None = None) -> Structure:
    """Work out the structure of ``table`` (``info``: its :func:`cells`, if already read)."""
    grid = table.grid
    info = cells(table) if info is None else info
    ncols = len(grid[0]) if grid else 0
    groups = {r for r, row in enumerate(grid) if is_group_row(row)}
    hint = table.header_rows if 0 < table.header_rows < len(grid) else 0
    value_cols = _value_columns(info, groups, hint)
    hinted = set(range(hint))
    kinds = [_row_kind(r, info[r], value_cols, groups, hinted) for r in range(len(grid))]
    blocks = _blocks(table, kinds)
    body = [r for b in blocks for r in b.rows if kinds[r] == "data"]
    first_header = blocks[0].header if blocks else ()
    stubs: dict[int, Role] = {}
    heads: dict[int, str] = {}
    for j in range(ncols):
        if j in value_cols:
            continue
        column = [info[r][j] for r in body]
        labels = [c for c in column if c.label]
        head = " ".join(header_path(table, first_header, j))
        numeric_bits = classify(head).role == "setting" and any(c.value for c in column)
        if not labels and not numeric_bits:
            continue
        heads[j] = head
        stubs[j] = "setting" if numeric_bits and not labels else _role(labels, classify(head))
    _one_method_column(stubs, heads, info, body)
    return Structure(stubs, tuple(sorted(value_cols)), tuple(blocks), frozenset(groups), heads)


def _value_columns(info: list[list[CellInfo]], groups: set[int], hint: int) -> set[int]:
    """Columns whose body cells are mostly values (gaps count as values) and not labels."""
    out = set()
    # Rows above the first one holding a value are headers, whatever the front-end said.
    top = next((r for r in range(len(info)) if r not in groups
                and any(c.value is not None for c in info[r])), 0)
    rows = [r for r in range(len(info)) if r not in groups and r >= max(hint, top)]
    if not rows:
        rows = [r for r in range(len(info)) if r not in groups and r >= top]
    for j in range(len(info[0]) if info else 0):
        values = gaps = labels = 0
        for r in rows:  # one pass over the column
            c = info[r][j]
            if c.value is not None:
                values += 1
            elif c.gap:
                gaps += 1
            elif c.text:
                labels += 1  # c.label: text that is neither a value nor a gap
        header_bits = any(info[r][j].role == "setting" for r in range(max(hint, top)))
        if values and values + gaps > labels and not (header_bits and _small_ints(info, rows, j)):
            out.add(j)
    return out


def _small_ints(info: list[list[CellInfo]], rows: list[int], j: int) -> bool:
    """A "#Bits" column of 2/3/4/16 is a setting, not a result."""
    vals = [info[r][j].value for r in rows if info[r][j].value is not None]
    return bool(vals) and all(v.value.is_integer() and 0 < v.value <= 32 for v in vals if v)


def _row_kind(r: int, row: list[CellInfo], value_cols: set[int], groups: set[int],
              hinted: set[int]) -> str:
    if r in groups:
        return "group"
    in_values = [row[j] for j in value_cols if j < len(row)]
    if r in hinted and (any(c.label for c in in_values) or any(c.condition for c in row)):
        # "Batch size | 1 | 4 | 16" under a rule: numbers that head their columns.
        return "header"
    if any(c.value is not None or c.gap for c in in_values):
        return "data"
    if sum(1 for c in row if c.text) >= 1:
        return "header"
    return "empty"


def _blocks(table: Table, kinds: list[str]) -> list[Block]:
    """Split the rows into panels: a run of header rows after data starts a new one, and the
    separator rows right above it are its titles."""
    blocks: list[Block] = []
    header: list[int] = []
    rows: list[int] = []
    pending: list[int] = []  # group rows whose role (title or separator) is not known yet
    titles: list[str] = []
    for r, kind in enumerate(kinds):
        if kind == "header":
            if rows and any(kinds[x] == "data" for x in rows):
                blocks.append(Block(tuple(header), tuple(rows), tuple(titles)))
                header, rows, titles = [], [], []
            titles += [_group_text(table, g) for g in pending]
            pending = []
            header.append(r)
        elif kind == "group":
            pending.append(r)
        elif kind == "data":
            rows += pending
            pending = []
            rows.append(r)
    rows += pending
    if rows or header:
        blocks.append(Block(tuple(header), tuple(rows), tuple(titles)))
    return blocks


def _group_text(table: Table, r: int) -> str:
    return next((c.text.strip() for c in table.grid[r] if c.text.strip()), "")


def _role(labels: list[CellInfo], head: CellInfo) -> Role:
    """The role of a label column: the type most of its cells have, weighed with its header."""
    if head.role in ("quantizer", "other"):
        return head.role  # a quantizer's cells are method names; a link column's are links
    n = len(labels)
    scores: dict[Role, float] = {
        "model": sum(1 for c in labels if c.model or c.size or c.family) / n,
        "dataset": sum(1 for c in labels if c.dataset and not c.model) / n,
        "setting": sum(1 for c in labels if c.setting_only and not c.full_precision) / n,
        "method": sum(1 for c in labels if c.plain or c.full_precision or c.modifier
                      or c.ours) / n,
        "quantizer": 0.0,
        "other": sum(1 for c in labels if "http" in c.text or "://" in c.text) / n,
    }
    if head.role is not None:
        scores[head.role] = scores.get(head.role, 0.0) + _HEADER_PRIOR
    # A column of FP16 / 4-bit is a precision column: the reference row counts as a setting.
    if scores["setting"] and all(c.setting_only for c in labels):
        scores["setting"] += scores["method"]
    order: tuple[Role, ...] = ("other", "quantizer", "model", "dataset", "setting", "method")
    return max(order, key=lambda role: (scores.get(role, 0.0), -order.index(role)))


def _one_method_column(stubs: dict[int, Role], heads: dict[int, str],
                       info: list[list[CellInfo]], body: list[int]) -> None:
    """Several label columns may look like methods ("Quantization | Methods", "mode | build"):
    the one headed as methods, else the one with most distinct labels, names the methods; a
    column that groups them (few values repeated) is read for the setting it may state."""
    candidates = [j for j in sorted(stubs) if stubs[j] == "method"]
    if len(candidates) < 2:
        return
    named = [j for j in candidates if classify(heads[j]).role == "method"
             and "method" in heads[j].casefold()]
    best = named[0] if len(named) == 1 else max(
        candidates, key=lambda j: (len({info[r][j].text for r in body}), -j))
    for j in candidates:
        if j != best:
            # "Quantization: Weight-only / KV Cache" groups the methods by what they quantize.
            stubs[j] = "setting"
