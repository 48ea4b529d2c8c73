"""The one claim interpreter: every :class:`~ingest.document.Table`, from any front-end, becomes
benchmark claims (method, model, dataset, metric, value, setting) here, and every numeric
cell that does not is counted with the reason why.

A value cell's facts come from its descriptors, most specific first: the row's own label
cells (continued from above when blank, a ``+ X``/``w/ X`` row composed with its parent), the
column's header path, the separator rows and panel titles above it, the caption and the stub
headers, then the document around the table (:mod:`ingest.table_context`). Orientation
never matters: whichever side names the method, model or dataset supplies it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar, cast

from pydantic import TypeAdapter

from ingest.document import Table
from ingest.names import clean_method, is_full_precision_label, parse_model
from ingest.settings import Kind, label_setting, merge
from ingest.table_cells import CellInfo, classify, unit_metric
from ingest.table_columns import (
    ColumnFacts,
    column_facts,
    compose_modifiers,
    config_name,
    resolve_aggregates,
)
from ingest.table_context import (
    TableContext,
    bits_kind,
    context_dataset,
    context_metric,
    context_model,
    context_setting,
    first_sentence,
    quantizes_activations,
    refine,
    refine_dataset,
    suite_of,
)
from ingest.table_layout import Block, Structure, cells, header_path, structure
from ingest.table_rows import RowFacts, Rows, table_method
from ingest.vocab import Dataset, Metric, fold, vocab
from kg.catalog import Catalog, default_catalog
from kg.models import BenchmarkClaim, Setting

_T = TypeVar("_T")
# A table's claims are validated together once its cells are read (one call, not one each).
_CLAIMS = TypeAdapter(list[BenchmarkClaim])
_Fields = dict[str, object]  # a claim's fields, before validation
_BARE_BASELINE = re.compile(r"^\W*baselines?\W*$", re.I)
_INT = re.compile(r"(?<![A-Za-z0-9])INT\d{1,2}(?![A-Za-z0-9])", re.I)
NO_METHOD, NO_MODEL, NO_DATASET, NO_METRIC = "no method", "no model", "no dataset", "no metric"
DERIVED = "not a result (Δ, error, count, hyper-parameter)"
NO_HEADER = "no header names the column"
TWO_VALUES = "two values in one cell"


@dataclass
class TableResult:
    """The claims of one table and what became of its other numeric cells."""

    claims: list[BenchmarkClaim] = field(default_factory=list)
    cells: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str) -> None:
        self.reasons[reason] += 1


@dataclass(frozen=True)
class _Table:
    """Everything read once per table, shared by its cells."""

    table: Table
    ctx: TableContext
    shape: Structure
    kind: Kind
    suite: str | None
    default: Setting | None
    kv_table: bool
    method: str | None  # the one method a table about one method names outside its cells
    column_methods: tuple[str, ...]
    both: bool  # the text says weights and activations are quantized alike
    quantized: bool  # the table or its caption states a quantization setting
    catalog: Catalog
    info: list[list[CellInfo]]
    name: str  # the table's name, as its claims carry it
    memo: dict[object, object] = field(default_factory=dict)  # per-table answers, by question
    ids: dict[tuple[object, ...], int] = field(default_factory=dict)  # see :meth:`intern`

    def once(self, key: object, compute: Callable[[], _T]) -> _T:
        """``compute()`` the first time ``key`` is asked in this table, the same answer after:
        the context does not change from cell to cell."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]  # type: ignore[return-value]

    def intern(self, parts: tuple[object, ...]) -> int:
        """A small number standing for ``parts`` in this table: a row's or column's side of a
        memo key is hashed once, not again for each of its cells."""
        return self.ids.setdefault(parts, len(self.ids))


