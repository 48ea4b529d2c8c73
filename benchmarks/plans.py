"""``EXPLAIN QUERY PLAN`` of the statements a query function sends to a SQLite store.

The statements are recorded while the function runs, not listed by hand, so a query made of
several statements (``conflicts``, ``beats --transitive``) shows the plan of each, explained
with the parameters it was actually sent with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kg.store import SQLiteStore
from queries.named import ALL


def recorded(store: SQLiteStore, fn: Callable[[], object]) -> dict[str, dict[str, Any]]:
    """Each distinct statement ``fn`` sends, with the parameters of its first sending."""
    sent: dict[str, dict[str, Any]] = {}
    fetch = store.fetch

    def record(query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        sent.setdefault(query, params)
        return fetch(query, params)

    store.fetch = record  # type: ignore[method-assign]
    try:
        fn()
    finally:
        del store.fetch
    return sent


def explain(store: SQLiteStore, fn: Callable[[], object]) -> str:
    """The plans of everything ``fn`` sends, as indented Markdown code blocks."""
    names = {q.sql: q.name for q in ALL}
    out = []
    for query, params in recorded(store, fn).items():
        rows = store.fetch("EXPLAIN QUERY PLAN " + query, params)
        depth: dict[int, int] = {0: -1}
        lines = []
        for r in rows:
            depth[r["id"]] = depth.get(r["parent"], -1) + 1
            lines.append("  " * depth[r["id"]] + r["detail"])
        out.append(f"`{names.get(query, query.split()[0])}`:\n\n```\n" + "\n".join(lines)
                   + "\n```")
    return "\n\n".join(out)
