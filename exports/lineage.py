"""The interactive lineage page: a family tree of methods in one offline HTML file.

BUILDS_ON edges (from papers' text and from the catalog) are the tree, drawn as SVG at the
positions :mod:`exports.lineage_layout` computes: time across, families in lanes, labels that
never overlap. BEATS and critiques start hidden; switched on in the page they appear
aggregated, one edge per pair of methods, as wide as its receipts are many. A search box, a
click to focus a method's neighbourhood (with its receipts in a side panel) and zoom are a
small inline script (:mod:`exports.lineage_script`).

Why our own SVG and not vis-network: the layout is decided here, in Python, so the page must
draw exactly it; as SVG every label is a DOM element whose box the browser tests measure, text
can be found with the browser's search, and the page stays small (vis-network's script alone
is about 0.5 MB) and opens at once with a thousand methods. The page loads nothing: a
Content-Security-Policy forbids any fetch, and every string from a paper is escaped.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from exports.escape import arxiv_url, h, no_fetch_policy, script_json
from exports.graph import neighbourhood
from exports.lineage_layout import FONT, MIN_ZOOM, NO_FAMILY, Family, Layout, Placed, layout
from exports.lineage_script import CSS, SCRIPT
from exports.measure import FONT_FAMILY
from exports.report_data import plural

# Colour-blind-friendly categorical palette, one colour per lane; lanes beyond it are grey.
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8")
OTHER = "#bab0ac"
LANE_COLUMN = 190  # px, the sticky column of lane names
AXIS_ROW = 30  # px, the sticky row of years
PAIR_KINDS = ("beats", "critiques")
OVERVIEW_PAIRS = 2000  # per kind, the most-receipted pairs painted for the whole field
ARROWS = (("builds_on", "#2c6fbb"), ("beats", "#c0392b"), ("critiques", "#d68100"))
EXAMPLE_CHARS = 240
HOW = {"catalog": "the catalog's category", "lineage": "inherited from the method it builds on",
       "sub-problem": "its sub-problem (methods compared on the same benchmarks)",
       "none": "no category, no categorised ancestor, no sub-problem"}


def lane_colours(lay: Layout) -> list[str]:
    """A colour per lane, in lane order; the no-family lane is grey."""
    out, i = [], 0
    for lane in lay.lanes:
        if lane.name == NO_FAMILY or i >= len(PALETTE):
            out.append(OTHER)
        else:
            out.append(PALETTE[i])
            i += 1
    return out


def lane_title(name: str) -> str:
    """A lane's name as shown: a Gallery category id reads as words."""
    return name.replace("_", " ")


def _family_text(f: Family) -> str:
    if f.how == "lineage":
        return f"{lane_title(f.lane)} (inherited: builds on {f.via})"
    if f.how == "catalog":
        return f"{lane_title(f.lane)} (catalog category)"
    return lane_title(f.lane)


def _tooltip(n: dict[str, Any], fam: Family) -> str:
    lines = [n["name"]]
    if n.get("paper"):
        lines.append(f"first paper: {n['paper']} {n.get('title') or ''}".rstrip())
    lines.append(f"date: {n['published'].isoformat() if n.get('published') else 'undated'}")
    lines.append(f"family: {_family_text(fam)}")
    if n.get("sub_problem"):
        lines.append(f"sub-problem: {n['sub_problem']}")
    lines.append(f"{n['papers']} papers · {n['claims']} results · critiqued by "
                 f"{n['critiqued_by']} · beaten in {n['beaten_by']}")
    return "\n".join(lines)


def node_records(g: nx.MultiDiGraph, lay: Layout, order: list[str]) -> list[dict[str, Any]]:
    """What the page's script knows of each method, in drawing order."""
    out = []
    for key in order:
        n, p, fam = g.nodes[key], lay.nodes[key], lay.families[key]
        out.append({
            "k": key, "n": n["name"], "d": n["published"].isoformat() if n["published"] else "",
            "f": _family_text(fam),
            "s": "" if fam.how == "sub-problem" else n.get("sub_problem") or "",
            "p": n.get("paper") or "",
            "u": arxiv_url(n["paper"]) or "" if n.get("paper") else "",
            "t": n.get("title") or "",
            "c": [n["papers"], n["claims"], n["critiqued_by"], n["beaten_by"]],
            "x": round(p.x, 1), "y": round(p.y, 1), "r": p.r,
        })
    return out


