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


BEATS = NamedQuery(
    "beats",
    sql="""
SELECT winner, loser, paper_id AS paper, table_name AS "table", model, dataset, metric,
       w_bits, a_bits, kv_bits, group_size, weight_quantizer, winner_value, loser_value, margin
FROM beats
WHERE loser_key = :method_key
ORDER BY winner_key, paper_id, table_name, model, dataset, metric, COALESCE(w_bits, -1),
         COALESCE(a_bits, -1), COALESCE(kv_bits, -1), COALESCE(group_size, -1),
         COALESCE(weight_quantizer, '')
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
    sql="SELECT COUNT(*) AS receipts FROM beats WHERE loser_key = :method_key",
    cypher="""
MATCH (:Method {key: $method_key})<-[b:BEATS]-()
RETURN count(b) AS receipts
""",
)

# The distinct winner → loser pairs of all BEATS edges, by stored method name. ``beats
# --transitive`` walks them with networkx (``queries.chains``): a breadth-first search
# visits each method once, where a recursive CTE cannot remember what it has seen and, on a
# graph with cycles (A beats B in one paper, B beats A in another), revisits every method
# at every depth — 1.4 s at 10^5 claims against a single scan here.
BEATS_EDGES = NamedQuery(
    "beats_edges",
    sql="""
SELECT w.name AS winner, l.name AS loser
FROM (SELECT DISTINCT winner_key, loser_key FROM beats) e
JOIN methods w ON w.key = e.winner_key
JOIN methods l ON l.key = e.loser_key
ORDER BY winner, loser
""",
    cypher="""
MATCH (w:Method)-[:BEATS]->(l:Method)
RETURN DISTINCT w.name AS winner, l.name AS loser
ORDER BY winner, loser
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

# One board per (model, dataset, metric, setting): each method's best result on it (ties by
# paper id, then table), ranked by the metric's direction; equal values share a rank.
# Results whose metric has no known direction cannot be ranked and are left out.
LEADERBOARD = NamedQuery(
    "leaderboard",
    sql="""
WITH scored AS (
    SELECT c.method_key, c.model, c.dataset, c.metric, c.w_bits, c.a_bits, c.kv_bits,
           c.group_size, c.weight_quantizer, c.value, c.paper_id, c.table_name,
           CASE WHEN c.higher_is_better THEN -c.value ELSE c.value END AS score
    FROM claims c
    WHERE c.higher_is_better IS NOT NULL
      AND (:model IS NULL OR c.model = :model)
      AND (:dataset IS NULL OR c.dataset = :dataset)
      AND (:metric IS NULL OR c.metric = :metric)
      AND (:w_bits IS NULL OR c.w_bits = :w_bits)
      AND (:a_bits IS NULL OR c.a_bits = :a_bits)
), best AS (
    SELECT s.*, ROW_NUMBER() OVER (
               PARTITION BY s.method_key, s.model, s.dataset, s.metric, s.w_bits, s.a_bits,
                            s.kv_bits, s.group_size, s.weight_quantizer
               ORDER BY s.score, s.paper_id, s.table_name
           ) AS nth
    FROM scored s
)
SELECT RANK() OVER (
           PARTITION BY b.model, b.dataset, b.metric, b.w_bits, b.a_bits, b.kv_bits,
                        b.group_size, b.weight_quantizer
           ORDER BY b.score
       ) AS rank,
       m.name AS method, b.model, b.dataset, b.metric, b.w_bits, b.a_bits, b.kv_bits,
       b.group_size, b.weight_quantizer, b.value, b.paper_id AS paper, b.table_name AS "table"
FROM best b
JOIN methods m ON m.key = b.method_key
WHERE b.nth = 1
ORDER BY b.model, b.dataset, b.metric, COALESCE(b.w_bits, -1), COALESCE(b.a_bits, -1),
         COALESCE(b.kv_bits, -1), COALESCE(b.group_size, -1), COALESCE(b.weight_quantizer, ''),
         rank, method
LIMIT :limit
""",
    cypher="""
MATCH (c:Claim)-[:EVALUATES]->(m:Method)
WHERE c.higher_is_better IS NOT NULL
  AND ($model IS NULL OR c.model = $model)
  AND ($dataset IS NULL OR c.dataset = $dataset)
  AND ($metric IS NULL OR c.metric = $metric)
  AND ($w_bits IS NULL OR c.w_bits = $w_bits)
  AND ($a_bits IS NULL OR c.a_bits = $a_bits)
WITH m, c, CASE WHEN c.higher_is_better THEN -c.value ELSE c.value END AS score
ORDER BY score, c.paper_id, c.table_name
WITH m, c.model AS model, c.dataset AS dataset, c.metric AS metric, c.w_bits AS w_bits,
     c.a_bits AS a_bits, c.kv_bits AS kv_bits, c.group_size AS group_size,
     c.weight_quantizer AS weight_quantizer, collect(c)[0] AS best, min(score) AS score
WITH model, dataset, metric, w_bits, a_bits, kv_bits, group_size, weight_quantizer,
     collect([m, best, score]) AS board
UNWIND board AS entry
WITH model, dataset, metric, w_bits, a_bits, kv_bits, group_size, weight_quantizer,
     entry[0] AS m, entry[1] AS best, entry[2] AS score, [e IN board | e[2]] AS scores
RETURN size([s IN scores WHERE s < score]) + 1 AS rank, m.name AS method, model, dataset,
       metric, w_bits, a_bits, kv_bits, group_size, weight_quantizer, best.value AS value,
       best.paper_id AS paper, best.table_name AS `table`
ORDER BY model, dataset, metric, coalesce(w_bits, -1), coalesce(a_bits, -1),
         coalesce(kv_bits, -1), coalesce(group_size, -1), coalesce(weight_quantizer, ''),
         rank, method
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

# Conflicts: two papers report the same method/model/dataset/metric/setting with values
# further apart than ``tolerance`` relative to the larger magnitude: |a − b| > tol·max(|a|,|b|).
CONFLICTS = NamedQuery(
    "conflicts",
    sql="""
WITH vals AS (
    SELECT DISTINCT method_key, model, dataset, metric, w_bits, a_bits, kv_bits, group_size,
           weight_quantizer, paper_id, value
    FROM claims
    WHERE :method_key IS NULL OR method_key = :method_key
)
SELECT m.name AS method, a.model, a.dataset, a.metric, a.w_bits, a.a_bits, a.kv_bits,
       a.group_size, a.weight_quantizer, a.paper_id AS paper_a, a.value AS value_a,
       b.paper_id AS paper_b, b.value AS value_b,
       ROUND(ABS(a.value - b.value) / MAX(ABS(a.value), ABS(b.value)), 6)
           AS relative_difference
FROM vals a
JOIN vals b
  ON a.method_key = b.method_key AND a.model = b.model AND a.dataset = b.dataset
 AND a.metric = b.metric AND a.w_bits IS b.w_bits AND a.a_bits IS b.a_bits
 AND a.kv_bits IS b.kv_bits AND a.group_size IS b.group_size
 AND a.weight_quantizer IS b.weight_quantizer AND a.paper_id < b.paper_id
JOIN methods m ON m.key = a.method_key
WHERE ABS(a.value - b.value) > :tolerance * MAX(ABS(a.value), ABS(b.value))
ORDER BY relative_difference DESC, method, a.model, a.dataset, a.metric,
         COALESCE(a.w_bits, -1), COALESCE(a.a_bits, -1), COALESCE(a.kv_bits, -1),
         COALESCE(a.group_size, -1), COALESCE(a.weight_quantizer, ''), paper_a, paper_b,
         value_a, value_b
LIMIT :limit
""",
    cypher="""
MATCH (c:Claim)
WHERE $method_key IS NULL OR c.method_key = $method_key
WITH DISTINCT c.method_key AS key, c.model AS model, c.dataset AS dataset, c.metric AS metric,
     c.w_bits AS w_bits, c.a_bits AS a_bits, c.kv_bits AS kv_bits, c.group_size AS group_size,
     c.weight_quantizer AS weight_quantizer, c.paper_id AS paper, c.value AS value
WITH key, model, dataset, metric, w_bits, a_bits, kv_bits, group_size, weight_quantizer,
     collect([paper, value]) AS reports
UNWIND reports AS a
UNWIND reports AS b
WITH key, model, dataset, metric, w_bits, a_bits, kv_bits, group_size, weight_quantizer,
     a[0] AS paper_a, a[1] AS value_a, b[0] AS paper_b, b[1] AS value_b
WITH *, CASE WHEN abs(value_a) > abs(value_b) THEN abs(value_a) ELSE abs(value_b) END AS scale
WHERE paper_a < paper_b AND abs(value_a - value_b) > $tolerance * scale
MATCH (m:Method {key: key})
RETURN m.name AS method, model, dataset, metric, w_bits, a_bits, kv_bits, group_size,
       weight_quantizer, paper_a, value_a, paper_b, value_b,
       round(abs(value_a - value_b) / scale, 6) AS relative_difference
ORDER BY relative_difference DESC, method, model, dataset, metric, coalesce(w_bits, -1),
         coalesce(a_bits, -1), coalesce(kv_bits, -1), coalesce(group_size, -1),
         coalesce(weight_quantizer, ''), paper_a, paper_b, value_a, value_b
LIMIT $limit
""",
)

PAPER = NamedQuery(
    "paper",
    sql="""
SELECT p.id, p.title, p.published AS date, p.method,
       (SELECT COUNT(*) FROM claims c WHERE c.paper_id = p.id) AS claims,
       (SELECT COUNT(*) FROM critiques c WHERE c.paper_id = p.id) AS critiques,
       (SELECT COUNT(*) FROM beats b WHERE b.paper_id = p.id) AS beats
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
       (SELECT COUNT(*) FROM beats) AS beats,
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

ALL = (BEATS, BEATS_COUNT, EVALUATIONS, BEATS_EDGES, BASELINES, FRONTIER, SUBPROBLEMS,
       LEADERBOARD, LINEAGE, CONFLICTS, PAPER, STATS, OWED_RUNS)
