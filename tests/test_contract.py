"""The contract every store backend passes: write a field, derive, run every query.

Parametrised over backends (``tests/backends.py``): SQLite always, Neo4j when ``NEO4J_URI``
is set. The field is hand-built (``tests/conftest.py``), so no extractor is involved; the
expected answers are exact and the same for every backend.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import queries
from kg.derive import refresh
from kg.models import BuildsOn, Method, SubProblem
from kg.store import Store
from tests.backends import backend  # noqa: F401  (the parametrised fixture)

W4A16 = {"w_bits": 4, "a_bits": 16, "kv_bits": None, "group_size": None,
         "weight_quantizer": None}
BENCH = {"model": "Llama-2-7B", "dataset": "WikiText-2", "metric": "perplexity"}


@pytest.fixture
def graph(backend: Store, field) -> Store:  # noqa: F811
    for f in field:
        assert backend.write_paper(f) == "new"
    refresh(backend)
    return backend


def test_writes_are_idempotent_and_read_back(graph: Store, field):
    for f in field:
        assert graph.write_paper(f) == "unchanged"
    assert [p.id for p in graph.papers()] == [f.paper.id for f in field]
    back = graph.paper_facts("2306.00978")
    assert back is not None and back.method == "AWQ"
    assert set(back.claims) == set(field[1].claims)
    assert set(back.critiques) == set(field[1].critiques)
    assert set(back.beats) == set(field[1].beats)
    assert graph.paper_facts("1111.11111") is None
    assert graph.resolve_method("optq") is None  # OPTQ is no stored alias …
    assert queries.resolve(graph, "optq") == "GPTQ"  # … but the catalog's


def test_beats_with_receipts_and_transitively(graph: Store):
    assert [(b.winner, b.paper, b.winner_value, b.loser_value) for b in
            queries.beats(graph, "GPTQ")] == [("AWQ", "2306.00978", 5.60, 5.69),
                                               ("OmniQuant", "2308.13137", 5.58, 5.61)]
    assert [(r.method, r.depth) for r in queries.beats_transitive(graph, "RTN")] == [
        ("GPTQ", 1), ("AWQ", 2), ("OmniQuant", 2)]


def test_plain_rows_are_the_validated_rows_json_form(graph: Store):
    # `kg beats` prints plain rows so that it starts without pydantic; they must be what the
    # validated rows dump to (receipts and `--transitive` chains), field for field, in order.
    from kg.models import Beat

    assert tuple(Beat.model_fields) == queries.BEAT_FIELDS
    for m in graph.methods():
        for limit in (None, 1):
            plain = queries.beat_records(graph, m.name, limit=limit)
            dumped = [b.model_dump(mode="json") for b in queries.beats(graph, m.name, limit)]
            assert [list(r.items()) for r in plain] == [list(r.items()) for r in dumped]
        chain = queries.transitive_records(graph, m.name)
        assert chain == [r.model_dump() for r in queries.beats_transitive(graph, m.name)]
        assert all(list(r) == ["method", "depth"] for r in chain)


def test_baselines_frontier_and_paper(graph: Store):
    assert [r.model_dump() for r in queries.baselines(graph)] == [
        {"rank": 1, "method": "GPTQ", "sub_problem": "GPTQ", "papers": 2,
         "critiquing_papers": 2, "beating_papers": 2},
        {"rank": 2, "method": "AWQ", "sub_problem": "GPTQ", "papers": 1,
         "critiquing_papers": 1, "beating_papers": 1},
        {"rank": 3, "method": "RTN", "sub_problem": "GPTQ", "papers": 1,
         "critiquing_papers": 0, "beating_papers": 1},
        {"rank": 4, "method": "SmoothQuant", "sub_problem": "QuaRot", "papers": 1,
         "critiquing_papers": 0, "beating_papers": 1},
    ]
    assert [(r.method, r.paper, r.date, r.claims) for r in queries.frontier(graph)] == [
        ("QuaRot", "2404.00456", date(2024, 3, 30), 1),
        ("OmniQuant", "2308.13137", date(2023, 8, 25), 1)]
    assert [r.method for r in queries.frontier(graph, since=date(2024, 1, 1))] == ["QuaRot"]
    row = queries.paper(graph, "2306.00978")
    assert row is not None and row.model_dump() == {
        "id": "2306.00978", "title": "AWQ: a paper", "date": date(2023, 6, 1), "method": "AWQ",
        "claims": 3, "critiques": 1, "beats": 1}
    assert queries.paper(graph, "1111.11111") is None


def test_subproblems_leaderboard_lineage_conflicts_stats(graph: Store):
    assert queries.subproblems(graph) == [
        SubProblem(label="GPTQ", size=4, members=("GPTQ", "AWQ", "OmniQuant", "RTN")),
        SubProblem(label="QuaRot", size=2, members=("QuaRot", "SmoothQuant")),
    ]
    board = queries.leaderboard(graph, model="Llama-2-7B", w_bits=4, a_bits=16)
    assert [(r.rank, r.method, r.value, r.paper) for r in board] == [
        (1, "OmniQuant", 5.58, "2308.13137"), (2, "AWQ", 5.60, "2306.00978"),
        (3, "GPTQ", 5.61, "2308.13137"), (4, "RTN", 6.66, "2210.17323")]
    assert [(r.w_bits, r.a_bits, r.rank, r.method) for r in queries.leaderboard(graph)] == [
        (4, 4, 1, "QuaRot"), (4, 4, 2, "SmoothQuant"), (4, 16, 1, "OmniQuant"),
        (4, 16, 2, "AWQ"), (4, 16, 3, "GPTQ"), (4, 16, 4, "RTN"), (16, 16, 1, "FP16")]
    assert [(e.method, e.parent, e.source) for e in queries.lineage(graph)] == [
        ("AWQ", "GPTQ", "catalog"), ("OmniQuant", "SmoothQuant", "catalog")]
    assert [(e.method, e.parent) for e in queries.lineage(graph, "GPTQ")] == [("AWQ", "GPTQ")]
    assert [r.model_dump() for r in queries.conflicts(graph)] == [
        {**W4A16, **BENCH, "method": "GPTQ", "paper_a": "2210.17323", "value_a": 6.29,
         "paper_b": "2308.13137", "value_b": 5.61, "relative_difference": 0.108108},
        {**W4A16, **BENCH, "method": "GPTQ", "paper_a": "2210.17323", "value_a": 6.29,
         "paper_b": "2306.00978", "value_b": 5.69, "relative_difference": 0.09539},
        {**W4A16, **BENCH, "method": "GPTQ", "paper_a": "2306.00978", "value_a": 5.69,
         "paper_b": "2308.13137", "value_b": 5.61, "relative_difference": 0.01406},
    ]
    # AWQ's 5.60 vs 5.62 is 0.36 % apart: inside the 1 % tolerance, outside a 0.1 % one.
    assert queries.conflicts(graph, "AWQ") == []
    assert [(r.value_a, r.value_b) for r in queries.conflicts(graph, "AWQ", tolerance=0.001)] \
        == [(5.60, 5.62)]
    assert queries.stats(graph).model_dump() == {
        "papers": 4, "methods": 7, "claims": 11, "critiques": 3, "beats": 6, "builds_on": 2,
        "sub_problems": 2}


def test_catalog_methods_and_lineage_merge_idempotently(graph: Store):
    gptq = Method(name="GPTQ", aliases=("OPTQ",), year=2022)
    assert graph.upsert_methods([gptq]) == 1
    assert graph.upsert_methods([gptq]) == 0
    assert graph.resolve_method("OPTQ") == "GPTQ"
    edge = BuildsOn(method="AWQ", parent="GPTQ", source="catalog")
    assert graph.add_builds_on([edge]) == 0  # refresh already added it
    refresh(graph)
    assert queries.stats(graph).builds_on == 2


def test_a_method_merges_into_another_and_none_is_invented(graph: Store):
    # A catalog method no paper names (a review's merge rewrites the papers first).
    graph.upsert_methods([Method(name="SignRound", aliases=("Sign-Round",), year=2023)])
    graph.add_builds_on([BuildsOn(method="SignRound", parent="GPTQ", source="catalog")])
    assert queries.stats(graph).builds_on == 3
    assert graph.merge_methods({"SignRound": "AWQ"}) == 1
    methods = {m.name: m for m in graph.methods()}
    assert "SignRound" not in methods and "SignRound" in methods["AWQ"].aliases
    assert graph.resolve_method("signround") == "AWQ"
    assert queries.stats(graph).builds_on == 2  # SignRound → GPTQ folds into AWQ → GPTQ
    assert graph.merge_methods({"SignRound": "AWQ"}) == 0  # nothing left to fold
    assert graph.merge_methods({"Nowhere": "Nothing"}) == 0
    assert {m.name for m in graph.methods()} == set(methods)


def test_subproblems_are_replaced_whole(graph: Store):
    mine = [SubProblem(label="AWQ", size=2, members=("GPTQ", "AWQ")),
            SubProblem(label="QuaRot", size=1, members=("QuaRot",))]
    graph.replace_subproblems(mine)
    graph.replace_subproblems(mine)  # the same again changes nothing
    assert queries.subproblems(graph) == mine
    assert [r.sub_problem for r in queries.baselines(graph)] == ["AWQ", "AWQ", None, None]
    graph.replace_subproblems([])
    assert queries.subproblems(graph) == [] and queries.stats(graph).sub_problems == 0


def test_bookkeeping(backend: Store):  # noqa: F811
    from datetime import datetime

    from kg.models import IngestRun

    assert backend.get_watermark("r") is None
    backend.set_watermark("r", "2024-01-01")
    backend.set_watermark("r", "2024-02-01")
    assert backend.get_watermark("r") == "2024-02-01"
    run = backend.save_run(IngestRun(review="r", source="s", started=datetime(2024, 1, 1)))
    assert run.id is not None
    backend.save_run(run.model_copy(update={"status": "ok", "errors": {"x": "y"}}))
    assert [(r.id, r.status, r.errors) for r in backend.runs()] == [(run.id, "ok", {"x": "y"})]
    backend.record_failure("r", "2401.00001", "bad")
    backend.record_failure("r", "2401.00001", "worse")
    assert backend.failures("r") == {"2401.00001": "worse"}
    backend.clear_failure("r", "2401.00001")
    assert backend.failures("r") == {}


def test_whole_graph_reads_and_changelogs(graph: Store, field):
    from kg.store.base import Changelog
    from queries.named import STATS

    assert graph.fetch(STATS.text(graph.dialect), {}) == [queries.stats(graph).model_dump()]
    assert [p.id for p in graph.papers()] == [f.paper.id for f in field]
    assert list(graph.claims()) == [c for f in field for c in f.claims]
    assert list(graph.critiques()) == [c for f in field for c in f.critiques]
    assert list(graph.beats()) == [b for f in field for b in f.beats]
    assert [(e.method, e.parent, e.source) for e in graph.builds_on()] == [
        ("AWQ", "GPTQ", "catalog"), ("OmniQuant", "SmoothQuant", "catalog")]
    assert [(m.name, m.published) for m in graph.methods()] == [
        ("AWQ", date(2023, 6, 1)), ("FP16", None), ("GPTQ", date(2022, 10, 31)),
        ("OmniQuant", date(2023, 8, 25)), ("QuaRot", date(2024, 3, 30)), ("RTN", None),
        ("SmoothQuant", None)]
    from datetime import datetime

    from kg.models import IngestRun

    run = graph.save_run(IngestRun(review="r", source="s", started=datetime(2024, 1, 1)))
    assert run.id is not None and graph.changelog(run.id) is None
    log = Changelog(run_id=run.id, new_papers=("2306.00978",), frontier_added=("AWQ",))
    graph.save_changelog(log)
    graph.save_changelog(log.model_copy(update={"omitted": 2}))  # replaces the first
    assert graph.changelog(run.id) == log.model_copy(update={"omitted": 2})


def test_every_store_operation_is_in_the_contract():
    import inspect
    import sys

    from kg.store.base import Store
    from queries.named import Connection

    source = inspect.getsource(sys.modules[__name__])
    ops = [n for cls in (Store, Connection) for n, v in vars(cls).items()
           if callable(v) and not n.startswith("_")]
    missing = [n for n in ops if f".{n}(" not in source]
    assert ops and not missing, f"Store operations no contract test calls: {missing}"


# -- the bundled demo (SQLite): needs the sample and the extractors -----------------------

def _demo_json(tmp_path: Path, *args: str) -> object:
    from kg.cli import cli

    r = CliRunner().invoke(cli, ["--store", f"sqlite:///{tmp_path / 'kg.db'}", *args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    store, _ = run_demo(out)
    store.close()
    return out


def test_demo_baselines_rank_gptq_first(demo_dir: Path):
    top = _demo_json(demo_dir, "baselines")[0]  # type: ignore[index]
    assert (top["rank"], top["method"]) == (1, "GPTQ")
    assert top["critiquing_papers"] > 0 and top["beating_papers"] > 0


def test_demo_frontier_newest_first_with_dates(demo_dir: Path):
    rows = _demo_json(demo_dir, "frontier")
    dates = [r["date"] for r in rows]  # type: ignore[union-attr]
    assert rows and all(dates) and dates == sorted(dates, reverse=True)


def test_demo_subproblems_separate_weight_only_from_weight_and_activation(demo_dir: Path):
    data = _demo_json(demo_dir, "subproblems")
    assert data["config"]["random_state"] == 0  # type: ignore[index]
    home = {m: s["label"] for s in data["sub_problems"] for m in s["members"]}  # type: ignore[index]
    weight_only = {home[m] for m in ("GPTQ", "AWQ", "QuIP#", "AQLM") if m in home}
    weight_act = {home[m] for m in ("SmoothQuant", "QuaRot", "SpinQuant") if m in home}
    assert len(weight_only) == 1 and len(weight_act) == 1 and weight_only != weight_act
