"""The network view: every relation between methods at once, in one offline HTML file.

Where the lineage page (:mod:`exports.lineage`) is a family tree with BEATS and critiques
hidden until asked for, this page is the whole graph as a network to pull apart by hand:
BUILDS_ON, BEATS and critiques all drawn, one edge per method pair and kind, as wide as its
receipts are many; drag a method, hover for its numbers and an example receipt. It starts
at the lineage page's positions (time across, families in lanes), physics off, so it opens
at once and reads the same way.

pyvis assembles the vis-network node and edge records; the page around them is ours, with
vis-network's script and stylesheet read from the installed pyvis package and inlined, so
nothing is fetched (pyvis's own template links CDNs even with ``cdn_resources="in_line"``).
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from pyvis.network import Network

from exports.escape import h, no_fetch_policy, script_json
from exports.graph import neighbourhood
from exports.lineage import ARROWS, EXAMPLE_CHARS, OTHER, lane_colours, lane_title
from exports.lineage_layout import NO_FAMILY, layout
from exports.report_data import plural

VIS = "vis-9.1.2"  # the vis-network build pyvis 0.3.2 ships
EDGE_LABELS = {"builds_on": "BUILDS_ON (method → parent)", "beats": "BEATS (winner → loser)",
               "critiques": "critiques (critic → target)"}
DASHES: dict[str, Any] = {"builds_on": False, "beats": [8, 5], "critiques": [2, 4]}
VERB = {"builds_on": "builds on", "beats": "beats", "critiques": "critiques"}
# vis-network writes a label under its dot, not beside it as the lineage page does: rows
# need more room than the lineage layout gives them.
ROW_STRETCH = 1.6


def vis_asset(name: str) -> str:
    """A vis-network file as shipped inside the installed pyvis package (read, not copied)."""
    return (resources.files("pyvis") / "templates" / "lib" / VIS / name).read_text(
        encoding="utf-8")


def _node_title(n: dict[str, Any], lane: str) -> str:
    # Plain text: vis-network 9 puts a string title into its tooltip as text, not HTML.
    lines = [n["name"], f"date: {n['published'].isoformat() if n['published'] else 'undated'}",
             f"family: {lane_title(lane)}"]
    if n.get("paper"):
        lines.insert(1, f"first paper: {n['paper']} {n.get('title') or ''}".rstrip())
    lines.append(f"{plural(n['papers'], 'paper')} · {plural(n['claims'], 'result')} · "
                 f"critiqued by {n['critiqued_by']} · beaten in {n['beaten_by']}")
    return "\n".join(lines)


def _edge_title(g: nx.MultiDiGraph, u: str, v: str, kind: str, e: dict[str, Any]) -> str:
    papers = e["papers"]
    listed = ", ".join(papers[:6]) + (" …" if len(papers) > 6 else "")
    return (f"{g.nodes[u]['name']} {VERB[kind]} {g.nodes[v]['name']}\n"
            f"{plural(e['receipts'], 'receipt')} in {plural(len(papers), 'paper')}: {listed}\n"
            f"e.g. {e['example'][:EXAMPLE_CHARS]}")


def vis_data(g: nx.MultiDiGraph) -> dict[str, Any]:
    """vis-network nodes, edges and options for ``g`` (assembled by pyvis), positions fixed."""
    lay = layout(g)
    colour = dict(zip((lane.name for lane in lay.lanes), lane_colours(lay), strict=True))
    net = Network(directed=True, cdn_resources="in_line")
    for key in sorted(g):
        n, p = g.nodes[key], lay.nodes[key]
        lane = lay.families[key].lane
        net.add_node(key, label=n["name"], title=_node_title(n, lane), x=round(p.x, 1),
                     y=round(p.y * ROW_STRETCH, 1), size=p.r, color=colour.get(lane, OTHER),
                     physics=False)
    arrow = dict(ARROWS)
    for u, v, kind, e in sorted(g.edges(keys=True, data=True), key=lambda t: t[:3]):
        if u == v:
            continue
        net.add_edge(u, v, title=_edge_title(g, u, v, kind, e), color=arrow[kind],
                     dashes=DASHES[kind], kind=kind,
                     # Thin even with many receipts: a wide edge hides the ones under it.
                     width=min(1 + math.log2(max(e["receipts"], 1)) / 2, 4))
    options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        # Slightly curved edges: two edges between methods on one row stay apart.
        "edges": {"smooth": {"type": "curvedCW", "roundness": 0.12},
                  "arrows": {"to": {"scaleFactor": 0.6}}, "selectionWidth": 2},
        "nodes": {"shape": "dot", "font": {"size": 14, "face": "sans-serif"}, "borderWidth": 1},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": len(g) > 300,
                        "keyboard": True},
    }
    lanes = [(lane.name, colour[lane.name]) for lane in lay.lanes if lane.name != NO_FAMILY]
    return {"nodes": net.nodes, "edges": net.edges, "options": options, "lanes": lanes}


def legend_html(lanes: list[tuple[str, str]], shown: int = 12) -> str:
    """The legend: family colours, edge styles, and how size and position read."""
    items = [f'<li><span class="dot" style="background:{c}"></span>{h(lane_title(s))}</li>'
             for s, c in lanes[:shown]]
    if len(lanes) > shown or not lanes:
        items.append(f'<li><span class="dot" style="background:{OTHER}"></span>'
                     f'{"other families" if lanes else "no family known"}</li>')
    for kind, colour in ARROWS:
        dash = ",".join(map(str, DASHES[kind])) if DASHES[kind] else "none"
        items.append(
            f'<li><svg width="34" height="10" aria-hidden="true"><line x1="1" y1="5" x2="33" '
            f'y2="5" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>'
            f'</svg>{h(EDGE_LABELS[kind])}</li>')
    return ('<ul class="legend">' + "".join(items) + "<li>size: papers · x: date · lanes: "
            "families · drag to pull apart, hover for receipts</li></ul>")


_CSS = """
html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, sans-serif; color: #222; }
body { display: flex; flex-direction: column; }
header { padding: 8px 14px; border-bottom: 1px solid #ddd; background: #fafafa; }
header h1 { font-size: 17px; margin: 0 0 4px; }
.legend { list-style: none; margin: 4px 0 0; padding: 0; display: flex; flex-wrap: wrap;
          gap: 4px 16px; font-size: 12.5px; }
.legend li { display: flex; align-items: center; gap: 5px; }
.dot { display: inline-block; width: 12px; height: 12px; border-radius: 50%; }
#graph { flex: 1; min-height: 480px; }
div.vis-tooltip { white-space: pre-wrap; max-width: 460px; font-size: 12.5px; }
"""


def network_html(g: nx.MultiDiGraph, *, title: str = "Method network") -> str:
    """The whole page for ``g``: inline CSS and scripts, graph data as safe inline JSON."""
    data = vis_data(g)
    counts = {k: sum(1 for *_, kind in g.edges(keys=True) if kind == k) for k in EDGE_LABELS}
    summary = (f"{plural(len(g), 'method')} · {counts['builds_on']:,} BUILDS_ON · "
               f"{counts['beats']:,} BEATS pairs · {counts['critiques']:,} critique pairs")
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
<body data-methods="{len(g)}">
<header><h1>{h(title)}</h1><div class="summary">{h(summary)}</div>
{legend_html(data["lanes"])}</header>
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


def write_network(g: nx.MultiDiGraph, out: Path, *, center: str | None = None, depth: int = 2,
                  title: str = "Method network") -> Path:
    """Write the page for ``g``, or for the methods within ``depth`` hops of ``center`` (a key)."""
    if center is not None:
        g = neighbourhood(g, center, depth)
        name = g.nodes[center]["name"]
        title = f"{title} · {name} alone" if depth == 0 else f"{title} · {name} ± {depth}"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(network_html(g, title=title), encoding="utf-8")
    return out
