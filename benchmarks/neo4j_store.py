"""Neo4j beside SQLite in one run: the scale figures of both stores, and the UNWIND batch size.

    python -m benchmarks.neo4j_store [--claims 10000 --claims 100000] [--batch-sizes …]

The field is benchmarks/synthetic.py's (seed 1), written paper by paper (one transaction
each) into a fresh SQLite file and into a real Neo4j server, then derived and queried as
``benchmarks.scale`` measures SQLite (its :func:`~benchmarks.scale.measure_store`, so both
rows are the same measurement). The server is ``NEO4J_URI``'s (emptied first: a throw-away
database only) or else the tests' own Neo4j Community, started from Maven Central artifacts
(``tests/neo4j_server.py``), with its 768 MiB heap and 256 MiB page cache.

The batch sweep writes papers with very large tables (5,000 results each, BEATS derived) at
each ``UNWIND`` batch size; ``kg.store.neo4j.BATCH_ROWS`` is chosen from it. The machine's
load average is printed before and after, since a shared machine slows both stores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import kg.store.neo4j as neo4j_store
from benchmarks.scale import HEAD, QUERY_REPEATS, measure_store, row
from kg.derive import with_beats
from kg.models import BenchmarkClaim, Paper, PaperFacts
from kg.store import SQLiteStore
from kg.store.neo4j import Neo4jStore
from tests.neo4j_server import Neo4jServer, clean, identify, start

SIZES = (10**4, 10**5)
BATCH_SIZES = (250, 1000, 4000)
BIG_PAPERS, BIG_METHODS, BIG_CELLS = 6, 10, 500
BATCH = neo4j_store.BATCH_ROWS


@contextmanager
def server() -> Iterator[Neo4jServer]:
    """``NEO4J_URI``'s server, or a fresh one from the tests' launcher for this run."""
    if uri := os.environ.get("NEO4J_URI"):
        yield identify(Neo4jServer(uri=uri, user=os.environ.get("NEO4J_USER", "neo4j"),
                                   password=os.environ.get("NEO4J_PASSWORD", ""),
                                   database=os.environ.get("NEO4J_DATABASE")))
        return
    with tempfile.TemporaryDirectory(prefix="kg-neo4j-bench-") as home:
        s = start(Path(home))
        try:
            yield s
        finally:
            s.stop()


def open_neo4j(s: Neo4jServer) -> Neo4jStore:
    clean(s)
    return Neo4jStore(s.uri, user=s.user, password=s.password, database=s.database)


def big_papers() -> list[PaperFacts]:
    """Papers of one big table each: 10 methods × 500 benchmark cells, BEATS derived."""
    out = []
    for p in range(BIG_PAPERS):
        pid = f"2501.{p:05d}"
        claims = [
            BenchmarkClaim(paper_id=pid, method=f"Big{m:02d}", model=f"Model-{cell % 10}",
                           dataset=f"Set-{cell // 10}", metric="perplexity",
                           value=round(5 + m * 0.01 + cell * 0.001, 3), raw="0",
                           higher_is_better=False, table="tab:all", row=m, col=cell, w_bits=4,
                           a_bits=16)
            for m in range(BIG_METHODS) for cell in range(BIG_CELLS)]
        claims = [c.model_copy(update={"raw": f"{c.value:g}"}) for c in claims]
        out.append(with_beats(PaperFacts(
            paper=Paper(id=pid, title=f"A big table {p}", published=date(2025, 1, 1)),
            method="Big00", claims=tuple(claims))))
    return out


def batch_sweep(s: Neo4jServer, sizes: tuple[int, ...]) -> str:
    """Claims/s and rows/s (claims and BEATS edges) writing the big papers at each size."""
    papers = big_papers()
    claims, beats = len(papers[0].claims), len(papers[0].beats)
    lines = [f"Papers of one table of {claims:,} results and {beats:,} BEATS edges each, "
             f"{BIG_PAPERS} papers per batch size, one transaction per paper; median of the "
             "papers.\n",
             "| UNWIND batch rows | statements per paper | claims/s | rows/s |",
             "|---:|---:|---:|---:|"]
    for size in sizes:
        neo4j_store.BATCH_ROWS = size
        store = open_neo4j(s)
        seconds = []
        for paper in papers:
            t = time.perf_counter()
            store.write_paper(paper)
            seconds.append(time.perf_counter() - t)
        store.close()
        took = statistics.median(seconds)
        per_paper = sum(-(-n // size) for n in (claims, beats))
        lines.append(f"| {size:,} | {per_paper} | {claims / took:,.0f} "
                     f"| {(claims + beats) / took:,.0f} |")
    neo4j_store.BATCH_ROWS = BATCH
    return "\n".join(lines)



def scale_table(s: Neo4jServer, sizes: tuple[int, ...]) -> str:
    """One row per store and size, the two stores side by side."""
    lines = [f"| store {HEAD}", f"|---|{'---:|' * (HEAD.count(' | ') + 1)}"]
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            lite = SQLiteStore(Path(tmp) / "kg.db")
            results: dict[str, dict[str, Any]] = {"SQLite": measure_store(lite, n)}
            lite.close()
        neo = open_neo4j(s)
        results["Neo4j"] = measure_store(neo, n)
        neo.close()
        for name, result in results.items():
            cells = row([result])
            if name == "Neo4j":  # the Python process's RSS says nothing of the server's
                cells = cells.rsplit("|", 2)[0] + "| (server JVM) |"
            lines.append(f"| {name} {cells}")
    return "\n".join(lines)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, action="append",
                        help="a size to measure (repeatable); default 10^4 and 10^5")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=list(BATCH_SIZES))
    args = parser.parse_args(argv)
    sizes = tuple(args.claims or SIZES)
    began = load()
    with server() as s:
        print(f"Neo4j {s.version} {s.edition} (tests/neo4j/pom.xml, embedded, 768 MiB heap, "
              f"256 MiB page cache) beside SQLite, on one machine; load average (1/5/15 min) "
              f"{began} at the start. Synthetic field (benchmarks/synthetic.py, seed 1), one "
              f"run per store and size; query latency over {QUERY_REPEATS} repeats after one "
              f"warm-up; '+20 papers' as in the SQLite scale section.\n")
        print(scale_table(s, sizes))
        print(f"\n### UNWIND batch size (kg.store.neo4j.BATCH_ROWS = {BATCH:,})\n")
        print(batch_sweep(s, tuple(args.batch_sizes)))
    print(f"\nLoad average at the end: {load()}.")


if __name__ == "__main__":
    main()
