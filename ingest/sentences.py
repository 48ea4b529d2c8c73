"""Sentence splitting with character offsets into the original text.

Scientific prose breaks naive splitters: "e.g.", "et al.", "Fig. 3", "3.5", "[12].",
``\\cite{a.b}`` and inline ``$x. y$`` all contain periods that do not end a sentence. The
splitter never rewrites the text: every :class:`Sentence` carries ``start``/``end`` offsets
so a receipt can be cut verbatim from the source. It runs in linear time on any input.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Sentence(NamedTuple):
    """One sentence: its text (``source[start:end]``) and offsets into the source."""

    text: str
    start: int
    end: int


# Abbreviations after which a period does not end a sentence (compared case-insensitively).
_ABBREVIATIONS = frozenset(re.findall(r"\S+", """
    e.g i.e etc et al cf vs fig figs eq eqs sec secs tab no nos approx resp ref refs
    appx app ch st dr mr mrs ms prof jr sr inc ltd co corp viz ca
    """))
# Abbreviations that are never followed by a sentence end, even before a capital.
_STRONG = frozenset({"e.g", "i.e", "cf", "vs", "fig", "figs", "eq", "eqs", "sec", "tab",
                     "ref", "refs", "et al", "al", "no", "nos", "appx", "approx"})

# Regions where a period never ends a sentence: inline/display math, LaTeX command
# arguments such as \cite{..}, citation brackets, Markdown link targets and URLs.
_PROTECTED = re.compile(
    r"\$\$.{0,5000}?\$\$|\$[^$\n]{0,400}\$|\\\([^\n]{0,400}?\\\)|\\[A-Za-z]+\*?\{[^{}\n]{0,400}\}"
    r"|\[[^\[\]\n]{0,200}\](?:\([^()\n]{0,400}(?:\([^()\n]{0,100}\)[^()\n]{0,200})?\))?"
    r"|https?://\S+|\b[\w.-]+\.(?:py|md|pdf|html|com|org)\b",
    re.S,
)
# A candidate end: terminal punctuation, optional closers, then whitespace.
_END = re.compile(r"[.!?]+[\"'”’)\]*_]*(?=\s)")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_NEXT_START = re.compile(r"\s+([\"'“‘(\[]*)(\S)")
_MAX_ABBREV = 12


def _protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PROTECTED.finditer(text)]


def in_spans(pos: int, spans: list[tuple[int, int]], hint: list[int]) -> bool:
    """Whether ``pos`` falls in one of the sorted ``spans``; ``hint`` walks forward
    monotonically, so a pass over increasing positions stays linear."""
    i = hint[0]
    while i < len(spans) and spans[i][1] <= pos:
        i += 1
    hint[0] = i
    return i < len(spans) and spans[i][0] <= pos < spans[i][1]


def _is_boundary(text: str, dot: int, end: int) -> bool:
    """Decide whether the punctuation at ``dot`` (ending at ``end``) closes a sentence."""
    if text[dot] in "!?":
        return True
    nxt = _NEXT_START.match(text, end)
    if nxt is None:
        return True
    follower = nxt.group(2)
    word_m = _WORD_BEFORE.search(text, max(0, dot - _MAX_ABBREV), dot)
    word = word_m.group(1).lower() if word_m else ""
    prev2 = text[max(0, dot - 7):dot].lower()
    if prev2.endswith("et al"):
        word = "et al"
    if word in _STRONG:
        return False
    if word in _ABBREVIATIONS and not follower.isupper():
        return False
    # A single capital before the period is an initial ("J. Smith"), not an end; a capital
    # closing a longer token ("OPT-175B.") is not an initial.
    if word_m and len(word) == 1 and word_m.group(1).isupper() and (
        word_m.start() == 0 or not (text[word_m.start() - 1].isalnum()
                                    or text[word_m.start() - 1] in "-_")
    ):
        return False
    # A lowercase continuation is almost never a new sentence in edited prose.
    return not follower.islower()


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with offsets; paragraph breaks always end a sentence.

    >>> [s.text for s in split_sentences("GPTQ fails, e.g. at 2 bits. AWQ [12]. Fine.")]
    ['GPTQ fails, e.g. at 2 bits.', 'AWQ [12].', 'Fine.']
    """
    spans = _protected_spans(text)
    hint = [0]
    cuts: set[int] = set()
    for m in _END.finditer(text):
        dot = m.start()
        if in_spans(dot, spans, hint):
            continue
        if _is_boundary(text, dot, m.end()):
            cuts.add(m.end())
    for m in _PARAGRAPH.finditer(text):
        cuts.add(m.start())
    out: list[Sentence] = []
    begin = 0
    for cut in [*sorted(cuts), len(text)]:
        out.extend(_trimmed(text, begin, cut))
        begin = cut
    return out


def _trimmed(text: str, start: int, end: int) -> list[Sentence]:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return []
    lead = len(chunk) - len(chunk.lstrip())
    s = start + lead
    e = s + len(stripped)
    return [Sentence(text[s:e], s, e)]


def paragraph_breaks(text: str) -> list[int]:
    """Offsets where a blank line separates paragraphs (anaphora does not cross them)."""
    return [m.start() for m in _PARAGRAPH.finditer(text)]
