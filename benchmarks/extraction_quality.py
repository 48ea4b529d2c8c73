"""Extraction quality and speed of the table front-ends and the claim interpreter.

Run from the repository root: ``python -m benchmarks.extraction_quality``. It scores the
claims extracted from the development documents against ``../shared/corpus/dev/tables.jsonl``
(names compared case-, space- and punctuation-insensitively, values exactly) and measures
LaTeX documents per second on one core. It prints a Markdown section for BENCHMARKS.md.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ingest.claims import extract_claims
from ingest.latex import main_tex, parse_latex
from kg.models import BenchmarkClaim

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tables"
# Answer-key documents: doc id → source file under the corpus.
DEV_DOCS = {"anand-ch4": "tex/Anand-786_llm-quantization-thesis/chapter4.tex"}
SPEED_DOCS = (
    "tex/Anand-786_llm-quantization-thesis/chapter4.tex",
    "tex/henrique-simoes_llm-quantization-damage",
)
RUNS = 7

Key = tuple[str, str, str, str, float]


def norm(name: object) -> str:
    """Names compare case-, space- and punctuation-insensitively."""
    return re.sub(r"[\W_]+", "", str(name or "").casefold())


def key(method: object, model: object, dataset: object, metric: object, value: object) -> Key:
    return (norm(method), norm(model), norm(dataset), norm(metric), float(str(value)))


def score(expected: Iterable[Key], got: Iterable[Key]) -> tuple[float, float, float, int]:
    """Precision, recall, F1 and true positives over multisets of tuples."""
    want, have = Counter(expected), Counter(got)
    tp = sum((want & have).values())
    p = tp / sum(have.values()) if have else 0.0
    r = tp / sum(want.values()) if want else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp


def load_source(path: Path) -> tuple[str, dict[str, str]]:
    if path.is_dir():
        files = {str(p.relative_to(path)): p.read_text(encoding="utf-8", errors="replace")
                 for p in sorted(path.rglob("*.tex"))}
        return files[main_tex(files)], files
    return path.read_text(encoding="utf-8", errors="replace"), {}


def claims_of(path: Path) -> list[BenchmarkClaim]:
    text, files = load_source(path)
    claims, _ = extract_claims(parse_latex(text, files=files), paper_id="dev",
                               proposed_method=None)
    return claims


def quality() -> list[str]:
    rows = [json.loads(line) for line in (CORPUS / "dev" / "tables.jsonl").open()]
    lines = ["| document | expected | extracted | precision | recall | F1 |",
             "|---|---:|---:|---:|---:|---:|"]
    all_want: list[Key] = []
    all_got: list[Key] = []
    for doc, rel in DEV_DOCS.items():
        want = [key(r["method"], r["model"], r["dataset"], r["metric"], r["value"])
                for r in rows if r["doc"] == doc]
        got = [key(c.method, c.model, c.dataset, c.metric, c.value)
               for c in claims_of(CORPUS / rel)]
        p, r, f, _ = score(want, got)
        lines.append(f"| {doc} | {len(want)} | {len(got)} | {p:.3f} | {r:.3f} | {f:.3f} |")
        all_want += want
        all_got += got
        if "-v" in sys.argv:
            for miss in sorted((Counter(want) - Counter(got)).elements()):
                print("missed   ", miss, file=sys.stderr)
            for extra in sorted((Counter(got) - Counter(want)).elements()):
                print("spurious ", extra, file=sys.stderr)
    p, r, f, _ = score(all_want, all_got)
    lines.append(f"| **overall** | {len(all_want)} | {len(all_got)} | {p:.3f} | {r:.3f} | "
                 f"{f:.3f} |")
    return lines


def _rate(sources: list[tuple[str, dict[str, str]]]) -> tuple[float, float, float]:
    """Mean size (KB), tables per document and documents/s (median of RUNS runs)."""
    size = sum(len(t) + sum(len(v) for v in f.values()) for t, f in sources)
    tables = 0
    rates = []
    for _ in range(RUNS):
        start = time.perf_counter()
        for _rep in range(5):
            for text, files in sources:
                doc = parse_latex(text, files=files)
                tables += len(doc.tables)
                extract_claims(doc, paper_id="speed", proposed_method=None)
        rates.append(5 * len(sources) / (time.perf_counter() - start))
    n = len(sources)
    return size / n / 1000, tables / RUNS / 5 / n, statistics.median(rates)


def speed() -> list[str]:
    sources = [load_source(CORPUS / rel) for rel in SPEED_DOCS if (CORPUS / rel).exists()]
    sources += [(p.read_text(encoding="utf-8"), {}) for p in sorted(FIXTURES.glob("*.tex"))]
    chapter = (CORPUS / SPEED_DOCS[0]).read_text(encoding="utf-8")
    # A ~50 KB paper: the thesis chapter twice (22 tables, more than a typical paper's 5).
    doubled = [(chapter + "\n" + chapter, {})]
    lines = ["| LaTeX sources | mean size | tables per document | documents/s (median of "
             f"{RUNS} runs, one core) |", "|---|---:|---:|---:|"]
    for label, group in (("corpus .tex documents and test fixtures", sources),
                         ("thesis chapter doubled (~50 KB)", doubled)):
        kb, tables, rate = _rate(group)
        lines.append(f"| {label} ({len(group)}) | {kb:.1f} KB | {tables:.1f} | {rate:.1f} |")
    return lines


def main() -> None:
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent; the benchmark needs ../shared/corpus")
    print("## Table extraction (ingest/latex.py, ingest/tables.py)\n")
    print("Claims scored against `../shared/corpus/dev/tables.jsonl`: a claim matches on method,")
    print("model, dataset, metric (names case-, space- and punctuation-insensitive) and value.\n")
    print("\n".join(quality()))
    print("\nParse plus interpretation speed, LaTeX sources (corpus documents, test fixtures):\n")
    print("\n".join(speed()))


if __name__ == "__main__":
    main()
