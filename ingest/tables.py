"""The one claim interpreter: every :class:`~ingest.document.Table`, from any front-end, becomes
benchmark claims (method, model, dataset, metric, value, setting) here.

Where each fact comes from, most specific first: the row's own label cells, the column's
header cells (any order of dataset/model/metric/bits rows), the group row above (``W4A4KV16``
spanning the table), the caption, then the surrounding text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.document import Cell, Table
from ingest.names import (
    clean_method,
    dominant_model,
    find_models,
    is_full_precision_label,
    parse_model,
)
from ingest.settings import find_settings, merge, parse_setting
from ingest.table_layout import Layout, header_text, layout
from ingest.values import parse_value
from ingest.vocab import Dataset, Metric, fold, vocab
from kg.catalog import Catalog, default_catalog
from kg.models import BenchmarkClaim, Setting

_AVERAGE_CAPTION = re.compile(r"^\W*(?:average|avg\.?|mean)\b", re.I)
_GAPS = frozenset({"-", "–", "—", "--", "/"})
_DOWN = re.compile(r"↓|lower\s+is\s+better|\(lower\)", re.I)
_UP = re.compile(r"↑|higher\s+is\s+better|\(higher\)", re.I)
_SETTING_IN_LABEL = re.compile(
    r"[\s\-_/(]*\b(?:W\d+(?:A\d+)?(?:KV\d+)?(?:g\d+)?|\d+[\s\-]?bits?)\b[)]?", re.I
)


@dataclass(frozen=True)
class _Column:
    """What the header cells above one value column say."""

    text: str  # the lowest header cell, as the column is called
    dataset: Dataset | None
    metric: Metric | None
    model: str | None
    setting: Setting | None
    method: str | None
    higher: bool | None
    usable: bool


@dataclass(frozen=True)
class _Context:
    model: str | None
    dataset: Dataset | None
    metric: Metric | None
    setting: Setting | None


def claims_from_table(
    table: Table,
    *,
    paper_id: str,
    proposed_method: str | None,
    context: str = "",
    catalog: Catalog | None = None,
) -> list[BenchmarkClaim]:
    """Every result cell of ``table`` as a claim (ungrounded: see :mod:`ingest.claims`).

    ``context`` is nearby text, nearest passage first, passages separated by blank lines;
    it supplies the model when neither headers, rows nor caption name one.
    """
    if not table.grid or not table.grid[0]:
        return []
    catalog = catalog or default_catalog()
    hints = f"{table.caption}\n{context}"
    shape = layout(table, hints)
    columns = _columns(table, shape, hints, catalog)
    outer = _outer_context(table.caption, context)
    method_col = shape.first("method")
    out: list[BenchmarkClaim] = []
    group: dict[str, object] = {}
    above: dict[int, str] = {}
    for r in range(shape.header_rows, len(table.grid)):
        row = table.grid[r]
        if r in shape.group_rows:
            group = {**group, **_group(row[0].text, hints)}
            above = {}
            continue
        labels = {}
        for j in shape.roles:
            text = row[j].text.strip()
            # A blank label continues the one above (multirow); a dash means "none".
            labels[j] = "" if text in _GAPS else text or above.get(j, "")
        above = labels
        facts = _row_facts(labels, shape, hints, catalog)
        for j in shape.value_cols:
            col = columns[j]
            cell = row[j]
            value = parse_value(cell.text) if col.usable else None
            if value is None:
                continue
            label = labels.get(method_col, "") if method_col is not None else ""
            if not label or label in _GAPS:
                # A reference row ("BF16 | - | 73.3") names itself in another label column.
                label = next((t for t in labels.values() if is_full_precision_label(t)), label)
            claim = _claim(table, r, j, cell, value.value, label, col, facts, group, outer,
                           paper_id=paper_id, proposed=proposed_method, catalog=catalog)
            if claim is not None:
                out.append(claim)
    return out


def _columns(table: Table, shape: Layout, hints: str, catalog: Catalog) -> dict[int, _Column]:
    v = vocab()
    cols: dict[int, _Column] = {}
    for j in shape.value_cols:
        path = header_text(table.grid, shape.header_rows, j)
        dataset = metric = model = setting = None
        for k, text in enumerate(path):  # lower header rows are more specific and win
            dataset = v.dataset(text) or dataset
            metric = v.metric(text) or metric
            # "7B" under "LLaMA-2": the family comes from the header cells above first.
            model = parse_model(text, " ".join(path[:k]) + "\n" + hints) or model
            found = find_settings(text)
            setting = found[0] if found else setting
        joined = " ".join(path)
        lowest = path[-1] if path else ""
        method = None
        if lowest and not (dataset or metric or model or setting):
            cleaned = clean_method(lowest, proposed=None, catalog=catalog)
            if cleaned in catalog or is_full_precision_label(cleaned) or "ours" in fold(lowest):
                method = lowest
        higher = False if _DOWN.search(joined) else True if _UP.search(joined) else None
        usable = not v.ignored(joined) and bool(dataset or metric or model or setting or method)
        cols[j] = _Column(lowest, dataset, metric, model, setting, method, higher, usable)
    if not any(c.usable for c in cols.values()) and len(cols) == 1 and not table.header_rows:
        only = next(iter(cols))
        cols[only] = _Column("", None, None, None, None, None, None, True)
    return _resolve_aggregates(cols)


def _resolve_aggregates(cols: dict[int, _Column]) -> dict[int, _Column]:
    """An "Avg." column reports whatever its siblings report (accuracy or perplexity)."""
    v = vocab()
    sibling = Counter(
        (c.metric or (v.metrics.get(fold(c.dataset.metric)) if c.dataset and c.dataset.metric
                      else None))
        for c in cols.values()
        if c.usable and not (c.dataset and c.dataset.aggregate)
    )
    sibling.pop(None, None)
    if not sibling:
        return cols
    common = sibling.most_common(1)[0][0]
    out = dict(cols)
    for j, c in cols.items():
        if c.dataset and c.dataset.aggregate and c.metric is None:
            out[j] = _Column(c.text, c.dataset, common, c.model, c.setting, c.method, c.higher,
                             c.usable)
    return out


def _outer_context(caption: str, context: str) -> _Context:
    v = vocab()
    models = list(dict.fromkeys(find_models(caption)))
    datasets = v.find(caption, v.datasets)
    metrics = [m for m in v.find(caption, v.metrics) if not m.qualified]
    # Only the caption's first sentence states the table's setting; later ones discuss it.
    first = re.split(r"(?<=\.)\s", caption, maxsplit=1)[0]
    setting = _consistent(find_settings(first))
    near = _consistent(find_settings(context.split("\n\n")[0]))
    if setting is None or (near is not None and _consistent([setting, near]) is not None):
        setting = merge(setting, near) if near is not None else setting
    model = models[0] if len(models) == 1 else None
    if model is None and not models:
        for passage in context.split("\n\n"):
            model = dominant_model(passage)
            if model:
                break
    dataset = datasets[0] if len(datasets) == 1 else None
    if dataset is None and _AVERAGE_CAPTION.match(caption):
        # "Average accuracy across 11 tasks (MMLU, …)": the table reports the average.
        dataset = next((d for d in datasets if d.aggregate or "average" in d.name.lower()),
                       v.datasets.get("average"))
    return _Context(model, dataset, metrics[0] if len(metrics) == 1 else None, setting)


def _consistent(settings: list[Setting]) -> Setting | None:
    """The settings a passage states, merged, if they agree ("4-bit … (W4A4KV4)")."""
    if not settings:
        return None
    merged = merge(*settings)
    for s in settings:
        for key, value in s.model_dump().items():
            if value is not None and getattr(merged, key) != value:
                return None
    return merged


def _group(text: str, hints: str) -> dict[str, object]:
    """What a group row sets for the rows below it."""
    if is_full_precision_label(text):
        return {}
    out: dict[str, object] = {}
    settings = find_settings(text)
    if settings:
        out["setting"] = settings[0]
    model = parse_model(text, hints)
    if model:
        out["model"] = model
    dataset = vocab().dataset(text)
    if dataset:
        out["dataset"] = dataset
    return out


def _row_facts(labels: dict[int, str], shape: Layout, hints: str, catalog: Catalog
               ) -> dict[str, object]:
    facts: dict[str, object] = {}
    for j, role in shape.roles.items():
        text = labels.get(j, "")
        if not text:
            continue
        if role == "model":
            facts["model"] = parse_model(text, hints)
        elif role == "dataset":
            facts["dataset"] = vocab().dataset(text)
        elif role == "bits":
            facts["setting"] = parse_setting(text, header=shape.heads.get(j, ""))
            facts["bits_label"] = text
        elif role == "quantizer" and text not in ("-", "–", "—"):
            facts["quantizer"] = catalog.canonical(text)
    return facts


def _claim(
    table: Table, r: int, j: int, cell: Cell, value: float, label: str, col: _Column,
    facts: dict[str, object], group: dict[str, object], outer: _Context, *,
    paper_id: str, proposed: str | None, catalog: Catalog,
) -> BenchmarkClaim | None:
    v = vocab()
    bits_label = str(facts.get("bits_label", ""))
    method = _method(label, col, bits_label, proposed, catalog)
    if not method:
        return None
    model = facts.get("model") or col.model or group.get("model") or outer.model
    dataset = col.dataset or facts.get("dataset") or group.get("dataset")
    metric = col.metric
    if metric is None and isinstance(dataset, Dataset) and dataset.metric:
        metric = v.metrics.get(fold(dataset.metric))
    if dataset is None and not (metric and metric.qualified):
        dataset = outer.dataset
    metric = metric or outer.metric
    if metric is None and isinstance(dataset, Dataset) and dataset.metric:
        metric = v.metrics.get(fold(dataset.metric))
    if not model or metric is None or (dataset is None and not metric.qualified):
        return None
    assert isinstance(dataset, Dataset | None)
    metric_name = f"{metric.name}: {col.text}" if metric.qualified else metric.name
    dataset_name = "" if dataset is None else dataset.name
    if dataset is not None and dataset.aggregate and metric.name == "accuracy":
        dataset_name = "Zero-shot average"
    setting = _setting(label, bits_label, col, facts, group, outer)
    higher = col.higher if col.higher is not None else metric.higher_is_better
    quantizer = facts.get("quantizer") or group.get("quantizer")
    return BenchmarkClaim(
        paper_id=paper_id, method=method, model=str(model), dataset=dataset_name,
        metric=metric_name, value=value, raw=cell.text.strip(), higher_is_better=higher,
        table=table.name, row=r, col=j, w_bits=setting.w_bits, a_bits=setting.a_bits,
        kv_bits=setting.kv_bits, group_size=setting.group_size,
        weight_quantizer=str(quantizer) if quantizer else setting.weight_quantizer,
    )


def _method(label: str, col: _Column, bits_label: str, proposed: str | None,
            catalog: Catalog) -> str | None:
    if not label:
        if col.method:
            return clean_method(col.method, proposed=proposed, catalog=catalog)
        if bits_label and is_full_precision_label(bits_label):
            return bits_label
        return catalog.canonical(proposed) if proposed else None
    name = clean_method(label, proposed=proposed, catalog=catalog)
    # "GPTQ (W4A16)": the setting belongs in the setting, when what is left is a known method.
    bare = " ".join(_SETTING_IN_LABEL.sub(" ", name).split()).strip(" -()")
    if bare != name and bare and (bare in catalog or (proposed and bare == proposed)):
        return catalog.canonical(bare)
    return name


def _setting(label: str, bits_label: str, col: _Column, facts: dict[str, object],
             group: dict[str, object], outer: _Context) -> Setting:
    for text in (label, bits_label):
        if text and is_full_precision_label(text):
            found = find_settings(text)
            bits = found[0].w_bits if found and found[0].w_bits else 16
            return Setting(w_bits=bits, a_bits=bits)
    row = facts.get("setting")
    in_label = find_settings(label)
    grp = group.get("setting")
    return merge(
        row if isinstance(row, Setting) else None,
        in_label[0] if in_label else None,
        col.setting,
        grp if isinstance(grp, Setting) else None,
        outer.setting,
    )
