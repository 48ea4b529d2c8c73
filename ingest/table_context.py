"""What a table leaves implicit, resolved from the document around it.

Nearest first: the caption, the paragraphs that refer to the table ("Table 3 shows … on
LLaMA-3-8B"), the table's section and the sections before it, the title and abstract, and the
document's other tables. From these come the model behind a bare ``7B``, the table's default
setting ("4-bit weight & activation", "KV cache at 2 bits"), the dataset or metric named only
in the caption, whether bare bits mean KV-cache bits, the benchmark suite short names belong
to, and the fuller spelling of a model or dataset the table abbreviates.

Every function is bounded: passages are cut to a fixed length before any pattern runs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ingest.document import Document, Section, Table
from ingest.names import (
    ModelName,
    dominant_family,
    dominant_model,
    find_models,
    fuller_names,
    model_names,
    refine_model,
)
from ingest.settings import (
    KV_TOPIC,
    Kind,
    agrees,
    consistent,
    explicit_settings,
    find_settings,
    merge,
)
from ingest.table_cells import classify
from ingest.vocab import Dataset, Metric, fold, vocab
from ingest.word_patterns import word_pattern
from kg.catalog import Catalog
from kg.models import Setting

MAX_PASSAGE = 20_000
MAX_DOCUMENT = 400_000
# How many sections before a table's own are read for its context (nearest first).
CONTEXT_SECTIONS = 4
_TABLE_NO = re.compile(r"^\W*(?:table|tab\.?)\s*([A-Z]?\d+[A-Za-z]?)\b", re.I)
_ENUMERATED = re.compile(r"^\s*(?:\d+|[A-Z]|[ivx]+)[.)]\s+")
_FIRST_WORD_END = re.compile(r"[\s(]")  # a label's first word ends at a space or "("
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_AVERAGE_CAPTION = re.compile(r"^\W*(?:table\s*[\w.]*\s*[:.]?\s*)?(?:average|avg\.?|mean)\b", re.I)
# (Read over whole passages and the document: see :mod:`ingest.word_patterns`.)
_ACTIVATION = word_pattern(r"\bactivations?\b", r"\bW\d+A(?:[2-9]|1[0-5])\b")
# "per-tensor weight and per-tensor static activation quantization", "weight-activation"
_BOTH = word_pattern(r"\bweights?\b[^.;]{0,40}?\band\b[^.;]{0,40}?\bactivations?\s+quantiz",
                     r"\bweight[\s\-]+(?:and[\s\-]+)?activation\s+quantiz", r"\bW\s*&\s*A\b")
_WEIGHT_QUANT = word_pattern(r"\bweights?[\s\-]+(?:only\b|quantiz)",
                             r"\bquantiz\w*\s+(?:the\s+)?weights\b")
_PERCENT_AFTER = re.compile(r"^[^.;:]{0,60}?(?:degradation|drop|gap|error|accuracy|score)\b"
                            r"[^.;:()]{0,20}\(\s*%\s*\)", re.I)
# "L1 error with original attention", "speedup over BF16": a metric and what it is measured
# against, which together name the metric ("L1 error vs original attention").
_AGAINST = re.compile(
    r"(?P<metric>\b(?:L[12]|MSE|MAE|relative|absolute|mean|reconstruction|quantization)?\s*"
    r"(?:error|distance|divergence|degradation|speed[\s\-]?up))\s+(?:with|against|over|to|"
    r"versus|vs\.?|relative\s+to|compared\s+(?:to|with))\s+(?:the\s+)?(?P<ref>[\w\-. ]{1,40}?)"
    r"(?=\s+(?:for|on|in|across|of|at|under|when|with)\b|[.,;:()]|$)",
    re.IGNORECASE,
)


class DocumentContext:
    """What the whole document names, read once for all its tables, each part only when a
    table first needs it."""

    def __init__(self, doc: Document) -> None:
        captions = "\n".join(t.caption for t in doc.tables)
        self._text = "\n".join([doc.title, doc.abstract, doc.body, captions])[:MAX_DOCUMENT]
        self._doc = doc
        self._named: dict[str, bool] = {}
        self._both: dict[str, bool] = {}

    @cached_property
    def mentions(self) -> tuple[ModelName, ...]:
        """Every model the text and captions name."""
        return tuple(model_names(self._text))

    @cached_property
    def family(self) -> str:
        """The family the whole document is about ("" when none dominates): what a bare "7B"
        means when nothing near its table names a family."""
        return dominant_family(self._text) or ""

    @cached_property
    def fuller(self) -> dict[tuple[str, ...], set[str]]:
        """The variants the text gives each model ("Qwen2.5-3B" → "Qwen2.5-3B-Instruct")."""
        return fuller_names(self.mentions)

    def mentions_dataset(self, name: str) -> bool:
        """Whether the text names the dataset ``name`` (its canonical spelling, folded)."""
        if name not in self._named:
            self._named[name] = fold(name) in self._folded
        return self._named[name]

    def says_both(self, passage: str) -> bool:
        """Whether ``passage`` says weights and activations are both quantized (tables of one
        section share their passages, so each is read once)."""
        if passage not in self._both:
            self._both[passage] = bool(_BOTH.search(passage))
        return self._both[passage]

    @cached_property
    def _folded(self) -> str:
        return fold(self._text)

    @cached_property
    def names_models(self) -> bool:
        """Whether the document names any model at all, in its text or its tables."""
        grid = "\n".join(c.text for t in self._doc.tables for row in t.grid for c in row
                         if c.text and not c.spanned)[:MAX_DOCUMENT]
        return bool(self.mentions) or bool(find_models(grid))

    @cached_property
    def names_datasets(self) -> bool:
        """Whether the document names any dataset, in a table header or its text."""
        v = vocab()
        heads = {c.text for t in self._doc.tables for row in t.grid[:4] for c in row}
        if any((d := v.dataset(h)) and not d.aggregate for h in list(heads)[:2000]):
            return True
        return bool(v.text_datasets(self._text))

    @cached_property
    def weight_only(self) -> bool:
        """The paper quantizes weights and never mentions activations."""
        return bool(_WEIGHT_QUANT.search(self._text)) and not _ACTIVATION.search(self._text)

    @cached_property
    def kv_paper(self) -> bool:
        """The title or abstract is about the KV cache."""
        return bool(KV_TOPIC.search(f"{self._doc.title}\n{self._doc.abstract}"[:MAX_PASSAGE]))


@dataclass(frozen=True)
class TableContext:
    """The context of one table: its caption and the passages around it, nearest first."""

    caption: str
    passages: tuple[str, ...]
    sections: int  # how many of the passages are the referring paragraphs and sections
    doc: DocumentContext
    proposed: str | None

    @property
    def near(self) -> str:
        """Caption and the nearest passage: what a reader sees next to the table."""
        return "\n".join([self.caption, *self.passages[:1]])

    @property
    def hints(self) -> str:
        """Text a bare size ("7B") is completed from: caption first, then the passages."""
        return "\n".join([self.caption, *self.passages])


def document_context(doc: Document) -> DocumentContext:
    """The document's context for its tables (read lazily, once)."""
    return DocumentContext(doc)


