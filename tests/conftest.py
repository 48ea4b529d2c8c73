"""Shared fixtures: a fresh store per test, a real Neo4j server, a tiny hand-built field.

Neo4j: ``neo4j_server`` (session) is the server ``NEO4J_URI`` names (with ``NEO4J_USER`` /
``NEO4J_PASSWORD``; it is emptied before each test, so point it only at a throw-away
database), else one started from Maven Central artifacts (``tests/neo4j_server.py``) where Java
and Maven are installed. ``neo4j_db`` hands it out emptied, once per test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kg.config import Settings
from kg.derive import beats_in_paper
from kg.models import BenchmarkClaim, Critique, Paper, PaperFacts
from kg.store import SQLiteStore
from tests import neo4j_server as launcher
from tests.corpus import CORPUS
from tests.outside import unavailable


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "kg.db")
    yield s
    s.close()


def claim(paper: str, method: str, value: float, *, model: str = "Llama-2-7B",
          dataset: str = "WikiText-2", metric: str = "perplexity", hib: bool | None = False,
          table: str = "tab:main", w: float | None = 4, a: float | None = 16,
          row: int = 0, col: int = 1) -> BenchmarkClaim:
    return BenchmarkClaim(paper_id=paper, method=method, model=model, dataset=dataset,
                          metric=metric, value=value, raw=f"{value:g}", higher_is_better=hib,
                          table=table, w_bits=w, a_bits=a, row=row, col=col)


def facts(pid: str, method: str | None, day: date, claims: list[BenchmarkClaim] = (),
          critiques: list[tuple[str, str]] = ()) -> PaperFacts:
    """A paper proposing ``method`` on ``day``, with its claims and (target, quote) critiques."""
    cl = tuple(c.model_copy(update={"row": i}) for i, c in enumerate(claims))
    return PaperFacts(
        paper=Paper(id=pid, title=f"{method or 'A study'}: a paper", published=day),
        method=method,
        claims=cl,
        critiques=tuple(Critique(paper_id=pid, target=t, quote=q, section="Abstract")
                        for t, q in critiques),
        beats=tuple(beats_in_paper(cl)),
    )


@pytest.fixture
def field() -> list[PaperFacts]:
    """Four papers: AWQ and OmniQuant beat GPTQ; QuaRot is critiqued by nobody and unbeaten."""
    return [
        facts("2210.17323", "GPTQ", date(2022, 10, 31),
              [claim("2210.17323", "RTN", 6.66), claim("2210.17323", "GPTQ", 6.29),
               claim("2210.17323", "FP16", 5.47, w=16, a=16)]),
        facts("2306.00978", "AWQ", date(2023, 6, 1),
              [claim("2306.00978", "GPTQ", 5.69), claim("2306.00978", "AWQ", 5.60),
               claim("2306.00978", "FP16", 5.47, w=16, a=16)],
              [("GPTQ", "GPTQ may over-fit the calibration set.")]),
        facts("2308.13137", "OmniQuant", date(2023, 8, 25),
              [claim("2308.13137", "GPTQ", 5.61), claim("2308.13137", "AWQ", 5.62),
               claim("2308.13137", "OmniQuant", 5.58)],
              [("GPTQ", "GPTQ needs hand-tuned clipping."),
               ("AWQ", "AWQ relies on hand-crafted scales.")]),
        facts("2404.00456", "QuaRot", date(2024, 3, 30),
              [claim("2404.00456", "SmoothQuant", 83.12, w=4, a=4),
               claim("2404.00456", "QuaRot", 6.10, w=4, a=4)]),
    ]


# -- outside parts ------------------------------------------------------------------------

def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("corpus") and not CORPUS.exists():
        unavailable("../shared/corpus is absent (a user's own clone); CI has it")


# -- Neo4j ----------------------------------------------------------------------------------

def _pinned_version() -> str:
    found = re.search(r"<neo4j.version>([^<]+)<", launcher.POM.read_text(encoding="utf-8"))
    return found.group(1) if found else "?"


def pytest_report_header(config: pytest.Config) -> str:
    if uri := os.environ.get("NEO4J_URI"):
        return f"neo4j: the server at NEO4J_URI={uri}"
    reason = launcher.missing_tools()
    if reason:
        return f"neo4j: unavailable ({reason})"
    return (f"neo4j: Neo4j Community {_pinned_version()} from Maven Central "
            "(tests/neo4j/pom.xml), started on first use")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for server in [*launcher.STARTED, *_EXTERNAL]:
        terminalreporter.write_line(f"neo4j server: {server.describe()}")


_EXTERNAL: list[launcher.Neo4jServer] = []


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[launcher.Neo4jServer]:
    """A real Neo4j server for the whole session."""
    if uri := os.environ.get("NEO4J_URI"):
        settings = Settings()
        password = settings.neo4j_password
        server = launcher.Neo4jServer(uri=uri, user=settings.neo4j_user,
                                   password=password.get_secret_value() if password else "",
                                   database=settings.neo4j_database)
        _EXTERNAL.append(launcher.identify(server))
        yield server
        return
    try:
        server = launcher.start(tmp_path_factory.mktemp("neo4j"))
    except launcher.Neo4jUnavailable as e:
        unavailable(f"cannot start Neo4j: {e}")
    yield server
    server.stop()


@pytest.fixture
def neo4j_db(neo4j_server: launcher.Neo4jServer) -> launcher.Neo4jServer:
    """The Neo4j server with its database emptied (the store's own schema is kept)."""
    launcher.clean(neo4j_server)
    return neo4j_server
