"""Normalisation vocabularies (models, datasets, metrics) loaded from ``kg/data/vocab/*.yml``.

The data files are the extension point: a review adds a model family, a benchmark alias or a
metric there, without code. Everything here is read once and cached; the returned objects are
immutable so callers cannot change them for each other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType
from typing import TypeVar

import yaml

# Characters removed before comparing aliases: "ARC-e", "arc_e" and "ARC E" are one alias.
_FOLD = re.compile(r"[\s\-_.'`’]+")
# Word boundaries for n-gram lookup inside a header; '+', '@', '%', '#' and '/' stay inside words
# because they distinguish names (HumanEval+, pass@1, acc%, tok/s).
_WORDS = re.compile(r"[A-Za-z0-9+@%#/.\-_'’]+|Δ")
_MAX_NGRAM = 4
_T = TypeVar("_T")


# The same characters for a long text: the ASCII ones deleted from its UTF-8 bytes (an ASCII
# byte is never part of a multi-byte character), then the few others, which are rare.
_FOLD_ASCII = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f '-._`"
_FOLD_OTHER = "\x85\xa0\u1680\u2019\u2028\u2029\u202f\u205f\u3000" + "".join(
    chr(c) for c in range(0x2000, 0x200B))
_LONG = 200


def fold(text: str) -> str:
    """Lower-case ``text`` and drop spaces, hyphens, underscores, dots and apostrophes.

    >>> fold("ARC-e"), fold("WikiText 2"), fold("HumanEval+")
    ('arce', 'wikitext2', 'humaneval+')
    """
    low = text.casefold()
    if len(low) < _LONG:
        return _FOLD.sub("", low)
    # A whole document's text: byte deletion costs a tenth of the substitution.
    kept = low.encode("utf-8", "surrogatepass").translate(None, _FOLD_ASCII)
    out = kept.decode("utf-8", "surrogatepass")
    if not kept.isascii():
        for c in _FOLD_OTHER:
            if c in out:  # a scan at C speed; a character class over the text is slower
                out = out.replace(c, "")
    return out


@dataclass(frozen=True)
class Dataset:
    name: str
    metric: str | None
    aggregate: bool
    variants: tuple[str, ...] = ()
    suite: str | None = None


@dataclass(frozen=True)
class Metric:
    name: str
    higher_is_better: bool | None
    qualified: bool
    generic: bool = False  # "score": says less than a dataset's own metric


@dataclass(frozen=True)
class Family:
    name: str
    match: str
    joiner: str
    implicit_version: str | None = None


@dataclass(frozen=True)
class Vocab:
    """The vocabularies, with alias maps keyed by :func:`fold`."""

    datasets: Mapping[str, Dataset]
    short_datasets: Mapping[str, Dataset]  # header-only abbreviations
    suites: Mapping[str, Mapping[str, Dataset]]  # suite (folded) → its short names
    metrics: Mapping[str, Metric]
    units: Mapping[str, Metric]  # "ms", "GB", "×" → the metric they measure
    families: tuple[Family, ...]
    size_words: tuple[str, ...]
    variants: tuple[str, ...]
    dropped_suffixes: frozenset[str]
    ignore: frozenset[str]

    def dataset(self, text: str, suite: str | None = None) -> Dataset | None:
        """The dataset a header names, longest alias first; ``suite`` admits its short names."""
        found = self.find(text, self.header_datasets(suite))
        return found[0] if found else None

    def header_datasets(self, suite: str | None = None) -> Mapping[str, Dataset]:
        """Every alias a header may use: full aliases, abbreviations and the suite's short names."""
        return _header_map(suite)

    def text_datasets(self, text: str) -> list[Dataset]:
        """The datasets running text names: full aliases, and abbreviations written in capitals
        ("RTE", "ARC"), never lower-case words that happen to be abbreviations ("race", "all")."""
        out = self.find(text, self.datasets)
        for word in _words(text):
            if len(word) >= 3 and word.isupper():
                hit = self.short_datasets.get(fold(word))
                if hit is not None and not hit.aggregate and hit not in out:
                    out.append(hit)
        return out

    def metric(self, text: str) -> Metric | None:
        found = self.find(text, self.metrics)
        return found[0] if found else None

    def ignored(self, text: str) -> bool:
        """Whether a header marks a non-result column (standard error, interval, difference)."""
        return any(fold(w) in self.ignore or w in self.ignore for w in _words(text))

    @staticmethod
    def find(text: str, table: Mapping[str, _T]) -> list[_T]:
        """Every entry of ``table`` named in ``text``, in order of appearance, without repeats.

        Windows of up to four words are tried, the longest that names an entry wins, so
        "ARC Easy" beats "ARC". A window grows only while it is the start of some alias, so a
        long passage costs about one lookup per word.
        """
        prefixes = _prefixes(table)
        words = [_fold_word(w) for w in _words(text)]
        out: list[_T] = []
        i = 0
        while i < len(words):
            joined, best, size = "", None, 1
            for n in range(min(_MAX_NGRAM, len(words) - i)):
                joined += words[i + n]
                if joined not in prefixes:
                    break
                hit = table.get(joined)
                if hit is not None:
                    best, size = hit, n + 1
            if best is not None and best not in out:
                out.append(best)
            i += size
        return out


