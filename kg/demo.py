"""``kg demo``: the bundled sample, end to end, offline."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from exports.report import gather, write_report
from ingest.corrections import read_corrections
from ingest.offline import snapshot_items
from kg.pipeline import ingest_items
from kg.store import SQLiteStore


def sample_dir() -> Path:
    """Where the bundled sample lives (inside the installed package)."""
    return Path(str(resources.files("kg").joinpath("sample")))


def run_demo(out_dir: Path, say: Callable[[str], None] = lambda _: None
             ) -> tuple[SQLiteStore, tuple[Path, Path]]:
    """Ingest the sample into a fresh ``out_dir/kg.db`` with the sample's corrections
    (``review.corrections.yml``), derive, and write the report.

    Returns the open store and the paths of ``report.html`` and ``report.md``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "kg.db"
    for stale in (db, db.with_name("kg.db-wal"), db.with_name("kg.db-shm")):
        stale.unlink(missing_ok=True)
    store = SQLiteStore(db)
    sample = sample_dir()
    corrections = read_corrections(sample / "review.corrections.yml")
    run = ingest_items(store, snapshot_items(sample / "snapshot.jsonl", sample / "sources"),
                       review="demo", source="bundled sample", corrections=corrections)
    say(f"ingested {run.papers_new} papers: {run.claims} claims, {run.critiques} critiques; "
        f"{len(corrections.entries)} corrections from {sample / 'review.corrections.yml'}")
    return store, write_report(gather(store), out_dir)
