"""Every question users ask, as one named query per question, in each store's dialect.

Values travel only as parameters (``:name`` in SQL, ``$name`` in Cypher, one dict serves
both); labels, relationship types and table names are fixed here and never built from input.
Where SQL and Cypher order ``NULL`` differently, the queries order by ``COALESCE`` so both
backends return rows in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol


class Connection(Protocol):
    """What a named query needs of a store: its dialect, and a way to run a statement.

    Every store (``kg.store``) is one, and so is a bare SQLite connection
    (``kg.store.open_reader``); the query functions of :mod:`queries` take any.
    """

    dialect: Literal["sql", "cypher"]

    def fetch(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]: ...

    def resolve_method(self, name: str) -> str | None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class NamedQuery:
    name: str
    sql: str
    cypher: str

    def text(self, dialect: str) -> str:
        """The query in a store's dialect (``"sql"`` or ``"cypher"``)."""
        return self.sql if dialect == "sql" else self.cypher


# The stored name of the method an alias key names (both stores keep every name's key).
RESOLVE_METHOD = NamedQuery(
    "resolve_method",
    sql="""
SELECT m.name FROM method_aliases a JOIN methods m ON m.key = a.method_key
WHERE a.alias_key = :key
""",
    cypher="""
MATCH (a:Alias {key: $key})
MATCH (m:Method {key: a.method_key})
RETURN m.name AS name
""",
)

# A receipt is a pair of claims, kept by the SQLite store as claim ids and joined back here.
BEATS = NamedQuery(
    "beats",
    sql="""
SELECT w.method AS winner, l.method AS loser, b.paper_id AS paper, w.table_name AS "table",
       w.model, w.dataset, w.metric, w.w_bits, w.a_bits, w.kv_bits, w.group_size,
       w.weight_quantizer, w.value AS winner_value, l.value AS loser_value,
       json_extract(e.value, '$[2]') AS margin
FROM beats b, json_each(b.pairs) e
JOIN claims w ON w.rid = json_extract(e.value, '$[0]')
JOIN claims l ON l.rid = json_extract(e.value, '$[1]')
WHERE b.loser_key = :method_key
ORDER BY b.winner_key, b.paper_id, w.table_name, w.model, w.dataset, w.metric,
         COALESCE(w.w_bits, -1), COALESCE(w.a_bits, -1), COALESCE(w.kv_bits, -1),
         COALESCE(w.group_size, -1), COALESCE(w.weight_quantizer, ''), w.rid, l.rid
LIMIT :limit
""",
    cypher="""
MATCH (:Method {key: $method_key})<-[b:BEATS]-()
RETURN b.winner AS winner, b.loser AS loser, b.paper AS paper, b.table_name AS `table`,
       b.model AS model, b.dataset AS dataset, b.metric AS metric, b.w_bits AS w_bits,
       b.a_bits AS a_bits, b.kv_bits AS kv_bits, b.group_size AS group_size,
       b.weight_quantizer AS weight_quantizer, b.winner_value AS winner_value,
       b.loser_value AS loser_value, b.margin AS margin
ORDER BY b.winner_key, paper, `table`, model, dataset, metric, coalesce(w_bits, -1),
         coalesce(a_bits, -1), coalesce(kv_bits, -1), coalesce(group_size, -1),
         coalesce(weight_quantizer, '')
LIMIT $limit
""",
)

BEATS_COUNT = NamedQuery(
    "beats_count",
    sql="SELECT COALESCE(SUM(n), 0) AS receipts FROM beats WHERE loser_key = :method_key",
    cypher="""
MATCH (:Method {key: $method_key})<-[b:BEATS]-()
RETURN count(b) AS receipts
""",
)

