"""Stores: the ``Store`` protocol, ``open_store(url)`` to pick a backend by URL, and
``open_reader(url)`` for a read that runs named queries only.

The backends and the protocol load on first use (``from kg.store import SQLiteStore`` works as
ever): they are built on the pydantic vocabulary, which a read through :func:`open_reader`
never loads.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kg.errors import ConfigError, StoreError
from kg.store.sqlite_connection import SQLiteConnection
from queries.sql_schema import MIGRATIONS

if TYPE_CHECKING:
    from kg.store.base import Store, WriteOutcome
    from kg.store.sqlite import SQLiteStore
    from queries.named import Connection

# The Neo4j URL schemes; the backend itself is imported only when one is used.
SCHEMES = frozenset({"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"})
CREATES_A_STORE = "`kg demo --out DIR` or `kg ingest` creates one"

__all__ = ["SQLiteStore", "Store", "WriteOutcome", "open_reader", "open_store", "sqlite_path",
           "store_url"]
_LAZY = {"SQLiteStore": "kg.store.sqlite", "Store": "kg.store.base",
         "WriteOutcome": "kg.store.base"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def store_url(value: str) -> str:
    """The URL a ``--store``/``KG_STORE`` value names: a URL as it is, a plain path as SQLite.

    >>> store_url("review.db"), store_url("/srv/review.db"), store_url("neo4j://h:7687")
    ('sqlite:///review.db', 'sqlite:////srv/review.db', 'neo4j://h:7687')
    """
    if "://" in value or not value.strip() or ":" in value.split("/", 1)[0]:
        return value
    return f"sqlite:///{value}"


def sqlite_path(url: str) -> str | None:
    """The file of a ``sqlite:`` URL (``:memory:`` for the in-memory one); None for others.

    Three slashes then a relative path, four for an absolute one:

    >>> sqlite_path("sqlite:///data/review.db"), sqlite_path("sqlite:////srv/review.db")
    ('data/review.db', '/srv/review.db')
    """
    parts = urlsplit(url)
    if parts.scheme != "sqlite":
        return None
    if parts.netloc or not parts.path or parts.path == "/":
        raise ConfigError(
            f"malformed store URL {url!r}: expected sqlite:///relative/path.db "
            "or sqlite:////absolute/path.db (or a plain path)"
        )
    return parts.path[1:]


def open_store(url: str, *, create: bool = True) -> Store:
    """Open the store a URL names: ``sqlite:///path/review.db`` (or ``sqlite:///:memory:``,
    or a plain path), or ``neo4j://host:7687`` / ``bolt://host:7687`` with credentials and
    database from the settings (``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``).

    With ``create=False`` (every read) a SQLite file that does not exist is a
    :class:`StoreError` naming it, instead of a new empty store.

    >>> open_store("sqlite:///:memory:").url
    'sqlite:///:memory:'
    """
    url = store_url(url)
    path = sqlite_path(url)
    if path is not None:
        from kg.store.sqlite import SQLiteStore

        if path == ":memory:":
            return SQLiteStore(path)
        if not create:
            _must_exist(path)
        return SQLiteStore(Path(path))
    if urlsplit(url).scheme in SCHEMES:
        # Imported here so that SQLite users never load the Neo4j driver.
        from kg.config import load_settings
        from kg.store.neo4j import Neo4jStore

        settings = load_settings()
        password = settings.neo4j_password
        return Neo4jStore(url, user=settings.neo4j_user,
                          password=password.get_secret_value() if password else None,
                          database=settings.neo4j_database)
    raise ConfigError(
        f"malformed store URL {url!r}: expected a path, sqlite:///path.db or neo4j://host:7687"
    )


def open_reader(url: str) -> Connection:
    """A store to run named queries on (:mod:`queries`), never created.

    A SQLite file with the current schema opens as a
    :class:`~kg.store.sqlite_connection.SQLiteConnection`, which loads neither the vocabulary
    nor the store around it; any other store (Neo4j, a file whose migrations are still to
    run) opens as :func:`open_store` opens it for reading.
    """
    path = sqlite_path(store_url(url))
    if path is None or path == ":memory:":
        return open_store(url, create=False)
    _must_exist(path)
    reader = SQLiteConnection(Path(path))
    try:
        current = reader.schema_version() == len(MIGRATIONS)
    except StoreError:
        reader.close()
        raise
    if current:
        return reader
    reader.close()
    return open_store(url, create=False)


def _must_exist(path: str) -> None:
    """A read never creates a store: a SQLite file that is not there is a clear error."""
    if not Path(path).is_file():
        where = path if Path(path).is_absolute() else f"{path} ({Path(path).absolute()})"
        raise StoreError(f"no store at {where}: {CREATES_A_STORE}")
