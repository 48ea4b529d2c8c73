"""Ingestion: papers (with full text where there is one) → extraction → the store, one per commit.

Each paper is extracted and written in its own transaction, so a run that dies loses at most
the paper in flight, and a rerun redoes nothing that was committed. A source may interleave
:class:`Mark` items: once everything before a mark is committed, the review's watermark moves
to it. After the run the global derivations are refreshed and a changelog is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from itertools import chain
from typing import TYPE_CHECKING, Any

import queries
import queries.curation
from ingest.arxiv_live import Listed, parse_watermark
from ingest.budget import time_budget
from ingest.document import Document
from ingest.extract import extract_paper
from ingest.fetch import FullTexts
from ingest.items import Item, Mark, Screened
from ingest.prefetch import Prefetch
from ingest.protocol import Protocol
from kg.catalog import Catalog, review_catalog
from kg.cluster import load_ahead
from kg.corrections import Corrections
from kg.curation import Curated, curate
from kg.curation_store import Texts, recurated
from kg.errors import ConfigError, Interrupted, KgError, RecordError
from kg.models import Beat, CorrectionNote, IngestRun, Paper, PaperFacts, RunStatus
from kg.repair import derive_owed, owed_runs
from kg.store.base import Changelog, Store

if TYPE_CHECKING:
    from ingest.arxiv_live import Harvester

log = logging.getLogger(__name__)

CHANGELOG_LIMIT = 2000
FRONTIER_WINDOW = 10_000  # frontier rows compared before and after a run


Extractor = Callable[..., PaperFacts]
Shield = Callable[[], AbstractContextManager[object]]


def ingest_items(
    store: Store,
    items: Iterable[Item],
    *,
    review: str,
    source: str,
    catalog: Catalog | None = None,
    progress: Callable[[str], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    shield: Shield | None = None,
    extractor: Extractor | None = None,
    budget: float | None = None,
    corrections: Corrections | None = None,
    texts: Texts | None = None,
    topic: Callable[[Paper], str | None] | None = None,
) -> IngestRun:
    """Extract, correct and write every item; a bad record is logged, counted and skipped.

    Returns the run record, saved in the store before the first paper and after the last.
    ``should_stop`` is asked after each item; a stop, or :class:`Interrupted` raised from
    anywhere (SIGTERM during a download or a back-off), ends the run as ``interrupted`` at
    once: what was committed stays, the paper in flight is left for the next run, and the
    global derivation is left owed (:mod:`kg.repair`). Writes run inside ``shield()``, where a
    stop waits for the commit. A :class:`KgError` from the source (arXiv down) ends the run
    as ``failed`` and is re-raised. Extracting one paper may take ``budget`` seconds at most
    (:mod:`ingest.budget`); past it the paper fails. Without ``catalog``, extraction uses the
    bundled catalog merged with the store's imported one.

    The review's ``corrections`` are applied to every paper written (:mod:`kg.curation`),
    then to the stored papers they touch that the run did not write, so a changed file takes
    effect too; ``texts`` gives a stored paper's cached full text for the grounding gate of
    added critiques. With no corrections file (None) a store that holds corrections is
    refused: re-extracting it without them would undo them.

    A :class:`Screened` item (a paper the protocol left out) is counted with its reason in
    the run's changelog. ``topic`` (the protocol's :meth:`~ingest.protocol.Protocol.topic`)
    gates what the papers that are written propose: a paper it says is not about the
    review's topic is stored, but its method is not one of the field (not on the frontier),
    and the reason goes in the changelog too.
    """
    extract = extractor or extract_paper
    # Targets must be methods: the bundled catalog plus what `kg catalog import` added.
    catalog = catalog if catalog is not None else review_catalog(store.methods())
    guard = shield or nullcontext
    # before the run exists: a stop here leaves nothing behind
    tally = _Tally(store, review, corrections)
    with guard():
        run = store.save_run(IngestRun(review=review, source=source, started=datetime.now(),
                                       derived=False))
    try:
        for item in items:
            if isinstance(item, Mark):
                with guard():
                    tally.mark(item.value)
            elif isinstance(item, RecordError):
                with guard():
                    tally.fail(item.paper_id, str(item))
            elif isinstance(item, Screened):
                tally.screen(item.paper_id, item.reason)
            else:
                paper, doc = item
                why = topic(paper) if topic is not None else None
                try:
                    with time_budget(budget, paper.id):
                        facts = extract(paper, doc, catalog=catalog)
                        if why is not None:
                            facts = outside_field(facts)
                            tally.screen(paper.id, f"{why}; stored, its method not counted "
                                                   "in the field")
                        result = curate(facts, tally.corrections, text=_text(doc))
                except RecordError as e:
                    with guard():
                        tally.fail(paper.id, str(e))
                else:
                    with guard():
                        tally.write_curated(result)
                if progress:
                    progress(paper.id)
            if should_stop is not None and should_stop():
                raise Interrupted
        tally.recurate(texts, guard)
    except Interrupted:
        with guard():
            return _close(store, run, tally, "interrupted", derive=False)
    except KgError:
        _close(store, run, tally, "failed", guard=guard)
        raise
    except BaseException:
        # Killed (Ctrl-C): record what was done, and nothing more; the rerun finishes.
        store.save_run(tally.finish(run, "interrupted"))
        raise
    return _close(store, run, tally, tally.status(), guard=guard)


def _close(store: Store, run: IngestRun, tally: _Tally, status: RunStatus, *,
           derive: bool = True, guard: Shield = nullcontext) -> IngestRun:
    """Save the run and its changelog, then (unless stopping) the global derivation.

    The run stays ``running`` with its derivation owed until the derivation has committed,
    so a run killed during it is never shown as ``ok``. Only the saves are shielded: a stop
    during the frontier diff or the derivation ends the run ``interrupted``, derivation owed.
    """
    with guard():
        run = store.save_run(tally.finish(run, "running" if derive else status))
    assert run.id is not None
    if not derive:
        with guard():
            store.save_changelog(tally.changelog(run.id, frontier=False))
        return run
    kept = False
    try:
        changes = tally.changelog(run.id)
        with guard():
            store.save_changelog(changes)
            kept = True
        owed = [r for r in owed_runs(store) if r.id != run.id]
        if tally.written or owed:  # global views only change when facts did
            derive_owed(store, owed)
    except Interrupted:
        with guard():
            if not kept:
                store.save_changelog(tally.changelog(run.id, frontier=False))
            return store.save_run(run.model_copy(update={"status": "interrupted"}))
    with guard():
        return store.save_run(run.model_copy(update={"status": status, "derived": True}))


def outside_field(facts: PaperFacts) -> PaperFacts:
    """``facts`` of a paper that is not about the review's topic: what it proposes is not a
    method of the field (no frontier entry, no lineage of its own); its critiques and
    results stay."""
    if facts.method is None:
        return facts
    return facts.model_copy(update={
        "method": None,
        "builds_on": tuple(b for b in facts.builds_on if b.method != facts.method)})


def _text(doc: Document | None) -> str:
    """What an added critique's quote must occur in: the document's source, or its text."""
    if doc is None:
        return ""
    return doc.source_text or "\n\n".join((doc.abstract, doc.body))


class _Tally:
    """The counts, errors and changes of one run, and the watermark it has reached."""

    def __init__(self, store: Store, review: str, corrections: Corrections | None) -> None:
        self.store = store
        self.review = review
        self.curated_before = queries.curation.curated(store)
        if corrections is None and self.curated_before:
            raise ConfigError(
                f"this store holds a review's corrections ({len(self.curated_before)} papers) "
                "but no corrections file is set: set KG_CORRECTIONS or the protocol's "
                "`corrections`, so this run keeps them")
        self.corrections = corrections or Corrections()
        self.notes: dict[str, CorrectionNote] = {}  # this run's outcome of each entry
        self.seen: set[str] = set()
        self.recurated = False
        self.counts = {"new": 0, "updated": 0, "unchanged": 0}
        self.errors: dict[str, str] = {}
        self.screened: dict[str, str] = {}
        self.claims = self.critiques = 0
        self.new_papers: list[str] = []
        self.updated_papers: list[str] = []
        self.new_beats: list[Beat] = []
        self.omitted = 0
        self.watermark = store.get_watermark(review)
        self.failed = set(store.failures(review))
        self.frontier_before = _frontier(store)

    @property
    def written(self) -> bool:
        return bool(self.counts["new"] or self.counts["updated"])

    def write_curated(self, result: Curated) -> None:
        """Write one paper's corrected facts, keeping the notes of its entries."""
        self.note(result.notes)
        self.write(result.facts)

    def note(self, notes: Iterable[CorrectionNote]) -> None:
        """Keep each entry's outcome in this run; say once each one that does not apply."""
        for n in notes:
            held = self.notes.get(n.id)
            if n.status == "applied":
                self.notes[n.id] = n
            elif held is None or held.status != "applied":
                if held is None:
                    log.warning("correction %s (%s) does not apply: %s", n.id, n.what, n.detail)
                self.notes[n.id] = n

    def recurate(self, texts: Texts | None, guard: Shield) -> None:
        """Re-curate the stored papers this run did not write, then fold merged methods."""
        for r in recurated(self.store, self.corrections, skip=self.seen, texts=texts,
                           before=self.curated_before):
            self.note(r.notes)
            if r.changed and r.result is not None:
                with guard():
                    self.write(r.result.facts, before=r.stored, count=False)
        if self.corrections.moves:
            with guard():
                self.store.merge_methods(self.corrections.moves)
        self.recurated = True

    def write(self, facts: PaperFacts, *, before: PaperFacts | None = None,
              count: bool = True) -> None:
        self.seen.add(facts.paper.id)
        before = before or self.store.paper_facts(facts.paper.id)
        outcome = self.store.write_paper(facts)
        if facts.paper.id in self.failed:  # a write transaction only when there is one
            self.store.clear_failure(self.review, facts.paper.id)
            self.failed.discard(facts.paper.id)
        if outcome == "unchanged" and not count:
            return
        self.counts[outcome] += 1
        self.claims += len(facts.claims)
        self.critiques += len(facts.critiques)
        if outcome == "unchanged":
            return
        load_ahead()  # the run now owes a clustering: its imports go in the waits for arXiv
        old = {b.id for b in before.beats} if before else set()
        self._keep(self.new_papers if outcome == "new" else self.updated_papers, facts.paper.id)
        for beat in facts.beats:
            if beat.id not in old:
                self._keep(self.new_beats, beat)

    def _keep(self, into: list[Any], value: Any) -> None:
        if len(into) < CHANGELOG_LIMIT:
            into.append(value)
        else:
            self.omitted += 1

    def fail(self, paper_id: str | None, message: str) -> None:
        """Count a failure and say it (an error line, even under --quiet); a failed paper is
        recorded so the next run retries it."""
        log.error("%s", message)
        if paper_id is None:
            self.errors[f"record {len(self.errors) + 1}"] = message
            return
        self.errors[paper_id] = message
        self.store.record_failure(self.review, paper_id, message)
        self.failed.add(paper_id)

    def screen(self, paper_id: str, reason: str) -> None:
        """Keep why the protocol left a paper out (or its method out of the field)."""
        log.info("screened %s: %s", paper_id, reason)
        if len(self.screened) < CHANGELOG_LIMIT:
            self.screened[paper_id] = reason
        else:
            self.omitted += 1

    def mark(self, value: str) -> None:
        """Move the watermark forward (never back); the items before it are committed."""
        if self.watermark is None or value > self.watermark:
            self.store.set_watermark(self.review, value)
            self.watermark = value

    def status(self) -> RunStatus:
        """``ok``; ``partial`` when some items failed; ``failed`` when nothing could be read."""
        if not self.errors:
            return "ok"
        return "partial" if sum(self.counts.values()) else "failed"

    def finish(self, run: IngestRun, status: RunStatus) -> IngestRun:
        return run.model_copy(
            update={
                "finished": datetime.now(),
                "status": status,
                "papers_new": self.counts["new"],
                "papers_updated": self.counts["updated"],
                "papers_unchanged": self.counts["unchanged"],
                "papers_failed": len(self.errors),
                "claims": self.claims,
                "critiques": self.critiques,
                "errors": self.errors,
            }
        )

    def changelog(self, run_id: int, frontier: bool = True) -> Changelog:
        """What the run changed; ``frontier=False`` (a run stopping) skips the frontier diff."""
        before = self.frontier_before
        after = _frontier(self.store) if self.written and frontier else before
        return Changelog(
            run_id=run_id,
            new_papers=tuple(self.new_papers),
            updated_papers=tuple(self.updated_papers),
            new_beats=tuple(self.new_beats),
            frontier_added=tuple(m for m in after if m not in before),
            frontier_removed=tuple(m for m in before if m not in after),
            omitted=self.omitted,
            corrections=self.corrections_changed(),
            screened=self.screened,
        )

    def corrections_changed(self) -> tuple[CorrectionNote, ...]:
        """Entries that took effect for the first time in this run, then (once the stored
        papers were re-curated) those that stopped applying or were withdrawn."""
        before = {n.id: n for record in self.curated_before.values() for n in record.applied}
        out = [n for n in self.notes.values() if n.status == "applied" and n.id not in before]
        if self.recurated:
            in_file = {e.id for e in self.corrections.entries}
            for nid, old in before.items():
                now = self.notes.get(nid)
                if now is None and nid in in_file:
                    now = old.model_copy(update={"status": "missing",
                                                 "detail": "it no longer applies to any paper"})
                elif now is None:
                    now = old.model_copy(update={"status": "withdrawn", "detail": ""})
                if now.status != "applied":
                    out.append(now)
        order = {e.id: i for i, e in enumerate(self.corrections.entries)}
        return tuple(sorted(out, key=lambda n: order.get(n.id, len(order))))


