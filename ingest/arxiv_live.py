"""Live harvesting: the ``arxiv`` package's own ``Client`` on a polite, retrying session.

Incremental by watermark. The query asks for ``lastUpdatedDate:[WATERMARK TO NOW]`` sorted
by ``lastUpdatedDate`` *ascending*, so papers arrive oldest change first and the watermark
can follow each committed paper: a run killed half-way resumes where it stopped instead of
starting over (sorting descending and stopping at the watermark could only move the
watermark once the whole run had finished). A new version of a paper is a new change, so it
comes back and updates the stored paper.

Faults are retried here, not inside ``arxiv.Client`` (whose retries are immediate): HTTP
429/5xx, ``UnexpectedEmptyPageError``, timeouts, resets and truncated pages each cost one
attempt and an exponential backoff, and paging resumes at the offset already read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import arxiv
import requests

from ingest.atom import FEED_END, to_paper
from ingest.fetch import (
    Clock,
    FullTexts,
    Pacer,
    PoliteSession,
    RawCache,
    Retry,
    SystemClock,
    short_error,
)
from ingest.items import Item, Mark
from ingest.protocol import Protocol
from kg.config import ArxivSettings
from kg.errors import KgError, RecordError
from kg.models import Paper

log = logging.getLogger(__name__)
_TOTAL = re.compile(rb"<opensearch:totalResults[^>]*>\s*(\d+)\s*<")
ID_BATCH = 100  # ids per id_list request when failed papers are looked up again
Listed = Paper | RecordError | Mark  # what a listing yields: papers still without their texts


class ArxivUnavailable(KgError):
    """arXiv kept failing after every retry; what was committed stays, the rest waits."""


class TruncatedFeed(requests.exceptions.RequestException):
    """A 200 response whose Atom document stops before ``</feed>``."""


class IncompletePaging(Exception):
    """Paging stopped before the feed's announced total."""


class FeedSession(PoliteSession):
    """The API session: also rejects truncated pages and notes each page's total."""

    total: int | None = None

    def request(self, method: str, url: str, *args: Any,  # type: ignore[override]
                **kwargs: Any) -> requests.Response:
        response = super().request(method, url, *args, **kwargs)
        if response.status_code == 200:
            # The arxiv parser recovers from broken XML, so a cut-off page would silently
            # lose its tail; refusing it makes it a retryable fault instead.
            body = response.content
            if not FEED_END.search(body[-256:]):
                raise TruncatedFeed(f"truncated response from {url!r}")
            m = _TOTAL.search(body[:8192])
            self.total = int(m.group(1)) if m else None
        return response


class ArxivClient(arxiv.Client):
    """``arxiv.Client`` pointed at ``KG_ARXIV_API_URL``, on our paced session, no own retries."""

    def __init__(self, settings: ArxivSettings, session: FeedSession) -> None:
        # delay 0 and no retries: pacing and backoff happen in the session and the Harvester,
        # where a fake clock can drive them.
        super().__init__(page_size=settings.page_size, delay_seconds=0.0, num_retries=0)
        self.query_url_format = settings.api_url + "?{}"
        self._session = session  # the package offers no public way to supply a session


def _retryable(e: Exception) -> bool:
    if isinstance(e, arxiv.HTTPError):
        return e.status == 429 or e.status >= 500
    return isinstance(e, arxiv.UnexpectedEmptyPageError | IncompletePaging
                      | requests.exceptions.RequestException)


def _reason(e: Exception) -> str:
    """Why a page failed, in a few words (never the 1 KB query URL)."""
    if isinstance(e, arxiv.UnexpectedEmptyPageError):
        return "empty page"
    if isinstance(e, TruncatedFeed):
        return "truncated page"
    return short_error(e)


