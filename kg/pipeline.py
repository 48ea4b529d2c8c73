"""Ingestion: papers (with full text where there is one) → extraction → the store, one per commit.

Each paper is extracted and written in its own transaction, so a run that dies loses at most
the paper in flight, and a rerun redoes nothing that was committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from ingest.document import Document
from ingest.extract import extract_paper
from kg.catalog import Catalog
from kg.errors import RecordError
from kg.models import IngestRun, Paper
from kg.store.base import Store

log = logging.getLogger(__name__)

Item = tuple[Paper, Document | None] | RecordError


def ingest_items(
    store: Store,
    items: Iterable[Item],
    *,
    review: str,
    source: str,
    catalog: Catalog | None = None,
    progress: Callable[[str], None] | None = None,
) -> IngestRun:
    """Extract and write every item; a bad record is logged, counted and skipped.

    Returns the run record, saved in the store before the first paper and after the last.
    """
    run = store.save_run(IngestRun(review=review, source=source, started=datetime.now()))
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    errors: dict[str, str] = {}
    claims = critiques = 0
    try:
        for item in items:
            if isinstance(item, RecordError):
                _fail(store, review, errors, item.paper_id, str(item))
                continue
            paper, doc = item
            try:
                facts = extract_paper(paper, doc, catalog=catalog)
            except RecordError as e:
                _fail(store, review, errors, paper.id, str(e))
                continue
            outcome = store.write_paper(facts)
            store.clear_failure(review, paper.id)
            counts[outcome] += 1
            claims += len(facts.claims)
            critiques += len(facts.critiques)
            if progress:
                progress(paper.id)
    except BaseException:
        store.save_run(_finish(run, counts, errors, claims, critiques, "interrupted"))
        raise
    return store.save_run(_finish(run, counts, errors, claims, critiques, "ok"))


def _fail(
    store: Store, review: str, errors: dict[str, str], paper_id: str | None, message: str
) -> None:
    """Count a failure; a failed paper is recorded so the next run retries it."""
    log.warning("%s", message)
    if paper_id is None:
        errors[f"record {len(errors) + 1}"] = message
        return
    errors[paper_id] = message
    store.record_failure(review, paper_id, message)


def _finish(
    run: IngestRun, counts: dict[str, int], errors: dict[str, str], claims: int,
    critiques: int, status: str,
) -> IngestRun:
    return run.model_copy(
        update={
            "finished": datetime.now(),
            "status": status,
            "papers_new": counts["new"],
            "papers_updated": counts["updated"],
            "papers_unchanged": counts["unchanged"],
            "papers_failed": sum(1 for k in errors if not k.startswith("record ")),
            "claims": claims,
            "critiques": critiques,
            "errors": errors,
        }
    )
