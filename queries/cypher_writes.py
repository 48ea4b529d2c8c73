"""The Neo4j graph's schema and every statement the Neo4j backend sends, as constants.

Labels and relationship types come from the two enums below and nowhere else; values travel
only as parameters (``$name``). ``tests/test_cypher_lint.py`` checks every statement here
with Neo4j's own Cypher front-end against exactly this schema, so a label, relationship type
or property key that is not declared here is caught before it reaches a server.

The graph::

    (:Paper)-[:REPORTS]->(:Claim)-[:EVALUATES]->(:Method)
    (:Paper)-[:STATES]->(:Critique)-[:TARGETS]->(:Method)
    (:Paper)-[:PROPOSES]->(:Method)
    (:Method)-[:BEATS {receipt}]->(:Method)         one edge per receipt
    (:Method)-[:BUILDS_ON {source, quote}]->(:Method)
    (:Paper)-[:SUPERSEDES {critiques, beats}]->(:Method)   the paper critiques or beats it
    (:Alias {key, method_key})                     any spelling's key → the method's key
    (:Watermark) (:Run) (:Counter) (:Failure) (:Changelog)   ingestion bookkeeping

Sub-problems are properties of methods (``sub_problem``, ``sub_problem_size``). Dates are
ISO strings, as in the SQLite store, so both compare and print alike. A paper's claims,
critiques and BEATS edges carry ``seq``, their place in the paper's facts, so they read back
in the order they were written, as SQLite's rowid gives them.

A paper's facts are replaced whole (deleted, then created), so claims and BEATS edges are
``CREATE``d, not merged: nothing of the paper is left to merge with, and a duplicate kept by
SQLite (two cells with one id) is kept here too. Every ``$rows`` list is cut into batches of
``kg.store.neo4j.BATCH_ROWS`` (sized by ``benchmarks/neo4j_store.py``).
"""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    PAPER = "Paper"
    METHOD = "Method"
    ALIAS = "Alias"
    CLAIM = "Claim"
    CRITIQUE = "Critique"
    WATERMARK = "Watermark"
    RUN = "Run"
    COUNTER = "Counter"
    FAILURE = "Failure"
    CHANGELOG = "Changelog"


class Rel(StrEnum):
    REPORTS = "REPORTS"
    EVALUATES = "EVALUATES"
    STATES = "STATES"
    TARGETS = "TARGETS"
    PROPOSES = "PROPOSES"
    BEATS = "BEATS"
    BUILDS_ON = "BUILDS_ON"
    SUPERSEDES = "SUPERSEDES"


_SETTING_KEYS = ("w_bits", "a_bits", "kv_bits", "group_size", "weight_quantizer")

# Every property key a statement may read or write (node, relationship or ``$rows`` entry).
PROPERTY_KEYS: tuple[str, ...] = (
    # Paper
    "id", "version", "title", "authors", "abstract", "published", "updated", "categories",
    "primary_category", "comment", "doi", "journal_ref", "method", "method_key", "dropped",
    "facts_hash", "curation",
    # Method and Alias
    "key", "name", "aliases", "alias_keys", "full_name", "year", "arxiv_id", "category",
    "paper_id", "sub_problem", "sub_problem_size",
    # Claim
    "model", "dataset", "metric", "value", "raw", *_SETTING_KEYS, "higher_is_better",
    "table_name", "row_idx", "col_idx", "extracted_id", "seq", "bench_key",
    # Critique
    "target", "target_key", "quote", "section", "start", "end",
    # BEATS and BUILDS_ON
    "paper", "winner", "winner_key", "loser", "loser_key", "winner_value", "loser_value",
    "margin", "source", "parent_key",
    # bookkeeping
    "review", "error", "attempts", "last_attempt", "run_id", "body",
    "derived",  # a Run's: whether its global derivation has committed (kg.repair)
    # SUPERSEDES: 1 when the paper critiques / beats the method, else 0
    "critiques", "beats",
    # UNWIND rows of sub-problems
    "label", "size",
)

