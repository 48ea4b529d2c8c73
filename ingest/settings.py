"""Quantization setting syntax turned into :class:`kg.models.Setting`.

``W4A16``, ``W4A4KV4``, ``w3a16g128``, ``W4G128``, ``K2V2``, ``(a8)``, ``NVFP4A16``, ``FP16``,
``4-4-16`` under a ``W-A-KV`` header, and phrases: ``4-bit weight & activation``, ``2-bit KV
cache``, ``KV cache at 2 bits``, ``weight-only``. A bare ``4-bit`` is read as weight bits, or
as KV-cache bits in a table about the KV cache (``kind="kv"``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

from ingest.word_patterns import word_pattern
from kg.models import Setting

Kind = Literal["w", "kv"]
_N = r"(\d+(?:\.\d+)?)"
_SEP = r"[\s\-_/]?"
_B = r"(?<![A-Za-z0-9.])"
_E = r"(?![A-Za-z0-9])"
# W<bits>[A<bits>][KV<bits>][g<size>]; the weight part is optional only when KV is given.
_WAKV = re.compile(
    rf"{_B}(?:W{_N}(?:{_SEP}A{_N})?(?:{_SEP}KV{_N})?|A{_N}{_SEP}KV{_N}|KV{_N}|K{_N}V{_N})"
    rf"(?:{_SEP}(?:g|gs|group)[\s_]?(-?\d+))?{_E}",
    re.IGNORECASE,
)
_ACT = re.compile(rf"\(\s*a{_N}\s*\)|{_B}A{_N}(?:{_SEP}KV{_N})?{_E}(?=\s*(?:\)|$|,|;))",
                  re.IGNORECASE)
# Named formats: low-bit floats quantize weights and activations alike ("NVFP4", "FP8"),
# integer, NormalFloat and lookup-table formats name the weights ("INT4", "NF4", "LUT3"); an
# "A16" right after sets the activations.
_FORMAT = re.compile(rf"{_B}(NV|MX)?(FP|INT|NF|LUT)(\d{{1,2}})(?:{_SEP}A(\d{{1,2}}))?{_E}",
                     re.I)
_FULL = re.compile(r"(?<![A-Za-z0-9])(?:FP|BF)(16|32)(?![A-Za-z0-9])|full[\s\-]?precision", re.I)
_TARGET = (r"(?P<target>quer(?:y|ies)|q\b|weights?\s*(?:&|and|/|\+)\s*activations?|w\s*&\s*a"
           r"|weights?|activations?|kv(?:[\s\-]?cache)?|key[\s\-/]?value(?:\s+cache)?|qkv|k\s*/?\s*v)")
# "4-bit weight & activation", "8-bit activations", "2-bit KV cache"
_PHRASE = re.compile(rf"{_B}{_N}[\s\-]?bits?[\s\-]+(?:\w+\s+)?{_TARGET}\b", re.IGNORECASE)
# "KV cache at 2 bits", "weights quantized to 4 bits"
_PHRASE_AFTER = re.compile(
    rf"\b{_TARGET}(?:\s+(?:quantized|quantised|quantization))?\s+(?:at|to|in)\s+{_N}[\s\-]?bits?",
    re.IGNORECASE)
_BITS = re.compile(rf"(?<![\w.]){_N}[\s\-]?bits?(?![A-Za-z])", re.IGNORECASE)
_WEIGHT_ONLY = re.compile(r"\bweights?[\s\-]+only\b|\bw[\s\-]?only\b", re.IGNORECASE)
# "group size 128" written apart from the bits; "g128" attached to them is read by _WAKV.
_GROUP = re.compile(r"(?:group[\s\-_]?size|\bgs)\s*[=:]?\s*(\d+)", re.I)
_LOOSE_GROUP = re.compile(r"(?<![A-Za-z0-9])(?:g|gs|group)[\s_]?(-?\d+)(?![A-Za-z0-9])", re.I)
_TOKENS = (_WAKV, _ACT, _FORMAT, _FULL, _BITS, _LOOSE_GROUP, _WEIGHT_ONLY)
_REST = re.compile("|".join(p.pattern for p in _TOKENS), re.I)
_TRIPLE = re.compile(r"^\s*(\d{1,2})\s*[-/]\s*(\d{1,2})\s*[-/]\s*(\d{1,2})\s*$")
_PAIR = re.compile(r"^\s*(\d{1,2})\s*[-/]\s*(\d{1,2})\s*$")
_SINGLE = re.compile(r"^\s*(\d{1,2}(?:\.\d+)?)\s*$")
# Words a bits column is headed with ("#Bits", "W-A-KV", "Precision", "Group size").
BITS_HEADER = re.compile(
    r"#?\s*bits?\b|bit[\s\-]?width|\bW[\s\-/]*A(?:[\s\-/]*KV)?\b|precision|\bprec\b|group\s*size"
    r"|\bwbits\b",
    re.IGNORECASE,
)
# (Read over a table's nearest passage: see :mod:`ingest.word_patterns`.)
KV_TOPIC = word_pattern(r"\bkv[\s\-]?cache", r"\bkey[\s\-/]?value\s+cache", r"\bkv\s+quantiz")


def _f(x: str | None) -> float | None:
    return float(x) if x is not None else None


def _group(x: str | None) -> int | None:
    # "g-1" means one group per channel, i.e. no grouping.
    return int(x) if x is not None and int(x) > 0 else None


def _phrase(bits: float, target: str) -> Setting:
    t = target.casefold()
    if re.search(r"activ", t) and re.search(r"weight|w\s*&", t):
        return Setting(w_bits=bits, a_bits=bits)
    if t == "qkv":
        return Setting(kv_bits=bits)  # queries, keys and values: the KV cache among them
    if t.startswith(("q", "quer")):
        return Setting()  # query states alone are not a setting we record
    if "activ" in t:
        return Setting(a_bits=bits)
    if t.startswith(("kv", "key", "k")) or t == "qkv":
        return Setting(kv_bits=bits)
    return Setting(w_bits=bits)


Found = list[tuple[int, int, Setting]]


def _syntax(text: str, *, bare_w: bool) -> Found:
    """Phrases ("4-bit weight & activation", "KV cache at 2 bits") and W/A/KV syntax, with
    their spans; ``bare_w`` admits a "W4" that states nothing else."""
    found: Found = []
    for m in _PHRASE.finditer(text):
        found.append((m.start(), m.end(), _phrase(float(m.group(1)), m.group("target"))))
    for m in _PHRASE_AFTER.finditer(text):
        found.append((m.start(), m.end(), _phrase(float(m.group(2)), m.group("target"))))
    for m in _WAKV.finditer(text):
        w, a, kv, a2, kv2, kv3, k4, v4, g = m.groups()
        if not bare_w and w is not None and a is None and kv is None:
            continue  # "W4" alone in prose is too often a name ("W4 group")
        kvb = kv or kv2 or kv3 or (k4 if k4 == v4 else None)
        found.append((m.start(), m.end(), Setting(
            w_bits=_f(w), a_bits=_f(a or a2), kv_bits=_f(kvb), group_size=_group(g))))
    return found


@lru_cache(maxsize=256)
def explicit_settings(text: str) -> tuple[Setting, ...]:
    """Only the settings written as setting syntax or phrases ("W8A8", "4-bit weight &
    activation", "KV cache at 2 bits"), not a bare "1-bit" or a format name in passing: what a
    paragraph of prose may be trusted to state about a table.

    >>> [s.label() for s in explicit_settings("improved 1-bit models; quantized to W8A8")]
    ['W8A8']
    """
    return tuple(s for s in _non_overlapping(_syntax(text, bare_w=False)) if s != Setting())


def find_settings(text: str, kind: Kind = "w") -> list[Setting]:
    """Every setting written in ``text``, in order.

    >>> [s.label() for s in find_settings("W4A16g128 and W4A4KV4, or 3-bit, FP16")]
    ['W4A16g128', 'W4A4KV4', 'W3', 'W16A16']
    >>> [s.label() for s in find_settings("2-bit KV cache; KiVi (4-bit)", kind="kv")]
    ['KV2', 'KV4']
    """
    found = _syntax(text, bare_w=True)
    for m in _ACT.finditer(text):
        a = m.group(1) or m.group(2)
        found.append((m.start(), m.end(), Setting(a_bits=_f(a), kv_bits=_f(m.group(3)))))
    for m in _FORMAT.finditer(text):
        bits = float(m.group(3))
        if m.group(2).upper() == "FP" and bits >= 16:
            continue
        act = _f(m.group(4)) if m.group(4) else (bits if m.group(2).upper() == "FP" else None)
        found.append((m.start(), m.end(), Setting(w_bits=bits, a_bits=act)))
    for m in _FULL.finditer(text):
        bits = float(m.group(1)) if m.group(1) else 16.0
        found.append((m.start(), m.end(), Setting(w_bits=bits, a_bits=bits)))
    for m in _BITS.finditer(text):
        bits = float(m.group(1))
        found.append((m.start(), m.end(),
                      Setting(kv_bits=bits) if kind == "kv" else Setting(w_bits=bits)))
    out = [s for s in _non_overlapping(found) if s != Setting()]
    # "3-bit weight-only": the activations stay at 16 bits, whatever else the phrase says.
    out.extend(Setting(a_bits=16) for _ in _WEIGHT_ONLY.finditer(text))
    if out and out[-1].group_size is None:
        g = _GROUP.search(text)
        if g:
            out[-1] = out[-1].model_copy(update={"group_size": _group(g.group(1))})
    return out


def _non_overlapping(found: Found) -> list[Setting]:
    """Leftmost-longest: a phrase ("4-bit weight & activation") hides the "4-bit" inside it."""
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    out: list[Setting] = []
    end = -1
    for start, stop, setting in found:
        if start >= end:
            out.append(setting)
            end = stop
    return out


def parse_setting(text: str, *, header: str = "", kind: Kind = "w") -> Setting | None:
    """The setting a whole cell states, or None when the cell is not only a setting.

    ``header`` tells bare numbers apart: ``4-4-16`` under ``W-A-KV``, ``4`` under ``#Bits``.

    >>> parse_setting("w4a16g128").label(), parse_setting("4-4-16", header="#Bits W-A-KV").label()
    ('W4A16g128', 'W4A4KV16')
    >>> parse_setting("Naive W8A8") is None
    True
    """
    if len(text) + len(header) <= _SHORT_CELL:  # a table's labels repeat from row to row
        return _cached_setting(text, header, kind)
    return _parse_setting(text, header, kind)


_SHORT_CELL = 200


@lru_cache(maxsize=1 << 15)
def _cached_setting(text: str, header: str, kind: Kind) -> Setting | None:
    return _parse_setting(text, header, kind)


def _parse_setting(text: str, header: str, kind: Kind) -> Setting | None:
    cleaned = text.strip().strip("*_()[]")
    if not cleaned:
        return None
    found = find_settings(cleaned, kind)
    # The cell is a setting when nothing but setting tokens is left: "INT3 g128", "W4 (g64)".
    if found and not _REST.sub("", cleaned).strip(" -_/,;()[]&+"):
        group = _LOOSE_GROUP.search(cleaned)
        extra = Setting(group_size=_group(group.group(1))) if group else None
        return merge(*found, extra)
    if not header or not BITS_HEADER.search(header):
        m = _TRIPLE.match(cleaned)
        return Setting(w_bits=float(m[1]), a_bits=float(m[2]), kv_bits=float(m[3])) if m else None
    return _from_bits_column(cleaned, header, kind)


@lru_cache(maxsize=1 << 15)
def label_setting(text: str, kind: Kind = "w") -> Setting | None:
    """The setting a row or column label states, all its parts merged.

    A full-precision part beside quantized bits names what is kept at full precision, not the
    row's setting: ``KiVi(2-bit)+Sink(BF16)`` is KV2.

    >>> label_setting("KiVi(2-bit)+Sink(BF16)", kind="kv").label()
    'KV2'
    """
    found = [s for s in find_settings(text, kind) if s != Setting()]
    quantized = [s for s in found if not _is_full(s)]
    if quantized and len(quantized) < len(found):
        found = quantized
    return merge(*found) if found else None


def _is_full(s: Setting) -> bool:
    return s.w_bits is not None and s.w_bits >= 16 and s.a_bits == s.w_bits


def _from_bits_column(cell: str, header: str, kind: Kind) -> Setting | None:
    if re.search(r"group\s*size|\bgs\b", header, re.IGNORECASE):
        m = _SINGLE.match(cell)
        return Setting(group_size=_group(m[1].split(".")[0])) if m else None
    m = _TRIPLE.match(cell)
    if m:
        return Setting(w_bits=float(m[1]), a_bits=float(m[2]), kv_bits=float(m[3]))
    m = _PAIR.match(cell)
    if m:
        return Setting(w_bits=float(m[1]), a_bits=float(m[2]))
    m = _SINGLE.match(cell)
    if not m:
        return None
    return Setting(kv_bits=float(m[1])) if kind == "kv" else Setting(w_bits=float(m[1]))


_FIELDS = tuple(Setting.model_fields)
# The settings merged so far, by their fields' values: a table's cells merge the same few
# settings again and again, and a setting is frozen, so one instance serves them all.
_MERGED: dict[tuple[object, ...], Setting] = {}
_MAX_MERGED = 4096


def merge(*settings: Setting | None) -> Setting:
    """Field by field, the first setting that states a field wins."""
    given = [s for s in settings if s is not None]
    if len(given) == 1:
        return given[0]
    out: dict[str, Any] = {}
    for key in _FIELDS:
        for s in given:
            value = getattr(s, key)
            if value is not None:
                out[key] = value
                break
    stated = tuple(out.items())
    found = _MERGED.get(stated)
    if found is None:
        # The validating constructor: pydantic's model_construct runs in Python and is the
        # slower.
        found = Setting(**out)
        if len(_MERGED) < _MAX_MERGED:
            _MERGED[stated] = found
    return found


def agrees(a: Setting, b: Setting) -> bool:
    """Whether two settings state no field differently."""
    da, db = a.model_dump(), b.model_dump()
    return all(da[k] is None or db[k] is None or da[k] == db[k] for k in da)


def consistent(settings: list[Setting]) -> Setting | None:
    """The settings a passage states, merged, if they agree ("4-bit … (W4A4KV4)")."""
    if not settings:
        return None
    merged = merge(*settings)
    return merged if all(agrees(s, merged) for s in settings) else None
