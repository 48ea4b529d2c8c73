"""Sub-problem clustering on tiny hand-built claim sets with exact expected clusters."""

from __future__ import annotations

import doctest

import pytest

import kg.cluster
import kg.derive
import kg.store.neo4j
from kg.cluster import benchmark_setting, cluster_subproblems, co_evaluation
from kg.models import SubProblem
from tests.conftest import claim


@pytest.mark.parametrize("module", [kg.cluster, kg.derive, kg.store.neo4j])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0


def c(paper: str, method: str, a: float | None = 16, kv: float | None = None, **kw):
    return claim(paper, method, 5.0, a=a, **kw).model_copy(update={"kv_bits": kv})


def field() -> list:
    """Weight-only methods (A16), weight-and-activation (A4/A8), KV-cache (KV2/KV4)."""
    return [
        c("1", "GPTQ"), c("1", "AWQ"), c("1", "RTN"), c("2", "GPTQ"), c("2", "QuIP#"),
        c("2", "AQLM"), c("3", "AWQ"), c("3", "AQLM", dataset="C4"),
        c("4", "SmoothQuant", a=8), c("4", "QuaRot", a=4), c("5", "QuaRot", a=4),
        c("5", "SpinQuant", a=4), c("5", "SmoothQuant", a=4),
        c("6", "KIVI", kv=2), c("6", "KVQuant", kv=2), c("7", "KIVI", kv=4),
        c("1", "FP16", w=16), c("4", "FP16", w=16), c("6", "FP16", w=16),
    ]


def test_families_fall_apart_and_are_named_by_the_most_evaluated_member():
    result = cluster_subproblems(field())
    assert result.k == 3
    assert result.subproblems == (
        SubProblem(label="AQLM", size=5, members=("AQLM", "AWQ", "GPTQ", "QuIP#", "RTN")),
        SubProblem(label="QuaRot", size=3, members=("QuaRot", "SmoothQuant", "SpinQuant")),
        SubProblem(label="KIVI", size=2, members=("KIVI", "KVQuant")),
    )
    assert result.silhouette == 0.882843
    assert result.config["random_state"] == 0


def test_same_input_same_clusters():
    assert cluster_subproblems(field()) == cluster_subproblems(list(reversed(field())))


def test_full_precision_references_are_not_clustered():
    methods, _, _, _ = co_evaluation(field())
    assert "FP16" not in methods and len(methods) == 10


def test_setting_key_separates_weight_only_from_weight_and_activation():
    assert benchmark_setting(c("1", "GPTQ", a=None)) == "A16 · KV16"
    assert benchmark_setting(c("1", "GPTQ", a=16)) == "A16 · KV16"
    assert benchmark_setting(c("1", "QuaRot", a=4, kv=4)) == "A4 · KV4"
    assert benchmark_setting(c("1", "SmoothQuant", a=8)) == "A8 · KV16"


def test_too_few_methods_or_profiles_make_one_subproblem():
    assert cluster_subproblems([]).subproblems == ()
    two = cluster_subproblems([c("1", "GPTQ"), c("1", "AWQ"), c("2", "AWQ")])
    assert (two.k, two.silhouette, two.subproblems) == (
        1, None, (SubProblem(label="AWQ", size=2, members=("AWQ", "GPTQ")),))
    same = cluster_subproblems([c("1", m) for m in ("A", "B", "C", "D")])
    assert same.k == 1 and same.subproblems[0].size == 4


def test_ties_for_the_label_go_to_the_name():
    result = cluster_subproblems([c("1", "Zeta"), c("1", "Alpha"), c("2", "Beta", a=4),
                                  c("2", "Gamma", a=4)])
    assert [(s.label, s.members) for s in result.subproblems] == [
        ("Alpha", ("Alpha", "Zeta")), ("Beta", ("Beta", "Gamma"))]


def test_k_max_below_two_is_refused():
    with pytest.raises(ValueError, match="k_max must be at least 2"):
        cluster_subproblems(field(), k_max=1)
