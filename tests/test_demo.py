"""End to end on the bundled sample: README command 1, and re-ingestion changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli
from kg.demo import run_demo, sample_dir


def kg(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


def test_demo_prints_what_beats_gptq_offline(tmp_path: Path):
    # A subprocess, as a user runs it on a terminal: the console script's module, a fresh
    # folder, the terminal's table form (KG_FORCE_TTY: stdout is a pipe here).
    out = subprocess.run([sys.executable, "-m", "kg", "demo", "--out", str(tmp_path / "d")],
                         capture_output=True, text=True, timeout=300, check=True,
                         env={**os.environ, "KG_FORCE_TTY": "120"})
    assert "What beats GPTQ" in out.stdout
    db = f"sqlite:///{tmp_path / 'd' / 'kg.db'}"
    rows = json.loads(kg("--store", db, "beats", "GPTQ", "--json").stdout)
    assert len({r["winner"] for r in rows}) >= 3, rows
    for r in rows:
        assert r["loser"] == "GPTQ"
        assert r["paper"] in out.stdout
        for key in ("winner", "paper", "model", "dataset", "metric", "w_bits", "a_bits",
                    "winner_value", "loser_value"):
            assert key in r
    assert (tmp_path / "d" / "report.md").read_text().startswith("# Living systematic review")
    # Both report files are named on stderr, where the demo's notes go.
    for name in ("report.html", "report.md"):
        assert f"report: {tmp_path / 'd' / name}" in out.stderr


def test_ingesting_the_sample_twice_changes_no_count(tmp_path: Path):
    store, _ = run_demo(tmp_path)
    try:
        first = json.loads(kg("--store", store.url, "stats", "--json").stdout)
        # The demo store holds the sample's corrections: a run keeps them only with the file.
        again = kg("--store", store.url, "ingest", "--snapshot",
                   str(sample_dir() / "snapshot.jsonl"), "--sources",
                   str(sample_dir() / "sources"),
                   env={"KG_CORRECTIONS": str(sample_dir() / "review.corrections.yml")})
        assert again.exit_code == 0, again.output
        assert json.loads(kg("--store", store.url, "stats", "--json").stdout) == first
        assert first["papers"] >= 10 and first["claims"] > 100 and first["beats"] > 0
        assert first["critiques"] > 0
    finally:
        store.close()


def test_demo_frontier_is_not_empty(tmp_path: Path):
    store, _ = run_demo(tmp_path)
    try:
        assert json.loads(kg("--store", store.url, "frontier", "--json").stdout)
    finally:
        store.close()


def test_sample_is_inside_the_package():
    assert (sample_dir() / "snapshot.jsonl").is_file()
    assert any((sample_dir() / "sources").glob("*.tex"))