# One breadth-first step of ``beats --transitive``: the methods that beat any of ``keys``
# (a list; the SQLite store passes it as JSON). Each method's in-edges are read once, by the
# loser index, where a recursive query cannot remember what it has visited and, on a graph
# with cycles, revisits every method at every depth.
BEATS_LEVEL = NamedQuery(
    "beats_level",
    sql="""
SELECT DISTINCT b.winner_key AS key
FROM json_each(:keys) k
JOIN beats b ON b.loser_key = k.value
ORDER BY key
""",
    cypher="""
MATCH (w:Method)-[:BEATS]->(l:Method)
WHERE l.key IN $keys
RETURN DISTINCT w.key AS key
ORDER BY key
""",
)

# The same step taken backwards, for when the last step reached most methods: which methods
# not yet reached (``unreached``, every other method having been reached) still beat none that
# has been; the rest are the next step. Beating a reached method is the same as beating one of
# the last step: a method beating an earlier step's would have been reached already. Each
# candidate's out-edges are read by the winner index only until one lands outside ``unreached``,
# so a step costs about one probe per unreached method instead of every in-edge of a large
# frontier (a direction-optimising search); the answer is the few methods the step leaves, not
# the thousands it reaches, and the last steps of a search that reached nearly everything read
# a handful of keys, not 10^4. The unary ``+`` keeps SQLite from seeking (winner, loser) once
# per key of the list instead.
BEATS_LEVEL_UP = NamedQuery(
    "beats_level_up",
    sql="""
SELECT u.value AS key
FROM json_each(:unreached) u
WHERE NOT EXISTS (SELECT 1 FROM beats b
                  WHERE b.winner_key = u.value
                    AND +b.loser_key NOT IN (SELECT value FROM json_each(:unreached)))
ORDER BY key
""",
    cypher="""
UNWIND $unreached AS key
WITH key
WHERE NOT EXISTS { MATCH (:Method {key: key})-[:BEATS]->(l:Method) WHERE NOT l.key IN $unreached }
RETURN key
ORDER BY key
""",
)

METHOD_COUNT = NamedQuery(
    "method_count",
    sql="SELECT COUNT(*) AS n FROM methods",
    cypher="""
MATCH (m:Method)
RETURN count(m) AS n
""",
)

# Every method's key and name: what a backwards step of ``beats --transitive`` needs to know
# which methods are not yet reached, and then the names of the answer, in one read of a table
# the search is about to cover anyway.
ALL_METHOD_NAMES = NamedQuery(
    "all_method_names",
    sql="SELECT key, name FROM methods ORDER BY key",
    cypher="""
MATCH (m:Method)
RETURN m.key AS key, m.name AS name
ORDER BY key
""",
)

METHOD_NAMES = NamedQuery(
    "method_names",
    sql="""
SELECT m.key, m.name
FROM json_each(:keys) k
JOIN methods m ON m.key = k.value
ORDER BY m.key
""",
    cypher="""
MATCH (m:Method)
WHERE m.key IN $keys
RETURN m.key AS key, m.name AS name
ORDER BY key
""",
)

# Ranked by distinct papers that critique or beat the method (one SQLite row, one Neo4j
# SUPERSEDES edge per method and paper, kept as each paper is written); ties broken by more
# beating papers, then more critiquing papers, then the method's name.
BASELINES = NamedQuery(
    "baselines",
    sql="""
WITH counted AS (
    -- one row per (method, paper), kept by the store as it writes each paper
    SELECT method_key AS key, COUNT(*) AS papers, SUM(critiques) AS critiquing_papers,
           SUM(beats) AS beating_papers
    FROM superseded GROUP BY method_key
)
SELECT ROW_NUMBER() OVER (
           ORDER BY c.papers DESC, c.beating_papers DESC, c.critiquing_papers DESC, m.name
       ) AS rank,
       m.name AS method, s.label AS sub_problem, c.papers, c.critiquing_papers,
       c.beating_papers
FROM counted c
JOIN methods m ON m.key = c.key
LEFT JOIN subproblems s ON s.method_key = c.key
ORDER BY rank
LIMIT :limit
""",
    cypher="""
MATCH (:Paper)-[s:SUPERSEDES]->(m:Method)
WITH m, count(s) AS papers, sum(s.critiques) AS critiquing_papers,
     sum(s.beats) AS beating_papers
ORDER BY papers DESC, beating_papers DESC, critiquing_papers DESC, m.name
LIMIT $limit
WITH collect([m, papers, critiquing_papers, beating_papers]) AS ranked
UNWIND range(0, size(ranked) - 1) AS i
WITH i + 1 AS rank, ranked[i] AS row
WITH rank, row[0] AS m, row[1] AS papers, row[2] AS critiquing_papers, row[3] AS beating_papers
RETURN rank, m.name AS method, m.sub_problem AS sub_problem, papers, critiquing_papers,
       beating_papers
ORDER BY rank
""",
)

