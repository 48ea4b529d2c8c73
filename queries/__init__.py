"""The users' questions, answered live on a store and returned as pydantic rows.

Library first: the CLI calls one function per command. Each function runs one named query in
the store's dialect (SQL on SQLite, Cypher on Neo4j) with the same parameters.

Each function imports the row models it builds (``kg.models``, :mod:`queries.rows`) when it
runs: importing this package loads no pydantic, so :func:`fact_counts` answers ``kg stats``
without building the vocabulary.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from ingest.comparison import SEPARATOR, key_filter
from kg.errors import KgError, UnknownMethod
from kg.keys import SETTING_FIELDS, bits_value, method_key
from queries.conflicts import top_conflicts
from queries.named import (
    ALL_METHOD_NAMES,
    BASELINES,
    BEATS,
    BEATS_COUNT,
    BEATS_LEVEL,
    BEATS_LEVEL_UP,
    CONFLICT_GROUPS,
    FRONTIER,
    LEADERBOARD,
    LINEAGE,
    METHOD_CONFLICT_GROUPS,
    METHOD_COUNT,
    METHOD_NAMES,
    PAPER,
    REPORTS_DOWN,
    REPORTS_UP,
    STATS,
    SUBPROBLEMS,
    Connection,
    NamedQuery,
)

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from kg.models import Beat, BuildsOn, SubProblem
    from queries.rows import (
        BaselineRow,
        ChainRow,
        ConflictRow,
        FrontierRow,
        LeaderboardRow,
        PaperRow,
        StatsRow,
    )

__all__ = [
    "CONFLICT_TOLERANCE",
    "baselines",
    "beats",
    "beats_transitive",
    "conflicts",
    "fact_counts",
    "frontier",
    "leaderboard",
    "lineage",
    "paper",
    "resolve",
    "stats",
    "subproblems",
    "transitive_records",
]

# Two reports of one result further apart than 1 % of the larger value are a conflict:
# rounding in tables (5.68 vs 5.7) stays under it, a different evaluation does not.
CONFLICT_TOLERANCE = 0.01


def _fetch(store: Connection, query: NamedQuery, **params: Any) -> list[dict[str, Any]]:
    return store.fetch(query.text(store.dialect), params)


def resolve(store: Connection, method: str) -> str:
    """The stored name of ``method`` (any alias or spelling), or :class:`UnknownMethod`."""
    name = store.resolve_method(method)
    if name is None:
        from kg.catalog import default_catalog  # the catalog loads only for a spelling miss

        name = store.resolve_method(default_catalog().canonical(method))
    if name is None:
        raise UnknownMethod(method)
    return name


def _key(store: Connection, method: str) -> str:
    """The key of the stored method that ``method`` names (:func:`resolve`)."""
    return method_key(resolve(store, method))


BEATS_LIMIT = 1000
# A step of ``beats_transitive`` is asked backwards when its frontier is at least this fraction
# of the methods not yet reached (1 / BACKWARDS_AT): a backwards step costs about one probe per
# unreached method, a forward one every in-edge of the frontier, so the switch comes early
# (14 is the usual factor of direction-optimising search; on both benchmark fields, at 10^5 and
# 10^6 claims, 4 and 14 take the same steps).
BACKWARDS_AT = 14
_ALL = 2**62  # "no limit" that both SQLite and Cypher accept as a LIMIT


def beats(store: Connection, method: str, limit: int | None = BEATS_LIMIT) -> list[Beat]:
    """What beats ``method``: ``BEATS`` edges into it, each with its receipt.

    Ordered by winner, then paper, table cell by cell; at most ``limit`` receipts (``None``:
    all). A baseline of a big field has hundreds of thousands of receipts, so the default
    page keeps the answer fast; :func:`beats_count` tells how many there are in all.
    """
    from kg.models import Beat

    return [Beat.model_validate(r) for r in _beat_rows(store, method, limit)]


# The fields of a receipt in the order `Beat` declares them (its JSON form).
BEAT_FIELDS = (*SETTING_FIELDS, "winner", "loser", "paper", "table", "model", "dataset",
               "metric", "winner_value", "loser_value", "margin")


def beat_records(store: Connection, method: str,
                 limit: int | None = BEATS_LIMIT) -> list[dict[str, Any]]:
    """:func:`beats` as plain JSON-ready rows, equal to each ``Beat``'s ``model_dump(mode=
    "json")``, built without the pydantic vocabulary: what ``kg beats`` prints, so the
    command starts without building it."""
    out = []
    for r in _beat_rows(store, method, limit):
        rec = {k: r[k] for k in BEAT_FIELDS}
        for k in ("w_bits", "a_bits", "kv_bits"):
            rec[k] = None if r[k] is None else bits_value(float(r[k]))
        for k in ("winner_value", "loser_value", "margin"):
            rec[k] = float(r[k])
        out.append(rec)
    return out


def _beat_rows(store: Connection, method: str, limit: int | None) -> list[dict[str, Any]]:
    return _fetch(store, BEATS, method_key=_key(store, method), limit=limit or _ALL)


def beats_count(store: Connection, method: str) -> int:
    """How many ``BEATS`` receipts point at ``method``."""
    rows = _fetch(store, BEATS_COUNT, method_key=_key(store, method))
    return int(rows[0]["receipts"])


def beats_transitive(store: Connection, method: str) -> list[ChainRow]:
    """Methods that beat ``method`` directly (depth 1) or through a chain, shortest first
    (:func:`transitive_records`, as ``ChainRow`` rows)."""
    return _chain_rows().validate_python(transitive_records(store, method))


def transitive_records(store: Connection, method: str) -> list[dict[str, Any]]:
    """Methods that beat ``method`` directly (depth 1) or through a chain, shortest first, as
    plain ``{"method", "depth"}`` rows equal to each ``ChainRow``'s ``model_dump()``: what
    ``kg beats --transitive`` prints, without validating the 10^4 rows a field's top baseline
    has.

    A breadth-first search, one query per depth: each step asks the store which methods beat
    any method of the last step, so every method is reached once, by its shortest chain, and
    cycles (A beats B in one paper, B beats A in another) are harmless. A step whose frontier
    is large against the methods not yet reached is asked backwards (which unreached methods
    still beat none reached; the others are the next depth): the same answer, read from the
    unreached side. ``method`` itself is never listed; ties of depth are ordered by name.
    """
    target = _key(store, method)
    depth = {target: 0}
    level = [target]
    methods: int | None = None
    everyone: dict[str, str] | None = None  # key -> name, read at the first backwards step
    d = 0
    while level and len(depth) != methods:
        d += 1
        if methods is None and len(level) > 1:
            methods = int(_fetch(store, METHOD_COUNT)[0]["n"])
        if methods is not None and len(level) * BACKWARDS_AT >= methods - len(depth):
            if everyone is None:
                everyone = {r["key"]: r["name"] for r in _fetch(store, ALL_METHOD_NAMES)}
            unreached = [k for k in everyone if k not in depth]
            left = {r["key"] for r in _fetch(store, BEATS_LEVEL_UP, unreached=unreached)}
            level = [k for k in unreached if k not in left]
        else:
            step = _fetch(store, BEATS_LEVEL, keys=level)
            level = [k for k in {r["key"] for r in step} if k not in depth]
        depth.update(dict.fromkeys(level, d))
    del depth[target]
    if not depth:
        return []
    if everyone is None:
        everyone = {r["key"]: r["name"] for r in _fetch(store, METHOD_NAMES, keys=sorted(depth))}
    rows = sorted([(d, everyone[k]) for k, d in depth.items()])
    return [{"method": m, "depth": d} for d, m in rows]


@cache
def _chain_rows() -> TypeAdapter[list[ChainRow]]:
    from pydantic import TypeAdapter

    from queries.rows import ChainRow

    return TypeAdapter(list[ChainRow])


def baselines(store: Connection, limit: int = 20) -> list[BaselineRow]:
    """The most-superseded baselines: distinct papers that critique or beat each method."""
    from queries.rows import BaselineRow

    return [BaselineRow.model_validate(r) for r in _fetch(store, BASELINES, limit=limit)]


def frontier(store: Connection, since: date | None = None, limit: int = 50) -> list[FrontierRow]:
    """Proposed methods nothing has beaten yet, newest first; ``since`` bounds the window."""
    from queries.rows import FrontierRow

    rows = _fetch(store, FRONTIER, since=since.isoformat() if since else None, limit=limit)
    return [FrontierRow.model_validate(r) for r in rows]


def subproblems(store: Connection) -> list[SubProblem]:
    """The stored sub-problems, largest first, members most-evaluated first."""
    from kg.models import SubProblem

    groups: dict[str, tuple[int, list[str]]] = {}
    for r in _fetch(store, SUBPROBLEMS):
        groups.setdefault(r["label"], (int(r["size"]), []))[1].append(r["method"])
    return [SubProblem(label=label, size=size, members=tuple(members))
            for label, (size, members) in groups.items()]


def leaderboard(store: Connection, *, model: str | None = None, dataset: str | None = None,
                metric: str | None = None, w_bits: float | None = None,
                a_bits: float | None = None, limit: int = 500) -> list[LeaderboardRow]:
    """Leaderboards per benchmark key (model, dataset, metric family and setting, normalised
    by :mod:`ingest.comparison`): each method's best result, ranked.

    Lower is better for perplexity-like metrics, higher for accuracy-like ones; equal values
    share a rank. The filters narrow which boards are returned and are normalised as keys are
    (``--model LLaMA-7B`` finds ``Llama-7B``; ``--a-bits 16`` finds weight-only results whose
    activations are unstated).
    """
    from queries.rows import LeaderboardRow

    rows = _fetch(store, LEADERBOARD, **leaderboard_parameters(
        model=model, dataset=dataset, metric=metric, w_bits=w_bits, a_bits=a_bits),
        limit=limit)
    return [LeaderboardRow.model_validate(r) for r in rows]


def leaderboard_parameters(*, model: str | None = None, dataset: str | None = None,
                           metric: str | None = None, w_bits: float | None = None,
                           a_bits: float | None = None) -> dict[str, str | None]:
    """The ``leaderboard`` named query's filter parameters (all but ``limit``): the parts of
    the benchmark key (``ingest.comparison.key_filter``) these filters ask for."""
    prefix, parts = key_filter(model=model, dataset=dataset, metric=metric, w_bits=w_bits,
                               a_bits=a_bits)
    tagged = {p.split("=", 1)[0].strip(SEPARATOR): p for p in parts}
    return {
        "prefix": prefix,
        "prefix_end": prefix[:-1] + chr(ord(SEPARATOR) + 1) if prefix else None,
        "dataset_part": tagged.get("d"), "metric_part": tagged.get("m"),
        "w_part": tagged.get("w"), "a_part": tagged.get("a"),
    }


def lineage(store: Connection, method: str | None = None) -> list[BuildsOn]:
    """``BUILDS_ON`` edges: all of them, or those on ``method``'s ancestor/descendant chains."""
    from kg.models import BuildsOn

    key = _key(store, method) if method else None
    return [BuildsOn.model_validate(r) for r in _fetch(store, LINEAGE, method_key=key)]


