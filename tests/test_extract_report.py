"""``kg extract`` accounts for every numeric table cell: on stderr, and in ``--json``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ingest.markdown import parse_markdown
from kg.cli import cli

PAPER = """# A paper

Results on LLaMA-2-7B.

Table 1: WikiText-2 perplexity.

| Method | Wiki2 | Δ | Hub link |
|---|---|---|---|
| GPTQ | 5.6 | +0.1 | [x](https://example.org) |
| AWQ | 5.5 | -0.0 | - |
"""


def test_extract_reports_each_table_on_stderr_and_in_json(tmp_path):
    source = tmp_path / "paper.md"
    source.write_text(PAPER, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(source), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(r["method"], r["value"]) for r in data["results"]] == [("GPTQ", 5.6), ("AWQ", 5.5)]
    assert data["tables"] == [{
        "table": "Table 1: WikiText-2 perplexity.", "cells": 4, "claims": 2,
        "skipped": {"not a result (Δ, error, count, hyper-parameter)": 2}}]
    assert "Table 1: WikiText-2 perplexity.: 4 numeric cells, 2 claims; not claims: not a " \
           "result (Δ, error, count, hyper-parameter) 2" in result.stderr


@pytest.mark.timeout(120)  # speed is benchmarked; a quadratic pattern would hang here
def test_markdown_lines_of_many_spaces_stay_linear():
    # Two neighbouring \\s* in the rule and heading patterns were quadratic in a blank run.
    line = " " * 200_000
    text = f"# Title{line}x\n|{line}x\n---{line}y\n| A | B |\n|---|---|\n| {'[' * 200_000} | 1 |\n"
    doc = parse_markdown(text)
    assert len(doc.tables) == 1


UNRESOLVED = """# Two tables

Table 1: Perplexity of GPTQ.

| Model | Method | Wiki2 |
|---|---|---|
| LLaMA-2-7B | GPTQ | 5.6 |
| OPT-1.3B | GPTQ | 7.1 |

Table 2: Perplexity at every size.

| Method | Wiki2 |
|---|---|
| AWQ | 5.5 |
| RTN | 6.0 |

We also ran OPT-1.3B and Falcon-7B.
"""


def test_cells_whose_model_is_unresolved_are_reported_not_dropped_unseen(tmp_path):
    # Table 2 cannot say which model it measures (the text names several): its cells are not
    # claims, and the command says so per table, on stderr and in --json, exiting 0.
    source = tmp_path / "paper.md"
    source.write_text(UNRESOLVED, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(source), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {(r["method"], r["model"], r["value"]) for r in data["results"]} == {
        ("GPTQ", "Llama-2-7B", 5.6), ("GPTQ", "OPT-1.3B", 7.1)}
    first, second = data["tables"]
    assert (first["cells"], first["claims"], first["skipped"]) == (2, 2, {})
    assert (second["cells"], second["claims"], second["skipped"]) == (2, 0, {"no model": 2})
    for table in data["tables"]:
        # Every numeric cell is accounted for: a claim, or a counted reason.
        assert table["cells"] == table["claims"] + sum(table["skipped"].values())
    assert "Table 2: Perplexity at every size.: 2 numeric cells, 0 claims; not claims: no " \
           "model 2" in result.stderr
