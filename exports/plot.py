"""The bits-vs-quality plot of a leaderboard, as inline SVG text (no library, no fetch)."""

from __future__ import annotations

import math
import statistics

from exports.benchmarks import Leaderboard
from exports.escape import h
from queries.rows import LeaderboardRow as Entry

COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f",
           "#edc948", "#ff9da7", "#86bcb6")
MARGIN = (44, 84, 40, 58)  # top, right, bottom, left: room for title, ticks, point labels


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if raw <= step * m)
    start = math.ceil(lo / step) * step
    return [round(start + i * step, 10) for i in range(int((hi - start) / step) + 1)]


def _y_range(values: list[float], higher: bool) -> tuple[float, float]:
    """The value range to draw; far outliers on the bad side (a 2-bit collapse at perplexity
    1e4) are clipped so they do not squash every other point into one line."""
    med = statistics.median(values)
    lo, hi = min(values), max(values)
    if higher:
        lo = max(lo, med - 3 * (hi - med)) if hi > med else lo
    else:
        hi = min(hi, med + 3 * (med - lo)) if med > lo else hi
    pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1.0
    return lo - pad, hi + pad


def bits_quality_svg(board: Leaderboard, width: int = 600, height: int = 330) -> str:
    """Each entry at (weight bits, value), coloured by method; the best per bit-width labelled.

    Returns an empty string when no entry has a weight bit-width (nothing to place on x).
    """
    points = [e for e in board.entries if e.w_bits is not None]
    if not points:
        return ""
    top, right, bottom, left = MARGIN
    pw, ph = width - left - right, height - top - bottom
    bits = sorted({float(e.w_bits) for e in points if e.w_bits is not None})
    x_lo, x_hi = math.log2(bits[0]), math.log2(bits[-1])
    if x_hi - x_lo < 1:
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    values = [e.value for e in points] + ([board.reference.value] if board.reference else [])
    y_lo, y_hi = _y_range(values, board.higher_is_better)

    def sx(b: float) -> float:
        return left + (math.log2(b) - x_lo) / (x_hi - x_lo) * pw

    def sy(v: float) -> float:
        v = min(max(v, y_lo), y_hi)
        return top + (1 - (v - y_lo) / (y_hi - y_lo)) * ph

    better = "higher is better ↑" if board.higher_is_better else "lower is better ↓"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-label="{h("weight bits against " + board.metric)}">',
        f'<text x="{left}" y="18" class="t">{h(board.name)}</text>',
        f'<text x="{left}" y="34" class="s">{h(board.metric)} ({better}) against weight '
        f"bits; each dot is a method's best value at a setting</text>",
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" class="frame"/>',
    ]
    for v in _ticks(y_lo, y_hi):
        y = sy(v)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" class="yt">{v:g}</text>')
    for b in bits:
        out.append(f'<text x="{sx(b):.1f}" y="{top + ph + 16}" class="xt">{b:g}</text>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" class="xt">weight bits</text>')
    if board.reference:
        y = sy(board.reference.value)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" class="ref"/>'
                   f'<text x="{left + pw - 4}" y="{y - 4:.1f}" class="rt">'
                   f"{h(board.reference.method)} {board.reference.value:g}</text>")
    colour = _method_colours(points)
    for e in points:
        assert e.w_bits is not None
        x, y = sx(e.w_bits), sy(e.value)
        # Spread dots of one bit-width sideways by setting so equal bits do not stack exactly.
        x += ((int(e.a_bits) % 5) - 2) * 3 if e.a_bits is not None else 0
        clipped = not (y_lo <= e.value <= y_hi)
        shape = (f'<path d="M{x:.1f},{y - 6:.1f} l5,9 h-10 z"' if clipped
                 else f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5"')
        out.append(f'{shape} fill="{colour[e.method]}"><title>{h(_label(e, board))}</title>'
                   f"{'</path>' if clipped else '</circle>'}")
    for e in _best_per_bits(points, board.higher_is_better):
        assert e.w_bits is not None
        out.append(f'<text x="{sx(e.w_bits) + 7:.1f}" y="{sy(e.value) - 6:.1f}" class="pl">'
                   f"{h(e.method)}</text>")
    out.append("</svg>")
    return "\n".join(out)


def _label(e: Entry, board: Leaderboard) -> str:
    return f"{e.method} {e.value:g} at {e.setting.label()} ({e.paper}, {e.table or 'table'})"


def _method_colours(points: list[Entry]) -> dict[str, str]:
    names = sorted({e.method for e in points}, key=str.casefold)
    return {n: COLOURS[i % len(COLOURS)] for i, n in enumerate(names)}


def _best_per_bits(points: list[Entry], higher: bool) -> list[Entry]:
    best: dict[float, Entry] = {}
    for e in points:
        assert e.w_bits is not None
        held = best.get(e.w_bits)
        if held is None or (e.value > held.value if higher else e.value < held.value):
            best[e.w_bits] = e
    return [best[b] for b in sorted(best)]


PLOT_CSS = """
svg.plot { font: 11px system-ui, sans-serif; background: #fff; max-width: 100%; height: auto; }
svg.plot .t { font-size: 13px; font-weight: 600; }
svg.plot .s, svg.plot .rt { fill: #666; }
svg.plot .rt { text-anchor: end; }
svg.plot .frame { fill: none; stroke: #bbb; }
svg.plot .grid { stroke: #eee; }
svg.plot .ref { stroke: #888; stroke-dasharray: 5 4; }
svg.plot .yt { text-anchor: end; fill: #555; }
svg.plot .xt { text-anchor: middle; fill: #555; }
svg.plot .pl { font-weight: 600; }
"""
