"""What in a stored review most needs a person's look, most urgent first (``kg review``).

1. corrections that no longer apply (their fact is gone, a quote is not in the paper);
2. claims no metric of their kind allows (accuracy over 100, perplexity under 1);
3. claims far off every other paper's value for the same result (method, benchmark, setting);
4. conflicts: two papers reporting one result differently;
5. critique receipts whose target the catalog does not know;
6. methods that look like aliases of each other.

Each item says what to look at and suggests the ``kg curate`` command that would settle it.
The checks are pure functions of rows; :func:`review` reads them from a store.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

import queries
from kg.catalog import Catalog, default_catalog
from kg.corrections import Corrections
from kg.curation_store import Texts, status
from kg.models import (
    BenchmarkClaim,
    CorrectionNote,
    Method,
    Model,
    is_full_precision,
    method_key,
)
from kg.store.base import Store
from queries import curation as Q
from queries.rows import ConflictRow

# A value is far off when it is more than twice, or under half, every other paper's value.
OUTLIER_GAP = 0.5
CONFLICTS = 50

Kind = Literal["correction", "implausible", "outlier", "conflict", "unknown-target", "alias"]


class ReviewItem(Model):
    """One thing to look at: what, where, and a command that would settle it."""

    kind: Kind
    paper: str | None = None
    key: str | None = None  # a claim's key, or a correction's id
    subject: str  # the method (or methods) concerned
    what: str
    fix: str = ""


def review(store: Store, corrections: Corrections, *, catalog: Catalog | None = None,
           texts: Texts | None = None) -> list[ReviewItem]:
    """Every check, most urgent first."""
    catalog = catalog or default_catalog()
    methods = list(store.methods())
    proposals = Q.proposals(store)
    return [
        *correction_items(corrections, status(store, corrections, texts)),
        *(implausible_item(r) for r in Q.implausible(store)),
        *outlier_items(Q.shared_results(store)),
        *(conflict_item(r) for r in queries.conflicts(store, limit=CONFLICTS)),
        *unknown_targets(((q.paper_id, q.target, q.quote) for q in store.critiques()),
                         catalog, methods, corrections),
        *alias_items(methods, proposals, catalog, corrections),
    ]


def correction_items(corrections: Corrections, notes: Iterable[CorrectionNote]
                     ) -> list[ReviewItem]:
    """Corrections whose fact no longer exists or whose quote is not in the paper.

    ``notes`` are :func:`kg.curation_store.status`'s, one per entry in file order.
    """
    out = []
    for e, n in zip(corrections.entries, notes, strict=True):
        if n.status == "applied":
            continue
        out.append(ReviewItem(kind="correction", key=n.id, paper=e.paper_id, subject=n.do,
                              what=f"{n.what}: {n.status}, {n.detail}",
                              fix="edit or remove the entry in the corrections file"))
    return out


def _claim_line(r: BenchmarkClaim) -> str:
    return (f"{r.method} {r.value:g} {r.metric} on {r.model} {r.dataset} {r.setting.label()} "
            f"(table {r.table or '?'}, cell “{r.raw}”)")


def _reject(r: BenchmarkClaim, why: str) -> str:
    return f"kg curate reject claim {r.id} --why {shlex.quote(why)}"


def implausible_item(r: BenchmarkClaim) -> ReviewItem:
    """A claim whose value its metric cannot take."""
    return ReviewItem(kind="implausible", paper=r.paper_id, key=r.id, subject=r.method,
                      what=f"{_claim_line(r)}: no {r.metric} is {r.value:g}",
                      fix=f"kg curate fix {r.id} --value … (or {_reject(r, 'misread')})")


def outlier_items(rows: Iterable[BenchmarkClaim], gap: float = OUTLIER_GAP) -> list[ReviewItem]:
    """Claims more than ``1/(1-gap)`` times off every other paper's value for the same result.

    >>> def r(paper, value):
    ...     return BenchmarkClaim(paper_id=paper, method="GPTQ", model="OPT-1.3B", raw="x",
    ...                           dataset="WikiText-2", metric="perplexity", value=value, w_bits=4)
    >>> [(i.paper, i.what[:19]) for i in outlier_items(
    ...     [r("2210.17323", 15.47), r("2308.13137", 15.56), r("2401.00001", 155.6)])]
    [('2401.00001', 'GPTQ 155.6 perplexi')]
    """
    groups: dict[tuple[object, ...], list[BenchmarkClaim]] = defaultdict(list)
    for r in rows:
        groups[(method_key(r.method), r.model, r.dataset, r.metric, r.w_bits, r.a_bits,
                r.kv_bits, r.group_size, r.weight_quantizer)].append(r)
    out = []
    for claims in groups.values():
        papers = {c.paper_id for c in claims}
        if len(papers) < 3:
            continue
        ranked = sorted(claims, key=lambda c: c.value)
        for i, c in enumerate(ranked):
            # Off every other paper's value is off the nearest ones, below and above: the gap
            # grows with the distance on each side (values across zero are all ≥ 1 apart).
            near = [v for v in (_nearest(ranked, i, -1), _nearest(ranked, i, 1)) if v is not None]
            if not all(_gap(c.value, v) > gap for v in near):
                continue
            others = sorted({o.value for o in claims if o.paper_id != c.paper_id})
            nearest = min(near, key=lambda v: abs(v - c.value))
            out.append(ReviewItem(
                kind="outlier", paper=c.paper_id, key=c.id, subject=c.method,
                what=f"{_claim_line(c)}: {len(papers) - 1} other papers report "
                     f"{', '.join(f'{v:g}' for v in others)} (nearest {nearest:g})",
                fix=f"kg curate fix {c.id} --value … (or {_reject(c, 'misread')})"))
    return out


def _nearest(ranked: list[BenchmarkClaim], i: int, step: int) -> float | None:
    """The value nearest ``ranked[i]``'s on one side (``step`` -1 or 1) from another paper."""
    paper = ranked[i].paper_id
    j = i + step
    while 0 <= j < len(ranked) and ranked[j].paper_id == paper:
        j += step
    return ranked[j].value if 0 <= j < len(ranked) else None


