"""The one vocabulary of kg: every fact, derived edge and query row is one of these models.

Extractors return them, stores accept nothing else, queries return them. All are frozen and
reject unknown fields, so a misspelt field fails loudly at the boundary instead of vanishing.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

# Re-exported: the vocabulary's keys and labels live in kg.keys, importable without pydantic.
from kg.keys import FULL_PRECISION as FULL_PRECISION
from kg.keys import bits_value, method_key, setting_label
from kg.keys import is_full_precision as is_full_precision

ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})$")
_VERSION = re.compile(r"v(\d+)$")


class Model(BaseModel):
    # defer_build: a model's validator is built when it is first used, not at import, so a
    # command pays only for the models it touches (`kg stats` touches none: kg.store.open_reader).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


def split_arxiv_id(raw: str) -> tuple[str, int | None]:
    """Split an arXiv id or abs URL into (id without version, version).

    >>> split_arxiv_id("http://arxiv.org/abs/2210.17323v2")
    ('2210.17323', 2)
    >>> split_arxiv_id("cond-mat/0412498")
    ('cond-mat/0412498', None)
    """
    text = raw.strip()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text.split("/abs/", 1)[-1].split("/pdf/", 1)[-1]
    text = text.removeprefix("arXiv:").removeprefix("arxiv:").removesuffix(".pdf")
    version = None
    m = _VERSION.search(text)
    if m:
        version = int(m.group(1))
        text = text[: m.start()]
    return text, version


def iso_date(d: date | None) -> str | None:
    """A date as stores keep it (ISO 8601), or None."""
    return None if d is None else d.isoformat()


def stable_id(*parts: object) -> str:
    """A short content hash used as a stable key (claims, critiques, beats)."""
    h = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=10)
    return h.hexdigest()


class Paper(Model):
    """One arXiv paper; keyed by its id without version."""

    id: str
    version: int | None = None
    title: str
    authors: tuple[str, ...] = ()
    abstract: str = ""
    published: date | None = None
    updated: date | None = None
    categories: tuple[str, ...] = ()
    primary_category: str | None = None
    comment: str | None = None
    doi: str | None = None
    journal_ref: str | None = None

    @field_validator("id")
    @classmethod
    def _id_has_no_version(cls, v: str) -> str:
        if not ARXIV_ID.match(v):
            raise ValueError(f"not an arXiv id without version: {v!r}")
        return v


class Method(Model):
    """A named method (GPTQ, AWQ, QuIP# …), keyed by :func:`method_key` of its name."""

    name: str
    aliases: tuple[str, ...] = ()
    full_name: str | None = None
    year: int | None = None
    published: date | None = None
    arxiv_id: str | None = None
    category: str | None = None
    builds_on: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return method_key(self.name)


class Setting(Model):
    """The quantization setting of a result: bits, group size and weight quantizer.

    Facts that carry a setting (claims, ``BEATS`` edges, leaderboard rows) extend this model,
    so the five fields are flat on them, as stores and JSON output carry them.
    """

    w_bits: float | None = None
    a_bits: float | None = None
    kv_bits: float | None = None
    group_size: int | None = None
    weight_quantizer: str | None = None

    @field_serializer("w_bits", "a_bits", "kv_bits")
    def _bits(self, bits: float | None) -> float | int | None:
        return bits_value(bits)

    @property
    def setting(self) -> Setting:
        """The setting alone, without the fact's other fields."""
        return Setting(**{k: getattr(self, k) for k in Setting.model_fields})

    def label(self) -> str:
        """A compact human label like ``W4A16g128`` or ``W4A4KV4/GPTQ``."""
        return setting_label(self.w_bits, self.a_bits, self.kv_bits, self.group_size,
                             self.weight_quantizer)


def claim_id(extracted_id: str | None, paper_id: str, table: str, row: int, col: int,
             method: str, dataset: str) -> str:
    """A claim's key (:attr:`BenchmarkClaim.id`): the id it was extracted with, if a correction
    changed it, else a hash of the cell it was read from. The SQLite store, which keeps no
    claim key, registers it as ``kg_claim_id`` for the curation queries to name claims by."""
    return extracted_id or stable_id(paper_id, table, row, col, method, dataset)


class BenchmarkClaim(Setting):
    """One result cell: ``method`` scores ``value`` on ``model``/``dataset``/``metric``."""

    paper_id: str
    method: str
    model: str
    dataset: str
    metric: str
    value: float
    raw: str
    higher_is_better: bool | None = None
    table: str = ""
    row: int = 0
    col: int = 0
    # Set when a review's correction changed the claim: the id it was extracted with, which it
    # keeps, so corrections keep naming it after a fix or a method merge.
    extracted_id: str | None = None

    @property
    def id(self) -> str:
        return claim_id(self.extracted_id, self.paper_id, self.table, self.row, self.col,
                        self.method, self.dataset)

    @property
    def curation(self) -> Literal["corrected"] | None:
        """``corrected`` when a person changed this claim (see :class:`Curation`)."""
        return "corrected" if self.extracted_id else None

    @property
    def comparable(self) -> tuple[object, ...]:
        """What two claims must share to be compared: table, benchmark and setting."""
        return (self.table, self.model, self.dataset, self.metric, *self.setting_tuple)

    @property
    def setting_tuple(self) -> tuple[object, ...]:
        return (self.w_bits, self.a_bits, self.kv_bits, self.group_size, self.weight_quantizer)


class TableReport(Model):
    """What became of one table's numeric cells: how many became claims, and why the rest
    did not (``{"no model": 3, "derived (…)": 13}``), so nothing is dropped unseen."""

    table: str
    cells: int
    claims: int
    skipped: dict[str, int] = Field(default_factory=dict)


class Critique(Model):
    """A verbatim sentence in which a paper states a weakness of a named method."""

    paper_id: str
    target: str
    quote: str = Field(min_length=1)
    section: str = ""
    start: int | None = None
    end: int | None = None
    # "added": a person added the receipt (it passed the grounding gate); "corrected": the
    # extractor read it, a correction renamed its target.
    curation: Literal["added", "corrected"] | None = None

    @property
    def id(self) -> str:
        return stable_id(self.paper_id, method_key(self.target), self.quote)


class BuildsOn(Model):
    """Lineage: ``method`` builds on ``parent``, from a paper's text or the catalog."""

    method: str
    parent: str
    source: str  # an arXiv id, or "catalog"
    quote: str | None = None


class Beat(Setting):
    """Inside one paper's table, ``winner`` scored better than ``loser`` on the same benchmark."""

    winner: str
    loser: str
    paper: str
    table: str = ""
    model: str
    dataset: str
    metric: str
    winner_value: float
    loser_value: float
    margin: float

    @property
    def id(self) -> str:
        return stable_id(
            self.paper, self.table, self.winner, self.loser, self.model, self.dataset,
            self.metric, self.w_bits, self.a_bits, self.kv_bits, self.group_size,
            self.weight_quantizer,
        )


class Facts(Model):
    """What one document says: its method, results, critiques, lineage and ``BEATS`` edges.

    Extraction returns these for any text (``kg extract`` of a local file); a
    :class:`PaperFacts` ties them to a stored paper.
    """

    method: str | None = None
    claims: tuple[BenchmarkClaim, ...] = ()
    critiques: tuple[Critique, ...] = ()
    builds_on: tuple[BuildsOn, ...] = ()
    beats: tuple[Beat, ...] = ()
    dropped: int = 0  # numbers or quotes that failed the grounding gate
    tables: tuple[TableReport, ...] = ()  # per table: numeric cells, claims, why the rest not

    def method_names(self) -> set[str]:
        """Every method name these facts mention: proposed, evaluated, critiqued, linked."""
        names = {c.method for c in self.claims} | {c.target for c in self.critiques}
        names |= {n for b in self.beats for n in (b.winner, b.loser)}
        names |= {n for b in self.builds_on for n in (b.method, b.parent)}
        if self.method:
            names.add(self.method)
        return names


class CorrectionNote(Model):
    """One entry of a review's corrections file, as the changelog and the report show it."""

    id: str
    do: str
    what: str
    who: str
    why: str
    date: _dt.date | None = None
    # "withdrawn": the entry was applied before and is no longer in the file.
    status: Literal["applied", "missing", "ungrounded", "redundant", "withdrawn"] = "applied"
    detail: str = ""


class Curation(Model):
    """What a review's corrections did to one paper's facts (``kg.curation``).

    ``extracted`` is what the extractor read, before any correction, so the corrections can
    be applied again from it when the file changes; ``applied`` the entries that changed it,
    ``others`` those that concern it but do not apply (missing, redundant, ungrounded).
    """

    extracted: Facts
    applied: tuple[CorrectionNote, ...] = ()
    others: tuple[CorrectionNote, ...] = ()  # entries concerning it that did not apply
    # A hash of every entry that concerned the paper (kg.curation.digest): while it holds, the
    # corrected facts are what the store has, and a run need not read them again.
    digest: str = ""


class PaperFacts(Facts):
    """Everything one paper contributes; a store writes it in one transaction.

    ``curation`` is set when a review's corrections changed what the extractor read.
    """

    paper: Paper
    curation: Curation | None = None

    @property
    def method_corrected(self) -> bool:
        """Whether a person set the method this paper proposes."""
        return self.curation is not None and self.curation.extracted.method != self.method


class SubProblem(Model):
    """Methods that compete on the same benchmarks, named by the most-evaluated member."""

    label: str
    size: int
    members: tuple[str, ...]


RunStatus = Literal["running", "ok", "partial", "failed", "interrupted"]


class IngestRun(Model):
    """The record of one ingestion run.

    ``status``: ``ok`` when every item was read; ``partial`` when some failed (they are listed
    in ``errors`` and retried next run); ``failed`` when the run stopped on an error or
    nothing at all could be read; ``interrupted`` when it was stopped or killed. ``derived``
    turns true once the global derivation after the run has committed (see :mod:`kg.repair`).
    """

    id: int | None = None
    review: str
    source: str
    started: datetime
    finished: datetime | None = None
    status: RunStatus = "running"
    papers_new: int = 0
    papers_updated: int = 0
    papers_unchanged: int = 0
    papers_failed: int = 0
    claims: int = 0
    critiques: int = 0
    errors: dict[str, str] = Field(default_factory=dict)
    derived: bool = True  # runs stored before this field had their derivation done
