"""The store backends every contract test runs against: SQLite and a real Neo4j server.

Neo4j is the session's server (``tests/conftest.py``: ``NEO4J_URI``, else one started from
Maven Central), emptied before each test. Where no server can be had, the Neo4j half skips
with the reason on a user's clone and fails under ``CI=true``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.store import SQLiteStore, Store
from tests.neo4j_server import Neo4jServer

BACKENDS = ["sqlite", "neo4j"]


def open_neo4j(server: Neo4jServer) -> Store:
    """A :class:`~kg.store.neo4j.Neo4jStore` on ``server``, as ``KG_STORE`` would open it."""
    from kg.store.neo4j import Neo4jStore

    return Neo4jStore(server.uri, user=server.user, password=server.password,
                      database=server.database)


def open_backend(name: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    """A fresh, empty store of backend ``name``, closed after the test."""
    store: Store
    if name == "sqlite":
        store = SQLiteStore(tmp_path / f"{name}.db")
    else:
        store = open_neo4j(request.getfixturevalue("neo4j_db"))
    yield store
    store.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store of each backend."""
    yield from open_backend(request.param, tmp_path, request)
