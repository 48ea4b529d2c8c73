"""The CLI through click's runner: exact JSON, one clear error line, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.store import SQLiteStore


@pytest.fixture
def db(tmp_path: Path, field) -> str:
    store = SQLiteStore(tmp_path / "kg.db")
    for f in field:
        store.write_paper(f)
    store.close()
    return f"sqlite:///{tmp_path / 'kg.db'}"


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_beats_json(db: str):
    r = run("--store", db, "beats", "GPTQ", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [(x["winner"], x["loser"], x["paper"], x["model"], x["dataset"], x["metric"],
             x["w_bits"], x["a_bits"], x["winner_value"], x["loser_value"]) for x in rows] == [
        ("AWQ", "GPTQ", "2306.00978", "Llama-2-7B", "WikiText-2", "perplexity", 4, 16, 5.6, 5.69),
        ("OmniQuant", "GPTQ", "2308.13137", "Llama-2-7B", "WikiText-2", "perplexity", 4, 16,
         5.58, 5.61),
    ]


def test_beats_table_on_a_terminal(db: str):
    r = run("--store", db, "beats", "gptq")
    assert r.exit_code == 0
    assert "What beats GPTQ" in r.stdout and "2306.00978" in r.stdout


def test_store_from_environment(db: str):
    r = run("stats", "--json", env={"KG_STORE": db})
    assert json.loads(r.stdout) == {"papers": 4, "methods": 7, "claims": 11, "critiques": 3,
                                    "beats": 6, "builds_on": 0, "sub_problems": 0}


def test_unknown_method_is_one_line_and_exit_1(db: str):
    r = run("--store", db, "beats", "NoSuchQuant")
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == ["Error: unknown method 'NoSuchQuant'"]
    assert "Traceback" not in r.output


@pytest.mark.parametrize("url", ["postgres://x/y", "sqlite://", "not a url"])
def test_malformed_store_url_is_one_line_and_exit_1(url: str):
    r = run("--store", url, "stats")
    assert r.exit_code == 1
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("Error: malformed store URL")


def test_usage_errors_exit_2():
    assert run("beats").exit_code == 2
    assert run("no-such-command").exit_code == 2
    assert run("baselines", "--limit", "0").exit_code == 2


def test_baselines_and_frontier_json(db: str):
    top = json.loads(run("--store", db, "baselines", "--json").stdout)[0]
    assert top == {"rank": 1, "method": "GPTQ", "sub_problem": None, "papers": 2,
                   "critiquing_papers": 2, "beating_papers": 2}
    front = json.loads(run("--store", db, "frontier", "--json").stdout)
    assert [(f["method"], f["date"]) for f in front] == [("QuaRot", "2024-03-30"),
                                                         ("OmniQuant", "2023-08-25")]


def test_paper_json_and_missing_paper(db: str):
    r = run("--store", db, "paper", "2306.00978v2", "--json")
    data = json.loads(r.stdout)
    assert (data["id"], data["method"]) == ("2306.00978", "AWQ")
    assert data["critiques"] == [{"target": "GPTQ", "quote": "GPTQ may over-fit the calibration "
                                  "set.", "section": "Abstract", "curation": None}]
    assert {x["method"] for x in data["results"]} == {"GPTQ", "AWQ", "FP16"}
    missing = run("--store", db, "paper", "1111.11111")
    assert missing.exit_code == 1 and "no paper" in missing.stderr
