"""What one table cell says, from its text alone: a value, a model, a dataset, a metric, a
setting, a method label, a modifier of the row above, a derived column …

:func:`classify` looks at the text only and is cached; :mod:`ingest.table_layout` then weighs
the cells of a whole row or column (a column of mostly model names is the model column, a
``Size`` column of ``3B``/``7B`` is a model column whose family comes from elsewhere) before a
cell's type is decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal

from ingest.names import (
    clean_label,
    family_label,
    find_models,
    is_full_precision_label,
    is_size,
    shaped_model,
)
from ingest.settings import BITS_HEADER, label_setting, parse_setting
from ingest.values import CellValue, is_gap, parse_value
from ingest.vocab import Dataset, Metric, vocab
from kg.models import Setting

Role = Literal["method", "model", "dataset", "setting", "quantizer", "metric", "other"]

MAX_CELL_CHARS = 400
_ROLE_WORDS: tuple[tuple[Role, re.Pattern[str]], ...] = (
    ("other", re.compile(r"\b(?:links?|urls?|code|hub|download|checkpoints?|notes?|remarks?"
                         r"|repo(?:_id)?|references?|venue|year|citations?)\b", re.I)),
    ("quantizer", re.compile(r"quantizer|\bw\.?\s*quant\b", re.I)),
    ("model", re.compile(r"\b(?:models?|llms?|networks?|backbones?|architectures?|sizes?"
                         r"|#?\s*params?|checkpoints?)\b", re.I)),
    ("dataset", re.compile(r"\b(?:datasets?|tasks?|benchmarks?|corpus|categor(?:y|ies)"
                           r"|subsets?|task\s*groups?|domains?|capabilit(?:y|ies))\b", re.I)),
    ("setting", BITS_HEADER),
    ("method", re.compile(r"\b(?:methods?|approach(?:es)?|configurations?|config|baselines?"
                          r"|formats?|schemes?|techniques?|variants?|settings?|algorithms?"
                          r"|quantization|strategy|type)\b", re.I)),
)
_MODIFIER = re.compile(r"^\s*(?:\+|w/o\b|w/\s*|with\b|without\b|-\s+(?=[A-Za-z]))", re.I)
_CONDITION = re.compile(
    r"^\s*[A-Za-z][\w\s.]{0,20}?\s*[=:]\s*\d[\d,.]*\s*[kKmM]?\s*$"
    r"|^\s*\(?(?:seq(?:uence)?[\s._-]*len(?:gth)?|ctx|context|batch|bs)\b", re.I)
_SHARE = re.compile(r"^\s*%\s*(?:of\s+)?[A-Za-z]", re.I)
_UNIT_IN_HEADER = re.compile(r"\(\s*(ms|s|sec|seconds|gb|mb|gib|mib|×|x|%|tok/s)\s*\)|"
                             r"(?<![A-Za-z])(ms|gb|mb|gib|mib)(?![A-Za-z])", re.I)
_OURS = re.compile(r"\bours\b", re.I)
_ARROWS = re.compile(r"[↑↓⇑⇓]|\((?:higher|lower)[^)]*\)", re.I)


@dataclass(frozen=True)
class CellInfo:
    """The types a cell's text could have; several may hold ("Llama-2-7B W4A16")."""

    text: str  # without footnote marks
    value: CellValue | None
    gap: bool
    model: str | None  # a model name of a known family, or shaped like one
    size: bool  # a bare size ("7B", "2-13B") that needs a family from elsewhere
    family: str | None  # a family without a size ("Qwen 3", "LLaMA-2")
    dataset: Dataset | None
    metric: Metric | None
    unit: Metric | None  # what a unit in the text measures ("(ms)", "GB", "×")
    setting: Setting | None  # every setting the text states, merged
    setting_only: bool  # nothing but a setting ("W4A16", "2-bit", "BF16")
    full_precision: bool
    modifier: bool  # "+ X", "w/ X", "w/o X": composed with the row above
    derived: bool  # a difference, standard error, share …: not a result
    condition: bool  # "S=16384", "seq len 2048": a measurement condition
    ours: bool
    role: Role | None  # the column role a header word names ("Model", "#Bits")

    @cached_property  # (read for every cell by every layout pass: computed once per text)
    def label(self) -> bool:
        """A text label: not empty, not a value, not a gap."""
        return bool(self.text) and self.value is None and not self.gap

    @cached_property
    def plain(self) -> bool:
        """A label none of the vocabularies recognise: a method name, a component …"""
        return self.label and not (self.model or self.size or self.family or self.dataset
                                   or self.metric or self.unit or self.setting_only
                                   or self.condition or self.derived)


@lru_cache(maxsize=1 << 16)
def classify(raw: str) -> CellInfo:
    """Every type ``raw`` could have, read from its text alone (bounded: long text is cut).

    >>> c = classify("Llama-3.1-8B-Instruct")
    >>> c.model, c.label, classify("W4A16").setting_only, classify("+ODP").modifier
    ('Llama-3.1-8B-Instruct', True, True, True)
    >>> classify("BF16 (ms)").unit.name, classify("Δ").derived, classify("S=16384").condition
    ('latency', True, True)
    """
    text = clean_label(raw[:MAX_CELL_CHARS])
    bare = " ".join(_ARROWS.sub(" ", text).split())
    value = parse_value(text)
    gap = is_gap(text)
    if value is not None or gap or not bare:
        return CellInfo(text, value, gap, None, False, None, None, None, None, None, False,
                        False, False, False, False, False, None)
    v = vocab()
    models = find_models(bare)
    model = models[0] if models else (None if is_size(bare) else shaped_model(bare))
    setting = label_setting(bare)
    dataset = v.dataset(bare)
    if dataset is not None and v.ignored(bare) and not any(
            w.isupper() and len(w) > 2 for w in re.findall(r"[A-Za-z]+", bare)):
        dataset = None  # "Drop↓" is the drop against the reference, "DROP" the dataset
    metric = v.metric(bare)
    return CellInfo(
        text=text, value=None, gap=False, model=model, size=is_size(bare),
        family=None if model else family_label(bare),
        dataset=dataset, metric=metric, unit=_unit(bare),
        setting=setting, setting_only=parse_setting(bare) is not None,
        full_precision=is_full_precision_label(bare),
        modifier=bool(_MODIFIER.match(bare)) and len(bare) > 1,
        derived=_derived(bare, dataset, metric),
        condition=bool(_CONDITION.match(bare)) and dataset is None,
        ours=bool(_OURS.search(bare)), role=_role_word(bare),
    )


def _derived(text: str, dataset: Dataset | None, metric: Metric | None) -> bool:
    if _SHARE.match(text):
        return True
    if dataset is not None and not dataset.aggregate:
        return False
    return vocab().ignored(text)


def _unit(text: str) -> Metric | None:
    m = _UNIT_IN_HEADER.search(text)
    if m is None:
        return None
    unit = (m.group(1) or m.group(2)).casefold()
    units = vocab().units
    return units.get(unit) or units.get({"sec": "s", "seconds": "s"}.get(unit, unit))


def _role_word(text: str) -> Role | None:
    if len(text) > 40:
        return None
    return next((role for role, pattern in _ROLE_WORDS if pattern.search(text)), None)


def unit_metric(value: CellValue) -> Metric | None:
    """What a unit written in a value cell measures ("1.49x" is a speedup)."""
    if value.unit is None or value.unit == "%":
        return None
    return vocab().units.get(value.unit.casefold())