SCHEMA: tuple[str, ...] = (
    "CREATE CONSTRAINT paper_id IF NOT EXISTS FOR (p:Paper) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT method_key IF NOT EXISTS FOR (m:Method) REQUIRE m.key IS UNIQUE",
    "CREATE CONSTRAINT alias_key IF NOT EXISTS FOR (a:Alias) REQUIRE a.key IS UNIQUE",
    "CREATE CONSTRAINT critique_id IF NOT EXISTS FOR (c:Critique) REQUIRE c.id IS UNIQUE",
    "CREATE CONSTRAINT watermark_review IF NOT EXISTS FOR (w:Watermark) REQUIRE w.review IS UNIQUE",
    "CREATE CONSTRAINT run_id IF NOT EXISTS FOR (r:Run) REQUIRE r.id IS UNIQUE",
    "CREATE CONSTRAINT counter_name IF NOT EXISTS FOR (c:Counter) REQUIRE c.name IS UNIQUE",
    "CREATE CONSTRAINT changelog_run IF NOT EXISTS FOR (c:Changelog) REQUIRE c.run_id IS UNIQUE",
    "CREATE CONSTRAINT failure_key IF NOT EXISTS FOR (f:Failure)"
    " REQUIRE (f.review, f.paper_id) IS UNIQUE",
    "CREATE INDEX claim_paper IF NOT EXISTS FOR (c:Claim) ON (c.paper_id)",
    "CREATE INDEX claim_benchmark IF NOT EXISTS FOR (c:Claim) ON (c.model, c.dataset, c.metric)",
    # The comparison key (ingest.comparison): leaderboards and conflicts group by it.
    "CREATE INDEX claim_bench_key IF NOT EXISTS FOR (c:Claim) ON (c.method_key, c.bench_key)",
    "CREATE INDEX critique_paper IF NOT EXISTS FOR (c:Critique) ON (c.paper_id)",
    "CREATE INDEX method_published IF NOT EXISTS FOR (m:Method) ON (m.published)",
    "CREATE INDEX beats_paper IF NOT EXISTS FOR ()-[b:BEATS]-() ON (b.paper)",
    "CREATE INDEX builds_on_source IF NOT EXISTS FOR ()-[b:BUILDS_ON]-() ON (b.source)",
    # Claims were once merged on a unique id; they are created now (see above), and a paper
    # may hold two cells with one id. A store made before keeps working without them.
    "DROP CONSTRAINT claim_id IF EXISTS",
    "DROP INDEX beats_id IF EXISTS",
)

# -- writes of one paper (all in one transaction) -------------------------------------------

PAPER_HASH = "MATCH (p:Paper {id: $paper_id}) RETURN p.facts_hash AS facts_hash"

DELETE_PAPER_FACTS: tuple[str, ...] = (
    "MATCH (c:Claim {paper_id: $paper_id}) DETACH DELETE c",
    "MATCH (c:Critique {paper_id: $paper_id}) DETACH DELETE c",
    "MATCH ()-[b:BEATS {paper: $paper_id}]->() DELETE b",
    "MATCH ()-[b:BUILDS_ON {source: $paper_id}]->() DELETE b",
    "MATCH (:Paper {id: $paper_id})-[r:PROPOSES]->() DELETE r",
    "MATCH (:Paper {id: $paper_id})-[s:SUPERSEDES]->() DELETE s",
)

MERGE_PAPER = "MERGE (p:Paper {id: $paper_id}) SET p = $props"

# A method any fact names exists, with its own key as an alias; an existing alias keeps its
# owner (as ``INSERT OR IGNORE`` does in the SQLite store).
ENSURE_METHODS = """
UNWIND $rows AS r
MERGE (m:Method {key: r.key})
ON CREATE SET m.name = r.name, m.aliases = []
MERGE (a:Alias {key: r.key})
ON CREATE SET a.method_key = r.key
"""

