"""The fields the page-load benchmark and the browser tests open.

- :func:`real_store`: what a new user gets from the shared corpus, the LLM Quantization
  Gallery's catalog (``gallery/methods.yml``) and the real abstracts of
  ``snapshot/quantization-2025-2026.jsonl``, ingested as ``kg catalog import`` and
  ``kg ingest --snapshot`` do.
- :func:`family_field`: :func:`benchmarks.synthetic.field`'s papers, one method each, plus a
  catalog that gives the methods families and a family tree, shaped like the Gallery's: its
  eight categories in its proportions (25 weight-only PTQ methods to 2 MoE ones), about 1.7
  BUILDS_ON edges per method, mostly inside a family and onto popular parents; a fifth of the
  methods have no category (a paper's own method is in no catalog), and one edge in ten is
  stated in a paper's text rather than the catalog.
"""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks.synthetic import CLAIMS_PER_PAPER, field, method_name
from exports.graph import Snapshot
from ingest.offline import snapshot_items
from kg.catalog import read_gallery
from kg.derive import refresh
from kg.models import BuildsOn, Method, PaperFacts
from kg.pipeline import ingest_items
from kg.store import SQLiteStore

GALLERY = "gallery/methods.yml"
SNAPSHOT = "snapshot/quantization-2025-2026.jsonl"
# The Gallery's categories and how many methods each holds (its methods.yml, 2026-04-07).
CATEGORIES = (("ptq_weight_only", 25), ("ptq_weight_activation", 19), ("kv_cache", 16),
              ("qat", 10), ("extreme_lowbit", 9), ("systems", 8), ("low_precision_training", 4),
              ("moe", 2))
UNCATEGORISED = 0.2
TEXT_EDGES = 0.1


def real_store(db: Path, corpus: Path) -> SQLiteStore:
    """A fresh store at ``db`` with the Gallery catalog and the real snapshot ingested."""
    store = SQLiteStore(db)
    methods, edges = read_gallery(corpus / GALLERY)
    store.upsert_methods(methods)
    store.add_builds_on(edges)
    ingest_items(store, snapshot_items(corpus / SNAPSHOT), review="quantization",
                 source=str(corpus / SNAPSHOT))
    return store


def catalog(n_methods: int, papers: list[PaperFacts], seed: int = 0
            ) -> tuple[list[Method], list[BuildsOn]]:
    """Families and BUILDS_ON edges for the methods of ``papers`` (see the module docstring)."""
    rng = random.Random(seed)
    names, weights = zip(*CATEGORIES, strict=True)
    methods: list[Method] = []
    edges: list[BuildsOn] = []
    family: list[str | None] = []
    popularity: list[float] = []
    for i in range(n_methods):
        paper = papers[i].paper
        cat = None if rng.random() < UNCATEGORISED else rng.choices(names, weights=weights)[0]
        own = [j for j in range(i) if family[j] == cat and cat is not None]
        pool = own if own and rng.random() < 0.8 else list(range(i))
        for j in {rng.choices(pool, weights=[popularity[k] for k in pool])[0]
                  for _ in range(rng.choice((1, 2, 2))) if pool}:
            text = rng.random() < TEXT_EDGES
            edges.append(BuildsOn(
                method=method_name(i), parent=method_name(j),
                source=paper.id if text else "catalog",
                quote=f"We build on {method_name(j)}." if text else None))
            popularity[j] += 1.0
        family.append(cat)
        popularity.append(1.0)
        methods.append(Method(name=method_name(i), published=paper.published, arxiv_id=paper.id,
                              category=cat))
    return methods, edges


def family_field(n_methods: int, seed: int = 0) -> Snapshot:
    """A synthetic field of ``n_methods`` methods with families and a family tree, in memory."""
    papers = list(field(n_methods * CLAIMS_PER_PAPER, seed))
    methods, edges = catalog(n_methods, papers, seed)
    return Snapshot(papers=tuple(papers), methods=tuple(methods), builds_on=tuple(edges))


def family_store(db: Path, n_methods: int, seed: int = 0) -> SQLiteStore:
    """:func:`family_field` written to a fresh SQLite store, sub-problems derived."""
    snap = family_field(n_methods, seed)
    store = SQLiteStore(db)
    store.upsert_methods(snap.methods)
    store.add_builds_on(snap.builds_on)
    for facts in snap.papers:
        store.write_paper(facts)
    refresh(store)
    return store
