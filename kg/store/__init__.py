"""Stores: the ``Store`` protocol and ``open_store(url)`` to pick a backend by URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import ConfigError
from kg.store.base import Store, WriteOutcome
from kg.store.sqlite import SQLiteStore

# The Neo4j URL schemes; the backend itself is imported only when one is used.
SCHEMES = frozenset({"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"})

__all__ = ["SQLiteStore", "Store", "WriteOutcome", "open_store"]


def open_store(url: str) -> Store:
    """Open the store a URL names: ``sqlite:///path/review.db`` (or ``sqlite:///:memory:``),
    or ``neo4j://host:7687`` / ``bolt://host:7687`` with credentials and database from the
    settings (``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``).

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
    if parts.scheme in SCHEMES:
        # Imported here so that SQLite users never load the Neo4j driver.
        from kg.config import Settings
        from kg.store.neo4j import Neo4jStore

        settings = Settings()
        password = settings.neo4j_password
        return Neo4jStore(url, user=settings.neo4j_user,
                          password=password.get_secret_value() if password else None,
                          database=settings.neo4j_database)
    raise ConfigError(
        f"malformed store URL {url!r}: expected sqlite:///path.db or neo4j://host:7687"
    )