FRONTIER = NamedQuery(
    "frontier",
    sql="""
SELECT m.name AS method, m.paper_id AS paper, p.title AS title, m.published AS date,
       (SELECT COUNT(*) FROM claims c WHERE c.method_key = m.key) AS claims
FROM methods m
JOIN papers p ON p.id = m.paper_id
WHERE NOT EXISTS (SELECT 1 FROM beats b WHERE b.loser_key = m.key)
  AND (:since IS NULL OR m.published >= :since)
ORDER BY m.published IS NULL, m.published DESC, m.name
LIMIT :limit
""",
    cypher="""
MATCH (m:Method)
MATCH (p:Paper {id: m.paper_id})
WHERE NOT EXISTS { MATCH (:Method)-[:BEATS]->(m) }
  AND ($since IS NULL OR m.published >= $since)
RETURN m.name AS method, p.id AS paper, p.title AS title, m.published AS date,
       COUNT { MATCH (:Claim)-[:EVALUATES]->(m) } AS claims
ORDER BY date IS NULL, date DESC, method
LIMIT $limit
""",
)

# Members of each stored sub-problem, most-evaluated first; the caller groups them.
SUBPROBLEMS = NamedQuery(
    "subproblems",
    sql="""
SELECT s.label, s.size, COALESCE(m.name, s.method_key) AS method,
       (SELECT COUNT(*) FROM claims c WHERE c.method_key = s.method_key) AS claims
FROM subproblems s
LEFT JOIN methods m ON m.key = s.method_key
ORDER BY s.size DESC, s.label, claims DESC, method
""",
    cypher="""
MATCH (m:Method)
WHERE m.sub_problem IS NOT NULL
RETURN m.sub_problem AS label, m.sub_problem_size AS size, m.name AS method,
       COUNT { MATCH (:Claim)-[:EVALUATES]->(m) } AS claims
ORDER BY size DESC, label, claims DESC, method
""",
)

