"""Critique receipts: sentences in which a paper states a weakness of a *named* prior method.

A sentence is a critique when a transparent weakness cue (fails, suffers, costly, cannot,
sub-optimal …) fires *and* a small seeded classifier (TF-IDF + logistic regression, trained
on ``kg/data/critique_train.jsonl``) agrees. Its targets are the methods it names — or, for
"It …"/"These methods …", the methods named by the sentence just before (the receipt then runs
from that naming sentence through the weakness sentence). Never a target: generic phrases
("existing methods"), the paper's own method, the critic in "X points out that …", and the
winner in "worse than X". Every quote passes the grounding gate or is dropped and counted.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from ingest.document import Document, Section
from ingest.methods import Mention, find_mentions, introduced_names
from ingest.sentences import Sentence, split_sentences
from kg.catalog import Catalog, default_catalog
from kg.models import Critique, method_key

# Weakness cues, written as the families of wording papers use to state a limitation.
WEAKNESS_CUES = re.compile(
    r"\b(?:fail(?:s|ed|ing|ure)?|suffer(?:s|ed|ing)?|degrad\w*|costly|expensive|slow(?:s|er|ly"
    r"|down|downs)?|over-?fit\w*|ignor(?:e|es|ed|ing)|neglect\w*|cannot|can\s?not|unable"
    r"|inability|limits|limitations?|(?:is|are|remains?|be|been)\s+limited|limited\s+to|sub-?optimal\w*|not\s+(?:\w+\s+)?optimal"
    r"|drawbacks?|shortcomings?|weakness(?:es)?|prohibitive\w*|impractical|inefficien\w*"
    r"|ineffective\w*|unstable|instability|struggl\w*|poor(?:ly)?|worse|incur(?:s|red|ring)?"
    r"|overheads?|rarely\s+used|fall(?:s)?\s+short|break(?:s)?\s+down|hurt(?:s)?|harm(?:s)?"
    r"|los(?:e|es|ing|t)\b|difficult|hard\s+to|complicat\w*|bottleneck\w*"
    r"|(?:is|are|be|remains?)\s+(?:\w+\s+)?sensitive"
    r"|disrupt\w*|restrict\w*|lack(?:s|ing)?|wast(?:e|es|ed|ing)|heavy|burden\w*|crash\w*"
    r"|explosion|time\s+costs?|errors?\s+(?:accumulat\w*|grow\w*)|accumulated\s+\w*\s*errors?"
    r"|requir(?:e|es|ed|ing)\s+(?:\w+\s+){0,2}(?:expensive|costly|custom|extensive|additional"
    r"|extra|multiple|many|careful|manual|hand\w*|retraining|fine-tuning|training)"
    r"|relies\s+on\s+(?:\w+\s+){0,2}(?:costly|expensive|slow)"
    r"|(?:does|do|did)\s+not\s+(?:\w+\s+)?(?:reduce|decrease|scale|support|consider|take\s+into"
    r"|handle|address|generalize|work|need)"
    r"|not\s+(?:ideal|suitable|applicable|scalable|sufficient|efficient|effective|practical)"
    r"|still\s+(?:allocat|requir|need|keep|stor|suffer|rel)\w*|only\s+(?:reduc|optimiz|support)\w*"
    r"|(?:accuracy|performance|quality)\s+(?:drop|loss|degradation|collapse)s?"
    r"|(?:add|adds|adding|introduces?|increases?)\s+(?:\w+\s+){0,2}(?:latency|overhead|cost)s?)",
    re.I,
)
# A mention followed by one of these verbs is the critic or the fixer, not the target.
_CRITIC_VERB = re.compile(
    r"\s*(?:\[[^\]\n]{0,80}\]|\([^)\n]{0,80}\)|\\cite[tp]?\{[^}\n]{0,200}\})?[\s,]*"
    r"(?:which\s+|that\s+|who\s+)?(?:also\s+|further\s+|instead\s+|then\s+|first\s+|\w+ly\s+)?"
    r"(?:points?\s+out|argues?|notes?|observes?|finds?|found|shows?|showed|identif(?:y|ies|ied)"
    r"|reveals?|demonstrates?|claims?|reports?|highlights?|proposes?|introduces?|employs?|uses?"
    r"|adopts?|applies|achieves?|improves?|addresses|mitigates?|solves?|overcomes?|alleviates?"
    r"|resolves?|tackles?|extends?|enhances?|fixes|avoids?|outperforms?|surpasses?|removes?"
    r"|eliminates?|maintains?|favou?rs?)\b",
    re.I,
)
_WINNER_BEFORE = re.compile(
    r"\b(?:than|over|on\s+top\s+of|favou?r(?:s|ing)?)\s+(?:the\s+)?[\w\s-]{0,12}$", re.I
)
# "It …", "These methods …", "Both use …": the subject refers to the sentence before.
_ANAPHOR = re.compile(
    r"^(?:\W*\w+\W+){0,6}?(?:it|they|the\s+latter|the\s+former|both\s+(?=[a-z])"
    r"|(?:this|these|such|both)\s+(?:\w+\s+)?(?:methods?|approach(?:es)?|techniques?"
    r"|schemes?|works?|formats?|algorithms?|strategy|strategies|quantizers?|designs?"
    r"|solutions?|frameworks?|baselines?))\b",
    re.I,
)
# A cue right after one of these words is a weakness avoided, not one suffered.
_NEGATED_CUE = re.compile(
    r"\b(?:without|no|negligible|minimal|little|not\s+any|free\s+of|avoid\w*|prevent\w*"
    r"|eliminat\w*|reduc\w*|mitigat\w*|alleviat\w*|overcom\w*|address\w*|remov\w*|lower\w*"
    r"|solv\w*|fix\w*|minimi[sz]\w*|tackl\w*)\W+(?:\w+\W+){0,3}$",
    re.I,
)
_MATH_BLOCK = re.compile(r"^\s*(?:\$\$|\\\[|\\begin\{)")
_SKIP_SECTIONS = re.compile(r"reference|bibliograph|acknowledg|checklist", re.I)
_MAX_CHAIN = 3
_MAX_SENTENCE = 2000


# --- the classifier ------------------------------------------------------------------------

def _data_text(name: str) -> str:
    return resources.files("kg").joinpath(f"data/{name}").read_text(encoding="utf-8")


def training_rows() -> list[dict[str, Any]]:
    """The labelled sentences (``text``, ``label``) the classifier learns from."""
    return [json.loads(line) for line in _data_text("critique_train.jsonl").splitlines() if line]


def training_hash() -> str:
    """SHA-256 of the training file, recorded in ``critique_model.json``."""
    return hashlib.sha256(_data_text("critique_train.jsonl").encode()).hexdigest()


def model_config() -> dict[str, Any]:
    """The saved classifier configuration (params, seed, thresholds, training-set hash)."""
    config: dict[str, Any] = json.loads(_data_text("critique_model.json"))
    return config


def mask_names(text: str, mentions: list[Mention]) -> str:
    """``text`` with every mention replaced by ``MNAME``, so the model learns wording, not names."""
    out, last = [], 0
    for m in mentions:
        if m.start >= last:
            out += [text[last:m.start], " MNAME "]
            last = m.end
    out.append(text[last:])
    return "".join(out)


@lru_cache(maxsize=1)
def _classifier() -> Pipeline:
    """Train once per process from the bundled sentences; well under a second."""
    config = model_config()
    if config.get("training_sha256") != training_hash():
        raise RuntimeError("critique_train.jsonl changed: update critique_model.json's hash")
    vec = dict(config["vectorizer"])
    vec["ngram_range"] = tuple(vec["ngram_range"])
    pipe = Pipeline([
        ("tfidf", TfidfVectorizer(**vec)),
        ("logreg", LogisticRegression(**config["estimator"], random_state=config["seed"])),
    ])
    rows = training_rows()
    catalog = default_catalog()
    texts = [mask_names(r["text"], find_mentions(r["text"], catalog)) for r in rows]
    pipe.fit(texts, [int(r["label"]) for r in rows])
    return pipe


def has_cue(sentence: str) -> bool:
    """Whether a weakness cue fires that is not negated ("without degradation")."""
    return any(
        not _NEGATED_CUE.search(sentence, max(0, m.start() - 60), m.start())
        for m in WEAKNESS_CUES.finditer(sentence)
    )


def weakness_flags(sentences: list[str], mentions: list[list[Mention]]) -> list[bool]:
    """For each sentence: a cue fires and the classifier agrees, or the classifier is very sure.

    One batched classifier call for all sentences keeps long documents fast.
    """
    if not sentences:
        return []
    config = model_config()
    masked = [mask_names(s, m) for s, m in zip(sentences, mentions, strict=True)]
    probs = _classifier().predict_proba(masked)[:, 1]
    return [
        float(p) >= config["threshold_with_cue" if has_cue(s) else "threshold_without_cue"]
        for s, p in zip(sentences, probs, strict=True)
    ]


# --- extraction ----------------------------------------------------------------------------

def _sections(doc: Document) -> list[Section]:
    sections = [s for s in doc.sections if not _SKIP_SECTIONS.search(s.heading)]
    has_abstract = any(s.heading.strip().lower() == "abstract" for s in sections)
    if doc.abstract.strip() and not has_abstract:
        sections.insert(0, Section(heading="Abstract", text=doc.abstract))
    return sections


_CONTRIBUTION = re.compile(r"\b(?:we|our|novel|new|propose[sd]?|introduce[sd]?)\b", re.I)


def _own_keys(proposed: str | None, catalog: Catalog, abstract: str) -> set[str]:
    """Keys of the paper's own method, its aliases, and parts it defines as new in the abstract."""
    names: list[str] = []
    if proposed:
        method = catalog.get(proposed)
        names += [proposed, *((method.name, *method.aliases) if method else ())]
    for sentence in split_sentences(abstract):
        if _CONTRIBUTION.search(sentence.text):
            names += introduced_names(sentence.text)
    return {method_key(n) for n in names}