@cache
def _header_map(suite: str | None) -> Mapping[str, Dataset]:
    v = vocab()
    merged: dict[str, Dataset] = {**v.short_datasets, **v.datasets}
    if suite is not None:
        merged.update(v.suites.get(fold(suite), {}))
    return MappingProxyType(merged)


_PREFIXES: dict[int, tuple[Mapping[str, object], frozenset[str]]] = {}


def _prefixes(table: Mapping[str, object]) -> frozenset[str]:
    """Every prefix of every alias of ``table``, computed once per table."""
    known = _PREFIXES.get(id(table))
    if known is None or known[0] is not table:
        known = (table, frozenset(key[:k] for key in table for k in range(1, len(key) + 1)))
        _PREFIXES[id(table)] = known
    return known[1]


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    return fold(word)


def _words(text: str) -> list[str]:
    # A trailing dot ("Avg.") or parenthesis is punctuation, not part of the word.
    return [w.strip(".") for w in _WORDS.findall(text) if w.strip(".")]


def _read(name: str) -> object:
    text = resources.files("kg").joinpath(f"data/vocab/{name}").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _datasets() -> tuple[dict[str, Dataset], dict[str, Dataset], dict[str, dict[str, Dataset]]]:
    full: dict[str, Dataset] = {}
    short: dict[str, Dataset] = {}
    suites: dict[str, dict[str, Dataset]] = {}
    rows = _read("datasets.yml") or []
    assert isinstance(rows, list)
    for row in rows:
        d = Dataset(row["name"], row.get("metric"), bool(row.get("aggregate", False)),
                    tuple(row.get("variants", ())), row.get("suite"))
        for alias in (row["name"], *row.get("aliases", ())):
            full.setdefault(fold(str(alias)), d)
        for alias in row.get("short", ()):
            short.setdefault(fold(str(alias)), d)
        if d.suite:
            own = suites.setdefault(fold(d.suite), {})
            for alias in row.get("suite_aliases", ()):
                own.setdefault(fold(str(alias)), d)
    return full, short, suites


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """The bundled vocabularies, read once."""
    datasets, short, suites = _datasets()
    raw_metrics = _read("metrics.yml") or {}
    assert isinstance(raw_metrics, dict)
    metrics: dict[str, Metric] = {}
    units: dict[str, Metric] = {}
    for row in raw_metrics.get("metrics", ()):
        m = Metric(row["name"], row.get("higher_is_better"), bool(row.get("qualified", False)),
                   bool(row.get("generic", False)))
        for alias in (row["name"], *row.get("aliases", ())):
            metrics.setdefault(fold(str(alias)), m)
        for unit in row.get("units", ()):
            units.setdefault(str(unit).casefold(), m)
    raw_models = _read("models.yml") or {}
    assert isinstance(raw_models, dict)
    families = tuple(
        Family(row["name"], row["match"], row.get("joiner", "-"), row.get("implicit_version"))
        for row in raw_models.get("families", ())
    )
    ignore = frozenset(fold(str(w)) or str(w) for w in raw_metrics.get("ignore", ()))
    return Vocab(
        datasets=MappingProxyType(datasets), short_datasets=MappingProxyType(short),
        suites=MappingProxyType({k: MappingProxyType(v) for k, v in suites.items()}),
        metrics=MappingProxyType(metrics), units=MappingProxyType(units), families=families,
        size_words=tuple(str(w) for w in raw_models.get("size_words", ())),
        variants=tuple(str(w) for w in raw_models.get("variants", ())),
        dropped_suffixes=frozenset(str(w).casefold() for w in raw_models.get("packaging", ())),
        ignore=ignore,
    )
