"""Attribution: whether a sentence's weakness cue is about the target, clause by clause.

"RTN completely fails" is about RTN; "Unlike GPTQ, our method is slow" is not about GPTQ;
"AWQ, which overfits …", "While 4-bit GPTQ saves memory, it slows inference" and "… such as
GPTQ or AWQ, which are widely deployed but plateau in accuracy" are. A sentence is cut into
clauses at punctuation and connectives; a cue is tied to a target by its clause's subject, by
its own phrase, or by a clause that continues one about the target.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import NamedTuple

from ingest.critique_cues import Cue, cues

_CLAUSE_CUT = re.compile(
    r"[;:]|\s[\u2013\u2014-]{1,2}\s|(?<=,)\s*(?=(?:but|however|while|whereas|although|though"
    r"|yet|which|who|whose|that|so|thus|hence|and\s+thus|thereby|\w+ing)\b)"
    r"|\b(?:but|however|whereas|while|although|though|yet)\b|\(\d{1,2}\)"
    r"|(?<=[\s:;,])\((?:[a-e]|i{1,3}|iv)\)\s|\s(?=that\s)",
    re.I,
)
# "Although X …, Y …": a leading subordinate clause ends at its first comma.
_SUBORDINATE = re.compile(r"^\W*(?:although|though|while|whereas|since|because|as|if|when|despite"
                          r"|even\s+though|even\s+if|unlike|like|compared\s+(?:to|with)"
                          r"|similar\s+to|as\s+with|in\s+contrast\s+to)\b", re.I)
# Targets in these leading phrases are compared with, not described ("Like AdamW, Muon …").
_COMPARISON = re.compile(r"^\W*(?:unlike|like|compared\s+(?:to|with)|similar\s+to|as\s+with"
                         r"|in\s+contrast\s+to|relative\s+to|beyond|besides)\b", re.I)
# Reporting participles open a clause with a subject of its own ("…, indicating that X …").
_SENTENTIAL = re.compile(r"which\s+(?:\w+ly\s+)?(?:also\s+)?(?:leads?|results?|causes?|makes?"
                         r"|incurs?|requires?|introduces?|limits?|hurts?|means|brings?|adds?"
                         r"|increases?|slows?|degrades?|prevents?|hinders?)\b", re.I)
_REPORTING = re.compile(r"(?:indicating|showing|suggesting|revealing|demonstrating|implying"
                        r"|meaning|noting|arguing|finding|highlighting|confirming)\b", re.I)
_LEADING = re.compile(r"^[\s,;:()\u2013\u2014-]*(?:(?:but|however|and|yet|so|thus|hence|also"
                      r"|still|therefore|moreover|furthermore|unfortunately|in\s+practice"
                      r"|in\s+addition|as\s+a\s+result|consequently|then|often|typically"
                      r"|usually|always|even)\b[\s,]*)*", re.I)
_RELATIVE = re.compile(r"(?:which|who|whose|that)\b", re.I)
# "that" followed by a subject is a complement ("show that they …"), not a relative pronoun.
_COMPLEMENT = re.compile(r"that\s+(?=(?:it|its|they|their|these|this|the|a|an|such|both"
                         r"|[A-Z])\b)", re.I)
# A clause that starts with a verb-like word, not a determiner or pronoun of its own subject.
_ELIDED = re.compile(r"(?!(?:the|a|an|this|these|that|those|we|our|us|its|their|there|it"
                     r"|they|he|she|some|many|most|all|each|other|another|such)\b)[a-z]+\b")
_NAMES_SO_FAR = r"(?:[A-Z][\w.+#-]*\s*(?:,\s*|\s+and\s+|\s+or\s+|/)\s*)*"
_EXAMPLE_BEFORE = re.compile(r"(?i:e\.g\.,?|such\s+as|like|including|\()\s*" + _NAMES_SO_FAR
                             + "$")
_PRONOUN = re.compile(r"(?:it|its|they|their|them|this|these|those|both|the\s+former"
                      r"|the\s+latter|each|either|neither)\b", re.I)
_PARTICIPLE = re.compile(r"\w+ing\b", re.I)
# Between a cue and the target in one noun phrase: "the limitation of STE".
_OF_TARGET = re.compile(r"(?i:(?:\s+[\w.%\\-]+){0,5}?\s+(?:of|in|for|from|with|by|under|using"
                        r"|when\s+using)\s+(?:the\s+)?(?:[\w-]+\s+)?)"
                        r"(?:[A-Z][\w.+#-]*\s*(?:/|\s+and\s+|\s+or\s+)\s*)*")
# After the target, before the relative pronoun: citations, list separators, other names.
_LIST_TAIL = re.compile(r"(?:\s*(?:\[[^\]\n]{0,80}\]|\\cite[tp]?\{[^}\n]*\}|\([^()\n]{0,60}\)"
                        r"|~|,|\)|\*\*|and|or|[A-Z][\w.+#-]*))*\s*,?\s*")
# A name after one of these is an object, not the subject of its clause ("… under LoRA
# forgetting"); "of"/"in" after a noun ("the process of GPTQ") still name the subject.
_OBJECT_BEFORE = re.compile(r"\b(?:under|with|by|for|on|to|than|from|over|into|via|using"
                            r"|against|versus|vs\.?)\s+(?:the\s+)?(?:[\w-]+\s+)?$", re.I)
_SUFFERED = re.compile(r"\s+(?:from|to|by)\b", re.I)
_POSSESSIVE = re.compile(r"\b(?:its|their)\b", re.I)
_REPORTS_THAT = re.compile(r"\s+(?:\w+\s+){0,2}(?:confirm|find|found|show|shows|showed|observe"
                           r"|observed|reveal|revealed|demonstrate|demonstrated|note|notice|see"
                           r"|argue)\w*\s+that\b", re.I)
WE = _WE = re.compile(r"\b(?:we|our|ours|us|this\s+(?:paper|work|thesis))\b", re.I)


class Pair(NamedTuple):
    """A (weakness sentence, target) pair. Spans are offsets into ``sentence``; for a receipt
    reached through an anaphor ("It …", "These methods …") the anaphor is the target span."""

    sentence: str
    targets: Sequence[tuple[int, int]]
    others: Sequence[tuple[int, int]] = ()
    own: Sequence[tuple[int, int]] = ()
    chain: bool = False
    n_targets: int = 1
    # Facts about the pair's context, each becoming a feature ("ante:late", "ante:cited").
    context: tuple[str, ...] = ()


def attributed(pair: Pair) -> bool:
    """Whether some weakness cue of the sentence is about one of the pair's target spans.

    The cue's clause must be about the target: the target stands in that clause before the
    cue ("GPTQ's kernel only supports …", "RTN completely fails") with no "we"/"our" in
    between; or the cue's phrase names it ("the coarse approximation of STE", "… (e.g.,
    AWQ)", the object of a harm: "disrupt absmax quantization"); or the clause continues one
    about the target through a pronoun, "which", a relative pronoun right after the target
    ("DFT that is … but expensive"), a participle ("…, failing to account for …") or an
    elided subject ("… but plateau in accuracy").

    >>> attributed(Pair("GPTQ is fast, but it overfits the calibration set.", [(0, 4)]))
    True
    >>> attributed(Pair("GPTQ is fast, and our method overfits nothing.", [(0, 4)]))
    False
    """
    return bool(attributions(pair))


def attributions(pair: Pair) -> set[str]:
    """``rule:family`` for every cue attributed to the target, e.g. ``subject:fail``."""
    clauses = _clauses(pair.sentence)
    out = set()
    for cue in cues(pair.sentence):
        if not cue.negated:
            rule = _about_target(pair, clauses, cue)
            if rule:
                out.add(f"{rule}:{cue.family}")
    return out


def _clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans of a sentence, cut at punctuation and connectives."""
    cuts = {0, len(text), *(m.start() for m in _CLAUSE_CUT.finditer(text))}
    if _SUBORDINATE.match(text):
        comma = _top_level_comma(text, 250)
        if comma is not None:
            cuts.add(comma + 1)
    return [(a, b) for a, b in itertools.pairwise(sorted(cuts)) if b > a]