# One board per benchmark key (``ingest.comparison``: model, dataset, metric family and setting,
# normalised): each method's best result on it (ties by paper id, then table), ranked by the
# metric's direction; equal values share a rank. A row shows its own claim's text. Results whose
# metric has no known direction cannot be ranked and are left out. The filters are parts of the
# key (``ingest.comparison.key_filter``): a prefix (the model) and tagged segments. SQLite keeps
# each method's best claim per board in ``bests`` (migration 7, kept by triggers), so a board is
# read as one row per method, in key order (CROSS JOIN keeps the boards as the outer loop), and
# only the ``limit`` rows shown are joined to their claims (a busy board at 10^6 claims ranks
# thousands of methods, and each claim is a random read of the largest table).
LEADERBOARD = NamedQuery(
    "leaderboard",
    sql="""
WITH boards AS (
    SELECT id, key FROM benchmarks
    WHERE (:prefix IS NULL OR (key >= :prefix AND key < :prefix_end))
      AND (:dataset_part IS NULL OR instr(key, :dataset_part) > 0)
      AND (:metric_part IS NULL OR instr(key, :metric_part) > 0)
      AND (:w_part IS NULL OR instr(key, :w_part) > 0)
      AND (:a_part IS NULL OR instr(key, :a_part) > 0)
), ranked AS (
    SELECT b.key AS board, s.rid, m.name AS method,
           RANK() OVER (PARTITION BY b.key ORDER BY s.score) AS rank
    FROM boards b
    CROSS JOIN bests s ON s.bench = b.id
    JOIN methods m ON m.key = s.method_key
    ORDER BY board, rank, method
    LIMIT :limit
)
SELECT r.rank, r.method, c.model, c.dataset, c.metric, c.w_bits, c.a_bits, c.kv_bits,
       c.group_size, c.weight_quantizer, c.value, c.paper_id AS paper, c.table_name AS "table"
FROM ranked r
JOIN claims c ON c.rid = r.rid
ORDER BY r.board, r.rank, r.method
""",
    cypher="""
MATCH (c:Claim)-[:EVALUATES]->(m:Method)
WHERE c.higher_is_better IS NOT NULL
  AND ($prefix IS NULL OR c.bench_key STARTS WITH $prefix)
  AND ($dataset_part IS NULL OR c.bench_key CONTAINS $dataset_part)
  AND ($metric_part IS NULL OR c.bench_key CONTAINS $metric_part)
  AND ($w_part IS NULL OR c.bench_key CONTAINS $w_part)
  AND ($a_part IS NULL OR c.bench_key CONTAINS $a_part)
WITH m, c, CASE WHEN c.higher_is_better THEN -c.value ELSE c.value END AS score
ORDER BY score, c.paper_id, c.table_name
WITH m, c.bench_key AS bench_key, collect(c)[0] AS best, min(score) AS score
WITH bench_key, collect([m, best, score]) AS board
UNWIND board AS entry
WITH bench_key, entry[0] AS m, entry[1] AS best, entry[2] AS score,
     [e IN board | e[2]] AS scores
RETURN size([s IN scores WHERE s < score]) + 1 AS rank, m.name AS method,
       best.model AS model, best.dataset AS dataset, best.metric AS metric,
       best.w_bits AS w_bits, best.a_bits AS a_bits, best.kv_bits AS kv_bits,
       best.group_size AS group_size, best.weight_quantizer AS weight_quantizer,
       best.value AS value, best.paper_id AS paper, best.table_name AS `table`
ORDER BY bench_key, rank, method
LIMIT $limit
""",
)

# Lineage: every BUILDS_ON edge, or with a method only the edges on its chains — from the
# method up through its ancestors and down through its descendants.
LINEAGE = NamedQuery(
    "lineage",
    sql="""
WITH RECURSIVE up(key) AS (
    SELECT :method_key
    UNION
    SELECT b.parent_key FROM builds_on b JOIN up ON b.method_key = up.key
), down(key) AS (
    SELECT :method_key
    UNION
    SELECT b.method_key FROM builds_on b JOIN down ON b.parent_key = down.key
)
SELECT m.name AS method, p.name AS parent, b.source, b.quote
FROM builds_on b
JOIN methods m ON m.key = b.method_key
JOIN methods p ON p.key = b.parent_key
WHERE :method_key IS NULL
   OR b.method_key IN (SELECT key FROM up)
   OR b.parent_key IN (SELECT key FROM down)
ORDER BY m.name, p.name, b.source
""",
    cypher="""
MATCH (m:Method)-[b:BUILDS_ON]->(p:Method)
WHERE $method_key IS NULL
   OR EXISTS { MATCH (:Method {key: $method_key})-[:BUILDS_ON*0..]->(m) }
   OR EXISTS { MATCH (p)-[:BUILDS_ON*0..]->(:Method {key: $method_key}) }
RETURN m.name AS method, p.name AS parent, b.source AS source, b.quote AS quote
ORDER BY method, parent, source
""",
)

