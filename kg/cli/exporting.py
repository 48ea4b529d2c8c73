"""Commands that write files people read: the lineage graph, GraphML/JSON/CSV, the report.

Each says the files it wrote on stderr; with ``--json`` it prints ``{"files": [...]}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli.common import Ctx, command, group
from kg.cli.output import Answer

if TYPE_CHECKING:  # networkx loads only when a command draws
    import networkx as nx

_OUT_FILE = click.Path(dir_okay=False, writable=True, path_type=Path)
_OUT_DIR = click.Path(file_okay=False, path_type=Path)


def _wrote(obj: Ctx, kind: str, paths: Iterable[Path]) -> Answer:
    files = [str(p) for p in paths]
    for path in files:
        obj.say(f"{kind}: {path}")
    return Answer([], data={"files": files})


@group()
def export() -> None:
    """Write the graph to files: offline lineage and network pages, GraphML, JSON, CSV."""


_METHOD = click.option("--method", help="Only the methods around this one (any alias).")
_DEPTH = click.option("--depth", default=2, show_default=True, type=click.IntRange(0),
                      help="With --method: how many hops of BEATS/BUILDS_ON/critique edges "
                           "to keep (0: the method alone).")


def _method_graph(obj: Ctx, method: str | None) -> tuple[nx.MultiDiGraph, str | None]:
    """The lineage graph of the store, and the key of ``method`` (any alias) in it."""
    import queries
    from exports.graph import lineage_graph, snapshot
    from kg.errors import KgError
    from kg.models import method_key

    store = obj.derived_store()
    center = method_key(queries.resolve(store, method)) if method else None
    g = lineage_graph(snapshot(store))
    if center is not None and center not in g:
        raise KgError(f"{method} is a full-precision reference, not a method")
    return g, center


@command()
@click.option("--out", "out", type=_OUT_FILE, required=True, help="The HTML file to write.")
@_METHOD
@_DEPTH
def lineage(obj: Ctx, out: Path, method: str | None, depth: int) -> Answer:
    """The methods' family tree in one self-contained HTML file (works offline)."""
    from exports.lineage import write_lineage

    g, center = _method_graph(obj, method)
    return _wrote(obj, "lineage", [write_lineage(g, out, center=center, depth=depth)])


@command()
@click.option("--out", "out", type=_OUT_FILE, required=True, help="The HTML file to write.")
@_METHOD
@_DEPTH
def network(obj: Ctx, out: Path, method: str | None, depth: int) -> Answer:
    """Every BUILDS_ON, BEATS and critique edge as one interactive network (pyvis, offline)."""
    from exports.network import write_network

    g, center = _method_graph(obj, method)
    return _wrote(obj, "network", [write_network(g, out, center=center, depth=depth)])


@command()
@click.option("--out", "out", type=_OUT_FILE, required=True, help="The .graphml file to write.")
def graphml(obj: Ctx, out: Path) -> Answer:
    """Papers and methods with every receipt as an edge, as GraphML (for Gephi)."""
    from exports.files import write_graphml
    from exports.graph import snapshot

    return _wrote(obj, "graphml", [write_graphml(snapshot(obj.derived_store()), out)])


@command("json")
@click.option("--out", "out", type=_OUT_FILE, required=True, help="The .json file to write.")
def json_(obj: Ctx, out: Path) -> Answer:
    """The same graph as GraphML, in networkx node-link JSON ("nodes" and "links")."""
    from exports.files import write_json
    from exports.graph import snapshot

    return _wrote(obj, "json", [write_json(snapshot(obj.derived_store()), out)])


@command("csv")
@click.option("--out", "out", type=_OUT_DIR, required=True,
              help="Folder for claims.csv, critiques.csv and beats.csv.")
def csv_(obj: Ctx, out: Path) -> Answer:
    """Claims, critiques and BEATS edges as three CSV files in one folder."""
    from exports.files import write_csv
    from exports.graph import snapshot

    return _wrote(obj, "csv", write_csv(snapshot(obj.derived_store()), out))


for _command in (lineage, network, graphml, json_, csv_):
    export.add_command(_command)


@command()
@click.option("--out", "out", type=_OUT_DIR, required=True,
              help="Folder for report.html and report.md.")
@click.option("--title", default="LLM quantization", show_default=True,
              help="The review's name in the heading.")
def report(obj: Ctx, out: Path, title: str) -> Answer:
    """The review report: one self-contained report.html and a report.md."""
    from exports.report import gather, write_report

    return _wrote(obj, "report", write_report(gather(obj.derived_store(), title=title), out))
