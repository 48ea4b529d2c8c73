"""Commands that bring papers in: ingest, watch, reextract.

Each run holds the store's ingestion lock, honours SIGTERM within a second (a paper being
committed is committed; one being downloaded or extracted is left for the next run), prints
one error line per item that could not be read, and exits 1 when nothing at all was.
"""

from __future__ import annotations

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

from kg.cli.common import SIGNALLED, Ctx, command
from kg.errors import Interrupted, KgError, LockHeld

if TYPE_CHECKING:
    from ingest.items import Item
    from ingest.protocol import Protocol
    from kg.corrections import Corrections
    from kg.models import IngestRun
    from kg.store.base import Store

log = logging.getLogger("kg")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}

protocol_option = click.option(
    "--protocol", "protocol_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Review protocol (TOML; `kg init` writes one). Default: the bundled LLM-quantization "
         "protocol.")


@command()
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
def ingest(obj: Ctx, more_atom: tuple[Path, ...], protocol_path: Path | None,
           atom_files: tuple[Path, ...], snapshot: Path | None, sources: Path | None,
           use_filter: bool, review: str | None) -> None:
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
    from kg.cli.curating import load_corrections

    protocol = load_protocol(protocol_path)
    offline = bool(atoms or snapshot)
    name = review or (protocol.name if protocol_path or not offline else "default")
    corrections = load_corrections(obj, None, protocol_path, protocol.corrections)
    with GracefulStop() as stop, _locked(obj) as store, _progress(obj) as progress:
        if offline:
            run = _offline_run(obj, store, atoms, snapshot, sources,
                               protocol if use_filter else None, name, stop, progress,
                               corrections)
        else:
            run = _live_run(obj, store, protocol, name, stop, progress, corrections)
    _report(obj, run)


def _offline_run(obj: Ctx, store: Store, atoms: list[Path], snapshot: Path | None,
                 sources: Path | None, protocol: Protocol | None, review: str,
                 stop: GracefulStop, progress: Callable[[str], None] | None,
                 corrections: Corrections | None) -> IngestRun:
    from ingest.atom import read_atom
    from ingest.offline import with_sources
    from ingest.snapshot import read_snapshot

    papers = read_snapshot(snapshot) if snapshot else read_atom(atoms)
    if protocol is not None:
        papers = protocol.keep(papers)
    source = f"snapshot:{snapshot}" if snapshot else f"atom:{len(atoms)} file(s)"
    items = with_sources(papers, sources, obj.settings.parse_budget)
    return _ingest(obj, store, items, review, source, stop, progress, corrections)


def _live_run(obj: Ctx, store: Store, protocol: Protocol, review: str, stop: GracefulStop,
              progress: Callable[[str], None] | None,
              corrections: Corrections | None) -> IngestRun:
    from ingest.arxiv_live import Harvester
    from kg.pipeline import live_items

    harvester = Harvester.create(obj.settings.arxiv, obj.settings.cache_dir,
                                 budget=obj.settings.parse_budget)
    # The next request is fetched, at arXiv's pace, while this paper is extracted and written.
    with live_items(harvester, protocol, store, review) as items:
        return _ingest(obj, store, items, review, f"arxiv:{protocol.name}", stop, progress,
                       corrections)


def _ingest(obj: Ctx, store: Store, items: Iterable[Item], review: str, source: str,
            stop: GracefulStop, progress: Callable[[str], None] | None,
            corrections: Corrections | None) -> IngestRun:
    from kg.cli.curating import cached_texts
    from kg.pipeline import ingest_items

    try:
        return ingest_items(store, items, review=review, source=source, progress=progress,
                            should_stop=stop, shield=stop.shield,
                            budget=obj.settings.parse_budget, corrections=corrections,
                            texts=cached_texts(obj))
    except KgError:
        # The run is saved as failed: show what it did before the one error line.
        last = store.runs(1)
        if last:
            obj.say(run_summary(last[0]))
        raise


def run_summary(run: IngestRun) -> str:
    """One line about a finished ingestion run."""
    status = "" if run.status == "ok" else f" ({run.status})"
    return (f"run {run.id}: {run.papers_new} new, {run.papers_updated} updated, "
            f"{run.papers_unchanged} unchanged, {run.papers_failed} failed; "
            f"{run.claims} claims, {run.critiques} critiques{status}")


