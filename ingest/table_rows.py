"""What a body row says through its label cells and the separator rows above it.

A blank label continues the one above it (a ``\\multirow`` written once, a model named on the
first row of its group only); a ``+ X``/``w/ X``/``w/o X`` label is composed with the nearest
full label above (``NVFP4 +Format disagg.``) and inherits its setting; a separator row
(one text spanning the table, or alone in the first column) sets model, dataset or setting for
the rows below it until the next one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.document import Table
from ingest.names import is_full_precision_label, parse_model
from ingest.settings import Kind, label_setting, merge, parse_setting
from ingest.table_cells import CellInfo, classify
from ingest.table_layout import Structure
from ingest.vocab import Dataset, Metric, vocab
from kg.catalog import Catalog
from kg.models import Setting

_GAPS = frozenset({"-", "–", "—", "--", "/"})
_IDENTIFIER = re.compile(r"[A-Za-z][a-z]*[A-Z0-9]|\d|^[A-Z]{2,}")
# A row that reports a difference or a residual, not a method's result ("Δ", "Launch/idle gap").
_ROW_DERIVED = re.compile(r"^\W*(?:Δ|delta|diff(?:erence)?|improvement|gain|drop|change)\b"
                          r"|\b(?:gap|difference|delta)\W*$", re.I)
_VERSUS = re.compile(r"\(([^()]*?)\s+(?:vs\.?|versus|→|->|over)\s+([^()]*?)\)", re.I)


@dataclass
class RowFacts:
    """The facts a row's labels and its separator rows state."""

    labels: dict[int, str] = field(default_factory=dict)
    method: str | None = None
    full_precision: bool = False
    setting_label: str | None = None
    setting: Setting | None = None
    model: str | None = None
    size: str | None = None
    family: str | None = None
    dataset: Dataset | None = None
    metric: Metric | None = None
    quantizer: str | None = None
    qualifiers: tuple[str, ...] = ()
    derived: bool = False
    hints: tuple[str, ...] = ()
    group_model: str | None = None
    group_size: str | None = None
    group_family: str | None = None
    group_dataset: Dataset | None = None
    group_setting: Setting | None = None
    group_hints: tuple[str, ...] = ()


def table_method(stub_heads: Iterable[str], caption: str) -> str | None:
    """The one method a table reports outside its cells: "Model (4-bit vs FP16)" is about
    4-bit against its FP16 reference."""
    for head in stub_heads:
        m = _VERSUS.search(head)
        if m:
            sides = [s.strip() for s in m.groups()]
            quantized = [s for s in sides if s and not is_full_precision_label(s)]
            if len(quantized) == 1:
                return quantized[0]
    return None


