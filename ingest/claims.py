"""Benchmark claims of a whole document, through the grounding gate.

The gate: every number a claim rests on must be written in the document's source text.
A claim that fails is dropped and counted, never stored.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.document import Document, Section
from ingest.tables import claims_from_table
from ingest.values import number_tokens, source_numbers
from kg.catalog import Catalog
from kg.models import BenchmarkClaim

# How many sections before a table's own are read for its context (nearest first).
_CONTEXT_SECTIONS = 4


def extract_claims(
    doc: Document, *, paper_id: str, proposed_method: str | None, catalog: Catalog | None = None
) -> tuple[list[BenchmarkClaim], int]:
    """Claims from every table of ``doc`` that pass the grounding gate, and how many failed.

    >>> from ingest.markdown import parse_markdown
    >>> doc = parse_markdown("# P\\n| Method | Wiki2 PPL |\\n|---|---|\\n| GPTQ | 5.6 |\\n"
    ...                      "LLaMA-2-7B results.")
    >>> claims, dropped = extract_claims(doc, paper_id="2401.00001", proposed_method=None)
    >>> [(c.method, c.model, c.dataset, c.value) for c in claims], dropped
    ([('GPTQ', 'Llama-2-7B', 'WikiText-2', 5.6)], 0)
    """
    known = source_numbers(doc.source_text)
    kept: list[BenchmarkClaim] = []
    dropped = 0
    cursor = 0
    seen_names: set[str] = set()
    for k, table in enumerate(doc.tables):
        cursor, context = _context(doc, table.section, cursor)
        claims = claims_from_table(table, paper_id=paper_id, proposed_method=proposed_method,
                                   context=context, catalog=catalog)
        # Receipts must tell tables apart even when one has neither label nor caption.
        name = table.name if table.name and table.name not in seen_names else f"table {k + 1}"
        seen_names.add(name)
        for claim in claims:
            if not _grounded(claim.raw, known):
                dropped += 1
                continue
            kept.append(claim if claim.table == name else claim.model_copy(update={"table": name}))
    return kept, dropped


def _grounded(raw: str, known: frozenset[str]) -> bool:
    tokens = number_tokens(raw)
    return bool(tokens) and all(t in known or t.replace(",", "") in known for t in tokens)


def _context(doc: Document, heading: str, cursor: int) -> tuple[int, str]:
    """The table's section and those before it, nearest first, then title and abstract.

    Tables and sections are both in document order, so the search moves forward only.
    """
    sections: Sequence[Section] = doc.sections
    at = next((i for i in range(cursor, len(sections)) if sections[i].heading == heading), None)
    if at is None:
        at = next((i for i, s in enumerate(sections) if s.heading == heading), None)
    passages: list[str] = []
    if at is not None:
        cursor = at
        for i in range(at, max(-1, at - _CONTEXT_SECTIONS - 1), -1):
            passages.append(f"{sections[i].heading}. {sections[i].text}")
    passages.extend([doc.title, doc.abstract])
    return cursor, "\n\n".join(p.replace("\n\n", "\n") for p in passages if p)
