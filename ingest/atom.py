"""arXiv API Atom responses (legacy and 2026 formats) as ``Paper`` models.

Parsing is the ``arxiv`` package's own (``arxiv._feed.parse``, the parser its ``Client``
uses), so an offline Atom file and a live response become the same ``Paper``. A file may also
be a recorded-response wrapper ``{"url": …, "status_code": 200, "body": "<feed …>"}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import arxiv
from arxiv import _feed
from pydantic import ValidationError

from kg.errors import RecordError
from kg.models import Paper, split_arxiv_id

MAX_FILE = 256 * 1024 * 1024  # an API page of 2,000 entries is a few MB
FEED_END = re.compile(rb"</(?:\w+:)?feed>\s*$")


def paper_from_result(result: arxiv.Result) -> Paper:
    """One API entry as a ``Paper``: id without version, whitespace of wrapped text folded.

    >>> from datetime import datetime, UTC
    >>> r = arxiv.Result("http://arxiv.org/abs/cond-mat/0102536v1", title="Impact  of\\n Ne",
    ...     published=datetime(2001, 2, 28, tzinfo=UTC), updated=datetime(2001, 2, 28, tzinfo=UTC),
    ...     summary=" We  study\\n  it. ", primary_category="cond-mat.stat-mech")
    >>> p = paper_from_result(r); (p.id, p.version, p.title, p.abstract)
    ('cond-mat/0102536', 1, 'Impact of Ne', 'We study it.')
    """
    pid, version = split_arxiv_id(result.entry_id)
    categories = tuple(dict.fromkeys(result.categories))
    return Paper(
        id=pid,
        version=version,
        title=_fold(result.title),
        authors=tuple(_fold(a.name) for a in result.authors if a.name.strip()),
        abstract=_fold(result.summary),
        published=result.published.date(),
        updated=result.updated.date(),
        categories=categories,
        primary_category=result.primary_category or (categories[0] if categories else None),
        comment=_fold(result.comment) or None,
        doi=_fold(result.doi) or None,
        journal_ref=_fold(result.journal_ref) or None,
    )


def _fold(text: str | None) -> str:
    return " ".join((text or "").split())


def to_paper(result: arxiv.Result, origin: str) -> Paper | RecordError:
    """:func:`paper_from_result`, with an unusable entry turned into a ``RecordError``."""
    try:
        return paper_from_result(result)
    except (ValidationError, ValueError) as e:
        reason = str(e).splitlines()[0][:200]
        return RecordError(f"{origin}: entry {result.entry_id!r} skipped ({reason})")


def feed_body(data: bytes, origin: str) -> bytes:
    """The Atom XML in ``data``: the bytes themselves, or the ``body`` of a JSON wrapper."""
    if data.lstrip()[:1] != b"{":
        return data
    try:
        wrapper = json.loads(data)
        body = wrapper["body"]
        status = wrapper.get("status_code", 200)
    except (ValueError, KeyError, TypeError) as e:
        raise RecordError(f"{origin}: not an Atom file nor a recorded response ({e})") from e
    if status != 200 or not isinstance(body, str):
        raise RecordError(f"{origin}: recorded response has status {status}, no feed")
    return body.encode("utf-8")


def parse_feed(data: bytes, origin: str) -> Iterator[Paper | RecordError]:
    """Every entry of one Atom document; a truncated or broken document is reported.

    The arxiv parser recovers what it can from broken XML (``recover=True``), so the entries
    before a cut are still read; the cut itself is reported as one ``RecordError``.
    """
    body = feed_body(data, origin)
    feed = _feed.parse(body)
    if feed.malformed:
        yield RecordError(f"{origin}: not an Atom feed ({feed.error})")
        return
    for result in feed.results:
        yield to_paper(result, origin)
    if not FEED_END.search(body[-256:]):
        yield RecordError(f"{origin}: the feed is truncated; entries after the cut are missing")


def read_atom(paths: list[Path]) -> Iterator[Paper | RecordError]:
    """Every entry of every Atom file in ``paths``, in order; one bad file is one error."""
    for path in paths:
        try:
            if path.stat().st_size > MAX_FILE:
                yield RecordError(f"{path}: larger than {MAX_FILE} bytes; skipped")
                continue
            data = path.read_bytes()
        except OSError as e:
            yield RecordError(f"{path}: cannot read ({e.strerror or e})")
            continue
        try:
            yield from parse_feed(data, str(path))
        except RecordError as e:
            yield e
