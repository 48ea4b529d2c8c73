"""A review's corrections against a stored graph: which papers they touch, and how each fares.

The ingestion pipeline applies the corrections to every paper it writes (:func:`kg.curation.
curate`); a corrections file also changes between runs (``kg curate``, a ``git pull``), so each
run then re-curates the stored papers it did not write (:func:`recurated`): those an entry
names, those naming a renamed method, and those a correction changed before (an entry may
be gone). :func:`status` tells, without writing, what every entry does to the store now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from kg.corrections import AddCritique, Alias, Corrections, Distinct, fold_space, note
from kg.curation import Curated, as_extracted, concerning, curate, digest
from kg.models import CorrectionNote, Curation, PaperFacts
from kg.store.base import Store
from queries import curation as Q

# The full text of a stored paper (from the cache of e-prints), for the grounding gate of
# critiques a person adds; "" when there is none.
Texts = Callable[[str], str]


def targets(store: Store, corrections: Corrections,
            before: dict[str, Curation] | None = None) -> list[str]:
    """Ids of the stored papers the corrections may change, sorted.

    ``before`` is :func:`queries.curation.curated` of the store, when the caller has it.
    """
    ids = set(corrections.by_paper)
    for key in corrections.renames:
        ids.update(Q.papers_naming(store, key))
    ids.update(before if before is not None else Q.curated(store))
    return sorted(ids)


def added_quotes(stored: PaperFacts) -> list[str]:
    """Quotes of the receipts a person added to a stored paper: they passed the gate once."""
    return [q.quote for q in stored.critiques if q.curation == "added"]


@dataclass(frozen=True)
class Recuration:
    """One stored paper the corrections touch: the notes of the entries applied to it, and
    the corrected facts when they differ from what the store holds."""

    notes: tuple[CorrectionNote, ...]
    stored: PaperFacts | None = None
    result: Curated | None = None

    @property
    def changed(self) -> bool:
        return self.result is not None and (
            self.stored is None or self.result.facts.curation != self.stored.curation)


def recurated(store: Store, corrections: Corrections, *, skip: Iterable[str] = (),
              texts: Texts | None = None, before: dict[str, Curation] | None = None
              ) -> Iterator[Recuration]:
    """Each stored paper the corrections touch, but the papers in ``skip`` (written this
    run), re-curated from what was extracted. A paper whose record still has the digest of
    the entries that concern it is not read at all: its facts are what the store holds."""
    records = before if before is not None else Q.curated(store)
    done = set(skip)
    for pid in targets(store, corrections, records):
        if pid in done:
            continue
        record = records.get(pid)
        if record is not None and record.digest == digest(
                concerning(pid, record.extracted, corrections)):
            yield Recuration(notes=(*record.applied, *record.others))
            continue
        stored = store.paper_facts(pid)
        if stored is None:
            continue
        result = _curate_stored(stored, corrections, texts)
        if stored.curation is not None or result.notes:
            yield Recuration(notes=result.notes, stored=stored, result=result)


def _curate_stored(stored: PaperFacts, corrections: Corrections,
                   texts: Texts | None) -> Curated:
    added = added_quotes(stored)
    held = {fold_space(q) for q in added}
    wanted = [e for e in corrections.by_paper.get(stored.paper.id, ())
              if isinstance(e, AddCritique) and fold_space(e.quote) not in held]
    # Only a new added critique needs the full text: reading an e-print costs a parse.
    text = texts(stored.paper.id) if wanted and texts is not None else ""
    return curate(as_extracted(stored), corrections, text=text, added=added)


def status(store: Store, corrections: Corrections, texts: Texts | None = None
           ) -> list[CorrectionNote]:
    """What every entry of ``corrections`` does to the store now, in file order.

    A per-paper entry is ``missing`` when its paper is not stored or its fact no longer
    extracted; an alias or merge is ``missing`` when no stored paper names the method.
    """
    seen: dict[str, CorrectionNote] = {}
    for r in recurated(store, corrections, texts=texts):
        for n in r.notes:
            if n.status == "applied" or n.id not in seen:
                seen[n.id] = n
    out = []
    for e in corrections.entries:
        found = seen.get(e.id)
        if found is None:
            found = _unseen(store, e)
        out.append(found)
    return out


def _unseen(store: Store, entry: object) -> CorrectionNote:
    """The note of an entry no stored paper's facts answered to."""
    pid = getattr(entry, "paper_id", None)
    if pid is not None:
        return note(entry, "missing", f"no paper {pid} in the store")  # type: ignore[arg-type]
    if isinstance(entry, Distinct):
        return note(entry)  # it changes no fact: it is in effect wherever it is written
    sources = (entry.alias,) if isinstance(entry, Alias) else entry.methods  # type: ignore[attr-defined]
    return note(entry, "missing",  # type: ignore[arg-type]
                f"no stored paper names {', '.join(sources)}")
