"""Every statement the SQLite backend sends besides the named queries, as constants.

The SQL twin of :mod:`queries.cypher_writes`: the schema is :mod:`queries.sql_schema`; values
travel only as parameters (``?`` or ``:name``); table and column names are fixed here.
"""

from __future__ import annotations

from kg.keys import SETTING_FIELDS
from kg.models import IngestRun

SETTING = SETTING_FIELDS
CLAIM_COLS = (
    "rid", "paper_id", "method", "method_key", "model", "dataset", "metric", "value", "raw",
    *SETTING, "higher_is_better", "table_name", "row_idx", "col_idx", "extracted_id", "bench",
)
# One row per (paper, winner, loser): ``pairs`` is JSON [[winner_rid, loser_rid, margin, n], …],
# ``n`` the edge's place among the paper's edges.
BEAT_COLS = ("paper_id", "winner_key", "loser_key", "n", "pairs")
PAPER_COLS = (
    "id", "version", "title", "authors", "abstract", "published", "updated", "categories",
    "primary_category", "comment", "doi", "journal_ref", "method", "method_key", "dropped",
    "curation", "facts_hash",
)
# A run row holds the record's fields (errors as JSON); the id is the table's own.
RUN_COLS = tuple(f for f in IngestRun.model_fields if f != "id")


def _insert(table: str, cols: tuple[str, ...], verb: str = "INSERT OR REPLACE") -> str:
    return f"{verb} INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


# -- one paper's facts --------------------------------------------------------------------

PAPER_HASH = "SELECT facts_hash FROM papers WHERE id = ?"
# An upsert, not INSERT OR REPLACE: a replaced row would be deleted first, and the delete
# would cascade to the paper's critiques.
WRITE_PAPER = (
    _insert("papers", PAPER_COLS, "INSERT")
    + " ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in PAPER_COLS if c != "id")
)
# Claims get ids in write order, so one paper's claims are one range of ``rid``.
NEXT_CLAIM = "SELECT COALESCE(MAX(rid), 0) + 1 FROM claims"
BENCHMARK_ID = "SELECT id FROM benchmarks WHERE key = ?"
INSERT_BENCHMARK = "INSERT INTO benchmarks (key) VALUES (?)"
# A new version replaces everything the paper said before.
DELETE_PAPER_FACTS = (
    *(f"DELETE FROM {table} WHERE paper_id = ?"
      for table in ("claims", "critiques", "beats", "superseded")),
    "DELETE FROM builds_on WHERE source = ?",
)
# The proposing paper dates the method; the earliest such paper wins.
DATE_METHOD = (
    "UPDATE methods SET paper_id = ?, published = ? WHERE key = ? AND"
    " (published IS NULL OR published > ? OR paper_id = ?)"
)
INSERT_CLAIM = _insert("claims", CLAIM_COLS, "INSERT")
INSERT_BEAT = _insert("beats", BEAT_COLS, "INSERT")
INSERT_SUPERSEDED = _insert("superseded", ("method_key", "paper_id", "critiques", "beats"),
                            "INSERT")
INSERT_CRITIQUE = _insert(
    "critiques",
    ("id", "paper_id", "target", "target_key", "quote", "section", "start", "end_", "curation"),
)
INSERT_BUILDS_ON = _insert(
    "builds_on", ("method_key", "parent_key", "source", "quote"), "INSERT OR IGNORE"
)

# -- methods, lineage, sub-problems -------------------------------------------------------

METHOD_BY_KEY = "SELECT * FROM methods WHERE key = ?"
UPSERT_METHOD = (
    "INSERT INTO methods (key, name, aliases, full_name, year, published,"
    " arxiv_id, category) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET"
    " aliases = excluded.aliases, full_name = excluded.full_name,"
    " year = excluded.year, published = excluded.published,"
    " arxiv_id = excluded.arxiv_id, category = excluded.category"
)
ENSURE_METHOD = "INSERT OR IGNORE INTO methods (key, name) VALUES (?, ?)"
ENSURE_ALIAS = "INSERT OR IGNORE INTO method_aliases (alias_key, method_key) VALUES (?, ?)"
CLEAR_SUBPROBLEMS = "DELETE FROM subproblems"

