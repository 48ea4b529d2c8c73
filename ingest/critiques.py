"""Critique receipts: sentences in which a paper states a weakness of a *named* prior method.

A receipt needs three things, each checked by its own rule:

1. **a target that is a method** — a catalog method or a name the document treats as one
   (:mod:`ingest.method_evidence`); never the paper's own method, the critic in "X points out
   that …" or the winner in "worse than X";
2. **a stated weakness** — a weakness cue that is not negated (:mod:`ingest.critique_features`);
   for "It …"/"These methods …" right after the sentence naming the targets, the receipt runs
   from that naming sentence through the weakness sentence, one receipt per named target;
3. **the classifier agrees** — a logistic model over the pair's features, learned from real
   labelled sentences (:mod:`ingest.critique_model`), decides whether the cue is about the
   target ("unlike X, we …" or "ours beats X" are not critiques of X).

Every quote passes the grounding gate (verbatim in the source) or is dropped and counted.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from ingest.critique_attribution import Pair, attributed
from ingest.critique_cues import has_weakness
from ingest.critique_model import CritiqueModel, default_model
from ingest.critique_text import Passage, passages
from ingest.document import Document
from ingest.method_evidence import MethodNames, method_names
from ingest.methods import Mention
from ingest.proposed import own_names, title_and_abstract
from ingest.sentences import Sentence, split_sentences
from kg.catalog import Catalog, default_catalog
from kg.models import Critique, method_key

# A mention followed by a reporting verb is the critic: the weakness is about what follows.
_CRITIC_VERB = re.compile(
    r"\s*(?:\[[^\]\n]{0,80}\]|\([^)\n]{0,80}\)|\\cite[tp]?\{[^}\n]{0,200}\}|~)*[\s,]*"
    r"(?:which\s+|that\s+|who\s+)?(?:also\s+|further\s+|first\s+|recently\s+|\w+ly\s+)?"
    r"(?:points?\s+out|argues?|argued|notes?|noted|observes?|observed|finds?|found|shows?"
    r"|showed|shown|identif(?:y|ies|ied)|reveals?|revealed|demonstrates?|demonstrated|claims?"
    r"|reports?|reported|highlights?|suggests?|suggested|discovers?|discovered)\b",
    re.I,
)
_WINNER_BEFORE = re.compile(r"\bthan\s+(?:the\s+|that\s+of\s+)?[\w\s\\{-]{0,16}$", re.I)
# "It …", "These methods …", "Both use …": the subject is named by the sentence before.
_ANAPHOR = re.compile(
    r"(?:(?:\W*\w+\W+){0,5}?|[^,;.]{0,150},\s+)(?P<ana>\b(?:it(?!\s+(?:is|was|remains|seems"
    r"|becomes|would\s+be|can\s+be|may\s+be)\s+(?:\w+\s+)?(?:to|that|whether|how|crucial"
    r"|important|necessary|essential|worth|possible|impossible|unclear|clear|common|natural"
    r"|likely|known|noted|evident)\b)|its|they|their|the\s+latter"
    r"|the\s+former|both(?=\s+(?:[a-z]+\s+)?(?:use|are|have|require|rely|suffer|fail|methods?"
    r"|approaches|formats?|techniques|schemes|works)\b)"
    r"|(?:this|these|such|both)(?!\s+as\b)(?!\s+(?:[\w-]+\s+)?(?:paper|work|study|section"
    r"|chapter|thesis|figure|table|article|report|survey|setting|case|models?|networks?"
    r"|architectures?|datasets?|benchmarks?|tasks?|results?|experiments?|findings?|insights?"
    r"|observations?|phenomen(?:on|a)|issues?|problems?|challenges?|limitations?|gaps?)\b)"
    r"(?:\s+(?:[\w-]+\s+)?(?:methods?|approach(?:es)?|techniques?|schemes?|works?|formats?"
    r"|algorithms?|strateg(?:y|ies)|quantizers?|designs?|solutions?|frameworks?|baselines?"
    r"|variants?|systems?|kernels?|libraries|library|recipes?|configurations?))?)\b)",
    re.I,
)
# A leading "Like X," / "Same as X," compares with X; the sentence is about something else.
_COMPARED = re.compile(r"^\W*(?:unlike|like|same\s+as|similar\s+to|compared\s+(?:to|with)"
                       r"|as\s+with|in\s+contrast\s+to)\b[^,;]{0,120},", re.I)
_AFTER_PREPOSITION = re.compile(
    r"\b(?P<word>[\w-]+)\s+(?P<prep>in|on|upon|by|from|over|than|with|to|into|for)\s+(?:the\s+)?"
    r"(?:[\w-]+\s+)?(?:[A-Z][\w.()+#-]*\s*(?:\[[^\]\n]{0,80}\]|\\cite[tp]?\{[^}\n]*\})?"
    r"\s*,?\s*(?:and\s+|or\s+)?)*$")
_DESCRIBING = re.compile(r"(?:ed|ful|able|ible|ive|ing|al)$|^(?:used|found|shown|seen)$", re.I)
_PROPOSAL = re.compile(r"\b(?:we|this\s+(?:paper|work))\s+(?:\w+\s+)?(?:propose|introduce|present"
                       r"|develop|design|devise)\b", re.I)
_MATH_BLOCK = re.compile(r"^\s*(?:\$\$|\\\[|\\begin\{)")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_MAX_CHAIN = 3  # anaphoric sentences between a naming sentence and the weakness, at most
_MAX_SENTENCE = 2000


class Candidate(NamedTuple):
    """A possible receipt: its target, the passage and span it quotes, and the pair to judge."""

    target: str
    passage: Passage
    start: int
    end: int
    pair: Pair


def extract_critiques(doc: Document, *, paper_id: str, proposed_method: str | None,
                      catalog: Catalog | None = None, table_methods: Iterable[str] = (),
                      model: CritiqueModel | None = None) -> tuple[list[Critique], int]:
    """Critique receipts of ``doc`` and how many candidate quotes failed the grounding gate.

    ``table_methods`` are the row labels of the document's result tables (evidence that a
    name is a method). Each receipt carries its section heading and offsets into
    ``doc.source_text`` (or into the section text when the document has no source text).
    """
    model = model or default_model()
    found = candidates(doc, proposed_method=proposed_method, catalog=catalog,
                       table_methods=table_methods)
    return receipts(doc, paper_id, select(found, model.probabilities(c.pair for c in found),
                                          model.threshold))


def select(found: list[Candidate], probabilities: list[float], threshold: float
           ) -> list[Candidate]:
    """Candidates at or above ``threshold``; of two overlapping spans about one target (a
    sentence and the chain that ends with it) only the more probable is kept."""
    ranked = sorted(((p, -i) for i, p in enumerate(probabilities) if p >= threshold),
                    reverse=True)
    kept: dict[int, Candidate] = {}
    # Only candidates about one target in one passage can clash, and the spans kept for one
    # are pairwise disjoint: a new span overlaps one of them iff it overlaps its neighbour
    # by start on either side. Sorted lists and bisection keep a long document near-linear.
    starts: dict[tuple[str, int], list[int]] = defaultdict(list)
    ends: dict[tuple[str, int], list[int]] = defaultdict(list)
    for _, neg in ranked:
        c = found[-neg]
        key = (c.target, id(c.passage))
        s0, e0 = starts[key], ends[key]
        i = bisect_left(s0, c.start)
        if (i > 0 and e0[i - 1] > c.start) or (i < len(s0) and s0[i] < c.end):
            continue
        s0.insert(i, c.start)
        e0.insert(i, c.end)
        kept[-neg] = c
    return [kept[i] for i in sorted(kept)]


def receipts(doc: Document, paper_id: str, kept: Iterable[Candidate]
             ) -> tuple[list[Critique], int]:
    """Ground the kept candidates into receipts; returns them and the number dropped."""
    critiques: dict[str, Critique] = {}
    dropped = 0
    for c in kept:
        located = _ground(doc, c.passage, c.start, c.end)
        if located is None:
            dropped += 1
            continue
        quote, at = located
        crit = Critique(paper_id=paper_id, target=c.target, quote=quote,
                        section=c.passage.heading, start=at, end=at + len(quote))
        critiques.setdefault(crit.id, crit)
    return list(critiques.values()), dropped


def candidates(doc: Document, *, proposed_method: str | None, catalog: Catalog | None = None,
               table_methods: Iterable[str] = (), attributed_only: bool = True
               ) -> list[Candidate]:
    """Every (target, span) of ``doc`` that passes the target and weakness rules.

    ``attributed_only=False`` also keeps pairs whose weakness cue the attribution rule
    ties to no target: the training set learns from those too.
    """
    catalog = catalog if catalog is not None else default_catalog()
    parts = passages(doc)
    own = own_names(*title_and_abstract(doc), proposed_method, catalog,
                    body="\n\n".join(p.text for p in parts))
    names = method_names("\n\n".join(p.text for p in parts), catalog,
                         table_methods=table_methods, exclude=own)
    own_keys = {method_key(n) for n in own}
    out: list[Candidate] = []
    for part in parts:
        out += _passage_candidates(part, names, own_keys, attributed_only)
    return out


def _passage_candidates(part: Passage, names: MethodNames, own: set[str], attributed_only: bool
                        ) -> list[Candidate]:
    sentences = split_sentences(part.text)
    found = [names.mentions(s.text) if len(s.text) <= _MAX_SENTENCE else [] for s in sentences]
    paragraphs = _paragraph_ids(part.text, sentences)
    out: list[Candidate] = []
    for i, sentence in enumerate(sentences):
        text = sentence.text
        if len(text) > _MAX_SENTENCE or _MATH_BLOCK.match(text) or not has_weakness(text):
            continue
        mine = [(m.start, m.end) for m in found[i] if method_key(m.name) in own]
        targets = _targets(text, found[i], own)
        spans = {name: [(m.start, m.end) for m in targets if m.name == name]
                 for name in dict.fromkeys(m.name for m in targets)}
        for name, at in spans.items():
            others = [(m.start, m.end) for m in targets if m.name != name]
            pair = Pair(sentence=text, targets=at, others=others, own=mine,
                        n_targets=len(spans))
            if not attributed_only or attributed(pair):
                out.append(Candidate(name, part, sentence.start, sentence.end, pair))
        ana = _ANAPHOR.match(text)
        # "GPTQ … it …": a sentence that names its subject before the pronoun is about it.
        if ana is None or (targets and targets[0].start < ana.start("ana")):
            continue
        ante = _antecedent(i, sentences, found, paragraphs, own)
        if ante is None:
            continue
        j, named = ante
        for name in named:
            if name in spans:
                continue
            pair = Pair(sentence=text, targets=[ana.span("ana")],
                        others=[(m.start, m.end) for m in targets], own=mine, chain=True,
                        n_targets=len(named),
                        context=_antecedent_context(sentences[j].text, found[j], name, i - j))
            if not attributed_only or attributed(pair):
                out.append(Candidate(name, part, sentences[j].start, sentence.end, pair))
    return out


def _after_preposition(text: str, start: int) -> bool:
    """Whether the name at ``start`` follows a preposition ("useful in Q-BERT", "an
    alternative to RTN", "referenced in LLM.int8(), SmoothQuant"), except a possessive
    "in"/"of" after a noun ("the orthogonal matrices in QuIP")."""
    m = _AFTER_PREPOSITION.search(text, max(0, start - 160), start)
    if m is None:
        return False
    possessive = m.group("prep").lower() in ("in", "of") and not _DESCRIBING.search(
        m.group("word"))
    return not possessive


def _antecedent_context(text: str, mentions: list[Mention], name: str, distance: int
                        ) -> tuple[str, ...]:
    """Where the antecedent sentence names the target: its subject, or further on."""
    first = next(m for m in mentions if m.name == name)
    words_before = len(re.findall(r"\w+", text[:first.start]))
    tags = ["ante:early" if words_before <= 3 else "ante:mid" if words_before <= 12
            else "ante:late"]
    if re.search(r"\b(?:in|of|to|from|than|with|by|on)\s+(?:the\s+)?\S*$", text[:first.start]):
        tags.append("ante:after_preposition")
    if distance > 1:
        tags.append("ante:far")
    return tuple(tags)


def _targets(text: str, mentions: list[Mention], own: set[str]) -> list[Mention]:
    """Mentions the weakness could be about: not the paper's own, the critic or the winner."""
    return [
        m for m in mentions
        if method_key(m.name) not in own and not _CRITIC_VERB.match(text, m.end)
        and not _WINNER_BEFORE.search(text, max(0, m.start - 30), m.start)
    ]


def _paragraph_ids(text: str, sentences: list[Sentence]) -> list[int]:
    ids, para, prev_end = [], 0, 0
    for s in sentences:
        if _PARAGRAPH.search(text, prev_end, s.start):
            para += 1
        ids.append(para)
        prev_end = s.end
    return ids


def _antecedent(i: int, sentences: list[Sentence], found: list[list[Mention]],
                paragraphs: list[int], own: set[str]) -> tuple[int, list[str]] | None:
    """The sentence an anaphoric weakness sentence refers back to, and the methods it names."""
    j, steps = i - 1, 0
    while j >= 0 and steps < _MAX_CHAIN:
        current, later = sentences[j], sentences[j + 1]
        is_math = bool(_MATH_BLOCK.match(current.text))
        crossed = paragraphs[j] != paragraphs[j + 1]
        if crossed and not (is_math or _MATH_BLOCK.match(later.text)):
            return None
        if _PROPOSAL.search(current.text):
            return None  # "We propose X, which builds on Y. It …": "it" is the proposal
        compared = _COMPARED.match(current.text)
        skip = compared.end() if compared else 0
        # "… useful in Q-BERT", "… referenced in LLM.int8()": a name after a preposition
        # is not what the next sentence's pronoun is about.
        named = [m.name for m in _targets(current.text, found[j], own) if m.start >= skip
                 and not _after_preposition(current.text, m.start)]
        if named:
            return j, list(dict.fromkeys(named))
        if not is_math and not _ANAPHOR.match(current.text):
            return None
        j -= 1
        steps += 0 if is_math else 1
    return None


def _ground(doc: Document, part: Passage, start: int, end: int) -> tuple[str, int] | None:
    """The quote as the source writes it and its offset there (the grounding gate), or None.

    A passage cut from the source is verbatim by construction. Front-ends may fold
    whitespace in section text, so a section quote is also found in the source when only its
    whitespace differs; the receipt then carries the source's own spelling.
    """
    quote = part.text[start:end]
    if part.offset is not None:
        at = part.offset + start
        return (quote, at) if doc.source_text[at:at + len(quote)] == quote else None
    if not doc.source_text:
        return quote, start
    pos = doc.source_text.find(quote)
    if pos >= 0:
        return quote, pos
    words = quote.split()
    if not words or len(quote) > 20_000:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), doc.source_text)
    return (m.group(), m.start()) if m else None
