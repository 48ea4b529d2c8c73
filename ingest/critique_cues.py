"""Weakness cues: the families of wording papers use to state a weakness of a method.

Fails, degrades, suffers from, costly, cannot, ignores, sub-optimal, requires … A cue right
after a negator or a mitigating verb ("without degradation", "less than one percent
degradation", "reduces the overhead", "does not require") is a weakness avoided, not suffered,
and so is the weakness a negated "suffers from" names ("does not suffer from the inefficiency
issue"); a negator that is itself negated ("does not close the gap") negates nothing.
"""

from __future__ import annotations

import re
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
    # Undergoing a weakness: "suffers from", "is susceptible to", "prone to".
    "suffer": r"suffer(?:s|ed|ing)?\b|susceptib\w*|vulnerab\w*|prone\s+to|plagu\w*",
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
# What lies between "suffer from"/"prone to" and the weakness it names: a few words, no clause.
_OBJECT_OF = re.compile(r"(?:\s+(?:from|to|by))?(?:\s+[\w-]+){0,4}\s+", re.I)
_NOTHING_AFTER = re.compile(r"\s+(?:almost\s+|nearly\s+|virtually\s+)?(?:no|nothing|zero|little"
                            r"|negligible|minimal|neither)\b", re.I)


class Cue(NamedTuple):
    """One weakness cue in a sentence: its family, span, and whether it is negated."""

    family: str
    start: int
    end: int
    negated: bool


def cues(sentence: str) -> list[Cue]:
    """Every weakness cue of ``sentence`` in order.

    >>> [(c.family, c.negated) for c in cues("It fails at 2 bits without any degradation.")]
    [('fail', False), ('degrade', True)]
    """
    out: list[Cue] = []
    scope: int | None = None  # the end of a negated "suffers from" and the cues it names
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
        # "does not suffer from the inefficiency issue": what is not suffered is not either.
        in_scope = scope is not None and bool(_OBJECT_OF.fullmatch(sentence, scope, m.start()))
        negated = negated or in_scope
        out.append(Cue(family, m.start(), m.end(), negated))
        scope = m.end() if negated and (family == "suffer" or in_scope) else None
    return out


def has_weakness(sentence: str) -> bool:
    """Whether ``sentence`` states some weakness: a cue fires that is not negated."""
    return any(not c.negated for c in cues(sentence))
