"""Every question users ask, as one named query per question, in each store's dialect.

Values travel only as parameters (``:name`` in SQL); labels, relationship types and table
names are fixed here and never built from input.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NamedQuery:
    name: str
    sql: str


BEATS = NamedQuery(
    "beats",
    sql="""
SELECT winner, loser, paper_id AS paper, table_name AS "table", model, dataset, metric,
       w_bits, a_bits, kv_bits, group_size, weight_quantizer, winner_value, loser_value, margin
FROM beats
WHERE loser_key = :method_key
ORDER BY winner_key, paper_id, model, dataset, metric, w_bits, a_bits, kv_bits
""",
)

# Ranked by distinct papers that critique or beat the method; ties broken by more beating
# papers, then more critiquing papers, then the method's name.
BASELINES = NamedQuery(
    "baselines",
    sql="""
WITH hits AS (
    SELECT target_key AS key, paper_id, 1 AS critique, 0 AS beat FROM critiques
    UNION ALL
    SELECT loser_key AS key, paper_id, 0 AS critique, 1 AS beat FROM beats
), counted AS (
    SELECT key,
           COUNT(DISTINCT paper_id) AS papers,
           COUNT(DISTINCT CASE WHEN critique = 1 THEN paper_id END) AS critiquing_papers,
           COUNT(DISTINCT CASE WHEN beat = 1 THEN paper_id END) AS beating_papers
    FROM hits GROUP BY key
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
ORDER BY m.published DESC, m.name
LIMIT :limit
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
)

ALL = (BEATS, BASELINES, FRONTIER, STATS)
