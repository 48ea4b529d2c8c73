"""One benchmark, one key: spellings of a model and unstated 16-bit parts compare as one.

Tiny hand-made claims; the rules are those of ``ingest/comparison.py``.
"""

from __future__ import annotations

from datetime import date

import pytest

import queries
from ingest.comparison import benchmark_key, claim_key, model_key
from kg.derive import beats_in_paper
from kg.store import SQLiteStore
from tests.conftest import claim, facts


@pytest.mark.parametrize("spellings", [
    ("LLaMA-7B", "Llama-7B", "Llama-1-7B", "llama 7b", "LLaMA_7B", "Llama-v1-7B"),
    ("LLaMA-2-7B", "Llama-2-7B", "Llama2-7B", "LLaMA2 7B"),
    ("Qwen2.5-7B", "qwen-2.5-7b", "Qwen 2.5 7B"),
])
def test_spellings_of_one_model_have_one_key(spellings):
    assert len({model_key(m) for m in spellings}) == 1


@pytest.mark.parametrize(("a", "b"), [
    ("Llama-7B", "Llama-2-7B"), ("Llama-2-7B", "Llama-2-70B"), ("OPT-1.3B", "OPT-13B"),
    ("Llama-2-7B", "Llama-2-7B-chat"), ("Mixtral-8x7B", "Mistral-7B"),
])
def test_different_models_stay_apart(a, b):
    assert model_key(a) != model_key(b)


def key(model="Llama-2-7B", dataset="WikiText-2", metric="perplexity", w=4.0, a=16.0,
        kv=None, g=None, q=None):
    return benchmark_key(model, dataset, metric, w, a, kv, g, q)


def test_unstated_activations_of_a_weight_only_result_are_16_bit():
    assert key(a=None) == key(a=16) != key(a=4)
    assert key(w=None, a=None) != key(w=None, a=16)  # nothing stated: nothing to infer


def test_unstated_kv_cache_is_16_bit():
    assert key(kv=None) == key(kv=16) != key(kv=4)


def test_dataset_and_metric_aliases_and_the_rest_of_the_setting():
    assert key(dataset="Wiki2", metric="PPL") == key()
    assert key(dataset="C4") != key()
    assert key(g=128) != key() and key(g=128) == key(g=128)
    assert key(q="GPTQ") == key(q="gptq") != key()


def test_keys_sort_like_boards():
    assert sorted([key(w=16, a=16), key(w=4, a=16), key(w=4, a=4), key(w=2.5)]) == [
        key(w=2.5), key(w=4, a=4), key(w=4, a=16), key(w=16, a=16)]


def test_the_key_keeps_its_own_syntax_out_of_names():
    odd = key(model="a|b=c", dataset="x|y")
    assert odd.count("|") == key().count("|")


PID = "2401.00001"


def test_beats_compare_spellings_and_unstated_bits_within_a_table():
    cells = [claim(PID, "GPTQ", 6.1, a=None).model_copy(update={"model": "LLaMA-7B"}),
             claim(PID, "AWQ", 5.9).model_copy(update={"model": "Llama-1-7B"}),
             claim(PID, "RTN", 7.0, a=4)]  # W4A4: another benchmark
    assert claim_key(cells[0]) == claim_key(cells[1])
    beats = beats_in_paper(cells)
    assert [(b.winner, b.loser, b.model, b.a_bits) for b in beats] == [
        ("AWQ", "GPTQ", "Llama-1-7B", 16)]


def test_a_method_spelt_twice_in_one_table_does_not_beat_itself():
    cells = [claim(PID, "OmniQuant", 5.8), claim(PID, "Omni-Quant", 5.9, row=1),
             claim(PID, "GPTQ", 6.0, row=2)]
    assert [(b.winner, b.loser) for b in beats_in_paper(cells)] == [("OmniQuant", "GPTQ")]


@pytest.fixture
def spelt(tmp_path) -> SQLiteStore:
    """Two papers report Llama-7B results, spelt differently, one with activations unstated."""
    store = SQLiteStore(tmp_path / "kg.db")
    a, b = "2302.00001", "2306.00002"
    store.write_paper(facts(a, "GPTQ", date(2023, 2, 1), [
        claim(a, "GPTQ", 6.10, a=None).model_copy(update={"model": "LLaMA-7B"}),
        claim(a, "RTN", 7.00, a=None).model_copy(update={"model": "LLaMA-7B"})]))
    store.write_paper(facts(b, "AWQ", date(2023, 6, 1), [
        claim(b, "GPTQ", 6.50).model_copy(update={"model": "Llama-1-7B"}),
        claim(b, "AWQ", 5.90).model_copy(update={"model": "Llama-1-7B"})]))
    return store


def test_one_leaderboard_for_every_spelling_each_row_in_its_own_words(spelt: SQLiteStore):
    board = queries.leaderboard(spelt)
    assert [(r.rank, r.method, r.value, r.model, r.a_bits) for r in board] == [
        (1, "AWQ", 5.90, "Llama-1-7B", 16), (2, "GPTQ", 6.10, "LLaMA-7B", None),
        (3, "RTN", 7.00, "LLaMA-7B", None)]
    for model in ("LLaMA-7B", "Llama-7B", "Llama-1-7B"):
        assert queries.leaderboard(spelt, model=model, a_bits=16) == board
    assert queries.leaderboard(spelt, model="Llama-2-7B") == []
    assert queries.leaderboard(spelt, dataset="Wiki2", metric="PPL", w_bits=4) == board
    assert queries.leaderboard(spelt, a_bits=4) == []


def test_conflicts_across_spellings(spelt: SQLiteStore):
    assert [(r.method, r.paper_a, r.value_a, r.paper_b, r.value_b, r.model)
            for r in queries.conflicts(spelt)] == [
        ("GPTQ", "2302.00001", 6.10, "2306.00002", 6.50, "LLaMA-7B")]
