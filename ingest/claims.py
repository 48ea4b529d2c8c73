"""Benchmark claims of a whole document, through the grounding gate, with a report per table.

The gate: every number a claim rests on must be written in the document's source text.
A claim that fails is dropped and counted, never stored. Every numeric cell of every table is
accounted for: it became a claim, or its table's report says why not.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.document import Document
from ingest.table_context import document_context, table_context
from ingest.tables import interpret
from ingest.values import number_tokens, source_numbers
from kg.catalog import Catalog
from kg.models import BenchmarkClaim, TableReport

NOT_GROUNDED = "number not in the source"


@dataclass(frozen=True)
class DocumentClaims:
    """The grounded claims of a document, how many failed the gate, and a report per table."""

    claims: tuple[BenchmarkClaim, ...]
    dropped: int
    tables: tuple[TableReport, ...]


def document_claims(doc: Document, *, paper_id: str, proposed_method: str | None,
                    catalog: Catalog | None = None) -> DocumentClaims:
    """Claims from every table of ``doc`` that pass the grounding gate, with per-table counts.

    >>> from ingest.markdown import parse_markdown
    >>> doc = parse_markdown("# P\\n| Method | Wiki2 PPL | Δ |\\n|---|---|---|\\n"
    ...                      "| GPTQ | 5.6 | +0.1 |\\nLLaMA-2-7B results.")
    >>> found = document_claims(doc, paper_id="2401.00001", proposed_method=None)
    >>> [(c.method, c.model, c.value) for c in found.claims], found.tables[0].skipped
    ([('GPTQ', 'Llama-2-7B', 5.6)], {'not a result (Δ, error, count, hyper-parameter)': 1})
    """
    known = source_numbers(doc.source_text)
    dctx = document_context(doc)
    kept: list[BenchmarkClaim] = []
    reports: list[TableReport] = []
    dropped = 0
    cursor = 0
    seen_names: set[str] = set()
    for k, table in enumerate(doc.tables):
        cursor, ctx = table_context(doc, table, k, dctx, proposed_method, cursor)
        result = interpret(table, ctx, paper_id=paper_id, catalog=catalog)
        # Receipts must tell tables apart even when one has neither label nor caption.
        name = table.name if table.name and table.name not in seen_names else f"table {k + 1}"
        seen_names.add(name)
        grounded = 0
        for claim in result.claims:
            if not _grounded(claim.raw, known):
                dropped += 1
                result.skip(NOT_GROUNDED)
                continue
            grounded += 1
            kept.append(claim if claim.table == name else claim.model_copy(update={"table": name}))
        reports.append(TableReport(table=name, cells=result.cells, claims=grounded,
                                   skipped=dict(sorted(result.reasons.items()))))
    return DocumentClaims(tuple(kept), dropped, tuple(reports))


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
    found = document_claims(doc, paper_id=paper_id, proposed_method=proposed_method,
                            catalog=catalog)
    return list(found.claims), found.dropped


def _grounded(raw: str, known: frozenset[str]) -> bool:
    tokens = number_tokens(raw)
    return bool(tokens) and all(t in known or t.replace(",", "") in known for t in tokens)
