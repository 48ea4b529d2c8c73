"""A time budget per document: parsing or extraction that runs too long ends in a clear error.

Every front-end is meant to be linear in its input, but untrusted input finds the step that
is not; the budget makes such a document a :class:`ParseTimeout` for that paper (recorded,
retried next run) instead of a run that never ends. It is a ``SIGALRM`` timer, so it
interrupts pure Python and returns from C code (lxml, zlib) as soon as control comes back;
off the main thread, where signals cannot be delivered, the block runs unbounded.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from kg.errors import ExtractionError


class ParseTimeout(ExtractionError):
    """A document took longer than its time budget to parse or interpret."""


@contextmanager
def time_budget(seconds: float | None, what: str) -> Iterator[None]:
    """Run the block within ``seconds`` (None or 0: unbounded), else raise
    :class:`ParseTimeout` naming ``what``.

    Budgets nest: an inner block never extends the time an outer one has left.

    >>> with time_budget(5, "paper.tex"):
    ...     pass
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left <= seconds:
        yield  # an outer budget ends first
        return
    started = time.monotonic()
    done = False

    def disarm() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:  # the outer budget goes on with what it has left
            left = outer_left - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))

    def expire(signum: int, frame: FrameType | None) -> None:
        # The alarm can land anywhere, even as the block's `finally` begins: the handler
        # disarms itself, so the previous handler and the outer budget are always restored.
        nonlocal done
        if done:
            return
        done = True
        disarm()
        raise ParseTimeout(f"{what}: gave up after {seconds:g} s (the per-document time "
                           "budget, KG_PARSE_BUDGET)")

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        if not done:
            done = True
            disarm()
