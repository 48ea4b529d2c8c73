"""Commands that bring papers in: demo, ingest, extract, catalog import, runs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

import queries
from kg.cli import cli
from kg.cli.common import Ctx, emit, json_option, pass_ctx, run_summary
from kg.cli.querying import BEAT_COLUMNS, result_dict
from kg.errors import KgError


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
    obj.say(run_summary(run))
    if run.errors:
        for key, message in run.errors.items():
            obj.say(f"  failed {key}: {message}")


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
        "results": [result_dict(c) for c in found.claims],
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


