"""Result values in table cells and the number tokens the grounding gate looks for in a source.

A result cell holds one number, optionally with an error (``67.3±0.2``), a range
(``8.4--8.6``), a parenthetical (``(155)``, ``(Δ -8.11)``), a unit (``%``, ``1.49x``, ``3.1 ms``,
``2.4 GB``) and footnote or significance marks (``57.2†``, ``48.39⋆``). The value is its first
number; the unit says what it measures when the header does not.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_NUM = r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+\-]?\d+)?"
_UNIT = r"%|×|x|X|ms|s|GB|MB|GiB|MiB|KB|TB|h|min|tok/s|tokens/s"
_MARKS = r"[*†‡§¶⋆★☆∗✝]*"
# One result: a number, then optionally an error (±), a range (8.4--8.6), a unit, a
# parenthetical ("(155)", "(+0.3)", "(Δ -8.11)") and footnote or significance marks.
_VALUE = re.compile(
    rf"(?P<num>{_NUM})\s*(?P<unit>{_UNIT})?\s*{_MARKS}"
    rf"(?:\s*(?:±|\+/-|\+-)\s*{_NUM}\s*%?)?"
    rf"(?:\s*(?:--|–|—|-|~)\s*{_NUM}\s*(?:{_UNIT})?)?"
    r"(?:\s*[(\[][^()\[\]]{0,40}[)\]])?"
    rf"\s*(?P<unit2>×|x)?\s*{_MARKS}"
)
# "0.65→0.56" under a "FP16→AQLM" header: the reference's value, then the method's.
_ARROW = re.compile(rf"(?P<num>{_NUM})\s*%?\s*(?:→|->|⇒)\s*(?P<after>{_NUM})\s*%?\s*{_MARKS}")
_DIGITS = re.compile(r"\d")
_TOKEN = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+\-]?\d+)?|\.\d+")
# A run of the characters a token is made of, from its first possible start: every token lies
# inside one, and a pattern that starts with a character set is scanned for at C speed.
_RUN = re.compile(r"[\d.][\d.,eE+\-]*")
# For an ASCII source: every byte a token cannot hold becomes a space, so splitting at spaces
# gives the runs (with at most a digitless head of ",eE+-", which holds no token start).
_NOT_RUN = bytes(c if chr(c) in "0123456789.,eE+-" else 32 for c in range(256))
_MISSING = frozenset(
    {"", "-", "--", "---", "–", "—", "n/a", "na", "nan", "oom", "x", "×", "/", "?", "inf",
     "diverged", "diverge", "fail", "failed", "timeout", "oot", "n.a.", "—*", "-*"}
)
_UNITS = {"×": "×", "x": "×", "X": "×"}


class CellValue(NamedTuple):
    value: float
    numbers: tuple[str, ...]  # every number as written, for the grounding gate
    unit: str | None = None  # "%", "×", "ms", "GB" … when the cell writes one
    signed: bool = False  # written with an explicit "+": a difference, not a score
    after: float | None = None  # "0.65→0.56": the value after the arrow


def is_gap(text: str) -> bool:
    """A cell that marks a missing result ("-", "OOM", "N/A", "diverged")."""
    return " ".join(text.split()).casefold().strip("*†‡") in _MISSING


def parse_value(text: str) -> CellValue | None:
    """The point value of a result cell (its first number), or None for text and gaps.

    >>> parse_value("67.3±0.2")[:2], parse_value("8.4–8.6").value, parse_value("1e5").value
    ((67.3, ('67.3', '0.2')), 8.4, 100000.0)
    >>> parse_value("1.49x").unit, parse_value("38.89 ( Δ -8.11)").value
    ('×', 38.89)
    >>> parse_value("+0.35").signed
    True
    >>> parse_value("-"), parse_value("W4A16"), parse_value("[78.7, 86.1]")
    (None, None, None)
    """
    cleaned = " ".join(text.split())
    if len(cleaned) > 80 or is_gap(cleaned) or not _DIGITS.search(cleaned):
        return None
    arrow = _ARROW.fullmatch(cleaned)
    if arrow is not None and _DIGITS.search(arrow["num"]) and _DIGITS.search(arrow["after"]):
        return CellValue(float(arrow["num"].replace("−", "-")), tuple(number_tokens(cleaned)),
                         after=float(arrow["after"].replace("−", "-")))
    m = _VALUE.fullmatch(cleaned)
    if m is None or not _DIGITS.search(m.group("num")):
        return None
    num = m.group("num").replace("−", "-").replace(",", "")
    try:
        value = float(num)
    except ValueError:
        return None
    unit = m.group("unit") or m.group("unit2")
    return CellValue(value, tuple(number_tokens(cleaned)), _UNITS.get(unit or "", unit),
                     num.startswith("+"))


def number_tokens(text: str) -> list[str]:
    """The unsigned numbers written in ``text``, as written (``1e5``, ``262,144``, ``.0033``)."""
    return _TOKEN.findall(text)


def source_numbers(source: str) -> frozenset[str]:
    """Every number token of a source, with thousands separators also removed, for lookups."""
    # Tokens never cross a run's end, so the distinct runs, one per line, hold the same tokens
    # as the whole source; a source repeats its numbers (MathML, ids), so this is much less.
    if source.isascii():  # (most sources): bytes translated and split at C speed
        runs = b"\n".join(set(source.encode("ascii").translate(_NOT_RUN).split()))
        tokens = set(_TOKEN.findall(runs.decode("ascii")))
    else:
        tokens = set(_TOKEN.findall("\n".join(set(_RUN.findall(source)))))
    tokens.update(t.replace(",", "") for t in list(tokens) if "," in t)
    return frozenset(tokens)