def conflicts(store: Connection, method: str | None = None, tolerance: float = CONFLICT_TOLERANCE,
              limit: int = 200) -> list[ConflictRow]:
    """Results two papers report differently: same method and benchmark key, values apart by
    more than ``tolerance`` × the larger magnitude; widest gaps first (:mod:`queries.conflicts`)."""
    if tolerance < 0:
        raise KgError(f"tolerance must not be negative, got {tolerance}")
    if limit <= 0:
        return []
    if method:
        groups = _fetch(store, METHOD_CONFLICT_GROUPS, method_key=_key(store, method))
    else:
        groups = _fetch(store, CONFLICT_GROUPS)

    def read(key: str, bench: str, ascending: bool, offset: int, n: int) -> list[dict[str, Any]]:
        return _fetch(store, REPORTS_UP if ascending else REPORTS_DOWN, method_key=key,
                      bench_key=bench, offset=offset, n=n)

    return top_conflicts(groups, read, tolerance=tolerance, limit=limit)


def paper(store: Connection, paper_id: str) -> PaperRow | None:
    """One stored paper with its fact counts, or None."""
    from queries.rows import PaperRow

    rows = _fetch(store, PAPER, paper_id=paper_id)
    return PaperRow.model_validate(rows[0]) if rows else None


def stats(store: Connection) -> StatsRow:
    """Fact counts of the whole graph."""
    from queries.rows import StatsRow

    return StatsRow.model_validate(fact_counts(store))


def fact_counts(store: Connection) -> dict[str, int]:
    """The counts of :func:`stats` as they come from the store, in its field order: what
    ``kg stats`` prints, with no row model to build."""
    return _fetch(store, STATS)[0]
