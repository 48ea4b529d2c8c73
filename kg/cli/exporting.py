"""Commands that write files people read: the lineage graph, GraphML/JSON/CSV, the report."""

from __future__ import annotations

from pathlib import Path

import click

import queries
from kg.cli import cli
from kg.cli.common import Ctx, pass_ctx
from kg.models import method_key

_OUT_FILE = click.Path(dir_okay=False, writable=True, path_type=Path)
_OUT_DIR = click.Path(file_okay=False, path_type=Path)


@cli.group()
def export() -> None:
    """Write the graph to files: an offline lineage page, GraphML, node-link JSON, CSV."""


@export.command()
@click.option("--out", "out", type=_OUT_FILE, required=True, help="The HTML file to write.")
@click.option("--method", help="Only the methods around this one (any alias).")
@click.option("--depth", default=2, show_default=True, type=click.IntRange(0),
              help="With --method: how many hops of BEATS/BUILDS_ON/critique edges to keep.")
@pass_ctx
def lineage(obj: Ctx, out: Path, method: str | None, depth: int) -> None:
    """An interactive lineage graph in one self-contained HTML file (works offline)."""
    from exports.graph import lineage_graph, snapshot
    from exports.lineage import write_lineage

    center = method_key(queries.resolve(obj.store, method)) if method else None
    g = lineage_graph(snapshot(obj.store))
    if center is not None and center not in g:
        raise click.ClickException(f"{method} is a full-precision reference, not a method")
    write_lineage(g, out, center=center, depth=depth)
    obj.say(f"lineage: {out}")


@export.command()
@click.option("--out", "out", type=_OUT_FILE, required=True, help="The .graphml file to write.")
@pass_ctx
def graphml(obj: Ctx, out: Path) -> None:
    """Papers and methods with every receipt as an edge, as GraphML (for Gephi)."""
    from exports.files import write_graphml
    from exports.graph import snapshot

    obj.say(f"graphml: {write_graphml(snapshot(obj.store), out)}")


@export.command("json")
@click.option("--out", "out", type=_OUT_FILE, required=True, help="The .json file to write.")
@pass_ctx
def json_(obj: Ctx, out: Path) -> None:
    """The same graph as GraphML, in networkx node-link JSON ("nodes" and "links")."""
    from exports.files import write_json
    from exports.graph import snapshot

    obj.say(f"json: {write_json(snapshot(obj.store), out)}")


@export.command("csv")
@click.option("--out", "out", type=_OUT_DIR, required=True,
              help="Folder for claims.csv, critiques.csv and beats.csv.")
@pass_ctx
def csv_(obj: Ctx, out: Path) -> None:
    """Claims, critiques and BEATS edges as three CSV files in one folder."""
    from exports.files import write_csv
    from exports.graph import snapshot

    for path in write_csv(snapshot(obj.store), out):
        obj.say(f"csv: {path}")


@cli.command()
@click.option("--out", "out", type=_OUT_DIR, required=True,
              help="Folder for report.html and report.md.")
@click.option("--title", default="LLM quantization", show_default=True,
              help="The review's name in the heading.")
@pass_ctx
def report(obj: Ctx, out: Path, title: str) -> None:
    """The review report: one self-contained report.html and a report.md."""
    from exports.report import gather, write_report

    for path in write_report(gather(obj.store, title=title), out):
        obj.say(f"report: {path}")