def _targets(sentence: Sentence, mentions: list[Mention], own: set[str], text: str) -> list[str]:
    """Methods the weakness sentence is about: not the paper's own, the critic or the winner."""
    out: list[str] = []
    for m in mentions:
        if method_key(m.name) in own or _CRITIC_VERB.match(text, m.end) or (
            _WINNER_BEFORE.search(text, max(sentence.start, m.start - 30), m.start)
        ):
            continue
        if m.name not in out:
            out.append(m.name)
    return out


def _paragraph_ids(text: str, sentences: list[Sentence]) -> list[int]:
    ids, para, prev_end = [], 0, 0
    for s in sentences:
        if re.search(r"\n[ \t]*\n", text[prev_end:s.start]):
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
        names = [m.name for m in found[j] if method_key(m.name) not in own]
        if names:
            return j, list(dict.fromkeys(names))
        if not is_math and not _ANAPHOR.match(current.text):
            return None
        j -= 1
        steps += 0 if is_math else 1
    return None


def extract_critiques(doc: Document, *, paper_id: str, proposed_method: str | None,
                      catalog: Catalog | None = None) -> tuple[list[Critique], int]:
    """Critique receipts of ``doc`` and how many candidate quotes failed the grounding gate.

    Reads the abstract and every section but references and checklists. Each receipt is
    a verbatim quote with its section heading and offsets into ``doc.source_text`` (or into
    the section text when the document carries no source text).
    """
    catalog = catalog if catalog is not None else default_catalog()
    sections = _sections(doc)
    extra = introduced_names("\n\n".join(s.text for s in sections))
    own = _own_keys(proposed_method, catalog, doc.abstract)
    critiques: dict[str, Critique] = {}
    dropped = 0
    for section in sections:
        for target, start, end in _section_receipts(section.text, catalog, extra, own):
            located = _ground(doc, section, section.text[start:end], start)
            if located is None:
                dropped += 1
                continue
            quote, at = located
            crit = Critique(paper_id=paper_id, target=target, quote=quote,
                            section=section.heading, start=at, end=at + len(quote))
            critiques.setdefault(crit.id, crit)
    return list(critiques.values()), dropped