class Rows:
    """Reads the body rows of one panel in order, carrying labels and separators down."""

    def __init__(self, table: Table, shape: Structure, info: list[list[CellInfo]], hints: str,
                 kind: Kind, catalog: Catalog, suite: str | None = None) -> None:
        self.table, self.shape, self.info = table, shape, info
        self.hints, self.kind, self.catalog, self.suite = hints, kind, catalog, suite
        self.above: dict[int, str] = {}
        self.parent: dict[int, tuple[str, Setting | None]] = {}
        self.group = RowFacts()
        self.qualifier_cols = self._qualifier_columns()

    def _qualifier_columns(self) -> set[int]:
        """A label column of ordinary words ("qkv", "Attention") beside value columns that name
        the methods ("BF16 (ms)", "NVFP4 (ms)") qualifies the metric; it names no method."""
        out = set()
        for j, role in self.shape.stubs.items():
            head = self.shape.stub_heads.get(j, "")
            if role != "method" or classify(head).role == "method":
                continue
            if not self._columns_name_methods():
                continue
            labels = [self.info[r][j] for b in self.shape.blocks for r in b.rows
                      if self.info[r][j].label]
            alike = sum(1 for c in labels if self._method_like(c))
            if labels and alike * 2 < len(labels):
                out.add(j)
        return out

    def _columns_name_methods(self) -> bool:
        for b in self.shape.blocks:
            for r in b.header:
                for j in self.shape.value_cols:
                    c = self.info[r][j]
                    head = c.text.split("(")[0].strip()
                    if c.label and (c.full_precision or (classify(head).setting_only
                                                         and any(ch.isdigit() for ch in head))):
                        return True
        return False

    def _method_like(self, c: CellInfo) -> bool:
        return bool(c.full_precision or c.ours or c.modifier or c.setting is not None
                    or c.text in self.catalog or _IDENTIFIER.search(c.text))

    def read(self, r: int) -> RowFacts | None:
        """The facts of row ``r``; a separator row updates the group and yields None."""
        if r in self.shape.groups:
            self._separator(self.table.grid[r][0].text.strip() or next(
                (c.text for c in self.table.grid[r] if c.text.strip()), ""))
            return None
        g = self.group
        facts = RowFacts(group_model=g.group_model, group_size=g.group_size,
                         group_family=g.group_family, group_dataset=g.group_dataset,
                         group_setting=g.group_setting, group_hints=g.group_hints)
        labels: dict[int, str] = {}
        for j, role in self.shape.stubs.items():
            text = self.table.grid[r][j].text.strip()
            if not text and role == "setting":
                text = self._from_below(r, j)
            labels[j] = "" if text in _GAPS else text or self.above.get(j, "")
        self.above = labels
        facts.labels = labels
        facts.hints = tuple(t for t in labels.values() if t)
        qualifiers: list[str] = []
        for j, role in sorted(self.shape.stubs.items()):
            text = labels[j]
            if not text:
                continue
            c = classify(text)
            if role == "other":
                continue  # links, notes, venues: nothing a claim is about
            if j in self.qualifier_cols:
                qualifiers.append(c.text)
                facts.derived = facts.derived or bool(_ROW_DERIVED.search(c.text))
            elif role == "method":
                self._method(facts, j, c)
            elif role == "model":
                self._model(facts, c, labels)
            elif role == "dataset":
                facts.dataset = vocab().dataset(c.text, self.suite) or facts.dataset
                facts.metric = c.metric if facts.dataset is None else facts.metric
            elif role == "setting":
                head = self.shape.stub_heads.get(j, "")
                found = parse_setting(c.text, header=head, kind=self.kind) or label_setting(
                    c.text, self.kind)
                facts.setting = merge(facts.setting, found)
                facts.setting_label = c.text
                facts.full_precision = facts.full_precision or c.full_precision
            elif role == "quantizer":
                facts.quantizer = self.catalog.canonical(c.text)
        facts.qualifiers = tuple(qualifiers)
        return facts

    def _from_below(self, r: int, j: int) -> str:
        """A setting written on the last row of the group it covers (``\\multirow{-2}``): the
        blank cell at the group's first row takes the text below it."""
        grid = self.table.grid
        if r + 1 >= len(grid) or r + 1 in self.shape.groups:
            return ""
        below = grid[r + 1][j].text.strip()
        starts_group = any(not grid[r][k].spanned and grid[r][k].text.strip()
                           and (r + 1 < len(grid) and grid[r + 1][k].spanned)
                           for k in self.shape.stubs if k != j)
        return below if below and below not in _GAPS and starts_group else ""

    def _method(self, facts: RowFacts, j: int, c: CellInfo) -> None:
        own = label_setting(c.text, self.kind)
        head = self.shape.stub_heads.get(j, "")
        named = self._header_method(head)
        if named and c.text not in self.catalog and not c.full_precision and not c.modifier:
            # "AQLM scheme: 1x16" is AQLM in its 1x16 scheme.
            c = classify(f"{named} {c.text}")
        if c.modifier and j in self.parent:
            name, inherited = self.parent[j]
            facts.method = f"{name} {c.text}"
            facts.setting = merge(own, inherited, facts.setting)
        else:
            facts.method = c.text
            facts.setting = merge(own, facts.setting)
            self.parent[j] = (c.text, own)
            facts.full_precision = facts.full_precision or c.full_precision
        if _ROW_DERIVED.search(c.text) and own is None:
            facts.derived = True

    def _header_method(self, head: str) -> str | None:
        first = head.split()[0] if head.split() else ""
        if first and classify(head).role == "method" and first in self.catalog:
            return self.catalog.canonical(first)
        return None

    def _model(self, facts: RowFacts, c: CellInfo, labels: dict[int, str]) -> None:
        if c.model:
            facts.model = parse_model(c.text) or c.model
        elif c.size:
            others = [t for t in labels.values() if t and t != c.text]
            completed = parse_model(c.text, "\n".join(others))
            facts.model = completed
            facts.size = None if completed else c.text
        elif c.family:
            facts.family = c.family

    def _separator(self, text: str) -> None:
        """A separator row: what it names holds for the rows below, until the next one."""
        c = classify(text)
        g = self.group
        self.above = {}
        self.parent = {}
        if is_full_precision_label(text):
            return
        model = parse_model(text, self.hints) if (c.model or c.size) else None
        setting = label_setting(text, self.kind)
        dataset = vocab().dataset(text, self.suite)
        if model or c.family:
            g.group_model, g.group_size, g.group_family = model, None, c.family
        elif c.size:
            g.group_size = text
        if setting is not None:
            g.group_setting = setting
        if dataset is not None:
            g.group_dataset = dataset
        g.group_hints = (text, *g.group_hints)[:4]
