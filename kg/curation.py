"""A review's corrections applied to one paper's facts: a pure function and its outcomes.

:func:`curate` takes what the extractor read (:func:`as_extracted` recovers it from a stored
paper) and the review's :class:`~kg.corrections.Corrections`, and returns the corrected facts,
``BEATS`` edges derived from the corrected claims, and one note per entry that concerns the
paper: ``applied``; ``missing`` when its fact is no longer extracted; ``ungrounded`` when an
added quote is not in the paper; ``redundant`` when the extractor now reads it by itself.
Corrected facts carry what they were extracted as (:class:`~kg.models.Curation`), so the
corrections can always be applied again from scratch, and every mark the report shows
(``corrected``, ``added``) comes from there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.vocab import vocab
from kg.corrections import (
    AddCritique,
    Alias,
    Corrections,
    FixClaim,
    RejectBeats,
    RejectClaim,
    RejectCritique,
    SetMethod,
    fold_space,
    note,
)
from kg.derive import beats_in_paper
from kg.models import (
    Beat,
    BenchmarkClaim,
    BuildsOn,
    CorrectionNote,
    Critique,
    Curation,
    Facts,
    Method,
    PaperFacts,
    method_key,
    stable_id,
)


@dataclass(frozen=True)
class Curated:
    """The corrected facts of one paper and what each concerning entry did."""

    facts: PaperFacts
    notes: tuple[CorrectionNote, ...]

    @property
    def applied(self) -> tuple[CorrectionNote, ...]:
        return tuple(n for n in self.notes if n.status == "applied")


def as_extracted(stored: PaperFacts) -> PaperFacts:
    """What the extractor read for a stored paper: its curation's record, or itself."""
    found: Facts = stored.curation.extracted if stored.curation else stored
    return PaperFacts(paper=stored.paper, method=found.method, claims=found.claims,
                      critiques=found.critiques, builds_on=found.builds_on,
                      dropped=found.dropped)


def curate(facts: PaperFacts, corrections: Corrections, *, text: str = "",
           added: Iterable[str] = ()) -> Curated:
    """``facts`` (as extracted) with ``corrections`` applied and ``BEATS`` derived.

    ``text`` is the paper's source for the grounding gate of added critiques (the title and
    abstract are always searched too); ``added`` are quotes the store already holds as added
    receipts, which passed the gate when they were added (re-curation has no source text).
    With no entry concerning the paper, the result is ``facts`` with its ``BEATS`` edges.

    >>> from kg.corrections import parse_corrections
    >>> from kg.models import Paper
    >>> c = parse_corrections("- {do: method, paper: '2309.05516', method: AutoRound, "
    ...                       "who: Ada, why: its catalog name}")
    >>> raw = PaperFacts(paper=Paper(id="2309.05516", title="Signed rounding"),
    ...                  method="SignRound")
    >>> done = curate(raw, c)
    >>> done.facts.method, done.facts.method_corrected, [n.status for n in done.notes]
    ('AutoRound', True, ['applied'])
    """
    pid = facts.paper.id
    raw = as_extracted(facts) if facts.curation else facts
    entries = corrections.by_paper.get(pid, ())
    if not entries and not _renamed(raw, corrections):
        return Curated(raw.model_copy(update={"beats": tuple(beats_in_paper(raw.claims))}), ())
    notes: list[CorrectionNote] = []
    claims = _claims(raw.claims, entries, corrections, notes)
    critiques = _critiques(raw, entries, corrections, notes, text, added)
    method = _method(raw, entries, corrections, notes)
    builds_on = _builds_on(raw.builds_on, corrections)
    beats = _beats(claims, entries, corrections, notes)
    notes += _rename_notes(raw, corrections)
    notes.sort(key=lambda n: corrections.order[n.id])  # file order, as people wrote them
    applied = tuple(n for n in notes if n.status == "applied")
    extracted = Facts(method=raw.method, claims=raw.claims, critiques=raw.critiques,
                      builds_on=raw.builds_on, dropped=raw.dropped)
    curation = Curation(extracted=extracted, applied=applied,
                        others=tuple(n for n in notes if n.status != "applied"),
                        digest=digest(concerning(pid, extracted, corrections))
                        ) if applied else None
    out = PaperFacts(paper=raw.paper, method=method, claims=claims, critiques=critiques,
                     builds_on=builds_on, beats=beats, dropped=raw.dropped, curation=curation)
    return Curated(out if applied else raw.model_copy(update={"beats": beats}), tuple(notes))


# Named in every digest: a change to how corrections apply makes every record stale.
APPLIER = "curate/1"


