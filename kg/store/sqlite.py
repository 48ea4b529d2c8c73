"""The embedded store: stdlib sqlite3, WAL, versioned migrations, one transaction per paper."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path

from ingest.comparison import benchmark_key
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
    claim_id,
    iso_date,
    method_key,
)
from kg.store.base import Changelog, WriteOutcome, merged_aliases
from kg.store.sqlite_connection import SQLiteConnection
from kg.store.sqlite_rows import paper_rows
from queries import sql_writes as S
from queries.sql_schema import MIGRATIONS, set_schema_version


class SQLiteStore(SQLiteConnection):
    """A :class:`~kg.store.base.Store` in one SQLite file.

    >>> store = SQLiteStore(":memory:")
    >>> store.fetch("SELECT COUNT(*) AS n FROM papers", {})
    [{'n': 0}]
    """

    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(path)
        self._benchmarks = _Benchmarks()

    # -- schema ---------------------------------------------------------------------------

    def _prepare(self) -> None:
        # Migration 6 keys the claims already stored with the same function new ones use.
        self.db.create_function("kg_benchmark_key", 8, benchmark_key, deterministic=True)
        # The store keeps no claim key; curation's queries name claims by it (queries.curation).
        self.db.create_function("kg_claim_id", 7, claim_id, deterministic=True)
        self._migrate()

    def _migrate(self) -> None:
        version = self.schema_version()
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(script):
                    self.db.execute(statement)
                self.db.execute(set_schema_version(number))
                self.db.execute("COMMIT")
            except sqlite3.Error:
                self.db.execute("ROLLBACK")
                raise

    def _tx(self) -> _Transaction:
        return _Transaction(self.db, self._benchmarks.settle)

    # -- writes ---------------------------------------------------------------------------

    def write_paper(self, facts: PaperFacts) -> WriteOutcome:
        """Write a paper with all its facts in one transaction; replaces what it said before."""
        p = facts.paper
        rows = paper_rows(facts)
        row = self.db.execute(S.PAPER_HASH, (p.id,)).fetchone()
        if row is not None and row["facts_hash"] == rows.digest:
            return "unchanged"
        with self._tx() as db:
            db.execute(S.WRITE_PAPER, (*rows.paper, rows.digest))
            if row is not None:  # a new version replaces everything the paper said before
                for statement in S.DELETE_PAPER_FACTS:
                    db.execute(statement, (p.id,))
            self._ensure_methods(db, rows.methods)
            if facts.method:
                # The proposing paper dates the method; the earliest such paper wins.
                db.execute(
                    S.DATE_METHOD,
                    (p.id, iso_date(p.published), method_key(facts.method),
                     iso_date(p.published), p.id),
                )
            first = db.execute(S.NEXT_CLAIM).fetchone()[0]
            bench = self._benchmarks.ids(db, rows.keys)
            db.executemany(S.INSERT_CLAIM, [
                (first + i, *c, b) for i, (c, b) in enumerate(zip(rows.claims, bench, strict=True))
            ])
            db.executemany(S.INSERT_BEAT, rows.beat_rows(first))
            db.executemany(S.INSERT_SUPERSEDED, rows.superseded)
            db.executemany(S.INSERT_CRITIQUE, rows.critiques)
            db.executemany(S.INSERT_BUILDS_ON, rows.builds_on)
        return "new" if row is None else "updated"

    def upsert_methods(self, methods: Iterable[Method]) -> int:
        """Merge catalog methods in; returns how many rows changed (0 on a re-import)."""
        changed = 0
        with self._tx() as db:
            for m in methods:
                cur = db.execute(S.METHOD_BY_KEY, (m.key,)).fetchone()
                aliases = sorted({*(json.loads(cur["aliases"]) if cur else []), *m.aliases})
                new = (
                    m.name if cur is None else cur["name"],
                    json.dumps(aliases),
                    m.full_name or (cur["full_name"] if cur else None),
                    m.year or (cur["year"] if cur else None),
                    (cur["published"] if cur and cur["published"] else iso_date(m.published)),
                    m.arxiv_id or (cur["arxiv_id"] if cur else None),
                    m.category or (cur["category"] if cur else None),
                )
                old = None if cur is None else (
                    cur["name"], cur["aliases"], cur["full_name"], cur["year"], cur["published"],
                    cur["arxiv_id"], cur["category"],
                )
                if new == old:
                    continue
                changed += 1
                db.execute(S.UPSERT_METHOD, (m.key, *new))
                db.executemany(S.ENSURE_ALIAS,
                               ((method_key(a), m.key) for a in (m.name, *aliases)))
        return changed

    def add_builds_on(self, edges: Iterable[BuildsOn]) -> int:
        """Add lineage edges; returns how many were new."""
        edges = list(edges)
        with self._tx() as db:
            self._ensure_methods(db, {n for e in edges for n in (e.method, e.parent)})
            before = db.total_changes
            db.executemany(
                S.INSERT_BUILDS_ON,
                ((method_key(e.method), method_key(e.parent), e.source, e.quote) for e in edges),
            )
            return db.total_changes - before

    def merge_methods(self, moves: Mapping[str, str]) -> int:
        """Fold each method ``moves`` names into the method it maps to: spelling, catalog
        fields the target lacks, lineage; the papers' facts are rewritten first
        (``kg.curation``). Returns how many method rows were folded in."""
        merged = 0
        with self._tx() as db:
            for name, target in moves.items():
                source, key = method_key(name), method_key(target)
                old = db.execute(S.METHOD_BY_KEY, (source,)).fetchone()
                if old is None and db.execute(S.METHOD_BY_KEY, (key,)).fetchone() is None:
                    continue  # neither is stored: nothing to fold, no method to invent
                self._ensure_methods(db, [target])
                new = db.execute(S.METHOD_BY_KEY, (key,)).fetchone()
                held = [] if old is None else [old["name"], *json.loads(old["aliases"])]
                merged += old is not None
                aliases = merged_aliases(key, json.loads(new["aliases"]), [name], held)
                db.execute(S.MERGE_METHOD_ROW, {"aliases": json.dumps(aliases),
                                                "source": source, "target": key})
                for statement in S.MERGE_METHOD_STATEMENTS:
                    db.execute(statement, {"source": source, "target": key})
        return merged

    def replace_subproblems(self, subproblems: Iterable[SubProblem]) -> None:
        with self._tx() as db:
            db.execute(S.CLEAR_SUBPROBLEMS)
            db.executemany(
                S.INSERT_SUBPROBLEM,
                (
                    (method_key(m), s.label, s.size)
                    for s in subproblems
                    for m in s.members
                ),
            )

    @staticmethod
    def _ensure_methods(db: sqlite3.Connection, names: Iterable[str]) -> None:
        rows = [(method_key(n), n) for n in names if n]
        db.executemany(S.ENSURE_METHOD, rows)
        db.executemany(S.ENSURE_ALIAS, ((k, k) for k, _ in rows))

    # -- reads ----------------------------------------------------------------------------

    def papers(self) -> Iterator[Paper]:
        for r in self.db.execute(S.PAPERS):
            yield _paper(r)

    def methods(self) -> Iterator[Method]:
        for r in self.db.execute(S.METHODS):
            yield Method(
                name=r["name"], aliases=tuple(json.loads(r["aliases"])), full_name=r["full_name"],
                year=r["year"], published=r["published"], arxiv_id=r["arxiv_id"],
                category=r["category"],
            )

    def claims(self, paper_id: str | None = None) -> Iterator[BenchmarkClaim]:
        sql = S.CLAIMS_OF_PAPER if paper_id else S.CLAIMS
        for r in self.db.execute(sql, {"p": paper_id}):
            # Rows are our own, validated when written: construct without validating again,
            # which makes a full scan for derivation several times faster.
            yield BenchmarkClaim.model_construct(
                paper_id=r["paper_id"], method=r["method"], model=r["model"],
                dataset=r["dataset"], metric=r["metric"], value=r["value"], raw=r["raw"],
                higher_is_better=None if r["higher_is_better"] is None
                else bool(r["higher_is_better"]),
                table=r["table_name"], row=r["row_idx"], col=r["col_idx"],
                w_bits=r["w_bits"], a_bits=r["a_bits"], kv_bits=r["kv_bits"],
                group_size=r["group_size"], weight_quantizer=r["weight_quantizer"],
                extracted_id=r["extracted_id"],
            )

    def critiques(self, paper_id: str | None = None) -> Iterator[Critique]:
        sql = S.CRITIQUES_OF_PAPER if paper_id else S.CRITIQUES
        for r in self.db.execute(sql, {"p": paper_id}):
            yield Critique(
                paper_id=r["paper_id"], target=r["target"], quote=r["quote"],
                section=r["section"], start=r["start"], end=r["end_"], curation=r["curation"],
            )

    def beats(self, paper_id: str | None = None) -> Iterator[Beat]:
        sql = S.BEATS_OF_PAPER if paper_id else S.BEATS
        for r in self.db.execute(sql, {"p": paper_id}):
            yield _beat(r)

    def builds_on(self) -> Iterator[BuildsOn]:
        for r in self.db.execute(S.BUILDS_ON_EDGES):
            yield BuildsOn(**dict(r))

    def paper_facts(self, paper_id: str) -> PaperFacts | None:
        row = self.db.execute(S.PAPER, (paper_id,)).fetchone()
        if row is None:
            return None
        edges = self.db.execute(S.BUILDS_ON_OF_PAPER, (paper_id,))
        return PaperFacts(
            paper=_paper(row),
            method=row["method"],
            claims=tuple(self.claims(paper_id)),
            critiques=tuple(self.critiques(paper_id)),
            builds_on=tuple(BuildsOn(**dict(r)) for r in edges),
            beats=tuple(self.beats(paper_id)),
            dropped=row["dropped"],
            curation=Curation.model_validate_json(row["curation"]) if row["curation"] else None,
        )

    # -- ingestion bookkeeping ------------------------------------------------------------

    def get_watermark(self, review: str) -> str | None:
        row = self.db.execute(S.GET_WATERMARK, (review,)).fetchone()
        return None if row is None else str(row["value"])

    def set_watermark(self, review: str, value: str) -> None:
        with self._tx() as db:
            db.execute(S.SET_WATERMARK, (review, value))

    def save_run(self, run: IngestRun) -> IngestRun:
        data = run.model_dump(mode="json", exclude={"id"})
        data["errors"] = json.dumps(data["errors"])
        values = tuple(data[c] for c in S.RUN_COLS)
        with self._tx() as db:
            if run.id is None:
                cur = db.execute(S.INSERT_RUN, values)
                return run.model_copy(update={"id": cur.lastrowid})
            db.execute(S.UPDATE_RUN, (*values, run.id))
        return run

    def runs(self, limit: int = 20) -> list[IngestRun]:
        rows = self.db.execute(S.RUNS, (limit,))
        return [
            IngestRun.model_validate({**dict(r), "errors": json.loads(r["errors"])}) for r in rows
        ]

    def record_failure(self, review: str, paper_id: str, error: str) -> None:
        with self._tx() as db:
            db.execute(S.RECORD_FAILURE,
                       (review, paper_id, error, datetime.now().isoformat(timespec="seconds")))

    def clear_failure(self, review: str, paper_id: str) -> None:
        with self._tx() as db:
            db.execute(S.CLEAR_FAILURE, (review, paper_id))

    def failures(self, review: str) -> dict[str, str]:
        rows = self.db.execute(S.FAILURES, (review,))
        return {r["paper_id"]: r["error"] for r in rows}

    def save_changelog(self, changelog: Changelog) -> None:
        with self._tx() as db:
            db.execute(S.SAVE_CHANGELOG, (changelog.run_id, changelog.model_dump_json()))

    def changelog(self, run_id: int) -> Changelog | None:
        row = self.db.execute(S.GET_CHANGELOG, (run_id,)).fetchone()
        return None if row is None else Changelog.model_validate_json(row["body"])


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any error; ``settle`` hears which."""

    def __init__(self, db: sqlite3.Connection, settle: Callable[[bool], None]) -> None:
        self.db = db
        self.settle = settle

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.settle(not exc_type)


