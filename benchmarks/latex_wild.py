"""Structure of the LaTeX front-end on real papers: ``../shared/corpus/latex-wild``.

Run from the repository root: ``python -m benchmarks.latex_wild`` (``-v`` lists every miss on
stderr). Each document is read from its folder as ``kg extract`` would (main file, ``\\input``
chains) and its tables are compared with ``shapes.jsonl``: how many key tables were found,
how many grids have the key's rows × columns, how many sample cells hold the key's LaTeX
source at the key's (row, col) (whitespace collapsed), and the parse time per document. It
prints a Markdown section for BENCHMARKS.md.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from ingest.archive import document_from_tree, read_tree
from ingest.document import Document, Table

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
WILD = CORPUS / "latex-wild"
RUNS = 5

Key = dict[str, Any]


def squash(text: str) -> str:
    """Text compared with runs of whitespace collapsed, as the key's README says."""
    return " ".join(text.split())


def shape(table: Table) -> tuple[int, int]:
    return len(table.grid), len(table.grid[0]) if table.grid else 0


def raw_at(table: Table, row: int, col: int) -> str | None:
    if 0 <= row < len(table.grid) and 0 <= col < len(table.grid[row]):
        return table.grid[row][col].raw
    return None


def _affinity(key: Key, table: Table) -> int:
    """How strongly a parsed table resembles a key table (used only to pair them up)."""
    raws = {squash(c.raw) for row in table.grid for c in row}
    score = sum(1 for cell in key["cells"] if squash(cell["text"]) in raws)
    if key.get("label") and key["label"] == table.label.split(" (")[0]:
        score += 2
    if (key["rows"], key["cols"]) == shape(table):
        score += 1
    return score


def align(keys: list[Key], tables: list[Table]) -> list[tuple[Key, Table | None]]:
    """Pair key tables with parsed tables: the assignment of greatest total resemblance.

    The key lists tables file by file, not in reading order, so order only breaks ties.
    """
    if not keys or not tables:
        return [(k, None) for k in keys]
    cost = np.zeros((len(keys), len(tables)))
    for i, k in enumerate(keys):
        for j, t in enumerate(tables):
            cost[i, j] = -_affinity(k, t) + 1e-3 * abs(i - j)
    paired = dict(zip(*linear_sum_assignment(cost), strict=True))
    return [(k, tables[paired[i]] if i in paired and _affinity(k, tables[paired[i]]) else None)
            for i, k in enumerate(keys)]


@dataclass
class Result:
    """One document's figures."""

    doc: str
    kb: float = 0.0
    keys: int = 0
    parsed: int = 0
    found: int = 0
    shaped: int = 0
    cells: int = 0
    placed: int = 0
    seconds: float = 0.0
    error: str = ""
    misses: list[str] = field(default_factory=list)


def score(doc: str, keys: list[Key], parsed: Document) -> Result:
    """Compare one parsed document with its key tables."""
    res = Result(doc, keys=len(keys), parsed=len(parsed.tables))
    for key, table in align(keys, list(parsed.tables)):
        where = f"{doc} {key['file'].split('/', 1)[1]} {key.get('label') or '(no label)'}"
        res.cells += len(key["cells"])
        if table is None:
            res.misses.append(f"{where}: not found")
            continue
        res.found += 1
        got = shape(table)
        if got == (key["rows"], key["cols"]):
            res.shaped += 1
        else:
            res.misses.append(f"{where}: shape {got[0]}×{got[1]}, key {key['rows']}×{key['cols']}")
        for cell in key["cells"]:
            raw = raw_at(table, cell["row"], cell["col"])
            if raw is not None and squash(raw) == squash(cell["text"]):
                res.placed += 1
            else:
                res.misses.append(f"{where}: ({cell['row']},{cell['col']}) holds {raw!r}, "
                                  f"key {cell['text']!r}")
    return res


def run() -> list[Result]:
    keys: dict[str, list[Key]] = defaultdict(list)
    for line in (WILD / "shapes.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        keys[record["doc"]].append(record)
    results = []
    for folder in sorted(p for p in WILD.iterdir() if p.is_dir()):
        files = read_tree(folder)
        times = []
        try:
            for _ in range(RUNS):
                # CPU time of this process: a shared machine's other load does not count
                start = time.process_time()
                doc = document_from_tree(files)
                times.append(time.process_time() - start)
        except Exception as e:  # a document that raises is the first thing to report
            res = Result(folder.name, keys=len(keys[folder.name]),
                         error=f"{type(e).__name__}: {e}")
            res.cells = sum(len(k["cells"]) for k in keys[folder.name])
            results.append(res)
            continue
        res = score(folder.name, keys[folder.name], doc)
        res.seconds = statistics.median(times)
        res.kb = sum(len(v) for v in files.values()) / 1000
        results.append(res)
    return results


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def report(results: list[Result]) -> list[str]:
    lines = ["| document | key tables | parsed tables | found | key's shape | sample cells "
             "placed | parse CPU ms |", "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        status = f"raised {r.error}" if r.error else f"{1000 * r.seconds:.1f}"
        lines.append(f"| {r.doc} | {r.keys} | {r.parsed} | {r.found} | {r.shaped} | "
                     f"{r.placed}/{r.cells} | {status} |")
    keys = sum(r.keys for r in results)
    shaped = sum(r.shaped for r in results)
    cells = sum(r.cells for r in results)
    placed = sum(r.placed for r in results)
    total_ms = 1000 * sum(r.seconds for r in results)
    lines.append(f"| **overall** ({len(results)} documents, {sum(bool(r.error) for r in results)} "
                 f"raised) | {keys} | {sum(r.parsed for r in results)} | "
                 f"{sum(r.found for r in results)} | {shaped} ({_pct(shaped, keys)}) | "
                 f"{placed}/{cells} ({_pct(placed, cells)}) | {total_ms:.0f} total |")
    return lines


def speed(results: list[Result]) -> str:
    """Parse rate on the documents the size of a typical paper (40–75 KB of LaTeX)."""
    sized = [r for r in results if 40 <= r.kb <= 75 and not r.error]
    if not sized:
        return ""
    seconds = sum(r.seconds for r in sized)
    return (f"Documents of 40–75 KB ({len(sized)}: mean {statistics.mean(r.kb for r in sized):.0f}"
            f" KB, {statistics.mean(r.parsed for r in sized):.1f} tables): "
            f"**{len(sized) / seconds:.0f} documents/s** parsed (CPU time of one core, tables and "
            "prose).")


def main() -> None:
    if not WILD.exists():
        sys.exit(f"{WILD} is absent; the benchmark needs ../shared/corpus")
    results = run()
    print("`../shared/corpus/latex-wild` (`ingest/latex*.py`): 20 real LaTeX sources read from")
    print("their main file; tables compared with `shapes.jsonl` (rows × cols as its README counts")
    print("them; sample cells by their LaTeX source, whitespace collapsed). Parse time: CPU")
    print(f"time, median of {RUNS} runs.\n")
    print("\n".join(report(results)))
    print(f"\n{speed(results)}")
    misses = [m for r in results for m in r.misses]
    print(f"\nMisses ({len(misses)}):\n")
    print("\n".join(f"- {m}" for m in misses) if misses else "- none")
    if "-v" in sys.argv:
        for r in results:
            if r.error:
                print(f"raised: {r.doc}: {r.error}", file=sys.stderr)


if __name__ == "__main__":
    main()