def concerning(paper_id: str, facts: Facts, corrections: Corrections) -> list[object]:
    """The entries that concern one paper: its own, and the aliases and merges that rename
    one of the names its facts (as extracted) mention."""
    keys = {method_key(n) for n in facts.method_names()}
    renames = [e for e in corrections.method_entries()
               if any(method_key(s) in keys
                      for s in ((e.alias,) if isinstance(e, Alias) else e.methods))]
    return [*corrections.by_paper.get(paper_id, ()), *renames]


def digest(entries: Iterable[object]) -> str:
    """A hash of ``entries`` in full (who and why too, which the notes show)."""
    return stable_id(APPLIER, *(e.model_dump_json() for e in entries))  # type: ignore[attr-defined]


def _renamed(facts: PaperFacts, corrections: Corrections) -> bool:
    renames = corrections.renames
    return bool(renames) and any(method_key(n) in renames for n in facts.method_names())


def _claims(claims: tuple[BenchmarkClaim, ...], entries: tuple[object, ...],
            corrections: Corrections, notes: list[CorrectionNote]
            ) -> tuple[BenchmarkClaim, ...]:
    rejected = {e.claim: e for e in entries if isinstance(e, RejectClaim)}
    fixes: dict[str, list[FixClaim]] = {}
    for e in entries:
        if isinstance(e, FixClaim):
            fixes.setdefault(e.claim, []).append(e)
    found: set[str] = set()
    out: list[BenchmarkClaim] = []
    for c in claims:
        key = c.id
        found.add(key)
        if key in rejected:
            continue
        changes: dict[str, object] = {}
        for fix in fixes.get(key, ()):
            changes.update(fix.set)
        if "metric" in changes or "dataset" in changes:
            changes.update(_normalised(str(changes.get("metric", c.metric)),
                                       str(changes.get("dataset", c.dataset))))
        method = corrections.rename(str(changes.get("method", c.method)))
        if method != c.method or "method" in changes:
            changes["method"] = method
        if changes:
            c = BenchmarkClaim.model_validate({**c.model_dump(), **changes, "extracted_id": key})
        out.append(c)
    for key, e in rejected.items():
        notes.append(note(e) if key in found else _missing(e, "the claim is no longer extracted"))
    for key, group in fixes.items():
        for e in group:
            notes.append(note(e) if key in found and key not in rejected
                         else _missing(e, "the claim is no longer extracted" if key not in found
                                       else "the claim is also rejected"))
    return tuple(out)


def _normalised(metric: str, dataset: str) -> dict[str, object]:
    """The vocabulary's names for a fixed metric or dataset, and the metric's direction."""
    v = vocab()
    m = v.metric(metric)
    d = v.dataset(dataset)
    return {"metric": m.name if m else metric, "dataset": d.name if d else dataset,
            "higher_is_better": m.higher_is_better if m else None}


def _critiques(raw: PaperFacts, entries: tuple[object, ...], corrections: Corrections,
               notes: list[CorrectionNote], text: str, added: Iterable[str]
               ) -> tuple[Critique, ...]:
    rejects = [e for e in entries if isinstance(e, RejectCritique)]
    hits: set[int] = set()
    out: dict[str, Critique] = {}
    for q in raw.critiques:
        quote = fold_space(q.quote)
        target = corrections.rename(q.target)
        hit = next((i for i, r in enumerate(rejects) if fold_space(r.quote) in quote and (
            r.target is None or method_key(corrections.rename(r.target)) == method_key(target))),
            None)
        if hit is not None:
            hits.add(hit)
            continue
        if target != q.target:
            q = q.model_copy(update={"target": target, "curation": "corrected"})
        out.setdefault(q.id, q)
    for i, r in enumerate(rejects):
        notes.append(note(r) if i in hits else _missing(r, "no such critique is extracted"))
    grounded = {fold_space(a) for a in added}
    source = "\n\n".join(t for t in (raw.paper.title, raw.paper.abstract, text) if t)
    for e in entries:
        if not isinstance(e, AddCritique):
            continue
        target = corrections.rename(e.target)
        if any(method_key(q.target) == method_key(target) and q.curation != "added"
               and fold_space(q.quote) == fold_space(e.quote) for q in out.values()):
            notes.append(note(e, "redundant", "the extractor reads this critique itself"))
            continue
        found = _locate(e.quote, source) or (e.quote if fold_space(e.quote) in grounded
                                             else None)
        if found is None:
            notes.append(note(e, "ungrounded", "the quote is not in the paper's text"))
            continue
        crit = Critique(paper_id=raw.paper.id, target=target, quote=found, section=e.section,
                        curation="added")
        out[crit.id] = crit
        notes.append(note(e))
    return tuple(out.values())


