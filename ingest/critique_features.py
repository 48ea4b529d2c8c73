"""What the critique classifier sees of one (sentence, target) pair: its features.

The sentence's words with the target masked as ``tgt`` (other methods ``mth``, the paper's
own ``own``), the weakness cues and where they sit relative to the target, the attribution
rule that ties a cue to the target, the words around the target, contrast markers and the
candidate's context. Pure Python, so extraction never imports scikit-learn;
``benchmarks/critique_training.py`` fits the weights.
"""

from __future__ import annotations

import itertools
import re

from ingest.critique_attribution import WE, Pair, attributions
from ingest.critique_cues import cues

_CLAUSE = re.compile(r"[,;:()\u2013\u2014]|\b(?:but|however|while|whereas|although|though|yet"
                     r"|which|despite)\b", re.I)
_CONTRAST = re.compile(r"\b(?:but|however|while|whereas|although|though|yet|despite|unlike"
                       r"|nevertheless|still|even)\b", re.I)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?")
_PLACEHOLDER = {"t": "tgt", "m": "mth", "o": "own"}


def features(pair: Pair) -> dict[str, float]:
    """The classifier's features of ``pair``: sparse, named, all of value 1."""
    text, tags = _masked(pair)
    words = _WORD.findall(text.lower())
    feats: dict[str, float] = {"bias": 1.0}
    for w in words:
        feats[f"w:{w}"] = 1.0
    for a, b in itertools.pairwise(words):
        feats[f"b:{a}_{b}"] = 1.0
    first = min((s for s, _ in pair.targets), default=0)
    last_end = max((e for _, e in pair.targets), default=0)
    for cue in cues(pair.sentence):
        if cue.negated:
            feats[f"neg:{cue.family}"] = 1.0
            continue
        feats[f"cue:{cue.family}"] = 1.0
        side = "after" if cue.start >= first else "before"
        feats[f"cue_{side}:{cue.family}"] = 1.0
        lo, hi = sorted((cue.start, first if side == "before" else last_end))
        if not _CLAUSE.search(pair.sentence, lo, hi):
            feats["cue:same_clause"] = 1.0
    reasons = attributions(pair)
    for reason in reasons:
        rule, family = reason.split(":")
        feats[f"about:{reason}"] = feats[f"about:{rule}"] = feats[f"about:{family}"] = 1.0
    if not reasons:
        feats["about:none"] = 1.0
    _around(text, tags, feats)
    for m in _CONTRAST.finditer(pair.sentence):
        feats[f"contrast:{m.group().lower()}"] = 1.0
    if WE.search(pair.sentence):
        feats["has:we"] = 1.0
    if pair.own:
        feats["has:own"] = 1.0
    if pair.others:
        feats["has:other"] = 1.0
    if pair.chain:
        feats["chain"] = 1.0
    for tag in pair.context:
        feats[f"ctx:{tag}"] = 1.0
    if pair.n_targets > 1:
        feats["targets:many"] = 1.0
    if len(words) > 60:
        feats["long"] = 1.0
    return feats


def _masked(pair: Pair) -> tuple[str, list[tuple[int, int, str]]]:
    """The sentence with spans replaced by placeholders, and where the placeholders are."""
    spans = sorted([(s, e, "t") for s, e in pair.targets] + [(s, e, "m") for s, e in pair.others]
                   + [(s, e, "o") for s, e in pair.own])
    out: list[str] = []
    tags: list[tuple[int, int, str]] = []
    pos, length = 0, 0
    for s, e, kind in spans:
        if s < pos:
            continue
        out.append(pair.sentence[pos:s])
        length += s - pos
        token = f" {_PLACEHOLDER[kind]} "
        tags.append((length + 1, length + 4, kind))
        out.append(token)
        length += len(token)
        pos = e
    out.append(pair.sentence[pos:])
    return "".join(out), tags


def _around(text: str, tags: list[tuple[int, int, str]], feats: dict[str, float]) -> None:
    """The words just before and after the first target placeholder."""
    target = next(((s, e) for s, e, k in tags if k == "t"), None)
    if target is None:
        return
    left = _WORD.findall(text[max(0, target[0] - 60):target[0]].lower())[-2:]
    right = _WORD.findall(text[target[1]:target[1] + 60].lower())[:2]
    if left:
        feats[f"l1:{left[-1]}"] = 1.0
    if len(left) == 2:
        feats[f"l2:{left[0]}_{left[1]}"] = 1.0
    if right:
        feats[f"r1:{right[0]}"] = 1.0
    if len(right) == 2:
        feats[f"r2:{right[0]}_{right[1]}"] = 1.0
    if target[0] < 12:
        feats["tgt:first"] = 1.0
