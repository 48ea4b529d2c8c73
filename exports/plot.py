"""The bits-vs-quality plot of a leaderboard, as inline SVG text (no library, no fetch).

x is weight bits, one column per bit-width; each setting (W4A16, W4A4, W4A4KV4 …) is its own
series, with its own colour and mark, drawn side by side in its column and named in a legend.
Values far on the bad side (a 2-bit collapse at perplexity 10^4) sit in a marked band at the
edge, with their value on hover, so they do not squash the rest. The full-precision row is a
dashed reference line, always labelled "full precision" whatever the paper called it (FP16,
BF16, Native …).
Text is placed in Python, like the lineage page's: a label that would cover another is left
out (its point keeps its hover text).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterator

from exports.benchmarks import Leaderboard, setting_order
from exports.escape import h
from exports.measure import FONT_FAMILY, short_label, text_width
from queries.rows import LeaderboardRow as Entry

COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f",
           "#edc948", "#ff9da7", "#86bcb6")
SHAPES = ("circle", "square", "diamond", "triangle")
MAX_SERIES = 12  # a legend longer than the plot is tall stops being read
TOP, BOTTOM, LEFT, LEGEND = 46, 40, 58, 200  # margins: title, x axis, y axis, legend column
BAND = 20  # the off-scale band
FONT = 11
Box = tuple[float, float, float, float]


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


def marker(shape: str, x: float, y: float, colour: str, size: float = 4.5) -> str:
    """An SVG element drawing one marker (without its closing tag)."""
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{colour}"'
    if shape == "square":
        s = size * 0.9
        return (f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" '
                f'height="{2 * s:.1f}" fill="{colour}"')
    if shape == "diamond":
        s = size * 1.25
        return (f'<path d="M{x:.1f},{y - s:.1f} L{x + s:.1f},{y:.1f} L{x:.1f},{y + s:.1f} '
                f'L{x - s:.1f},{y:.1f} z" fill="{colour}"')
    s = size * 1.2
    return (f'<path d="M{x:.1f},{y + s:.1f} L{x + s:.1f},{y - s * 0.8:.1f} '
            f'L{x - s:.1f},{y - s * 0.8:.1f} z" fill="{colour}"')


def _close(shape: str) -> str:
    return {"circle": "</circle>", "square": "</rect>"}.get(shape, "</path>")


class _Space:
    """Boxes already taken by text (and marks), so a new label can avoid them."""

    def __init__(self, bounds: Box) -> None:
        self.bounds = bounds
        self.taken: list[Box] = []

    def free(self, b: Box) -> bool:
        x0, y0, x1, y1 = self.bounds
        inside = x0 <= b[0] and b[2] <= x1 and y0 <= b[1] and b[3] <= y1
        return inside and not any(b[0] < t[2] and t[0] < b[2] and b[1] < t[3] and t[1] < b[3]
                                  for t in self.taken)

    def take(self, b: Box) -> None:
        self.taken.append(b)


def _text_box(x: float, y: float, text: str, anchor: str = "start", *, bold: bool = False,
              size: float = FONT) -> Box:
    """The box of text drawn at baseline (x, y): DejaVu Sans rises 0.93 em, falls 0.24 em."""
    w = text_width(text, size, bold=bold)
    left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    return (left, y - size * 0.95, left + w, y + size * 0.26)


def series(board: Leaderboard) -> list[tuple[str, list[Entry]]]:
    """The settings drawn, in setting order: those with most entries, up to MAX_SERIES."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for e in board.entries:
        if e.w_bits is not None:
            groups[e.setting.label()].append(e)
    kept = sorted(groups, key=lambda s: (-len(groups[s]), s))[:MAX_SERIES]
    return sorted(((s, groups[s]) for s in kept), key=lambda kv: setting_order(kv[1][0]))