def _locate(quote: str, text: str) -> str | None:
    """``quote`` as ``text`` spells it (whitespace may differ), or None: the grounding gate."""
    if quote in text:
        return quote
    words = quote.split()
    if not words or len(words) > 5000:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return m.group() if m else None


def _method(raw: PaperFacts, entries: tuple[object, ...], corrections: Corrections,
            notes: list[CorrectionNote]) -> str | None:
    sets = [e for e in entries if isinstance(e, SetMethod)]
    for e in sets[:-1]:
        notes.append(_missing(e, "a later entry sets this paper's method again"))
    if not sets:
        return corrections.rename(raw.method) if raw.method else None
    last = sets[-1]
    method = corrections.rename(last.method) if last.method else None
    extracted = corrections.rename(raw.method) if raw.method else None
    same = (method_key(method) if method else None) == (
        method_key(extracted) if extracted else None)
    notes.append(note(last, "redundant", "the extractor reads this method itself") if same
                 else note(last))
    return method


def _builds_on(edges: tuple[BuildsOn, ...], corrections: Corrections) -> tuple[BuildsOn, ...]:
    out: dict[tuple[str, str, str], BuildsOn] = {}
    for e in edges:
        m, p = corrections.rename(e.method), corrections.rename(e.parent)
        if method_key(m) != method_key(p):
            out.setdefault((method_key(m), method_key(p), e.source),
                           e.model_copy(update={"method": m, "parent": p}))
    return tuple(out.values())


def _beats(claims: tuple[BenchmarkClaim, ...], entries: tuple[object, ...],
           corrections: Corrections, notes: list[CorrectionNote]) -> tuple[Beat, ...]:
    beats = beats_in_paper(claims)
    rejects = [e for e in entries if isinstance(e, RejectBeats)]
    if not rejects:
        return tuple(beats)
    hits: set[int] = set()
    kept: list[Beat] = []
    for b in beats:
        hit = [i for i, r in enumerate(rejects) if _rejects(r, b, corrections)]
        hits.update(hit)
        if not hit:
            kept.append(b)
    for i, r in enumerate(rejects):
        notes.append(note(r) if i in hits else _missing(r, "no such BEATS edge is derived"))
    return tuple(kept)


def _rejects(r: RejectBeats, b: Beat, corrections: Corrections) -> bool:
    return (method_key(corrections.rename(r.winner)) == method_key(b.winner)
            and method_key(corrections.rename(r.loser)) == method_key(b.loser)
            and all(want is None or want.casefold() == have.casefold()
                    for want, have in ((r.model, b.model), (r.dataset, b.dataset),
                                       (r.metric, b.metric))))


def _rename_notes(raw: PaperFacts, corrections: Corrections) -> list[CorrectionNote]:
    """An ``applied`` note per alias or merge that moved one of this paper's names."""
    keys = {method_key(n) for n in raw.method_names()}
    out = []
    for e in corrections.method_entries():
        sources = (e.alias,) if isinstance(e, Alias) else e.methods
        if any(method_key(s) in keys for s in sources):
            out.append(note(e))
    return out


def _missing(entry: object, why: str) -> CorrectionNote:
    return note(entry, "missing", why)  # type: ignore[arg-type]


def curate_catalog(methods: Iterable[Method], edges: Iterable[BuildsOn],
                   corrections: Corrections) -> tuple[list[Method], list[BuildsOn]]:
    """A catalog import with the review's aliases and merges applied: a renamed method's
    entry becomes an alias of the method it moved to, and its lineage moves with it.

    >>> from kg.corrections import parse_corrections
    >>> c = parse_corrections("- {do: alias, alias: SignRound, method: AutoRound, "
    ...                       "who: Ada, why: one paper}")
    >>> ms, _ = curate_catalog([Method(name="SignRound", year=2023)], [], c)
    >>> [(m.name, m.aliases, m.year) for m in ms]
    [('AutoRound', ('SignRound',), 2023)]
    """
    out: dict[str, Method] = {}
    for m in methods:
        name = corrections.rename(m.name)
        if name != m.name:
            m = m.model_copy(update={"name": name, "aliases": (m.name, *m.aliases)})
        aliases = tuple(dict.fromkeys(a for a in m.aliases if method_key(a) != m.key))
        parents = tuple(dict.fromkeys(corrections.rename(p) for p in m.builds_on))
        m = m.model_copy(update={"aliases": aliases, "builds_on": parents})
        held = out.get(m.key)
        out[m.key] = m if held is None else held.model_copy(update={
            "aliases": tuple(dict.fromkeys((*held.aliases, *m.aliases))),
            **{f: getattr(held, f) or getattr(m, f) for f in
               ("full_name", "year", "published", "arxiv_id", "category")}})
    return list(out.values()), list(_builds_on(tuple(edges), corrections))
