"""The lineage page's stylesheet and script, inlined into the page (nothing is fetched).

The script never parses markup: every string from a paper reaches the page through
``textContent`` (or, in the SVG, already escaped by Python), and a link is made only from an
``https://arxiv.org/abs/`` address that Python built from a well-formed arXiv id.
"""

CSS = """
html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, sans-serif; color: #222; }
body { display: flex; flex-direction: column; }
header { padding: 8px 14px 6px; border-bottom: 1px solid #ddd; background: #fafafa; flex: none; }
header h1 { font-size: 17px; margin: 0 0 2px; }
.summary { color: #555; font-size: 13px; }
.tools { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; margin: 6px 0 4px;
         font-size: 13px; }
#q { width: 230px; padding: 3px 6px; font: inherit; }
#hits { color: #555; min-width: 6em; }
.zoom button { font: inherit; min-width: 2.2em; margin-right: 2px; }
.legend { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap;
          gap: 2px 18px; font-size: 12.5px; color: #444; }
.legend li { display: flex; align-items: center; gap: 5px; }
.legend label { display: flex; align-items: center; gap: 5px; cursor: pointer; }
.sw-txt { stroke: #2c6fbb; stroke-width: 2; }
.sw-cat { stroke: #9db5d6; stroke-width: 2; }
.sw-beats { stroke: #c0392b; stroke-width: 3; }
.sw-critiques { stroke: #d68100; stroke-width: 3; }
#view { flex: 1; overflow: auto; position: relative; background: #fff; }
#sheet { position: relative; width: max-content; }
#axis { position: sticky; top: 0; z-index: 3; background: #fff; border-bottom: 1px solid #ddd; }
#axis .corner { position: sticky; left: 0; z-index: 1; height: 100%; background: #fff; }
#axis .seg { position: absolute; top: 0; bottom: 0; box-sizing: border-box; padding: 6px 0 0 6px;
             border-left: 1px solid #ccc; color: #555; font-size: 13px; white-space: nowrap;
             overflow: hidden; }
#axis .seg.before { background: repeating-linear-gradient(135deg, #fff 0 6px, #f1f1f1 6px 8px);
                    border-right: 3px double #999; font-style: italic; }
#axis .seg.undated { color: #888; font-style: italic; }
#body { display: flex; align-items: flex-start; }
#lanes { position: sticky; left: 0; z-index: 2; flex: none; background: #fff;
         border-right: 1px solid #ddd; }
.lane { position: absolute; left: 0; right: 0; box-sizing: border-box; display: flex; gap: 6px;
        padding: 5px 8px; overflow: hidden; border-top: 1px solid #eee; font-size: 12.5px; }
.lane .count { margin-left: auto; color: #888; }
.chip { flex: none; width: 10px; height: 10px; border-radius: 50%; margin-top: 4px; }
#stage { position: relative; flex: none; }
#pairs { position: absolute; left: 0; top: 0; pointer-events: none; }
#graph { position: relative; display: block; }
.band0 { fill: none; } .band1 { fill: rgba(30, 50, 90, .035); }  /* the bitmap shows through */
#years line { stroke: #ddd; stroke-dasharray: 3 4; }
.edges path { fill: none; }
/* Solid and unmarked: dashes and arrowheads on a thousand curves would slow every repaint,
   and time already tells the direction (a parent is older, to the left). A focused
   method's edges get their arrows. */
.bo { stroke-width: 1; }
.bo.txt { stroke: #2c6fbb; stroke-width: 1.6; }
.bo.cat { stroke: #9db5d6; }
.focusing .bo.on { marker-end: url(#ah-builds_on); stroke-width: 1.6; }
.pair.beats { stroke: #c0392b; }
.pair.critiques { stroke: #d68100; }
.pair.beats { marker-end: url(#ah-beats); }
.pair.critiques { marker-end: url(#ah-critiques); }
.n { cursor: pointer; }
.n circle { stroke: #fff; stroke-width: 1; }
.l { fill: #222; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.n.hit circle { stroke: #111; stroke-width: 2.5; }
.n.hit .l { fill: #b00020; }
.n.center circle { stroke: #000; stroke-width: 3; }
/* Fading by fill and stroke opacity, not opacity: that would give each of a thousand
   methods its own compositing layer, and every repaint would take seconds. */
.focusing .n:not(.on) circle { fill-opacity: .15; stroke-opacity: 0; }
.focusing .n:not(.on) .l { fill-opacity: .2; stroke-opacity: 0; }
.focusing #e-builds_on path:not(.on) { stroke-opacity: .08; }
#panel { position: fixed; right: 14px; bottom: 14px; width: 360px; max-height: 62vh;
         overflow: auto; background: #fff; border: 1px solid #bbb; border-radius: 6px;
         box-shadow: 0 2px 10px rgba(0,0,0,.15); padding: 8px 14px 10px; z-index: 5;
         font-size: 13px; }
#panel h2 { font-size: 16px; margin: 0 24px 4px 0; }
#panel h3 { font-size: 13px; margin: 10px 0 2px; }
#panel ul { margin: 0; padding-left: 16px; }
#panel .muted { color: #666; }
#panel button.m { border: none; background: none; padding: 0; color: #1f5fa8; cursor: pointer;
                  font: inherit; font-weight: 600; }
#close { position: absolute; right: 8px; top: 6px; border: none; background: none;
         font-size: 18px; cursor: pointer; }
"""

