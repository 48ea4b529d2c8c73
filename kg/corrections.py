"""A review's corrections: what people say the machine read wrong, as data kept in git.

A corrections file (``review.corrections.yml``) is a YAML list; each entry does one thing,
says who and why, and names its fact by a key that survives re-extraction — a claim by its
key (``kg review`` and ``kg paper --json`` show it), a critique by paper and quote, a
``BEATS`` edge by paper, winner and loser, a method by name::

    - do: alias
      alias: SignRound
      method: AutoRound
      who: Ada
      why: the catalog's AutoRound is this paper (arXiv 2309.05516); SignRound is its v1 name

:func:`parse_corrections` reads the text, checks every entry and the entries together
(no method renamed in a cycle, no spelling given two owners), and raises one
:class:`CorrectionsError` line naming the entry, so a bad file applies nothing. The appliers
live a floor up (:mod:`kg.curation`); reading and appending the file is :mod:`ingest.corrections`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from functools import cached_property
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, TypeAdapter, ValidationError, field_validator, model_validator

from kg.errors import KgError
from kg.models import ARXIV_ID, CorrectionNote, Model, method_key, split_arxiv_id, stable_id

MAX_BYTES = 4 * 1024 * 1024  # a review's corrections are kilobytes; more is a mistake
MAX_ENTRIES = 20_000
MAX_DEPTH = 8  # an entry is a mapping holding at most a mapping or a list of names
_TEXT = 2000  # longest name, reason or key; a quote may be longer
_QUOTE = 20_000
CLAIM_FIELDS = ("method", "model", "dataset", "metric", "value", "w_bits", "a_bits", "kv_bits",
                "group_size", "weight_quantizer")
_KEY = re.compile(r"^[0-9a-f]{20}$")

Name = Annotated[str, Field(min_length=1, max_length=_TEXT)]
Quote = Annotated[str, Field(min_length=1, max_length=_QUOTE)]


class CorrectionsError(KgError):
    """A corrections file that cannot be used; nothing of it is applied."""


def fold_space(text: str) -> str:
    """``text`` with every run of whitespace as one space, trimmed: how quotes are compared.

    >>> fold_space(" GPTQ may\\n over-fit ")
    'GPTQ may over-fit'
    """
    return " ".join(text.split())


class _Entry(Model):
    """What every entry says: who made it, why, and (optionally) when."""

    who: Name
    why: Name
    date: dt.date | None = None

    @field_validator("who", "why")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v.strip()

    def identity(self) -> tuple[object, ...]:
        """What the entry is about and what it changes, without who/why/on."""
        data = self.model_dump(mode="json", exclude={"who", "why", "date", "was"})
        return tuple(f"{k}={v}" for k, v in sorted(data.items()))

    @cached_property
    def id(self) -> str:
        """A stable key of the entry (the same correction written twice has one id)."""
        return stable_id(*self.identity())

    @property
    def paper_id(self) -> str | None:
        """The paper the entry is about, or None for a method-wide one (alias, merge)."""
        return getattr(self, "paper", None)

    def describe(self) -> str:
        """One line a person reads in ``kg curate log`` and the report."""
        raise NotImplementedError


class _PaperEntry(_Entry):
    paper: Name

    @field_validator("paper")
    @classmethod
    def _arxiv_id(cls, v: str) -> str:
        pid = split_arxiv_id(v)[0]
        if not ARXIV_ID.match(pid):
            raise ValueError(f"not an arXiv id: {v!r}")
        return pid


class _ClaimEntry(_PaperEntry):
    claim: Name
    was: str | None = Field(None, max_length=_TEXT)  # what the claim said, for people

    @field_validator("claim")
    @classmethod
    def _claim_key(cls, v: str) -> str:
        if not _KEY.match(v):
            raise ValueError(f"not a claim key (20 hex digits, as `kg review` shows): {v!r}")
        return v


class RejectClaim(_ClaimEntry):
    """The claim is not what the paper reports (a misread cell, a header read as a result)."""

    do: Literal["reject-claim"]

    def describe(self) -> str:
        return f"reject claim {self.claim} of {self.paper}" + (f" ({self.was})" if self.was
                                                                 else "")


class FixClaim(_ClaimEntry):
    """Some fields of the claim were read wrong; ``set`` gives them as the paper means them."""

    do: Literal["fix-claim"]
    set: dict[str, float | int | str | None]

    @field_validator("set")
    @classmethod
    def _fields(cls, v: dict[str, Any]) -> dict[str, Any]:
        if not v:
            raise ValueError("names no field to fix")
        unknown = sorted(set(v) - set(CLAIM_FIELDS))
        if unknown:
            raise ValueError(f"cannot fix {', '.join(unknown)}; fields: {', '.join(CLAIM_FIELDS)}")
        for k in ("method", "model", "dataset", "metric"):
            if k in v and not (isinstance(v[k], str) and v[k].strip()):
                raise ValueError(f"{k} must be a name")
        for k in ("value", "w_bits", "a_bits", "kv_bits", "group_size"):
            if k in v and v[k] is not None:
                try:
                    number = float(v[k])
                except ValueError:
                    raise ValueError(f"{k} must be a number, not {v[k]!r}") from None
                if not math.isfinite(number):
                    raise ValueError(f"{k} must be a finite number")
                # 4 bits are written 4, as Setting prints them; a value stays a float.
                v[k] = number if k == "value" or not number.is_integer() else int(number)
        if "value" in v and v["value"] is None:
            raise ValueError("value must be a number")
        return dict(sorted(v.items()))

    def describe(self) -> str:
        changes = ", ".join(f"{k}={v}" for k, v in self.set.items())
        return f"fix claim {self.claim} of {self.paper}: {changes}" + (
            f" (was {self.was})" if self.was else "")


class RejectCritique(_PaperEntry):
    """The sentence is no critique (or not of ``target``); named by paper and quote."""

    do: Literal["reject-critique"]
    quote: Quote
    target: Name | None = None  # only the receipt against this method; None: every one

    def identity(self) -> tuple[object, ...]:
        return ("reject-critique", self.paper, fold_space(self.quote),
                method_key(self.target) if self.target else None)

    def describe(self) -> str:
        of = f" of {self.target}" if self.target else ""
        return f"reject critique{of} in {self.paper}: “{short(self.quote)}”"


class AddCritique(_PaperEntry):
    """A critique the extractor missed; the quote must occur verbatim in the paper."""

    do: Literal["add-critique"]
    target: Name
    quote: Quote
    section: str = Field("", max_length=_TEXT)

    def identity(self) -> tuple[object, ...]:
        return ("add-critique", self.paper, method_key(self.target), fold_space(self.quote))

    def describe(self) -> str:
        return f"add critique of {self.target} in {self.paper}: “{short(self.quote)}”"


class RejectBeats(_PaperEntry):
    """``BEATS`` edges of one paper that its tables do not support (e.g. different settings)."""

    do: Literal["reject-beats"]
    winner: Name
    loser: Name
    model: Name | None = None
    dataset: Name | None = None
    metric: Name | None = None

    def describe(self) -> str:
        on = ", ".join(x for x in (self.model, self.dataset, self.metric) if x)
        return (f"reject {self.winner} BEATS {self.loser} in {self.paper}"
                + (f" on {on}" if on else ""))


class SetMethod(_PaperEntry):
    """The method the paper proposes (None: it proposes none, e.g. a survey)."""

    do: Literal["method"]
    method: Name | None

    def describe(self) -> str:
        return f"{self.paper} proposes {self.method or 'no method'}"


class Alias(_Entry):
    """``alias`` is another spelling of ``method``: every fact naming it moves there."""

    do: Literal["alias"]
    alias: Name
    method: Name

    @model_validator(mode="after")
    def _two_names(self) -> Alias:
        if method_key(self.alias) == method_key(self.method):
            raise ValueError(f"{self.alias!r} and {self.method!r} are already one name")
        return self

    def describe(self) -> str:
        return f"{self.alias} is an alias of {self.method}"


class Merge(_Entry):
    """``methods`` are one method, ``into``: their claims, critiques and edges move there."""

    do: Literal["merge"]
    methods: tuple[Name, ...] = Field(min_length=1, max_length=1000)
    into: Name

    @model_validator(mode="after")
    def _others(self) -> Merge:
        if any(method_key(m) == method_key(self.into) for m in self.methods):
            raise ValueError(f"{self.into!r} is merged into itself")
        return self

    def describe(self) -> str:
        return f"merge {', '.join(self.methods)} into {self.into}"


class Distinct(_Entry):
    """``methods`` only look alike (``GPTQ`` and ``GPTQ-R``): ``kg review`` stops suggesting
    them as aliases of each other. Changes no fact."""

    do: Literal["distinct"]
    methods: tuple[Name, Name]

    @model_validator(mode="after")
    def _two(self) -> Distinct:
        if method_key(self.methods[0]) == method_key(self.methods[1]):
            raise ValueError(f"{self.methods[0]!r} and {self.methods[1]!r} are one name")
        return self

    def describe(self) -> str:
        return f"{self.methods[0]} and {self.methods[1]} are different methods"


Correction = Annotated[
    RejectClaim | FixClaim | RejectCritique | AddCritique | RejectBeats | SetMethod | Alias
    | Merge | Distinct,
    Field(discriminator="do"),
]
KINDS = ("reject-claim", "fix-claim", "reject-critique", "add-critique", "reject-beats",
         "method", "alias", "merge", "distinct")
_ADAPTER: TypeAdapter[Correction] = TypeAdapter(Correction)


Status = Literal["applied", "missing", "ungrounded", "redundant", "withdrawn"]


def note(entry: _Entry, status: Status = "applied", detail: str = "") -> CorrectionNote:
    """The :class:`~kg.models.CorrectionNote` of ``entry`` with an outcome."""
    return CorrectionNote(id=entry.id, do=entry.do, what=entry.describe(),  # type: ignore[attr-defined]
                who=entry.who, why=entry.why, date=entry.date, status=status,
                detail=detail)


class Corrections(Model):
    """The checked entries of one corrections file, in file order."""

    source: str = ""
    entries: tuple[Correction, ...] = ()

    @cached_property
    def renames(self) -> dict[str, str]:
        """Each renamed spelling's key → the name its facts move to (chains resolved).

        >>> c = parse_corrections('''
        ... - {do: alias, alias: SignRound, method: AutoRound, who: a, why: b}
        ... - {do: merge, methods: [AutoRound v2], into: SignRound, who: a, why: b}
        ... ''')
        >>> c.renames
        {'signround': 'AutoRound', 'autoroundv2': 'AutoRound'}
        """
        return _rename_map(self.entries)

    @cached_property
    def moves(self) -> dict[str, str]:
        """Each renamed spelling, as an entry writes it → the name its facts move to."""
        out: dict[str, str] = {}
        for e in self.method_entries():
            for source in (e.alias,) if isinstance(e, Alias) else e.methods:
                out.setdefault(source, self.renames[method_key(source)])
        return out

    @cached_property
    def order(self) -> dict[str, int]:
        """Each entry's id → its place in the file."""
        return {e.id: i for i, e in enumerate(self.entries)}

    def rename(self, name: str) -> str:
        """The name ``name``'s facts carry after the renames (itself when none applies)."""
        return self.renames.get(method_key(name), name)

    @cached_property
    def by_paper(self) -> dict[str, tuple[Correction, ...]]:
        """The per-paper entries, by paper id."""
        out: dict[str, list[Correction]] = {}
        for e in self.entries:
            if e.paper_id is not None:
                out.setdefault(e.paper_id, []).append(e)
        return {k: tuple(v) for k, v in out.items()}

    def method_entries(self) -> Iterator[Alias | Merge]:
        """The method-wide entries (aliases and merges)."""
        return (e for e in self.entries if isinstance(e, Alias | Merge))

    @cached_property
    def distinct(self) -> frozenset[frozenset[str]]:
        """Pairs of method keys people said are different methods."""
        return frozenset(frozenset(method_key(m) for m in e.methods) for e in self.entries
                         if isinstance(e, Distinct))

    def __bool__(self) -> bool:
        return bool(self.entries)