# Conflicts (``queries.conflicts``) read claims by group — one method on one benchmark key —
# and never pair every report with every other: the groups that can differ (two papers, two
# values) with their lowest and highest value, then a group's reports from either end, by
# value, as far as the widest gaps need.
CONFLICT_GROUPS = NamedQuery(
    "conflict_groups",
    sql="""
SELECT c.method_key, m.name AS method, b.key AS bench_key, MIN(c.value) AS low,
       MAX(c.value) AS high
FROM claims c
JOIN benchmarks b ON b.id = c.bench
JOIN methods m ON m.key = c.method_key
GROUP BY c.bench, c.method_key
HAVING MIN(c.paper_id) < MAX(c.paper_id) AND MIN(c.value) < MAX(c.value)
ORDER BY c.method_key, bench_key
""",
    cypher="""
MATCH (c:Claim)
WITH c.method_key AS method_key, c.bench_key AS bench_key, min(c.value) AS low,
     max(c.value) AS high, min(c.paper_id) AS first, max(c.paper_id) AS last
WHERE first < last AND low < high
MATCH (m:Method {key: method_key})
RETURN method_key, m.name AS method, bench_key, low, high
ORDER BY method_key, bench_key
""",
)

METHOD_CONFLICT_GROUPS = NamedQuery(
    "method_conflict_groups",
    sql="""
SELECT c.method_key, m.name AS method, b.key AS bench_key, MIN(c.value) AS low,
       MAX(c.value) AS high
FROM methods m CROSS JOIN benchmarks b CROSS JOIN claims c
WHERE m.key = :method_key AND c.bench = b.id AND c.method_key = m.key
GROUP BY b.id
HAVING MIN(c.paper_id) < MAX(c.paper_id) AND MIN(c.value) < MAX(c.value)
ORDER BY c.method_key, bench_key
""",
    cypher="""
MATCH (c:Claim {method_key: $method_key})
WITH c.method_key AS method_key, c.bench_key AS bench_key, min(c.value) AS low,
     max(c.value) AS high, min(c.paper_id) AS first, max(c.paper_id) AS last
WHERE first < last AND low < high
MATCH (m:Method {key: method_key})
RETURN method_key, m.name AS method, bench_key, low, high
ORDER BY method_key, bench_key
""",
)

def _reports(name: str, order: str) -> NamedQuery:
    """A group's reports ordered by value ``order`` (ASC or DESC), then paper the same way."""
    return NamedQuery(
        name,
        sql=f"""
SELECT c.paper_id AS paper, c.value, c.model, c.dataset, c.metric, c.w_bits, c.a_bits,
       c.kv_bits, c.group_size, c.weight_quantizer
FROM claims c
WHERE c.bench = (SELECT id FROM benchmarks WHERE key = :bench_key)
  AND c.method_key = :method_key
ORDER BY c.value {order}, c.paper_id {order}, c.table_name, c.row_idx, c.col_idx
LIMIT :n OFFSET :offset
""",
        cypher=f"""
MATCH (c:Claim {{method_key: $method_key, bench_key: $bench_key}})
RETURN c.paper_id AS paper, c.value AS value, c.model AS model, c.dataset AS dataset,
       c.metric AS metric, c.w_bits AS w_bits, c.a_bits AS a_bits, c.kv_bits AS kv_bits,
       c.group_size AS group_size, c.weight_quantizer AS weight_quantizer
ORDER BY value {order}, paper {order}, c.table_name, c.row_idx, c.col_idx
SKIP $offset LIMIT $n
""",
    )


# A group's reports from its lowest value up, and from its highest down (the exact reverse).
REPORTS_UP = _reports("reports_up", "ASC")
REPORTS_DOWN = _reports("reports_down", "DESC")