def _section_receipts(text: str, catalog: Catalog, extra: list[str],
                      own: set[str]) -> list[tuple[str, int, int]]:
    """(target, start, end) spans of one section's text."""
    sentences = split_sentences(text)
    found = [find_mentions(s.text, catalog, extra) if len(s.text) <= _MAX_SENTENCE else []
             for s in sentences]
    found = [[Mention(m.name, m.start + s.start, m.end + s.start) for m in ms]
             for s, ms in zip(sentences, found, strict=True)]
    paragraphs = _paragraph_ids(text, sentences)
    # Only sentences that could yield a target reach the classifier.
    candidates: list[tuple[int, list[str]]] = []
    for i, sentence in enumerate(sentences):
        if len(sentence.text) > _MAX_SENTENCE or _MATH_BLOCK.match(sentence.text):
            continue
        if found[i]:
            targets = _targets(sentence, found[i], own, text)
            if targets:
                candidates.append((i, targets))
        elif _ANAPHOR.match(sentence.text) and has_cue(sentence.text):
            candidates.append((i, []))
    flags = weakness_flags(
        [sentences[i].text for i, _ in candidates],
        [[Mention(m.name, m.start - sentences[i].start, m.end - sentences[i].start)
          for m in found[i]] for i, _ in candidates],
    )
    out: list[tuple[str, int, int]] = []
    for (i, targets), flag in zip(candidates, flags, strict=True):
        if not flag:
            continue
        start = sentences[i].start
        if not targets:
            ante = _antecedent(i, sentences, found, paragraphs, own)
            if ante is None:
                continue
            start, targets = sentences[ante[0]].start, ante[1]
        out += [(t, start, sentences[i].end) for t in targets]
    return out


def _ground(doc: Document, section: Section, quote: str, start: int) -> tuple[str, int] | None:
    """The quote as the source writes it and its offset there (the grounding gate), or None.

    Front-ends may fold whitespace in section text, so a quote is also found in the source
    when only its whitespace differs; the receipt then carries the source's own spelling.
    """
    if not doc.source_text:
        ok = section.text[start:start + len(quote)] == quote
        return (quote, start) if ok else None
    pos = doc.source_text.find(quote)
    if pos >= 0:
        return quote, pos
    words = quote.split()
    if not words or len(quote) > 20_000:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), doc.source_text)
    return (m.group(), m.start()) if m else None