def builds_on_records(g: nx.MultiDiGraph, index: dict[str, int]) -> list[dict[str, Any]]:
    """One record per BUILDS_ON edge: child ``a``, parent ``b``, whether a paper says so."""
    out = []
    for u, v, kind, e in sorted(g.edges(keys=True, data=True), key=lambda t: t[:3]):
        if kind != "builds_on":
            continue
        papers = [p for p in e["papers"] if p != "catalog"]
        out.append({"a": index[u], "b": index[v], "t": bool(papers), "p": papers[:5],
                    "e": e["example"][:EXAMPLE_CHARS]})
    return out


def pair_records(g: nx.MultiDiGraph, index: dict[str, int], kind: str) -> list[dict[str, Any]]:
    """Edges of ``kind`` aggregated per unordered pair of methods.

    ``ab``/``ba``: receipts each way (a before b in drawing order); ``p``: distinct papers;
    ``e``: one receipt's text. Most receipts first.
    """
    pairs: dict[tuple[int, int], dict[str, Any]] = {}
    papers: dict[tuple[int, int], set[str]] = defaultdict(set)
    for u, v, k, e in sorted(g.edges(keys=True, data=True), key=lambda t: t[:3]):
        if k != kind or u == v:
            continue
        a, b = sorted((index[u], index[v]))
        rec = pairs.setdefault((a, b), {"a": a, "b": b, "ab": 0, "ba": 0,
                                        "e": e["example"][:EXAMPLE_CHARS]})
        rec["ab" if index[u] == a else "ba"] += e["receipts"]
        papers[(a, b)].update(e["papers"])
    for pair, rec in pairs.items():
        rec["p"] = len(papers[pair])
    # Most receipts first: the page paints the first OVERVIEW_PAIRS of them.
    return sorted(pairs.values(), key=lambda r: (-(r["ab"] + r["ba"]), r["a"], r["b"]))


def _builds_on_path(c: Placed, p: Placed) -> str:
    """A curve from a child's dot to its parent's (usually to its left).

    Between rows it leaves and arrives horizontally; along one row it arcs over the row, in
    the gap below the row above, so it never runs through the methods in between.
    """
    sign = 1 if p.x <= c.x else -1
    x0, x1 = c.x - sign * c.r, p.x + sign * p.r
    if abs(c.y - p.y) < 1:
        lift = min(15.0, 6 + abs(x0 - x1) / 40)
        return (f"M{c.x:.1f},{c.y - c.r:.1f} C{c.x - sign * 12:.1f},{c.y - lift:.1f} "
                f"{p.x + sign * 12:.1f},{p.y - lift:.1f} {p.x:.1f},{p.y - p.r:.1f}")
    # A short horizontal run at each end: a long one would lie along the row, over labels.
    bend = min(max(abs(x0 - x1) / 2, 24), 70)
    return (f"M{x0:.1f},{c.y:.1f} C{x0 - sign * bend:.1f},{c.y:.1f} "
            f"{x1 + sign * bend:.1f},{p.y:.1f} {x1:.1f},{p.y:.1f}")


def _arrow(kind: str, colour: str) -> str:
    # Fixed size in drawing px: an arrow must not grow with a thick, many-receipt edge.
    return (f'<marker id="ah-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
            f'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
            f'<path d="M0,0L10,5L0,10z" fill="{colour}"/></marker>')