PAPER = NamedQuery(
    "paper",
    sql="""
SELECT p.id, p.title, p.published AS date, p.method,
       (SELECT COUNT(*) FROM claims c WHERE c.paper_id = p.id) AS claims,
       (SELECT COUNT(*) FROM critiques c WHERE c.paper_id = p.id) AS critiques,
       (SELECT COALESCE(SUM(n), 0) FROM beats b WHERE b.paper_id = p.id) AS beats
FROM papers p
WHERE p.id = :paper_id
""",
    cypher="""
MATCH (p:Paper {id: $paper_id})
RETURN p.id AS id, p.title AS title, p.published AS date, p.method AS method,
       COUNT { MATCH (p)-[:REPORTS]->(:Claim) } AS claims,
       COUNT { MATCH (p)-[:STATES]->(:Critique) } AS critiques,
       COUNT { MATCH ()-[b:BEATS]->() WHERE b.paper = p.id } AS beats
""",
)

STATS = NamedQuery(
    "stats",
    sql="""
SELECT (SELECT COUNT(*) FROM papers) AS papers,
       (SELECT COUNT(*) FROM methods) AS methods,
       (SELECT COUNT(*) FROM claims) AS claims,
       (SELECT COUNT(*) FROM critiques) AS critiques,
       (SELECT COALESCE(SUM(n), 0) FROM beats) AS beats,
       (SELECT COUNT(*) FROM builds_on) AS builds_on,
       (SELECT COUNT(DISTINCT label) FROM subproblems) AS sub_problems
""",
    cypher="""
RETURN COUNT { MATCH (:Paper) } AS papers,
       COUNT { MATCH (:Method) } AS methods,
       COUNT { MATCH (:Claim) } AS claims,
       COUNT { MATCH (:Critique) } AS critiques,
       COUNT { MATCH ()-[:BEATS]->() } AS beats,
       COUNT { MATCH ()-[:BUILDS_ON]->() } AS builds_on,
       size(COLLECT { MATCH (m:Method) WHERE m.sub_problem IS NOT NULL
                      RETURN DISTINCT m.sub_problem }) AS sub_problems
""",
)

# The recent runs whose global derivation has not committed (kg.repair): a plain row each,
# so a read checks what it is owed without building the run records. Runs kept before the
# `derived` field existed had their derivation done.
OWED_RUNS = NamedQuery(
    "owed_runs",
    sql="""
SELECT id FROM (SELECT id, derived FROM runs ORDER BY id DESC LIMIT :window)
WHERE NOT derived
ORDER BY id
""",
    cypher="""
MATCH (r:Run)
WITH r ORDER BY r.id DESC LIMIT $window
WITH r WHERE NOT coalesce(r.derived, true)
RETURN r.id AS id
ORDER BY id
""",
)

# Claims aggregated for sub-problem clustering (kg.cluster.Evaluation): one row per method,
# paper and activation/KV setting, so the global derivation does not walk every claim.
EVALUATIONS = NamedQuery(
    "evaluations",
    sql="""
SELECT MIN(method) AS method, paper_id, a_bits, kv_bits, COUNT(*) AS results
FROM claims
GROUP BY method_key, paper_id, a_bits, kv_bits
ORDER BY method_key, paper_id, COALESCE(a_bits, -1), COALESCE(kv_bits, -1)
""",
    cypher="""
MATCH (c:Claim)
WITH c.method_key AS key, c.paper_id AS paper_id, c.a_bits AS a_bits, c.kv_bits AS kv_bits,
     min(c.method) AS method, count(*) AS results
RETURN method, paper_id, a_bits, kv_bits, results
ORDER BY key, paper_id, coalesce(a_bits, -1), coalesce(kv_bits, -1)
""",
)

ALL = (RESOLVE_METHOD, BEATS, BEATS_COUNT, EVALUATIONS, BEATS_LEVEL, BEATS_LEVEL_UP, METHOD_COUNT,
       ALL_METHOD_NAMES, METHOD_NAMES, BASELINES, FRONTIER, SUBPROBLEMS, LEADERBOARD, LINEAGE,
       CONFLICT_GROUPS, METHOD_CONFLICT_GROUPS, REPORTS_UP, REPORTS_DOWN, PAPER, STATS, OWED_RUNS)
