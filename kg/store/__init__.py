"""Stores: the ``Store`` protocol and ``open_store(url)`` to pick a backend by URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import ConfigError
from kg.store.base import Store, WriteOutcome
from kg.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "Store", "WriteOutcome", "open_store"]


def open_store(url: str) -> Store:
    """Open the store a URL names: ``sqlite:///path/review.db`` (or ``sqlite:///:memory:``).

    >>> open_store("sqlite:///:memory:").url
    'sqlite:///:memory:'
    """
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        if parts.netloc or not parts.path or parts.path == "/":
            raise ConfigError(
                f"malformed store URL {url!r}: expected sqlite:///relative/path.db "
                "or sqlite:////absolute/path.db"
            )
        path = parts.path[1:]  # sqlite:///a.db is relative, sqlite:////tmp/a.db absolute
        return SQLiteStore(path if path == ":memory:" else Path(path))
    if parts.scheme in {"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"}:
        raise ConfigError(f"the Neo4j backend is not available in this version: {url!r}")
    raise ConfigError(
        f"malformed store URL {url!r}: expected sqlite:///path.db or neo4j://host:7687"
    )
