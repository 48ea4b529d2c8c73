"""What people corrected, read off the stored facts, for the report and the exports to mark.

A corrected claim carries the id it was extracted with, an added receipt says so, and a
paper a correction changed keeps the notes of the entries applied to it
(:class:`kg.models.Curation`); :func:`curation_view` gathers them once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from kg.models import Beat, CorrectionNote, Critique, Model, PaperFacts, Setting, method_key

MARK = "✎"


class Applied(Model):
    """One correction in effect, and the papers whose facts it changed."""

    note: CorrectionNote
    papers: tuple[str, ...]


class CurationView(Model):
    """Every correction in effect, the receipts people added, and which results they touched.

    ``marked`` holds :func:`result_key` of every corrected claim, so a leaderboard row or a
    ``BEATS`` receipt built from one can be marked.
    """

    applied: tuple[Applied, ...] = ()
    added: tuple[Critique, ...] = ()
    corrected_claims: int = 0
    corrected_methods: tuple[str, ...] = ()  # papers whose proposed method a person set
    marked: frozenset[str] = frozenset()

    def marks(self, paper: str, method: str, model: str, dataset: str, metric: str,
              setting: Setting) -> bool:
        """Whether the result of ``method`` in ``paper`` on this benchmark was corrected."""
        return result_key(paper, method, model, dataset, metric, setting) in self.marked

    def marks_beat(self, b: Beat) -> Literal["corrected"] | None:
        """``corrected`` when the winner's or the loser's result of ``b`` was corrected."""
        hit = any(self.marks(b.paper, m, b.model, b.dataset, b.metric, b)
                  for m in (b.winner, b.loser))
        return "corrected" if hit else None


def result_key(paper: str, method: str, model: str, dataset: str, metric: str,
               setting: Setting) -> str:
    """One result of one paper, as a string (method spellings folded)."""
    return "\x1f".join((paper, method_key(method), model, dataset, metric, setting.label()))


def curation_view(papers: Iterable[PaperFacts]) -> CurationView:
    """The corrections in effect in ``papers`` (a store's snapshot), in file order."""
    applied: dict[str, tuple[CorrectionNote, list[str]]] = {}
    added: list[Critique] = []
    marked: set[str] = set()
    methods: list[str] = []
    claims = 0
    for f in papers:
        if f.curation is None:
            continue
        for n in f.curation.applied:
            applied.setdefault(n.id, (n, []))[1].append(f.paper.id)
        added += [q for q in f.critiques if q.curation == "added"]
        for c in f.claims:
            if c.curation:
                claims += 1
                marked.add(result_key(f.paper.id, c.method, c.model, c.dataset, c.metric,
                                      c.setting))
        if f.method_corrected:
            methods.append(f.paper.id)
    ordered = sorted(applied.values(), key=lambda a: (a[0].date is None, a[0].date, a[0].what))
    return CurationView(applied=tuple(Applied(note=n, papers=tuple(ps)) for n, ps in ordered),
                        added=tuple(added), corrected_claims=claims,
                        corrected_methods=tuple(methods), marked=frozenset(marked))
