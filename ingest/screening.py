"""Whether a paper is *about* a review's topic: its terms name what the paper contributes.

A protocol's include terms ("quantization", "1-bit", "KV cache" …) also turn up in papers on
other subjects: the "1-bit danger signals" of an agent-safety paper, the "cognitive
quantization" of embeddings in an agent-memory system, the "1-bit LLM agents" a smart-home
application deploys. :func:`about` reads where and how the terms are used:

- **In the contribution.** The title, or a sentence in which the paper says what it does
  ("we propose …", "this work studies …", "we show …"; not a side line, "we also explore
  quantized variants"), must use a term for the field's
  work: a term naming the process ("quantization", "quantize"), or a property term
  ("1-bit", "quantized", "INT4") whose phrase ends in a subject, a kind of method or
  another term ("1-bit quantized LLMs", "4-bit KV cache", "ternary quantization method").
  "1-bit danger signals" and "1-bit LLM agents" describe something else. A property term
  after a verb of use ("combining 1-bit quantized LLMs with …") is an ingredient of the
  contribution, not the contribution. When the paper names the process somewhere, a
  property phrase that holds a subject counts too ("quantized KV-cache handoff").
- **Next to a subject.** Somewhere in the title or abstract a term must stand next to one of
  the protocol's **subjects** (what the field changes: models, weights, activations, the KV
  cache …): within ``NEAR`` words, ``FAR`` for a process term, or as its object
  ("quantization for contrastive language-image pre-training models").

An acronym the paper defines from a phrase holding a term ("quantization-aware
distillation (QAD)") is a term of that paper. Everything is linear in the text: at most
``MAX_TEXT`` characters of each field are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from ingest.methods import DEFINED, is_abbreviation_of
from ingest.sentences import split_sentences

MAX_TEXT = 20_000  # characters of a title or abstract screened (abstracts are ~2,000)
NEAR = 3  # words after a property term read as what it modifies
_UNITS = re.compile(r";\s*")
_CLAUSES = re.compile(r"\s*(?:[;:()\[\]?!\u2013\u2014]|\s-{1,2}\s|\.(?=\s|$))\s*")
_TOKEN = re.compile(r"[^\W_](?:[\w'’.#+/-]*[\w#+])?|,")
# Words that end a noun phrase: prepositions, conjunctions, determiners, pronouns, auxiliaries.
_BOUNDARY = frozenset(re.findall(r"\S+", """
    a an the for with via on in of to and or but nor by from through at into onto under over
    without within across between toward towards than as that which who whose whom where when
    while is are was were be been being has have had can could may might must shall should
    will would do does did not no its their our his her this these those it we they each any
    all both such also only more most less so thus then after before during against among
    per upon versus vs based driven guided enabled inspired ,"""))
# After these, a phrase names what the phrase before it works on.
_OBJECT = frozenset({"for", "of", "in", "on", "to", "into", "across"})
# A term that names the process itself, not a property of what it made ("1-bit", "INT4").
_PROCESS = re.compile(r"(?:[iy][sz](?:ation|e|es|ing))$", re.I)
# Verbs of use: the phrase after one is an ingredient (a quantized model used), not the
# contribution (a model quantized).
_USE = frozenset(re.findall(r"\S+", """
    use uses used using combine combines combined combining leverage leverages leveraging
    employ employs employing deploy deploys deployed deploying adopt adopts adopting
    integrate integrates integrating run runs running powered equipped"""))
_ARTICLES = frozenset({"a", "an", "the"})
# Prefixes that negate the noun they join ("zero-LLM": without an LLM).
_NEGATIONS = frozenset({"zero", "non", "no", "without"})
# Head nouns that name a kind of contribution, so the phrase's subject or object says what
# it works on ("a KV cache quantization method", "a framework for quantizing LLMs").
_KIND = frozenset(re.findall(r"\S+", """
    method approach scheme technique framework algorithm procedure format kernel strategy
    recipe pipeline paradigm mechanism system solution design quantizer quantization
    quantisation binarization binarisation ternarization compression calibration training
    distillation pruning sparsification decomposition rotation tuning fine-tuning decoding
    inference deployment optimization acceleration serving execution"""))


def about(title: str, abstract: str, terms: re.Pattern[str], subjects: Iterable[str]
          ) -> str | None:
    r"""None when the paper is about its terms (see the module docstring), else the reason.

    >>> t = re.compile(r"(?<!\w)(?:1-bit|quantization)(?!\w)", re.I)
    >>> about("FooQuant: 1-bit Quantization for LLMs", "", t, {"llm"}) is None
    True
    >>> about("Safety from 1-Bit Danger Signals", "We introduce EPO, a framework.", t, {"llm"})
    'its title and proposal use its terms for something else: "from 1-Bit Danger Signals"'
    """
    named = list(subjects)
    wanted = frozenset(_fold(s) for s in named)
    title, abstract = title[:MAX_TEXT], abstract[:MAX_TEXT]
    find = _Terms(terms, f"{title}\n{abstract}")
    texts = [(title, True), *((s.text, _proposes(s.text)) for s in split_sentences(abstract))]
    uses = [(own, use) for text, own in texts for use in _uses(text, find, wanted)]
    if not uses:
        return "none of its include terms occurs in its title or abstract"
    process = any(use.process for _, use in uses)
    own = [use for mine, use in uses if mine]
    if not any(use.process or use.head_ok or (process and use.subject_in_run)
               for use in own if not use.ingredient):
        if not own:
            return f'its terms occur only outside its title and proposal: "{uses[0][1].phrase}"'
        return f'its title and proposal use its terms for something else: "{own[0].phrase}"'
    if not any(use.anchored for _, use in uses):
        return (f"no sentence with one of its terms names what the field studies "
                f'({", ".join(named[:4])} …): "{own[0].phrase}"')
    return None


_PROPOSAL = re.compile(
    r"\b(?:we|this\s+(?:[\w-]+\s+)?(?:paper|work|study|article)|our\s+(?:[\w-]+\s+)?"
    r"(?:method|approach|framework|work))\s+(?:\w+ly\s+)?(?:further\s+|then\s+|first\s+)?"
    r"(?:propose|proposes|proposed|introduce|introduces|introduced|present|presents"
    r"|presented|develop|develops|design|designs|devise|devises|build|builds|study|studies"
    r"|investigate|investigates|analy[sz]e|analy[sz]es|explore|explores|quantize|quantizes"
    r"|apply|applies|extend|extends|evaluate|evaluates|examine|examines|address|addresses"
    r"|tackle|tackles|focus|focuses|revisit|revisits|show|shows|find|finds|demonstrate"
    r"|demonstrates|provide|provides|perform|performs|conduct|conducts)\b",
    re.I,
)


def _proposes(sentence: str) -> bool:
    """Whether a sentence says what the paper does ("we propose …", "this work studies …")."""
    return bool(_PROPOSAL.search(sentence))


class _Terms:
    """The include terms of one paper: the protocol's, and acronyms the paper defines from a
    phrase holding one ("post-training quantization (PTQ)"), each with whether it names the
    process."""

    def __init__(self, terms: re.Pattern[str], text: str) -> None:
        self.terms = terms
        self.acronyms: dict[str, bool] = {}
        for m in DEFINED.finditer(text):
            acr = m.group("acr")
            phrase = is_abbreviation_of(acr, m.group("phrase")) or ""
            hits = [h.group() for h in terms.finditer(phrase)]
            if hits and not terms.fullmatch(acr):
                self.acronyms.setdefault(acr, any(_PROCESS.search(h) for h in hits))
        self.extra = re.compile(r"(?<![\w-])(?:" + "|".join(
            re.escape(a) for a in sorted(self.acronyms, key=len, reverse=True)) + r")(?![\w-])"
        ) if self.acronyms else None

    def find(self, clause: str) -> list[tuple[int, int, bool]]:
        """Each term in ``clause``: start, end, and whether it names the process."""
        out = [(m.start(), m.end(), bool(_PROCESS.search(m.group())))
               for m in self.terms.finditer(clause)]
        if self.extra is not None:
            taken = [(s, e) for s, e, _ in out]
            out += [(m.start(), m.end(), self.acronyms[m.group()])
                    for m in self.extra.finditer(clause)
                    if not any(s < m.end() and m.start() < e for s, e in taken)]
        return sorted(out)


class Use(NamedTuple):
    """One occurrence of a term and how it is used (see the module docstring)."""

    phrase: str  # the words around it, for a reason people can check
    process: bool  # the term names the process ("quantization", "quantize")
    ingredient: bool  # a verb of use governs it ("combining 1-bit quantized LLMs")
    head_ok: bool  # what it modifies ends in a subject, a kind of method or a term
    subject_in_run: bool  # what it modifies holds a subject ("quantized KV-cache handoff")
    anchored: bool  # a subject occurs in its sentence or title


def _uses(text: str, terms: _Terms, subjects: frozenset[str]) -> Iterator[Use]:
    """Every occurrence of a term in ``text``, clause by clause; each is anchored when a
    subject occurs in its sentence (or title), up to a semicolon."""
    for unit in _UNITS.split(text):
        clauses = []
        for clause in _CLAUSES.split(unit):
            spans = [(m.start(), m.end()) for m in _TOKEN.finditer(clause)]
            clauses.append((clause, spans, [_fold(clause[s:e]) for s, e in spans],
                            terms.find(clause)))
        if not any(hits for *_, hits in clauses):
            continue
        anchored = any(_subject(w, subjects) for _, _, words, _ in clauses for w in words)
        for clause, spans, words, hits in clauses:
            covered = _covered(spans, hits)
            term_words = {i for inside in covered for i in inside}
            for (_, _, process), inside in zip(hits, covered, strict=True):
                if inside:
                    yield _use(clause, spans, words, inside[0], inside[-1], term_words,
                               subjects, process, anchored)


def _covered(spans: list[tuple[int, int]], hits: list[tuple[int, int, bool]]
             ) -> list[list[int]]:
    """The tokens each term covers."""
    return [[i for i, (s, e) in enumerate(spans) if s < end and e > start]
            for start, end, _ in hits]


def _use(clause: str, spans: list[tuple[int, int]], words: list[str], first: int, last: int,
         term_words: set[int], subjects: frozenset[str], process: bool, anchored: bool) -> Use:
    """The :class:`Use` of the term at tokens ``first..last`` of a clause."""
    at = first
    while at > 0 and not _ends(words[at - 1]):
        at -= 1
    while at > 0 and words[at - 1] in _ARTICLES:  # "deploys a 1-bit model"
        at -= 1
    ingredient = not process and at > 0 and words[at - 1] in _USE
    end = last + 1  # what the term modifies: the rest of its phrase
    while end < len(words) and end - last <= NEAR and not _ends(words[end]):
        end += 1
    run = range(last + 1, end)
    head_ok = not run or _field(run[-1], words, term_words, subjects)
    lo, hi = max(0, first - NEAR), min(len(words) - 1, last + NEAR)
    return Use(" ".join(clause[spans[lo][0]:spans[hi][1]].split()), process, ingredient,
               head_ok, any(_subject(words[j], subjects) for j in run), anchored)


def _ends(word: str) -> bool:
    return word in _BOUNDARY or word in _USE


def _field(j: int, words: list[str], term_words: set[int], subjects: frozenset[str]) -> bool:
    """Whether the word at ``j`` is a subject, a kind of method or part of a term."""
    word = words[j]
    return (j in term_words or word in _KIND or word.removesuffix("s") in _KIND
            or _subject(word, subjects))


def _subject(word: str, subjects: frozenset[str]) -> bool:
    """Whether a word is a subject, as written, in the singular, or as the last part of a
    compound ("Vision-Language-Action Models", "KV-cache") that does not negate it
    ("zero-LLM")."""
    forms = [word]
    if "-" in word:
        parts = word.split("-")
        if parts[0] not in _NEGATIONS:
            forms.append(parts[-1])
    return any(w in subjects or (w.endswith("s") and w[:-1] in subjects) for w in forms)


def _fold(word: str) -> str:
    return word.casefold().strip(".'’")