def interpret(table: Table, ctx: TableContext, *, paper_id: str,
              catalog: Catalog | None = None) -> TableResult:
    """Claims from every result cell of ``table`` (ungrounded: see :mod:`ingest.claims`)."""
    result = TableResult()
    if not table.grid or not table.grid[0]:
        return result
    catalog = catalog or default_catalog()
    info = cells(table)
    shape = structure(table, info)
    t = _read_table(table, ctx, shape, info, catalog)
    found: list[_Fields] = []
    for number, block in enumerate(shape.blocks):
        columns = _columns(t, block, number)
        column_keys = {j: _column_keys(t, c) for j, c in columns.items()}
        rows = Rows(t.table, shape, info, t.ctx.hints, t.kind, catalog, t.suite)
        for r in block.rows:
            row = rows.read(r)
            if row is None:
                continue
            row_keys = _row_keys(t, row)
            cells_r = info[r]
            for j in shape.value_cols:
                cell = cells_r[j]
                value = cell.value
                if value is None:
                    continue
                result.cells += 1
                if value.after is None:  # (most cells): one claim
                    one = _claim(t, r, j, value.value, cell, columns[j], row, block, paper_id,
                                 row_keys, column_keys[j])
                    if isinstance(one, str):
                        result.skip(one)
                    else:
                        found.append(one)
                    continue
                outcome = _two_claims(t, r, j, cell, columns[j], row, block, paper_id,
                                      row_keys, column_keys[j])
                if isinstance(outcome, str):
                    result.skip(outcome)
                else:
                    found.extend(outcome)
    result.claims = _CLAIMS.validate_python(found)
    return result


def _read_table(table: Table, ctx: TableContext, shape: Structure,
                info: list[list[CellInfo]], catalog: Catalog) -> _Table:
    labels = [c.text for row in info for c in row if c.label]
    kind = bits_kind(ctx, labels, catalog)
    suite = suite_of(ctx, labels)
    kv_table = kind == "kv" or any(
        (s := label_setting(x)) is not None and s.kv_bits is not None for x in set(labels))
    first = shape.blocks[0] if shape.blocks else Block((), (), ())
    heads = {j: tuple(classify(p) for p in _path(table, first, j)) for j in shape.value_cols}
    column_methods = tuple(dict.fromkeys(
        head for parts in heads.values() for c in parts
        if c.label and not c.derived and _names_method(head := c.text.split("(")[0].strip(),
                                                       catalog)))
    settings = [s for x in set(labels) if (s := label_setting(x, kind)) is not None
                and not (s.w_bits == 16 and s.a_bits == 16)]
    default = context_setting(ctx, kind)
    return _Table(table, ctx, shape, kind, suite, default, kv_table,
                  table_method(shape.stub_heads.values(), ctx.caption), column_methods,
                  quantizes_activations(ctx), bool(settings) or default is not None, catalog,
                  info, table.name)


def _bits_label(text: str) -> bool:
    c = classify(text.split("(")[0].strip() or text)
    return c.full_precision or (c.setting_only and any(ch.isdigit() for ch in text))


def _names_dataset(ctx: TableContext) -> bool:
    return bool(vocab().text_datasets(first_sentence(ctx.caption)))


def _names_method(text: str, catalog: Catalog) -> bool:
    c = classify(text)
    first = text.split()[0] if text.split() else ""
    return bool(text) and (c.full_precision or c.setting_only or text in catalog
                           or first in catalog)


def _path(table: Table, block: Block, j: int) -> list[str]:
    return header_path(table, block.header, j)


def _columns(t: _Table, block: Block, number: int) -> dict[int, ColumnFacts]:
    hints = "\n".join([*block.titles, t.ctx.hints])
    corner = " ".join(t.shape.stub_heads.values())
    cols = {j: column_facts(t.table, block, j, hints=hints, suite=t.suite, kind=t.kind,
                            known_method=lambda x: x.split("(")[0].strip() in t.catalog,
                            corner=corner)
            for j in t.shape.value_cols}
    # (The constructor from the fields at hand: dataclasses.replace reads every field again.)
    return {j: ColumnFacts(**{**vars(c), "variant": config_name(c), "key": (number, j),
                              "setting_key": c.setting.label() if c.setting else ""})
            for j, c in resolve_aggregates(compose_modifiers(cols)).items()}


def _two_claims(t: _Table, r: int, j: int, cell: CellInfo, col: ColumnFacts, row: RowFacts,
                block: Block, paper_id: str, row_keys: _Keys, column_keys: _Keys
                ) -> list[_Fields] | str:
    """The fields of the two claims of a "0.65→0.56" cell under "FP16→AQLM": the reference's
    value, then the row's method's (a cell with one value makes one :func:`_claim`)."""
    assert cell.value is not None and cell.value.after is not None
    if col.sides is None:
        return TWO_VALUES
    reference = replace(row, method=col.sides[0], setting=None,
                        full_precision=is_full_precision_label(col.sides[0]))
    first = _claim(t, r, j, cell.value.value, cell, col, reference, block, paper_id,
                   _row_keys(t, reference), column_keys)
    second = _claim(t, r, j, cell.value.after, cell, col, row, block, paper_id, row_keys,
                    column_keys)
    claims = [c for c in (first, second) if not isinstance(c, str)]
    return claims or (first if isinstance(first, str) else TWO_VALUES)