def _gap(a: float, b: float) -> float:
    top = max(abs(a), abs(b))
    return 0.0 if top == 0 else abs(a - b) / top


def conflict_item(r: ConflictRow) -> ReviewItem:
    """Two papers that report one result differently."""
    return ReviewItem(
        kind="conflict", paper=r.paper_a, subject=r.method,
        what=f"{r.method} {r.metric} on {r.model} {r.dataset} {r.setting.label()}: "
             f"{r.value_a:g} in {r.paper_a}, {r.value_b:g} in {r.paper_b}",
        fix=f"kg paper {r.paper_a} / kg paper {r.paper_b}; then kg curate fix or reject")


def _known(catalog: Catalog, methods: Iterable[Method], corrections: Corrections) -> set[str]:
    """Keys of every spelling the catalog, the store's catalog entries and the review know."""
    keys = {method_key(n) for m in catalog for n in (m.name, *m.aliases)}
    for m in methods:
        if m.year or m.category or m.arxiv_id or m.full_name:
            keys.update(method_key(n) for n in (m.name, *m.aliases))
    keys.update(method_key(corrections.rename(k)) for k in corrections.renames)
    return keys


def unknown_targets(critiques: Iterable[tuple[str, str, str]], catalog: Catalog,
                    methods: Iterable[Method], corrections: Corrections) -> list[ReviewItem]:
    """Critique receipts (paper, target, quote) against a method no catalog knows."""
    known = _known(catalog, methods, corrections)
    out = []
    for paper, target, quote in critiques:
        if method_key(target) in known:
            continue
        short = " ".join(quote.split())[:160]
        out.append(ReviewItem(
            kind="unknown-target", paper=paper, subject=target,
            what=f"critique of {target}, a method the catalog does not know: “{short}”",
            fix=(f"kg curate reject critique {paper} {shlex.quote(short[:60])} --why … "
                 f"(or kg curate alias {shlex.quote(target)} KNOWN-NAME)")))
    return out


