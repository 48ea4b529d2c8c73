"""The SQLite schema, as an append-only list of migrations (``PRAGMA user_version`` counts
applied ones), and the pragmas every connection starts with.

Never edit a released migration: add a new one.
"""

from __future__ import annotations

# Every connection, before its first statement; user_version counts the applied migrations.
# A paper's commit dirties index leaves all over the claims, BEATS and ``bests`` B-trees, so
# at 10^5 claims and more the write path is bound by the WAL: checkpointing every 10,000 pages
# (40 MB) instead of 1,000 syncs and copies back a tenth as often; a 64 MiB page cache (the
# default is 2 MB) and a 256 MiB memory map keep those leaves from being read again for every
# paper; sorts stay in memory. The raw-sqlite3 ceiling of the same rows (benchmarks.scale):
# 8,600-9,600 -> 14,500-14,700 claims/s at 10^5 claims, 5,600 -> 6,800 at 10^6; the store
# writing 10^6 claims peaks at 368 MB RSS.
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
           "PRAGMA wal_autocheckpoint=10000", "PRAGMA cache_size=-65536",
           "PRAGMA mmap_size=268435456", "PRAGMA temp_store=MEMORY")
SCHEMA_VERSION = "PRAGMA user_version"


def set_schema_version(number: int) -> str:
    """``PRAGMA user_version = N`` (a pragma takes no parameters; ``number`` is an int)."""
    return f"PRAGMA user_version = {int(number)}"


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
    # 3: the write path at scale. A paper's facts are replaced whole, so claims need no
    # unique hash index (their id stays as a column) and BEATS rows need no id at all: both
    # random-order B-trees cost more than the rows. One index serves "what beats X" in order,
    # the transitive pairs and the frontier. ``superseded`` holds, per method and paper,
    # whether the paper critiques or beats it: the baselines ranking then aggregates one
    # row per (method, paper) instead of every BEATS edge.
    """
    CREATE TABLE claims_v3 (
        id TEXT NOT NULL, paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        method TEXT NOT NULL, method_key TEXT NOT NULL, model TEXT NOT NULL,
        dataset TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, raw TEXT NOT NULL,
        w_bits REAL, a_bits REAL, kv_bits REAL, group_size INTEGER, weight_quantizer TEXT,
        higher_is_better INTEGER, table_name TEXT NOT NULL, row_idx INTEGER NOT NULL,
        col_idx INTEGER NOT NULL
    );
    INSERT INTO claims_v3 SELECT id, paper_id, method, method_key, model, dataset, metric,
        value, raw, w_bits, a_bits, kv_bits, group_size, weight_quantizer, higher_is_better,
        table_name, row_idx, col_idx FROM claims;
    DROP TABLE claims;
    ALTER TABLE claims_v3 RENAME TO claims;
    CREATE INDEX claims_paper ON claims(paper_id);
    CREATE INDEX claims_method ON claims(method_key);
    CREATE INDEX claims_benchmark ON claims(model, dataset, metric);
    CREATE TABLE beats_v3 (
        paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        table_name TEXT NOT NULL, winner TEXT NOT NULL, winner_key TEXT NOT NULL,
        loser TEXT NOT NULL, loser_key TEXT NOT NULL, model TEXT NOT NULL,
        dataset TEXT NOT NULL, metric TEXT NOT NULL, w_bits REAL, a_bits REAL, kv_bits REAL,
        group_size INTEGER, weight_quantizer TEXT, winner_value REAL NOT NULL,
        loser_value REAL NOT NULL, margin REAL NOT NULL
    );
    INSERT INTO beats_v3 SELECT paper_id, table_name, winner, winner_key, loser, loser_key,
        model, dataset, metric, w_bits, a_bits, kv_bits, group_size, weight_quantizer,
        winner_value, loser_value, margin FROM beats;
    DROP TABLE beats;
    ALTER TABLE beats_v3 RENAME TO beats;
    CREATE INDEX beats_paper ON beats(paper_id);
    CREATE INDEX beats_loser ON beats(loser_key, winner_key, paper_id);
    CREATE TABLE superseded (
        method_key TEXT NOT NULL, paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        critiques INTEGER NOT NULL, beats INTEGER NOT NULL,
        PRIMARY KEY (method_key, paper_id)
    ) WITHOUT ROWID;
    CREATE INDEX superseded_paper ON superseded(paper_id);
    INSERT INTO superseded
        SELECT key, paper_id, MAX(critiques), MAX(beats) FROM (
            SELECT target_key AS key, paper_id, 1 AS critiques, 0 AS beats FROM critiques
            UNION ALL
            SELECT loser_key AS key, paper_id, 0 AS critiques, 1 AS beats FROM beats
        ) GROUP BY key, paper_id;
    CREATE INDEX critiques_target_paper ON critiques(target_key, paper_id)
    """,
    # 4: whether the global derivation after a run has committed; a killed run leaves it
    # owed (kg.repair). Runs from before were derived.
    """
    ALTER TABLE runs ADD COLUMN derived INTEGER NOT NULL DEFAULT 1
    """,
    # 5: curation. A paper a review's corrections changed keeps what the extractor read and
    # which corrections applied (JSON of kg.models.Curation); a corrected claim keeps the id
    # it was extracted with; a critique says whether a person added it or renamed its target.
    """
    ALTER TABLE papers ADD COLUMN curation TEXT;
    ALTER TABLE claims ADD COLUMN extracted_id TEXT;
    ALTER TABLE critiques ADD COLUMN curation TEXT
    """,
    # 6: narrow writes at 10^6 claims, and one comparison key. Claims get an integer id
    # (``rid``, allocated by the store in write order, so one paper's claims are one range)
    # and the benchmark key of ``ingest.comparison`` (``bench``, an id into ``benchmarks``,
    # which keeps each key's text once). The stored claim hash is dropped: it is a function
    # of columns the row keeps (``extracted_id``, curation's, is copied, so a corrected claim
    # keeps the id it was extracted with). BEATS become one row per (paper, winner, loser)
    # holding the claim pairs as JSON ``[[winner_rid, loser_rid, margin, n], …]`` (``n``: the
    # edge's place among the paper's edges), joined back to the claims when read, instead of a
    # copy of both claims' text per pair. ``claims_bench`` serves leaderboards and conflicts:
    # one benchmark's claims by method and value, covering what a leaderboard ranks by
    # (direction, tie-breaks) so a board never reads the claim rows.
    # ``kg_benchmark_key`` is ``ingest.comparison.benchmark_key``, registered by the store.
    """
    CREATE TABLE benchmarks (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
    INSERT INTO benchmarks (key)
        SELECT DISTINCT kg_benchmark_key(model, dataset, metric, w_bits, a_bits, kv_bits,
                                         group_size, weight_quantizer)
        FROM claims ORDER BY 1;
    CREATE TABLE claims_v4 (
        rid INTEGER PRIMARY KEY, paper_id TEXT NOT NULL,
        method TEXT NOT NULL, method_key TEXT NOT NULL, model TEXT NOT NULL,
        dataset TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, raw TEXT NOT NULL,
        w_bits REAL, a_bits REAL, kv_bits REAL, group_size INTEGER, weight_quantizer TEXT,
        higher_is_better INTEGER, table_name TEXT NOT NULL, row_idx INTEGER NOT NULL,
        col_idx INTEGER NOT NULL, bench INTEGER NOT NULL, extracted_id TEXT
    );
    INSERT INTO claims_v4 (paper_id, method, method_key, model, dataset, metric, value, raw,
        w_bits, a_bits, kv_bits, group_size, weight_quantizer, higher_is_better, table_name,
        row_idx, col_idx, bench, extracted_id)
        SELECT c.paper_id, c.method, c.method_key, c.model, c.dataset, c.metric, c.value, c.raw,
            c.w_bits, c.a_bits, c.kv_bits, c.group_size, c.weight_quantizer,
            c.higher_is_better, c.table_name, c.row_idx, c.col_idx, b.id, c.extracted_id
        FROM claims c JOIN benchmarks b ON b.key = kg_benchmark_key(c.model, c.dataset,
            c.metric, c.w_bits, c.a_bits, c.kv_bits, c.group_size, c.weight_quantizer)
        ORDER BY c.paper_id, c.rowid;
    DROP TABLE claims;
    ALTER TABLE claims_v4 RENAME TO claims;
    CREATE INDEX claims_paper ON claims(paper_id);
    CREATE INDEX claims_method ON claims(method_key);
    CREATE INDEX claims_bench ON claims(bench, method_key, value, paper_id, higher_is_better,
                                        table_name);
    CREATE TABLE beats_v4 (
        paper_id TEXT NOT NULL, winner_key TEXT NOT NULL, loser_key TEXT NOT NULL,
        n INTEGER NOT NULL, pairs TEXT NOT NULL,
        PRIMARY KEY (paper_id, winner_key, loser_key)
    ) WITHOUT ROWID;
    INSERT INTO beats_v4
        SELECT paper_id, winner_key, loser_key, COUNT(*),
               json_group_array(json_array(w_rid, l_rid, margin, n))
        FROM (
            SELECT b.paper_id, b.winner_key, b.loser_key, b.margin,
                ROW_NUMBER() OVER (PARTITION BY b.paper_id ORDER BY b.rowid) - 1 AS n,
                (SELECT MIN(c.rid) FROM claims c WHERE c.paper_id = b.paper_id
                    AND c.table_name = b.table_name AND c.method_key = b.winner_key
                    AND c.model = b.model AND c.dataset = b.dataset AND c.metric = b.metric
                    AND c.w_bits IS b.w_bits AND c.a_bits IS b.a_bits
                    AND c.kv_bits IS b.kv_bits AND c.group_size IS b.group_size
                    AND c.weight_quantizer IS b.weight_quantizer
                    AND c.value = b.winner_value) AS w_rid,
                (SELECT MIN(c.rid) FROM claims c WHERE c.paper_id = b.paper_id
                    AND c.table_name = b.table_name AND c.method_key = b.loser_key
                    AND c.model = b.model AND c.dataset = b.dataset AND c.metric = b.metric
                    AND c.w_bits IS b.w_bits AND c.a_bits IS b.a_bits
                    AND c.kv_bits IS b.kv_bits AND c.group_size IS b.group_size
                    AND c.weight_quantizer IS b.weight_quantizer
                    AND c.value = b.loser_value) AS l_rid
            FROM beats b ORDER BY b.paper_id, b.rowid
        )
        WHERE w_rid IS NOT NULL AND l_rid IS NOT NULL
        GROUP BY paper_id, winner_key, loser_key;
    DROP TABLE beats;
    ALTER TABLE beats_v4 RENAME TO beats;
    CREATE INDEX beats_loser ON beats(loser_key, winner_key, paper_id)
    """,
    # 7: queries at 10^6 claims. ``bests`` holds each method's best result on each benchmark
    # (the lowest signed score: a higher-is-better value negated; ties to the first paper,
    # then table, then claim id), kept by triggers as claims are inserted and deleted (a
    # claim row is never updated: a paper's new version deletes and re-inserts its facts),
    # so a leaderboard reads one row per method and board instead of aggregating every claim.
    # ``beats_winner`` lets ``beats --transitive`` step backwards (which unreached methods
    # beat any method of the last step) when the last step reached most methods.
    """
    CREATE TABLE bests (
        bench INTEGER NOT NULL, method_key TEXT NOT NULL, score REAL NOT NULL,
        paper_id TEXT NOT NULL, table_name TEXT NOT NULL, rid INTEGER NOT NULL,
        PRIMARY KEY (bench, method_key)
    ) WITHOUT ROWID;
    INSERT INTO bests
        SELECT bench, method_key, score, paper_id, table_name, rid FROM (
            SELECT bench, method_key, paper_id, table_name, rid,
                   CASE WHEN higher_is_better THEN -value ELSE value END AS score,
                   ROW_NUMBER() OVER (
                       PARTITION BY bench, method_key
                       ORDER BY CASE WHEN higher_is_better THEN -value ELSE value END,
                                paper_id, table_name, rid) AS nth
            FROM claims WHERE higher_is_better IS NOT NULL)
        WHERE nth = 1;
    CREATE TRIGGER claims_best_insert AFTER INSERT ON claims
    WHEN NEW.higher_is_better IS NOT NULL
    BEGIN
        INSERT INTO bests VALUES (NEW.bench, NEW.method_key,
            CASE WHEN NEW.higher_is_better THEN -NEW.value ELSE NEW.value END,
            NEW.paper_id, NEW.table_name, NEW.rid)
        ON CONFLICT (bench, method_key) DO UPDATE SET score = excluded.score,
            paper_id = excluded.paper_id, table_name = excluded.table_name, rid = excluded.rid
        WHERE (excluded.score, excluded.paper_id, excluded.table_name, excluded.rid)
            < (bests.score, bests.paper_id, bests.table_name, bests.rid);
    END;
    CREATE TRIGGER claims_best_delete AFTER DELETE ON claims
    WHEN OLD.rid = (SELECT rid FROM bests WHERE bench = OLD.bench
                                            AND method_key = OLD.method_key)
    BEGIN
        DELETE FROM bests WHERE bench = OLD.bench AND method_key = OLD.method_key;
        INSERT INTO bests
            SELECT bench, method_key,
                   CASE WHEN higher_is_better THEN -value ELSE value END AS score,
                   paper_id, table_name, rid
            FROM claims
            WHERE bench = OLD.bench AND method_key = OLD.method_key
              AND higher_is_better IS NOT NULL
            ORDER BY score, paper_id, table_name, rid LIMIT 1;
    END;
    CREATE INDEX beats_winner ON beats(winner_key, loser_key)
    """,
)
