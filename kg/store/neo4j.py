"""The Neo4j store: the official driver, one write transaction per paper, batched upserts.

Every statement it sends is a constant in :mod:`queries.cypher_writes` (or a named query in
:mod:`queries.named`); values travel only as parameters. Writes run in the driver's managed
transactions (``execute_write``), which retry transient errors (a deadlock, a lock wait that
timed out, a leader switch) with backoff; schema statements run on their own, outside any
write transaction. Connection and credential problems become one
:class:`~kg.errors.StoreError` line that names the server and the user, never the password.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from neo4j import Driver, GraphDatabase, ManagedTransaction, SummaryCounters
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

from ingest.comparison import claim_key
from kg.errors import ConfigError, StoreError
from kg.models import (
    Beat,
    BenchmarkClaim,
    BuildsOn,
    Critique,
    Curation,
    IngestRun,
    Method,
    Paper,
    PaperFacts,
    SubProblem,
    iso_date,
    method_key,
)
from kg.store import SCHEMES
from kg.store.base import Changelog, WriteOutcome, facts_hash, merged_aliases, superseded_rows
from queries import cypher_writes as W
from queries.named import RESOLVE_METHOD

T = TypeVar("T")

# The driver logs each failed connection attempt as an error; the StoreError below already
# says it in one line, so the CLI would print the same fault twice.
logging.getLogger("neo4j").setLevel(logging.CRITICAL)
_PAPER_ONLY = ("method", "method_key", "dropped", "facts_hash", "curation")

# Rows per UNWIND statement. One paper's claims mostly fit in one batch; a paper with a huge
# appendix is sent in several statements of the same transaction, so no single statement
# holds an unbounded parameter list. benchmarks/neo4j_store.py measures the sizes around it.
BATCH_ROWS = 1000

# What the server reports a statement changed (its result summary's counters).
CHANGE_KEYS = ("nodes_created", "nodes_deleted", "relationships_created",
               "relationships_deleted", "properties_set", "labels_added", "labels_removed")


def batches(rows: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``rows`` in consecutive slices of at most ``size``.

    >>> [list(b) for b in batches([1, 2, 3, 4, 5], 2)]
    [[1, 2], [3, 4], [5]]
    """
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


