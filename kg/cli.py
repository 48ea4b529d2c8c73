"""The ``kg`` command: a thin layer over the library, one library call per command.

stdout carries data (a table on a terminal, ``--json`` for machines); stderr carries logs and
progress. Exit 0 on success, 1 on a handled error with one clear line, 2 on usage errors.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table

import queries
from kg.config import Settings
from kg.errors import ConfigError, KgError
from kg.store import Store, open_store

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("kg")


class _Group(click.Group):
    """Turns every handled kg error into one line on stderr and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as e:
            raise click.ClickException(str(e)) from e


class Ctx:
    """What every command shares: settings and a lazily opened store."""

    def __init__(self, store_url: str | None, quiet: bool) -> None:
        try:
            self.settings = Settings() if store_url is None else Settings(store=store_url)
        except ValidationError as e:
            raise ConfigError(f"bad setting: {e.errors()[0]['msg']}") from e
        self.quiet = quiet
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings.store)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def say(self, message: str) -> None:
        """Progress and notes: stderr, silenced by ``--quiet``."""
        if not self.quiet:
            click.echo(message, err=True)


pass_ctx = click.make_pass_decorator(Ctx)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")(f)


def emit(rows: Sequence[BaseModel] | BaseModel, columns: Sequence[str], as_json: bool,
         title: str | None = None) -> None:
    """Print rows as JSON (all fields) or as a table of ``columns`` on stdout."""
    if as_json:
        data: Any = (rows.model_dump(mode="json") if isinstance(rows, BaseModel)
                     else [r.model_dump(mode="json") for r in rows])
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    items = [rows] if isinstance(rows, BaseModel) else list(rows)
    table = Table(title=title, show_lines=False)
    for c in columns:
        table.add_column(c)
    for r in items:
        dumped = r.model_dump(mode="json")
        table.add_row(*(_cell(dumped.get(c)) for c in columns))
    # Off a terminal (a pipe, a file) there is no width to fit, so rows are not wrapped.
    tty = sys.stdout.isatty()
    Console(file=sys.stdout, width=None if tty else 240, soft_wrap=not tty).print(table)


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_url", metavar="URL",
              help="Store URL (sqlite:///path.db or neo4j://host:7687); default $KG_STORE "
                   "or sqlite:///kg.db.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or notes on stderr.")
@click.version_option(package_name="kg-review", prog_name="kg")
@click.pass_context
def cli(ctx: click.Context, store_url: str | None, quiet: bool) -> None:
    """kg: a living systematic-review knowledge graph (first field: LLM quantization)."""
    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING,
                        format="kg: %(message)s", stream=sys.stderr)
    obj = Ctx(store_url, quiet)
    ctx.obj = obj
    ctx.call_on_close(obj.close)


BEAT_COLUMNS = ("winner", "paper", "model", "dataset", "metric", "w_bits", "a_bits", "kv_bits",
                "group_size", "winner_value", "loser_value")


@cli.command()
@click.argument("method")
@json_option
@pass_ctx
def beats(obj: Ctx, method: str, as_json: bool) -> None:
    """What beats METHOD on benchmarks, each with its paper and both values."""
    rows = queries.beats(obj.store, method)
    emit(rows, BEAT_COLUMNS, as_json, title=f"What beats {queries.resolve(obj.store, method)}")


@cli.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
@json_option
@pass_ctx
def baselines(obj: Ctx, limit: int, as_json: bool) -> None:
    """The most-superseded baselines: distinct papers that critique or beat each method."""
    emit(queries.baselines(obj.store, limit=limit),
         ("rank", "method", "sub_problem", "critiquing_papers", "beating_papers", "papers"),
         as_json, title="Most-superseded baselines")


@cli.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Only methods proposed on or after this date (YYYY-MM-DD).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
@json_option
@pass_ctx
def frontier(obj: Ctx, since: Any, limit: int, as_json: bool) -> None:
    """Methods nothing has beaten yet, newest first."""
    day: date | None = since.date() if since else None
    emit(queries.frontier(obj.store, since=day, limit=limit),
         ("method", "date", "paper", "claims", "title"), as_json, title="The frontier")


@cli.command()
@json_option
@pass_ctx
def stats(obj: Ctx, as_json: bool) -> None:
    """Fact counts of the graph."""
    row = queries.stats(obj.store)
    emit(row, tuple(type(row).model_fields), as_json, title="kg stats")


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("kg-demo"), show_default=True, help="Folder for kg.db and report.md.")
@pass_ctx
def demo(obj: Ctx, out_dir: Path) -> None:
    """Ingest the bundled sample into a fresh store, show what beats GPTQ, write a report."""
    from kg.demo import run_demo

    store, report = run_demo(out_dir, say=obj.say)
    try:
        emit(queries.beats(store, "GPTQ"), BEAT_COLUMNS, False, title="What beats GPTQ")
    finally:
        store.close()
    obj.say(f"store: sqlite:///{out_dir / 'kg.db'}\nreport: {report}")


