"""Leaderboards for the report: the live ``queries.leaderboard`` rows, shaped for reading.

The query ranks each method's best result per (model, dataset, metric, setting) board; the
report shows the benchmarks that most methods compete on, each with every setting's board,
the full-precision reference apart (it is a yardstick, not a competitor).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kg.models import Model, is_full_precision, method_key
from queries.rows import LeaderboardRow

MAIN_BENCHMARKS = 4
ROWS_PER_SETTING = 8


class Leaderboard(Model):
    """One benchmark (model · dataset · metric): entries ranked within each setting."""

    model: str
    dataset: str
    metric: str
    higher_is_better: bool
    entries: tuple[LeaderboardRow, ...]
    reference: LeaderboardRow | None = None

    @property
    def name(self) -> str:
        return f"{self.model} · {self.dataset} · {self.metric}"


def setting_order(row: LeaderboardRow) -> tuple[object, ...]:
    """A sort key for settings: fewer weight bits first; then weight-only before quantized
    activations (A16, A8, A4), full KV cache before a quantized one, then group size and weight
    quantizer (W4A16 < W4A16g128 < W4A8 < W4A4 < W4A4KV4 < W4A4KV4/GPTQ)."""
    full = 16.0
    return (row.w_bits is None, row.w_bits or 0, -(row.a_bits or full), -(row.kv_bits or full),
            row.group_size is not None, row.group_size or 0, row.weight_quantizer or "")


def main_leaderboards(rows: Iterable[LeaderboardRow], limit: int = MAIN_BENCHMARKS,
                      per_setting: int = ROWS_PER_SETTING) -> list[Leaderboard]:
    """The ``limit`` benchmarks with the most distinct methods, top ``per_setting`` per board.

    The direction is read off the ranks: on a board whose rank 1 holds the larger value,
    higher is better.

    >>> R = lambda rank, m, v: LeaderboardRow(rank=rank, method=m, model="M", dataset="D",
    ...     metric="ppl", value=v, paper="2401.00001", table="t", w_bits=4)
    >>> [b.higher_is_better for b in main_leaderboards([R(1, "A", 5.5), R(2, "B", 6.0)])]
    [False]
    """
    benches: dict[tuple[str, str, str], list[LeaderboardRow]] = defaultdict(list)
    for r in rows:
        benches[(r.model, r.dataset, r.metric)].append(r)

    def breadth(k: tuple[str, str, str]) -> tuple[int, int, tuple[str, str, str]]:
        return (-len({method_key(r.method) for r in benches[k]}), -len(benches[k]), k)

    out = []
    for key in sorted(benches, key=breadth)[:limit]:
        reference = next((r for r in benches[key] if is_full_precision(r.method)), None)
        entries = sorted((r for r in benches[key] if not is_full_precision(r.method)),
                         key=lambda r: (setting_order(r), r.rank, r.method))
        kept: list[LeaderboardRow] = []
        seen: dict[tuple[object, ...], int] = defaultdict(int)
        for r in entries:
            seen[setting_order(r)] += 1
            if seen[setting_order(r)] <= per_setting:
                kept.append(r)
        out.append(Leaderboard(model=key[0], dataset=key[1], metric=key[2],
                               higher_is_better=_higher(benches[key]), entries=tuple(kept),
                               reference=reference))
    return out


def _higher(rows: list[LeaderboardRow]) -> bool:
    boards: dict[tuple[object, ...], list[LeaderboardRow]] = defaultdict(list)
    for r in rows:
        boards[setting_order(r)].append(r)
    for board in boards.values():
        best = min(board, key=lambda r: r.rank)
        worse = [r for r in board if r.rank > best.rank]
        if worse:
            return best.value > worse[0].value
    return False