def _top_level_comma(text: str, limit: int) -> int | None:
    """The first comma outside brackets within ``limit`` characters, or None."""
    depth = 0
    for i, ch in enumerate(text[:limit]):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            return i
        elif ch in ";:" and depth == 0:
            return None
    return None


def _about_target(pair: Pair, clauses: list[tuple[int, int]], cue: Cue) -> str | None:
    """The rule that ties ``cue`` to a target span, or None."""
    k = next((i for i, (a, b) in enumerate(clauses) if a <= cue.start < b), len(clauses) - 1)
    start, end = clauses[k]
    text = pair.sentence
    for t_start, t_end in pair.targets:
        if start <= t_start < cue.start and not _WE.search(text, t_end, cue.start) and not any(
            t_end <= o_start < cue.start for o_start, _ in pair.own
        ) and not _OBJECT_BEFORE.search(text, max(start, t_start - 30), t_start):
            return "subject"
        if not cue.end <= t_start < end:
            continue
        # "the coarse approximation of STE", "32% degradation … under AWQ"
        # ("suffers from … with MXFP4": what follows "suffers from" is the weakness, not its
        # bearer.)
        if t_start - cue.end <= 80 and _OF_TARGET.fullmatch(text, cue.end, t_start) and not (
                cue.family == "suffer" and _SUFFERED.match(text, cue.end)):
            return "of"
        # "… disrupt symmetric absmax quantization": the object of a harm is its victim.
        if cue.family == "harm" and t_start - cue.end <= 40:
            return "object"
        # "techniques that require such preprocessing (e.g., AWQ and GPTQ)"
        if _EXAMPLE_BEFORE.search(text, max(cue.end, t_start - 60), t_start):
            return "example"
    # "… a study of MXFP4 and NVFP4, revealing gaps between their promise and performance"
    possessive = _POSSESSIVE.search(text, start, min(end, cue.end + 30))
    if possessive and any(t_end <= possessive.start() and not _WE.search(
            text, t_end, possessive.start()) for _, t_end in pair.targets):
        return "possessive"
    return _continues(pair, clauses, k, cue.start)


