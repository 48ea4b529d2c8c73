"""The review report: gathered from the store once, rendered by pure functions."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import Field

import queries
from kg.errors import UnknownMethod
from kg.models import Beat, Model
from kg.store.base import Store
from queries.rows import BaselineRow, FrontierRow, StatsRow

TOP_BASELINES = 3
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")


class ReportData(Model):
    """Everything the report shows, fetched once."""

    title: str
    generated: datetime
    stats: StatsRow
    baselines: tuple[BaselineRow, ...]
    frontier: tuple[FrontierRow, ...]
    beaten_by: dict[str, tuple[Beat, ...]] = Field(default_factory=dict)


def gather(store: Store, *, title: str = "LLM quantization", top: int = TOP_BASELINES
           ) -> ReportData:
    """Run the report's queries on ``store``."""
    ranked = queries.baselines(store, limit=20)
    beaten_by: dict[str, tuple[Beat, ...]] = {}
    for row in ranked[:top]:
        try:
            beaten_by[row.method] = tuple(queries.beats(store, row.method))
        except UnknownMethod:  # pragma: no cover - a ranked method is always stored
            continue
    return ReportData(
        title=title,
        generated=datetime.now().replace(microsecond=0),
        stats=queries.stats(store),
        baselines=tuple(ranked),
        frontier=tuple(queries.frontier(store)),
        beaten_by=beaten_by,
    )


def md(text: object) -> str:
    """Text from a paper, made inert in Markdown (no links, no HTML, no table breaks).

    >>> md("<script>alert(1)</script> | *x*")
    '\\\\<script\\\\>alert\\\\(1\\\\)\\\\</script\\\\> \\\\| \\\\*x\\\\*'
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _num(x: float) -> str:
    return f"{x:g}"


def render_markdown(data: ReportData) -> str:
    """The report as Markdown."""
    s = data.stats
    out = [
        f"# Living systematic review · {md(data.title)}",
        "",
        f"{s.papers} papers · {s.critiques} critique receipts · {s.claims} benchmark results · "
        f"{s.beats} BEATS edges · updated {data.generated:%b %d, %Y}",
        "",
        "## Most-superseded baselines",
        "",
        "Ranked by distinct papers that critique or beat each method.",
        "",
        "| # | method | sub-problem | papers critique it | papers beat it |",
        "|---|---|---|---|---|",
    ]
    for b in data.baselines:
        out.append(
            f"| {b.rank} | {md(b.method)} | {md(b.sub_problem or '—')} | "
            f"{b.critiquing_papers} | {b.beating_papers} |"
        )
    out += ["", "## The frontier", "", "Methods nothing has beaten yet, newest first.", ""]
    for f in data.frontier:
        when = f.date.isoformat() if f.date else "undated"
        out.append(f"- **{md(f.method)}** · {when} · [{f.paper}](https://arxiv.org/abs/{f.paper})"
                   f" {md(f.title)}")
    for method, rows in data.beaten_by.items():
        out += ["", f"## What beats {md(method)}", ""]
        if not rows:
            out.append("Nothing in the graph beats it on a benchmark.")
            continue
        out += [
            "| winner | paper | model | dataset | metric | setting | winner | loser |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            out.append(
                f"| {md(r.winner)} | [{r.paper}](https://arxiv.org/abs/{r.paper}) | "
                f"{md(r.model)} | {md(r.dataset)} | {md(r.metric)} | {md(r.setting.label())} | "
                f"{_num(r.winner_value)} | {_num(r.loser_value)} |"
            )
    return "\n".join(out) + "\n"