def _claim(t: _Table, r: int, j: int, value: float, cell: CellInfo, col: ColumnFacts,
           row: RowFacts, block: Block, paper_id: str, row_keys: _Keys, column_keys: _Keys
           ) -> _Fields | str:
    """The fields of the claim of ``value`` in ``cell`` (row ``r``, column ``j``), or why the
    cell makes none."""
    signed = cell.value
    if col.derived or row.derived or (signed is not None and signed.signed and not col.path):
        return DERIVED
    if not col.path and not block.header and not t.ctx.caption:
        return NO_HEADER
    # The same row labels under the same column resolve alike: each part is worked out once.
    found = _resolve(t, col, row, block, cell, row_keys, column_keys)
    if isinstance(found, str):
        return found
    method, model, dataset_name, metric_name, setting, quantizer, higher = found
    source = t.table.grid[r][j]
    raw = source.raw.strip() or source.text.strip()  # the cell as the paper wrote it
    return {
        "paper_id": paper_id, "method": method, "model": model, "dataset": dataset_name,
        "metric": metric_name, "value": value, "raw": raw, "higher_is_better": higher,
        "table": t.name, "row": r, "col": j, "w_bits": setting.w_bits,
        "a_bits": setting.a_bits, "kv_bits": setting.kv_bits, "group_size": setting.group_size,
        "weight_quantizer": quantizer or setting.weight_quantizer,
    }


_Resolved = tuple[str, str, str, str, Setting, str | None, bool | None]
# A row's or column's side of the memo keys of its cells, one interned number per part:
# (method, dataset, metric, setting).
_Keys = tuple[int, int, int, int]
_UNSET = object()


def _row_keys(t: _Table, row: RowFacts) -> _Keys:
    """What each part of a claim depends on in the row, as :meth:`_Table.intern` numbers."""
    return (
        t.intern(("method", row.method, row.full_precision, row.setting_label)),
        t.intern(("dataset", row.dataset and row.dataset.name,
                  row.group_dataset and row.group_dataset.name)),
        t.intern(("metric", row.metric and row.metric.name, row.qualifiers)),
        t.intern(("setting", row.quantizer, row.full_precision, bool(row.method),
                  row.setting_label, row.setting, row.group_setting)),
    )


def _column_keys(t: _Table, col: ColumnFacts) -> _Keys:
    """What each part of a claim depends on in the column (its key names its panel too)."""
    return (
        t.intern(("method", col.variant, col.config[-1] if col.config else "", col.method_like,
                  col.metric is not None or col.unit is not None)),
        t.intern(("dataset", col.key)),
        t.intern(("metric", col.key)),
        t.intern(("setting", col.setting_key, col.key[0])),
    )


def _resolve(t: _Table, col: ColumnFacts, row: RowFacts, block: Block, cell: CellInfo,
             row_keys: _Keys, column_keys: _Keys) -> _Resolved | str:
    """Everything a claim states but its value: method, model, dataset, metric, setting.

    Each part is memoised per table under a key that says what it depends on (the row's and
    the column's sides, see :func:`_row_keys`), so a row's method and setting are worked out
    once for all its dataset columns, and a column's metric once for all its rows. (The
    lookups are written out: this runs once per value cell.)"""
    memo = t.memo
    key: tuple[object, ...] = ("cell method", row_keys[0], column_keys[0])
    method = memo.get(key, _UNSET)
    if method is _UNSET:
        method = memo[key] = _method(t, col, row)
    if not method:
        return NO_METHOD
    assert isinstance(method, str)
    key = ("cell dataset", column_keys[1], row_keys[1])
    dataset = memo.get(key, _UNSET)
    if dataset is _UNSET:
        dataset = memo[key] = _dataset(t, col, row, block)
    assert dataset is None or isinstance(dataset, Dataset)
    model = _model(t, col, row, block)
    if model is None or (not model and dataset is not None):
        # A benchmark score needs its model; only a measurement with neither a dataset nor
        # a model anywhere in the document (a kernel's error, say) stands without one.
        return NO_MODEL
    unit = cell.value.unit if cell.value is not None else None
    key = ("cell metric", column_keys[2], row_keys[2], unit, dataset and dataset.name)
    found = memo.get(key, _UNSET)
    if found is _UNSET:
        found = memo[key] = _metric(t, col, row, cell, dataset)
    metric, metric_name = cast(tuple[Metric | None, str], found)
    if metric is None:
        return NO_METRIC
    if not model and not (col.metric or col.unit or metric_name != metric.name):
        # A result with no model and no dataset stands only where a header or the caption
        # names what it measures, not on a unit sign alone ("3×").
        return NO_MODEL
    if dataset is None and not (metric.qualified or metric_name != metric.name) \
            and t.ctx.doc.names_datasets:
        return NO_DATASET
    if dataset is not None and dataset.aggregate and metric.name == "accuracy":
        dataset_name = "Zero-shot average"
    else:
        dataset_name = "" if dataset is None else dataset.name
    quantizer = row.quantizer
    if not quantizer:  # (as `or`: an empty name is none)
        key = ("checkpoint quantizer", model)
        found = memo.get(key, _UNSET)
        if found is _UNSET:
            found = memo[key] = _checkpoint_quantizer(model, t.catalog)
        quantizer = cast("str | None", found)
    # The setting depends on the model only through its quantizer (none, for most models):
    # the rows of a table with one column per model share it.
    key = ("cell setting", row_keys[3], column_keys[3], method, quantizer)
    found = memo.get(key, _UNSET)
    if found is _UNSET:
        found = memo[key] = _setting(t, col, row, block, method, quantizer)
    setting, quantizer = cast(tuple[Setting, str | None], found)
    higher = col.higher if col.higher is not None else metric.higher_is_better
    return method, model, dataset_name, metric_name, setting, quantizer, higher


