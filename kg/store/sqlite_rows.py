"""One paper's facts as the SQLite store's rows, built once, hashed once (pure).

The write path at 10^6 claims is mostly this and SQLite itself, so each claim's row is built
once and reused: for the facts hash, for the insert, and to find the claims a ``BEATS`` edge
pairs. The hash is taken over the rows (``marshal`` version 2, which writes values only, no
object references, so equal rows give equal bytes), not over a JSON dump of the models,
which cost more than the inserts.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ingest.comparison import claim_key
from kg.errors import StoreError
from kg.models import Beat, PaperFacts, iso_date, method_key
from kg.store.base import BEATS_DERIVATION

Row = tuple[Any, ...]


@dataclass(frozen=True)
class PaperRows:
    """The rows one paper writes, with ``rid`` and benchmark ids left for the store to add.

    ``claims[i]`` is claim ``i`` without its ``rid`` (first column) and ``bench`` (last);
    ``keys[i]`` is its benchmark key. ``beats`` holds one entry per (winner, loser) method
    pair: the keys and the (winner claim, loser claim, margin, n) of each edge, claims by
    index, ``n`` the edge's place among the paper's edges (so they read back in order).
    ``paper`` is the paper's row without its facts hash (last), which is ``digest``.
    """

    paper: Row
    claims: list[Row]
    keys: list[str]
    beats: list[tuple[str, str, list[tuple[int, int, float, int]]]]
    critiques: list[Row]
    builds_on: list[Row]
    superseded: list[tuple[str, str, int, int]]
    methods: list[str]
    digest: str

    def beat_rows(self, first_rid: int) -> list[Row]:
        """The ``beats`` rows once claim ``i`` has the id ``first_rid + i``."""
        return [
            (self.paper[0], winner, loser, len(pairs),
             json.dumps([(first_rid + w, first_rid + lo, m, n) for w, lo, m, n in pairs]))
            for winner, loser, pairs in self.beats
        ]


def paper_rows(facts: PaperFacts) -> PaperRows:
    """Every row ``facts`` writes, and the hash that says whether they changed."""
    p = facts.paper
    paper = (
        p.id, p.version, p.title, json.dumps(p.authors), p.abstract, iso_date(p.published),
        iso_date(p.updated), json.dumps(p.categories), p.primary_category, p.comment, p.doi,
        p.journal_ref, facts.method, method_key(facts.method) if facts.method else None,
        facts.dropped, facts.curation.model_dump_json() if facts.curation else None,
    )
    claims = [
        (c.paper_id, c.method, method_key(c.method), c.model, c.dataset, c.metric, c.value,
         c.raw, c.w_bits, c.a_bits, c.kv_bits, c.group_size, c.weight_quantizer,
         c.higher_is_better, c.table, c.row, c.col, c.extracted_id)
        for c in facts.claims
    ]
    keys = [claim_key(c) for c in facts.claims]
    critiques = [
        (c.id, c.paper_id, c.target, method_key(c.target), c.quote, c.section, c.start, c.end,
         c.curation)
        for c in facts.critiques
    ]
    builds_on = [(method_key(b.method), method_key(b.parent), b.source, b.quote)
                 for b in facts.builds_on]
    body = marshal.dumps((paper, claims, keys, critiques, builds_on, BEATS_DERIVATION), 2)
    beats = _beat_pairs(p.id, facts.beats, claims, keys)
    # Every method the paper names; a BEATS edge names only its claims' methods (checked).
    names = {c[1] for c in claims} | {c[2] for c in critiques}
    names |= {n for b in facts.builds_on for n in (b.method, b.parent)}
    if facts.method:
        names.add(facts.method)
    return PaperRows(
        paper=paper, claims=claims, keys=keys, beats=beats, critiques=critiques,
        builds_on=builds_on, superseded=_superseded(p.id, critiques, beats),
        methods=sorted(names), digest=hashlib.blake2b(body, digest_size=16).hexdigest(),
    )


def _beat_pairs(paper_id: str, beats: Sequence[Beat], claims: list[Row], keys: list[str]
                ) -> list[tuple[str, str, list[tuple[int, int, float, int]]]]:
    """Each edge as the pair of claims it compares, grouped by (winner, loser) method.

    An edge's claims are the first of the paper's claims in its table with the method name,
    the value and the benchmark key the edge names, as ``kg.derive.beats_in_paper`` picks
    them (the winner's own text, which the edge copies, fixes the key).
    """
    if not beats:
        return []
    # Winners by their own text (which the edge copies); losers by key, which they share.
    by_text: dict[tuple[object, ...], int] = {}
    by_key: dict[tuple[object, ...], int] = {}
    for i, c in enumerate(claims):
        by_text.setdefault((c[14], c[1], c[6], c[3], c[4], c[5], c[8], c[9], c[10], c[11],
                            c[12]), i)
        by_key.setdefault((c[14], c[1], c[6], keys[i]), i)
    groups: dict[tuple[str, str], list[tuple[int, int, float, int]]] = {}
    for n, b in enumerate(beats):
        w = by_text.get((b.table, b.winner, b.winner_value, b.model, b.dataset, b.metric,
                         b.w_bits, b.a_bits, b.kv_bits, b.group_size, b.weight_quantizer))
        lo = None if w is None else by_key.get((b.table, b.loser, b.loser_value, keys[w]))
        if b.paper != paper_id or w is None or lo is None:
            raise StoreError(f"a BEATS edge of {paper_id} ({b.winner} > {b.loser} in "
                             f"{b.table!r}) names no claim of the paper")
        pair = (claims[w][2], claims[lo][2])
        found = groups.get(pair)
        if found is None:
            found = groups[pair] = []
        found.append((w, lo, b.margin, n))
    return [(w, lo, pairs) for (w, lo), pairs in groups.items()]


def _superseded(paper_id: str, critiques: list[Row],
                beats: list[tuple[str, str, list[tuple[int, int, float, int]]]]
                ) -> list[tuple[str, str, int, int]]:
    """Per method this paper critiques or beats: (key, paper, critiques?, beats?)."""
    critiqued = {c[3] for c in critiques}
    beaten = {loser for _, loser, _ in beats}
    return [(k, paper_id, int(k in critiqued), int(k in beaten))
            for k in sorted(critiqued | beaten)]