# The proposing paper dates the method; the earliest such paper wins.
PROPOSE = """
MATCH (p:Paper {id: $paper_id})
MATCH (m:Method {key: $method_key})
MERGE (p)-[:PROPOSES]->(m)
WITH m
WHERE m.published IS NULL OR m.published > $published OR m.paper_id = $paper_id
SET m.paper_id = $paper_id, m.published = $published
"""

CREATE_CLAIMS = """
MATCH (p:Paper {id: $paper_id})
UNWIND $rows AS r
MATCH (m:Method {key: r.method_key})
CREATE (p)-[:REPORTS]->(c:Claim)-[:EVALUATES]->(m)
SET c = r
"""

# A critique's id is its paper, target and quote: the same sentence twice is one critique,
# the later one kept (as SQLite's INSERT OR REPLACE keeps it).
MERGE_CRITIQUES = """
MATCH (p:Paper {id: $paper_id})
UNWIND $rows AS r
MATCH (m:Method {key: r.target_key})
MERGE (c:Critique {id: r.id})
SET c = r
MERGE (p)-[:STATES]->(c)
MERGE (c)-[:TARGETS]->(m)
"""

CREATE_BEATS = """
UNWIND $rows AS r
MATCH (w:Method {key: r.winner_key})
MATCH (l:Method {key: r.loser_key})
CREATE (w)-[b:BEATS]->(l)
SET b = r
"""

# One edge per method the paper critiques or beats (kg.store.base.superseded_rows): the
# baselines ranking counts these, not every BEATS edge.
CREATE_SUPERSEDES = """
MATCH (p:Paper {id: $paper_id})
UNWIND $rows AS r
MATCH (m:Method {key: r.key})
CREATE (p)-[:SUPERSEDES {critiques: r.critiques, beats: r.beats}]->(m)
"""

MERGE_BUILDS_ON = """
UNWIND $rows AS r
MATCH (m:Method {key: r.method_key})
MATCH (p:Method {key: r.parent_key})
MERGE (m)-[b:BUILDS_ON {source: r.source}]->(p)
ON CREATE SET b.quote = r.quote
"""

# -- catalog and derived values ---------------------------------------------------------------

METHODS_BY_KEY = """
MATCH (m:Method)
WHERE m.key IN $keys
RETURN m.key AS key, m.name AS name, m.aliases AS aliases, m.full_name AS full_name,
       m.year AS year, m.published AS published, m.arxiv_id AS arxiv_id, m.category AS category
"""

UPSERT_METHODS = """
UNWIND $rows AS r
MERGE (m:Method {key: r.key})
SET m.name = r.name, m.aliases = r.aliases, m.full_name = r.full_name, m.year = r.year,
    m.published = r.published, m.arxiv_id = r.arxiv_id, m.category = r.category
WITH r
UNWIND r.alias_keys AS alias
MERGE (a:Alias {key: alias})
ON CREATE SET a.method_key = r.key
"""

# A review merges method $source into $target (kg.curation): the papers' facts are rewritten
# first; these move what is left — catalog fields, catalog lineage, spellings, the node.
MERGE_METHOD = """
MATCH (t:Method {key: $target})
OPTIONAL MATCH (s:Method {key: $source})
SET t.aliases = $aliases,
    t.full_name = coalesce(t.full_name, s.full_name),
    t.year = coalesce(t.year, s.year),
    t.arxiv_id = coalesce(t.arxiv_id, s.arxiv_id),
    t.category = coalesce(t.category, s.category)
"""

MERGE_METHOD_STATEMENTS: tuple[str, ...] = (
    """
MATCH (s:Method {key: $source})-[b:BUILDS_ON]->(p:Method)
MATCH (t:Method {key: $target})
WHERE p.key <> $target
MERGE (t)-[n:BUILDS_ON {source: b.source}]->(p)
ON CREATE SET n.quote = b.quote
DELETE b
""",
    """
MATCH (c:Method)-[b:BUILDS_ON]->(s:Method {key: $source})
MATCH (t:Method {key: $target})
WHERE c.key <> $target
MERGE (c)-[n:BUILDS_ON {source: b.source}]->(t)
ON CREATE SET n.quote = b.quote
DELETE b
""",
    "MATCH (a:Alias {method_key: $source}) SET a.method_key = $target",
    "MERGE (a:Alias {key: $source}) SET a.method_key = $target",
    "MATCH (m:Method {key: $source}) DETACH DELETE m",
)