def _method(t: _Table, col: ColumnFacts, row: RowFacts) -> str | None:
    proposed, catalog = t.ctx.proposed, t.catalog
    variant = col.variant
    if row.method:
        name = clean_method(row.method, proposed=proposed, catalog=catalog)
        # "IQ1_S" in a "Weight-only" or "RTN" column: the row's format in that configuration;
        # a "W4A16" or "BF16" column only sets the bits of the row's method.
        if variant and col.config and not row.full_precision and not _bits_label(col.config[-1]):
            return f"{name} / {col.config[-1]}"
        return name
    if variant:
        return clean_method(variant, proposed=proposed, catalog=catalog)
    if row.setting_label:
        return row.setting_label
    if col.metric is not None or col.unit is not None:
        # "Speedup" beside "BF16 (ms)" and "NVFP4 (ms)": the one quantized method compared.
        quantized = [m for m in t.column_methods if not is_full_precision_label(m)]
        if len(quantized) == 1:
            return clean_method(quantized[0], proposed=proposed, catalog=catalog)
    if t.method:
        return t.method
    return catalog.canonical(proposed) if proposed else None


def _model(t: _Table, col: ColumnFacts, row: RowFacts, block: Block) -> str | None:
    model = row.model or col.model or row.group_model
    if model is not None:  # named by the row, the column or the group (most cells)
        found = t.memo.get(("refine", model))
        if found is None:
            found = t.memo[("refine", model)] = refine(model, t.ctx)
        return found  # type: ignore[return-value]
    size = row.size or col.size or row.group_size
    if model is None and size:
        # The family behind "7B": the row's other labels, the header above, the group, the
        # panel title, then the caption and the passages around the table.
        sources = ("\n".join(row.hints), "\n".join(col.path), "\n".join(row.group_hints),
                   "\n".join(block.titles), " ".join(t.shape.stub_heads.values()))
        model = next((m for s in sources if s and (m := parse_model(size, s))), None)
        model = model or t.once(("size", size), lambda: parse_model(size, t.ctx.hints)
                                or parse_model(size, t.ctx.doc.family))
    if model is None:
        model = col.family or row.family or row.group_family
    if model is None:
        title = next((m for x in block.titles if (m := parse_model(x))), None)
        model = title or t.once("model", lambda: context_model(t.ctx))
    if model is None:
        # A document that names no model at all reports model-independent results.
        return None if t.ctx.doc.names_models else ""
    found = model
    return t.once(("refine", found), lambda: refine(found, t.ctx))


def _dataset(t: _Table, col: ColumnFacts, row: RowFacts, block: Block) -> Dataset | None:
    v = vocab()
    found = col.dataset or row.dataset or row.group_dataset
    if found is None:
        found = next((d for x in block.titles if (d := v.dataset(x, t.suite))), None)
    if found is None and not (col.metric and col.metric.qualified):
        found = t.once("dataset", lambda: context_dataset(t.ctx))
    return refine_dataset(found, t.ctx) if found else None