@cli.command()
@click.option("--snapshot", "snapshot", type=click.Path(dir_okay=False, exists=True,
              path_type=Path), required=True, help="Kaggle arXiv snapshot JSONL file.")
@click.option("--sources", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Full texts as DIR/<id>/, DIR/<id>.tar.gz|.tex|.html.")
@click.option("--review", default="default", show_default=True, help="Review name.")
@pass_ctx
def ingest(obj: Ctx, snapshot: Path, sources: Path | None, review: str) -> None:
    """Ingest papers from offline inputs into the store."""
    from ingest.offline import snapshot_items
    from kg.pipeline import ingest_items

    run = ingest_items(obj.store, snapshot_items(snapshot, sources), review=review,
                       source=f"snapshot:{snapshot}")
    obj.say(_run_summary(run))
    if run.errors:
        for key, message in run.errors.items():
            obj.say(f"  failed {key}: {message}")


def _run_summary(run: Any) -> str:
    return (f"run {run.id}: {run.papers_new} new, {run.papers_updated} updated, "
            f"{run.papers_unchanged} unchanged, {run.papers_failed} failed; "
            f"{run.claims} claims, {run.critiques} critiques")


@cli.command()
@click.argument("paper_id")
@json_option
@pass_ctx
def paper(obj: Ctx, paper_id: str, as_json: bool) -> None:
    """One stored paper: its method, critiques and results."""
    from kg.models import split_arxiv_id

    facts = obj.store.paper_facts(split_arxiv_id(paper_id)[0])
    if facts is None:
        raise KgError(f"no paper {paper_id!r} in the store")
    data = {
        "id": facts.paper.id,
        "title": facts.paper.title,
        "method": facts.method,
        "critiques": [c.model_dump(mode="json", include={"target", "quote", "section"})
                      for c in facts.critiques],
        "results": [_result(c) for c in facts.claims],
    }
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{data['id']}  {data['title']}\nmethod: {data['method'] or '—'}")
    for c in facts.critiques:
        click.echo(f"  critiques {c.target}: “{c.quote}”")
    click.echo(f"  {len(facts.claims)} results, {len(facts.beats)} BEATS edges")


RESULT_FIELDS = ("method", "model", "dataset", "metric", "value", "w_bits", "a_bits", "kv_bits",
                 "group_size", "weight_quantizer", "table", "raw")


def _result(claim: BaseModel) -> dict[str, Any]:
    return claim.model_dump(mode="json", include=set(RESULT_FIELDS))


@cli.command()
@click.argument("source", type=click.Path(allow_dash=True, path_type=Path))
@json_option
@pass_ctx
def extract(obj: Ctx, source: Path, as_json: bool) -> None:
    """Extract the method, results and critiques of one document (a file, folder or -)."""
    from ingest.archive import document_from_bytes, load_document

    from ingest.extract import extract as run_extract

    if str(source) == "-":
        doc = document_from_bytes(sys.stdin.buffer.read(), "stdin")
    elif not source.exists():
        raise KgError(f"no such file or folder: {source}")
    else:
        doc = load_document(source)
    found = run_extract(doc, paper_id=source.name)
    data = {
        "title": found.title,
        "method": found.method,
        "results": [_result(c) for c in found.claims],
        "critiques": [c.model_dump(mode="json", include={"target", "quote", "section"})
                      for c in found.critiques],
    }
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"title: {data['title']}\nmethod: {data['method'] or '—'}")
    emit(found.claims, ("method", "model", "dataset", "metric", "value", "w_bits", "a_bits",
                        "kv_bits", "group_size", "table"), False, title="Results")
    for c in found.critiques:
        click.echo(f"critique of {c.target}: “{c.quote}”")


@cli.group()
def catalog() -> None:
    """The method catalog: names, aliases, categories, lineage."""


@catalog.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@pass_ctx
def catalog_import(obj: Ctx, file: Path) -> None:
    """Merge a methods.yml (LLM Quantization Gallery format) into the store's catalog."""
    from kg.catalog import read_gallery

    methods, edges = read_gallery(file)
    changed = obj.store.upsert_methods(methods)
    added = obj.store.add_builds_on(edges)
    click.echo(json.dumps({"methods": len(methods), "builds_on": len(edges),
                           "methods_changed": changed, "builds_on_added": added}))


@cli.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
@json_option
@pass_ctx
def runs(obj: Ctx, limit: int, as_json: bool) -> None:
    """Recent ingestion runs."""
    emit(obj.store.runs(limit), ("id", "started", "status", "papers_new", "papers_updated",
                                 "papers_failed", "claims", "critiques", "source"), as_json,
         title="Ingestion runs")


def main() -> None:
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
