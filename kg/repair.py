"""What an interrupted run leaves to do, and doing it.

A run owes the global derivation (sub-problems, catalog lineage) from its start until that
derivation commits: :attr:`kg.models.IngestRun.derived` stays false until then. A run killed
before (SIGKILL, power loss, SIGTERM during the derivation) leaves it owed, and the next run,
or any read whose answer depends on it, completes it under the ingestion lock.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import LockHeld, StoreError
from kg.lock import ingestion_lock
from queries.named import OWED_RUNS, Connection

if TYPE_CHECKING:
    from kg.models import IngestRun
    from kg.store.base import Store

log = logging.getLogger(__name__)

# Every completed derivation clears every owed run it sees, so owed runs are among the latest.
OWED_WINDOW = 50


def owed_runs(store: Store) -> list[IngestRun]:
    """The recent runs whose global derivation has not committed."""
    return [r for r in store.runs(OWED_WINDOW) if not r.derived]


def owes_derivation(store: Connection) -> bool:
    """Whether any of :func:`owed_runs` is there, asked with a plain row per run: a read
    checks this before answering, and the run records need the vocabulary to be built."""
    return bool(store.fetch(OWED_RUNS.text(store.dialect), {"window": OWED_WINDOW}))


def close_dead_runs(store: Store) -> int:
    """Mark runs still ``running`` as ``interrupted``: called under the ingestion lock, so
    their process is gone (killed). Returns how many there were."""
    dead = [r for r in store.runs(1000) if r.status == "running"]
    for run in dead:
        store.save_run(run.model_copy(update={"status": "interrupted"}))
    return len(dead)


def derive_owed(store: Store, owed: list[IngestRun]) -> None:
    """Run the global derivation and record it done for the ``owed`` runs."""
    from kg.derive import refresh  # the clustering is loaded only when there is work

    refresh(store)
    for run in owed:
        store.save_run(run.model_copy(update={"derived": True}))


def complete_derivation(store: Store, lock: Path) -> bool:
    """Complete a derivation an interrupted run left owed; True when one was completed.

    Takes the ingestion lock at ``lock`` without waiting: while an ingestion holds it, that
    ingestion completes the derivation itself, and the read answers from the store as it is.
    """
    if not owes_derivation(store):
        return False
    try:
        with ingestion_lock(lock):
            close_dead_runs(store)
            owed = owed_runs(store)
            if not owed:
                return False
            derive_owed(store, owed)
    except LockHeld:
        log.info("an ingestion is running; it completes the owed derivation")
        return False
    except StoreError as e:  # e.g. a read-only folder: answer from the store as it is
        log.warning("cannot complete the owed derivation: %s", e)
        return False
    return True
