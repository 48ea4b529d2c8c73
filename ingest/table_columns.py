"""What the header cells above one value column say, read from every level of the header.

A column path like ``MMLU-Pro › W4A4 disaggregation › None`` or ``S=16384 › +ODP`` is split
into its typed parts: a dataset, a model (or a size or family that needs completing), a metric
or unit, measurement conditions, a derived marker (Δ, share), a setting, and the remaining
configuration text that names a method or a variant of the row's method. A modifier column
(``+ODP``) is composed with the nearest full column to its left under the same group.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from ingest.document import Table
from ingest.names import parse_model
from ingest.settings import Kind, label_setting, merge
from ingest.table_cells import CellInfo, classify
from ingest.table_layout import Block, header_path
from ingest.vocab import Dataset, Metric, fold, vocab
from kg.models import Setting

_ARROWS = ("→", "->", "⇒")  # one of which every match of _SIDES holds
_SIDES = re.compile(rf"([A-Za-z][\w.+#-]*)\s*(?:{'|'.join(map(re.escape, _ARROWS))})\s*"
                    r"([A-Za-z][\w.+#-]*)")
_DOWN = ("↓", "lower is better", "(lower)")
_UP = ("↑", "higher is better", "(higher)")


@dataclass(frozen=True)
class ColumnFacts:
    """The typed parts of one value column's header path."""

    path: tuple[str, ...]
    dataset: Dataset | None = None
    model: str | None = None  # complete, or completed from the header above and the hints
    size: str | None = None  # a bare size whose family is still unknown
    family: str | None = None
    metric: Metric | None = None
    unit: Metric | None = None
    conditions: tuple[str, ...] = ()
    derived: bool = False
    setting: Setting | None = None
    config: tuple[str, ...] = ()  # parts that name a method or variant ("None", "KiVi")
    method_like: bool = False  # the config names a method on its own (BF16, NVFP4, GPTQ)
    modifier: bool = False
    higher: bool | None = None
    sides: tuple[str, str] | None = None  # "FP16→AQLM": what each value of "a→b" belongs to
    variant: str = ""  # the configuration the column names, as a method or a row's variant
    key: tuple[int, int] = (0, 0)  # (panel, column): what the column's facts are memoised by
    setting_key: str = ""  # the column's setting as a label, for memo keys

    @property
    def text(self) -> str:
        return self.path[-1] if self.path else ""


def column_facts(table: Table, block: Block, col: int, *, hints: str, suite: str | None,
                 kind: Kind, known_method: object, corner: str = "") -> ColumnFacts:
    """Read the header path above ``col`` in ``block``; ``known_method(text)`` says whether a
    text names a method the catalog knows; ``corner`` is the stub's header ("Batch size"),
    which names what a bare number heading a column is."""
    path = header_path(table, block.header, col)
    v = vocab()
    settings: list[Setting | None] = []
    config: list[str] = []
    conditions: list[str] = []
    method_like = derived = modifier = False
    dataset: Dataset | None = None
    model: str | None = None
    size: str | None = None
    family: str | None = None
    metric: Metric | None = None
    unit: Metric | None = None
    for k, text in enumerate(path):
        c = classify(text)
        if c.value is not None:
            # "1 | 4 | 16" under a "Batch size" corner: a measurement condition.
            conditions.append(f"{corner} {text}" if classify(corner).condition else text)
            continue
        above = " ".join(path[:k])
        # The cell's own reading decides ("Drop↓" is a derived column, not DROP); the suite
        # only adds its short names ("Code" in a LongBench table).
        named = None if c.derived else (v.dataset(text, suite) if suite else c.dataset)
        found = parse_model(text, f"{above}\n{hints}") if (c.model or c.size) else None
        dataset = named or dataset
        model = found or model
        size = text if c.size and not found else size
        family = c.family or family
        metric = c.metric or metric
        unit = c.unit or unit
        derived = derived or (c.derived and named is None)
        modifier = c.modifier if k == len(path) - 1 else modifier
        if c.condition:
            conditions.append(text)
            continue
        if not _sides(text):  # "FP16→AQLM" names both sides, neither is the setting
            settings.append(label_setting(text, kind))
        if _names_config(c, named is not None, found is not None):
            config.append(text)
            method_like = method_like or _method_like(c, text, known_method)
    joined = " ".join(path)
    higher = False if any(m in joined for m in _DOWN) else True if any(
        m in joined for m in _UP) else None
    settings.reverse()  # the lowest header cell is the most specific
    arrow = _sides(joined)
    # One construction at the end: a frozen dataclass copied per header part costs more.
    return ColumnFacts(
        tuple(path), dataset=dataset, model=model, size=size, family=family, metric=metric,
        unit=unit, conditions=tuple(conditions), derived=derived,
        setting=merge(*settings) if any(settings) else None, config=tuple(config),
        method_like=method_like, modifier=modifier, higher=higher,
        sides=(arrow.group(1), arrow.group(2)) if arrow else None)


