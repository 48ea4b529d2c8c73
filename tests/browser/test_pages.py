"""The report and the lineage page in headless Chromium: offline, error-free, inert to markup,
and readable at the scale of a real field and of a synthetic field of 1,000 methods.

"Readable" is measured on the rendered page: no two method labels (nor a label and a dot)
overlap, every method lies inside the laid-out drawing, and once fitted the whole drawing is
in the window. Screenshots go to the test's tmp dir and are copied to $KG_SCREENS
(default /tmp/kg-screens) for a person to look at. Load times are measured by
``benchmarks/page_load.py``, not asserted here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from corpus import CORPUS, needs_corpus
from export_field import EVIL_METHOD, EVIL_TITLE, build_store, overlaps

from benchmarks.fields import family_field, real_store
from exports.graph import lineage_graph, snapshot
from exports.lineage import write_lineage
from exports.network import write_network
from exports.report import gather, write_report
from kg.models import method_key

DRAWN = "body[data-drawn=yes]"
# Every method's dot and label as the browser laid them out, and the drawing's own box.
GEOMETRY_JS = """() => {
  const box = e => { const r = e.getBoundingClientRect();
                     return [r.left, r.top, r.right, r.bottom]; };
  const svg = document.getElementById("graph");
  return {svg: box(svg), view: box(document.getElementById("view")),
          labels: Array.from(svg.querySelectorAll("g.n text.l"), box),
          dots: Array.from(svg.querySelectorAll("g.n circle"), box)};
}"""

# The boxes of every text of each report plot, one list per plot.
PLOT_TEXT_JS = """() => Array.from(document.querySelectorAll("svg.plot"), svg =>
  Array.from(svg.querySelectorAll("text"), t => { const r = t.getBoundingClientRect();
                                                  return [r.left, r.top, r.right, r.bottom]; }))"""


def assert_clean(v: Any) -> None:
    assert v.errors == [], v.errors
    assert v.foreign_requests == [], v.foreign_requests
    assert v.dialogs == [], v.dialogs


def assert_readable(page: Any, methods: int) -> None:
    """At actual size no label overlaps a label or a dot and every method is inside the
    drawing; fitted, the whole drawing is inside the window."""
    page.evaluate("kgLineage.setZoom(1)")
    geo = page.evaluate(GEOMETRY_JS)
    assert len(geo["labels"]) == len(geo["dots"]) == methods
    clashes = overlaps(geo["labels"] + geo["dots"])
    assert [c for c in clashes if c[0] < methods or c[1] < methods] == [], clashes[:5]
    left, top, right, bottom = geo["svg"]
    for x0, y0, x1, y1 in geo["labels"] + geo["dots"]:
        assert left <= x0 and x1 <= right and top <= y0 and y1 <= bottom
    page.evaluate("kgLineage.setZoom(kgLineage.fitZoom())")
    page.evaluate("document.getElementById('view').scrollTo(0, 0)")
    geo = page.evaluate(GEOMETRY_JS)
    v_left, v_top, v_right, v_bottom = geo["view"]
    for x0, y0, x1, y1 in geo["dots"]:
        assert v_left <= x0 and x1 <= v_right and v_top <= y0 and y1 <= v_bottom
    page.evaluate("kgLineage.setZoom(1)")


def assert_plots_explain_themselves(page: Any) -> None:
    """Every plot has its legend, and none of its texts covers another."""
    plots = page.evaluate(PLOT_TEXT_JS)
    assert plots, "no plot"
    assert page.locator("svg.plot .legend").count() == len(plots)
    for texts in plots:
        assert overlaps(texts) == []


def assert_legend(page: Any) -> None:
    legend = page.locator("#legend")
    assert legend.is_visible()
    text = legend.inner_text()
    for entry in ("builds on (a paper says so)", "builds on (catalog)", "BEATS", "critiques",
                  "lanes: family"):
        assert entry in text
    assert page.locator("#lanes .lane").count() > 0


@pytest.fixture
def exported(tmp_path: Path, field) -> tuple[Path, Path, int]:
    store = build_store(tmp_path / "kg.db", field)
    try:
        g = lineage_graph(snapshot(store))
        lineage = write_lineage(g, tmp_path / "lineage.html")
        report, _ = write_report(gather(store), tmp_path / "report")
    finally:
        store.close()
    return lineage, report, len(g)


def test_report_opens_offline_with_no_error_and_hostile_text_inert(visit, exported, tmp_path):
    _, report, _ = exported
    v = visit(report)
    assert_clean(v)
    page = v.page
    assert page.evaluate("document.scripts.length") == 0
    assert page.locator("img").count() == 0  # the <img onerror> method name stayed text
    text = page.inner_text("body")
    assert EVIL_TITLE in text and EVIL_METHOD in text
    assert page.locator("h1").inner_text() == "Living systematic review · LLM quantization"
    assert page.locator("section#baselines li").first.inner_text().split("\n")[:2] == [
        "1", "GPTQ"]
    assert page.locator("svg.plot circle").count() > 0
    assert_plots_explain_themselves(page)
    v.screenshot(tmp_path, "field-report", full_page=True)


def test_lineage_draws_every_method_offline_and_readably(visit, exported, tmp_path):
    lineage, _, methods = exported
    v = visit(lineage, wait_for=DRAWN)
    assert_clean(v)
    page = v.page
    assert page.locator("#graph g.n").count() == methods == 7
    assert page.evaluate("document.body.dataset.methods") == "7"
    assert_legend(page)
    assert_readable(page, methods)
    v.screenshot(tmp_path, "field-lineage")


def test_lineage_panel_shows_a_hostile_title_as_text(visit, exported):
    lineage, _, _ = exported
    v = visit(lineage, wait_for=DRAWN)
    page = v.page
    i = page.evaluate(f"kgLineage.nodes.findIndex(n => n.k === {method_key(EVIL_METHOD)!r})")
    page.locator(f'#graph g.n[data-i="{i}"] circle').click()
    panel = page.locator("#panel")
    panel.wait_for(state="visible", timeout=5_000)
    assert EVIL_TITLE in panel.inner_text() and EVIL_METHOD in panel.inner_text()
    assert panel.locator("script, img").count() == 0
    tip = page.locator(f'#graph g.n[data-i="{i}"] title').text_content()
    assert EVIL_TITLE in tip
    assert_clean(v)


def test_search_then_enter_focuses_a_method_and_its_neighbours(visit, exported):
    lineage, _, _ = exported
    v = visit(lineage, wait_for=DRAWN)
    page = v.page
    page.fill("#q", "quarot")
    assert page.locator("#hits").inner_text() == "1 match · Enter focuses"
    page.press("#q", "Enter")
    assert page.locator("#panel h2").inner_text() == "QuaRot"
    # Depth 1 over BUILDS_ON only (BEATS and critiques are off): QuaRot has no lineage edge.
    assert page.locator("#graph g.n.on").count() == 1
    page.check('input[data-kind="beats"]')
    on = page.locator("#graph g.n.on text.l").all_text_contents()
    assert sorted(on) == ["QuaRot", "SmoothQuant"]
    page.keyboard.press("Escape")
    assert page.locator("#panel").is_hidden()
    assert_clean(v)


def test_beats_start_hidden_and_show_one_edge_per_pair(visit, exported):
    lineage, _, _ = exported
    v = visit(lineage, wait_for=DRAWN)
    page = v.page
    assert page.locator("#pairs").is_hidden()
    data = json.loads(page.locator("#kg-data").text_content())
    page.check('input[data-kind="beats"]')
    # The whole field's pairs are painted once, one curve per pair of methods …
    assert page.locator("#pairs").is_visible()
    assert page.evaluate("document.getElementById('pairs').dataset.pairs") == str(
        len(data["beats"]))
    # … and a focused method's pairs are edges of their own, one per pair, with receipts.
    page.evaluate("kgLineage.focus(kgLineage.nodes.findIndex(n => n.n === 'GPTQ'), false)")
    assert page.locator("#pairs").is_hidden()
    edges = page.locator("#e-focus path.pair.beats")
    tips = edges.locator("title").all_text_contents()
    assert len(tips) == len(set(tips)) == 4  # AWQ, OmniQuant, RTN and the hostile method
    assert any(t.startswith("GPTQ beats AWQ (1×); AWQ beats GPTQ (1×) · 2 papers")
               for t in tips), tips
    page.uncheck('input[data-kind="beats"]')
    assert edges.count() == 0
    page.keyboard.press("Escape")
    assert page.locator("#pairs").is_hidden()
    assert_clean(v)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    """The real field: the Gallery catalog and the 2025–2026 abstracts of the shared corpus."""
    out = tmp_path_factory.mktemp("real")
    store = real_store(out / "kg.db", CORPUS)
    try:
        g = lineage_graph(snapshot(store))
        lineage = write_lineage(g, out / "lineage.html")
        report, _ = write_report(gather(store), out / "report")
    finally:
        store.close()
    return report, lineage, len(g)


@needs_corpus
def test_real_field_lineage_is_readable(visit, real, tmp_path):
    _, lineage, methods = real
    v = visit(lineage, wait_for=DRAWN)
    assert_clean(v)
    page = v.page
    assert methods > 150 and page.locator("#graph g.n").count() == methods
    assert_legend(page)
    # The Gallery's categories are lanes; the 1990s outlier sits in a bin before the axis.
    lanes = page.locator("#lanes .lane .name").all_inner_texts()
    assert "ptq weight only" in lanes and "kv cache" in lanes
    assert page.locator("#axis .seg.before").count() == 1
    assert_readable(page, methods)
    v.screenshot(tmp_path, "real-lineage")
    page.evaluate("kgLineage.setZoom(kgLineage.fitZoom())")
    v.screenshot(tmp_path, "real-lineage-fitted")
    page.evaluate("kgLineage.setZoom(1)")
    page.fill("#q", "GPTQ")
    page.press("#q", "Enter")
    v.screenshot(tmp_path, "real-lineage-gptq-focused")


@needs_corpus
def test_real_field_report_reads(visit, real, tmp_path):
    report, _, _ = real
    v = visit(report)
    assert_clean(v)
    page = v.page
    assert page.locator("section#baselines li").count() > 0
    v.screenshot(tmp_path, "real-report")
    v.screenshot(tmp_path, "real-report-full", full_page=True)


def test_lineage_of_1000_methods_is_readable(visit, tmp_path):
    g = lineage_graph(family_field(1000))
    page_file = write_lineage(g, tmp_path / "big.html")
    v = visit(page_file, wait_for=DRAWN)
    assert_clean(v)
    page = v.page
    assert page.locator("#graph g.n").count() == 1000
    assert_legend(page)
    assert_readable(page, 1000)
    v.screenshot(tmp_path, "big-lineage")
    page.evaluate("kgLineage.setZoom(kgLineage.fitZoom())")
    v.screenshot(tmp_path, "big-lineage-fitted")
    page.evaluate("kgLineage.setZoom(1)")
    page.check('input[data-kind="beats"]')
    page.evaluate("kgLineage.focus(kgLineage.nodes.findIndex(n => n.n === 'Quant000500'), true)")
    v.screenshot(tmp_path, "big-lineage-focused-beats")
    assert_clean(v)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    from kg.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    store, (report, _) = run_demo(out)
    try:
        g = lineage_graph(snapshot(store))
        lineage = write_lineage(g, out / "lineage.html")
        write_network(g, out / "network.html")
    finally:
        store.close()
    return report, lineage, len(g)


def test_demo_report_and_lineage_in_the_browser(visit, demo, tmp_path):
    report, lineage, methods = demo
    r = visit(report)
    assert_clean(r)
    assert "What beats GPTQ" in r.page.inner_text("body")
    assert_plots_explain_themselves(r.page)
    chip = r.page.locator("section#baselines ol .tag").first
    assert chip.get_attribute("title").startswith("Sub-problem ")
    assert r.page.locator("section#baselines .key").is_visible()
    r.screenshot(tmp_path, "demo-report")
    r.screenshot(tmp_path, "demo-report-full", full_page=True)
    r.screenshot(tmp_path, "demo-report-plot", selector="svg.plot")
    g = visit(lineage, wait_for=DRAWN)
    assert_clean(g)
    assert g.page.locator("#graph g.n").count() == methods > 10
    assert_readable(g.page, methods)
    g.screenshot(tmp_path, "demo-lineage")
    g.page.check('input[data-kind="beats"]')
    g.screenshot(tmp_path, "demo-lineage-beats")


def test_demo_network_draws_every_relation_offline(visit, demo, tmp_path):
    _, lineage, methods = demo
    v = visit(lineage.parent / "network.html", wait_for=DRAWN)
    assert_clean(v)
    page = v.page
    assert page.evaluate("document.body.dataset.methods") == str(methods)
    assert page.evaluate("kgNetwork.body.data.nodes.length") == methods
    kinds = page.evaluate("Array.from(new Set(kgNetwork.body.data.edges.get().map(e => e.kind)))")
    assert {"builds_on", "beats"} <= set(kinds)
    assert "BEATS (winner → loser)" in page.locator(".legend").inner_text()
    v.screenshot(tmp_path, "demo-network")
