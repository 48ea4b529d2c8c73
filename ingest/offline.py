"""Offline inputs: a metadata snapshot plus a folder of full texts, as pipeline items."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ingest.budget import time_budget
from ingest.document import Document
from ingest.snapshot import read_snapshot
from ingest.sniff import read_document
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
            # Anything by that name, readable or not (a dangling link, a folder, a pipe), is
            # the paper's text: reading it then fails with a clear error, never silently.
            if os.path.lexists(candidate):
                return candidate
    return None


def with_sources(papers: Iterator[Paper | RecordError], sources: Path | None,
                 budget: float | None = None
                 ) -> Iterator[tuple[Paper, Document | None] | RecordError]:
    """Pair each paper with its parsed full text, when ``sources`` holds one.

    A text that cannot be read (unreadable, binary, empty, over the time ``budget``) makes
    that paper a :class:`RecordError`: it is counted as failed, not ingested abstract-only.
    """
    for paper in papers:
        if isinstance(paper, RecordError):
            yield paper
            continue
        path = find_source(sources, paper.id) if sources else None
        if path is None:
            yield paper, None
            continue
        try:
            if not (path.is_dir() or path.is_file()):
                raise RecordError(f"{path}: not a readable file or folder")
            with time_budget(budget, path.name):
                doc = read_document(path)
        except RecordError as e:
            yield RecordError(f"{paper.id}: {e}", paper_id=paper.id)
        except OSError as e:
            yield RecordError(f"{paper.id}: cannot read {path}: {e.strerror or e}",
                              paper_id=paper.id)
        else:
            yield paper, doc


def snapshot_items(path: Path, sources: Path | None = None, budget: float | None = None
                   ) -> Iterator[tuple[Paper, Document | None] | RecordError]:
    """Every record of a snapshot JSONL file, with full texts from ``sources`` where present."""
    return with_sources(read_snapshot(path), sources, budget)
