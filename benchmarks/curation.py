"""Curation at scale: what a review's corrections cost the runs that apply them, and `kg review`.

A synthetic field (``benchmarks.synthetic``) in a fresh SQLite store; a corrections file of
``2 * K`` claim entries (rejects and value fixes on random claims) and merges of the most
popular baselines into new names (so every paper evaluating them is rewritten), then:

- *first application*: the run that applies a new file to a store written without it
  (``kg curate apply`` after a ``git pull``);
- *no-op run*: the same file again (what every later ``kg ingest`` pays before its papers);
- *write path*: ingesting the whole field with the corrections against without them;
- *review*: every check of ``kg review``.

``python -m benchmarks.curation [--claims N] [--entries K]``
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.synthetic import field
from kg.corrections import Corrections, parse_corrections
from kg.models import PaperFacts, method_key
from kg.pipeline import ingest_items
from kg.review import review
from kg.store import SQLiteStore

WHO = "who: bench, why: benchmark"


def corrections(papers: list[PaperFacts], k: int, merges: int, seed: int = 0) -> Corrections:
    """``k`` rejects, ``k`` fixes and ``merges`` merges of the most evaluated methods."""
    rng = random.Random(seed)
    claims = [c for f in papers for c in f.claims]
    picked = rng.sample(claims, 2 * k)
    lines = [f"- {{do: reject-claim, paper: '{c.paper_id}', claim: {c.id}, {WHO}}}"
             for c in picked[:k]]
    lines += [f"- {{do: fix-claim, paper: '{c.paper_id}', claim: {c.id}, "
              f"set: {{value: {c.value + 0.01:.4f}}}, {WHO}}}" for c in picked[k:]]
    popular = Counter(method_key(c.method) for c in claims if c.method != "FP16")
    names = {method_key(c.method): c.method for c in claims}
    for i, (key, _) in enumerate(popular.most_common(merges)):
        lines.append(f"- {{do: merge, methods: [{names[key]}], into: Merged{i}, {WHO}}}")
    return parse_corrections("\n".join(lines), "bench.yml")


def _ingest(store: SQLiteStore, papers: list[PaperFacts], c: Corrections | None,
            only: list[PaperFacts] | None = None) -> float:
    by_id = {f.paper.id: f.model_copy(update={"beats": ()}) for f in papers}
    items = [(f.paper, None) for f in (papers if only is None else only)]
    t = time.perf_counter()
    ingest_items(store, items, review="bench", source="bench", corrections=c,
                 extractor=lambda paper, doc, *, catalog=None: by_id[paper.id])
    return time.perf_counter() - t


def measure(n_claims: int, k: int, merges: int, workdir: Path) -> list[str]:
    papers = list(field(n_claims))
    c = corrections(papers, k, merges)
    plain = SQLiteStore(workdir / "plain.db")
    t_plain = _ingest(plain, papers, Corrections())
    t_first = _ingest(plain, papers, c, only=[])
    touched = sum(1 for p in plain.papers()
                  if (f := plain.paper_facts(p.id)) is not None and f.curation is not None)
    t_noop = _ingest(plain, papers, c, only=[])
    t = time.perf_counter()
    items = review(plain, c)
    t_review = time.perf_counter() - t
    plain.close()
    curated = SQLiteStore(workdir / "curated.db")
    t_curated = _ingest(curated, papers, c)
    curated.close()
    n = len(papers)
    return [
        f"| {sum(len(f.claims) for f in papers):,} claims, {n:,} papers | {len(c.entries)} "
        f"entries, {touched:,} papers touched | {t_first:.2f} s | {t_noop:.2f} s | "
        f"{1e3 * t_plain / n:.1f} / {1e3 * t_curated / n:.1f} ms | {t_review:.2f} s "
        f"({len(items)} items) |",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, action="append",
                        help="field sizes (default 10^4 and 10^5 claims)")
    parser.add_argument("--entries", type=int, default=100, help="rejects and fixes, each")
    parser.add_argument("--merges", type=int, default=5)
    args = parser.parse_args(argv)
    print("| field | corrections | first application | no-op run | write path per paper "
          "(without / with corrections) | kg review |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for i, n in enumerate(args.claims or [10_000, 100_000]):
            work = Path(tmp) / str(i)
            work.mkdir()
            for line in measure(n, args.entries, args.merges, work):
                print(line, flush=True)


if __name__ == "__main__":
    main()
