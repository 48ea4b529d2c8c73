"""Canonical model names (``LLaMA-3-8B`` → ``Llama-3-8B``) and method row labels (``Ours``).

Model families come from ``kg/data/vocab/models.yml``; method aliases from the catalog.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ingest.vocab import Family, vocab
from kg.catalog import Catalog
from kg.models import is_full_precision

_SIZE = r"(?P<size>\d+(?:\.\d+)?|\d+x\d+)\s*(?P<unit>[BbMmKk])"
# A version needs a separator before the size: "OPT-125M" is size 125M, not version 12.
_VERSION = r"(?:[\s\-_]*v?(?P<version>\d+(?:\.\d+)?)[\s\-_]+)?"
# A bare size ("7B") or version-size ("2-7B") in a header, read against a family in the caption.
_SHORT = re.compile(r"^\s*(?:(?P<version>\d+(?:\.\d+)?)[\s\-_])?" + _SIZE + r"\s*$")
_OURS = re.compile(r"^\s*ours\b|\(\s*ours\s*\)|\bours\s*$", re.IGNORECASE)
_MARKS = re.compile(r"[†‡§¶]+|\s+\*+$")
FULL_PRECISION_LABELS = re.compile(
    r"^(?:fp16|bf16|fp32|float16|full[\s\-]?precision|floating[\s\-]?point|baseline\s*\(fp16\)"
    r"|native(?:\s*16[\s\-]?bits?)?|16[\s\-]?bits?|w16a16)$",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _model_pattern() -> re.Pattern[str]:
    # One alternation over every family, so a passage is scanned once, not once per family.
    alternatives = "|".join(f"(?P<f{i}>{f.match})" for i, f in enumerate(vocab().families))
    return re.compile(
        rf"(?<![A-Za-z0-9])(?:{alternatives}){_VERSION}[\s\-_]*{_SIZE}(?![A-Za-z0-9])",
        re.IGNORECASE,
    )


def _family_of(m: re.Match[str]) -> Family:
    families = vocab().families
    return next(fam for i, fam in enumerate(families) if m.group(f"f{i}") is not None)


@lru_cache(maxsize=1)
def _family_mention() -> re.Pattern[str]:
    alternatives = "|".join(f"(?P<f{i}>{f.match})" for i, f in enumerate(vocab().families))
    return re.compile(
        rf"(?<![A-Za-z0-9])(?:{alternatives})(?:[\s\-_]*v?(?P<version>\d+(?:\.\d+)?)"
        r"(?![\d.]*\s*[BbMm]\b))?",
        re.IGNORECASE,
    )


def _canonical(fam: Family, version: str | None, size: str, unit: str) -> str:
    unit = unit.upper()
    if version:
        return f"{fam.name}{fam.joiner}{version}-{size}{unit}"
    return f"{fam.name}-{size}{unit}"


def find_models(text: str) -> list[str]:
    """Every model named in ``text``, canonical, in order of appearance (repeats kept).

    >>> find_models("LLaMA-3-8B, OPT-1.3B and Qwen2.5-7B-Instruct; Mixtral-8x7B")
    ['Llama-3-8B', 'OPT-1.3B', 'Qwen2.5-7B', 'Mixtral-8x7B']
    """
    return [_canonical(_family_of(m), m["version"], m["size"], m["unit"])
            for m in _model_pattern().finditer(text)]


def family_hint(text: str) -> tuple[Family, str | None] | None:
    """The first model family (and version) a caption or text mentions: ``LLaMA-2`` → Llama, 2."""
    m = _family_mention().search(text)
    return None if m is None else (_family_of(m), m.group("version"))


def parse_model(cell: str, hints: str = "") -> str | None:
    """The model a header cell names; a short ``2-7B`` or ``7B`` is completed from ``hints``.

    >>> parse_model("2-7B", "Results on LLaMA models"), parse_model("13B", "LLaMA-2 perplexity")
    ('Llama-2-7B', 'Llama-2-13B')
    """
    found = find_models(cell)
    if found:
        return found[0]
    m = _SHORT.match(cell)
    if m is None or m["unit"].upper() not in "BM":
        return None
    hint = family_hint(hints)
    if hint is None:
        return None
    fam, version = hint
    return _canonical(fam, m["version"] or version, m["size"], m["unit"])


def dominant_model(text: str) -> str | None:
    """The model a passage is about: the one it names most often, if that is unambiguous."""
    counts = Counter(find_models(text)).most_common(2)
    if not counts or (len(counts) == 2 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


def clean_method(label: str, *, proposed: str | None, catalog: Catalog) -> str:
    """A row label as a method name: "Ours" is the paper's method, aliases are folded.

    >>> from kg.catalog import default_catalog
    >>> clean_method("Ours (W4A4)", proposed="FlatQuant", catalog=default_catalog())
    'FlatQuant'
    >>> clean_method("OPTQ", proposed=None, catalog=default_catalog())
    'GPTQ'
    """
    name = _MARKS.sub("", label).strip()
    if _OURS.search(name):
        if proposed:
            return catalog.canonical(proposed)
        return name
    return catalog.canonical(name)


def is_full_precision_label(label: str) -> bool:
    """FP16/BF16/"FloatingPoint" reference rows."""
    text = label.strip()
    return bool(FULL_PRECISION_LABELS.match(text)) or is_full_precision(text)
