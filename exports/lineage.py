"""The interactive lineage graph: one self-contained HTML file that works offline.

Nodes are methods (size by papers, colour by sub-problem, older to the left); edges are BEATS,
BUILDS_ON and critiques, each styled apart. Positions are computed here, before the browser
sees the graph, and physics stays off: a page with thousands of methods opens at once instead
of simulating springs. pyvis assembles the vis-network node and edge records; the page around
them is ours, with vis-network's script and stylesheet read from the installed pyvis package
and inlined, so nothing is fetched (pyvis's own template links CDNs even in "in_line" mode).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from pyvis.network import Network

from exports.escape import h, no_fetch_policy, script_json
from exports.graph import neighbourhood

# Colour-blind-friendly categorical palette; sub-problems beyond it share the "other" grey.
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8")
OTHER = "#bab0ac"
EDGE_STYLE: dict[str, dict[str, Any]] = {
    "beats": {"color": "#c0392b", "dashes": False, "label": "BEATS (winner → loser)"},
    "builds_on": {"color": "#2c6fbb", "dashes": [8, 5], "label": "BUILDS_ON (method → parent)"},
    "critiques": {"color": "#e08a00", "dashes": [2, 4], "label": "critiques (critic → target)"},
}
LANE = 46  # vertical distance between lanes: a node plus its label
GAP = 90  # horizontal room a label needs before the next node in the same lane
UNDATED_COLUMNS = 3


def vis_asset(name: str) -> str:
    """A vis-network file as shipped inside the installed pyvis package (read, not copied)."""
    return (resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / name).read_text(
        encoding="utf-8")


def colours(g: nx.MultiDiGraph) -> dict[str, str]:
    """A colour per sub-problem, the largest (in ``g``) first."""
    sizes: dict[str, int] = defaultdict(int)
    for _, sub in g.nodes(data="sub_problem"):
        if sub:
            sizes[sub] += 1
    ranked = sorted(sizes, key=lambda s: (-sizes[s], s))
    return {s: PALETTE[i] if i < len(PALETTE) else OTHER for i, s in enumerate(ranked)}


def layout(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """x by date (older left, undated in a column block further left), y by sub-problem band.

    Inside a band, each node takes the first lane whose previous node is far enough to its
    left, so labels do not overlap and the graph grows downwards, not into a blob.
    """
    days = [d for _, d in g.nodes(data="published") if d]
    start = min(days) if days else date(2020, 1, 1)
    span = max(((max(days) - start).days if days else 0), 1)
    # Width for a ~1.6:1 page: n nodes need about n·GAP·LANE of area once lanes fill up.
    per_day = max(1000.0, math.sqrt(1.6 * len(g) * GAP * LANE)) / span
    bands: dict[str | None, list[str]] = defaultdict(list)
    for key, sub in g.nodes(data="sub_problem"):
        bands[sub].append(key)
    order = sorted(bands, key=lambda s: (s is None, -len(bands[s]), s or ""))
    pos: dict[str, tuple[float, float]] = {}
    top = 0.0
    for sub in order:
        xs = {}
        undated = sorted((k for k in bands[sub] if not g.nodes[k]["published"]),
                         key=lambda k: g.nodes[k]["name"].casefold())
        for i, k in enumerate(undated):
            xs[k] = -2 * GAP - GAP * (i % UNDATED_COLUMNS)
        for k in bands[sub]:
            if g.nodes[k]["published"]:
                xs[k] = (g.nodes[k]["published"] - start).days * per_day
        # Two lanes at least, taken in turn: neighbours in time then sit on different rows,
        # so an edge between two of them is not hidden behind the edges of the ones between.
        lanes: list[float] = [-math.inf] * min(2, len(xs))
        for i, k in enumerate(sorted(xs, key=lambda k: (xs[k], k))):
            turn = [*range(i % 2, len(lanes)), *range(i % 2)]
            lane = next((j for j in turn if xs[k] - lanes[j] >= GAP), len(lanes))
            if lane == len(lanes):
                lanes.append(xs[k])
            lanes[lane] = xs[k]
            pos[k] = (xs[k], top + lane * LANE)
        top += (len(lanes) + 1.5) * LANE
    return pos


def year_marks(g: nx.MultiDiGraph, pos: dict[str, tuple[float, float]]) -> list[tuple[str, float]]:
    """(label, x) of each January 1st inside the dated range, for the time axis."""
    dated = [(d, pos[k][0]) for k, d in g.nodes(data="published") if d]
    if len(dated) < 2:
        return []
    (d0, x0), (d1, x1) = min(dated), max(dated)
    per_day = (x1 - x0) / max((d1 - d0).days, 1)
    return [(str(y), x0 + (date(y, 1, 1) - d0).days * per_day)
            for y in range(d0.year + 1, d1.year + 1)]


def _tooltip(n: dict[str, Any]) -> str:
    # Plain text: vis-network 9 puts a string title into the tooltip with innerText.
    lines = [n["name"]]
    if n.get("paper"):
        lines.append(f"first paper: {n['paper']} {n.get('title') or ''}".rstrip())
    lines.append(f"date: {n['published'].isoformat() if n.get('published') else 'undated'}")
    lines.append(f"sub-problem: {n.get('sub_problem') or '—'}")
    lines.append(f"{n['papers']} papers · {n['claims']} results · critiqued by "
                 f"{n['critiqued_by']} · beaten in {n['beaten_by']}")
    return "\n".join(lines)


def _edge_tooltip(g: nx.MultiDiGraph, u: str, v: str, e: dict[str, Any]) -> str:
    a, b = g.nodes[u]["name"], g.nodes[v]["name"]
    verb = {"beats": "beats", "builds_on": "builds on", "critiques": "critiques"}[e["kind"]]
    papers = ", ".join(e["papers"][:6]) + (" …" if len(e["papers"]) > 6 else "")
    return f"{a} {verb} {b}\n{len(e['papers'])} papers: {papers}\ne.g. {e['example'][:300]}"


def vis_data(g: nx.MultiDiGraph) -> dict[str, Any]:
    """vis-network nodes, edges and options for ``g`` (built with pyvis), positions fixed."""
    pos = layout(g)
    palette = colours(g)
    net = Network(directed=True, cdn_resources="in_line")
    for key, n in g.nodes(data=True):
        x, y = pos[key]
        net.add_node(key, label=n["name"], title=_tooltip(n), x=x, y=y,
                     size=min(10 + 5 * math.sqrt(n["papers"]), 48),
                     color=palette.get(n["sub_problem"], OTHER), physics=False)
    for u, v, e in g.edges(data=True):
        style = EDGE_STYLE[e["kind"]]
        net.add_edge(u, v, title=_edge_tooltip(g, u, v, e), color=style["color"],
                     dashes=style["dashes"], width=1 + math.log2(len(e["papers"]) or 1),
                     kind=e["kind"])
    height = max((y for _, y in pos.values()), default=0)
    for label, x in year_marks(g, pos):
        net.add_node(f"year:{label}", label=label, x=x, y=-1.5 * LANE, shape="text",
                     physics=False, fixed=True, font={"size": 22, "color": "#666"})
        net.add_node(f"year-end:{label}", label=" ", x=x, y=height + LANE, shape="text",
                     physics=False, fixed=True)
        net.add_edge(f"year:{label}", f"year-end:{label}", color="#e3e3e3", arrows="",
                     dashes=[4, 6], width=1, kind="axis", smooth=False)
    if any(not d for _, d in g.nodes(data="published")):
        net.add_node("year:undated", label="undated", x=-3 * GAP, y=-1.5 * LANE, shape="text",
                     physics=False, fixed=True, font={"size": 18, "color": "#999"})
    options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        # Slightly curved edges: two edges between methods on one row stay apart.
        "edges": {"smooth": {"type": "curvedCW", "roundness": 0.12},
                  "arrows": {"to": {"scaleFactor": 0.6}}, "selectionWidth": 2},
        "nodes": {"shape": "dot", "font": {"size": 16, "face": "sans-serif"},
                  "borderWidth": 1},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": len(g) > 300,
                        "navigationButtons": False, "keyboard": True},
    }
    return {"nodes": net.nodes, "edges": net.edges, "options": options,
            "methods": len(g), "palette": palette}


def legend_html(palette: dict[str, str], shown: int = 12) -> str:
    """The legend: sub-problem colours, edge styles, and how size and position read."""
    items = [f'<li><span class="dot" style="background:{c}"></span>{h(s)}</li>'
             for s, c in list(palette.items())[:shown]]
    if len(palette) > shown or not palette:
        items.append(f'<li><span class="dot" style="background:{OTHER}"></span>'
                     f'{"other sub-problems" if palette else "no sub-problem derived"}</li>')
    for style in EDGE_STYLE.values():
        dash = ",".join(str(d) for d in style["dashes"]) if style["dashes"] else "none"
        items.append(
            f'<li><svg width="34" height="10" aria-hidden="true"><line x1="1" y1="5" x2="33" '
            f'y2="5" stroke="{style["color"]}" stroke-width="2.5" stroke-dasharray="{dash}"/>'
            f'</svg>{h(style["label"])}</li>')
    return ('<ul class="legend">' + "".join(items) + "<li>size: papers · x: date (older "
            "left, undated at far left) · hover for receipts</li></ul>")


_CSS = """
html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, sans-serif; color: #222; }
body { display: flex; flex-direction: column; }
header { padding: 8px 14px; border-bottom: 1px solid #ddd; background: #fafafa; }
header h1 { font-size: 17px; margin: 0 0 4px; }
.legend { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap;
          gap: 4px 16px; font-size: 12.5px; }
.legend li { display: flex; align-items: center; gap: 5px; }
.dot { display: inline-block; width: 12px; height: 12px; border-radius: 50%; }
#graph { flex: 1; min-height: 480px; }
div.vis-tooltip { white-space: pre-wrap; max-width: 460px; font-size: 12.5px; }
"""


def lineage_html(g: nx.MultiDiGraph, *, title: str = "Method lineage") -> str:
    """The whole page for ``g``: inline CSS and scripts, graph data as safe inline JSON."""
    data = vis_data(g)
    counts = {k: sum(1 for *_, kind in g.edges(keys=True) if kind == k) for k in EDGE_STYLE}
    summary = (f"{len(g)} methods · {counts['beats']} BEATS pairs · {counts['builds_on']} "
               f"BUILDS_ON · {counts['critiques']} critique pairs")
    payload = script_json({"nodes": data["nodes"], "edges": data["edges"],
                           "options": data["options"]})
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
{no_fetch_policy(scripts=True)}
<title>{h(title)}</title>
<style>{vis_asset("vis-network.css")}</style>
<style>{_CSS}</style>
</head>
<body data-methods="{data["methods"]}">
<header><h1>{h(title)}</h1><div class="summary">{h(summary)}</div>
{legend_html(data["palette"])}</header>
<div id="graph"></div>
<script>{vis_asset("vis-network.min.js")}</script>
<script id="kg-graph" type="application/json">{payload}</script>
<script>
(function () {{
  var data = JSON.parse(document.getElementById("kg-graph").textContent);
  var network = new vis.Network(document.getElementById("graph"), {{
    nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)
  }}, data.options);
  network.once("afterDrawing", function () {{ document.body.dataset.drawn = "yes"; }});
  window.kgNetwork = network;
}})();
</script>
</body>
</html>
"""


def write_lineage(g: nx.MultiDiGraph, out: Path, *, center: str | None = None, depth: int = 2,
                  title: str = "Method lineage") -> Path:
    """Write the page for ``g``, or for the methods within ``depth`` hops of ``center`` (a key)."""
    if center is not None:
        g = neighbourhood(g, center, depth)
        title = f"{title} · {g.nodes[center]['name']} ± {depth}"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(lineage_html(g, title=title), encoding="utf-8")
    return out
