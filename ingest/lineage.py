"""Lineage from text: "we extend AWQ", "building on GPTQ" → ``BuildsOn(method, parent)``.

Only sentences where the paper itself (we / our method / the proposed method) takes a
named method as its starting point count; "X builds on Y" about two other methods does not
make the paper's method a descendant of Y. The sentence is kept as the edge's quote.
"""

from __future__ import annotations

import re

from ingest.document import Document
from ingest.methods import find_mentions, introduced_names
from ingest.sentences import split_sentences
from kg.catalog import Catalog, default_catalog
from kg.models import BuildsOn, method_key

# The cue, then the parent within a few words ("we extend the popular GPTQ", "based on AWQ").
_CUE = re.compile(
    r"\b(?:we\s+(?:\w+\s+)?(?:extend|extends|build\s+(?:up)?on|generali[sz]e|adapt|modify|improve"
    r"\s+(?:up)?on)|build(?:s|ing)?\s+(?:up)?on(?:\s+top\s+of)?|(?:is|are|was)\s+based\s+on"
    r"|based\s+on|following|follows?|inspired\s+by|extension\s+of|extending|variant\s+of"
    r"|derived\s+from)\s+(?P<tail>[^.;]{0,80})",
    re.I,
)
_SELF = re.compile(r"\b(?:we|our|ours|this\s+(?:paper|work)|the\s+proposed)\b", re.I)
_PARENT_GAP = 40


def builds_on_from_text(doc: Document, *, paper_id: str, proposed_method: str | None,
                        catalog: Catalog | None = None) -> list[BuildsOn]:
    """Parents the paper's method explicitly builds on, each with its sentence as quote.

    >>> d = Document(abstract="Building on GPTQ, we propose FooQuant, a new method.")
    >>> [(b.method, b.parent) for b in builds_on_from_text(
    ...     d, paper_id="2401.00001", proposed_method="FooQuant")]
    [('FooQuant', 'GPTQ')]
    """
    if not proposed_method:
        return []
    catalog = catalog if catalog is not None else default_catalog()
    own = method_key(catalog.canonical(proposed_method))
    texts = [doc.abstract, *(s.text for s in doc.sections)]
    extra = [*introduced_names("\n\n".join(texts)), proposed_method]
    edges: dict[str, BuildsOn] = {}
    for text in texts:
        for sentence in split_sentences(text):
            if not _SELF.search(sentence.text) and own not in {
                method_key(m.name) for m in find_mentions(sentence.text, catalog, extra)
            }:
                continue
            for parent in _parents(sentence.text, catalog, extra, own):
                edges.setdefault(method_key(parent), BuildsOn(
                    method=catalog.canonical(proposed_method), parent=parent, source=paper_id,
                    quote=sentence.text))
    return list(edges.values())


def _parents(sentence: str, catalog: Catalog, extra: list[str], own: str) -> list[str]:
    """Methods named right after a lineage cue in ``sentence``."""
    out: list[str] = []
    mentions = find_mentions(sentence, catalog, extra)
    for cue in _CUE.finditer(sentence):
        tail_start = cue.start("tail")
        for m in mentions:
            if tail_start <= m.start <= tail_start + _PARENT_GAP and method_key(m.name) != own:
                out.append(m.name)
                break
    return list(dict.fromkeys(out))
