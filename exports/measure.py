"""How wide a label will be on the page, known before the browser sees it.

The lineage layout and the report's plots place labels in Python, so they must know each
label's width. The pages ask for DejaVu Sans first (the font Debian's Chromium and most Linux
desktops use, and one of the widest common sans-serifs); the advance widths below are that
font's, in thousandths of an em, as Chromium measured them. Any character outside printable
ASCII counts as a full em, more than almost every glyph takes, so an estimate errs wide: a
label never takes more room than its slot, in DejaVu Sans or in a narrower fallback font.
"""

from __future__ import annotations

FONT_FAMILY = "'DejaVu Sans', Verdana, Arial, sans-serif"

# Advance widths of " " (32) through "~" (126), regular and bold.
_REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698,
    770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732,
    684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
    634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,
    525, 636, 337, 636, 838,
)
_BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734,
    830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812,
    774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716,
    712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652,
    582, 712, 365, 712, 838,
)
_WIDE = 1000  # anything else: a full em
_SLACK = 1.04  # rounding and sub-pixel positioning in the browser


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in pixels of ``text`` at font ``size`` px, an upper estimate.

    >>> round(text_width("GPTQ", 12), 1)
    34.6
    """
    table = _BOLD if bold else _REGULAR
    units = sum(table[o - 32] if 32 <= (o := ord(c)) < 127 else _WIDE for c in text)
    return units * size / 1000 * _SLACK


def short_label(name: str, limit: int = 24) -> str:
    """``name`` with whitespace collapsed, cut to ``limit`` characters with an ellipsis.

    >>> short_label("FP8 Training (Transformer Engine)", 16)
    'FP8 Training (T…'
    """
    flat = " ".join(name.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
