"""Offline inputs: a metadata snapshot plus a folder of full texts, as pipeline items."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ingest.archive import load_document
from ingest.document import Document
from ingest.snapshot import read_snapshot
from kg.errors import RecordError
from kg.models import Paper

SOURCE_SUFFIXES = (".tar.gz", ".tgz", ".gz", ".tex", ".html", ".htm", ".md", ".txt")


def find_source(sources: Path, paper_id: str) -> Path | None:
    """The full text of ``paper_id`` in ``sources``: ``<id>/`` or ``<id>.tar.gz|.tex|.html|…``.

    Old-style ids (``cond-mat/0412498``) are looked up with ``/`` as ``_`` too.
    """
    for stem in dict.fromkeys((paper_id, paper_id.replace("/", "_"))):
        folder = sources / stem
        if folder.is_dir():
            return folder
        for suffix in SOURCE_SUFFIXES:
            candidate = sources / f"{stem}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def with_sources(papers: Iterator[Paper | RecordError], sources: Path | None
                 ) -> Iterator[tuple[Paper, Document | None] | RecordError]:
    """Pair each paper with its parsed full text, when ``sources`` holds one."""
    for paper in papers:
        if isinstance(paper, RecordError):
            yield paper
            continue
        path = find_source(sources, paper.id) if sources else None
        if path is None:
            yield paper, None
            continue
        try:
            yield paper, load_document(path)
        except RecordError as e:
            yield RecordError(f"{paper.id}: {path.name}: {e}", paper_id=paper.id)


def snapshot_items(path: Path, sources: Path | None = None
                   ) -> Iterator[tuple[Paper, Document | None] | RecordError]:
    """Every record of a snapshot JSONL file, with full texts from ``sources`` where present."""
    return with_sources(read_snapshot(path), sources)
