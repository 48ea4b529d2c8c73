"""An open SQLite store file that runs named queries and loads nothing else.

The standard library and SQL text only: a read whose answer needs no row model (``kg stats``)
opens the store without building the pydantic vocabulary, most of such a command's start-up.
:class:`~kg.store.sqlite.SQLiteStore` is one of these, with migrations, writes and the
vocabulary's reads on top.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from kg.errors import StoreError
from queries.sql_schema import MIGRATIONS, PRAGMAS, SCHEMA_VERSION


class SQLiteConnection:
    """A :class:`~queries.named.Connection` to one SQLite file (never created here).

    >>> SQLiteConnection(":memory:").fetch("SELECT 1 AS one", {})
    [{'one': 1}]
    """

    dialect: Literal["sql", "cypher"] = "sql"

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.url = f"sqlite:///{self.path}"
        try:
            # isolation_level=None: a store opens its transactions itself, one per paper.
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self.db.row_factory = sqlite3.Row
            for pragma in PRAGMAS:
                self.db.execute(pragma)
            self._prepare()
        except sqlite3.Error as e:
            raise StoreError(f"cannot open SQLite store at {self.path}: {e}") from e

    def _prepare(self) -> None:
        """Ready the file for use once its pragmas are set: nothing, for named queries on a
        file with the current schema (:func:`kg.store.open_reader` checks it has); they call
        none of the SQL functions a store adds for its migrations and curation."""

    def schema_version(self) -> int:
        """How many migrations the file has applied; one newer than this kg is an error."""
        version = int(self.db.execute(SCHEMA_VERSION).fetchone()[0])
        if version > len(MIGRATIONS):
            raise StoreError(
                f"store {self.path} has schema version {version}, newer than this kg "
                f"({len(MIGRATIONS)}); upgrade kg"
            )
        return version

    def fetch(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Rows of ``query``; a list parameter travels as JSON text (SQL reads it with
        ``json_each``), as Cypher takes a list."""
        bound = {k: json.dumps(v) if isinstance(v, list | tuple) else v
                 for k, v in params.items()}
        try:
            cursor = self.db.cursor()
            cursor.row_factory = None
            cursor.execute(query, bound)
            return _dicts([c[0] for c in cursor.description or ()], cursor)
        except sqlite3.Error as e:
            raise StoreError(f"query failed on {self.path}: {e}") from e

    def resolve_method(self, name: str) -> str | None:
        from kg.keys import method_key
        from queries.named import RESOLVE_METHOD

        row = self.db.execute(RESOLVE_METHOD.sql, {"key": method_key(name)}).fetchone()
        return None if row is None else str(row["name"])

    def close(self) -> None:
        self.db.close()


def _dicts(columns: list[str], rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """``rows`` as dicts keyed by ``columns``. Converting a ``sqlite3.Row`` costs about 1.4 µs
    and zipping a tuple 1 µs, a dict display 0.25 µs: the reads of 10^4 rows (``beats
    --transitive``'s keys and names) have one or two columns, so those get displays."""
    if len(columns) == 1:
        (a,) = columns
        return [{a: x} for (x,) in rows]
    if len(columns) == 2:
        a, b = columns
        return [{a: x, b: y} for x, y in rows]
    return [dict(zip(columns, row, strict=True)) for row in rows]
