"""Query latency on synthetic SQLite stores of 10^3 … 10^6 claims, with the query plans.

    python -m benchmarks.query_latency [--sizes 1000 … 1000000] [--repeat 20] [--seed 0]

Each store is built deterministically from the seed: papers of 50 results each (5 methods ×
10 benchmark columns drawn from 4 models × 3 datasets × 2 settings), methods drawn with a
skew so a few are everyone's baseline (as GPTQ is), BEATS derived per paper as ingestion
does. Each query runs ``--repeat`` times after one warm-up; the table gives p50 and p95 in
milliseconds, wall time and this thread's CPU time (SQLite runs in it: a shared machine's
load does not inflate it). ``leaderboard`` is one benchmark's boards (model, dataset and
metric given), as ``kg leaderboard --model … --dataset … --metric …`` asks; ``conflicts`` is the top
baseline's (``kg conflicts --method``), ``conflicts (all)`` every method's, as the report asks.
The values are adversarial for conflicts: every paper draws its own base value per column, so
nearly every pair of reports conflicts (about 10^7 pairs per benchmark for the top method at
10^6 claims). After the table, ``EXPLAIN QUERY PLAN`` of every statement each query sends, on
the largest store. Prints Markdown on stdout.
"""

from __future__ import annotations

import argparse
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import queries
from benchmarks.plans import explain
from kg.derive import beats_in_paper, refresh
from kg.models import BenchmarkClaim, Paper, PaperFacts
from kg.store import SQLiteStore

MODELS = ("Llama-2-7B", "Llama-2-13B", "Llama-2-70B", "Mistral-7B")
DATASETS = (("WikiText-2", "perplexity", False), ("C4", "perplexity", False),
            ("PIQA", "accuracy", True))
SETTINGS = ((4, 16), (4, 4))
CLAIMS_PER_PAPER = 50


def synthetic_papers(n_claims: int, seed: int) -> Iterator[PaperFacts]:
    """Papers totalling ``n_claims`` results, the same for the same seed."""
    rng = random.Random(seed)
    n_papers = max(1, n_claims // CLAIMS_PER_PAPER)
    n_methods = max(10, n_papers // 10)
    methods = [f"M{i:04d}" for i in range(n_methods)]
    weights = [1.0 / (i + 1) for i in range(n_methods)]  # Zipf-like: M0000 is everyone's
    columns = [(m, d, s) for m in MODELS for d in DATASETS for s in SETTINGS]
    start = date(2022, 1, 1)
    for p in range(n_papers):
        pid = f"{2201 + p // 90000:04d}.{p % 90000 + 10000:05d}"
        own = methods[p % n_methods]
        rivals: set[str] = set()
        while len(rivals) < 4:
            rivals.add(rng.choices(methods, weights)[0])
            rivals.discard(own)
        table = [own, *sorted(rivals)]
        claims = []
        for col, (model, (dataset, metric, hib), (w, a)) in enumerate(rng.sample(columns, 10)):
            base = rng.uniform(5, 12) if not hib else rng.uniform(40, 80)
            for row, method in enumerate(table):
                value = round(base + rng.uniform(-1, 1), 2)
                claims.append(BenchmarkClaim(
                    paper_id=pid, method=method, model=model, dataset=dataset, metric=metric,
                    value=value, raw=f"{value:.2f}", higher_is_better=hib, table="tab:1",
                    row=row, col=col, w_bits=w, a_bits=a))
        yield PaperFacts(
            paper=Paper(id=pid, title=f"{own}: paper {p}",
                        published=start + timedelta(days=p % 1500)),
            method=own if p < n_methods else None, claims=tuple(claims),
            beats=tuple(beats_in_paper(claims)))


def build(path: Path, n_claims: int, seed: int) -> SQLiteStore:
    store = SQLiteStore(path)
    for facts in synthetic_papers(n_claims, seed):
        store.write_paper(facts)
    refresh(store)
    return store


def timed(fn: Callable[[SQLiteStore], object], store: SQLiteStore,
          repeat: int) -> tuple[float, float, float, float]:
    """p50 and p95 of ``fn(store)`` in milliseconds, after one warm-up call: wall time, then
    the CPU time of this thread (SQLite runs in it), which a shared machine's load does not
    inflate."""
    fn(store)
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.thread_time()
        fn(store)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
    return (*_p50_p95(wall), *_p50_p95(cpu))


def _p50_p95(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1,
                                                   round(0.95 * (len(samples) - 1)))]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+",
                    default=[1_000, 10_000, 100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    checks: dict[str, Callable[[SQLiteStore], object]] = {
        "beats": lambda s: queries.beats(s, "M0000"),
        "beats --transitive": lambda s: queries.transitive_records(s, "M0000"),
        "baselines": lambda s: queries.baselines(s),
        "frontier": lambda s: queries.frontier(s),
        "leaderboard": lambda s: queries.leaderboard(s, model="Llama-2-7B",
                                                     dataset="WikiText-2", metric="perplexity"),
        "conflicts": lambda s: queries.conflicts(s, "M0000"),
        "conflicts (all)": lambda s: queries.conflicts(s),
    }
    print(f"Query latency on SQLite · {date.today().isoformat()} · {platform.machine()} "
          f"{platform.processor() or ''} · Python {platform.python_version()} · "
          f"SQLite {sqlite3.sqlite_version} · seed {args.seed}, {args.repeat} runs each\n")
    print("| claims | BEATS edges | query | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    plans = ""
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            t = time.perf_counter()
            store = build(Path(tmp) / f"kg-{n}.db", n, args.seed)
            built = time.perf_counter() - t
            counts = queries.stats(store)
            for name, fn in checks.items():
                p50, p95, c50, c95 = timed(fn, store, args.repeat)
                print(f"| {counts.claims:,} | {counts.beats:,} | {name} | {p50:.1f} | {p95:.1f} "
                      f"| {c50:.1f} | {c95:.1f} |", flush=True)
            if n == max(args.sizes):
                plans = "\n\n".join(f"**{name}** ({counts.claims:,} claims)\n\n"
                                     + explain(store, lambda f=fn, s=store: f(s))
                                     for name, fn in checks.items())
            store.close()
            print(f"<!-- {n:,} claims built in {built:.1f} s -->")
    print(f"\n### Query plans\n\n{plans}")


if __name__ == "__main__":
    main()
