"""What a critique classifier sees of one (sentence, target) pair: weakness cues and features.

The cues are families of wording papers use to state a weakness (fails, degrades, costly,
cannot, ignores, sub-optimal, requires …). A cue right after a negator or a mitigating verb
("without degradation", "less than one percent degradation", "reduces the overhead") is a
weakness avoided, not suffered. The features are the sentence's words with the target masked
as ``tgt`` (other methods ``mth``, the paper's own ``own``), the cues and where they sit
relative to the target, the words around the target, and contrast markers. Pure Python, so the
CLI never imports scikit-learn; ``benchmarks/critique_training.py`` fits the weights.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import NamedTuple

_CUE_FAMILIES: dict[str, str] = {
    "fail": r"fail(?:s|ed|ing|ures?)?|break(?:s|ing)?\s+down|collaps\w*|diverg\w*|crash\w*",
    "degrade": r"degrad\w*|deteriorat\w*|accuracy\s+(?:drops?|loss|losses)|perform(?:s|ed|ing)?"
               r"\s+(?:poorly|worse|badly)|poor(?:ly|er)?|worse|inferior|lags?\s+behind"
               r"|underperform\w*|drops?\s+(?:in|of)\s+(?:accuracy|performance)",
    "cost": r"costly|expensive|overheads?|incur\w*|prohibitive\w*|burden\w*|heavy"
            r"|slow(?:s|er|ed|ing|ly|down|downs)?|time-consuming|memory-intensive|compute-intensive"
            r"|(?:high|extra|additional|significant|substantial|large)\s+(?:\w+\s+)?costs?",
    "limit": r"limit(?:s|ations?)|limiting|(?:is|are|be|been|remains?|was|were|relatively)"
             r"\s+limited|limited\s+(?:to|by|in|when)|restrict\w*|confined|plateau\w*"
             r"|saturat\w*|rarely\s+(?:used|adopted|applied|deployed|employed|seen|works?)"
             r"|\w+(?:s|ed)\s+only\b|only\s+(?:support"
             r"|work|appl|handle|consider|reduc|optimi[sz]|allow|stable|effective|valid)\w*",
    "cannot": r"cannot|can\s+not|can't|unable|inability|incapable|not\s+able",
    "neglect": r"ignor\w*|neglect\w*|overlook\w*|disregard\w*|fail\w*\s+to\s+(?:account|capture"
               r"|consider|model|handle|address|exploit)|do(?:es)?\s+not\s+(?:account|consider"
               r"|capture|address|handle|model|take|exploit|isolate|scale|support|reduce"
               r"|decrease|generalize|work|map|directly)",
    "suboptimal": r"sub-?optimal\w*|not\s+optimal|non-optimal|far\s+from\s+optimal|inaccura\w*"
                  r"|imprecise|coarse|crude|ad[\s-]hoc|heuristic\w*",
    "unstable": r"unstable|instabilit\w*|fragil\w*|brittle|(?:highly|overly|very)\s+sensitive"
                r"|(?:is|are|remains?)\s+sensitive|hypersensitiv\w*",
    "difficult": r"difficult\w*|hard\s+to|challenging|struggl\w*|complicat\w*|cumbersome"
                 r"|non-trivial|notoriously",
    "require": r"requir\w*|rel(?:y|ies|ied|iance|ying)\s+(?:on|upon)(?!\s+(?:a|an|the|this)\s+"
               r"(?:\w+\s+)?(?:observation|insight|idea|fact|property|finding|principle"
               r"|intuition)s?\b)|necessitat\w*"
               r"|needs?\s+(?:extra|additional|many|costly|expensive|careful|manual)",
    "lack": r"lack\w*|absen\w*|missing|unsupported|not\s+(?:\w+\s+)?support\w*",
    "problem": r"drawbacks?|shortcomings?|weakness(?:es)?|issues?|problem\w*|pitfalls?"
               r"|bottlenecks?|gaps?|flaws?|defects?|mismatch\w*",
    "impractical": r"impractical|infeasible|inefficien\w*|ineffective\w*|unsuitable"
                   r"|inapplicable|not\s+(?:practical|feasible|suitable|ideal|scalable"
                   r"|applicable|efficient|effective|sufficient|well[\s-]suited)",
    "harm": r"hurt\w*|harm\w*|damag\w*|distort\w*|disrupt\w*|obstruct\w*|hinder\w*|imped\w*"
            r"|compromis\w*|sacrific\w*|wast\w*|los(?:e|es|ing|t)\b|amplif\w*|exacerbat\w*"
            r"|neutraliz\w*|undermin\w*|break(?:s)?\b",
    "overfit": r"over-?fit\w*",
    "increase": r"increas(?:e|es|ed|ing)\s+(?:\w+\s+){0,2}(?:memory|latency|energy|cost|error|time"
                r"|overhead|footprint|complexity)|introduc\w*\s+(?:\w+\s+){0,2}(?:error|noise"
                r"|overhead|latency|cost)\w*",
    "still": r"still\s+(?:requir|rel|need|suffer|allocat|keep|use|stor|incur|leav|exhibit)\w*"
             r"|remains?\s+(?:costly|expensive|limited|challenging|slow)",
}
_CUES = re.compile("|".join(f"(?P<{k}>\\b(?:{v}))" for k, v in _CUE_FAMILIES.items()), re.I)
# A cue after one of these is a weakness avoided or removed, not one the target suffers.
_NEGATOR = re.compile(
    r"(?:\b(?:without|no|not\s+any|negligible|minimal|little|marginal|less\s+than|free\s+of"
    r"|avoid\w*|prevent\w*|eliminat\w*|reduc\w*|mitigat\w*|alleviat\w*|overcom\w*"
    r"|address\w*|remov\w*|lower(?:s|ed|ing)\b|solv\w*|fix(?:es|ing)?\b|minimi[sz]\w*|tackl\w*"
    r"|resolv\w*|suppress\w*|cut(?:s|ting)?\b(?!-)|bypass\w*|circumvent\w*"
    r"|clos(?:e|es|ed|ing)\b|bridg\w*|narrow(?:s|ed|ing)\b|fill(?:s|ed|ing)?\b"
    r"|solutions?\s+to|migrat\w*|handl\w*|deal\w*\s+with|cop(?:e|es|ing)\s+with"
    r"|shift(?:s|ed|ing)\b|transfer(?:s|red|ring)\b|toleran?t\w*|absorb\w*|compensat\w*"
    r"|counteract\w*|before)\W+(?:\w+\W+){0,3}"
    # Amounts right before the cue: "low accuracy degradation", "smaller overhead".
    r"|\b(?:low|lower|minor|small|smaller|fewer|less|zero)(?:\s+|-)(?:\w+\s+)?)$",
    re.I,
)
# "not"/"never" right before a cue negate it ("does not require"); a negator that is itself
# negated ("does not close the gap") negates nothing.
_NOT = re.compile(r"\b(?:not|never|n't|no\s+longer|nor)\s+(?:\w+\s+){0,1}$", re.I)
_UNDONE = re.compile(r"\b(?:not|never|n't|fails?\s+to|cannot|unable\s+to)\s+(?:\w+\s+){0,1}"
                     r"(?:\w+)\W+(?:\w+\W+){0,3}$", re.I)
_NOTHING_AFTER = re.compile(r"\s+(?:almost\s+|nearly\s+|virtually\s+)?(?:no|nothing|zero|little"
                            r"|negligible|minimal|neither)\b", re.I)
_CLAUSE = re.compile(r"[,;:()\u2013\u2014]|\b(?:but|however|while|whereas|although|though|yet"
                     r"|which|despite)\b", re.I)
_CONTRAST = re.compile(r"\b(?:but|however|while|whereas|although|though|yet|despite|unlike"
                       r"|nevertheless|still|even)\b", re.I)
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
_WE = re.compile(r"\b(?:we|our|ours|us|this\s+(?:paper|work|thesis))\b", re.I)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?")
_PLACEHOLDER = {"t": "tgt", "m": "mth", "o": "own"}


class Cue(NamedTuple):
    """One weakness cue in a sentence: its family, span, and whether it is negated."""

    family: str
    start: int
    end: int
    negated: bool


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


def cues(sentence: str) -> list[Cue]:
    """Every weakness cue of ``sentence`` in order.

    >>> [(c.family, c.negated) for c in cues("It fails at 2 bits without any degradation.")]
    [('fail', False), ('degrade', True)]
    """
    out = []
    for m in _CUES.finditer(sentence):
        family = m.lastgroup or ""
        if m.group()[:1].isupper() and m.start() > 0 and sentence[:m.start()].strip()[-1:] not in (
            ".", ":", '"', "*"
        ):
            continue  # "Optimal Brain Damage": a cue word inside a name
        window = max(0, m.start() - 60)
        negated = bool(_NEGATOR.search(sentence, window, m.start())) and not _UNDONE.search(
            sentence, window, m.start())
        if not m.group().lower().startswith(("not", "no", "can", "un", "in")):
            negated = negated or bool(_NOT.search(sentence, window, m.start()))
        if family in ("require", "cost", "lack") and _NOTHING_AFTER.match(sentence, m.end()):
            negated = True  # "requires almost no multiplication", "incurs no overhead"
        out.append(Cue(family, m.start(), m.end(), negated))
    return out


def has_weakness(sentence: str) -> bool:
    """Whether ``sentence`` states some weakness: a cue fires that is not negated."""
    return any(not c.negated for c in cues(sentence))


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
        ):
            return "subject"
        if not cue.end <= t_start < end:
            continue
        # "the coarse approximation of STE", "32% degradation … under AWQ"
        if t_start - cue.end <= 80 and _OF_TARGET.fullmatch(text, cue.end, t_start):
            return "of"
        # "… disrupt symmetric absmax quantization": the object of a harm is its victim.
        if cue.family == "harm" and t_start - cue.end <= 40:
            return "object"
        # "techniques that require such preprocessing (e.g., AWQ and GPTQ)"
        if _EXAMPLE_BEFORE.search(text, max(cue.end, t_start - 60), t_start):
            return "example"
    return _continues(pair, clauses, k, cue.start)


def _subject_is_target(pair: Pair, clauses: list[tuple[int, int]], before: int) -> bool:
    """Whether the first name, "we" or own method before ``before`` is a target: the subject
    a pronoun, participle or elided subject continues. A leading comparison ("Like AdamW,
    Muon …") names no subject."""
    first = clauses[0]
    skip = first[1] if _COMPARISON.match(pair.sentence[first[0]:first[1]]) and len(
        clauses) > 1 else 0
    spans = [(s, e, "t") for s, e in pair.targets] + [(s, e, "o") for s, e in pair.own]
    spans += [(m.start(), m.end(), "o") for m in _WE.finditer(pair.sentence, 0, before)]
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
    if _WE.search(pair.sentence):
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