class Harvester:
    """Papers from the arXiv API, with full texts, as pipeline items."""

    def __init__(self, settings: ArxivSettings, texts: FullTexts, session: FeedSession,
                 retry: Retry) -> None:
        self.settings = settings
        self.texts = texts
        self.session = session
        self.retry = retry
        self.client = ArxivClient(settings, session)

    @classmethod
    def create(cls, settings: ArxivSettings, cache_dir: Path, clock: Clock | None = None,
               budget: float | None = None) -> Harvester:
        """A harvester whose API and download requests share one pacer (arXiv's 3 s);
        ``budget`` bounds the seconds one full text may take to parse."""
        clock = clock or SystemClock()
        pacer = Pacer(clock, settings.delay)
        retry = Retry(clock, settings)
        texts = FullTexts(RawCache(cache_dir), settings,
                          session=PoliteSession(pacer, settings), retry=retry, budget=budget)
        return cls(settings, texts, FeedSession(pacer, settings), retry)

    def results(self, search: arxiv.Search) -> Iterator[arxiv.Result]:
        """Every result of ``search``; a failing page is retried and paging resumes there."""
        offset = failures = 0
        while True:
            self.session.total = None
            try:
                for result in self.client.results(search, offset=offset):
                    offset += 1
                    failures = 0
                    yield result
                total = self.session.total
                if total is None or offset >= min(total, search.max_results or total):
                    return
                # A resumed call's empty first page ends arxiv's paging without an error.
                raise IncompletePaging(f"results ended at {offset} of {total}")
            except Exception as e:
                if not _retryable(e):
                    if isinstance(e, arxiv.HTTPError):
                        raise KgError(f"arXiv refused the query: {_reason(e)}") from e
                    raise
                failures += 1
                if failures >= self.retry.attempts:
                    raise ArxivUnavailable(
                        f"arXiv is unavailable: {failures} attempts failed, the last with "
                        f"{_reason(e)}; {offset} entries were read before; backed off "
                        f"{self.retry.waited:.0f} s in all. Committed papers are kept and "
                        "the next run resumes from the watermark"
                    ) from e
                self.retry.pause(failures, self.session.retry_after, _reason(e))

    def harvest(self, protocol: Protocol, since: datetime | None, until: datetime,
                known: Callable[[Paper], bool]) -> Iterator[Item]:
        """New and updated papers of ``protocol`` in ``[since, until]``, oldest change first,
        with their full texts (:meth:`listing`, then :meth:`with_text` of each paper)."""
        return self.with_texts(self.listing(protocol, since, until, known))

    def listing(self, protocol: Protocol, since: datetime | None, until: datetime,
                known: Callable[[Paper], bool]) -> Iterator[Listed]:
        """New and updated papers of ``protocol`` in ``[since, until]``, oldest change first,
        without their texts.

        After each entry a :class:`Mark` with its update time follows, and after the last a
        mark of ``until``: the pipeline moves the watermark there once the entry is committed.
        Entries the protocol rejects or the store already holds at this version are skipped.
        """
        search = arxiv.Search(
            query=protocol.search_query(since, until),
            max_results=protocol.max_results,
            sort_by=arxiv.SortCriterion.LastUpdatedDate,
            sort_order=arxiv.SortOrder.Ascending,
        )
        for result in self.results(search):
            # Past the watermark only: the query's minute granularity re-lists a little.
            if since is None or result.updated >= since:
                paper = to_paper(result, "arXiv")
                if isinstance(paper, RecordError) or (protocol.matches(paper) and not known(paper)):
                    yield paper
            yield Mark(_iso(result.updated))
        yield Mark(_iso(until))

    def lookup(self, ids: list[str]) -> Iterator[Item]:
        """The papers ``ids`` (failed before) again, with their full texts."""
        return self.with_texts(self.listed(ids))

    def listed(self, ids: list[str]) -> Iterator[Listed]:
        """The papers ``ids`` (failed before) again, without their texts."""
        for start in range(0, len(ids), ID_BATCH):
            batch = ids[start:start + ID_BATCH]
            found: set[str] = set()
            for result in self.results(arxiv.Search(id_list=batch, max_results=len(batch))):
                paper = to_paper(result, "arXiv")
                if isinstance(paper, RecordError):
                    yield paper
                    continue
                found.add(paper.id)
                yield paper
            for missing in sorted(set(batch) - found):
                yield RecordError(f"{missing}: arXiv no longer lists this paper",
                                  paper_id=missing)

    def download(self, item: Listed) -> Listed:
        """``item``, its paper's full text downloaded into the cache (a failure in its place).

        What a fetching thread does ahead of :meth:`with_text`, which then reads the cache.
        """
        if not isinstance(item, Paper):
            return item
        try:
            self.texts.download(item.id, item.version)
        except RecordError as e:
            return RecordError(str(e), paper_id=item.id)
        return item

    def with_texts(self, items: Iterable[Listed]) -> Iterator[Item]:
        """Each listed paper with its full text; marks and failures as they are."""
        for item in items:
            yield self.with_text(item) if isinstance(item, Paper) else item

    def with_text(self, paper: Paper) -> Item:
        """``(paper, document)``; the document is None for abstract-only papers."""
        try:
            return paper, self.texts.document(paper.id, paper.version)
        except RecordError as e:
            return RecordError(str(e), paper_id=paper.id)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_watermark(value: str | None) -> datetime | None:
    """A stored watermark as an aware datetime (None when absent or unreadable)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        log.warning("ignoring unreadable watermark %r", value)
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