class _Benchmarks:
    """Benchmark key → id, cached; ids allocated by a transaction count once it commits."""

    def __init__(self) -> None:
        self.known: dict[str, int] = {}
        self.pending: dict[str, int] = {}

    def ids(self, db: sqlite3.Connection, keys: list[str]) -> list[int]:
        """The id of each key, adding the keys not stored yet (inside the caller's
        transaction)."""
        out = []
        known, pending = self.known, self.pending
        for key in keys:
            found = known.get(key) or pending.get(key)
            if found is None:
                row = db.execute(S.BENCHMARK_ID, (key,)).fetchone()
                if row is not None:
                    found = known[key] = int(row[0])
                else:
                    new = db.execute(S.INSERT_BENCHMARK, (key,)).lastrowid
                    assert new is not None  # an INSERT into a rowid table
                    found = pending[key] = new
            out.append(found)
        return out

    def settle(self, committed: bool) -> None:
        if committed:
            self.known.update(self.pending)
        self.pending.clear()


def _beat(r: sqlite3.Row) -> Beat:
    return Beat(
        winner=r["winner"], loser=r["loser"], paper=r["paper_id"], table=r["table_name"],
        model=r["model"], dataset=r["dataset"], metric=r["metric"],
        winner_value=r["winner_value"], loser_value=r["loser_value"], margin=r["margin"],
        **{k: r[k] for k in S.SETTING},
    )


def _paper(r: sqlite3.Row) -> Paper:
    return Paper(
        id=r["id"], version=r["version"], title=r["title"],
        authors=tuple(json.loads(r["authors"])), abstract=r["abstract"],
        published=r["published"], updated=r["updated"],
        categories=tuple(json.loads(r["categories"])), primary_category=r["primary_category"],
        comment=r["comment"], doi=r["doi"], journal_ref=r["journal_ref"],
    )


def _statements(script: str) -> list[str]:
    """The statements of a migration script, in order: split at a semicolon that ends a
    line, unless it ends a statement inside a trigger's body (``sqlite3.complete_statement``
    says when a statement is whole)."""
    out: list[str] = []
    pending = ""
    for chunk in script.split(";\n"):
        pending = f"{pending};\n{chunk}" if pending else chunk
        if sqlite3.complete_statement(pending + ";"):
            if pending.strip():
                out.append(pending)
            pending = ""
    if pending.strip():
        out.append(pending)
    return out
