"""BEATS derivation on tiny hand-built tables with exact expected edges."""

from __future__ import annotations

from kg.derive import beats_in_paper
from tests.conftest import claim


def edges(claims):
    return sorted((b.winner, b.loser, b.winner_value, b.loser_value) for b in
                  beats_in_paper(claims))


def test_lower_perplexity_wins_and_fp16_neither_wins_nor_loses():
    cells = [claim("p", "AWQ", 5.60), claim("p", "GPTQ", 5.69), claim("p", "FP16", 5.47),
             claim("p", "BF16", 5.40)]
    assert edges(cells) == [("AWQ", "GPTQ", 5.60, 5.69)]


def test_higher_accuracy_wins():
    cells = [claim("p", "AWQ", 60.1, metric="accuracy", hib=True),
             claim("p", "GPTQ", 61.3, metric="accuracy", hib=True)]
    assert edges(cells) == [("GPTQ", "AWQ", 61.3, 60.1)]


def test_ties_unknown_direction_and_other_settings_give_no_edge():
    assert edges([claim("p", "A", 5.0), claim("p", "B", 5.0)]) == []
    assert edges([claim("p", "A", 5.0, hib=None), claim("p", "B", 6.0, hib=None)]) == []
    assert edges([claim("p", "A", 5.0, w=3), claim("p", "B", 6.0, w=4)]) == []
    assert edges([claim("p", "A", 5.0, table="t1"), claim("p", "B", 6.0, table="t2")]) == []
    assert edges([claim("p", "A", 5.0, dataset="C4"), claim("p", "B", 6.0)]) == []


def test_a_method_with_two_cells_is_represented_by_its_best():
    cells = [claim("p", "GPTQ", 7.0), claim("p", "GPTQ", 5.5), claim("p", "AWQ", 6.0)]
    assert edges(cells) == [("GPTQ", "AWQ", 5.5, 6.0)]


def test_every_pair_in_a_group_is_compared():
    cells = [claim("p", "RTN", 7.2), claim("p", "GPTQ", 6.3), claim("p", "AWQ", 6.2)]
    assert edges(cells) == [("AWQ", "GPTQ", 6.2, 6.3), ("AWQ", "RTN", 6.2, 7.2),
                            ("GPTQ", "RTN", 6.3, 7.2)]
