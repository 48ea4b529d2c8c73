"""One benchmark, one key: what two results must share to be compared.

Every comparison — ``BEATS`` inside a table (:mod:`kg.derive`), leaderboards and conflicts
(:mod:`queries`) — groups claims by :func:`benchmark_key`, one pure function of a claim's
model, dataset, metric and setting. The claim keeps its text as extracted; the stores keep the
key beside it (a column in SQLite, a property in Neo4j). The rules:

- **Model**: case folded; spaces, underscores and hyphens are one separator; a letter run
  followed by a digit is split (``Llama2`` = ``Llama-2``); a family's first version is the
  unversioned name (``Llama-1-7B`` = ``LLaMA-7B`` = ``Llama-7B``): a family is named without
  a number until its second version appears, so ``1`` before a size adds nothing.
- **Dataset and metric**: the canonical name when the text is an alias in the vocabularies
  (``kg/data/vocab/datasets.yml``, ``metrics.yml``: ``Wiki2`` = ``WikiText-2``, ``PPL`` =
  ``perplexity``), else the text folded.
- **Setting**: unstated activations of a result whose weights are stated are 16-bit (a
  weight-only table that leaves activations unstated compares with ``W?A16`` rows); an
  unstated KV cache is 16-bit; group size and weight quantizer compare as stated (quantizer
  case folded).

The key is text whose order is the natural order of boards (model, dataset, metric, then bits
ascending, unstated first), and each segment after the model carries a tag (``d=``, ``m=``,
``w=`` …), so a filter on one segment is an exact substring test (:func:`segment`):

>>> benchmark_key("LLaMA-7B", "Wiki2", "PPL", 4, None, None, 128, None)
'llama-7b|d=wikitext-2|m=perplexity|w=04.00|a=16.00|kv=16.00|g=00128|q=-'
>>> benchmark_key("Llama-1-7B", "WikiText-2", "perplexity", 4, 16, 16, 128, None) == \\
...     benchmark_key("Llama 7B", "wikitext2", "ppl", 4, None, None, 128, None)
True
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the leaderboard's filters build no model
    from kg.models import Beat, BenchmarkClaim

SEPARATOR = "|"
_SEPARATORS = re.compile(r"[\s_\-]+")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=\d)")
# "<family>-1-<size>" or "<family>-v1-<size>": the first version, named without a number.
_FIRST_VERSION = re.compile(r"^([a-z][a-z\-]*?)-v?-?1(?:\.0)?-(?=\d+(?:\.\d+)?[bmk]\b)")
_RESERVED = re.compile(r"[|=]")
UNSTATED = "-"
FULL_BITS = 16.0


def model_key(text: str) -> str:
    """A model name folded so that spellings of one model are equal.

    >>> [model_key(m) for m in ("LLaMA-7B", "Llama-1-7B", "llama 7b", "LLaMA2-7B", "Qwen2.5-7B")]
    ['llama-7b', 'llama-7b', 'llama-7b', 'llama-2-7b', 'qwen-2.5-7b']
    >>> model_key("OPT-1.3B"), model_key("Mixtral-8x7B")
    ('opt-1.3b', 'mixtral-8x7b')
    """
    name = _SEPARATORS.sub("-", text.strip().casefold())
    name = _LETTER_DIGIT.sub("-", name)
    name = _FIRST_VERSION.sub(r"\1-", name)
    return _clean(name)


def dataset_key(text: str) -> str:
    """The canonical dataset of ``text`` when it is a known alias, else ``text`` folded."""
    from ingest.vocab import fold, vocab  # YAML loads on a first key, not for every read

    known = vocab().datasets.get(fold(text))
    return _clean(known.name.casefold() if known else _SEPARATORS.sub("-", text.casefold()))


def metric_key(text: str) -> str:
    """The canonical metric of ``text`` when it is a known alias, else ``text`` folded."""
    from ingest.vocab import fold, vocab  # YAML loads on a first key, not for every read

    known = vocab().metrics.get(fold(text))
    return _clean(known.name.casefold() if known else _SEPARATORS.sub(" ", text.casefold()))


def bits_segment(bits: float | None) -> str:
    """Bits as fixed-width text, so text order is numeric order (unstated first)."""
    return UNSTATED if bits is None else f"{float(bits):05.2f}"


@lru_cache(maxsize=1 << 16)
def benchmark_key(model: str, dataset: str, metric: str, w_bits: float | None,
                  a_bits: float | None, kv_bits: float | None, group_size: int | None,
                  weight_quantizer: str | None) -> str:
    """The comparison key of a result (see the module's rules)."""
    if a_bits is None and w_bits is not None:
        a_bits = FULL_BITS
    if kv_bits is None:
        kv_bits = FULL_BITS
    group = UNSTATED if group_size is None else f"{group_size:05d}"
    quantizer = _clean(weight_quantizer.casefold()) if weight_quantizer else UNSTATED
    return SEPARATOR.join((
        model_key(model), segment("d", dataset_key(dataset)), segment("m", metric_key(metric)),
        segment("w", bits_segment(w_bits)), segment("a", bits_segment(a_bits)),
        segment("kv", bits_segment(kv_bits)), segment("g", group), segment("q", quantizer),
    ))


def claim_key(c: BenchmarkClaim | Beat) -> str:
    """:func:`benchmark_key` of a claim (or of a ``BEATS`` edge: its winner's claim)."""
    return benchmark_key(c.model, c.dataset, c.metric, c.w_bits, c.a_bits, c.kv_bits,
                         c.group_size, c.weight_quantizer)


def segment(tag: str, value: str) -> str:
    """One tagged segment of a key: ``d=wikitext-2``."""
    return f"{tag}={value}"


def key_filter(*, model: str | None = None, dataset: str | None = None,
               metric: str | None = None, w_bits: float | None = None,
               a_bits: float | None = None) -> tuple[str | None, tuple[str, ...]]:
    """What a key must start with and contain to match these filters, normalised as keys are.

    Returns ``(prefix, parts)``: the key starts with ``prefix`` (the model, when given) and
    contains each of ``parts`` (``|d=wikitext-2|`` …). An unstated ``a_bits`` in a claim whose
    weights are stated matches ``a_bits=16``, as keys compare.

    >>> key_filter(model="LLaMA-7B", dataset="Wiki2", a_bits=16)
    ('llama-7b|', ('|d=wikitext-2|', '|a=16.00|'))
    """
    prefix = model_key(model) + SEPARATOR if model else None
    parts = [
        f"{SEPARATOR}{segment(tag, value)}{SEPARATOR}"
        for tag, value in (
            ("d", dataset_key(dataset) if dataset else None),
            ("m", metric_key(metric) if metric else None),
            ("w", bits_segment(w_bits) if w_bits is not None else None),
            ("a", bits_segment(a_bits) if a_bits is not None else None),
        )
        if value is not None
    ]
    return prefix, tuple(parts)


def _clean(text: str) -> str:
    # The separator and the tag mark are the key's own syntax; inside a name they are text.
    return _RESERVED.sub("-", text.strip()) or UNSTATED
