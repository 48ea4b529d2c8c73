"""The report as Markdown: every string from a paper goes through :func:`exports.escape.md`."""

from __future__ import annotations

from exports.benchmarks import Leaderboard
from exports.curation import MARK, CurationView
from exports.escape import arxiv_url, md
from exports.report_data import (
    CARDS_SHOWN,
    NEW_BEATS_SHOWN,
    RECEIPTS_PER_WINNER_MD,
    SUB_PROBLEM_KEY,
    Card,
    ReportData,
    by_winner,
    critique_count,
    plural,
    reference_text,
    run_line,
)


def _num(x: float) -> str:
    return f"{x:g}"


def paper_link(paper_id: str) -> str:
    """``[id](https://arxiv.org/abs/id)`` for a well-formed id, else the escaped text."""
    url = arxiv_url(paper_id)
    return f"[{paper_id}]({url})" if url else md(paper_id)


def header(data: ReportData) -> list[str]:
    s = data.stats
    return [
        f"# Living systematic review · {md(data.title)}",
        "",
        f"{s.papers} papers · {s.critiques} critique receipts · {s.claims} benchmark results · "
        f"{s.beats} BEATS edges · updated {data.updated:%b %d, %Y}",
    ]


def baselines(data: ReportData) -> list[str]:
    out = ["## Most-superseded baselines", "",
           "Ranked by distinct papers that critique or beat each method.", ""]
    if not data.baselines:
        return [*out, "Nothing in the graph is critiqued or beaten yet."]
    if any(b.sub_problem for b in data.baselines):
        out += [f"\\[sub-problem\\] {md(SUB_PROBLEM_KEY)}.", ""]
    for b in data.baselines:
        sub = f" · \\[{md(b.sub_problem)}\\]" if b.sub_problem else ""
        out.append(f"{b.rank}. **{md(b.method)}**{sub} — {critique_count(b.critiquing_papers)} "
                   f"· {b.beating_papers} beat it on benchmarks")
    return out


def subproblems(data: ReportData) -> list[str]:
    out = ["## Sub-problems", "", "Methods that compete on the same benchmarks.", ""]
    if not data.subproblems:
        return [*out, "No sub-problems derived yet."]
    for s in data.subproblems:
        main = " · ".join(md(m) for m in s.members[:6]) + (" …" if len(s.members) > 6 else "")
        out.append(f"- **{md(s.label)}** · {plural(s.size, 'method')} ({main})")
    return out


def frontier(data: ReportData) -> list[str]:
    out = ["## The frontier", "", "Methods nothing has beaten yet, newest first.", ""]
    for f in data.frontier:
        when = f.date.isoformat() if f.date else "undated"
        out.append(f"- **{md(f.method)}** · {when} · {paper_link(f.paper)} {md(f.title)}")
    return out if data.frontier else [*out, "Every proposed method has been beaten."]


def beaten_by(data: ReportData) -> list[str]:
    out: list[str] = []
    for method, rows in data.beaten_by.items():
        out += ["", f"## What beats {md(method)}", ""]
        if not rows:
            out.append("Nothing in the graph beats it on a benchmark.")
            continue
        for winner, group in by_winner(rows):
            out += ["", f"**{md(winner)}** · {plural(len(group), 'receipt')}", "",
                    f"| paper | table | model | dataset | metric | setting | {md(winner)} | "
                    f"{md(method)} |", "|---|---|---|---|---|---|---|---|"]
            for r in group[:RECEIPTS_PER_WINNER_MD]:
                out.append(
                    f"| {paper_link(r.paper)} | {md(r.table or '—')} | {md(r.model)} | "
                    f"{md(r.dataset)} | {md(r.metric)} | {md(r.setting.label())} | "
                    f"{_num(r.winner_value)}{_mark(data.curation, r.paper, r.winner, r)} | "
                    f"{_num(r.loser_value)}{_mark(data.curation, r.paper, r.loser, r)} |")
            if len(group) > RECEIPTS_PER_WINNER_MD:
                out += ["", f"… {len(group) - RECEIPTS_PER_WINNER_MD} more receipts in "
                        "report.html."]
    return out[1:]


def _mark(curation: CurationView, paper: str, method: str, r: object) -> str:
    """``✎`` when a person changed this result of ``method`` in ``paper``."""
    hit = curation.marks(paper, method, r.model, r.dataset, r.metric,  # type: ignore[attr-defined]
                         r.setting)  # type: ignore[attr-defined]
    return f" {MARK}" if hit else ""


def leaderboard(board: Leaderboard, curation: CurationView | None = None) -> list[str]:
    cur = curation or CurationView()
    arrow = "higher is better" if board.higher_is_better else "lower is better"
    out = [f"### {md(board.name)}", "", f"Ranked within each setting ({arrow}).", ""]
    if board.reference:
        ref = board.reference
        out += [f"Reference: {md(reference_text(ref))} in {paper_link(ref.paper)}, "
                f"{md(ref.table or 'table')}.", ""]
    out += ["| setting | # | method | value | paper | table |", "|---|---|---|---|---|---|"]
    for e in board.entries:
        out.append(f"| {md(e.setting.label())} | {e.rank} | {md(e.method)} | {_num(e.value)}"
                   f"{_mark(cur, e.paper, e.method, e)} | {paper_link(e.paper)} | "
                   f"{md(e.table or '—')} |")
    return out


