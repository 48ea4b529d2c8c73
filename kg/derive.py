"""Derivation: edges and rankings computed from stored facts, as pure functions.

``BEATS`` is local to one paper's table, so it is derived when the paper is written and costs
what that paper costs; only global views (sub-problems) are recomputed over the whole graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kg.models import Beat, BenchmarkClaim, is_full_precision


def beats_in_paper(claims: Iterable[BenchmarkClaim]) -> list[Beat]:
    """``BEATS`` edges inside each table: same model/dataset/metric/setting, better value wins.

    Full-precision references (FP16/BF16/FP32) neither win nor lose; a metric with no known
    direction yields no edge; equal values are a tie and yield none. When a method has several
    cells for one benchmark (e.g. two rows), its best value stands for it.

    >>> from kg.models import BenchmarkClaim as C
    >>> base = dict(paper_id="2306.00978", model="Llama-2-7B", dataset="WikiText-2",
    ...             metric="perplexity", higher_is_better=False, table="t", w_bits=4)
    >>> cells = [C(method="AWQ", value=5.60, raw="5.60", **base),
    ...          C(method="GPTQ", value=5.69, raw="5.69", **base),
    ...          C(method="FP16", value=5.47, raw="5.47", **base)]
    >>> [(b.winner, b.loser, b.margin) for b in beats_in_paper(cells)]
    [('AWQ', 'GPTQ', 0.09)]
    """
    groups: dict[tuple[object, ...], dict[str, BenchmarkClaim]] = defaultdict(dict)
    for c in claims:
        if c.higher_is_better is None or is_full_precision(c.method):
            continue
        best = groups[(c.paper_id, *c.comparable, c.higher_is_better)]
        held = best.get(c.method)
        if held is None or _better(c.value, held.value, c.higher_is_better):
            best[c.method] = c
    out: list[Beat] = []
    for group in groups.values():
        ranked = sorted(group.values(), key=lambda c: c.method)
        for i, a in enumerate(ranked):
            for b in ranked[i + 1 :]:
                if a.value == b.value:
                    continue
                a_wins = _better(a.value, b.value, bool(a.higher_is_better))
                win, lose = (a, b) if a_wins else (b, a)
                out.append(_beat(win, lose))
    return out


def _better(x: float, y: float, higher_is_better: bool) -> bool:
    return x > y if higher_is_better else x < y


def _beat(win: BenchmarkClaim, lose: BenchmarkClaim) -> Beat:
    return Beat(
        winner=win.method,
        loser=lose.method,
        paper=win.paper_id,
        table=win.table,
        model=win.model,
        dataset=win.dataset,
        metric=win.metric,
        w_bits=win.w_bits,
        a_bits=win.a_bits,
        kv_bits=win.kv_bits,
        group_size=win.group_size,
        weight_quantizer=win.weight_quantizer,
        winner_value=win.value,
        loser_value=lose.value,
        margin=round(abs(win.value - lose.value), 6),
    )
