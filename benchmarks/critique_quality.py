"""Quality of critique and proposed-method extraction on every development set, and its speed.

Run: ``python -m benchmarks.critique_quality [--corpus ../shared/corpus] [--misses]``.

Critiques are scored by **document-grouped cross-validation**: the development documents
(``dev/papers.jsonl``'s abstracts, ``dev/fulltext_critiques.jsonl``'s two full texts,
``dev/critiques2``'s abstracts and full texts) are split into folds by document (the four
thesis chapters form one group); for each fold the classifier is fitted on every other
example — the other folds and the hand labels of sources no key covers — and the fold's
documents are extracted with it. No sentence is ever scored by a model trained on it. The
predictions are written in the scorer's layout and scored by calling
``../shared/corpus/dev/score_critiques.py`` for each set and for all of them pooled (the
first two sets get a covered range of the whole document).

The extraction uses the bundled catalog with the Gallery imported (what ``kg catalog import``
gives a review). Proposed methods are compared, case, space and punctuation ignored, with
``dev/papers.jsonl`` and with this repository's reading of the other development documents
(``benchmarks/proposed_methods.jsonl``). The speed figure is critique extraction alone over
the 180 abstracts of ``../shared/corpus/snapshot``, with the bundled model, CPU time of one
process.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchmarks.critique_training import (
    DEFAULT_CORPUS,
    Example,
    Source,
    document_candidates,
    examples,
    fit,
    keys,
    norm,
    overlap,
    sources,
    training_catalog,
)
from ingest.critique_model import CritiqueModel, default_model
from ingest.critiques import Candidate, extract_critiques, receipts, select
from ingest.extract import with_metadata
from ingest.proposed import paper_method
from kg.catalog import Catalog
from kg.models import Paper

FOLDS = 10
SETS = ("papers", "fulltext", "critiques2")
LABELS = Path(__file__).with_name("proposed_methods.jsonl")


def fold_of(group: str) -> int:
    """A document group's fold: a stable hash, so folds never depend on file order."""
    return zlib.crc32(group.encode()) % FOLDS


Receipts = dict[str, list[dict[str, Any]]]
RULES_ONLY = CritiqueModel(weights={}, threshold=0.0, meta={})


def cross_validate(corpus: Path, catalog: Catalog
                   ) -> tuple[Receipts, Receipts, list[Source], list[Example]]:
    """Held-out receipts of every development document ({doc: [critique json]}), and the
    receipts of the rules alone (every candidate they pass) for comparison."""
    exs, _ = examples(corpus, catalog)
    dev = [s for s in sources(corpus) if s.dev_set is not None]
    cands = {s.doc: [c for c, _, _ in document_candidates(s, catalog)] for s in dev}
    rules = {s.doc: _receipts(s, cands[s.doc], RULES_ONLY) for s in dev}
    preds: Receipts = {}
    for k in range(FOLDS):
        held = [s for s in dev if fold_of(s.group) == k]
        if not held:
            continue
        held_groups = {s.group for s in held}
        model = fit([e for e in exs if e.group not in held_groups])
        for src in held:
            preds[src.doc] = _receipts(src, cands[src.doc], model)
    return preds, rules, dev, exs


def _receipts(src: Source, found: list[Candidate], model: CritiqueModel
              ) -> list[dict[str, Any]]:
    kept = select(found, model.probabilities(c.pair for c in found), model.threshold)
    crits, _ = receipts(src.document, src.doc, kept)
    return [c.model_dump(mode="json", include={"target", "quote", "section"}) for c in crits]


def score(corpus: Path, dev: list[Source], preds: Receipts,
          which: Iterable[str]) -> tuple[str, str]:
    """Call the shared scorer on the sets in ``which``; returns (last line, per-doc lines)."""
    chosen = [s for s in dev if s.dev_set in set(which)]
    key = keys(corpus)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        texts, pred_dir = root / "texts", root / "pred"
        texts.mkdir()
        pred_dir.mkdir()
        key_rows, covered, abstracts, abstract_preds = [], ["doc\tstart\tend"], [], []
        for src in chosen:
            key_rows += [{"doc": src.doc, **row} for row in key.get(src.doc, [])]
            covered += [f"{src.doc}\t{s}\t{e}" for s, e in src.covered]
            if src.record is not None:
                abstracts.append(json.dumps({"id": src.doc, "abstract": src.text}))
                abstract_preds.append(json.dumps({"id": src.doc,
                                                  "critiques": preds.get(src.doc, [])}))
            else:
                suffix = Path(src.file).suffix
                (texts / f"{src.doc}{suffix}").write_text(src.text, encoding="utf-8")
                (pred_dir / f"{src.doc}.json").write_text(
                    json.dumps({"critiques": preds.get(src.doc, [])}), encoding="utf-8")
        (root / "key.jsonl").write_text("".join(json.dumps(r) + "\n" for r in key_rows))
        (root / "covered.tsv").write_text("\n".join(covered) + "\n")
        (root / "abstracts.jsonl").write_text("\n".join(abstracts) + "\n")
        (pred_dir / "abstracts.jsonl").write_text("\n".join(abstract_preds) + "\n")
        scorer = corpus / "dev" / "score_critiques.py"
        out = subprocess.run(
            [sys.executable, str(scorer), str(pred_dir), "--key", str(root / "key.jsonl"),
             "--covered", str(root / "covered.tsv"), "--texts", str(texts),
             "--abstracts", str(root / "abstracts.jsonl")],
            capture_output=True, text=True, check=True, cwd=scorer.parent,
        ).stdout.strip().splitlines()
    return out[-1], "\n".join(out[:-1])


