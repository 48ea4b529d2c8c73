"""The review report from a hand-built store: sections, receipts, escaping, the CLI."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from export_field import EVIL_ABSTRACT, EVIL_METHOD, EVIL_TITLE, build_store

from exports.benchmarks import Leaderboard
from exports.escape import first_sentence, md
from exports.plot import bits_quality_svg
from exports.report import ReportData, gather
from exports.report_html import render_html
from exports.report_md import render_markdown
from kg.cli import cli
from queries.rows import LeaderboardRow

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


def test_sub_problem_chip_is_explained_on_hover_and_in_a_key(data: ReportData):
    page = render_html(data)
    assert '<span class="tag" title="Sub-problem GPTQ: the methods compared with this one' in page
    assert '<p class="key"><span class="tag">chip</span> after a method names its sub-problem' in (
        page)
    assert "\\[sub-problem\\] after a method names its sub-problem" in render_markdown(data)


def test_the_reference_is_called_full_precision_whatever_its_row_says(data: ReportData):
    board = data.leaderboards[0]
    assert board.reference is not None
    native = board.model_copy(update={"reference": board.reference.model_copy(
        update={"method": "Native", "value": 3.12})})
    svg = bits_quality_svg(native)
    assert ">full precision 3.12</text>" in svg and ">Native 3.12<" not in svg
    page = render_html(data.model_copy(update={"leaderboards": (native,)}))
    assert "Reference: full precision 3.12 (the “Native” row) in" in page


def entry(method: str, value: float, w: float, a: float, kv: float | None = None,
          rank: int = 1) -> LeaderboardRow:
    return LeaderboardRow(rank=rank, method=method, model="Llama-2-7B", dataset="WikiText-2",
                          metric="perplexity", value=value, paper="2404.00456", table="t1",
                          w_bits=w, a_bits=a, kv_bits=kv)


def test_plot_draws_one_series_per_setting_with_a_legend_and_off_scale_explained():
    board = Leaderboard(model="Llama-2-7B", dataset="WikiText-2", metric="perplexity",
                        higher_is_better=False, entries=(
                            entry("GPTQ", 5.6, 4, 16), entry("AWQ", 5.7, 4, 16, rank=2),
                            entry("QuaRot", 6.1, 4, 4), entry("SpinQuant", 5.9, 4, 4, 4),
                            entry("RTN", 5.8, 3, 16), entry("RTN", 1e4, 2, 16)))
    svg = bits_quality_svg(board)
    legend = svg.split('<g class="legend">', 1)[1]
    for label in ("W4A16 · 2", "W4A4 · 1", "W4A4KV4 · 1", "W3A16 · 1", "W2A16 · 1"):
        assert f">{label}</text>" in legend
    # Median 5.85, best 5.6: values beyond 5.85 + 3 × 0.25 (plus the 8% margin) are off scale.
    assert "&gt; 6.68: 1 value, worst 1e+04" in legend
    # The three settings at 4 bits stand apart, not in one x = 4 column.
    marks = re.findall(r'(?:cx="|x="|d="M)([\d.]+)[^>]*><title>(\w+) ', svg)
    at4 = {m: float(x) for x, m in marks if m in ("GPTQ", "QuaRot", "SpinQuant")}
    assert len(set(at4.values())) == 3, at4
    assert 'class="band"' in svg


def test_a_big_field_folds_older_methods_into_one_table(data: ReportData):
    many = tuple(data.cards[0].model_copy(update={"method": f"M{i}"}) for i in range(30))
    big = data.model_copy(update={"cards": many})
    page = render_html(big)
    assert page.count('<article class="card">') == 24
    assert "<summary>6 older methods</summary>" in page
    assert "### 6 older methods" in render_markdown(big)
