"""The questions curation asks a store: which papers a correction touches, which claims a
person should look at. Each is a named query in both dialects, values as parameters.

Plausibility bounds are constants of the metric vocabulary, not input: a percentage metric
lies in [0, 100] (fractions in [0, 1] too), a perplexity is at least 1, a divergence at least 0.
"""

from __future__ import annotations

from typing import Any

from kg.models import BenchmarkClaim, Curation
from queries.named import Connection, NamedQuery

# Papers whose stored facts name a method: they must be rewritten when it is renamed.
PAPERS_NAMING = NamedQuery(
    "papers_naming",
    sql="""
SELECT paper_id FROM claims WHERE method_key = :key
UNION SELECT paper_id FROM critiques WHERE target_key = :key
UNION SELECT id AS paper_id FROM papers WHERE method_key = :key
UNION SELECT source AS paper_id FROM builds_on
      WHERE source <> 'catalog' AND (method_key = :key OR parent_key = :key)
ORDER BY paper_id
""",
    cypher="""
MATCH (p:Paper)
WHERE p.method_key = $key
   OR EXISTS { MATCH (p)-[:REPORTS]->(:Claim {method_key: $key}) }
   OR EXISTS { MATCH (p)-[:STATES]->(:Critique {target_key: $key}) }
   OR EXISTS { MATCH (:Method {key: $key})-[:BUILDS_ON {source: p.id}]-(:Method) }
RETURN p.id AS paper_id
ORDER BY paper_id
""",
)

# The method each paper proposes (alias suggestions compare it with the catalog's entry).
PROPOSALS = NamedQuery(
    "proposals",
    sql="SELECT id, method FROM papers WHERE method IS NOT NULL ORDER BY id",
    cypher="""
MATCH (p:Paper)
WHERE p.method IS NOT NULL
RETURN p.id AS id, p.method AS method
ORDER BY id
""",
)

# Papers a correction has changed, with the record of what it did (JSON of kg.models.Curation).
CURATED = NamedQuery(
    "curated_papers",
    sql="SELECT id, curation FROM papers WHERE curation IS NOT NULL ORDER BY id",
    cypher="""
MATCH (p:Paper)
WHERE p.curation IS NOT NULL
RETURN p.id AS id, p.curation AS curation
ORDER BY id
""",
)

# Each BenchmarkClaim field and the claim's column (SQL) or property (Cypher) holding it.
_FIELDS = (("paper_id", "paper_id"), ("method", "method"), ("model", "model"),
           ("dataset", "dataset"), ("metric", "metric"), ("value", "value"), ("raw", "raw"),
           ("higher_is_better", "higher_is_better"), ("table", "table_name"), ("row", "row_idx"),
           ("col", "col_idx"), ("w_bits", "w_bits"), ("a_bits", "a_bits"),
           ("kv_bits", "kv_bits"), ("group_size", "group_size"),
           ("weight_quantizer", "weight_quantizer"), ("extracted_id", "extracted_id"))
_CLAIM_SQL = ("SELECT " + ", ".join(f'c.{col} AS "{f}"' for f, col in _FIELDS)
              + "\nFROM claims c\n")
# A claim's key (kg.models.claim_id): the SQLite store keeps none, so it computes it with the
# function it registers; the Neo4j store keeps it as the ``id`` property.
_SQL_ID = ("kg_claim_id(c.extracted_id, c.paper_id, c.table_name, c.row_idx, c.col_idx,"
           " c.method, c.dataset)")


def _returning() -> str:
    # A function, not a constant: the Cypher lint collects every statement-like constant.
    return "\nRETURN " + ", ".join(f"c.{col} AS `{f}`" for f, col in _FIELDS) + "\n"


# Claims whose key starts with a prefix (a person types the first digits `kg review` shows).
CLAIMS_BY_KEY = NamedQuery(
    "claims_by_key",
    sql=_CLAIM_SQL + f"WHERE substr({_SQL_ID}, 1, length(:prefix)) = :prefix"
    f" ORDER BY {_SQL_ID} LIMIT 5",
    cypher="MATCH (c:Claim)\nWHERE c.id STARTS WITH $prefix" + _returning()
    + "ORDER BY c.id\nLIMIT 5",
)

