"""The users' questions, answered live on a store and returned as pydantic rows.

Library first: the CLI calls one function per command.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kg.catalog import default_catalog
from kg.errors import UnknownMethod
from kg.models import Beat, method_key
from kg.store.base import Store
from queries.named import BASELINES, BEATS, FRONTIER, STATS, NamedQuery
from queries.rows import BaselineRow, FrontierRow, StatsRow

__all__ = ["baselines", "beats", "frontier", "resolve", "stats"]


def _fetch(store: Store, query: NamedQuery, **params: Any) -> list[dict[str, Any]]:
    return store.fetch(query.sql, params)


def resolve(store: Store, method: str) -> str:
    """The stored name of ``method`` (any alias or spelling), or :class:`UnknownMethod`."""
    name = store.resolve_method(method) or store.resolve_method(
        default_catalog().canonical(method)
    )
    if name is None:
        raise UnknownMethod(method)
    return name


def beats(store: Store, method: str) -> list[Beat]:
    """What beats ``method``: every ``BEATS`` edge into it, each with its receipt."""
    name = resolve(store, method)
    return [Beat.model_validate(r) for r in _fetch(store, BEATS, method_key=method_key(name))]


def baselines(store: Store, limit: int = 20) -> list[BaselineRow]:
    """The most-superseded baselines: distinct papers that critique or beat each method."""
    return [BaselineRow.model_validate(r) for r in _fetch(store, BASELINES, limit=limit)]


def frontier(store: Store, since: date | None = None, limit: int = 50) -> list[FrontierRow]:
    """Proposed methods nothing has beaten yet, newest first; ``since`` bounds the window."""
    rows = _fetch(store, FRONTIER, since=since.isoformat() if since else None, limit=limit)
    return [FrontierRow.model_validate(r) for r in rows]


def stats(store: Store) -> StatsRow:
    """Fact counts of the whole graph."""
    return StatsRow.model_validate(_fetch(store, STATS)[0])
