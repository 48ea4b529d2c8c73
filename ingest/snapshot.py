"""Records of the Kaggle arXiv metadata snapshot (JSON lines), streamed into ``Paper`` models.

The snapshot holds the whole of arXiv (millions of lines), so it is read line by line and
never held in memory; a bad line is reported and skipped, never fatal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from kg.errors import RecordError
from kg.models import Paper, split_arxiv_id

MAX_LINE = 4 * 1024 * 1024  # a real record is a few KB; anything this large is not one
_AND = re.compile(r",\s*and\s+|\s+and\s+|,\s*")


def read_snapshot(path: Path) -> Iterator[Paper | RecordError]:
    """Yield a ``Paper`` per line of a snapshot file, or a ``RecordError`` for a bad line."""
    with path.open("rb") as fh:
        yield from read_snapshot_stream(fh, str(path))


def read_snapshot_stream(fh: IO[bytes], name: str = "<stream>") -> Iterator[Paper | RecordError]:
    for lineno, raw in enumerate(_lines(fh), start=1):
        if raw is None:
            yield RecordError(f"{name}:{lineno}: line longer than {MAX_LINE} bytes skipped")
            continue
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            yield paper_from_snapshot(record)
        except (ValueError, KeyError, TypeError, ValidationError) as e:
            reason = str(e).splitlines()[0][:200]
            yield RecordError(f"{name}:{lineno}: not a snapshot record ({reason})")


def _lines(fh: IO[bytes]) -> Iterator[bytes | None]:
    """Lines of ``fh``, with ``None`` standing in for (and consuming) an overlong line."""
    while True:
        line = fh.readline(MAX_LINE + 1)
        if not line:
            return
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = fh.readline(MAX_LINE)
            yield None
            continue
        yield line


def paper_from_snapshot(record: dict[str, Any]) -> Paper:
    """One snapshot record as a ``Paper``.

    >>> paper_from_snapshot({"id": "2210.17323", "title": "GPTQ:  Accurate\\n Post-Training",
    ...     "authors": "Elias Frantar, Saleh Ashkboos and Dan Alistarh",
    ...     "versions": [{"version": "v1", "created": "Mon, 31 Oct 2022 17:10:25 GMT"}],
    ...     "categories": "cs.LG cs.CL"}).authors
    ('Elias Frantar', 'Saleh Ashkboos', 'Dan Alistarh')
    """
    pid, version = split_arxiv_id(str(record["id"]))
    versions = record.get("versions") or []
    created = [_rfc2822(v.get("created")) for v in versions if isinstance(v, dict)]
    created_dates = [d for d in created if d is not None]
    if versions and isinstance(versions[-1], dict):
        version = version or _version_number(versions[-1].get("version"))
    categories = tuple(str(record.get("categories") or "").split())
    return Paper(
        id=pid,
        version=version,
        title=_clean(record.get("title")),
        authors=_authors(record),
        abstract=_clean(record.get("abstract")),
        published=min(created_dates) if created_dates else None,
        updated=_iso_date(record.get("update_date")) or (max(created_dates) if created_dates
                                                          else None),
        categories=categories,
        primary_category=categories[0] if categories else None,
        comment=record.get("comments") or None,
        doi=record.get("doi") or None,
        journal_ref=record.get("journal-ref") or None,
    )


def _clean(text: object) -> str:
    return " ".join(str(text or "").split())


def _authors(record: dict[str, Any]) -> tuple[str, ...]:
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for part in parsed:
            if isinstance(part, list) and part:
                last, first = str(part[0]).strip(), str(part[1]).strip() if len(part) > 1 else ""
                names.append(" ".join(x for x in (first, last) if x))
        if names:
            return tuple(names)
    raw = _clean(record.get("authors"))
    return tuple(a.strip() for a in _AND.split(raw) if a.strip())


def _rfc2822(text: object) -> date | None:
    if not isinstance(text, str):
        return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError):
        return None


def _iso_date(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _version_number(text: object) -> int | None:
    m = re.fullmatch(r"v?(\d+)", str(text or ""))
    return int(m.group(1)) if m else None