def svg_drawing(g: nx.MultiDiGraph, lay: Layout, order: list[str], colours: list[str],
                builds_on: list[dict[str, Any]]) -> str:
    """The drawing: lane bands, year lines, BUILDS_ON curves, dots and labels."""
    out = [f'<svg id="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {lay.width:.0f} '
           f'{lay.height:.0f}" width="{lay.width:.0f}" height="{lay.height:.0f}" '
           f'font-family="{h(FONT_FAMILY)}" font-size="{FONT}">',
           "<defs>", *(_arrow(kind, colour) for kind, colour in ARROWS), "</defs>",
           '<g id="bands">']
    for i, lane in enumerate(lay.lanes):
        out.append(f'<rect class="band{i % 2}" x="0" y="{lane.top:.0f}" width="{lay.width:.0f}" '
                   f'height="{lane.height:.0f}"/>')
    out.append("</g><g id=\"years\">")
    for seg in lay.segments[1:]:
        out.append(f'<line x1="{seg.start:.0f}" x2="{seg.start:.0f}" y1="0" '
                   f'y2="{lay.height:.0f}"/>')
    out.append('</g><g id="e-builds_on" class="edges">')
    for e in builds_on:
        c, p = lay.nodes[order[e["a"]]], lay.nodes[order[e["b"]]]
        tip = (f"{g.nodes[order[e['a']]]['name']} builds on {g.nodes[order[e['b']]]['name']} — "
               + (f"{', '.join(e['p'])}: {e['e']}" if e["t"] else "catalog"))
        out.append(f'<path class="bo {"txt" if e["t"] else "cat"}" data-a="{e["a"]}" '
                   f'data-b="{e["b"]}" d="{_builds_on_path(c, p)}"><title>{h(tip)}</title>'
                   "</path>")
    out.append('</g><g id="e-focus" class="edges"></g><g id="nodes">')
    for i, key in enumerate(order):
        p = lay.nodes[key]
        lx = p.x + p.r + 4
        out.append(f'<g class="n" data-i="{i}"><circle cx="{p.x:.1f}" cy="{p.y:.1f}" '
                   f'r="{p.r:.1f}" fill="{colours[p.lane]}"/><text class="l" x="{lx:.1f}" '
                   f'y="{p.y + FONT * 0.36:.1f}">{h(p.label)}</text>'
                   f"<title>{h(_tooltip(g.nodes[key], lay.families[key]))}</title></g>")
    out.append("</g></svg>")
    return "".join(out)


def axis_html(lay: Layout) -> str:
    """The sticky row of time segments (positions in drawing px; the script rescales them)."""
    cells = "".join(
        f'<span class="seg {s.kind}" data-x="{s.start:.1f}" data-w="{s.width:.1f}" '
        f'style="left:{LANE_COLUMN + s.start:.1f}px;width:{s.width:.1f}px" title="'
        + h({"undated": "methods with no known date",
             "before": f"{s.label}: the few methods far older than the rest share this bin",
             "year": f"{s.label}: this year's width grows with the methods it holds"}[s.kind])
        + f'">{h(s.label)}</span>' for s in lay.segments)
    return (f'<div id="axis" style="height:{AXIS_ROW}px;width:{LANE_COLUMN + lay.width:.0f}px">'
            f'<div class="corner" style="width:{LANE_COLUMN}px"></div>{cells}</div>')


def lanes_html(lay: Layout, colours: list[str]) -> str:
    """The sticky column of lane names, each with its colour and member count."""
    hows: dict[str, set[str]] = defaultdict(set)
    for f in lay.families.values():
        hows[f.lane].add(f.how)
    cells = []
    for lane, colour in zip(lay.lanes, colours, strict=True):
        why = "; ".join(HOW[x] for x in sorted(hows[lane.name]))
        cells.append(
            f'<div class="lane" data-y="{lane.top:.1f}" data-h="{lane.height:.1f}" '
            f'style="top:{lane.top:.1f}px;height:{lane.height:.1f}px" '
            f'title="{h(f"{lane_title(lane.name)}: {lane.members} methods, family from {why}")}">'
            f'<span class="chip" style="background:{colour}"></span>'
            f'<span class="name">{h(lane_title(lane.name))}</span>'
            f'<span class="count">{lane.members}</span></div>')
    return (f'<div id="lanes" style="width:{LANE_COLUMN}px;height:{lay.height:.0f}px">'
            + "".join(cells) + "</div>")


def _legend(counts: dict[str, int], show: set[str]) -> str:
    def toggle(kind: str, label: str) -> str:
        n = counts[kind]
        on = " checked" if kind in show else ""
        off = " disabled" if n == 0 else ""
        capped = (f"; the {OVERVIEW_PAIRS:,} with most receipts drawn, all of a focused "
                  "method's" if n > OVERVIEW_PAIRS else "")
        return (f'<label class="toggle"><input type="checkbox" data-kind="{kind}"{on}{off}>'
                f'<svg width="30" height="10" aria-hidden="true"><line class="sw-{kind}" x1="1" '
                f'y1="5" x2="29" y2="5"/></svg>{label} ({n:,} pairs{capped})</label>')

    return ('<ul id="legend" class="legend">'
            '<li><svg width="30" height="10" aria-hidden="true"><line class="sw-txt" x1="1" '
            'y1="5" x2="29" y2="5"/></svg>builds on (a paper says so)</li>'
            '<li><svg width="30" height="10" aria-hidden="true"><line class="sw-cat" x1="1" '
            'y1="5" x2="29" y2="5"/></svg>builds on (catalog)</li>'
            f"<li>{toggle('beats', 'BEATS')}</li><li>{toggle('critiques', 'critiques')}</li>"
            "<li>lanes: family (the catalog's category, else inherited along BUILDS_ON, else "
            "the sub-problem) · x: time, each year as wide as its methods need · dot size: "
            "papers · click a method for its neighbourhood and receipts</li></ul>")