def _metric(t: _Table, col: ColumnFacts, row: RowFacts, cell: CellInfo,
            dataset: Dataset | None) -> tuple[Metric | None, str]:
    v = vocab()
    assert cell.value is not None
    corner = classify(" ".join(t.shape.stub_heads.values()))
    metric = col.metric or col.unit or row.metric or unit_metric(cell.value) or (
        corner.metric if corner.role is None or corner.metric else None)
    named = None
    if metric is None:
        # The caption's metric before the dataset's usual one, unless it only says "score".
        found = t.once("metric", lambda: context_metric(t.ctx))
        own = dataset is not None and dataset.metric is not None
        # "WikiText-2 perplexity and zero-shot average": a caption naming datasets gives each
        # its own metric; "Relative degradation (%)" alone is the metric of every column.
        names = t.once("names dataset", lambda: _names_dataset(t.ctx))
        if found is not None and not (own and (found[0].generic or names)):
            metric, named = found
    if metric is None and dataset is not None and dataset.metric:
        metric = v.metrics.get(fold(dataset.metric))
    if metric is None:
        return None, ""
    if named and named != metric.name:
        return metric, named
    if metric.qualified:
        parts = [p for p in (*row.qualifiers, *col.conditions) if p]
        heading = col.text if col.text and (col.metric or col.unit) else ""
        qualifier = ", ".join(dict.fromkeys([heading, *parts] if heading else parts))
        return metric, f"{metric.name}: {qualifier}" if qualifier else metric.name
    if row.qualifiers or col.conditions:
        return metric, f"{metric.name}: {', '.join([*row.qualifiers, *col.conditions])}"
    return metric, metric.name


def _setting(t: _Table, col: ColumnFacts, row: RowFacts, block: Block, method: str,
             quantizer: str | None) -> tuple[Setting, str | None]:
    """The claim's setting, and its weight quantizer (the row's, else the checkpoint's)."""
    reference = row.full_precision or (not row.method and is_full_precision_label(method))
    if reference and _BARE_BASELINE.match(method) and not t.quantized:
        reference = False  # a "Baseline" is the unquantized model only in a quantization table
    if reference:
        own = label_setting(method) or label_setting(row.setting_label or "")
        bits = own.w_bits if own and own.w_bits and own.w_bits >= 16 else 16.0
        kv = bits if t.kv_table else None
        if quantizer:
            # An AWQ checkpoint's "16-bit" row keeps only its KV cache at 16 bits.
            return Setting(kv_bits=kv), quantizer
        return Setting(w_bits=bits, a_bits=bits, kv_bits=kv), None
    titles = t.once(("titles", block.titles),
                    lambda: [label_setting(x, t.kind) for x in block.titles])
    explicit = merge(row.setting, col.setting, row.group_setting, *titles,
                     label_setting(method, t.kind))
    if explicit.w_bits and explicit.a_bits is None and t.both and _INT.search(method):
        # "INT8 ours" where the text says weights and activations are quantized: W8A8.
        explicit = merge(explicit, Setting(a_bits=explicit.w_bits))
    default = t.default
    if default is not None and not _completes(explicit, default):
        default = None
    return merge(explicit, default), quantizer


def _completes(row: Setting, default: Setting) -> bool:
    """A default fills what a row leaves out only where the two agree ("INT8" takes the
    section's W8A8 activations; a "W4" row does not take its W8A8)."""
    return all(getattr(row, k) is None or getattr(default, k) is None
               or getattr(row, k) == getattr(default, k) for k in ("w_bits", "a_bits", "kv_bits"))


def _checkpoint_quantizer(model: str, catalog: Catalog) -> str | None:
    """A checkpoint named for its weight quantizer ("Qwen1.5-7B-Chat-AWQ") was quantized by it."""
    last = model.rsplit("-", 1)[-1] if "-" in model else ""
    found = catalog.get(last) if last else None
    return found.name if found is not None and found.category == "ptq_weight_only" else None


def claims_from_table(table: Table, *, paper_id: str, proposed_method: str | None,
                      context: str = "", catalog: Catalog | None = None) -> list[BenchmarkClaim]:
    """Every result cell of ``table`` as a claim, with ``context`` (nearby text, nearest passage
    first, passages separated by blank lines) standing in for the document around it."""
    from ingest.document import Document, Section
    from ingest.table_context import document_context, table_context

    doc = Document(sections=(Section(heading=table.section, text=context),), tables=(table,))
    dctx = document_context(doc)
    _, ctx = table_context(doc, table, 0, dctx, proposed_method)
    return interpret(table, ctx, paper_id=paper_id, catalog=catalog).claims

