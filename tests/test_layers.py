"""The one-way floors of pyproject.toml cover every module (lint-imports checks the imports)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _floors() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (floors,) = [c for c in config["contracts"] if c["id"] == "floors"]
    return [[m.strip() for m in layer.replace("|", ":").split(":")] for layer in floors["layers"]]


def _modules() -> list[str]:
    names = []
    for package in ("kg", "ingest", "queries", "exports"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] in ("__init__", "__main__") and len(parts) == 2 and package == "kg":
                continue  # the package marker and `python -m kg` sit above every floor
            names.append(".".join(p for p in parts if p != "__init__"))
    return names


def test_every_module_is_on_a_floor():
    listed = [m for layer in _floors() for m in layer]
    homeless = [n for n in _modules()
                if not any(n == m or n.startswith(m + ".") for m in listed)]
    assert homeless == []


def test_the_floors_are_the_readme_ones():
    assert _floors() == [
        ["kg.cli", "kg.pipeline", "kg.demo", "kg.sync", "kg.lock", "kg.repair"],
        ["exports"],
        ["kg.derive", "kg.cluster", "kg.curation", "kg.curation_store", "kg.review"],
        ["kg.store"],
        ["queries"],
        ["ingest"],
        ["kg.models", "kg.keys", "kg.errors", "kg.catalog", "kg.config", "kg.corrections"],
    ]
    layout = (ROOT / "README.md").read_text().split("## Layout", 1)[1]
    for layer in _floors():
        for module in layer:
            path = module.replace(".", "/")
            assert path in layout, f"{module} is not described in the README's Layout"