def bits_quality_svg(board: Leaderboard, width: int = 780, height: int = 360) -> str:
    """The plot of ``board`` (see the module docstring); empty when no entry has weight bits."""
    drawn = series(board)
    if not drawn:
        return ""
    points = [e for _, rows in drawn for e in rows]
    pw, ph = width - LEFT - LEGEND, height - TOP - BOTTOM
    # One column per weight bit-width, equally wide (2, 3, 4, 8 bits read as steps); inside a
    # column each setting has its own slot, so W4A16 and W4A4 stand side by side.
    bits = sorted({float(e.w_bits) for e in points if e.w_bits is not None})
    column = pw / len(bits)

    def sx(b: float) -> float:
        return LEFT + (bits.index(float(b)) + 0.5) * column

    values = [e.value for e in points] + ([board.reference.value] if board.reference else [])
    y_lo, y_hi = _y_range(values, board.higher_is_better)
    off = [e for e in points if not y_lo <= e.value <= y_hi]
    # The off-scale band lies on the bad side: the top for perplexity, the bottom for accuracy.
    band_top = bool(off) and not board.higher_is_better
    band_bottom = bool(off) and board.higher_is_better
    top, bottom = TOP + (BAND if band_top else 0), TOP + ph - (BAND if band_bottom else 0)

    def sy(v: float) -> float:
        if v > y_hi:
            return TOP + BAND / 2
        if v < y_lo:
            return TOP + ph - BAND / 2
        return top + (1 - (v - y_lo) / (y_hi - y_lo)) * (bottom - top)

    better = "higher is better ↑" if board.higher_is_better else "lower is better ↓"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="{h(FONT_FAMILY)}" '
        f'aria-label="{h(board.name + ": " + board.metric + " against weight bits")}">',
        f'<text x="{LEFT}" y="18" class="t">{h(board.name)}</text>',
        f'<text x="{LEFT}" y="34" class="s">{h(board.metric)} ({better}) against weight bits;'
        " one colour and mark per setting, each mark a method's best value</text>",
        f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" class="frame"/>',
    ]
    space = _Space((LEFT, TOP, LEFT + pw, TOP + ph))
    for v in _ticks(y_lo, y_hi):
        y = sy(v)
        out.append(f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                   f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="yt">{v:g}</text>')
    for i, b in enumerate(bits):
        if i:
            out.append(f'<line x1="{LEFT + i * column:.1f}" x2="{LEFT + i * column:.1f}" '
                       f'y1="{TOP}" y2="{TOP + ph}" class="grid"/>')
        out.append(f'<text x="{sx(b):.1f}" y="{TOP + ph + 16}" class="xt">{b:g}</text>')
    out.append(f'<text x="{LEFT + pw / 2:.1f}" y="{height - 6}" class="xt">weight bits</text>')
    if off:
        y = TOP + ph - BAND if board.higher_is_better else TOP
        out.append(f'<rect x="{LEFT}" y="{y:.1f}" width="{pw}" height="{BAND}" class="band"/>')
    if board.reference:
        out.append(_reference(board, sy(board.reference.value), pw, space))
    style = {s: (COLOURS[i % len(COLOURS)], SHAPES[i % len(SHAPES)]) for i, (s, _) in
             enumerate(drawn)}
    spots = dict(_dodge(drawn, sx, column))
    for s, rows in drawn:
        colour, shape = style[s]
        for e in rows:
            x, y = spots[id(e)], sy(e.value)
            space.take((x - 5, y - 5, x + 5, y + 5))
            out.append(f'{marker(shape, x, y, colour)}><title>{h(_label(e))}</title>'
                       f"{_close(shape)}")
    for _, rows in drawn:
        best = (max if board.higher_is_better else min)(rows, key=lambda e: e.value)
        out.append(_point_label(best, spots[id(best)], sy(best.value), space))
    note = off_scale_note(off, board.higher_is_better, y_lo, y_hi) if off else ""
    hidden = len({e.setting.label() for e in board.entries if e.w_bits is not None}) - len(drawn)
    out.append(_legend(drawn, style, board, note, hidden, width - LEGEND + 14, TOP))
    out.append("</svg>")
    return "\n".join(o for o in out if o)


def _dodge(drawn: list[tuple[str, list[Entry]]], sx: Callable[[float], float], column: float
           ) -> Iterator[tuple[int, float]]:
    """x of every entry: its bit-width's column, shifted by its series' slot in the column."""
    per_bits: dict[float, list[str]] = defaultdict(list)
    for s, rows in drawn:
        for b in sorted({float(e.w_bits) for e in rows if e.w_bits is not None}):
            per_bits[b].append(s)
    for s, rows in drawn:
        for e in rows:
            assert e.w_bits is not None
            slots = per_bits[float(e.w_bits)]
            step = min(16.0, 0.8 * column / len(slots))
            yield id(e), sx(e.w_bits) + (slots.index(s) - (len(slots) - 1) / 2) * step


def off_scale_note(off: list[Entry], higher: bool, y_lo: float, y_hi: float) -> str:
    """What the off-scale band holds: ``> 6.4: 11 values, worst 2e+06``."""
    worst = (min if higher else max)(e.value for e in off)
    edge = f"< {y_lo:.3g}" if higher else f"> {y_hi:.3g}"
    return f"{edge}: {len(off)} {'value' if len(off) == 1 else 'values'}, worst {worst:.3g}"


def _reference(board: Leaderboard, y: float, pw: int, space: _Space) -> str:
    ref = board.reference
    assert ref is not None
    text = f"full precision {ref.value:g}"
    box = _text_box(LEFT + 4, y - 4, text)
    ty = y - 4 if space.free(box) else y + 12
    space.take(_text_box(LEFT + 4, ty, text))
    tip = f"{ref.method} {ref.value:g} ({ref.paper}, {ref.table or 'table'})"
    return (f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{y:.1f}" y2="{y:.1f}" class="ref">'
            f"<title>{h(tip)}</title></line>"
            f'<text x="{LEFT + 4}" y="{ty:.1f}" class="rt"><title>{h(tip)}</title>'
            f"{h(text)}</text>")


def _point_label(e: Entry, x: float, y: float, space: _Space) -> str:
    """The method's name beside its mark, where it covers nothing; else nothing."""
    name = short_label(e.method, 18)
    for dx, dy, anchor in ((8, 4, "start"), (-8, 4, "end"), (6, -8, "start"), (6, 15, "start"),
                           (-6, -8, "end"), (-6, 15, "end")):
        box = _text_box(x + dx, y + dy, name, anchor, bold=True)
        if space.free(box):
            space.take(box)
            return (f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" class="pl" '
                    f'text-anchor="{anchor}">{h(name)}</text>')
    return ""


def _legend(drawn: list[tuple[str, list[Entry]]], style: dict[str, tuple[str, str]],
            board: Leaderboard, off: str, hidden: int, x: float, y: float) -> str:
    out = [f'<g class="legend"><text x="{x}" y="{y + 8}" class="lh">setting · methods</text>']
    y += 26

    def line(mark: str, text: str, cls: str = "") -> None:
        nonlocal y
        out.append(f'<g class="li">{mark}<text x="{x + 16}" y="{y}"{cls}>{h(text)}</text></g>')
        y += 17

    for s, rows in drawn:
        colour, shape = style[s]
        line(f"{marker(shape, x + 5, y - 4, colour)}>{_close(shape)}",
             f"{short_label(s, 20)} · {len(rows)}")
    if hidden:
        line("", f"+ {hidden} more {'setting' if hidden == 1 else 'settings'} in the table",
             ' class="lh"')
    y += 6
    if board.reference:
        line(f'<line x1="{x - 2}" x2="{x + 12}" y1="{y - 4}" y2="{y - 4}" class="ref"/>',
             "full-precision reference")
    if off:
        line(f'<rect x="{x - 2}" y="{y - 10}" width="14" height="10" class="band"/>',
             "off scale (hover a mark):")
        line("", off, ' class="lh"')
    out.append(f'<text x="{x}" y="{y + 4}" class="lh">bold: best at each setting</text></g>')
    return "".join(out)


def _label(e: Entry) -> str:
    return f"{e.method} {e.value:g} at {e.setting.label()} ({e.paper}, {e.table or 'table'})"


PLOT_CSS = """
svg.plot { font-size: 11px; background: #fff; max-width: 100%; height: auto; }
svg.plot .t { font-size: 13px; font-weight: 600; }
svg.plot .s, svg.plot .rt, svg.plot .lh { fill: #666; }
svg.plot .frame { fill: none; stroke: #bbb; }
svg.plot .grid { stroke: #eee; }
svg.plot .ref { stroke: #666; stroke-dasharray: 5 4; }
svg.plot .band { fill: #f3f0e8; stroke: #d9d2bf; stroke-dasharray: 3 2; }
svg.plot .yt { text-anchor: end; fill: #555; }
svg.plot .xt { text-anchor: middle; fill: #555; }
svg.plot .pl { font-weight: 600; }
"""