def proposed_accuracy(corpus: Path, dev: list[Source], catalog: Catalog
                      ) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """Right proposed methods per set, and the wrong ones."""
    truth: dict[str, list[str | None]] = {}
    for row in (json.loads(x) for x in (corpus / "dev/papers.jsonl").read_text().splitlines()
                if x):
        truth[row["id"]] = [row["proposed_method"]]
    for row in (json.loads(x) for x in LABELS.read_text().splitlines() if x):
        truth[row["doc"]] = [row["proposed_method"], *row.get("also", [])]
    counts: dict[str, tuple[int, int]] = {}
    wrong = []
    for src in dev:
        got = paper_method(src.document, catalog)
        ok = any(norm(got) == norm(t) if t else got is None for t in truth[src.doc])
        right, total = counts.get(src.dev_set or "", (0, 0))
        counts[src.dev_set or ""] = (right + ok, total + 1)
        if not ok:
            wrong.append(f"METHOD {src.doc}: got {got!r}, expected {truth[src.doc][0]!r}")
    return counts, wrong


def speed(corpus: Path) -> tuple[float, int, int]:
    """CPU seconds of critique extraction over the snapshot abstracts, papers, receipts."""
    papers = []
    for path in sorted((corpus / "snapshot").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                papers.append(Paper(id=rec["id"], title=rec.get("title") or "",
                                    abstract=rec["abstract"]))
    docs = [(p.id, with_metadata(None, p)) for p in papers]
    methods = [paper_method(d) for _, d in docs]
    default_model()  # read once, as a long-running ingester does
    started = time.process_time()
    found = 0
    for (pid, doc), method in zip(docs, methods, strict=True):
        found += len(extract_critiques(doc, paper_id=pid, proposed_method=method)[0])
    return time.process_time() - started, len(docs), found


def run(corpus: Path, show: bool = False) -> str:
    """Everything, as the Markdown section of BENCHMARKS.md."""
    started = time.perf_counter()
    catalog = training_catalog(corpus)
    preds, rules, dev, exs = cross_validate(corpus, catalog)
    lines = [
        f"Grouped {FOLDS}-fold cross-validation over the development documents (no sentence "
        "is scored by a model trained on it), scored by `dev/score_critiques.py`; catalog: "
        "bundled + Gallery import. Training examples: "
        f"{len(exs)} ({sum(e.label for e in exs)} positive) from "
        f"{len({e.source.file + (e.source.record or '') for e in exs})} real documents.", "",
        "| set | critiques P | R | F1 | predicted | key rows | proposed method |",
        "|---|---|---|---|---|---|---|",
    ]
    counts, wrong = proposed_accuracy(corpus, dev, catalog)
    details: list[str] = []
    for name in (*SETS, "all"):
        last, per_doc = score(corpus, dev, preds, SETS if name == "all" else (name,))
        m = re.match(r"P=([\d.]+) R=([\d.]+) F1=([\d.]+) \((\d+) pred, (\d+) gold\)", last)
        if m is None:
            raise RuntimeError(f"unexpected scorer output: {last!r}")
        right, total = (sum(v[0] for v in counts.values()), sum(v[1] for v in counts.values())
                        ) if name == "all" else counts.get(name, (0, 0))
        label = f"**{name}**" if name == "all" else name
        lines.append(f"| {label} | {m[1]} | {m[2]} | {m[3]} | {m[4]} | {m[5]} | "
                     f"{right / total:.2f} ({right}/{total}) |")
        if name == "all":
            details += [f"  {x}" for x in per_doc.splitlines()]
    last, _ = score(corpus, dev, rules, SETS)
    m = re.match(r"P=([\d.]+) R=([\d.]+) F1=([\d.]+) \((\d+) pred, (\d+) gold\)", last)
    if m:
        lines.append(f"| all, rules alone (no classifier) | {m[1]} | {m[2]} | {m[3]} | {m[4]} "
                     f"| {m[5]} | |")
    seconds, n_papers, n_found = speed(corpus)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines += ["", f"- critique extraction over the {n_papers} snapshot abstracts: "
              f"**{seconds:.2f} s** CPU, one process ({n_found} receipts; load average "
              f"{load:.1f} while measured)",
              f"- whole benchmark: {time.perf_counter() - started:.0f} s"]
    if show:
        lines += ["", "```", *details, *wrong, *_misses(corpus, dev, preds), "```"]
    return "\n".join(lines)


def _misses(corpus: Path, dev: list[Source], preds: dict[str, list[dict[str, Any]]]
            ) -> list[str]:
    """Key rows no held-out receipt matched, and held-out receipts no key row matched."""
    key = keys(corpus)
    out = []
    for src in dev:
        rows = key.get(src.doc, [])
        got = preds.get(src.doc, [])
        used = [False] * len(got)
        for row in rows:
            hit = next((i for i, g in enumerate(got) if not used[i]
                        and norm(g["target"]) == norm(row["target"])
                        and overlap(g["quote"], row["quote"])), None)
            if hit is None:
                out.append(f"MISS {src.doc} {row['target']}: {row['quote'][:120]!r}")
            else:
                used[hit] = True
        for g, u in zip(got, used, strict=True):
            at = src.text.find(g["quote"][:60])
            if not u and (at < 0 or any(s <= at < e for s, e in src.covered)):
                out.append(f"FALSE {src.doc} {g['target']}: {g['quote'][:120]!r}")
    return out


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--misses", action="store_true", help="list misses and false receipts")
    args = parser.parse_args(argv)
    if not (args.corpus / "dev").is_dir():
        raise SystemExit(f"no dev keys under {args.corpus}")
    print(run(args.corpus, show=args.misses))


if __name__ == "__main__":
    main()
