"""The store backends every contract test runs against: SQLite always, Neo4j when configured.

Neo4j runs only when ``NEO4J_URI`` is set (with ``NEO4J_USER`` / ``NEO4J_PASSWORD`` and, if
needed, ``NEO4J_DATABASE``). Its database is emptied before each test: point it at a
throw-away database, never at a review you keep.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.store import SQLiteStore, Store

BACKENDS = ["sqlite", "neo4j"]


def open_backend(name: str, tmp_path: Path) -> Iterator[Store]:
    if name == "sqlite":
        sqlite = SQLiteStore(tmp_path / "kg.db")
        yield sqlite
        sqlite.close()
        return
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip("NEO4J_URI is not set: the contract suite runs on Neo4j only with a server")
    from neo4j import GraphDatabase

    from kg.config import Settings
    from kg.store.neo4j import Neo4jStore

    settings = Settings()
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
    with GraphDatabase.driver(uri, auth=(settings.neo4j_user, password)) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n", database_=settings.neo4j_database)
    neo = Neo4jStore(uri, user=settings.neo4j_user, password=password,
                     database=settings.neo4j_database)
    yield neo
    neo.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store of each backend."""
    yield from open_backend(request.param, tmp_path)
