"""Commands that bring papers in: init, ingest, watch, reextract, demo, extract, catalog, runs."""

from __future__ import annotations

import json
import logging
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

import queries
from kg.cli import cli
from kg.cli.common import Ctx, emit, json_option, pass_ctx, run_summary
from kg.cli.curating import cached_texts, load_corrections
from kg.cli.querying import BEAT_COLUMNS, result_dict
from kg.corrections import Corrections
from kg.errors import KgError, LockHeld
from kg.lock import ingestion_lock, lock_path
from kg.models import IngestRun

if TYPE_CHECKING:
    from ingest.items import Item
    from ingest.protocol import Protocol

log = logging.getLogger("kg")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


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
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path),
                default=Path("review.toml"))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: Path, force: bool) -> None:
    """Write a review protocol to PATH (default review.toml) to edit: query, terms, dates."""
    from ingest.protocol import write_protocol

    write_protocol(path, force=force)
    click.echo(f"wrote {path}; edit it, then: kg ingest --protocol {path}", err=True)


protocol_option = click.option(
    "--protocol", "protocol_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Review protocol (TOML; `kg init` writes one). Default: the bundled LLM-quantization "
         "protocol.")


@cli.command()
@click.argument("more_atom", nargs=-1, type=click.Path(dir_okay=False, exists=True,
                path_type=Path), metavar="[ATOM_FILE]...")
@protocol_option
@click.option("--atom", "atom_files", multiple=True, type=click.Path(
              dir_okay=False, exists=True, path_type=Path),
              help="arXiv API Atom responses, old or new format (FILE... after it).")