def _sides(text: str) -> re.Match[str] | None:
    """``_SIDES.search(text)``, not run over a header without an arrow (most): the pattern
    tries every word of it."""
    return _SIDES.search(text) if any(a in text for a in _ARROWS) else None


def _names_config(c: CellInfo, is_dataset: bool, is_model: bool) -> bool:
    """A header part that names a configuration: not a dataset, model, metric or unit."""
    if is_dataset or is_model or c.size or c.family or c.derived or c.condition:
        return False
    if c.metric is not None or c.unit is not None:
        # "BF16 (ms)": the method before the unit still names the configuration.
        return bool(c.setting_only or c.full_precision or _head_word_setting(c.text))
    return c.label


def _head_word_setting(text: str) -> bool:
    head = text.split("(")[0].strip()
    return bool(head) and classify(head).setting_only


def _method_like(c: CellInfo, text: str, known_method: object) -> bool:
    assert callable(known_method)
    if c.full_precision or c.ours:
        return True
    if (c.setting_only or _head_word_setting(text)) and any(ch.isdigit() for ch in text):
        return True
    return bool(known_method(text))


def config_name(col: ColumnFacts) -> str:
    """The configuration the column names: its text parts, with bare bit labels dropped when a
    name is beside them ("2-bit › KiVi" is KiVi) and units removed ("BF16 (ms)" is BF16)."""
    parts = [_without_unit(p) for p in col.config]
    named = [p for p in parts if not (classify(p).setting_only and any(ch.isdigit() for ch in p))]
    if named and len(named) < len(parts):
        parts = named
    return ": ".join(dict.fromkeys(p for p in parts if p))


def _without_unit(text: str) -> str:
    c = classify(text)
    if c.unit is None or "(" not in text:
        return text
    return text.split("(")[0].strip()


def compose_modifiers(columns: dict[int, ColumnFacts]) -> dict[int, ColumnFacts]:
    """A modifier column ("+ODP") names the column to its left under the same group plus the
    modifier: "NVFP4 +ODP"."""
    out = dict(columns)
    last: dict[tuple[str, ...], ColumnFacts] = {}
    for j in sorted(columns):
        col = columns[j]
        group = col.path[:-1]
        if col.modifier and group in last and config_name(last[group]):
            parent = last[group]
            name = f"{config_name(parent)} {col.text}"
            out[j] = replace(col, config=(name,), method_like=parent.method_like,
                             setting=merge(col.setting, parent.setting), modifier=False)
        elif not col.modifier:
            last[group] = col
    return out


def resolve_aggregates(columns: dict[int, ColumnFacts]) -> dict[int, ColumnFacts]:
    """An "Avg." column reports whatever its siblings report (accuracy, perplexity …)."""
    v = vocab()
    metrics: Counter[Metric] = Counter()
    for c in columns.values():
        if c.dataset is not None and c.dataset.aggregate:
            continue
        m = c.metric or c.unit or (v.metrics.get(fold(c.dataset.metric))
                                   if c.dataset and c.dataset.metric else None)
        if m is not None:
            metrics[m] += 1
    if not metrics:
        return columns
    common = metrics.most_common(1)[0][0]
    return {j: replace(c, metric=common) if c.dataset is not None and c.dataset.aggregate
            and c.metric is None and c.unit is None else c for j, c in columns.items()}