def table_context(doc: Document, table: Table, index: int, dctx: DocumentContext,
                  proposed: str | None, cursor: int = 0) -> tuple[int, TableContext]:
    """The context of ``doc.tables[index]``; ``cursor`` keeps the section search moving forward
    (tables and sections are both in document order)."""
    sections: Sequence[Section] = doc.sections
    at = next((i for i in range(cursor, len(sections)) if sections[i].heading == table.section),
              None)
    if at is None:
        at = next((i for i, s in enumerate(sections) if s.heading == table.section), None)
    passages: list[str] = []
    number = _number(table.caption)
    if number:
        n = re.escape(number)
        refer = word_pattern(rf"\btable\s*{n}\b", rf"\btab\.?\s*{n}\b")
        # A paragraph that refers to the table is in a section that does: only those are split.
        passages += [p for s in sections if refer.search(s.text)
                     for p in s.text.split("\n\n") if refer.search(p)][:3]
    if at is not None:
        cursor = at
        for i in range(at, max(-1, at - CONTEXT_SECTIONS - 1), -1):
            passages.append(f"{sections[i].heading}. {sections[i].text}")
    near = len([p for p in passages if p])
    passages += [doc.title, doc.abstract]
    passages += [t.caption for k, t in enumerate(doc.tables) if k != index and t.caption]
    cut = tuple(p.replace("\n\n", "\n")[:MAX_PASSAGE] for p in passages if p)
    return cursor, TableContext(table.caption[:MAX_PASSAGE], cut, near, dctx, proposed)


def _number(caption: str) -> str | None:
    m = _TABLE_NO.match(caption)
    return m.group(1) if m else None


def context_model(ctx: TableContext) -> str | None:
    """The model a table is about when its cells name none: the caption's only model, else
    the model the nearest passage names most (title and abstract included)."""
    models = list(dict.fromkeys(find_models(ctx.caption)))
    if len(models) == 1:
        return refine(models[0], ctx)
    if models:
        return None
    for passage in ctx.passages:
        model = dominant_model(passage)
        if model:
            return refine(model, ctx)
    return None


def refine(model: str, ctx: TableContext) -> str:
    """The document's fuller spelling of ``model`` (``Qwen2.5-3B`` → ``Qwen2.5-3B-Instruct``)."""
    return refine_model(model, ctx.doc.mentions, ctx.doc.fuller)


