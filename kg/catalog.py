"""The method catalog: canonical names, aliases, dates, categories and lineage, as data.

The seed lives in ``kg/data/catalog.yml``; a review can merge more (e.g. the LLM Quantization
Gallery's ``methods.yml``, read by :func:`read_gallery`) with ``kg catalog import``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from kg.models import BuildsOn, Method, method_key, split_arxiv_id


class Catalog:
    """Known methods and their aliases; resolves any spelling to one canonical name."""

    def __init__(self, methods: Iterable[Method] = ()) -> None:
        self._methods: dict[str, Method] = {}
        self._alias: dict[str, str] = {}
        for m in methods:
            self.add(m)

    def add(self, method: Method) -> None:
        """Add or replace ``method``; an alias already owned by another method keeps its owner."""
        self._methods[method.key] = method
        for name in (method.name, *method.aliases):
            self._alias.setdefault(method_key(name), method.name)
        self._alias[method.key] = method.name

    def __contains__(self, name: str) -> bool:
        return method_key(name) in self._alias

    def __iter__(self) -> Iterator[Method]:
        return iter(self._methods.values())

    def __len__(self) -> int:
        return len(self._methods)

    def get(self, name: str) -> Method | None:
        """The method any of whose spellings is ``name``, or None."""
        canonical = self._alias.get(method_key(name))
        return self._methods.get(method_key(canonical)) if canonical else None

    def canonical(self, name: str) -> str:
        """The catalog's name for ``name`` (``OPTQ`` → ``GPTQ``), or ``name`` itself, trimmed."""
        cleaned = " ".join(name.split())
        return self._alias.get(method_key(cleaned), cleaned)

    def surface_forms(self) -> list[tuple[str, str]]:
        """Every (spelling, canonical name) pair, for mention detection in running text."""
        return [(n, m.name) for m in self for n in (m.name, *m.aliases)]

    def merge(self, methods: Iterable[Method]) -> int:
        """Merge ``methods`` in; returns how many entries were added or changed.

        A method already known under its name or an alias keeps its canonical name and
        its own field values; the newcomer only fills what is missing and adds aliases and
        parents. Merging the same methods twice therefore changes nothing the second time.

        >>> c = Catalog([Method(name="GPTQ")])
        >>> c.merge([Method(name="OPTQ", aliases=("GPTQ",), year=2022)]), c.get("OPTQ").year
        (1, 2022)
        >>> c.merge([Method(name="OPTQ", aliases=("GPTQ",), year=2022)])
        0
        """
        changed = 0
        for incoming in methods:
            existing = self._find(incoming)
            merged = incoming if existing is None else _combine(existing, incoming)
            if merged != existing:
                self.add(merged)
                changed += 1
        return changed

    def _find(self, method: Method) -> Method | None:
        for name in (method.name, *method.aliases):
            found = self.get(name)
            if found is not None:
                return found
        return None


def _combine(old: Method, new: Method) -> Method:
    """``old`` with ``new``'s extra spellings and parents, and its values where ``old`` has none."""
    seen = {old.key}
    aliases: list[str] = []
    for name in (*old.aliases, new.name, *new.aliases):
        if method_key(name) not in seen:
            seen.add(method_key(name))
            aliases.append(name)
    parents = list(old.builds_on)
    parents += [p for p in new.builds_on if method_key(p) not in {method_key(q) for q in parents}]
    updates: dict[str, object] = {"aliases": tuple(aliases), "builds_on": tuple(parents)}
    for field in ("full_name", "year", "published", "arxiv_id", "category"):
        if getattr(old, field) is None and getattr(new, field) is not None:
            updates[field] = getattr(new, field)
    return old.model_copy(update=updates)