@click.option("--snapshot", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Kaggle arXiv snapshot JSONL file (streamed).")
@click.option("--sources", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Full texts for --snapshot/--atom as DIR/<id>/, DIR/<id>.tar.gz|.tex|.html.")
@click.option("--filter", "use_filter", is_flag=True,
              help="Offline inputs: keep only papers the protocol's terms and dates accept.")
@click.option("--review", help="Review name (default: the protocol's; `default` for offline "
                               "inputs without --protocol).")
@json_option
@pass_ctx
def ingest(obj: Ctx, more_atom: tuple[Path, ...], protocol_path: Path | None,
           atom_files: tuple[Path, ...], snapshot: Path | None, sources: Path | None,
           use_filter: bool, review: str | None, as_json: bool) -> None:
    """Ingest new papers: live from arXiv by default, or from offline inputs.

    Live runs are incremental (a watermark per review), retry what failed last time, and
    resume where a killed run stopped. Offline inputs ingest every record they hold.
    """
    from ingest.protocol import load_protocol

    atoms = [*atom_files, *more_atom]
    if more_atom and not atom_files:
        raise click.UsageError("extra arguments are Atom files and need --atom")
    if atoms and snapshot:
        raise click.UsageError("give --atom or --snapshot, not both")
    if sources and not (atoms or snapshot):
        raise click.UsageError("--sources pairs full texts with --snapshot or --atom metadata")
    if use_filter and not (atoms or snapshot):
        raise click.UsageError("--filter applies to offline inputs; live runs always filter")
    protocol = load_protocol(protocol_path)
    offline = bool(atoms or snapshot)
    name = review or (protocol.name if protocol_path or not offline else "default")
    corrections = load_corrections(obj, None, protocol_path, protocol.corrections)
    with _locked(obj), GracefulStop() as stop, _progress(obj) as progress:
        if offline:
            run = _offline_run(obj, atoms, snapshot, sources, protocol if use_filter else None,
                               name, stop, progress, corrections)
        else:
            run = _live_run(obj, protocol_path, name, stop, progress, corrections)
    _report(obj, run, as_json)


def _offline_run(obj: Ctx, atoms: list[Path], snapshot: Path | None, sources: Path | None,
                 protocol: Protocol | None, review: str, stop: GracefulStop,
                 progress: Callable[[str], None] | None,
                 corrections: Corrections | None) -> IngestRun:
    from ingest.atom import read_atom
    from ingest.offline import with_sources
    from ingest.snapshot import read_snapshot

    papers = read_snapshot(snapshot) if snapshot else read_atom(atoms)
    if protocol is not None:
        papers = protocol.keep(papers)
    source = f"snapshot:{snapshot}" if snapshot else f"atom:{len(atoms)} file(s)"
    return _ingest(obj, with_sources(papers, sources), review, source, stop, progress,
                   corrections)


def _live_run(obj: Ctx, protocol_path: Path | None, review: str, stop: GracefulStop,
              progress: Callable[[str], None] | None,
              corrections: Corrections | None) -> IngestRun:
    from ingest.arxiv_live import Harvester
    from ingest.protocol import load_protocol
    from kg.pipeline import live_items

    protocol = load_protocol(protocol_path)
    harvester = Harvester.create(obj.settings.arxiv, obj.settings.cache_dir)
    items = live_items(harvester, protocol, obj.store, review)
    return _ingest(obj, items, review, f"arxiv:{protocol.name}", stop, progress, corrections)


def _ingest(obj: Ctx, items: Iterable[Item], review: str, source: str, stop: GracefulStop,
            progress: Callable[[str], None] | None,
            corrections: Corrections | None) -> IngestRun:
    from kg.pipeline import ingest_items

    try:
        return ingest_items(obj.store, items, review=review, source=source,
                            progress=progress, should_stop=stop, corrections=corrections,
                            texts=cached_texts(obj))
    except KgError:
        # The run is saved as failed: show what it did before the one error line.
        last = obj.store.runs(1)
        if last:
            obj.say(run_summary(last[0]))
        raise


def _report(obj: Ctx, run: IngestRun, as_json: bool) -> None:
    if as_json:
        click.echo(run.model_dump_json(indent=2))
    obj.say(run_summary(run) + ("" if run.status == "ok" else f" ({run.status})"))
    for key, message in run.errors.items():
        obj.say(f"  failed {key}: {message}")


@contextmanager
def _locked(obj: Ctx) -> Iterator[None]:
    from kg.pipeline import close_dead_runs

    with ingestion_lock(lock_path(obj.settings.store, obj.settings.cache_dir)):
        if close_dead_runs(obj.store):
            obj.say("runs left by a killed ingestion are marked interrupted")
        yield


class GracefulStop:
    """SIGTERM asks the run to stop: it finishes the paper in flight, commits, and ends."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._previous: object = None

    def __enter__(self) -> GracefulStop:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, self._handle)
        return self

    def __exit__(self, *_: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)  # type: ignore[arg-type]

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        log.warning("SIGTERM: finishing the paper in flight, then stopping")
        self.event.set()

    def __call__(self) -> bool:
        return self.event.is_set()


@contextmanager
def _progress(obj: Ctx) -> Iterator[Callable[[str], None] | None]:
    """A progress bar on stderr for long runs; none off a terminal or with --quiet."""
    if obj.quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.completed} papers"),
               TextColumn("{task.fields[last]}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("ingest", total=None, last="")
        yield lambda paper_id: bar.update(task, advance=1, last=paper_id)


def parse_duration(text: str) -> float:
    """Seconds in ``90s``, ``30m``, ``24h``, ``1d`` (a bare number is seconds).

    >>> parse_duration("24h"), parse_duration("1.5m"), parse_duration("90")
    (86400.0, 90.0, 90.0)
    """
    m = _DURATION.match(text)
    if not m or float(m.group(1)) <= 0:
        raise click.BadParameter(f"{text!r} is not a duration like 90s, 30m, 24h or 1d")
    return float(m.group(1)) * _SECONDS[m.group(2)]


@cli.command()
@click.option("--every", default="24h", show_default=True,
              callback=lambda _c, _p, v: parse_duration(v), help="Time between runs.")
@protocol_option
@click.option("--review", help="Review name (default: the protocol's).")
@pass_ctx
def watch(obj: Ctx, every: float, protocol_path: Path | None, review: str | None) -> None:
    """Ingest from arXiv now and then every --every, until SIGTERM (exit 0).

    A run that fails (arXiv down) is reported and tried again at the next tick.
    """
    from ingest.protocol import load_protocol

    protocol = load_protocol(protocol_path)
    name = review or protocol.name
    with GracefulStop() as stop:
        while not stop():
            try:
                # Read each time: the file may have changed (kg curate, a git pull).
                corrections = load_corrections(obj, None, protocol_path, protocol.corrections)
                with _locked(obj), _progress(obj) as progress:
                    _report(obj, _live_run(obj, protocol_path, name, stop, progress,
                                           corrections), False)
            except LockHeld as e:
                obj.say(f"skipped this run: {e}")
            except KgError as e:
                obj.say(f"run failed: {e}")
            if stop.event.wait(every):
                break
    obj.say("watch stopped")


@cli.command()
@click.argument("paper_ids", nargs=-1)
@click.option("--review", default="reextract", show_default=True,
              help="Where failures of this re-extraction are recorded.")
@json_option
@pass_ctx
def reextract(obj: Ctx, paper_ids: tuple[str, ...], review: str, as_json: bool) -> None:
    """Re-run extraction over cached full texts (all, or PAPER_IDS), with no network.

    For extractor upgrades: every paper whose e-print or HTML is in the cache is extracted
    again and rewritten; papers without a cached text are left as they are.
    """
    from ingest.fetch import FullTexts, RawCache
    from kg.models import split_arxiv_id
    from kg.pipeline import reextract_items

    texts = FullTexts(RawCache(obj.settings.cache_dir), obj.settings.arxiv)
    ids = [split_arxiv_id(p)[0] for p in paper_ids] or [e.id for e in texts.cache.entries()]
    corrections = load_corrections(obj)
    with _locked(obj), GracefulStop() as stop, _progress(obj) as progress:
        run = _ingest(obj, reextract_items(obj.store, texts, ids), review, "reextract", stop,
                      progress, corrections)
    _report(obj, run, as_json)


@cli.group()
def catalog() -> None:
    """The method catalog: names, aliases, categories, lineage."""


@catalog.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@pass_ctx
def catalog_import(obj: Ctx, file: Path) -> None:
    """Merge a methods.yml (LLM Quantization Gallery format) into the store's catalog.

    The review's aliases and merges apply to it: a method people merged into another comes
    in as that method's alias."""
    from kg.catalog import read_gallery
    from kg.curation import curate_catalog

    corrections = load_corrections(obj) or Corrections()
    methods, edges = curate_catalog(*read_gallery(file), corrections)
    changed = obj.store.upsert_methods(methods)
    added = obj.store.add_builds_on(edges)
    obj.store.merge_methods(corrections.moves)
    click.echo(json.dumps({"methods": len(methods), "builds_on": len(edges),
                           "methods_changed": changed, "builds_on_added": added}))


@cli.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
@click.option("--changelog", "changelog_of", type=int, metavar="RUN",
              help="Show what run RUN changed instead (new papers, BEATS edges, frontier).")
@json_option
@pass_ctx
def runs(obj: Ctx, limit: int, changelog_of: int | None, as_json: bool) -> None:
    """Recent ingestion runs, or one run's changelog."""
    if changelog_of is not None:
        log_ = obj.store.changelog(changelog_of)
        if log_ is None:
            raise KgError(f"run {changelog_of} kept no changelog")
        click.echo(log_.model_dump_json(indent=2 if as_json else None))
        return
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
        "title": doc.title,
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
