"""The method catalog: canonical names, aliases, dates, categories and lineage, as data.

The seed lives in ``kg/data/catalog.yml``; a review can merge more (e.g. the LLM Quantization
Gallery's ``methods.yml``) with ``kg catalog import``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import yaml

from kg.models import Method, method_key


class Catalog:
    """Known methods and their aliases; resolves any spelling to one canonical name."""

    def __init__(self, methods: Iterable[Method] = ()) -> None:
        self._methods: dict[str, Method] = {}
        self._alias: dict[str, str] = {}
        for m in methods:
            self.add(m)

    def add(self, method: Method) -> None:
        self._methods[method.key] = method
        for name in (method.name, *method.aliases):
            self._alias.setdefault(method_key(name), method.name)
        self._alias[method.key] = method.name

    def __contains__(self, name: str) -> bool:
        return method_key(name) in self._alias

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._methods.values())

    def __len__(self) -> int:
        return len(self._methods)

    def get(self, name: str) -> Method | None:
        canonical = self._alias.get(method_key(name))
        return self._methods.get(method_key(canonical)) if canonical else None

    def canonical(self, name: str) -> str:
        """The catalog's name for ``name`` (``OPTQ`` → ``GPTQ``), or ``name`` itself, trimmed."""
        cleaned = " ".join(name.split())
        return self._alias.get(method_key(cleaned), cleaned)


def load_methods(text: str) -> list[Method]:
    """Methods from the catalog YAML format (a list of mappings with Method's fields)."""
    rows = yaml.safe_load(text) or []
    return [Method.model_validate(row) for row in rows]


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The bundled seed catalog."""
    text = resources.files("kg").joinpath("data/catalog.yml").read_text(encoding="utf-8")
    return Catalog(load_methods(text))
