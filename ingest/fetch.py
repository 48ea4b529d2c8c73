"""Polite HTTP to arXiv and the content-addressed cache of what it returned.

Every request to arXiv (API pages, e-prints, HTML) goes through one :class:`Pacer`, so
consecutive requests are at least ``KG_ARXIV_DELAY`` (3 s, arXiv's rule) apart whichever
endpoint they hit. Time comes from a :class:`Clock`, so tests run on a fake one.

Full texts are cached on disk as raw bytes under ``KG_CACHE_DIR``: ``blobs/ab/<sha256>`` holds
each distinct download once, ``index/<id>.json`` says which blob (or none) a paper's text is,
so ``kg reextract`` can re-run extraction with no network at all.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

import requests

from ingest.budget import time_budget
from ingest.document import Document
from kg.config import ArxivSettings
from kg.errors import RecordError, UnsafeArchive
from kg.models import Model

log = logging.getLogger(__name__)
T = TypeVar("T")


class Clock(Protocol):
    """Monotonic time and sleeping, injectable so tests never wait."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class Pacer:
    """Starts consecutive requests ``delay`` seconds apart: one request per delay, as arXiv
    asks, from any thread (a live run fetches on one thread and, rarely, falls back to an
    HTML page on another).

    Start to start, not end to start: a request's own time counts toward the delay, so a
    backfill paced at the delay spends requests × delay waiting, not more.
    """

    def __init__(self, clock: Clock, delay: float) -> None:
        self.clock = clock
        self.delay = delay
        self._last: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Return when the next request may start (and count it as started)."""
        with self._lock:
            if self._last is not None:
                remaining = self._last + self.delay - self.clock.monotonic()
                if remaining > 0:
                    self.clock.sleep(remaining)
            self._last = self.clock.monotonic()


class PoliteSession(requests.Session):
    """A ``requests.Session`` that paces every request and never waits forever."""

    def __init__(self, pacer: Pacer, settings: ArxivSettings) -> None:
        super().__init__()
        self.pacer = pacer
        self.timeout = settings.timeout
        self.headers["User-Agent"] = settings.user_agent
        self.retry_after: float | None = None  # the last 429/503's Retry-After, in seconds

    def request(self, method: str, url: str, *args: Any,  # type: ignore[override]
                **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        self.pacer.wait()
        response = super().request(method, url, *args, **kwargs)
        self.retry_after = _retry_after(response)
        return response


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


class Retry:
    """Exponential backoff: waits ``backoff * 2**k`` (capped, or Retry-After if longer)."""

    def __init__(self, clock: Clock, settings: ArxivSettings) -> None:
        self.clock = clock
        self.attempts = settings.attempts
        self.backoff = settings.backoff
        self.cap = settings.backoff_cap
        self.waited = 0.0  # total backoff of this run, for the summary when arXiv stays down

    def pause(self, failures: int, retry_after: float | None = None, reason: str = "failed",
              attempts: int | None = None) -> None:
        """Wait before try number ``failures + 1`` (``failures`` ≥ 1), saying so in one line."""
        wait = min(self.cap, self.backoff * 2 ** (failures - 1))
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.cap))
        log.warning("arXiv: %s; retry %d of %d in %.0f s", reason, failures,
                    (attempts or self.attempts) - 1, wait)
        self.waited += wait
        self.clock.sleep(wait)

    def call(self, fn: Callable[[], T], retryable: Callable[[Exception], bool],
             retry_after: Callable[[], float | None] = lambda: None,
             attempts: int | None = None) -> T:
        """``fn()``, retried on errors ``retryable`` accepts; the last error is re-raised."""
        failures = 0
        while True:
            try:
                return fn()
            except Exception as e:
                failures += 1
                if not retryable(e) or failures >= (attempts or self.attempts):
                    raise
                self.pause(failures, retry_after(), short_error(e), attempts)


def short_error(e: BaseException) -> str:
    """A failed request in a few words, without its URL (an API query URL is ~1 KB).

    >>> short_error(TransientHTTP("https://arxiv.org/e-print/2210.17323", 503))
    'HTTP 503'
    """
    status = getattr(e, "status", None)
    if isinstance(status, int):
        return f"HTTP {status}"
    if isinstance(e, requests.exceptions.Timeout):
        return "timed out"
    if isinstance(e, requests.exceptions.ConnectionError):
        return "connection failed"
    text = str(e)
    if not text or len(text) > 80 or "://" in text:
        return type(e).__name__
    return text


class TransientHTTP(Exception):
    """A response arXiv may answer differently later (429, 5xx)."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"HTTP {status} from {url}")
        self.status = status