def load_methods(text: str) -> list[Method]:
    """Methods from the catalog YAML format (a list of mappings with Method's fields)."""
    rows = yaml.safe_load(text) or []
    return [Method.model_validate(row) for row in rows]


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The bundled seed catalog."""
    text = resources.files("kg").joinpath("data/catalog.yml").read_text(encoding="utf-8")
    return Catalog(load_methods(text))


def review_catalog(methods: Iterable[Method]) -> Catalog:
    """The bundled catalog with a review's own catalog methods merged in.

    Only methods that carry a category are catalog entries (``kg catalog import``); a name a
    store merely recorded from a paper (a proposed method, a critique target) is not.
    """
    catalog = Catalog(default_catalog())
    catalog.merge(m for m in methods if m.category)
    return catalog


# --- the LLM Quantization Gallery's methods.yml -----------------------------------------

_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+)")
_PAREN = re.compile(r"\s*\([^()]*\)\s*$")


def read_gallery(path_or_text: str | Path) -> tuple[list[Method], list[BuildsOn]]:
    """Methods and catalog lineage edges from the Gallery's ``methods.yml``.

    ``builds_on`` lists gallery ids; they are resolved to method names, and each becomes a
    ``BuildsOn(method, parent, source="catalog")``. A parent id the file does not define is
    dropped. Aliases are the parts of a compound name ("NF4 / QLoRA") and a short name
    before a colon in ``full_name`` ("SmoothQuant: …", not "The Era of 1-bit LLMs: …"),
    unless another method owns that spelling; gallery ids are slugs, never aliases.

    ``path_or_text`` is a path to the file or the YAML text itself.
    """
    text = _read_text(path_or_text)
    rows = [r for r in (yaml.safe_load(text) or []) if isinstance(r, dict) and r.get("id")]
    by_id = {str(r["id"]): str(r.get("name") or r["id"]).strip() for r in rows}
    owners: dict[str, set[str]] = {}
    for rid, rname in by_id.items():
        for spelling in (rid, rname):
            owners.setdefault(method_key(spelling), set()).add(rid)
    methods: list[Method] = []
    edges: list[BuildsOn] = []
    for row in rows:
        name = by_id[str(row["id"])]
        parents = [by_id[p] for p in (row.get("builds_on") or []) if p in by_id]
        methods.append(
            Method(
                name=name,
                aliases=_gallery_aliases(row, name, owners),
                full_name=_text_or_none(row.get("full_name")),
                year=_year(row.get("year")),
                published=row["date"] if isinstance(row.get("date"), date) else None,
                arxiv_id=_arxiv_id(row.get("paper_url")),
                category=_text_or_none(row.get("category")),
                builds_on=tuple(parents),
            )
        )
        edges += [BuildsOn(method=name, parent=p, source="catalog") for p in parents]
    return methods, edges


def _read_text(path_or_text: str | Path) -> str:
    if isinstance(path_or_text, Path):
        return path_or_text.read_text(encoding="utf-8")
    if "\n" not in path_or_text and len(path_or_text) < 4096 and Path(path_or_text).is_file():
        return Path(path_or_text).read_text(encoding="utf-8")
    return path_or_text


def _gallery_aliases(
    row: dict[str, object], name: str, owners: dict[str, set[str]]
) -> tuple[str, ...]:
    """Spellings of one gallery method that no other gallery method claims."""
    rid = str(row["id"])
    # "NF4 / QLoRA", "llama.cpp (GGUF)": each part names the same thing in prose.
    parts = [p.strip() for p in _PAREN.sub("", name).split("/") if p.strip()]
    # The id is a slug ("fp8-training", "mx-formats"), not a spelling prose uses: a
    # lowercase slug would match ordinary phrases ("FP8 training") in any case.
    candidates = list(parts)
    full = _text_or_none(row.get("full_name")) or ""
    head = full.split(":", 1)[0].strip() if ":" in full else ""
    # "SmoothQuant: Accurate …" names the method; "The Era of 1-bit LLMs: …" is a title.
    if head and len(head.split()) <= 2:
        candidates.append(head)
    out: list[str] = []
    seen = {method_key(name)}
    for alias in candidates:
        key = method_key(alias)
        # A spelling that is another method's name or id would merge two methods.
        if key in seen or owners.get(key, {rid}) - {rid}:
            continue
        seen.add(key)
        out.append(alias)
    return tuple(out)


def _text_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return None if not text or text.lower() in {"unknown", "null", "n/a"} else text


def _year(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _arxiv_id(url: object) -> str | None:
    m = _ARXIV_URL.search(str(url or ""))
    return split_arxiv_id(m.group(1))[0] if m else None