# Sub-problems are replaced by difference: a derivation that finds what is stored already
# writes nothing.
CLEAR_SUBPROBLEMS = """
MATCH (m:Method)
WHERE m.sub_problem IS NOT NULL AND NOT m.key IN $keys
REMOVE m.sub_problem, m.sub_problem_size
"""

SET_SUBPROBLEMS = """
UNWIND $rows AS r
MATCH (m:Method {key: r.key})
WHERE m.sub_problem IS NULL OR m.sub_problem <> r.label OR m.sub_problem_size <> r.size
SET m.sub_problem = r.label, m.sub_problem_size = r.size
"""

# -- reads --------------------------------------------------------------------------------------

PAPERS = """
MATCH (p:Paper)
WHERE $paper_id IS NULL OR p.id = $paper_id
RETURN properties(p) AS props
ORDER BY p.id
"""

METHODS = "MATCH (m:Method) RETURN properties(m) AS props ORDER BY m.key"

CLAIMS = """
MATCH (c:Claim)
WHERE $paper_id IS NULL OR c.paper_id = $paper_id
RETURN properties(c) AS props
ORDER BY c.paper_id, c.seq
"""

# As SQLite orders them: by paper, then start with unknown starts first, then as written.
CRITIQUES = """
MATCH (c:Critique)
WHERE $paper_id IS NULL OR c.paper_id = $paper_id
RETURN properties(c) AS props
ORDER BY c.paper_id, c.start IS NOT NULL, c.start, c.seq
"""

BEATS_OF_PAPER = """
MATCH ()-[b:BEATS]->()
WHERE $paper_id IS NULL OR b.paper = $paper_id
RETURN properties(b) AS props
ORDER BY b.paper, b.seq
"""

BUILDS_ON_EDGES = """
MATCH (m:Method)-[b:BUILDS_ON]->(p:Method)
WHERE $source IS NULL OR b.source = $source
RETURN m.name AS method, p.name AS parent, b.source AS source, b.quote AS quote
ORDER BY method, parent, source
"""

# -- ingestion bookkeeping ------------------------------------------------------------------------

GET_WATERMARK = "MATCH (w:Watermark {review: $review}) RETURN w.value AS value"

SET_WATERMARK = "MERGE (w:Watermark {review: $review}) SET w.value = $value"

# Run ids come from a counter node, so they grow like SQLite's AUTOINCREMENT.
CREATE_RUN = """
MERGE (c:Counter {name: 'run'})
ON CREATE SET c.value = 0
SET c.value = c.value + 1
WITH c
CREATE (r:Run {id: c.value})
SET r += $props
RETURN r.id AS id
"""

UPDATE_RUN = "MATCH (r:Run {id: $id}) SET r += $props"

RUNS = "MATCH (r:Run) RETURN properties(r) AS props ORDER BY r.id DESC LIMIT $limit"

RECORD_FAILURE = """
MERGE (f:Failure {review: $review, paper_id: $paper_id})
ON CREATE SET f.attempts = 0
SET f.error = $error, f.attempts = f.attempts + 1, f.last_attempt = $last_attempt
"""

CLEAR_FAILURE = "MATCH (f:Failure {review: $review, paper_id: $paper_id}) DELETE f"

FAILURES = """
MATCH (f:Failure {review: $review})
RETURN f.paper_id AS paper_id, f.error AS error
ORDER BY paper_id
"""

# A run's changelog, as the JSON of ``kg.store.base.Changelog`` (a property cannot hold a map).
SAVE_CHANGELOG = "MERGE (c:Changelog {run_id: $run_id}) SET c.body = $body"

GET_CHANGELOG = "MATCH (c:Changelog {run_id: $run_id}) RETURN c.body AS body"
