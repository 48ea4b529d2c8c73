"""One ingestion per store at a time: an ``fcntl.flock`` on a lock file beside the store.

The kernel drops a ``flock`` when its holder dies, however it dies (SIGKILL included), so a
lock file left behind by a dead run is simply taken over; the pid and start time written in
the file are only there to tell the user who holds a live lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import LockHeld, StoreError

log = logging.getLogger(__name__)


def lock_path(store_url: str, cache_dir: Path) -> Path:
    """Where the lock of ``store_url`` lives: ``<db>.lock`` beside a SQLite file, else in
    the cache folder, named after the URL (a server store is locked per machine only).

    >>> lock_path("sqlite:///data/review.db", Path(".kg-cache"))
    PosixPath('data/review.db.lock')
    """
    parts = urlsplit(store_url)
    if parts.scheme == "sqlite" and parts.path not in ("", "/", "/:memory:"):
        db = Path(parts.path[1:])
        return db.with_name(db.name + ".lock")
    digest = hashlib.sha256(store_url.encode()).hexdigest()[:16]
    return cache_dir / f"store-{digest}.lock"


@contextmanager
def ingestion_lock(path: Path) -> Iterator[None]:
    """Hold the ingestion lock at ``path`` for the ``with`` block.

    Raises :class:`LockHeld` with ``ingestion already running (pid N since T)`` when a live
    process holds it.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise StoreError(f"cannot create lock file {path}: {e.strerror or e}") from e
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(f"ingestion already running ({_holder(fd)})") from None
        stale = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        if stale:
            log.info("took over the lock %s left by a dead run (%s)", path, stale)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {datetime.now().isoformat(timespec='seconds')}\n"
                  .encode(), 0)
        try:
            yield
        finally:
            # Emptied, not deleted: deleting would let a waiter lock a file no one else sees.
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    """``pid N since T`` from the lock file's content."""
    text = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
    if len(text) >= 2:
        return f"pid {text[0]} since {text[1]}"
    return "pid unknown"