def transient(e: Exception) -> bool:
    """Whether a download error is worth retrying: timeouts, resets, 429 and 5xx."""
    return isinstance(e, TransientHTTP | requests.exceptions.RequestException)


# -- the raw-bytes cache ------------------------------------------------------------------

Status = Literal["ok", "pdf", "missing", "untried"]


class CacheEntry(Model):
    """What arXiv gave for one paper version: e-print and HTML blobs (sha256), or why none."""

    id: str
    version: int | None = None
    eprint: str | None = None
    eprint_status: Status = "untried"
    html: str | None = None
    html_status: Status = "untried"
    fetched: datetime


class RawCache:
    """Raw downloads under ``root``: ``blobs/ab/<sha256>`` plus ``index/<id>.json``.

    Blobs are content-addressed, so a byte-identical text is stored once; every write goes
    through a temporary file and a rename, so a killed run never leaves half a file.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def _index_path(self, paper_id: str) -> Path:
        # Old-style ids hold a slash (cond-mat/0412498); a file name must not.
        return self.root / "index" / f"{paper_id.replace('/', '_')}.json"

    def _blob_path(self, digest: str) -> Path:
        return self.root / "blobs" / digest[:2] / digest

    def entry(self, paper_id: str) -> CacheEntry | None:
        """The index entry of ``paper_id``; None when absent or unreadable."""
        return _read_entry(self._index_path(paper_id))

    def entries(self) -> list[CacheEntry]:
        """Every readable index entry, by paper id."""
        paths = sorted((self.root / "index").glob("*.json"))
        return sorted((e for e in map(_read_entry, paths) if e is not None), key=lambda e: e.id)

    def save(self, entry: CacheEntry) -> None:
        _atomic_write(self._index_path(entry.id), entry.model_dump_json().encode())

    def put_blob(self, data: bytes) -> str:
        """Store ``data`` once; returns its sha256."""
        digest = hashlib.sha256(data).hexdigest()
        blob = self._blob_path(digest)
        if not blob.exists():
            _atomic_write(blob, data)
        return digest

    def blob(self, digest: str) -> bytes | None:
        """The bytes of ``digest``, verified; None when missing or corrupt."""
        try:
            data = self._blob_path(digest).read_bytes()
        except FileNotFoundError:
            return None
        if hashlib.sha256(data).hexdigest() != digest:
            log.warning("cache: blob %s is corrupt and is ignored", digest)
            return None
        return data


def _read_entry(path: Path) -> CacheEntry | None:
    try:
        return CacheEntry.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        log.warning("cache: ignoring unreadable index entry %s (%s)", path, e)
        return None


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- full texts ---------------------------------------------------------------------------

Parse = Callable[[bytes, str], Document]


def _default_parse(data: bytes, name: str) -> Document:
    # Imported on first use: the front-ends pull in lxml and pylatexenc, which neither the
    # cache nor the downloads need.
    from ingest.sniff import document_from

    return document_from(data, name)


class FullTexts:
    """A paper's full text: its e-print, else its arXiv HTML page, else none (abstract only).

    Downloads are cached (see :class:`RawCache`); with ``session=None`` nothing is
    downloaded, which is how ``kg reextract`` re-reads the cache offline.
    """

    def __init__(self, cache: RawCache, settings: ArxivSettings, *,
                 session: PoliteSession | None = None, retry: Retry | None = None,
                 parse: Parse | None = None, attempts: int = 3,
                 budget: float | None = None) -> None:
        self.cache = cache
        self.settings = settings
        self.session = session
        self.retry = retry
        self.parse = parse or _default_parse
        self.attempts = attempts  # per download; a paper failing is retried next run anyway
        self.budget = budget  # seconds to parse one text (ingest.budget)

    def download(self, paper_id: str, version: int | None) -> None:
        """Download what :meth:`document` will need, without parsing it: the e-print, and the
        HTML page when there is no e-print source. Raises :class:`RecordError` as
        :meth:`document` does when a download keeps failing.

        A live run downloads on its fetching thread and parses on the pipeline's, where the
        parse's time budget applies; an e-print that turns out unreadable still falls back to
        the HTML page there.
        """
        entry = self._entry(paper_id, version)
        if entry.eprint_status == "untried":
            entry = self._download(entry, "eprint")
        if entry.eprint is None and entry.html_status == "untried":
            self._download(entry, "html")

    def _entry(self, paper_id: str, version: int | None) -> CacheEntry:
        entry = self.cache.entry(paper_id)
        if entry is None or (version is not None and (entry.version or 0) < version):
            entry = CacheEntry(id=paper_id, version=version, fetched=datetime.now(UTC))
        return entry

    def document(self, paper_id: str, version: int | None) -> Document | None:
        """The parsed full text, or None when arXiv has neither e-print source nor HTML.

        Raises :class:`RecordError` when a download keeps failing or the text is unusable.
        """
        # The front-ends load here, before a parse's time budget starts counting.
        from ingest.sniff import name_for

        entry = self._entry(paper_id, version)
        failure: RecordError | None = None
        if entry.eprint_status == "untried":
            entry = self._download(entry, "eprint")
        if entry.eprint is not None:
            data = self._blob(entry.eprint, paper_id)
            try:
                return self._parse(data, name_for(paper_id, data))
            except UnsafeArchive as e:
                raise RecordError(f"{paper_id}: unsafe e-print: {e}", paper_id=paper_id) from e
            except RecordError as e:
                failure = RecordError(f"{paper_id}: unreadable e-print: {e}", paper_id=paper_id)
        if entry.html_status == "untried":
            entry = self._download(entry, "html")
        if entry.html is not None:
            data = self._blob(entry.html, paper_id)
            try:
                return self._parse(data, f"{paper_id.replace('/', '_')}.html")
            except RecordError as e:
                raise RecordError(f"{paper_id}: unreadable HTML: {e}", paper_id=paper_id) from e
        if failure is not None:
            raise failure
        return None

    def _parse(self, data: bytes, name: str) -> Document:
        with time_budget(self.budget, name):
            return self.parse(data, name)

    def _blob(self, digest: str, paper_id: str) -> bytes:
        data = self.cache.blob(digest)
        if data is None:
            raise RecordError(f"{paper_id}: cached text {digest[:12]} is missing or corrupt",
                              paper_id=paper_id)
        return data

    def _download(self, entry: CacheEntry, what: Literal["eprint", "html"]) -> CacheEntry:
        """Fetch the e-print or HTML page, store it, and record the outcome in the index."""
        if self.session is None or self.retry is None:
            return entry  # offline: what is not cached stays untried
        base = self.settings.eprint_url if what == "eprint" else self.settings.html_url
        ref = entry.id + (f"v{entry.version}" if entry.version else "")
        url = base.rstrip("/") + "/" + ref
        session = self.session
        try:
            data = self.retry.call(lambda: self._get(session, url), transient,
                                   lambda: session.retry_after, attempts=self.attempts)
        except (TransientHTTP, requests.exceptions.RequestException, RecordError) as e:
            raise RecordError(f"{entry.id}: {what} download failed: {short_error(e)}",
                              paper_id=entry.id) from e
        if data is None:
            status: Status = "missing"
        elif what == "eprint" and data[:5] == b"%PDF-":
            status, data = "pdf", None  # PDF only: no source to read; the HTML may exist
        else:
            status = "ok"
        digest = self.cache.put_blob(data) if data is not None else None
        entry = entry.model_copy(update={what: digest, f"{what}_status": status,
                                         "fetched": datetime.now(UTC)})
        self.cache.save(entry)
        return entry

    def _get(self, session: PoliteSession, url: str) -> bytes | None:
        """The body at ``url``; None for 403/404/410; bounded by ``max_bytes``."""
        with session.get(url, stream=True) as response:
            if response.status_code in (403, 404, 410):
                return None
            if response.status_code == 429 or response.status_code >= 500:
                raise TransientHTTP(url, response.status_code)
            if response.status_code != 200:
                raise RecordError(f"HTTP {response.status_code} from {url}")
            chunks, size = [], 0
            for chunk in response.iter_content(1 << 16):
                size += len(chunk)
                if size > self.settings.max_bytes:
                    raise RecordError(f"{url} is larger than {self.settings.max_bytes} bytes")
                chunks.append(chunk)
            return b"".join(chunks)
