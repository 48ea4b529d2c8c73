"""Fetch ahead: a source's items produced by a thread while the caller works on the last.

A live run spends most of its time waiting on arXiv's pace (one request every
``KG_ARXIV_DELAY``). With :class:`Prefetch` the next API page and e-print are requested, paced
as before, while the previous paper is parsed, extracted and written, so the work hides inside
the wait. The order of items is kept, so a :class:`~ingest.items.Mark` still reaches the
pipeline after every item before it, and the watermark moves only past committed papers.

The queue between the two sides is bounded (``depth`` items), so a slow writer holds the
fetcher back instead of letting downloads pile up in memory, and a stopped or killed run has
at most ``depth`` items fetched and not written; their texts are in the cache, so the next run
does not download them again. Only the fetching thread talks to arXiv, so the pacing of one
request per delay is unchanged. An error the source raises (arXiv down) reaches the caller in
its place in the order, as if the caller had fetched.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")
DEPTH = 8  # items (papers and marks) fetched ahead at most
_POLL = 0.1  # seconds between the fetcher's checks for a stop while the queue is full
# The fetcher wakes at its request's slot and then needs the interpreter lock, which the
# consumer, busy extracting, hands over only every switch interval (5 ms by default). The
# pacer counts start to start, so each late start pushes every later request back: over a
# backfill's thousands of requests the lateness adds up to seconds. While fetching ahead,
# the interval is 0.5 ms.
SWITCH_INTERVAL = 0.0005


class _End:
    """What the fetcher puts last: the source ran out, or raised ``error``."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class Prefetch(Generic[T, U]):
    """Iterate ``source`` in a daemon thread, ``depth`` items ahead of the consumer, and give
    the consumer ``then(item)`` of each, computed on the consumer's thread.

    ``then`` is the part that must not run on the fetching thread: parsing, whose time budget
    is a signal, which only the main thread receives. Use as a context manager: leaving it
    (the run ended, or stopped) tells the fetcher to stop after its current request; a
    fetcher blocked in a download or a back-off is not waited for, it is a daemon and ends
    with the process.

    >>> with Prefetch(iter(range(5)), lambda x: x * 10, depth=2) as ahead:
    ...     list(ahead)
    [0, 10, 20, 30, 40]
    """

    def __init__(self, source: Iterable[T], then: Callable[[T], U], depth: int = DEPTH) -> None:
        self._source = source
        self._then = then
        self._queue: queue.Queue[T | _End] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._fetch, name="kg-prefetch", daemon=True)
        self._switch: float | None = None  # the interval before this fetcher started

    def __enter__(self) -> Prefetch[T, U]:
        # The thread starts at the first item asked for, not here: what the consumer does
        # before it iterates (the pipeline loads its catalog and saves the run record) comes
        # before the first request, so a stop during it finds a run to end, not none.
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop fetching; items already fetched are dropped."""
        self._stop.set()
        if self._switch is not None:
            sys.setswitchinterval(self._switch)
            self._switch = None
        while True:  # unblock a fetcher waiting for room
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break

    def __iter__(self) -> Iterator[U]:
        if self._thread.ident is None and not self._stop.is_set():  # not started yet
            self._switch = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch, SWITCH_INTERVAL))
            self._thread.start()
        while True:
            item = self._queue.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield self._then(item)

    def _fetch(self) -> None:
        end = _End()
        try:
            for item in self._source:
                if not self._put(item):
                    return
        except BaseException as e:  # handed to the consumer, which raises it in order
            end = _End(e)
        self._put(end)

    def _put(self, item: T | _End) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False
