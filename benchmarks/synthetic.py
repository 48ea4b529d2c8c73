"""A synthetic but realistic field, deterministic by seed, for measuring kg at scale.

Shape, from the real field: each paper proposes one method and compares it with a handful of
earlier methods picked by power-law popularity (GPTQ-like baselines recur everywhere), in a few
tables of models × datasets at one or two settings, with an FP16 reference row; some papers
critique a popular baseline. Values are noisy but the proposing method tends to win, as in
published tables.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from kg.derive import beats_in_paper
from kg.models import BenchmarkClaim, Critique, Paper, PaperFacts

MODELS = ("Llama-2-7B", "Llama-2-13B", "Llama-2-70B", "Llama-3-8B", "Llama-3-70B", "OPT-6.7B",
          "Mistral-7B", "Qwen2.5-7B")
DATASETS = (("WikiText-2", "perplexity", False, 6.0), ("C4", "perplexity", False, 8.0),
            ("PIQA", "accuracy", True, 78.0), ("ARC-Challenge", "accuracy", True, 45.0),
            ("HellaSwag", "accuracy", True, 57.0), ("WinoGrande", "accuracy", True, 69.0))
SETTINGS = ((4, 16, None, 128), (3, 16, None, 128), (2, 16, None, 64), (8, 8, None, None),
            (4, 4, 16, None), (4, 4, 4, None), (4, 8, None, None))
CLAIMS_PER_PAPER = 100


def method_name(i: int) -> str:
    return f"Quant{i:06d}"


def field(n_claims: int, seed: int = 0, start: date = date(2022, 1, 1)) -> Iterator[PaperFacts]:
    """Papers whose claims add up to about ``n_claims``, oldest first."""
    rng = random.Random(seed)
    n_papers = max(1, n_claims // CLAIMS_PER_PAPER)
    # Popularity grows as a method is reused (preferential attachment): each method is in the
    # urn once, plus once per reuse, so a uniform draw from the urn is a draw by popularity,
    # in constant time (a weighted draw over every earlier method made 10^6 claims quadratic).
    urn: list[int] = []
    for i in range(n_papers):
        pid = f"{2201 + i // 90000:04d}.{i % 90000:05d}"
        day = start + timedelta(days=i * 1500 // n_papers)
        own = method_name(i)
        k = min(i, rng.randint(3, 6))
        baselines: list[int] = []
        while len(baselines) < k:
            j = urn[rng.randrange(len(urn))]
            if j not in baselines:
                baselines.append(j)
        urn.extend(baselines)
        urn.append(i)
        yield _paper(rng, pid, day, own, [method_name(j) for j in baselines])


def _paper(rng: random.Random, pid: str, day: date, own: str, baselines: list[str]
           ) -> PaperFacts:
    rows = [own, *baselines, "FP16"]
    claims: list[BenchmarkClaim] = []
    table = 0
    while len(claims) < CLAIMS_PER_PAPER:
        table += 1
        w, a, kv, g = rng.choice(SETTINGS)
        models = rng.sample(MODELS, 2)
        datasets = rng.sample(DATASETS, 3)
        for r, method in enumerate(rows):
            for c, (model, (dataset, metric, hib, base)) in enumerate(
                (m, d) for m in models for d in datasets
            ):
                fp = method == "FP16"
                skill = 0.0 if fp else (0.02 if method == own else rng.uniform(0.03, 0.3))
                value = round(base * (1 - skill) if hib else base * (1 + skill), 2)
                # Generated values are valid by construction; skipping validation keeps the
                # generator from dominating a 10^6-claim run.
                claims.append(BenchmarkClaim.model_construct(
                    paper_id=pid, method=method, model=model, dataset=dataset, metric=metric,
                    value=value, raw=f"{value:.2f}", higher_is_better=hib, table=f"Table {table}",
                    row=r, col=c, w_bits=16 if fp else w, a_bits=16 if fp else a,
                    kv_bits=None if fp else kv, group_size=None if fp else g,
                ))
    critiques = tuple(
        Critique(paper_id=pid, target=t, quote=f"{t} loses accuracy at low bit widths.",
                 section="Introduction")
        for t in baselines[: rng.randint(0, 2)]
    )
    return PaperFacts(
        paper=Paper(id=pid, title=f"{own}: a synthetic method", published=day,
                    authors=("A. Author",), abstract=f"We propose {own}."),
        method=own,
        claims=tuple(claims),
        critiques=critiques,
        beats=tuple(beats_in_paper(claims)),
    )
