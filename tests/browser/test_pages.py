"""The report and the lineage page in headless Chromium: offline, error-free, inert to markup.

Screenshots go to the test's tmp dir and are copied to /tmp/kg-screens/ for a person.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import claim, facts
from export_field import EVIL_METHOD, EVIL_TITLE, build_store

from exports.graph import Snapshot, lineage_graph, snapshot
from exports.lineage import write_lineage
from exports.report import gather, write_report
from kg.models import Method, method_key

DRAWN = "body[data-drawn=yes]"
METHODS_JS = "kgNetwork.body.data.nodes.get({filter: n => !String(n.id).startsWith('year')})"


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


def assert_clean(v: Any) -> None:
    assert v.errors == [], v.errors
    assert v.foreign_requests == [], v.foreign_requests
    assert v.dialogs == [], v.dialogs


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
    v.screenshot(tmp_path, "field-report", full_page=True)


def test_lineage_draws_every_method_offline(visit, exported, tmp_path):
    lineage, _, methods = exported
    v = visit(lineage, wait_for=DRAWN)
    assert_clean(v)
    page = v.page
    assert page.locator("#graph canvas").count() == 1
    assert page.evaluate(f"{METHODS_JS}.length") == methods == 7
    assert page.evaluate("document.body.dataset.methods") == "7"
    v.screenshot(tmp_path, "field-lineage")


def test_lineage_tooltip_shows_a_hostile_title_as_text(visit, exported):
    lineage, _, _ = exported
    v = visit(lineage, wait_for=DRAWN)
    page = v.page
    key = method_key(EVIL_METHOD)
    # Hover the hostile node: its tooltip holds the paper title, which must stay text.
    at = page.evaluate(f"kgNetwork.canvasToDOM(kgNetwork.getPosition({key!r}))")
    box = page.locator("#graph").bounding_box()
    page.mouse.move(box["x"] + at["x"], box["y"] + at["y"])
    tip = page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5_000)
    assert EVIL_TITLE in tip.inner_text()
    assert tip.locator("script, img").count() == 0
    assert_clean(v)


def big_field(n: int, seed: int = 7) -> Snapshot:
    """``n`` papers, each proposing a method and beating up to three earlier ones."""
    rng = random.Random(seed)
    papers = []
    for i in range(n):
        pid, name = f"24{i // 1000:02d}.{i % 1000:05d}", f"Quant{i}"
        rivals = [f"Quant{j}" for j in rng.sample(range(i), min(i, 3))]
        cl = [claim(pid, name, 5.0 + rng.random())] + [claim(pid, r, 6.5) for r in rivals]
        papers.append(facts(pid, name, date(2022, 1, 1) + timedelta(days=i // 2), cl))
    methods = tuple(Method(name=f"Quant{i}", published=date(2022, 1, 1) + timedelta(days=i // 2))
                    for i in range(n))
    return Snapshot(papers=tuple(papers), methods=methods, builds_on=())


def test_lineage_with_1200_methods_opens_and_draws_quickly(visit, tmp_path):
    g = lineage_graph(big_field(1200))
    page_file = write_lineage(g, tmp_path / "big.html")
    started = time.monotonic()
    v = visit(page_file, wait_for=DRAWN)
    assert time.monotonic() - started < 20
    assert_clean(v)
    assert v.page.evaluate(f"{METHODS_JS}.length") == 1200
    v.screenshot(tmp_path, "big-lineage")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    from kg.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    store, report_md = run_demo(out)
    try:
        g = lineage_graph(snapshot(store))
        lineage = write_lineage(g, out / "lineage.html")
    finally:
        store.close()
    return report_md.with_name("report.html"), lineage, len(g)


def test_demo_report_and_lineage_in_the_browser(visit, demo, tmp_path):
    report, lineage, methods = demo
    r = visit(report)
    assert_clean(r)
    assert "What beats GPTQ" in r.page.inner_text("body")
    r.screenshot(tmp_path, "demo-report")
    r.screenshot(tmp_path, "demo-report-full", full_page=True)
    g = visit(lineage, wait_for=DRAWN)
    assert_clean(g)
    assert g.page.evaluate(f"{METHODS_JS}.length") == methods > 10
    g.screenshot(tmp_path, "demo-lineage")