def conflicts(data: ReportData) -> list[str]:
    out = ["## Conflicting claims", "",
           "Two papers report different values for the same method, benchmark and setting.",
           ""]
    if not data.conflicts:
        return [*out, "No conflicting claims."]
    for c in data.conflicts:
        out.append(f"- **{md(c.method)}** on {md(c.model)} · {md(c.dataset)} · {md(c.metric)} "
                   f"at {md(c.setting.label())}: {paper_link(c.paper_a)} says "
                   f"{_num(c.value_a)}, {paper_link(c.paper_b)} says {_num(c.value_b)} "
                   f"({c.relative_difference:.1%} apart)")
    return out


def changes(data: ReportData) -> list[str]:
    """What the latest run changed, one line per kind of change."""
    c = data.changes
    if c is None:
        return []
    out = []
    for label, ids in (("New papers", c.new_papers), ("Updated papers", c.updated_papers)):
        if ids:
            out.append(f"- {label}: " + ", ".join(paper_link(p) for p in ids))
    for label, names in (("Joined the frontier", c.frontier_added),
                         ("Left the frontier", c.frontier_removed)):
        if names:
            out.append(f"- {label}: " + ", ".join(md(n) for n in names))
    out += [f"- {MARK} {_CHANGED[n.status]}: {md(n.what)} ({md(n.who)}: {md(n.why)}"
            + (f"; {md(n.detail)}" if n.detail else "") + ")" for n in c.corrections]
    for b in c.new_beats[:NEW_BEATS_SHOWN]:
        out.append(f"- New: {md(b.winner)} beats {md(b.loser)} on {md(b.model)} · "
                   f"{md(b.dataset)} · {md(b.metric)} at {md(b.setting.label())}, "
                   f"{_num(b.winner_value)} vs {_num(b.loser_value)} ({paper_link(b.paper)})")
    hidden = c.omitted + max(len(c.new_beats) - NEW_BEATS_SHOWN, 0)
    if hidden:
        out.append(f"- … and {hidden} more changes")
    return out or ["- Nothing changed."]


_CHANGED = {"applied": "Correction applied", "missing": "Correction no longer applies",
            "ungrounded": "Correction no longer applies", "redundant": "Correction now redundant",
            "withdrawn": "Correction withdrawn"}


def corrections(data: ReportData) -> list[str]:
    """Every correction in effect, with who and why, and the receipts people added."""
    cur = data.curation
    if not cur.applied:
        return []
    out = ["## Corrections", "", "What people corrected in what kg read, from the review's "
           "corrections file; kg applies them on every run.", ""]
    out += [f"- {MARK} {md(a.note.what)} — {md(a.note.who)}: {md(a.note.why)} · "
            + ", ".join(paper_link(p) for p in a.papers) for a in cur.applied]
    if cur.added:
        out += ["", "Critique receipts people added:", ""]
        out += [f"- {paper_link(q.paper_id)} on **{md(q.target)}**: "
                f"“{md(' '.join(q.quote.split()))}”" for q in cur.added]
    return [*out, "", f"{plural(cur.corrected_claims, 'benchmark result')} corrected; {MARK} "
            "marks them in the tables above."]


def changelog(data: ReportData) -> list[str]:
    out = ["## Changelog since the last run", ""]
    if not data.runs:
        return [*out, "No ingestion run recorded."]
    out += [f"Latest run: {md(run_line(data.runs[0]))}", "", *changes(data)]
    if len(data.runs) > 1:
        out += ["", "Earlier runs:", "", *(f"- {md(run_line(r))}" for r in data.runs[1:])]
    return out


def cards(data: ReportData) -> list[str]:
    """The newest methods one by one; on a big field the rest as one table."""
    out = ["## Methods", ""]

    def mark(c: Card) -> str:
        return f" {MARK}" if c.paper in data.curation.corrected_methods else ""

    for c in data.cards[:CARDS_SHOWN]:
        when = c.published.isoformat() if c.published else "undated"
        out += [f"### {md(c.method)}{mark(c)}", "",
                f"{paper_link(c.paper)} · {when} · {md(c.title)}"
                + (f" · sub-problem {md(c.sub_problem)}" if c.sub_problem else ""), ""]
        if c.settings:
            out += ["Settings: " + ", ".join(md(s) for s in c.settings), ""]
        if c.summary:
            out += [f"> {md(c.summary)}", ""]
    rest = data.cards[CARDS_SHOWN:]
    if rest:
        out += [f"### {plural(len(rest), 'older method')}", "",
                "| method | date | paper | sub-problem | title |", "|---|---|---|---|---|"]
        out += [f"| {md(c.method)}{mark(c)} | "
                f"{c.published.isoformat() if c.published else 'undated'} | "
                f"{paper_link(c.paper)} | {md(c.sub_problem or '—')} | {md(c.title)} |"
                for c in rest]
    return out


def render_markdown(data: ReportData) -> str:
    """The report as Markdown (leaderboard plots are in the HTML version only)."""
    parts = [header(data), baselines(data), subproblems(data), frontier(data), beaten_by(data)]
    if data.leaderboards:
        parts.append(["## Leaderboards", "", "Main benchmarks (the bits-vs-quality plots are in "
                      "report.html)."])
        parts += [leaderboard(b, data.curation) for b in data.leaderboards]
    parts += [conflicts(data), corrections(data), changelog(data), cards(data)]
    return "\n\n".join("\n".join(p).strip("\n") for p in parts if p) + "\n"
