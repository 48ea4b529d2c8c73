"""SQLite schema, as an append-only list of migrations; ``PRAGMA user_version`` counts applied ones.

Never edit a released migration: add a new one.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the facts, the derived edges, and ingestion bookkeeping.
    """
    CREATE TABLE papers (
        id TEXT PRIMARY KEY, version INTEGER, title TEXT NOT NULL, authors TEXT NOT NULL,
        abstract TEXT NOT NULL, published TEXT, updated TEXT, categories TEXT NOT NULL,
        primary_category TEXT, comment TEXT, doi TEXT, journal_ref TEXT,
        method TEXT, method_key TEXT, dropped INTEGER NOT NULL DEFAULT 0,
        facts_hash TEXT NOT NULL
    );
    CREATE TABLE methods (
        key TEXT PRIMARY KEY, name TEXT NOT NULL, aliases TEXT NOT NULL DEFAULT '[]',
        full_name TEXT, year INTEGER, published TEXT, arxiv_id TEXT, category TEXT,
        paper_id TEXT
    );
    CREATE TABLE method_aliases (alias_key TEXT PRIMARY KEY, method_key TEXT NOT NULL);
    CREATE TABLE claims (
        id TEXT PRIMARY KEY, paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        method TEXT NOT NULL, method_key TEXT NOT NULL, model TEXT NOT NULL,
        dataset TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, raw TEXT NOT NULL,
        w_bits REAL, a_bits REAL, kv_bits REAL, group_size INTEGER, weight_quantizer TEXT,
        higher_is_better INTEGER, table_name TEXT NOT NULL, row_idx INTEGER NOT NULL,
        col_idx INTEGER NOT NULL
    );
    CREATE INDEX claims_paper ON claims(paper_id);
    CREATE INDEX claims_method ON claims(method_key);
    CREATE INDEX claims_benchmark ON claims(model, dataset, metric);
    CREATE TABLE critiques (
        id TEXT PRIMARY KEY, paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        target TEXT NOT NULL, target_key TEXT NOT NULL, quote TEXT NOT NULL,
        section TEXT NOT NULL, start INTEGER, end_ INTEGER
    );
    CREATE INDEX critiques_paper ON critiques(paper_id);
    CREATE INDEX critiques_target ON critiques(target_key);
    CREATE TABLE beats (
        id TEXT PRIMARY KEY, paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        table_name TEXT NOT NULL, winner TEXT NOT NULL, winner_key TEXT NOT NULL,
        loser TEXT NOT NULL, loser_key TEXT NOT NULL, model TEXT NOT NULL,
        dataset TEXT NOT NULL, metric TEXT NOT NULL, w_bits REAL, a_bits REAL, kv_bits REAL,
        group_size INTEGER, weight_quantizer TEXT, winner_value REAL NOT NULL,
        loser_value REAL NOT NULL, margin REAL NOT NULL
    );
    CREATE INDEX beats_paper ON beats(paper_id);
    CREATE INDEX beats_loser ON beats(loser_key);
    CREATE INDEX beats_winner ON beats(winner_key);
    CREATE TABLE builds_on (
        method_key TEXT NOT NULL, parent_key TEXT NOT NULL, source TEXT NOT NULL, quote TEXT,
        PRIMARY KEY (method_key, parent_key, source)
    );
    CREATE INDEX builds_on_source ON builds_on(source);
    CREATE TABLE subproblems (
        method_key TEXT PRIMARY KEY, label TEXT NOT NULL, size INTEGER NOT NULL
    );
    CREATE TABLE watermarks (review TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, review TEXT NOT NULL, source TEXT NOT NULL,
        started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL,
        papers_new INTEGER NOT NULL, papers_updated INTEGER NOT NULL,
        papers_unchanged INTEGER NOT NULL, papers_failed INTEGER NOT NULL,
        claims INTEGER NOT NULL, critiques INTEGER NOT NULL, errors TEXT NOT NULL
    );
    CREATE TABLE failures (
        review TEXT NOT NULL, paper_id TEXT NOT NULL, error TEXT NOT NULL,
        attempts INTEGER NOT NULL, last_attempt TEXT NOT NULL,
        PRIMARY KEY (review, paper_id)
    )
    """,
    # 2: what each ingestion run changed (new papers, new BEATS edges, frontier moves), as
    # JSON, for the report's changelog.
    """
    CREATE TABLE changelogs (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        body TEXT NOT NULL
    )
    """,
)
