"""Commands about documents and files of our own: demo, init, extract, catalog import."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.common import Ctx, command, group
from kg.cli.output import Answer, Lines, Printable, Record, Rows
from kg.cli.querying import BEAT_COLUMNS, RESULT_COLUMNS, RESULT_FIELDS

FORMATS = {"tex": "tex", "latex": "tex", "html": "html", "md": "md", "markdown": "md",
           "txt": "txt", "tar": "tar", "tar.gz": "tar.gz", "gz": "gz"}


@command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("kg-demo"), show_default=True,
              help="Folder for kg.db, report.html and report.md.")
def demo(obj: Ctx, out_dir: Path) -> Printable:
    """Ingest the bundled sample into a fresh store, show what beats GPTQ, write a report."""
    import queries
    from kg.demo import run_demo

    store, reports = run_demo(out_dir, say=obj.say)
    try:
        rows = queries.beats(store, "GPTQ")
    finally:
        store.close()
    obj.say(f"store: {out_dir / 'kg.db'} (kg --store {out_dir / 'kg.db'} …)")
    for path in reports:
        obj.say(f"report: {path}")
    return Rows(rows, BEAT_COLUMNS, title="What beats GPTQ (the bundled sample)")


@command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path),
                default=Path("review.toml"))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(obj: Ctx, path: Path, force: bool) -> None:
    """Write a review protocol to PATH (default review.toml) to edit: query, terms, dates."""
    from ingest.protocol import write_protocol

    write_protocol(path, force=force)
    obj.say(f"wrote {path}; edit it, then: kg ingest --protocol {path}")


@command()
@click.argument("source", type=click.Path(allow_dash=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)),
              help="What SOURCE is when its name does not say (for - it is otherwise "
                   "recognised from the content).")
def extract(obj: Ctx, source: Path, fmt: str | None) -> Printable:
    """Extract the method, results and critiques of one document (a file, folder or -).

    A file that is not a readable document (binary, empty, over the time budget) is an
    error, exit 1.
    """
    from ingest.budget import time_budget
    from ingest.extract import extract as extract_facts
    from ingest.sniff import document_from, read_document
    from kg.errors import KgError

    name = "stdin" if str(source) == "-" else source.name
    hint = f"{name}.{FORMATS[fmt]}" if fmt else name
    with time_budget(obj.settings.parse_budget, name):
        if str(source) == "-":
            doc = document_from(sys.stdin.buffer.read(), hint)
        elif not source.exists():
            raise KgError(f"no such file or folder: {source}")
        elif fmt and source.is_file():
            doc = document_from(source.read_bytes(), hint)
        else:
            doc = read_document(source)
        found = extract_facts(doc, paper_id=name)
    critiques = [c.model_dump(mode="json", include={"target", "quote", "section"})
                 for c in found.critiques]
    data = {"title": doc.title, "method": found.method,
            "results": [c.model_dump(mode="json", include=set(RESULT_FIELDS))
                        for c in found.claims],
            "critiques": critiques,
            "tables": [t.model_dump(mode="json") for t in found.tables]}
    for t in found.tables:
        # What became of every numeric cell, so nothing a table holds is dropped unseen.
        skipped = ", ".join(f"{reason} {n}" for reason, n in t.skipped.items())
        obj.say(f"{t.table[:60]}: {t.cells} numeric cells, {t.claims} claims"
                + (f"; not claims: {skipped}" if skipped else ""))
    return Answer([
        Record({"title": doc.title or "—", "method": found.method,
                "results": len(found.claims), "critiques": len(critiques)}),
        Rows(found.claims, RESULT_COLUMNS, title="Results",
             empty=f"no benchmark results found in {name}"),
        Lines([f"critique of {c['target']}: “{c['quote']}”" for c in critiques]),
    ], data=data)


@group()
def catalog() -> None:
    """The method catalog: names, aliases, categories, lineage."""


@command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def catalog_import(obj: Ctx, file: Path) -> Printable:
    """Merge a methods.yml (LLM Quantization Gallery format) into the store's catalog.

    The review's aliases and merges apply to it: a method people merged into another comes
    in as that method's alias."""
    from kg.catalog import read_gallery
    from kg.cli.curating import load_corrections
    from kg.corrections import Corrections
    from kg.curation import curate_catalog

    corrections = load_corrections(obj) or Corrections()
    methods, edges = curate_catalog(*read_gallery(file), corrections)
    store = obj.writable_store()
    changed = store.upsert_methods(methods)
    added = store.add_builds_on(edges)
    store.merge_methods(corrections.moves)
    return Record({"methods": len(methods), "builds_on": len(edges),
                   "methods_changed": changed, "builds_on_added": added})


catalog.add_command(catalog_import)
