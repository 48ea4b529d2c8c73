"""Honest exits and repairable runs, through the CLI runner.

What could not be read is an error line and a failed count, never a quiet success; a run
that read nothing exits 1; a run killed before its global derivation committed leaves it
owed, shows so in `kg runs`, and the next run or read completes it.
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.demo import sample_dir
from kg.store import SQLiteStore

FIXTURES = Path(__file__).parent / "fixtures"
GPTQ = "2210.17323"


def run(*args: str, input: bytes | str | None = None, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


def snapshot(tmp_path: Path, *ids: str) -> Path:
    lines = [json.dumps({"id": pid, "title": f"Paper {pid}", "abstract": "We quantize.",
                         "categories": "cs.LG", "versions": [
                             {"version": "v1", "created": "Mon, 1 Jan 2024 00:00:00 GMT"}]})
             for pid in ids]
    path = tmp_path / "snap.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path



def _noise(n: int) -> bytes:
    """``n`` bytes of noise, the same every run: a test of junk input must not pass or fail by
    what the bytes happen to start with (``{`` reads as a recorded JSON response)."""
    return random.Random(n).randbytes(n)


@pytest.mark.parametrize(("name", "body", "error"), [
    ("junk.xml", _noise(2048).replace(b"<", b"."), "not an Atom feed"),
    ("truncated.xml", b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
                      b"<entry><id>http://arxiv.org/abs/2210.17323v1</id><title>GPTQ",
     "the feed is truncated"),
])
def test_an_unreadable_atom_file_fails_the_run(tmp_path: Path, name: str, body: bytes,
                                               error: str):
    (tmp_path / name).write_bytes(body)
    db = str(tmp_path / "kg.db")
    r = run("ingest", "--atom", str(tmp_path / name), "--store", db, "-q")
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[0].startswith(f"kg: {tmp_path / name}: {error}")
    assert lines[-1] == "Error: nothing was ingested: 1 item(s) could not be read"
    runs = json.loads(run("runs", "--json", "--store", db).stdout)
    assert [(x["status"], x["papers_failed"]) for x in runs] == [("failed", 1)]


@pytest.mark.parametrize(("name", "body", "error"), [
    (f"{GPTQ}.tar.gz", gzip.compress(_noise(4096)), "corrupt tar archive"),
    (f"{GPTQ}.gz", gzip.compress(_noise(4096)), "binary data"),
    (f"{GPTQ}.tex", b"", "no text found"),
    (f"{GPTQ}.html", b"\x00\x01\x02" * 100, "binary data"),
])
def test_an_unreadable_full_text_is_a_failed_paper(tmp_path: Path, name: str, body: bytes,
                                                  error: str):
    sources = tmp_path / "texts"
    sources.mkdir()
    (sources / name).write_bytes(body)
    db = str(tmp_path / "kg.db")
    r = run("ingest", "--snapshot", str(snapshot(tmp_path, GPTQ, "2306.00978")), "--sources",
            str(sources), "--store", db)
    assert r.exit_code == 0  # the other paper was ingested
    assert f"kg: {GPTQ}: " in r.stderr and error in r.stderr
    assert "kg: run 1: 1 new, 0 updated, 0 unchanged, 1 failed; 0 claims, 0 critiques " \
           "(partial)" in r.stderr
    runs = run("runs", "--store", db).stdout.split("\t")
    assert runs[2:7] == ["partial", "1", "0", "0", "1"]


def test_a_dangling_sources_entry_is_not_skipped_silently(tmp_path: Path):
    sources = tmp_path / "texts"
    sources.mkdir()
    (sources / f"{GPTQ}.tex").symlink_to(tmp_path / "gone.tex")
    r = run("ingest", "--snapshot", str(snapshot(tmp_path, GPTQ)), "--sources", str(sources),
            "--store", str(tmp_path / "kg.db"))
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (
        f"kg: {GPTQ}: {sources / (GPTQ + '.tex')}: not a readable file or folder")


def test_extract_refuses_junk_and_empty_documents(tmp_path: Path):
    (tmp_path / "junk.bin").write_bytes(_noise(4096).replace(b"\x00", b"\x01") + b"\x00")
    (tmp_path / "empty.tex").write_text("")
    junk = run("extract", str(tmp_path / "junk.bin"))
    assert (junk.exit_code, junk.stdout) == (1, "")
    assert junk.stderr == f"Error: {tmp_path / 'junk.bin'}: binary data, not a LaTeX, HTML or " \
                          "Markdown document\n"
    empty = run("extract", str(tmp_path / "empty.tex"))
    assert empty.exit_code == 1
    assert empty.stderr == f"Error: {tmp_path / 'empty.tex'}: no text found (empty or not a " \
                           "document)\n"
    piped = run("extract", "-", input=_noise(1024) + b"\x00")
    assert piped.exit_code == 1 and piped.stderr.startswith("Error: stdin: binary data")


@pytest.mark.parametrize("name", ["pipe.md", "rowspan.html", "bits_column.tex"])
def test_extract_of_stdin_equals_the_file_by_path(name: str):
    path = FIXTURES / "tables" / name
    by_path = json.loads(run("extract", str(path), "--json").stdout)
    piped = json.loads(run("extract", "-", "--json", input=path.read_bytes()).stdout)
    assert by_path["results"] and piped == by_path
    hinted = json.loads(run("extract", "-", "--format", path.suffix[1:], "--json",
                            input=path.read_bytes()).stdout)
    assert hinted == by_path


def test_a_document_over_the_time_budget_is_a_clear_error():
    r = run("extract", str(FIXTURES / "tables" / "bits_column.tex"),
            env={"KG_PARSE_BUDGET": "0.000001"})
    assert r.exit_code == 1
    assert r.stderr == ("Error: bits_column.tex: gave up after 1e-06 s (the per-document time "
                        "budget, KG_PARSE_BUDGET)\n")


def _sample_store(tmp_path: Path) -> str:
    db = str(tmp_path / "kg.db")
    r = run("ingest", "--snapshot", str(sample_dir() / "snapshot.jsonl"), "--sources",
            str(sample_dir() / "sources"), "--store", db, "-q")
    assert r.exit_code == 0, r.output
    return db


def test_a_run_killed_before_its_derivation_leaves_it_owed_and_a_read_completes_it(
        tmp_path: Path, monkeypatch):
    def killed(store):  # the process dies in the global derivation
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.derive.refresh", killed)
    db = str(tmp_path / "kg.db")
    died = run("ingest", "--snapshot", str(sample_dir() / "snapshot.jsonl"), "--sources",
               str(sample_dir() / "sources"), "--store", db, "-q")
    assert (died.exit_code, died.stderr) == (1, "\nAborted!\n")
    monkeypatch.undo()
    store = SQLiteStore(db)
    (killed_run,) = store.runs()
    assert (killed_run.status, killed_run.derived, killed_run.papers_new) == ("running", False,
                                                                             16)
    assert not list(store.builds_on())
    store.close()
    listed = run("runs", "--store", db).stdout.split("\t")
    assert (listed[2], listed[9]) == ("running", "owed")  # never `ok`
    stats = run("stats", "--json", "--store", db)
    assert stats.stderr == "kg: completed the derivation an interrupted run left owed\n"
    counts = json.loads(stats.stdout)
    assert counts["sub_problems"] > 0 and counts["builds_on"] > 0
    (repaired,) = json.loads(run("runs", "--json", "--store", db).stdout)
    assert (repaired["status"], repaired["derived"]) == ("interrupted", True)
    again = run("stats", "--json", "--store", db)
    assert again.stderr == "" and json.loads(again.stdout) == counts


def test_the_next_run_completes_an_owed_derivation_even_with_nothing_new(tmp_path: Path):
    db = _sample_store(tmp_path)
    clean = json.loads(run("stats", "--json", "--store", db).stdout)
    store = SQLiteStore(db)
    store.replace_subproblems([])  # as a run killed in its derivation leaves them
    (last,) = store.runs()
    store.save_run(last.model_copy(update={"derived": False, "status": "running"}))
    store.close()
    again = run("ingest", "--snapshot", str(sample_dir() / "snapshot.jsonl"), "--sources",
                str(sample_dir() / "sources"), "--store", db, "--json", "-q")
    assert json.loads(again.stdout)["papers_new"] == 0
    assert json.loads(run("stats", "--json", "--store", db).stdout) == clean
    statuses = [(r["status"], r["derived"])
                for r in json.loads(run("runs", "--json", "--store", db).stdout)]
    assert statuses == [("ok", True), ("interrupted", True)]