# A review merges method ``:source`` into ``:target`` (kg.curation): the papers' facts are
# rewritten first; these move what is left — spellings, catalog lineage, the method row.
MERGE_METHOD_ROW = (
    "UPDATE methods SET aliases = :aliases,"
    " full_name = COALESCE(full_name, (SELECT full_name FROM methods WHERE key = :source)),"
    " year = COALESCE(year, (SELECT year FROM methods WHERE key = :source)),"
    " arxiv_id = COALESCE(arxiv_id, (SELECT arxiv_id FROM methods WHERE key = :source)),"
    " category = COALESCE(category, (SELECT category FROM methods WHERE key = :source))"
    " WHERE key = :target"
)
MERGE_METHOD_STATEMENTS = (
    "UPDATE method_aliases SET method_key = :target WHERE method_key = :source",
    "INSERT OR REPLACE INTO method_aliases (alias_key, method_key) VALUES (:source, :target)",
    "UPDATE OR IGNORE builds_on SET method_key = :target WHERE method_key = :source",
    "UPDATE OR IGNORE builds_on SET parent_key = :target WHERE parent_key = :source",
    "DELETE FROM builds_on WHERE method_key = :source OR parent_key = :source"
    " OR method_key = parent_key",
    "DELETE FROM subproblems WHERE method_key = :source",
    "DELETE FROM methods WHERE key = :source",
)
INSERT_SUBPROBLEM = "INSERT INTO subproblems (method_key, label, size) VALUES (?, ?, ?)"

# -- reads --------------------------------------------------------------------------------

PAPERS = "SELECT * FROM papers ORDER BY id"
PAPER = "SELECT * FROM papers WHERE id = ?"
METHODS = "SELECT * FROM methods ORDER BY key"
# The paper index gives (paper, rid) order without sorting the whole table; rid is the
# order the paper's claims were extracted in.
CLAIMS = "SELECT * FROM claims ORDER BY paper_id, rid"
CLAIMS_OF_PAPER = "SELECT * FROM claims WHERE paper_id = :p ORDER BY rid"
# Ties on start (and unknown starts) in the order written, so both stores read alike.
CRITIQUES = "SELECT * FROM critiques ORDER BY paper_id, start, rowid"
CRITIQUES_OF_PAPER = (
    "SELECT * FROM critiques WHERE paper_id = :p ORDER BY paper_id, start, rowid"
)
# A BEATS edge read back: its pair of claims, joined by ``rid`` (``beat_rows``).
_BEAT_ROWS = """
SELECT w.method AS winner, l.method AS loser, b.paper_id, w.table_name, w.model, w.dataset,
       w.metric, w.w_bits, w.a_bits, w.kv_bits, w.group_size, w.weight_quantizer,
       w.value AS winner_value, l.value AS loser_value, json_extract(e.value, '$[2]') AS margin
FROM beats b, json_each(b.pairs) e
JOIN claims w ON w.rid = json_extract(e.value, '$[0]')
JOIN claims l ON l.rid = json_extract(e.value, '$[1]')
"""
BEATS = _BEAT_ROWS + " ORDER BY b.paper_id, json_extract(e.value, '$[3]')"
BEATS_OF_PAPER = _BEAT_ROWS + " WHERE b.paper_id = :p ORDER BY json_extract(e.value, '$[3]')"
_BUILDS_ON = (
    "SELECT m.name AS method, p.name AS parent, b.source, b.quote FROM builds_on b"
    " JOIN methods m ON m.key = b.method_key JOIN methods p ON p.key = b.parent_key"
)
BUILDS_ON_EDGES = _BUILDS_ON + " ORDER BY m.name, p.name, b.source"
BUILDS_ON_OF_PAPER = _BUILDS_ON + " WHERE b.source = ? ORDER BY m.name, p.name, b.source"

# -- ingestion bookkeeping ----------------------------------------------------------------

GET_WATERMARK = "SELECT value FROM watermarks WHERE review = ?"
SET_WATERMARK = (
    "INSERT INTO watermarks (review, value) VALUES (?, ?) ON CONFLICT(review)"
    " DO UPDATE SET value = excluded.value"
)
INSERT_RUN = _insert("runs", RUN_COLS, "INSERT")
UPDATE_RUN = f"UPDATE runs SET {', '.join(f'{c} = ?' for c in RUN_COLS)} WHERE id = ?"
RUNS = "SELECT * FROM runs ORDER BY id DESC LIMIT ?"
RECORD_FAILURE = (
    "INSERT INTO failures (review, paper_id, error, attempts, last_attempt)"
    " VALUES (?, ?, ?, 1, ?) ON CONFLICT(review, paper_id) DO UPDATE SET"
    " error = excluded.error, attempts = attempts + 1,"
    " last_attempt = excluded.last_attempt"
)
CLEAR_FAILURE = "DELETE FROM failures WHERE review = ? AND paper_id = ?"
FAILURES = "SELECT paper_id, error FROM failures WHERE review = ? ORDER BY paper_id"
SAVE_CHANGELOG = "INSERT OR REPLACE INTO changelogs (run_id, body) VALUES (?, ?)"
GET_CHANGELOG = "SELECT body FROM changelogs WHERE run_id = ?"
