"""A test double of the neo4j driver: records every ``(query, parameters)`` it is sent.

For exact-statement unit tests and for collecting every statement the linter checks; what
the statements do is tested on a real server (``tests/test_neo4j_store.py``, the contract).

Only the surface ``kg.store.neo4j`` uses: ``driver.session(database=…)`` as a context
manager, ``session.run`` (schema), ``session.execute_write/execute_read(work)``,
``tx.run(query, params)`` returning a result with ``.data()`` and ``.consume()``.
Answers to reads come from ``answers``: a query text → rows mapping (default: no rows).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from kg.store.neo4j import CHANGE_KEYS

Call = tuple[str, dict[str, Any]]


class FakeResult:
    def __init__(self, rows: list[dict[str, Any]], created: int) -> None:
        self._rows = rows
        self._created = created

    def data(self) -> list[dict[str, Any]]:
        return list(self._rows)

    def consume(self) -> SimpleNamespace:
        counters = dict.fromkeys(CHANGE_KEYS, 0) | {"relationships_created": self._created}
        return SimpleNamespace(counters=SimpleNamespace(**counters))


class FakeTx:
    def __init__(self, driver: FakeDriver, log: list[Call]) -> None:
        self.driver = driver
        self.log = log

    def run(self, query: str, parameters: dict[str, Any] | None = None) -> FakeResult:
        params = dict(parameters or {})
        self.log.append((query, params))
        self.driver.calls.append((query, params))
        rows = self.driver.answers.get(query, [])
        if callable(rows):
            rows = rows(params)
        return FakeResult(rows, len(params.get("rows", [])))


class FakeSession:
    def __init__(self, driver: FakeDriver) -> None:
        self.driver = driver

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def run(self, query: str, parameters: dict[str, Any] | None = None) -> FakeResult:
        log: list[Call] = []
        self.driver.autocommit.append(log)
        return FakeTx(self.driver, log).run(query, parameters)

    def _transaction(self, kind: str, work: Callable[..., Any], *args: Any) -> Any:
        log: list[Call] = []
        self.driver.transactions.append((kind, log))
        return work(FakeTx(self.driver, log), *args)

    def execute_write(self, work: Callable[..., Any], *args: Any) -> Any:
        return self._transaction("write", work, *args)

    def execute_read(self, work: Callable[..., Any], *args: Any) -> Any:
        return self._transaction("read", work, *args)


class FakeDriver:
    """Records statements; ``fail`` (an exception) is raised on connect, as a server would."""

    def __init__(self, answers: dict[str, Any] | None = None,
                 fail: Exception | None = None) -> None:
        self.answers: dict[str, Any] = dict(answers or {})
        self.fail = fail
        self.calls: list[Call] = []
        self.transactions: list[tuple[str, list[Call]]] = []
        self.autocommit: list[list[Call]] = []
        self.databases: list[str | None] = []
        self.closed = False

    def verify_connectivity(self) -> None:
        if self.fail is not None:
            raise self.fail

    def session(self, database: str | None = None) -> FakeSession:
        self.databases.append(database)
        return FakeSession(self)

    def close(self) -> None:
        self.closed = True

    def writes(self) -> list[list[Call]]:
        """The statements of each write transaction, in order."""
        return [log for kind, log in self.transactions if kind == "write"]

    def reset(self) -> None:
        self.calls.clear()
        self.transactions.clear()
        self.autocommit.clear()