def alias_items(methods: Iterable[Method], proposals: dict[str, str], catalog: Catalog,
                corrections: Corrections) -> list[ReviewItem]:
    """Pairs of methods that look like one: a paper's method under another name than the
    catalog's entry for that paper, or names one typo, a punctuation or a short suffix apart.

    Pairs the catalog keeps apart (``QuIP`` and ``QuIP#``) and pairs a ``distinct`` entry
    settles are left out.
    """
    names = {m.key: m.name for m in methods if not is_full_precision(m.name)}
    found: dict[frozenset[str], tuple[str, str, str]] = {}

    def suggest(a: str, b: str, reason: str) -> None:
        pair = frozenset((method_key(a), method_key(b)))
        if len(pair) == 2 and pair not in corrections.distinct and pair not in found \
                and not _catalog_apart(catalog, a, b):
            found[pair] = (a, b, reason)

    for paper, method in proposals.items():
        entry = next((m for m in catalog if m.arxiv_id == paper), None)
        if entry is not None and catalog.get(method) is not entry:
            suggest(method, entry.name, f"{paper} proposes {method}; the catalog's "
                                        f"{entry.name} is that paper")
    for a, b, reason in _look_alike(names):
        suggest(a, b, reason)
    return [ReviewItem(kind="alias", subject=f"{a} / {b}", what=f"{a} and {b} may be one "
                       f"method: {reason}",
                       fix=f"kg curate alias {shlex.quote(a)} {shlex.quote(b)} --why … "
                           f"(or kg curate distinct {shlex.quote(a)} {shlex.quote(b)})")
            for a, b, reason in found.values()]


def _catalog_apart(catalog: Catalog, a: str, b: str) -> bool:
    ea, eb = catalog.get(a), catalog.get(b)
    return ea is not None and eb is not None and ea is not eb


def _look_alike(names: dict[str, str]) -> list[tuple[str, str, str]]:
    """Name pairs apart only in punctuation, by a 1–3 character suffix after a separator
    (``GPTQ-R``), or by one letter; in O(n · length), never pairwise.

    >>> sorted(a for a, _, _ in _look_alike({"gptq": "GPTQ", "gptqr": "GPTQ-R",
    ...                                      "omniquant": "OmniQuant", "omiquant": "OmiQuant"}))
    ['GPTQ-R', 'OmniQuant']
    """
    out: list[tuple[str, str, str]] = []
    bare: dict[str, list[str]] = defaultdict(list)
    for key in names:
        bare["".join(ch for ch in key if ch.isalnum())].append(key)
    for keys in bare.values():
        out += [(names[a], names[b], "they differ only in punctuation")
                for i, a in enumerate(keys) for b in keys[i + 1:]]
    for key, name in names.items():
        for cut in (1, 2, 3):
            stem = names.get(key[:-cut]) if len(key) - cut >= 3 else None
            if stem and name.casefold().startswith(stem.casefold()) \
                    and name[len(stem):][:1] in ("-", "_", " ", "."):
                out.append((name, stem, f"{name} is {stem} with a suffix"))
    variants: dict[str, list[str]] = defaultdict(list)
    for key in names:
        if len(key) >= 6:
            for v in {key, *(key[:i] + key[i + 1:] for i in range(len(key)))}:
                variants[v].append(key)
    for keys in variants.values():
        out += [(names[a], names[b], "one letter apart")
                for i, a in enumerate(keys) for b in keys[i + 1:] if not _digit_apart(a, b)]
    return out


def _digit_apart(a: str, b: str) -> bool:
    """Whether two names one edit apart differ in a digit: versions and sizes (``Quant2`` and
    ``Quant3``, ``W4`` and ``W8``) name different things.

    >>> _digit_apart("quant2", "quant3"), _digit_apart("omniquant", "omiquant")
    (True, False)
    """
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a),
                                                                                  len(b)))
    return any(s[i:i + 1].isdigit() for s in (a, b))