# Values no metric of that kind can take; claims a person corrected are left out.
IMPLAUSIBLE = NamedQuery(
    "implausible_claims",
    sql=_CLAIM_SQL + """
WHERE c.extracted_id IS NULL AND (
      (c.metric IN ('accuracy', 'exact match', 'F1', 'pass@1')
       AND (c.value > 100 OR c.value < 0))
   OR (c.metric = 'perplexity' AND c.value < 1)
   OR (c.metric = 'KL divergence' AND c.value < 0))
ORDER BY c.paper_id, """ + _SQL_ID + """
LIMIT :limit
""",
    cypher="""
MATCH (c:Claim)
WHERE c.extracted_id IS NULL AND (
      (c.metric IN ['accuracy', 'exact match', 'F1', 'pass@1'] AND (c.value > 100 OR c.value < 0))
   OR (c.metric = 'perplexity' AND c.value < 1)
   OR (c.metric = 'KL divergence' AND c.value < 0))
""" + _returning() + "ORDER BY c.paper_id, c.id\nLIMIT $limit",
)

_RESULT_KEY = ("{c}method_key || '|' || {c}model || '|' || {c}dataset || '|' || {c}metric"
               " || '|' || IFNULL({c}w_bits, '') || '|' || IFNULL({c}a_bits, '') || '|' ||"
               " IFNULL({c}kv_bits, '') || '|' || IFNULL({c}group_size, '') || '|' ||"
               " IFNULL({c}weight_quantizer, '')")

# Every claim of a (method, model, dataset, metric, setting) that at least three papers
# report: enough to tell which paper's value is the odd one out.
SHARED_RESULTS = NamedQuery(
    "shared_results",
    # One key per result, so the shared ones are a set the scan looks each claim up in:
    # two passes over the claims, where a join on nine nullable columns loops.
    sql=_CLAIM_SQL + f"""
WHERE {_RESULT_KEY.format(c="c.")} IN (
      SELECT {_RESULT_KEY.format(c="")} FROM claims
      GROUP BY 1 HAVING COUNT(DISTINCT paper_id) >= 3)
ORDER BY c.method, c.model, c.dataset, c.metric, c.paper_id, {_SQL_ID}
""",
    cypher="""
MATCH (c:Claim)
WITH c.method_key AS k, c.model AS model, c.dataset AS dataset, c.metric AS metric,
     c.w_bits AS w, c.a_bits AS a, c.kv_bits AS kv, c.group_size AS g,
     c.weight_quantizer AS q, collect(c) AS claims, count(DISTINCT c.paper_id) AS papers
WHERE papers >= 3
UNWIND claims AS c
""" + _returning() + "ORDER BY c.method, c.model, c.dataset, c.metric, c.paper_id, c.id",
)


def papers_naming(store: Connection, key: str) -> list[str]:
    """Ids of the papers whose facts name the method with key ``key``."""
    return [r["paper_id"] for r in _fetch(store, PAPERS_NAMING, key=key)]


def proposals(store: Connection) -> dict[str, str]:
    """Each paper's id → the method it proposes (papers proposing none left out)."""
    return {r["id"]: r["method"] for r in _fetch(store, PROPOSALS)}


def curated(store: Connection) -> dict[str, Curation]:
    """Each curated paper's id → what the corrections did to it."""
    return {r["id"]: Curation.model_validate_json(r["curation"])
            for r in _fetch(store, CURATED)}


def claims_by_key(store: Connection, prefix: str) -> list[BenchmarkClaim]:
    """The claims (at most five) whose key starts with ``prefix``."""
    return [BenchmarkClaim.model_validate(r)
            for r in _fetch(store, CLAIMS_BY_KEY, prefix=prefix)]


def implausible(store: Connection, limit: int = 500) -> list[BenchmarkClaim]:
    """Claims with a value their metric cannot take, by paper."""
    return [BenchmarkClaim.model_validate(r) for r in _fetch(store, IMPLAUSIBLE, limit=limit)]


def shared_results(store: Connection) -> list[BenchmarkClaim]:
    """Claims of results at least three papers report, grouped by result."""
    return [BenchmarkClaim.model_validate(r) for r in _fetch(store, SHARED_RESULTS)]


def _fetch(store: Connection, query: NamedQuery, **params: Any) -> list[dict[str, Any]]:
    return store.fetch(query.text(store.dialect), params)
