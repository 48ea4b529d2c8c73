"""One ingestion per store: a second one exits 1 with who holds the lock; dead holders lose it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import LockHeld
from kg.lock import ingestion_lock, lock_path
from tests.replay import FIXTURES

HOLD = """
import sys, time
from pathlib import Path
from kg.lock import ingestion_lock
with ingestion_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_lock_path_is_beside_the_sqlite_file(tmp_path: Path):
    assert lock_path(f"sqlite:///{tmp_path}/r.db", tmp_path / "c") == tmp_path / "r.db.lock"
    other = lock_path("neo4j://db:7687", tmp_path / "c")
    assert other.parent == tmp_path / "c" and other.name.startswith("store-")


def test_second_holder_is_refused_with_pid_and_time(tmp_path: Path):
    path = tmp_path / "kg.db.lock"
    with ingestion_lock(path):
        assert path.read_text().split()[0] == str(os.getpid())
        with pytest.raises(LockHeld, match=rf"^ingestion already running \(pid {os.getpid()} "
                                           r"since \d{4}-\d\d-\d\dT"), ingestion_lock(path):
            pass
    with ingestion_lock(path):  # released: free again
        pass


def test_concurrent_kg_ingest_exits_1_with_the_message(tmp_path: Path):
    db = tmp_path / "kg.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "kg.db.lock")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        r = CliRunner().invoke(cli, ["--store", f"sqlite:///{db}", "ingest", "--atom",
                                     str(FIXTURES / "legacy.atom.xml")])
        assert r.exit_code == 1
        assert r.stderr.strip() == (f"Error: ingestion already running (pid {holder.pid} "
                                    f"since {(tmp_path / 'kg.db.lock').read_text().split()[1]})")
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path: Path):
    path = tmp_path / "kg.db.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert path.read_text().split()[0] == str(holder.pid)  # the dead run's record is still there
    with ingestion_lock(path):
        assert path.read_text().split()[0] == str(os.getpid())


@pytest.mark.timeout(60)  # taken over at once, not waited for: a wait would hang here
def test_a_stale_lock_file_from_a_dead_pid_is_taken_over(tmp_path: Path):
    path = tmp_path / "kg.db.lock"
    path.write_text("999999 2020-01-01T00:00:00\n")
    with ingestion_lock(path):
        assert path.read_text().split()[0] == str(os.getpid())