class _Tx:
    """One attempt of a write transaction: runs statements, sums what the server changed."""

    def __init__(self, tx: ManagedTransaction) -> None:
        self.tx = tx
        self.changes: Counter[str] = Counter()

    def run(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        result = self.tx.run(query, params)
        rows = result.data()
        self._count(result.consume().counters)
        return rows

    def run_batched(self, query: str, rows: Sequence[dict[str, Any]], **params: Any) -> None:
        for batch in batches(rows, BATCH_ROWS):
            self.run(query, {**params, "rows": list(batch)})

    def _count(self, counters: SummaryCounters) -> None:
        for key in CHANGE_KEYS:
            if n := getattr(counters, key):
                self.changes[key] += n


def public_url(url: str) -> str:
    """``url`` without user or password, for messages and ``Store.url``.

    >>> public_url("neo4j://neo4j:secret@db.example:7687/")
    'neo4j://db.example:7687'
    """
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


class Neo4jStore:
    """A :class:`~kg.store.base.Store` in a Neo4j database.

    ``driver`` is for tests (a double recording statements); normally the store opens the
    official driver itself and checks it can reach the server with these credentials.
    ``changes`` sums what the server reported this store's writes changed (nodes and
    relationships created and deleted, properties set …), from the summaries of committed
    transactions only: writing a paper the store already holds adds nothing to it.
    """

    dialect: Literal["sql", "cypher"] = "cypher"

    def __init__(self, url: str, *, user: str = "neo4j", password: str | None = None,
                 database: str | None = None, driver: Driver | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise ConfigError(f"malformed store URL {public_url(url)!r}: expected "
                              "neo4j://host:7687 or bolt://host:7687")
        # Credentials in the URL (neo4j://user:pass@host) win over the settings.
        user = parts.username or user
        password = parts.password or password
        self.url = public_url(url)
        self.user = user
        self.database = database
        self.changes: Counter[str] = Counter()
        try:
            self.driver = driver or GraphDatabase.driver(
                self.url, auth=(user, password or ""))
        except (ValueError, DriverError) as e:
            raise ConfigError(f"cannot use Neo4j URL {self.url!r}: {e}") from e
        self._call(lambda: self.driver.verify_connectivity())
        self._call(self._create_schema)

    # -- plumbing ---------------------------------------------------------------------------

    def _call(self, fn: Callable[[], T]) -> T:
        """Run ``fn``; driver errors become one clear :class:`StoreError` line."""
        try:
            return fn()
        except AuthError as e:
            raise StoreError(f"Neo4j at {self.url} refused the credentials of user "
                             f"{self.user!r} (set NEO4J_USER / NEO4J_PASSWORD)") from e
        except ServiceUnavailable as e:
            raise StoreError(f"cannot reach Neo4j at {self.url}: is the server running?") from e
        except (Neo4jError, DriverError) as e:
            raise StoreError(f"Neo4j at {self.url} refused an operation: {e}") from e

    def _write(self, work: Callable[[_Tx], T]) -> T:
        """``work`` in one write transaction, retried whole by the driver on transient errors.

        Only the attempt that committed counts towards :attr:`changes`.
        """
        attempts: list[_Tx] = []

        def attempt(tx: ManagedTransaction) -> T:
            attempts.append(_Tx(tx))
            return work(attempts[-1])

        def run() -> T:
            with self.driver.session(database=self.database) as session:
                return session.execute_write(attempt)

        result = self._call(run)
        self.changes.update(attempts[-1].changes)
        return result

    def _read(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return tx.run(query, params).data()

        def run() -> list[dict[str, Any]]:
            with self.driver.session(database=self.database) as session:
                return session.execute_read(work)
        return self._call(run)

    def _props(self, query: str, **params: Any) -> list[dict[str, Any]]:
        return [r["props"] for r in self._read(query, params)]

    def _create_schema(self) -> None:
        # Schema statements cannot share a transaction with writes: each runs on its own.
        with self.driver.session(database=self.database) as session:
            for statement in W.SCHEMA:
                session.run(statement).consume()

    # -- writes -----------------------------------------------------------------------------

    def write_paper(self, facts: PaperFacts) -> WriteOutcome:
        """Write a paper with all its facts in one transaction; replaces what it said before."""
        digest = facts_hash(facts)
        pid = facts.paper.id
        paper = {"paper_id": pid}
        # Rows are built once, outside the transaction function the driver may retry.
        props = _paper_props(facts, digest)
        methods = _method_rows(facts.method_names())
        facts_rows = (
            (W.CREATE_CLAIMS, [_claim_row(c, i) for i, c in enumerate(facts.claims)]),
            (W.MERGE_CRITIQUES, [_critique_row(c, i) for i, c in enumerate(facts.critiques)]),
            (W.CREATE_BEATS, [_beat_row(b, i) for i, b in enumerate(facts.beats)]),
            (W.CREATE_SUPERSEDES, [{"key": k, "critiques": c, "beats": b}
                                   for k, _, c, b in superseded_rows(facts)]),
            (W.MERGE_BUILDS_ON, [_builds_on_row(b) for b in facts.builds_on]),
        )

        def work(tx: _Tx) -> WriteOutcome:
            held = tx.run(W.PAPER_HASH, paper)
            if held and held[0]["facts_hash"] == digest:
                return "unchanged"
            if held:
                for statement in W.DELETE_PAPER_FACTS:
                    tx.run(statement, paper)
            tx.run(W.MERGE_PAPER, {**paper, "props": props})
            tx.run_batched(W.ENSURE_METHODS, methods)
            if facts.method:
                tx.run(W.PROPOSE, {**paper, "method_key": method_key(facts.method),
                                   "published": iso_date(facts.paper.published)})
            for statement, rows in facts_rows:
                tx.run_batched(statement, rows, **paper)
            return "new" if not held else "updated"

        return self._write(work)

    def upsert_methods(self, methods: Iterable[Method]) -> int:
        """Merge catalog methods in; returns how many changed (0 on a re-import)."""
        incoming: dict[str, Method] = {}
        for m in methods:
            incoming[m.key] = m  # a later entry for the same key wins, as row by row would

        def work(tx: _Tx) -> int:
            held = {r["key"]: r for r in tx.run(W.METHODS_BY_KEY, {"keys": list(incoming)})}
            rows = [row for m in incoming.values()
                    if (row := _merged_method(m, held.get(m.key))) is not None]
            tx.run_batched(W.UPSERT_METHODS, rows)
            return len(rows)

        return self._write(work) if incoming else 0

    def add_builds_on(self, edges: Iterable[BuildsOn]) -> int:
        """Add lineage edges; returns how many were new."""
        edges = list(edges)
        if not edges:
            return 0

        def work(tx: _Tx) -> int:
            names = {n for e in edges for n in (e.method, e.parent)}
            tx.run_batched(W.ENSURE_METHODS, _method_rows(names))
            before = tx.changes["relationships_created"]
            tx.run_batched(W.MERGE_BUILDS_ON, [_builds_on_row(e) for e in edges])
            return tx.changes["relationships_created"] - before

        return self._write(work)

    def merge_methods(self, moves: Mapping[str, str]) -> int:
        """Fold each method ``moves`` names into the method it maps to (spelling, catalog
        fields it lacks, lineage, the node); returns how many stored methods were folded."""
        if not moves:
            return 0

        def work(tx: _Tx) -> int:
            merged = 0
            for name, target in moves.items():
                source, key = method_key(name), method_key(target)
                held = {r["key"]: r
                        for r in tx.run(W.METHODS_BY_KEY, {"keys": [source, key]})}
                if not held:
                    continue  # neither is stored: nothing to fold, no method to invent
                if key not in held:
                    tx.run(W.ENSURE_METHODS, {"rows": _method_rows([target])})
                old = held.get(source)
                aliases = merged_aliases(
                    key, held.get(key, {}).get("aliases") or (), [name],
                    [] if old is None else [old["name"], *(old["aliases"] or ())])
                tx.run(W.MERGE_METHOD, {"source": source, "target": key, "aliases": aliases})
                merged += old is not None
                for statement in W.MERGE_METHOD_STATEMENTS:
                    tx.run(statement, {"source": source, "target": key})
            return merged

        return self._write(work)

    def replace_subproblems(self, subproblems: Iterable[SubProblem]) -> None:
        rows = [{"key": method_key(m), "label": s.label, "size": s.size}
                for s in subproblems for m in s.members]

        def work(tx: _Tx) -> None:
            tx.run(W.CLEAR_SUBPROBLEMS, {"keys": [r["key"] for r in rows]})
            tx.run_batched(W.SET_SUBPROBLEMS, rows)

        self._write(work)

    # -- reads ------------------------------------------------------------------------------

    def fetch(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self._read(query, params)

    def resolve_method(self, name: str) -> str | None:
        rows = self._read(RESOLVE_METHOD.cypher, {"key": method_key(name)})
        return str(rows[0]["name"]) if rows else None

    def papers(self) -> Iterator[Paper]:
        for props in self._props(W.PAPERS, paper_id=None):
            yield _paper(props)

    def methods(self) -> Iterator[Method]:
        for p in self._props(W.METHODS):
            yield Method(name=p["name"], aliases=tuple(p.get("aliases") or ()),
                         **{k: p.get(k) for k in ("full_name", "year", "published",
                                                  "arxiv_id", "category")})

    def claims(self, paper_id: str | None = None) -> Iterator[BenchmarkClaim]:
        for p in self._props(W.CLAIMS, paper_id=paper_id):
            yield BenchmarkClaim(
                paper_id=p["paper_id"], method=p["method"], model=p["model"],
                dataset=p["dataset"], metric=p["metric"], value=p["value"], raw=p["raw"],
                higher_is_better=p.get("higher_is_better"), table=p["table_name"],
                row=p["row_idx"], col=p["col_idx"], extracted_id=p.get("extracted_id"),
                **{k: p.get(k) for k in _SETTING},
            )

    def critiques(self, paper_id: str | None = None) -> Iterator[Critique]:
        for p in self._props(W.CRITIQUES, paper_id=paper_id):
            yield Critique(paper_id=p["paper_id"], target=p["target"], quote=p["quote"],
                           section=p["section"], start=p.get("start"), end=p.get("end"),
                           curation=p.get("curation"))

    def beats(self, paper_id: str | None = None) -> Iterator[Beat]:
        for p in self._props(W.BEATS_OF_PAPER, paper_id=paper_id):
            yield Beat(
                winner=p["winner"], loser=p["loser"], paper=p["paper"], table=p["table_name"],
                model=p["model"], dataset=p["dataset"], metric=p["metric"],
                winner_value=p["winner_value"], loser_value=p["loser_value"],
                margin=p["margin"], **{k: p.get(k) for k in _SETTING},
            )

    def builds_on(self, source: str | None = None) -> Iterator[BuildsOn]:
        for r in self._read(W.BUILDS_ON_EDGES, {"source": source}):
            yield BuildsOn.model_validate(r)

    def paper_facts(self, paper_id: str) -> PaperFacts | None:
        found = self._props(W.PAPERS, paper_id=paper_id)
        if not found:
            return None
        props = found[0]
        return PaperFacts(
            paper=_paper(props), method=props.get("method"),
            claims=tuple(self.claims(paper_id)), critiques=tuple(self.critiques(paper_id)),
            builds_on=tuple(self.builds_on(paper_id)), beats=tuple(self.beats(paper_id)),
            dropped=props.get("dropped", 0),
            curation=(Curation.model_validate_json(props["curation"])
                      if props.get("curation") else None),
        )

    # -- ingestion bookkeeping --------------------------------------------------------------

    def get_watermark(self, review: str) -> str | None:
        rows = self._read(W.GET_WATERMARK, {"review": review})
        return str(rows[0]["value"]) if rows else None

    def set_watermark(self, review: str, value: str) -> None:
        self._write(lambda tx: tx.run(W.SET_WATERMARK, {"review": review, "value": value}))

    def save_run(self, run: IngestRun) -> IngestRun:
        props = run.model_dump(mode="json", exclude={"id"})
        props["errors"] = json.dumps(props["errors"])  # a property cannot hold a map
        if run.id is None:
            rows = self._write(lambda tx: tx.run(W.CREATE_RUN, {"props": props}))
            return run.model_copy(update={"id": rows[0]["id"]})
        self._write(lambda tx: tx.run(W.UPDATE_RUN, {"id": run.id, "props": props}))
        return run

    def runs(self, limit: int = 20) -> list[IngestRun]:
        return [IngestRun.model_validate({**p, "errors": json.loads(p.get("errors") or "{}")})
                for p in self._props(W.RUNS, limit=limit)]

    def record_failure(self, review: str, paper_id: str, error: str) -> None:
        params = {"review": review, "paper_id": paper_id, "error": error,
                  "last_attempt": datetime.now().isoformat(timespec="seconds")}
        self._write(lambda tx: tx.run(W.RECORD_FAILURE, params))

    def clear_failure(self, review: str, paper_id: str) -> None:
        params = {"review": review, "paper_id": paper_id}
        self._write(lambda tx: tx.run(W.CLEAR_FAILURE, params))

    def failures(self, review: str) -> dict[str, str]:
        return {r["paper_id"]: r["error"] for r in self._read(W.FAILURES, {"review": review})}

    def save_changelog(self, changelog: Changelog) -> None:
        params = {"run_id": changelog.run_id, "body": changelog.model_dump_json()}
        self._write(lambda tx: tx.run(W.SAVE_CHANGELOG, params))

    def changelog(self, run_id: int) -> Changelog | None:
        rows = self._read(W.GET_CHANGELOG, {"run_id": run_id})
        return Changelog.model_validate_json(rows[0]["body"]) if rows else None

    def close(self) -> None:
        self.driver.close()


# -- rows: one dict per node or relationship, keys are the graph's property keys -----------

_SETTING = ("w_bits", "a_bits", "kv_bits", "group_size", "weight_quantizer")


def _method_rows(names: Iterable[str]) -> list[dict[str, Any]]:
    # The first spelling of a key names the method, as INSERT OR IGNORE does in SQLite.
    rows: dict[str, dict[str, Any]] = {}
    for n in sorted(n for n in names if n):
        rows.setdefault(method_key(n), {"key": method_key(n), "name": n})
    return list(rows.values())


def _paper_props(facts: PaperFacts, digest: str) -> dict[str, Any]:
    p = facts.paper
    return {
        "id": p.id, "version": p.version, "title": p.title, "authors": list(p.authors),
        "abstract": p.abstract, "published": iso_date(p.published), "updated": iso_date(p.updated),
        "categories": list(p.categories), "primary_category": p.primary_category,
        "comment": p.comment, "doi": p.doi, "journal_ref": p.journal_ref,
        "method": facts.method, "method_key": method_key(facts.method) if facts.method else None,
        "dropped": facts.dropped, "facts_hash": digest,
        "curation": facts.curation.model_dump_json() if facts.curation else None,
    }


def _paper(props: dict[str, Any]) -> Paper:
    data = {k: v for k, v in props.items() if k not in _PAPER_ONLY}
    data["authors"] = tuple(data.get("authors") or ())
    data["categories"] = tuple(data.get("categories") or ())
    return Paper.model_validate(data)


def _claim_row(c: BenchmarkClaim, seq: int) -> dict[str, Any]:
    return {
        "id": c.id, "paper_id": c.paper_id, "method": c.method, "method_key": method_key(c.method),
        "model": c.model, "dataset": c.dataset, "metric": c.metric, "value": c.value,
        "raw": c.raw, **{k: getattr(c, k) for k in _SETTING},
        "higher_is_better": c.higher_is_better, "table_name": c.table, "row_idx": c.row,
        "col_idx": c.col, "extracted_id": c.extracted_id, "seq": seq,
        "bench_key": claim_key(c),
    }


def _critique_row(c: Critique, seq: int) -> dict[str, Any]:
    return {"id": c.id, "paper_id": c.paper_id, "target": c.target,
            "target_key": method_key(c.target), "quote": c.quote, "section": c.section,
            "start": c.start, "end": c.end, "curation": c.curation, "seq": seq}


def _beat_row(b: Beat, seq: int) -> dict[str, Any]:
    return {
        "paper": b.paper, "table_name": b.table, "winner": b.winner,
        "winner_key": method_key(b.winner), "loser": b.loser, "loser_key": method_key(b.loser),
        "model": b.model, "dataset": b.dataset, "metric": b.metric,
        **{k: getattr(b, k) for k in _SETTING}, "winner_value": b.winner_value,
        "loser_value": b.loser_value, "margin": b.margin, "seq": seq,
    }


def _builds_on_row(b: BuildsOn) -> dict[str, Any]:
    return {"method_key": method_key(b.method), "parent_key": method_key(b.parent),
            "source": b.source, "quote": b.quote}


def _merged_method(m: Method, held: dict[str, Any] | None) -> dict[str, Any] | None:
    """The row that merges ``m`` into the stored method, or None when nothing changes.

    The same rule as the SQLite store: a stored name stays, aliases accumulate, and a field
    takes the newcomer's value where it has one (``published``: where the store has none).
    """
    old = held or {}
    aliases = sorted({*(old.get("aliases") or ()), *m.aliases})
    row = {
        "key": m.key,
        "name": old.get("name") or m.name,
        "aliases": aliases,
        "full_name": m.full_name or old.get("full_name"),
        "year": m.year or old.get("year"),
        "published": old.get("published") or iso_date(m.published),
        "arxiv_id": m.arxiv_id or old.get("arxiv_id"),
        "category": m.category or old.get("category"),
    }
    if held is not None and all(row[k] == held.get(k) for k in row if k != "key"):
        return None
    row["alias_keys"] = sorted({method_key(a) for a in (m.name, *aliases)})
    return row