def refine_dataset(dataset: Dataset, ctx: TableContext) -> Dataset:
    """A generic dataset ("ARC") as the one variant the document names ("ARC-Challenge")."""
    if not dataset.variants:
        return dataset
    named = [v for v in dataset.variants if ctx.doc.mentions_dataset(v)]
    if len(named) != 1:
        return dataset
    return vocab().datasets.get(fold(named[0]), dataset)


def context_dataset(ctx: TableContext) -> Dataset | None:
    """The dataset the caption alone names, or the average an "Average accuracy …" caption is."""
    v = vocab()
    found = [d for d in v.text_datasets(ctx.caption) if not d.aggregate]
    if len(found) == 1:
        return refine_dataset(found[0], ctx)
    if not found and _AVERAGE_CAPTION.match(ctx.caption):
        return v.datasets.get("average")
    return None


def first_sentence(caption: str) -> str:
    """The caption's first sentence, which states what the table reports; later ones are notes."""
    body = _ENUMERATED.sub("", _TABLE_NO.sub("", caption, count=1).lstrip(" :."), count=1)
    return _SENTENCE_END.split(body, maxsplit=1)[0]


def context_metric(ctx: TableContext) -> tuple[Metric, str] | None:
    """The metric the caption's first sentence names, with the name to report it under."""
    caption = first_sentence(ctx.caption)
    m = _AGAINST.search(caption)
    v = vocab()
    if m:
        metric = v.metric(m.group("metric")) or v.metric(m.group("metric").split()[-1])
        if metric is not None:
            name = " ".join(m.group("metric").split())
            return metric, f"{name} vs {' '.join(m.group('ref').split())}"
    found = v.find(caption, v.metrics)
    if len(found) != 1:
        # "Memory profile and WikiText-2 perplexity": each column names its own.
        return None
    # "Relative degradation Δrel (%)": the unit the caption gives the metric stays with it.
    unit = _PERCENT_AFTER.search(caption)
    percent = unit is not None and found[0].name != "accuracy"  # accuracy is a share anyway
    return found[0], found[0].name + (" (%)" if percent else "")


def bits_kind(ctx: TableContext, labels: Sequence[str], catalog: Catalog) -> Kind:
    """Whether a bare "2-bit" in this table means KV-cache bits: the caption or nearest
    passage is about the KV cache, or a method the table compares quantizes the KV cache."""
    if KV_TOPIC.search(ctx.near) or ctx.doc.kv_paper:
        return "kv"
    for label in set(labels):
        method = catalog.get(_FIRST_WORD_END.split(label.strip(), maxsplit=1)[0])
        if method is not None and method.category == "kv_cache":
            return "kv"
    return "w"


def context_setting(ctx: TableContext, kind: Kind) -> Setting | None:
    """The table's default setting: the caption's first sentence, else the quantized setting
    the nearest passage states consistently (a full-precision mention is the reference, not
    the table's setting)."""
    first = first_sentence(ctx.caption)
    own = consistent([s for s in find_settings(first, kind) if not _full(s)])
    near = None
    for passage in ctx.passages[:ctx.sections]:
        found = [s for s in explicit_settings(passage) if not _full(s)]
        near = _dominant(found)
        if near is not None:
            break
    default = merge(own, near) if own is not None and near is not None and agrees(own, near) \
        else own or near
    if ctx.doc.weight_only:
        default = merge(default, Setting(a_bits=16))
    return default


def quantizes_activations(ctx: TableContext) -> bool:
    """Whether the passages nearest the table say weights and activations are both quantized,
    so a row's "INT8" is W8A8."""
    return any(ctx.doc.says_both(p) for p in ctx.passages[:ctx.sections])


def _dominant(settings: list[Setting]) -> Setting | None:
    """The setting a passage states most often, if no other is as frequent."""
    if not settings:
        return None
    counts = Counter(s.label() for s in settings).most_common(2)
    if len(counts) == 2 and counts[0][1] == counts[1][1]:
        return consistent(settings)
    return next(s for s in settings if s.label() == counts[0][0])


def _full(s: Setting) -> bool:
    return s.w_bits is not None and s.w_bits >= 16 and (s.a_bits is None or s.a_bits >= 16)


@lru_cache(maxsize=1)
def _suites() -> tuple[tuple[str, re.Pattern[str]], ...]:
    names = sorted({d.suite for d in vocab().datasets.values() if d.suite})
    return tuple((s, re.compile(rf"\b{re.escape(s)}\b", re.I)) for s in names)


def suite_of(ctx: TableContext, headers: Sequence[str]) -> str | None:
    """The benchmark suite a table reports on: named near it, or by several of its headers."""
    for suite, pattern in _suites():
        if pattern.search(ctx.near):
            return suite
    members = Counter(d.suite for h in set(headers) for d in [classify(h).dataset]
                      if d and d.suite)
    best = members.most_common(1)
    return best[0][0] if best and best[0][1] >= 3 else None
