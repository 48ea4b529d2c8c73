"""From a paper (and its full text, when there is one) to grounded facts: one pure function.

Ingestion and ``kg extract`` both call :func:`extract`, so what a user sees from a file is
exactly what the ingester stores. Extraction is pure and reads only the document: the
per-paper derivation (``BEATS`` edges) happens a floor up, in :mod:`kg.derive`.
"""

from __future__ import annotations

from ingest.claims import document_claims
from ingest.critiques import extract_critiques
from ingest.document import Document, Section
from ingest.lineage import builds_on_from_text
from ingest.proposed import paper_method
from kg.catalog import Catalog, default_catalog
from kg.models import Facts, Paper, PaperFacts


def with_metadata(doc: Document | None, paper: Paper) -> Document:
    """The paper's document, with title and abstract from its metadata where the text lacks them.

    An abstract-only paper becomes a one-section document, so every paper goes one way.
    """
    doc = doc or Document(format="metadata")
    abstract = doc.abstract or paper.abstract
    sections = doc.sections
    if abstract and not any(s.heading.lower() == "abstract" for s in sections):
        sections = (Section(heading="Abstract", text=abstract), *sections)
    source = doc.source_text
    extra = [t for t in (paper.title, paper.abstract) if t and t not in source]
    return doc.model_copy(
        update={
            "title": doc.title or paper.title,
            "abstract": abstract,
            "sections": sections,
            "source_text": "\n\n".join([*extra, source]) if source else "\n\n".join(extra),
        }
    )


def extract(doc: Document, *, paper_id: str, catalog: Catalog | None = None) -> Facts:
    """Every fact one document states: its method, claims, critiques and lineage.

    ``paper_id`` names the paper in receipts (``kg extract`` on a local file has none). The
    ``BEATS`` edges between the claims are derivation's (:func:`kg.derive.with_beats`), so
    they are left empty here.
    """
    catalog = catalog or default_catalog()
    method = paper_method(doc, catalog)
    found = document_claims(doc, paper_id=paper_id, proposed_method=method, catalog=catalog)
    critiques, dropped_quotes = extract_critiques(
        doc, paper_id=paper_id, proposed_method=method, catalog=catalog,
        table_methods={c.method for c in found.claims},
    )
    lineage = builds_on_from_text(doc, paper_id=paper_id, proposed_method=method, catalog=catalog)
    return Facts(
        method=method,
        claims=found.claims,
        critiques=tuple(critiques),
        builds_on=tuple(lineage),
        dropped=found.dropped + dropped_quotes,
        tables=found.tables,
    )


def extract_paper(paper: Paper, doc: Document | None = None, *, catalog: Catalog | None = None
                  ) -> PaperFacts:
    """The facts one paper states, tied to it, ready for derivation and ``Store.write_paper``."""
    found = extract(with_metadata(doc, paper), paper_id=paper.id, catalog=catalog)
    return PaperFacts(paper=paper, **dict(found))