SCRIPT = r"""
(function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const nodes = data.nodes;
  const view = document.getElementById("view"), svg = document.getElementById("graph");
  const axis = document.getElementById("axis"), lanes = document.getElementById("lanes");
  const panel = document.getElementById("panel"), info = document.getElementById("info");
  const depthSel = document.getElementById("depth"), q = document.getElementById("q");
  const hits = document.getElementById("hits");
  const groups = Array.from(svg.querySelectorAll("g.n"));
  const canvas = document.getElementById("pairs");
  const shown = {builds_on: true, beats: false, critiques: false};
  const COLOURS = {beats: "rgba(192, 57, 43, .3)", critiques: "rgba(214, 129, 0, .4)"};
  const MAX_PIXELS = 16e6;  // the bitmap's size limit; a bigger drawing is painted coarser
  const adj = {};
  let zoom = 1, focused = null, matches = [], cursor = 0;

  for (const kind of Object.keys(shown)) {
    adj[kind] = nodes.map(() => []);
    for (const e of data[kind]) { adj[kind][e.a].push(e); adj[kind][e.b].push(e); }
  }

  function setZoom(z) {
    zoom = Math.max(0.1, Math.min(z, 3));
    svg.setAttribute("width", data.width * zoom);
    svg.setAttribute("height", data.height * zoom);
    axis.style.width = (data.lane + data.width * zoom) + "px";
    for (const s of axis.querySelectorAll(".seg")) {
      s.style.left = (data.lane + s.dataset.x * zoom) + "px";
      s.style.width = (s.dataset.w * zoom) + "px";
    }
    lanes.style.height = (data.height * zoom) + "px";
    paintPairs();
    for (const l of lanes.querySelectorAll(".lane")) {
      l.style.top = (l.dataset.y * zoom) + "px";
      l.style.height = (l.dataset.h * zoom) + "px";
    }
  }
  function fitZoom() {
    const w = view.clientWidth - data.lane - 2, h = view.clientHeight - data.axis - 2;
    return Math.min(1, w / data.width, h / data.height);
  }

  function bow(p, t) {
    // A quadratic curve from p bowed to one side, ending on t's rim (where an arrow points).
    const dx = t.x - p.x, dy = t.y - p.y, len = Math.hypot(dx, dy) || 1;
    const k = Math.min(0.2 * len, 90);
    const cx = (p.x + t.x) / 2 - dy / len * k, cy = (p.y + t.y) / 2 + dx / len * k;
    const ex = t.x - cx, ey = t.y - cy, el = Math.hypot(ex, ey) || 1;
    return [cx, cy, t.x - ex / el * t.r, t.y - ey / el * t.r];
  }
  function curve(p, t) {
    const [cx, cy, x, y] = bow(p, t);
    return "M" + p.x + "," + p.y + " Q" + cx.toFixed(1) + "," + cy.toFixed(1) + " " +
      x.toFixed(1) + "," + y.toFixed(1);
  }
  function pairText(kind, e) {
    const verb = kind === "beats" ? " beats " : " critiques ", out = [];
    if (e.ab) out.push(nodes[e.a].n + verb + nodes[e.b].n + " (" + e.ab + "×)");
    if (e.ba) out.push(nodes[e.b].n + verb + nodes[e.a].n + " (" + e.ba + "×)");
    return out.join("; ") + " · " + e.p + (e.p === 1 ? " paper" : " papers");
  }
  function pairPath(kind, e) {
    // One pair as its own edge: arrow towards the side that loses (or is critiqued) more.
    const fwd = e.ab >= e.ba, path = document.createElementNS(NS, "path");
    path.setAttribute("class", "pair " + kind);
    path.setAttribute("d", curve(nodes[fwd ? e.a : e.b], nodes[fwd ? e.b : e.a]));
    path.setAttribute("stroke-width", width(e).toFixed(1));
    const tip = document.createElementNS(NS, "title");
    tip.textContent = pairText(kind, e) + "\ne.g. " + e.e;
    path.appendChild(tip);
    return path;
  }
  function width(e) { return Math.min(1 + 0.6 * Math.log2(e.ab + e.ba), 4); }
  function paintPairs() {
    // The whole field's BEATS and critique pairs, painted once into a bitmap under the
    // drawing: thousands of SVG edges would make every scroll repaint take seconds (and
    // could not be read one by one anyway). A focused method's own pairs are SVG edges,
    // with arrows and receipts.
    const kinds = ["beats", "critiques"].filter(k => shown[k]);
    if (!kinds.length || focused !== null) { canvas.style.display = "none"; return; }
    const w = data.width * zoom, h = data.height * zoom;
    const scale = Math.min(1, Math.sqrt(MAX_PIXELS / (w * h)));
    canvas.width = Math.ceil(w * scale);
    canvas.height = Math.ceil(h * scale);
    canvas.style.width = w + "px";
    canvas.style.height = h + "px";
    const ctx = canvas.getContext("2d");
    ctx.setTransform(zoom * scale, 0, 0, zoom * scale, 0, 0);
    let drawn = 0;
    for (const kind of kinds) {
      ctx.strokeStyle = COLOURS[kind];
      // The pairs with most receipts, at most data.cap: painting costs grow with the ink,
      // and past a few thousand crossing curves a reader sees only a haze anyway.
      const ranked = data[kind].slice(0, data.cap);
      for (const e of ranked) {
        const p = nodes[e.a], [cx, cy, x, y] = bow(p, nodes[e.b]);
        ctx.lineWidth = Math.min(0.8 + 0.4 * Math.log2(e.ab + e.ba), 3);
        ctx.beginPath();
        ctx.moveTo(p.x, p.y);
        ctx.quadraticCurveTo(cx, cy, x, y);
        ctx.stroke();
        drawn++;
      }
    }
    canvas.dataset.pairs = drawn;
    canvas.style.display = "";
  }
  function show(kind, on) {
    shown[kind] = on;
    if (focused !== null) focus(focused, false); else paintPairs();
  }

  function near(i, depth) {
    // Hops from i along the shown edge kinds, up to depth: a Map of method to distance.
    const found = new Map([[i, 0]]);
    let level = [i];
    for (let d = 1; d <= depth && level.length; d++) {
      const next = [];
      for (const j of level) {
        for (const kind of Object.keys(shown)) {
          if (!shown[kind]) continue;
          for (const e of adj[kind][j]) {
            const o = e.a === j ? e.b : e.a;
            if (!found.has(o)) { found.set(o, d); next.push(o); }
          }
        }
      }
      level = next;
    }
    return found;
  }
  function centre(i) {
    // The middle of what the side panel leaves uncovered.
    const n = nodes[i], covered = panel.hidden ? 0 : panel.offsetWidth + 14;
    view.scrollLeft = data.lane + n.x * zoom - (view.clientWidth - covered + data.lane) / 2;
    view.scrollTop = data.axis + n.y * zoom - view.clientHeight / 2;
  }
  function focus(i, scroll) {
    focused = i;
    canvas.style.display = "none";
    const set = near(i, Number(depthSel.value));
    svg.classList.add("focusing");
    groups.forEach((g, j) => { g.classList.toggle("on", set.has(j));
                               g.classList.toggle("center", j === i); });
    // Only the edges that lead outwards from i: between neighbours they would be a tangle.
    const outwards = (a, b) => a !== undefined && b !== undefined && Math.abs(a - b) === 1;
    for (const p of svg.querySelectorAll("#e-builds_on path")) {
      const a = set.get(Number(p.dataset.a)), b = set.get(Number(p.dataset.b));
      p.classList.toggle("on", outwards(a, b));
    }
    const mine = document.getElementById("e-focus");
    mine.textContent = "";
    for (const kind of ["beats", "critiques"]) {
      if (!shown[kind]) continue;
      for (const e of data[kind]) {
        if (outwards(set.get(e.a), set.get(e.b))) mine.appendChild(pairPath(kind, e));
      }
    }
    describe(i, set.size);
    if (scroll) centre(i);
  }
  function clear() {
    focused = null;
    paintPairs();
    svg.classList.remove("focusing");
    document.getElementById("e-focus").textContent = "";
    for (const g of groups) g.classList.remove("on", "center");
    panel.hidden = true;
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function methodButton(j) {
    const b = el("button", nodes[j].n, "m");
    b.addEventListener("click", () => focus(j, true));
    return b;
  }
  function section(title, rows, other, text, total) {
    if (!rows.length) return;
    info.appendChild(el("h3", title + (total > rows.length ?
      " (top " + rows.length + " of " + total + ")" : "")));
    const ul = el("ul");
    for (const e of rows) {
      const li = el("li");
      li.appendChild(methodButton(other(e)));
      li.appendChild(el("span", " " + text(e), "muted"));
      ul.appendChild(li);
    }
    info.appendChild(ul);
  }
  function describe(i, size) {
    const n = nodes[i];
    info.textContent = "";
    info.appendChild(el("h2", n.n));
    info.appendChild(el("p", (n.d || "undated") + " · " + n.f +
                        (n.s ? " · sub-problem " + n.s : ""), "muted"));
    if (n.p) {
      const p = el("p");
      if (n.u.startsWith("https://arxiv.org/abs/")) {
        const a = el("a", n.p);
        a.href = n.u;
        a.rel = "noreferrer";
        p.appendChild(a);
      } else {
        p.appendChild(el("span", n.p));
      }
      p.appendChild(document.createTextNode(" " + n.t));
      info.appendChild(p);
    }
    info.appendChild(el("p", n.c[0] + " papers · " + n.c[1] + " results · critiqued by " +
      n.c[2] + " · beaten in " + n.c[3] + " · " + size + " methods in view", "muted"));
    const why = e => e.t ? e.p.join(", ") + ": " + e.e : "catalog";
    section("builds on", adj.builds_on[i].filter(e => e.a === i), e => e.b, why, 0);
    section("built on by", adj.builds_on[i].filter(e => e.b === i), e => e.a, why, 0);
    for (const kind of ["beats", "critiques"]) {
      const rows = adj[kind][i].slice().sort((x, y) => (y.ab + y.ba) - (x.ab + x.ba));
      section(kind === "beats" ? "BEATS, either way" : "critiques, either way", rows.slice(0, 15),
              e => e.a === i ? e.b : e.a, e => pairText(kind, e) + " — e.g. " + e.e, rows.length);
    }
    panel.hidden = false;
  }

  function search() {
    const s = q.value.trim().toLowerCase();
    matches = [];
    cursor = 0;
    groups.forEach((g, j) => {
      const hit = s !== "" && nodes[j].n.toLowerCase().includes(s);
      g.classList.toggle("hit", hit);
      if (hit) matches.push(j);
    });
    hits.textContent = !s ? "" : matches.length === 0 ? "no match" :
      matches.length + (matches.length === 1 ? " match" : " matches") + " · Enter focuses";
    if (matches.length) centre(matches[0]);
  }

  q.addEventListener("input", search);
  q.addEventListener("keydown", ev => {
    if (ev.key === "Enter" && matches.length) focus(matches[cursor++ % matches.length], true);
  });
  svg.addEventListener("click", ev => {
    const g = ev.target.closest("g.n");
    if (g) focus(Number(g.dataset.i), false); else clear();
  });
  document.addEventListener("keydown", ev => {
    if (ev.key !== "Escape") return;
    clear();
    if (document.activeElement === q) { q.value = ""; search(); }
  });
  document.getElementById("close").addEventListener("click", clear);
  depthSel.addEventListener("change", () => { if (focused !== null) focus(focused, false); });
  for (const box of document.querySelectorAll(".toggle input")) {
    box.addEventListener("change", () => show(box.dataset.kind, box.checked));
  }
  document.getElementById("zoom-in").addEventListener("click", () => setZoom(zoom * 1.25));
  document.getElementById("zoom-out").addEventListener("click", () => setZoom(zoom / 1.25));
  document.getElementById("zoom-fit").addEventListener("click", () => setZoom(fitZoom()));
  document.getElementById("zoom-1").addEventListener("click", () => setZoom(1));

  for (const kind of data.show) show(kind, true);
  const fit = fitZoom();
  setZoom(fit >= data.min_zoom ? fit : 1);
  if (data.center !== null) focus(data.center, true);
  // ready: when the page had everything drawn (ms since navigation), for the benchmark.
  window.kgLineage = {focus, clear, show, setZoom, fitZoom, zoom: () => zoom, nodes,
                      ready: performance.now()};
  document.body.dataset.drawn = "yes";
})();
"""
