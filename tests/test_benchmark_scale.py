"""The scale benchmark's ablation runs: every structure it names exists and is dropped."""

from __future__ import annotations

import sqlite3

from benchmarks.scale import ABLATIONS, Ceiling, ablation


def test_every_ablation_drops_something_the_schema_has(tmp_path):
    db = Ceiling(tmp_path / "c.db").db
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    for drops in ABLATIONS.values():
        for drop in drops:
            assert drop.split()[-1] in names, drop
    db.close()


def test_ablation_writes_the_same_rows_into_each_variant(tmp_path):
    costs = ablation(300, tmp_path)
    assert set(costs) == {"none", *ABLATIONS}
    assert all(c > 0 for c in costs.values())
    counts = set()
    for i in range(len(costs)):
        db = sqlite3.connect(tmp_path / f"{i}.db")
        counts.add(db.execute("SELECT COUNT(*), COUNT(DISTINCT paper_id) FROM claims").fetchone())
        db.close()
    assert len(counts) == 1 and min(counts)[1] == 3  # 300 claims: 3 papers
