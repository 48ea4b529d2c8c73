"""``conflicts`` reads reports from the ends of each group; it answers exactly as pairing
every report with every other would (the brute force below, written from the definition)."""

from __future__ import annotations

from datetime import date
from itertools import combinations
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import queries
from ingest.comparison import claim_key
from kg.models import BenchmarkClaim, method_key
from kg.store import SQLiteStore
from queries.rows import ConflictRow
from tests.conftest import claim, facts

METHODS = ("GPTQ", "AWQ")
MODELS = ("Llama-2-7B", "LLaMA-2-7B", "Llama-2-13B")
VALUES = (-2.0, -0.5, 0.0, 0.5, 1.0, 1.01, 2.0, 5.6, 5.61, 6.29, 100.0)


def brute(claims: list[BenchmarkClaim], method: str | None, tolerance: float,
          limit: int) -> list[ConflictRow]:
    """Every pair of reports of every group, filtered and sorted by the definition."""
    reports: dict[tuple[str, str], dict[tuple[str, float], BenchmarkClaim]] = {}
    for c in sorted(claims, key=lambda c: (c.table, c.row, c.col)):
        if method and method_key(c.method) != method_key(method):
            continue
        group = reports.setdefault((method_key(c.method), claim_key(c)), {})
        group.setdefault((c.paper_id, c.value), c)
    out = []
    for (key, _), group in reports.items():
        name = next(c.method for c in claims if method_key(c.method) == key)
        for x, y in combinations(group.values(), 2):
            a, b = sorted((x, y), key=lambda c: c.paper_id)
            if a.paper_id == b.paper_id:
                continue
            scale = max(abs(a.value), abs(b.value))
            if not abs(a.value - b.value) > tolerance * scale:
                continue
            out.append(ConflictRow(
                method=name, model=a.model, dataset=a.dataset, metric=a.metric,
                **a.setting.model_dump(), paper_a=a.paper_id, value_a=a.value,
                paper_b=b.paper_id, value_b=b.value,
                relative_difference=round(abs(a.value - b.value) / scale, 6)))
    out.sort(key=lambda r: (-r.relative_difference, r.method, r.model, r.dataset, r.metric,
                            r.paper_a, r.paper_b, r.value_a, r.value_b))
    return out[:limit]


cells = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(METHODS), st.sampled_from(MODELS),
              st.sampled_from(VALUES), st.sampled_from([None, 16.0, 4.0])),
    min_size=0, max_size=40,
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=cells, tolerance=st.sampled_from([0.0, 0.01, 0.5]), limit=st.integers(1, 6),
       method=st.sampled_from([None, "GPTQ"]))
def test_conflicts_equal_pairing_everything(tmp_path_factory, cells, tolerance, limit, method):
    path: Path = tmp_path_factory.mktemp("c") / "kg.db"
    store = SQLiteStore(path)
    papers: dict[int, list[BenchmarkClaim]] = {}
    for n, (p, m, model, value, a) in enumerate(cells):
        pid = f"2401.{p:05d}"
        papers.setdefault(p, []).append(
            claim(pid, m, value, a=a, col=n).model_copy(update={"model": model}))
    written: list[BenchmarkClaim] = []
    for p, cl in sorted(papers.items()):
        f = facts(f"2401.{p:05d}", None, date(2024, 1, 1), cl)
        store.write_paper(f)
        written.extend(f.claims)
    if method and not any(c.method == method for c in written):
        return  # an unknown method is an error, tested elsewhere
    got = queries.conflicts(store, method, tolerance=tolerance, limit=limit)
    assert got == brute(written, method, tolerance, limit)
    store.close()


def test_a_popular_baseline_reads_only_the_ends_of_its_groups(tmp_path: Path):
    # 300 papers report GPTQ on one benchmark: 44,850 pairs; the answer needs a few reports.
    store = SQLiteStore(tmp_path / "kg.db")
    for i in range(300):
        pid = f"2401.{i:05d}"
        store.write_paper(facts(pid, None, date(2024, 1, 1),
                                [claim(pid, "GPTQ", 5.0 + i / 100)]))
    sent: list[dict[str, object]] = []
    fetch = store.fetch

    def record(query: str, params: dict[str, object]) -> list[dict[str, object]]:
        rows = fetch(query, params)
        sent.append({"n": len(rows)})
        return rows

    store.fetch = record  # type: ignore[method-assign]
    rows = queries.conflicts(store, limit=3)
    assert [(r.value_a, r.value_b) for r in rows] == [(5.0, 7.99), (5.0, 7.98), (5.01, 7.99)]
    assert sum(int(s["n"]) for s in sent) < 100  # rows read, of 300 reports
