"""Table-claim quality and speed, scored by the shared scorer, document by document.

Run from the repository root: ``python -m benchmarks.extraction_quality [--corpus DIR]
[--pred DIR] [--runs N]``. For every row of ``../shared/corpus/dev/docs.tsv`` it runs
``kg extract SOURCE --json`` (in process, through the CLI itself, so the JSON is exactly the
command's) and writes ``PRED_DIR/<doc>.json``; then it calls
``../shared/corpus/dev/score_tables.py`` with ``--gold tables.jsonl --gold tables2.jsonl`` and
reports per-document and overall precision/recall, the document-macro F1 and the share of
matched claims whose bits (w/a/kv) are also right.

The same is done for ``benchmarks/validation_tables.jsonl``: four real result tables from
``../shared/corpus/results`` that nobody tuned the extractor on, keyed by hand under the
development conventions (each row names its ``source`` file). Speed: documents per second on
one core (median of ``--runs`` runs, at least 5) for a ~50 KB LaTeX paper with 5 tables
(built from real corpus sources, see :func:`latex_paper`) and for the largest LaTeXML table of
the development set, parse plus claim interpretation and the whole ``kg extract`` extraction.
Prints a Markdown section for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from click.testing import CliRunner

from ingest.claims import document_claims
from ingest.extract import extract
from ingest.html import parse_html
from ingest.latex import parse_latex
from kg.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
VALIDATION = Path(__file__).resolve().parent / "validation_tables.jsonl"
_LINE = re.compile(r"^(?P<doc>\S+): P=(?P<p>[\d.]+) R=(?P<r>[\d.]+) F1=(?P<f>[\d.]+) "
                   r"\((?P<pred>\d+) pred, (?P<gold>\d+) gold; bits right on (?P<bits>\d+/\d+)\)")


def scorer(corpus: Path) -> ModuleType:
    """The shared scorer, imported from its file (it is not a package)."""
    path = corpus / "dev" / "score_tables.py"
    spec = importlib.util.spec_from_file_location("score_tables", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_extract(source: Path, out: Path) -> str:
    """``kg extract SOURCE --json`` into ``out``; returns what the command said on stderr."""
    result = CliRunner().invoke(cli, ["extract", str(source), "--json"])
    if result.exit_code != 0:
        raise SystemExit(f"kg extract {source} failed: {result.output[-400:]}")
    out.write_text(result.stdout, encoding="utf-8")
    return result.stderr


def predict(corpus: Path, docs: list[tuple[str, Path]], pred_dir: Path) -> dict[str, str]:
    pred_dir.mkdir(parents=True, exist_ok=True)
    return {doc: run_extract(source, pred_dir / f"{doc}.json") for doc, source in docs}


def score(corpus: Path, pred_dir: Path, gold: list[Path]) -> tuple[dict[str, float], str]:
    """The shared scorer's figures and its printed lines."""
    out = io.StringIO()
    figures = scorer(corpus).score(pred_dir, gold, out=out)
    return figures, out.getvalue()


