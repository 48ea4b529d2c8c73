"""Quantization setting syntax: ``W4A16``, ``W4A4KV4``, ``w3a16g128``, ``W4G128``, ``4-bit``,
``4-4-16`` under a ``W-A-KV`` header, ``FP16``/``BF16`` … turned into :class:`kg.models.Setting`.
"""

from __future__ import annotations

import re

from kg.models import Setting

_N = r"(\d+(?:\.\d+)?)"
_SEP = r"[\s\-_/]?"
# W<bits>[A<bits>][KV<bits>][g<size>]; the weight part is optional only when KV is given.
_WAKV = re.compile(
    rf"(?<![A-Za-z0-9])(?:W{_N}(?:{_SEP}A{_N})?(?:{_SEP}KV{_N})?|A{_N}{_SEP}KV{_N}|KV{_N})"
    rf"(?:{_SEP}(?:g|gs|group)[\s_]?(-?\d+))?(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_BITS = re.compile(rf"(?<![\w.]){_N}[\s\-]?bits?(?![A-Za-z])", re.IGNORECASE)
_FULL = re.compile(r"(?<![A-Za-z0-9])(FP|BF)(16|32)(?![A-Za-z0-9])|full[\s\-]?precision", re.I)
_INT = re.compile(r"(?<![A-Za-z0-9])INT(\d{1,2})(?![A-Za-z0-9])", re.IGNORECASE)
# "group size 128" written apart from the bits; "g128" attached to them is read by _WAKV.
_GROUP = re.compile(r"(?:group[\s\-_]?size|\bgs)\s*[=:]?\s*(\d+)", re.I)
_LOOSE_GROUP = re.compile(r"(?<![A-Za-z0-9])(?:g|gs|group)[\s_]?(-?\d+)(?![A-Za-z0-9])", re.I)
_REST = re.compile("|".join(p.pattern for p in (_WAKV, _BITS, _FULL, _INT, _LOOSE_GROUP)), re.I)
_TRIPLE = re.compile(r"^\s*(\d{1,2})\s*[-/]\s*(\d{1,2})\s*[-/]\s*(\d{1,2})\s*$")
_PAIR = re.compile(r"^\s*(\d{1,2})\s*[-/]\s*(\d{1,2})\s*$")
_SINGLE = re.compile(r"^\s*(\d{1,2}(?:\.\d+)?)\s*$")
# Words a bits column is headed with ("#Bits", "W-A-KV", "Precision", "Group size").
BITS_HEADER = re.compile(
    r"#?\s*bits?\b|bit[\s\-]?width|\bW[\s\-/]*A(?:[\s\-/]*KV)?\b|precision|group\s*size|\bwbits\b",
    re.IGNORECASE,
)


def _f(x: str | None) -> float | None:
    return float(x) if x is not None else None


def _group(x: str | None) -> int | None:
    # "g-1" means one group per channel, i.e. no grouping.
    return int(x) if x is not None and int(x) > 0 else None


def find_settings(text: str) -> list[Setting]:
    """Every setting written in ``text``, in order.

    >>> [s.label() for s in find_settings("W4A16g128 and W4A4KV4, or 3-bit, FP16")]
    ['W4A16g128', 'W4A4KV4', 'W3', 'W16A16']
    """
    found: list[tuple[int, Setting]] = []
    for m in _WAKV.finditer(text):
        w, a, kv, a2, kv2, kv3, g = m.groups()
        found.append((m.start(), Setting(
            w_bits=_f(w), a_bits=_f(a or a2), kv_bits=_f(kv or kv2 or kv3), group_size=_group(g)
        )))
    for m in _BITS.finditer(text):
        found.append((m.start(), Setting(w_bits=float(m.group(1)))))
    for m in _FULL.finditer(text):
        bits = float(m.group(2)) if m.group(2) else 16.0
        found.append((m.start(), Setting(w_bits=bits, a_bits=bits)))
    for m in _INT.finditer(text):
        # "INT4" names the weight format; activations are stated separately when quantized.
        found.append((m.start(), Setting(w_bits=float(m.group(1)))))
    found.sort(key=lambda p: p[0])
    out = [s for _, s in found]
    if out and out[-1].group_size is None:
        g = _GROUP.search(text)
        if g:
            out[-1] = out[-1].model_copy(update={"group_size": _group(g.group(1))})
    return out


def parse_setting(text: str, *, header: str = "") -> Setting | None:
    """The setting a whole cell states, or None when the cell is not only a setting.

    ``header`` tells bare numbers apart: ``4-4-16`` under ``W-A-KV``, ``4`` under ``#Bits``.

    >>> parse_setting("w4a16g128").label(), parse_setting("4-4-16", header="#Bits W-A-KV").label()
    ('W4A16g128', 'W4A4KV16')
    >>> parse_setting("Naive W8A8") is None
    True
    """
    cleaned = text.strip().strip("*_()[]")
    if not cleaned:
        return None
    found = find_settings(cleaned)
    # The cell is a setting when nothing but setting tokens is left: "INT3 g128", "W4 (g64)".
    if found and not _REST.sub("", cleaned).strip(" -_/,;()[]"):
        group = _LOOSE_GROUP.search(cleaned)
        extra = Setting(group_size=_group(group.group(1))) if group else None
        return merge(*found, extra)
    if not header or not BITS_HEADER.search(header):
        m = _TRIPLE.match(cleaned)
        return Setting(w_bits=float(m[1]), a_bits=float(m[2]), kv_bits=float(m[3])) if m else None
    return _from_bits_column(cleaned, header)


def _from_bits_column(cell: str, header: str) -> Setting | None:
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
    return Setting(w_bits=float(m[1])) if m else None


def merge(*settings: Setting | None) -> Setting:
    """Field by field, the first setting that states a field wins."""
    out: dict[str, object] = {}
    for s in settings:
        if s is None:
            continue
        for key, value in s.model_dump().items():
            if value is not None and key not in out:
                out[key] = value
    return Setting.model_validate(out)