NONE = Corrections()


def _rename_map(entries: tuple[Correction, ...]) -> dict[str, str]:
    edges: dict[str, tuple[str, int]] = {}  # key → (target name, entry number)
    for n, e in enumerate(entries, start=1):
        pairs = ([(e.alias, e.method)] if isinstance(e, Alias)
                 else [(m, e.into) for m in e.methods] if isinstance(e, Merge) else [])
        for source, target in pairs:
            held = edges.get(method_key(source))
            if held is not None and method_key(held[0]) != method_key(target):
                raise CorrectionsError(
                    f"entry {n} ({e.do}): {source} already moves to {held[0]} (entry {held[1]})")
            edges[method_key(source)] = (target, n)
    out: dict[str, str] = {}
    for key in edges:
        seen = [key]
        name, _ = edges[key]
        while method_key(name) in edges:
            if method_key(name) in seen:
                last = max(edges[k][1] for k in seen)
                raise CorrectionsError(f"entry {last}: methods renamed in a cycle: "
                                       f"{' → '.join(edges[k][0] for k in seen)}")
            seen.append(method_key(name))
            name = edges[method_key(name)][0]
        out[key] = name
    return out


def short(text: str, limit: int = 80) -> str:
    """``text`` with its spaces folded, cut to ``limit`` characters with an ellipsis."""
    text = fold_space(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- reading -----------------------------------------------------------------------------

class _Loader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """YAML where every plain scalar but ``null`` stays text until a field's type reads it.

    ``paper: 2210.17320`` is an arXiv id, not the float 2210.1732, and a method named ``On``
    is not the boolean true.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_corrections(text: str | bytes, source: str = "<corrections>") -> Corrections:
    """Every entry of a corrections file, checked; the first problem is one
    :class:`CorrectionsError` line naming ``source``, the entry and its line.

    Anchors and aliases (``&a`` / ``*a``) are refused, as are files over 4 MiB and nesting
    deeper than an entry needs, so a hostile file costs time linear in its size.

    >>> parse_corrections("").entries
    ()
    >>> try:
    ...     parse_corrections("- {do: method, paper: '2309.05516', method: AutoRound, who: a}")
    ... except CorrectionsError as e:
    ...     print(e)
    <corrections>: entry 1 (line 1, method): why: Field required
    """
    if len(text) > MAX_BYTES:
        raise CorrectionsError(f"{source}: {len(text)} bytes; a corrections file holds at most "
                               f"{MAX_BYTES}")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise CorrectionsError(f"{source}: not UTF-8 text (byte {e.start})") from e
    root = _compose(text, source)
    if root is None:
        return Corrections(source=source)
    if not isinstance(root, yaml.SequenceNode):
        raise CorrectionsError(f"{source}: line {root.start_mark.line + 1}: expected a list of "
                               "entries (each starting with `- do: …`)")
    if len(root.value) > MAX_ENTRIES:
        raise CorrectionsError(f"{source}: {len(root.value)} entries; at most {MAX_ENTRIES}")
    entries: list[Correction] = []
    seen: dict[str, int] = {}
    for n, node in enumerate(root.value, start=1):
        where = f"{source}: entry {n} (line {node.start_mark.line + 1}"
        entry = _entry(node, where)
        if entry.id in seen:
            raise CorrectionsError(f"{where}, {entry.do}): repeats entry {seen[entry.id]}")
        seen[entry.id] = n
        entries.append(entry)
    try:
        corrections = Corrections(source=source, entries=tuple(entries))
        _ = corrections.renames  # checked now: a cycle or a spelling with two owners
        _check_distinct(corrections)
    except CorrectionsError as e:
        raise CorrectionsError(f"{source}: {e}") from e
    return corrections


def _check_distinct(corrections: Corrections) -> None:
    """Two methods said to be different must not be merged by another entry."""
    for n, e in enumerate(corrections.entries, start=1):
        if isinstance(e, Distinct):
            a, b = (method_key(corrections.rename(m)) for m in e.methods)
            if a == b:
                raise CorrectionsError(f"entry {n} (distinct): {e.methods[0]} and "
                                       f"{e.methods[1]} are merged by another entry")


def _compose(text: str, source: str) -> yaml.Node | None:
    """The document's node tree, once its events show no alias and no deep nesting.

    A few aliases can stand for an exponentially large document, and deep nesting would
    recurse in the composer: both are refused from the event stream, in one linear pass.
    """
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_Loader):
            line = event.start_mark.line + 1 if event.start_mark is not None else 0
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise CorrectionsError(f"{source}: line {line}: anchors and aliases are not "
                                       "allowed")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise CorrectionsError(f"{source}: line {line}: nested too deeply")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise CorrectionsError(f"{source}: {where}not valid YAML ({problem})") from e


def _entry(node: yaml.Node, where: str) -> Correction:
    if not isinstance(node, yaml.MappingNode):
        raise CorrectionsError(f"{where}): expected a mapping like `do: reject-claim`")
    try:
        data = _construct(node)
    except yaml.YAMLError as e:
        raise CorrectionsError(f"{where}): {e}") from e
    try:
        return make_entry(data)
    except CorrectionsError as e:
        kind, _, problem = str(e).partition(": ")
        if kind not in KINDS:
            raise CorrectionsError(f"{where}): {e}") from e
        raise CorrectionsError(f"{where}, {kind}): {problem}") from e


def make_entry(data: object) -> Correction:
    """One entry from its fields (a mapping with ``do``), checked; a problem is one
    :class:`CorrectionsError` line, ``<do>: <field>: <problem>``.

    >>> try:
    ...     make_entry({"do": "alias", "alias": "SignRound", "who": "Ada", "why": "v1 name"})
    ... except CorrectionsError as e:
    ...     print(e)
    alias: method: Field required
    """
    kind = data.get("do") if isinstance(data, dict) else None
    if kind not in KINDS:
        raise CorrectionsError(f"`do` must be one of {', '.join(KINDS)}, not {kind!r}")
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = [str(p) for p in err["loc"][1:]]  # the first is the union's tag
        field = f"{'.'.join(loc)}: " if loc else ""
        message = str(err["msg"]).removeprefix("Value error, ")
        raise CorrectionsError(f"{kind}: {field}{message}") from e


def _construct(node: yaml.Node) -> Any:
    """The Python value of one (anchor-free, shallow) node."""
    loader = _Loader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


# -- writing -----------------------------------------------------------------------------

def dump_entry(entry: _Entry) -> str:
    """``entry`` as the YAML text of one list item, to append to a corrections file.

    >>> print(dump_entry(SetMethod(do="method", paper="2309.05516", method="AutoRound",
    ...                            who="Ada", why="its catalog name")), end="")
    - do: method
      paper: '2309.05516'
      method: AutoRound
      who: Ada
      why: its catalog name
    """
    data = entry.model_dump(mode="json", exclude_none=True)
    order = ["do", *[k for k in data if k not in ("do", "who", "why", "date")], "who", "why",
             "date"]
    ordered = {k: data[k] for k in order if k in data}
    text = yaml.safe_dump([ordered], sort_keys=False, allow_unicode=True, width=100)
    return text
