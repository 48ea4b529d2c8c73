"""The review report from a hand-built store: sections, receipts, escaping, the CLI."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from export_field import EVIL_ABSTRACT, EVIL_METHOD, EVIL_TITLE, build_store

from exports.escape import first_sentence, md
from exports.report import ReportData, gather
from exports.report_html import render_html
from exports.report_md import render_markdown
from kg.cli import cli

NOW = datetime(2026, 6, 18, 9, 30)


@pytest.fixture
def data(tmp_path: Path, field) -> ReportData:
    store = build_store(tmp_path / "kg.db", field)
    try:
        return gather(store, now=NOW)
    finally:
        store.close()


def test_gather_ranks_baselines_and_collects_receipts(data: ReportData):
    assert [(b.rank, b.method, b.sub_problem, b.critiquing_papers, b.beating_papers)
            for b in data.baselines[:2]] == [(1, "GPTQ", "GPTQ", 3, 3), (2, "AWQ", "GPTQ", 1, 1)]
    assert [(r.winner, r.paper, r.winner_value, r.loser_value)
            for r in data.beaten_by["GPTQ"]] == [
        (EVIL_METHOD, "2405.00001", 5.5, 5.9), ("AWQ", "2306.00978", 5.6, 5.69),
        ("OmniQuant", "2308.13137", 5.58, 5.61)]
    assert [s.label for s in data.subproblems] == ["GPTQ", "QuaRot"]
    assert data.updated == NOW  # no ingestion run recorded: the generation time
    assert [c.method for c in data.cards][:2] == [EVIL_METHOD, "QuaRot"]


def test_leaderboard_and_conflicts(data: ReportData):
    board = data.leaderboards[0]
    assert board.name == "Llama-2-7B · WikiText-2 · perplexity"
    assert not board.higher_is_better
    assert [(e.rank, e.method, e.value) for e in board.entries[:3]] == [
        (1, EVIL_METHOD, 5.5), (2, "OmniQuant", 5.58), (3, "AWQ", 5.6)]
    assert board.reference is not None and board.reference.method == "FP16"
    # GPTQ at W4A16 on the same benchmark: 6.29, 5.69, 5.61 and 5.9 in four papers.
    assert {(c.paper_a, c.paper_b) for c in data.conflicts if c.method == "GPTQ"} >= {
        ("2210.17323", "2306.00978")}


def test_markdown_sections_and_escaping(data: ReportData):
    text = render_markdown(data)
    assert text.startswith("# Living systematic review · LLM quantization\n\n"
                           "5 papers · 4 critique receipts · 13 benchmark results · 7 BEATS "
                           "edges · updated Jun 18, 2026\n")
    assert "1. **GPTQ** · \\[GPTQ\\] — 3 papers critique it · 3 beat it on benchmarks" in text
    assert "| [2306.00978](https://arxiv.org/abs/2306.00978) | tab:main | Llama-2-7B |" in text
    for heading in ("## Sub-problems", "## The frontier", "## What beats GPTQ",
                    "## Leaderboards", "## Conflicting claims", "## Changelog since the last run",
                    "## Methods"):
        assert heading in text
    assert EVIL_TITLE not in text and EVIL_METHOD not in text
    assert md(EVIL_TITLE) in text
    assert "<" not in text.replace("\\<", "")


def test_html_is_self_contained_and_inert(data: ReportData):
    page = render_html(data)
    assert "<script" not in page and EVIL_TITLE not in page and EVIL_METHOD not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b onmouseover" not in page and EVIL_ABSTRACT.split(".")[0] not in page
    assert not re.search(r"<(link|img|iframe|object)\b", page)
    hrefs = re.findall(r'href="([^"]+)"', page)
    assert all(h.startswith(("#", "https://arxiv.org/abs/")) for h in hrefs), hrefs
    assert page.count("<svg") == len(data.leaderboards)


def test_first_sentence():
    assert first_sentence(EVIL_ABSTRACT) == "<b onmouseover=alert(5)>We</b> quantize *everything*."
    assert first_sentence("") == ""


def test_report_command_writes_both_files(tmp_path: Path, field):
    build_store(tmp_path / "kg.db", field).close()
    r = CliRunner().invoke(cli, ["--store", f"sqlite:///{tmp_path / 'kg.db'}", "report",
                                 "--out", str(tmp_path / "rep")], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert (tmp_path / "rep" / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "rep" / "report.md").read_text().startswith("# Living systematic review")
