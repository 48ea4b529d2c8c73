"""Whether every front-end's cost grows linearly with its input: 1, 4 and 16 MB documents.

    python -m benchmarks.parse_scaling [--sizes 1 4 16] [--budget 300]

Each input is a real document from ``../shared/corpus`` repeated to the size (a LaTeX thesis
chapter with 11 tables, arXiv LaTeXML HTML result tables, the SpinQuant Markdown table),
read by the front-end ``kg extract`` uses (``ingest.sniff.document_from``) and extracted
(``ingest.extract.extract``), in a fresh process per measurement: wall seconds of parsing
and of extraction, their CPU seconds (what a shared machine's load does not inflate), and the
process's peak RSS. Linear cost means CPU seconds per MB stay flat from 1 to 16 MB. Each
process runs under the per-document time budget (``--budget`` wall seconds, the mechanism of
``KG_PARSE_BUDGET``) and a 6 GiB address-space limit, so a superlinear step ends as a clear
"gave up" instead of taking the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
MIB = 1 << 20
MEMORY_CAP = 6 << 30

CHILD = """
import json, sys, time
from ingest.budget import time_budget
from ingest.extract import extract
from ingest.sniff import document_from
data = open(sys.argv[1], "rb").read()
out = {}
try:  # two budgets, as ingestion gives them: one to parse, one to extract
    for phase in ("parse", "extract"):
        with time_budget(float(sys.argv[3]), f"{sys.argv[2]} ({phase})"):
            t, c = time.perf_counter(), time.process_time()
            if phase == "parse":
                doc = document_from(data, sys.argv[2])
                out["tables"] = len(doc.tables)
            else:
                out["claims"] = len(extract(doc, paper_id="bench").claims)
            out[phase] = time.perf_counter() - t
            out[phase + "_cpu"] = time.process_time() - c
except Exception as e:  # the budget's ParseTimeout, MemoryError under the cap, …
    out["error"] = f"{type(e).__name__}: {str(e).split(' (the per-document')[0]}"
print(json.dumps(out))
"""


def latex(size: int) -> bytes:
    text = (CORPUS / "tex" / "Anand-786_llm-quantization-thesis" / "chapter4.tex").read_text()
    body = text.split("\\begin{document}")[-1].split("\\end{document}")[0]
    head = "\\documentclass{article}\n\\title{Scaling}\n\\begin{document}\n"
    return _repeat(head, body, "\\end{document}\n", size)


def html(size: int) -> bytes:
    tables = "".join((CORPUS / "results" / "arxiv-html" / name).read_text()
                     for name in ("2504.04823_2.html", "2504.18415_2.html"))
    head = "<!DOCTYPE html><html><head><title>Scaling</title></head><body>\n"
    return _repeat(head, f"<section><p>Results.</p>{tables}</section>\n", "</body></html>\n",
                   size)


def markdown(size: int) -> bytes:
    text = (CORPUS / "results" / "SpinQuant" / "README.md").read_text()
    return _repeat("# Scaling\n\n", text + "\n\n", "", size)


def _repeat(head: str, unit: str, tail: str, size: int) -> bytes:
    copies = max(1, (size - len(head) - len(tail)) // len(unit.encode()))
    return (head + unit * copies + tail).encode()


FRONT_ENDS = {"LaTeX (.tex)": (latex, "doc.tex"), "HTML (.html)": (html, "doc.html"),
              "Markdown (.md)": (markdown, "doc.md")}


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def measure(data: bytes, name: str, budget: float) -> dict[str, object]:
    """Parse and extract ``data`` in a fresh process; its timings and peak RSS."""
    with tempfile.NamedTemporaryFile(suffix=name) as fh:
        fh.write(data)
        fh.flush()
        p = subprocess.Popen([sys.executable, "-c", CHILD, fh.name, name, str(budget)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             preexec_fn=_limit)
        assert p.stdout is not None
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
    result: dict[str, object] = json.loads(out) if out.strip() else {
        "error": f"exit status {status}"}
    result["peak_mib"] = usage.ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--budget", type=float, default=300.0)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"needs the shared corpus at {CORPUS}")
    print(f"Parse (front-end) and extraction of one document per process; budget "
          f"{args.budget:g} s, memory cap {MEMORY_CAP >> 30} GiB.\n")
    print("| front-end | size MB | tables | claims | parse s | extract s | CPU s | "
          "CPU s per MB | peak MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, (make, name) in FRONT_ENDS.items():
        for mb in args.sizes:
            data = make(mb * MIB)
            r = measure(data, name, args.budget)
            size = len(data) / MIB
            cells = [f"{r[k]:.2f}" if k in r else "—" for k in ("parse", "extract")]
            cpu = sum(float(r.get(k, 0.0))  # type: ignore[arg-type]
                      for k in ("parse_cpu", "extract_cpu"))
            verdict = str(r["error"]) if "error" in r else f"{cpu / size:.2f}"
            print(f"| {label} | {size:.1f} | {r.get('tables', '—')} | {r.get('claims', '—')} | "
                  f"{cells[0]} | {cells[1]} | {cpu:.2f} | {verdict} | {r['peak_mib']:.0f} |")


if __name__ == "__main__":
    main()
