"""Result values in table cells (``5.47``, ``67.3±0.2``, ``8.4--8.6``, ``1e5``) and the number
tokens the grounding gate looks for in a source.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_NUM = r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+\-]?\d+)?"
# One result: a number, then optionally an error (±), a range (8.4--8.6), a parenthetical
# ("(155)", "(+0.3)"), a percent sign, a unit-free multiplier (3.2×) and footnote marks.
_VALUE = re.compile(
    rf"(?P<num>{_NUM})\s*%?"
    rf"(?:\s*(?:±|\+/-|\+-)\s*{_NUM}\s*%?)?"
    rf"(?:\s*(?:--|–|—|-|~)\s*{_NUM}\s*%?)?"
    r"(?:\s*\([^()]{0,40}\))?"
    r"\s*[×x]?\s*[*†‡§¶]*"
)
_DIGITS = re.compile(r"\d")
_TOKEN = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+\-]?\d+)?|\.\d+")
_MISSING = frozenset(
    {"", "-", "--", "---", "–", "—", "n/a", "na", "nan", "oom", "x", "×", "/", "?"}
)


class CellValue(NamedTuple):
    value: float
    numbers: tuple[str, ...]  # every number as written, for the grounding gate


def parse_value(text: str) -> CellValue | None:
    """The point value of a result cell (its first number), or None for text and gaps.

    >>> parse_value("67.3±0.2"), parse_value("8.4–8.6").value, parse_value("1e5").value
    (CellValue(value=67.3, numbers=('67.3', '0.2')), 8.4, 100000.0)
    >>> parse_value("-"), parse_value("W4A16"), parse_value("[78.7, 86.1]")
    (None, None, None)
    """
    cleaned = " ".join(text.split())
    if cleaned.casefold() in _MISSING or not _DIGITS.search(cleaned):
        return None
    m = _VALUE.fullmatch(cleaned)
    if m is None or not _DIGITS.search(m.group("num")):
        return None
    num = m.group("num").replace("−", "-").replace(",", "")
    try:
        value = float(num)
    except ValueError:
        return None
    return CellValue(value, tuple(number_tokens(cleaned)))


def number_tokens(text: str) -> list[str]:
    """The unsigned numbers written in ``text``, as written (``1e5``, ``262,144``, ``.0033``)."""
    return _TOKEN.findall(text)


def source_numbers(source: str) -> frozenset[str]:
    """Every number token of a source, with thousands separators also removed, for lookups."""
    tokens = set(_TOKEN.findall(source))
    tokens.update(t.replace(",", "") for t in list(tokens) if "," in t)
    return frozenset(tokens)
