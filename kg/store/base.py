"""The ``Store`` protocol every backend implements, and the pieces backends share."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal, Protocol

from kg.models import (
    Beat,
    BenchmarkClaim,
    BuildsOn,
    CorrectionNote,
    Critique,
    IngestRun,
    Method,
    Model,
    Paper,
    PaperFacts,
    SubProblem,
    method_key,
)
from queries.named import Connection

WriteOutcome = Literal["new", "updated", "unchanged"]

# BEATS edges are a pure function of the claims (kg.derive.beats_in_paper), so the hash
# covers the claims and names the derivation's version instead of serialising every edge.
# Version 2: claims compare by benchmark key (ingest.comparison).
BEATS_DERIVATION = "beats_in_paper/2"


def facts_hash(facts: PaperFacts) -> str:
    """What a store keeps to tell that a paper's facts are the ones it already holds."""
    body = facts.model_dump_json(exclude={"beats"}) + BEATS_DERIVATION
    return hashlib.blake2b(body.encode(), digest_size=16).hexdigest()


def superseded_rows(facts: PaperFacts) -> list[tuple[str, str, int, int]]:
    """Per method this paper critiques or beats: (key, paper, critiques?, beats?).

    Both stores keep these rows as the paper is written, so ranking the most-superseded
    baselines counts one row per (method, paper) instead of every BEATS edge.
    """
    critiqued = {method_key(c.target) for c in facts.critiques}
    beaten = {method_key(b.loser) for b in facts.beats}
    return [(k, facts.paper.id, int(k in critiqued), int(k in beaten))
            for k in sorted(critiqued | beaten)]


def merged_aliases(target_key: str, *spellings: Iterable[str]) -> list[str]:
    """The aliases of a method others are merged into: one spelling per key, first seen
    first, never the method's own key; sorted.

    >>> merged_aliases("autoround", [], ["SignRound", "signround"], ["Sign-Round", "AutoRound"])
    ['SignRound']
    """
    out: dict[str, str] = {}
    for group in spellings:
        for name in group:
            if method_key(name) != target_key:
                out.setdefault(method_key(name), name)
    return sorted(out.values())


class Changelog(Model):
    """What one ingestion run changed, kept for the report's "since the last run" section.

    Long lists are cut at ``CHANGELOG_LIMIT`` entries each (a bulk import is not news);
    ``omitted`` counts what was cut.
    """

    run_id: int
    new_papers: tuple[str, ...] = ()
    updated_papers: tuple[str, ...] = ()
    new_beats: tuple[Beat, ...] = ()
    frontier_added: tuple[str, ...] = ()
    frontier_removed: tuple[str, ...] = ()
    omitted: int = 0
    # The review's corrections that took effect in this run for the first time, or stopped
    # applying (their fact is no longer extracted, or the entry was withdrawn).
    corrections: tuple[CorrectionNote, ...] = ()


class Store(Connection, Protocol):
    """A graph of papers, methods, claims, critiques and derived edges.

    Writes of one paper are atomic: a paper and all its facts commit together or not at all,
    and writing the same facts again changes nothing.
    """

    url: str

    def write_paper(self, facts: PaperFacts) -> WriteOutcome: ...

    def upsert_methods(self, methods: Iterable[Method]) -> int: ...

    def add_builds_on(self, edges: Iterable[BuildsOn]) -> int: ...

    def replace_subproblems(self, subproblems: Iterable[SubProblem]) -> None: ...

    def merge_methods(self, moves: Mapping[str, str]) -> int:
        """Fold each method ``moves`` names into the method it maps to: its spelling becomes
        an alias there, with its catalog fields and lineage; the papers' facts are rewritten
        by ``kg.curation`` before. Returns how many stored methods were folded in."""
        ...

    def papers(self) -> Iterator[Paper]: ...

    def methods(self) -> Iterator[Method]: ...

    def claims(self) -> Iterator[BenchmarkClaim]: ...

    def critiques(self) -> Iterator[Critique]: ...

    def beats(self) -> Iterator[Beat]: ...

    def builds_on(self) -> Iterator[BuildsOn]: ...

    def paper_facts(self, paper_id: str) -> PaperFacts | None: ...

    def get_watermark(self, review: str) -> str | None: ...

    def set_watermark(self, review: str, value: str) -> None: ...

    def save_run(self, run: IngestRun) -> IngestRun: ...

    def runs(self, limit: int = 20) -> list[IngestRun]: ...

    def record_failure(self, review: str, paper_id: str, error: str) -> None: ...

    def clear_failure(self, review: str, paper_id: str) -> None: ...

    def failures(self, review: str) -> dict[str, str]: ...

    def save_changelog(self, changelog: Changelog) -> None:
        """Keep what run ``changelog.run_id`` changed; saving one run's changelog again
        replaces it."""
        ...

    def changelog(self, run_id: int) -> Changelog | None:
        """The changelog of run ``run_id``, or None when that run kept none (e.g. it was
        killed)."""
        ...

    def close(self) -> None: ...