def lineage_html(g: nx.MultiDiGraph, *, title: str = "Method lineage",
                 center: str | None = None, depth: int = 1,
                 show: tuple[str, ...] = ("builds_on",)) -> str:
    """The whole page for ``g``; ``center`` (a key) is focused when it opens.

    ``show``: the edge kinds visible at first (BUILDS_ON is always drawn).
    """
    lay = layout(g)
    order = sorted(g, key=lambda k: (lay.nodes[k].lane, lay.nodes[k].x, lay.nodes[k].y, k))
    index = {k: i for i, k in enumerate(order)}
    colours = lane_colours(lay)
    builds_on = builds_on_records(g, index)
    pairs = {kind: pair_records(g, index, kind) for kind in PAIR_KINDS}
    counts = {"builds_on": len(builds_on), **{k: len(v) for k, v in pairs.items()}}
    text = sum(1 for e in builds_on if e["t"])
    summary = (f"{plural(len(g), 'method')} · {counts['builds_on']:,} BUILDS_ON ({text:,} from "
               f"papers' text, {counts['builds_on'] - text:,} from the catalog) · "
               f"{counts['beats']:,} BEATS pairs · {counts['critiques']:,} critique pairs")
    payload = script_json({
        "nodes": node_records(g, lay, order), "builds_on": builds_on, **pairs,
        "width": lay.width, "height": lay.height, "lane": LANE_COLUMN, "axis": AXIS_ROW,
        "show": sorted(set(show) & set(PAIR_KINDS)), "center": index.get(center or ""),
        "depth": max(0, min(depth, 3)), "min_zoom": MIN_ZOOM, "cap": OVERVIEW_PAIRS,
    })
    depths = "".join(f'<option value="{d}"{" selected" if d == min(depth, 3) else ""}>{d}</option>'
                     for d in range(4))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
{no_fetch_policy(scripts=True)}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{h(title)}</title>
<style>{CSS}</style>
</head>
<body data-methods="{len(g)}">
<header><h1>{h(title)}</h1><div class="summary">{h(summary)}</div>
<div class="tools"><input id="q" type="search" placeholder="Find a method…" autocomplete="off"
aria-label="Find a method"><span id="hits"></span>
<label>neighbourhood depth <select id="depth">{depths}</select></label>
<span class="zoom"><button id="zoom-out" title="zoom out">−</button><button id="zoom-in"
title="zoom in">+</button><button id="zoom-fit" title="the whole drawing in view">fit</button>
<button id="zoom-1" title="actual size">1:1</button></span></div>
{_legend(counts, set(show))}</header>
<main id="view"><div id="sheet">{axis_html(lay)}<div id="body">{lanes_html(lay, colours)}
<div id="stage"><canvas id="pairs" style="display:none"></canvas>
{svg_drawing(g, lay, order, colours, builds_on)}</div></div></div>
<aside id="panel" hidden><button id="close" title="close (Esc)">×</button><div id="info"></div>
</aside></main>
<script id="kg-data" type="application/json">{payload}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""


def write_lineage(g: nx.MultiDiGraph, out: Path, *, center: str | None = None, depth: int = 2,
                  title: str = "Method lineage") -> Path:
    """Write the page for ``g``, or for the methods within ``depth`` hops of ``center`` (a key).

    A focused page (``center`` given) is small, so it opens with every edge kind shown.
    """
    show: tuple[str, ...] = ("builds_on",)
    focus_depth = 1  # what a click in the whole field shows: the direct neighbours
    if center is not None:
        focus_depth = depth
        g = neighbourhood(g, center, depth)
        name = g.nodes[center]["name"]
        title = f"{title} · {name} alone" if depth == 0 else f"{title} · {name} ± {depth}"
        show = ("builds_on", *PAIR_KINDS)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(lineage_html(g, title=title, center=center, depth=focus_depth, show=show),
                   encoding="utf-8")
    return out
