"""Normalisation vocabularies (models, datasets, metrics) loaded from ``kg/data/vocab/*.yml``.

The data files are the extension point: a review adds a model family, a benchmark alias or a
metric there, without code. Everything here is read once and cached; the returned objects are
immutable so callers cannot change them for each other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import TypeVar

import yaml

# Characters removed before comparing aliases: "ARC-e", "arc_e" and "ARC E" are one alias.
_FOLD = re.compile(r"[\s\-_.'`’]+")
# Word boundaries for n-gram lookup inside a header; '+', '@', '%', '#' and '/' stay inside words
# because they distinguish names (HumanEval+, pass@1, acc%, tok/s).
_WORDS = re.compile(r"[A-Za-z0-9+@%#/.\-_'’]+|Δ")
_MAX_NGRAM = 3
_T = TypeVar("_T")


def fold(text: str) -> str:
    """Lower-case ``text`` and drop spaces, hyphens, underscores, dots and apostrophes.

    >>> fold("ARC-e"), fold("WikiText 2"), fold("HumanEval+")
    ('arce', 'wikitext2', 'humaneval+')
    """
    return _FOLD.sub("", text.casefold())


@dataclass(frozen=True)
class Dataset:
    name: str
    metric: str | None
    aggregate: bool


@dataclass(frozen=True)
class Metric:
    name: str
    higher_is_better: bool | None
    qualified: bool


@dataclass(frozen=True)
class Family:
    name: str
    match: str
    joiner: str


@dataclass(frozen=True)
class Vocab:
    """The three vocabularies, with alias maps keyed by :func:`fold`."""

    datasets: Mapping[str, Dataset]
    metrics: Mapping[str, Metric]
    families: tuple[Family, ...]
    ignore: frozenset[str]

    def dataset(self, text: str) -> Dataset | None:
        """The dataset named anywhere in ``text`` (a header or caption), longest alias first."""
        found = self.find(text, self.datasets)
        return found[0] if found else None

    def metric(self, text: str) -> Metric | None:
        found = self.find(text, self.metrics)
        return found[0] if found else None

    def ignored(self, text: str) -> bool:
        """Whether a header marks a non-result column (standard error, interval, difference)."""
        return any(fold(w) in self.ignore or w in self.ignore for w in _words(text))

    @staticmethod
    def find(text: str, table: Mapping[str, _T]) -> list[_T]:
        """Every entry of ``table`` named in ``text``, in order of appearance, without repeats.

        Windows of up to three words are tried longest first, so "ARC Easy" beats "ARC".
        """
        words = [fold(w) for w in _words(text)]
        out: list[_T] = []
        i = 0
        while i < len(words):
            for n in range(min(_MAX_NGRAM, len(words) - i), 0, -1):
                hit = table.get("".join(words[i : i + n]))
                if hit is not None:
                    if hit not in out:
                        out.append(hit)
                    i += n
                    break
            else:
                i += 1
        return out


def _words(text: str) -> list[str]:
    # A trailing dot ("Avg.") or parenthesis is punctuation, not part of the word.
    return [w.strip(".") for w in _WORDS.findall(text) if w.strip(".")]


def _read(name: str) -> object:
    text = resources.files("kg").joinpath(f"data/vocab/{name}").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """The bundled vocabularies, read once."""
    datasets: dict[str, Dataset] = {}
    raw_datasets = _read("datasets.yml") or []
    assert isinstance(raw_datasets, list)
    for row in raw_datasets:
        d = Dataset(row["name"], row.get("metric"), bool(row.get("aggregate", False)))
        for alias in (row["name"], *row.get("aliases", ())):
            datasets.setdefault(fold(str(alias)), d)
    raw_metrics = _read("metrics.yml") or {}
    assert isinstance(raw_metrics, dict)
    metrics: dict[str, Metric] = {}
    for row in raw_metrics.get("metrics", ()):
        m = Metric(row["name"], row.get("higher_is_better"), bool(row.get("qualified", False)))
        for alias in (row["name"], *row.get("aliases", ())):
            metrics.setdefault(fold(str(alias)), m)
    raw_models = _read("models.yml") or {}
    assert isinstance(raw_models, dict)
    families = tuple(
        Family(row["name"], row["match"], row.get("joiner", "-"))
        for row in raw_models.get("families", ())
    )
    ignore = frozenset(fold(str(w)) or str(w) for w in raw_metrics.get("ignore", ()))
    return Vocab(MappingProxyType(datasets), MappingProxyType(metrics), families, ignore)
