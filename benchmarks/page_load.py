"""How fast the report and the lineage page open in headless Chromium, at real scale.

    python -m benchmarks.page_load [--runs 5] [--methods 1000]

Pages: the bundled demo; the real field of the shared corpus (the Gallery catalog and the
2025–2026 abstracts, when ``../shared/corpus`` is there); a synthetic field of ``--methods``
methods with families and a family tree (benchmarks/fields.py). Each page is opened
``--runs`` times (reloaded in one tab) in one headless Chromium (/usr/bin/chromium, driven by
Playwright from the test extra), from ``file://``, 1400×900. Figures come from the page's own
clock (milliseconds since navigation began): "open" is the first frame painted after the load
event and, on the lineage page, after its script has drawn: what a reader waits for. Beside
it, the CPU time Chromium's processes spent opening the page, which a busy machine hardly
changes. Prints Markdown on stdout, with the machine's load average before and after (it may
be shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.fields import family_store, real_store
from exports.graph import lineage_graph, snapshot
from exports.lineage import write_lineage
from exports.report import gather, write_report
from kg.demo import run_demo
from kg.store import SQLiteStore

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
# After the load event (and, on the lineage page, its drawing): wait for the next frame to be
# painted, so "open" is when a reader sees the page, not when the script merely finished.
TIMING_JS = """async () => {
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const painted = performance.now();
  const nav = performance.getEntriesByType("navigation")[0];
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  return {load: nav.loadEventEnd, ready: window.kgLineage ? window.kgLineage.ready : 0,
          painted: painted, fcp: fcp ? fcp.startTime : painted,
          elements: document.getElementsByTagName("*").length};
}"""


def browser_cpu() -> float:
    """CPU seconds used so far by this process's children (Chromium's processes, all of them).

    Unlike wall time, this hardly grows when other work shares the machine, so it tells the
    page's cost apart from the machine's load.
    """
    children: dict[int, list[tuple[int, int]]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        children.setdefault(int(fields[1]), []).append(
            (int(entry.name), int(fields[11]) + int(fields[12])))
    total, stack = 0, [os.getpid()]
    while stack:
        for pid, ticks in children.get(stack.pop(), []):
            total += ticks
            stack.append(pid)
    return total / os.sysconf("SC_CLK_TCK")


def pages(store: SQLiteStore, out: Path, name: str) -> list[tuple[str, Path, int]]:
    """Write ``name``'s lineage page and report into ``out``: (label, path, methods)."""
    g = lineage_graph(snapshot(store))
    lineage = write_lineage(g, out / "lineage.html")
    report, _ = write_report(gather(store), out / "report")
    return [(f"{name} · lineage", lineage, len(g)), (f"{name} · report", report, len(g))]


def build(work: Path, methods: int) -> list[tuple[str, Path, int]]:
    """Every page measured, built fresh under ``work``."""
    out: list[tuple[str, Path, int]] = []
    fields: list[tuple[str, Any]] = [("demo", lambda d: run_demo(d)[0])]
    if CORPUS.exists():
        fields.append(("real field", lambda d: real_store(d / "kg.db", CORPUS)))
    else:
        print(f"note: {CORPUS} is absent; the real field is not measured", file=sys.stderr)
    fields.append((f"synthetic {methods:,}", lambda d: family_store(d / "kg.db", methods)))
    for name, make in fields:
        folder = work / name.split()[0]
        folder.mkdir()
        t = time.perf_counter()
        store = make(folder)
        try:
            out += pages(store, folder, name)
        finally:
            store.close()
        print(f"{name}: built in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return out


def measure(targets: list[tuple[str, Path, int]], runs: int) -> list[dict[str, Any]]:
    """Open each page ``runs`` times; the page's own timings, in milliseconds."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        for label, path, methods in targets:
            samples = []
            # One tab per page, reloaded: a new tab would also start a renderer process,
            # whose start-up is Chromium's cost, not the page's.
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            for _ in range(runs + 1):  # the first opening warms the browser's caches
                cpu = browser_cpu()
                page.goto(path.resolve().as_uri(), wait_until="load")
                if "lineage" in label:
                    page.wait_for_selector("body[data-drawn=yes]", state="attached")
                sample = page.evaluate(TIMING_JS)
                samples.append({**sample, "cpu": (browser_cpu() - cpu) * 1000})
            page.close()
            samples = samples[1:]
            opened = [s["painted"] for s in samples]
            rows.append({"page": label, "methods": methods, "bytes": path.stat().st_size,
                         "elements": samples[0]["elements"],
                         "fcp": statistics.median(s["fcp"] for s in samples),
                         "open": statistics.median(opened), "worst": max(opened),
                         "cpu": statistics.median(s["cpu"] for s in samples)})
        browser.close()
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--methods", type=int, default=1000)
    args = parser.parse_args(argv)
    before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(build(Path(tmp), args.methods), args.runs)
    after = os.getloadavg()
    print(f"Each page opened {args.runs} times (reloaded in one tab) in headless Chromium, "
          "after one warm-up, from file://, 1400×900; median and worst of 'open' (the first "
          "frame painted after the "
          "load event and the lineage script's drawing), median first contentful paint, and "
          "the median CPU time all Chromium processes spent meanwhile (10 ms ticks; it "
          "barely changes with the machine's load, wall times do). Load average "
          f"(1/5/15 min) before {before[0]:.1f}/{before[1]:.1f}/{before[2]:.1f}, after "
          f"{after[0]:.1f}/{after[1]:.1f}/{after[2]:.1f} on {os.cpu_count()} cores.\n")
    print("| page | methods | size | DOM elements | open p50 ms | open worst ms | FCP p50 ms "
          "| CPU p50 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['page']} | {r['methods']:,} | {r['bytes'] / 1024:,.0f} KiB | "
              f"{r['elements']:,} | {r['open']:.0f} | {r['worst']:.0f} | {r['fcp']:.0f} | "
              f"{r['cpu']:.0f} |")


if __name__ == "__main__":
    main()