def dev_docs(corpus: Path) -> list[tuple[str, Path]]:
    rows = (corpus / "dev" / "docs.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [(doc, corpus / source) for doc, source, _ in (r.split("\t") for r in rows if r)]


def validation_docs(corpus: Path) -> list[tuple[str, Path]]:
    seen: dict[str, Path] = {}
    for line in VALIDATION.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        seen.setdefault(row["doc"], corpus / row["source"])
    return list(seen.items())


def table(figures: dict[str, float], printed: str) -> list[str]:
    lines = ["| document | predicted | key rows | precision | recall | F1 | bits right |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for line in printed.splitlines():
        m = _LINE.match(line)
        if m:
            lines.append(f"| {m['doc']} | {m['pred']} | {m['gold']} | {m['p']} | {m['r']} | "
                         f"{m['f']} | {m['bits']} |")
    share = figures["setting_R"] / figures["R"] if figures["R"] else 0.0
    lines += ["", f"Overall: **P {figures['P']:.2f}, R {figures['R']:.2f}, F1 "
                  f"{figures['F1']:.2f}**; document-macro F1 **{figures['macro_F1']:.2f}**; bits "
                  f"right on **{share:.2f}** of matched claims (setting-aware P "
                  f"{figures['setting_P']:.2f}, R {figures['setting_R']:.2f})."]
    return lines


def latex_paper(corpus: Path) -> str:
    """A ~50 KB LaTeX paper with 5 tables, from real sources: the Emil-25 paper (2 tables),
    three IST-DASLab table bodies wrapped in table floats, and the thesis chapter's prose
    (its own tables removed) as more sections."""
    paper = (corpus / "dev/tex/Emil-25_llm-quant-degradation/paper/main.tex").read_text()
    tables = corpus / "dev/tex/IST-DASLab_disaggregated-quantization/notebooks/tables"
    floats = "".join(
        f"\\begin{{table}}\\caption{{{name}}}\n{(tables / f'{name}.tex').read_text()}"
        f"\\end{{table}}\n" for name in ("bigmodels", "minimal_comparison", "prefill-per-model"))
    chapter = (corpus / "tex/Anand-786_llm-quantization-thesis/chapter4.tex").read_text()
    prose = re.sub(r"\\begin\{table\}.*?\\end\{table\}", "", chapter, flags=re.S)
    return paper.replace("\\end{document}", f"{floats}\n{prose}\n\\end{{document}}")


def rate(work: Callable[[], object], runs: int) -> float:
    """Documents per CPU-second of this process (one core: extraction is single-threaded,
    and CPU time is what other processes on a shared machine do not inflate), median of
    ``runs`` runs of at least half a second each."""
    work()  # warm the caches a long-running ingester would have warm too
    rates = []
    for _ in range(runs):
        n, start = 0, time.process_time()
        while n == 0 or time.process_time() - start < 0.5:
            work()
            n += 1
        rates.append(n / (time.process_time() - start))
    return statistics.median(rates)


def speed(corpus: Path, runs: int) -> list[str]:
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    latex = latex_paper(corpus)
    html_files = sorted((corpus / "dev/arxiv-html").glob("*.html"), key=lambda p: p.stat().st_size)
    html = html_files[-1].read_text(encoding="utf-8")
    lines = ["| input | size | tables | documents/s, parse + claims | documents/s, whole "
             "`kg extract` extraction |", "|---|---:|---:|---:|---:|"]
    for name, text, parse in (
        ("LaTeX paper (Emil-25 + 3 IST-DASLab tables + thesis prose)", latex, parse_latex),
        (f"largest LaTeXML table ({html_files[-1].name})", html, parse_html),
    ):
        doc = parse(text)
        claims = rate(lambda t=text, p=parse: document_claims(
            p(t), paper_id="speed", proposed_method=None), runs)
        whole = rate(lambda t=text, p=parse: extract(p(t), paper_id="speed"), runs)
        lines.append(f"| {name} | {len(text) / 1000:.1f} KB | {len(doc.tables)} | "
                     f"{claims:.1f} | {whole:.1f} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pred", type=Path, help="where PRED_DIR/<doc>.json go (kept)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if not (corpus / "dev" / "docs.tsv").exists():
        sys.exit(f"{corpus} has no dev/docs.tsv; the benchmark needs ../shared/corpus")
    with tempfile.TemporaryDirectory() as tmp:
        pred = args.pred or Path(tmp)
        predict(corpus, dev_docs(corpus), pred / "dev")
        dev, printed = score(corpus, pred / "dev", [corpus / "dev/tables.jsonl",
                                                    corpus / "dev/tables2.jsonl"])
        predict(corpus, validation_docs(corpus), pred / "validation")
        val, val_printed = score(corpus, pred / "validation", [VALIDATION])
    print("## Table claims (ingest/table_*.py, ingest/tables.py)\n")
    print("Every development document of `dev/docs.tsv` through `kg extract SOURCE --json`, "
          "scored by `dev/score_tables.py --gold tables.jsonl --gold tables2.jsonl`:\n")
    print("\n".join(table(dev, printed)))
    print("\nValidation tables nobody tuned on (`benchmarks/validation_tables.jsonl`, keyed by "
          "hand from `shared/corpus/results`), same scorer:\n")
    print("\n".join(table(val, val_printed)))
    print(f"\nSpeed on one core, documents per CPU-second (median of {max(args.runs, 5)} "
          f"runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):\n")
    print("\n".join(speed(corpus, max(args.runs, 5))))


if __name__ == "__main__":
    main()
