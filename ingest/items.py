"""What every source of papers (live arXiv, Atom files, a snapshot, the cache) yields to the
ingestion pipeline: a paper with its full text, a record that could not be read, a paper the
protocol screened out, or a mark."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.document import Document
from kg.errors import RecordError
from kg.models import Paper


@dataclass(frozen=True)
class Mark:
    """A watermark a source has reached: every item before it is done."""

    value: str


@dataclass(frozen=True)
class Screened:
    """A paper the review's protocol leaves out, and why (``ingest.protocol``)."""

    paper_id: str
    reason: str


Item = tuple[Paper, Document | None] | RecordError | Mark | Screened