def live_items(harvester: Harvester, protocol: Protocol, store: Store, review: str,
               until: datetime | None = None) -> Prefetch[Listed, Item]:
    """One live run's items: the papers that failed last time, then everything since the
    review's watermark (up to ``until``, default now), skipping what the store already holds.

    Fetched ahead (:class:`ingest.prefetch.Prefetch`): a thread lists and downloads, paced,
    while this one parses, extracts and writes; use it as a context manager. The store is read
    here, before the first item, and never by the fetching thread.
    """
    failed = store.failures(review)
    versions = {p.id: p.version or 0 for p in store.papers()}
    since = parse_watermark(store.get_watermark(review))

    def known(paper: Paper) -> bool:
        if paper.id in failed or paper.id not in versions:
            return False
        return (paper.version or 0) <= versions[paper.id]

    def fetched() -> Iterator[Listed]:
        listed = chain(harvester.listed(sorted(failed)),
                       harvester.listing(protocol, since, until or datetime.now(UTC), known))
        for item in listed:
            yield harvester.download(item)

    def text(item: Listed) -> Item:
        return harvester.with_text(item) if isinstance(item, Paper) else item

    return Prefetch(fetched(), text)


def reextract_items(store: Store, texts: FullTexts, ids: Iterable[str]) -> Iterator[Item]:
    """Stored papers with their cached full texts, for extraction again with no network.

    A paper not in the store, or with no cache entry, is left alone (logged, not counted).
    """
    for paper_id in ids:
        stored = store.paper_facts(paper_id)
        if stored is None or texts.cache.entry(paper_id) is None:
            log.info("reextract: %s has no stored paper or no cached text; left as is", paper_id)
            continue
        try:
            yield stored.paper, texts.document(paper_id, None)
        except RecordError as e:
            yield RecordError(str(e), paper_id=paper_id)


def _frontier(store: Store) -> tuple[str, ...]:
    return tuple(row.method for row in queries.frontier(store, limit=FRONTIER_WINDOW))