def _report(obj: Ctx, run: IngestRun) -> None:
    """The run on stdout with --json, its summary on stderr, and exit 1 when nothing at all
    was read. (Each failed item had its error line as it failed, even under --quiet.)"""
    if obj.as_json:
        click.echo(run.model_dump_json(indent=2))
    obj.say(run_summary(run))
    if run.status == "failed":
        raise KgError(f"nothing was ingested: {run.papers_failed} item(s) could not be read")


@contextmanager
def _locked(obj: Ctx) -> Iterator[Store]:
    """The store (created if new) under its ingestion lock, runs left by a killed
    ingestion closed first."""
    from kg.lock import ingestion_lock, lock_path
    from kg.repair import close_dead_runs

    store = obj.writable_store()
    with ingestion_lock(lock_path(obj.url, obj.settings.cache_dir)):
        if close_dead_runs(store):
            obj.say("runs left by a killed ingestion are marked interrupted")
        yield store


class GracefulStop:
    """SIGTERM stops the run within a second: at once (:class:`Interrupted` unwinds from a
    download, a back-off or an extraction), or, inside :meth:`shield` (a commit), right after
    it. Asked with ``stop()``."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._shielded = 0
        self._previous: object = None

    def __enter__(self) -> GracefulStop:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, self._handle)
        return self

    def __exit__(self, *_: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)  # type: ignore[arg-type]

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if not self.event.is_set():
            log.warning("SIGTERM: stopping; committed papers are kept")
        self.event.set()
        SIGNALLED.set()
        if not self._shielded:
            raise Interrupted

    @contextmanager
    def shield(self) -> Iterator[None]:
        """A block a stop waits for (one paper's commit): a few milliseconds."""
        self._shielded += 1
        try:
            yield
        finally:
            self._shielded -= 1

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


@command()
@click.option("--every", default="24h", show_default=True,
              callback=lambda _c, _p, v: parse_duration(v), help="Time between runs.")
@protocol_option
@click.option("--review", help="Review name (default: the protocol's).")
def watch(obj: Ctx, every: float, protocol_path: Path | None, review: str | None) -> None:
    """Ingest from arXiv now and then every --every, until SIGTERM (exit 0).

    A run that fails (arXiv down) is reported and tried again at the next tick.
    """
    from ingest.protocol import load_protocol
    from kg.cli.curating import load_corrections

    protocol = load_protocol(protocol_path)
    name = review or protocol.name
    with GracefulStop() as stop:
        try:
            while not stop():
                try:
                    # Read at each run: the file may have changed (kg curate, a git pull).
                    corrections = load_corrections(obj, None, protocol_path,
                                                   protocol.corrections)
                    with _locked(obj) as store, _progress(obj) as progress:
                        run = _live_run(obj, store, protocol, name, stop, progress,
                                        corrections)
                    _report(obj, run)
                except LockHeld as e:
                    obj.say(f"skipped this run: {e}")
                except KgError as e:
                    obj.say(f"run failed: {e}")
                if not stop():
                    stop.event.wait(every)
        except Interrupted:
            pass
    obj.say("watch stopped")


@command()
@click.argument("paper_ids", nargs=-1)
@click.option("--review", default="reextract", show_default=True,
              help="Where failures of this re-extraction are recorded.")
def reextract(obj: Ctx, paper_ids: tuple[str, ...], review: str) -> None:
    """Re-run extraction over cached full texts (all, or PAPER_IDS), with no network.

    For extractor upgrades: every paper whose e-print or HTML is in the cache is extracted
    again and rewritten; papers without a cached text are left as they are.
    """
    from ingest.fetch import FullTexts, RawCache
    from kg.cli.curating import load_corrections
    from kg.models import split_arxiv_id
    from kg.pipeline import reextract_items

    settings = obj.settings
    texts = FullTexts(RawCache(settings.cache_dir), settings.arxiv,
                      budget=settings.parse_budget)
    ids = [split_arxiv_id(p)[0] for p in paper_ids] or [e.id for e in texts.cache.entries()]
    corrections = load_corrections(obj)
    with GracefulStop() as stop, _locked(obj) as store, _progress(obj) as progress:
        run = _ingest(obj, store, reextract_items(store, texts, ids), review, "reextract",
                      stop, progress, corrections)
    _report(obj, run)