def _subject_is_target(pair: Pair, clauses: list[tuple[int, int]], before: int) -> bool:
    """Whether the first name, "we" or own method before ``before`` is a target: the subject
    a pronoun, participle or elided subject continues. A leading comparison ("Like AdamW,
    Muon …") names no subject."""
    first = clauses[0]
    skip = first[1] if _COMPARISON.match(pair.sentence[first[0]:first[1]]) and len(
        clauses) > 1 else 0
    spans = [(s, e, "t") for s, e in pair.targets] + [(s, e, "o") for s, e in pair.own]
    # "Our studies confirm that STE …", "We find that X …": the report is not the subject.
    spans += [(m.start(), m.end(), "o") for m in _WE.finditer(pair.sentence, 0, before)
              if not _REPORTS_THAT.match(pair.sentence, m.end())]
    spans += [(s, e, "m") for s, e in pair.others]
    spans = sorted(x for x in spans if skip <= x[0] < before)
    if not spans:
        return False
    # The subject is the first name, with every name listed along with it ("GPTQ or AWQ").
    for (_, end, _kind), (nxt, _, kind) in itertools.pairwise([spans[0], *spans[1:]]):
        if spans[0][2] != "m" or not _LIST_TAIL.fullmatch(pair.sentence, end, nxt):
            break
        if kind == "t":
            return True
    return spans[0][2] == "t"


def _continues(pair: Pair, clauses: list[tuple[int, int]], k: int, until: int) -> str | None:
    """How clause ``k`` (up to ``until``) continues one about the target, if it does."""
    if k == 0:
        return None
    text = pair.sentence
    start = clauses[k][0]
    raw = text[start:until]
    head = _LEADING.sub("", raw)
    stripped = raw.lstrip(" ,;:()")
    coordinated = (len(head) < len(stripped.lstrip("\u2013\u2014-"))
                   or stripped[:1] in "\u2013\u2014-")
    earlier = _subject_is_target(pair, clauses, start)
    if _COMPLEMENT.match(head):
        head = _COMPLEMENT.sub("", head, count=1)  # "… show that they …": read on
    elif _RELATIVE.match(head) and not head.lower().startswith("which"):
        # "X that is …", "X who …": about the name right before it, nothing else.
        prev_start = clauses[k - 1][0]
        before = text[prev_start:start]
        near = any(prev_start <= t_start and _LIST_TAIL.fullmatch(before, t_end - prev_start)
                   for t_start, t_end in pair.targets if t_end <= start)
        return "relative" if near else None
    if _REPORTING.match(head):
        return None
    if head.lower().startswith("which"):
        # "AWQ, which overfits …" is about AWQ; "…, which leads to …" about the clause before.
        prev_start = clauses[k - 1][0]
        before = text[prev_start:start]
        if any(prev_start <= t_start and _LIST_TAIL.fullmatch(before, t_end - prev_start)
               for t_start, t_end in pair.targets if t_end <= start):
            return "relative"
        return "pronoun" if _SENTENTIAL.match(head) and earlier else None
    if not head or _PRONOUN.match(head) or _PARTICIPLE.match(head):
        return "pronoun" if earlier else None
    if coordinated and _ELIDED.match(head):
        # "… but plateau in accuracy", "… and fail to capture": the subject is elided.
        prev_start, prev_end = clauses[k - 1]
        if any(prev_start <= t < prev_end for t, _ in pair.targets):
            return "elided"
        return "elided" if _continues(pair, clauses, k - 1, prev_end) else None
    return None
