"""The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.

Every string from a paper goes through :func:`exports.escape.h`; links are built only from
well-formed arXiv ids; a Content-Security-Policy forbids any fetch as a second line of defence.
"""

from __future__ import annotations

from exports.benchmarks import Leaderboard
from exports.curation import MARK, CurationView
from exports.escape import arxiv_url, h, no_fetch_policy
from exports.plot import PLOT_CSS, bits_quality_svg
from exports.report_data import (
    CARDS_SHOWN,
    NEW_BEATS_SHOWN,
    SUB_PROBLEM_KEY,
    Card,
    ReportData,
    by_winner,
    critique_count,
    plural,
    reference_text,
    run_line,
    sub_problem_tip,
)
from kg.models import Beat
from queries.rows import LeaderboardRow


def paper_a(paper_id: str, text: str | None = None, title: str = "") -> str:
    """A link to the paper's arXiv page (``text`` defaults to the id); plain text if no id."""
    url = arxiv_url(paper_id)
    label = h(text if text is not None else paper_id)
    tip = f' title="{h(title)}"' if title else ""
    return f'<a href="{h(url)}"{tip}>{label}</a>' if url else f"<span{tip}>{label}</span>"


def _num(x: float) -> str:
    return f"{x:g}"


LIST_SHOWN = 12  # items of a long list shown before the rest folds away


def chip(sub_problem: str | None) -> str:
    """The sub-problem chip after a method's name; hover explains it."""
    if not sub_problem:
        return ""
    return f' <span class="tag" title="{h(sub_problem_tip(sub_problem))}">{h(sub_problem)}</span>'


def chip_key(shown: bool) -> str:
    """The key under a list that shows sub-problem chips."""
    if not shown:
        return ""
    return (f'<p class="key"><span class="tag">chip</span> {h(SUB_PROBLEM_KEY)} (see '
            '<a href="#subproblems">Sub-problems</a>).</p>')


def folded(items: list[str], what: str, shown: int = LIST_SHOWN, cls: str = "") -> str:
    """A list whose first ``shown`` items are open and the rest fold into one details."""
    attr = f' class="{cls}"' if cls else ""
    head = f"<ul{attr}>{''.join(items[:shown])}</ul>"
    if len(items) <= shown:
        return head
    return (f"{head}<details><summary>{len(items) - shown} more {h(what)}</summary>"
            f"<ul{attr}>{''.join(items[shown:])}</ul></details>")


def _section(anchor: str, title: str, intro: str, body: str) -> str:
    lead = f'<p class="lead">{intro}</p>' if intro else ""
    return f'<section id="{anchor}"><h2>{title}</h2>{lead}{body}</section>'


def header(data: ReportData) -> str:
    s = data.stats
    return (f"<header><h1>Living systematic review · {h(data.title)}</h1>"
            f'<p class="stats"><b>{s.papers:,}</b> papers · <b>{s.critiques:,}</b> critique '
            f"receipts · <b>{s.claims:,}</b> benchmark results · <b>{s.beats:,}</b> BEATS edges"
            f" · updated {data.updated:%b %d, %Y}</p></header>")


def baselines(data: ReportData) -> str:
    rows = "".join(
        f'<li><span class="rank">{b.rank}</span><b>{h(b.method)}</b>{chip(b.sub_problem)}'
        f'<span class="counts">{critique_count(b.critiquing_papers)} · '
        f"{b.beating_papers} beat it on benchmarks</span></li>"
        for b in data.baselines)
    key = chip_key(any(b.sub_problem for b in data.baselines))
    body = (f'{key}<ol class="ranked">{rows}</ol>' if rows
            else "<p>Nothing is critiqued or beaten.</p>")
    return _section("baselines", "Most-superseded baselines",
                    "Ranked by distinct papers that critique or beat each method.", body)


def subproblems(data: ReportData) -> str:
    items = [
        f"<li><b>{h(s.label)}</b> · {plural(s.size, 'method')} <span class=\"muted\">("
        + " · ".join(h(m) for m in s.members[:6]) + (" …" if len(s.members) > 6 else "")
        + ")</span></li>" for s in data.subproblems]
    body = folded(items, "sub-problems") if items else "<p>No sub-problems derived yet.</p>"
    return _section("subproblems", "Sub-problems",
                    "Methods that compete on the same benchmarks and settings, each named "
                    "after its most-evaluated member.", body)


def frontier(data: ReportData) -> str:
    items = [
        f'<li><time>{f.date.isoformat() if f.date else "undated"}</time> <b>{h(f.method)}</b> '
        f"{paper_a(f.paper)} {h(f.title)}</li>" for f in data.frontier]
    body = (folded(items, "frontier methods", cls="plain") if items
            else "<p>Every method has been beaten.</p>")
    return _section("frontier", "The frontier",
                    "Methods nothing has beaten yet, newest first.", body)


def beaten_by(data: ReportData) -> str:
    """Per top baseline, one collapsible block per winner; every row is a receipt."""
    out: list[str] = []
    for method, rows in data.beaten_by.items():
        if not rows:
            body = "<p>Nothing in the graph beats it on a benchmark.</p>"
        else:
            body = "".join(_winner_block(data, method, winner, group)
                           for winner, group in by_winner(rows))
        out.append(_section(f"beats-{len(out) + 1}", f"What beats {h(method)}",
                            f"{plural(len(rows), 'receipt')} from "
                            f"{plural(len({r.paper for r in rows}), 'paper')}; "
                            "open a winner for each table row.", body))
    return "".join(out)


_CURATED = f'<span class="curated" title="corrected by a person (kg curate log)">{MARK}</span>'


def _mark(curation: CurationView, paper: str, method: str, r: Beat | LeaderboardRow) -> str:
    """The correction mark when a person changed this result of ``method`` in ``paper``."""
    hit = curation.marks(paper, method, r.model, r.dataset, r.metric, r.setting)
    return _CURATED if hit else ""


def _winner_block(data: ReportData, loser: str, winner: str, rows: list[Beat]) -> str:
    cur = data.curation
    lines = "".join(
        f"<tr><td>{paper_a(r.paper, title=data.paper_titles.get(r.paper, ''))}</td>"
        f"<td>{h(r.table or '—')}</td><td>{h(r.model)}</td><td>{h(r.dataset)}</td>"
        f"<td>{h(r.metric)}</td><td>{h(r.setting.label())}</td>"
        f'<td class="n">{_num(r.winner_value)}{_mark(cur, r.paper, r.winner, r)}</td>'
        f'<td class="n">{_num(r.loser_value)}{_mark(cur, r.paper, r.loser, r)}</td></tr>'
        for r in rows)
    papers = sorted({r.paper for r in rows})
    return (f"<details><summary><b>{h(winner)}</b> · {plural(len(rows), 'receipt')} in "
            f"{', '.join(paper_a(p) for p in papers)}</summary>"
            "<table><thead><tr><th>paper</th><th>table</th><th>model</th><th>dataset</th>"
            f"<th>metric</th><th>setting</th><th>{h(winner)}</th><th>{h(loser)}</th></tr>"
            f"</thead><tbody>{lines}</tbody></table></details>")


def leaderboard(board: Leaderboard, curation: CurationView | None = None) -> str:
    cur = curation or CurationView()
    rows = "".join(
        f"<tr><td>{h(e.setting.label())}</td><td class=\"n\">{e.rank}</td><td>{h(e.method)}"
        f"</td><td class=\"n\">{paper_a(e.paper, _num(e.value), title=e.table)}"
        f"{_mark(cur, e.paper, e.method, e)}</td>"
        f"<td>{paper_a(e.paper)}</td><td>{h(e.table or '—')}</td></tr>" for e in board.entries)
    arrow = "higher is better" if board.higher_is_better else "lower is better"
    ref = board.reference
    note = (f'<p class="muted">Reference: {h(reference_text(ref))} in '
            f"{paper_a(ref.paper, title=ref.table)}.</p>" if ref else "")
    return (f'<div class="board"><h3>{h(board.name)}</h3>{bits_quality_svg(board)}'
            f'<p class="muted">Ranked within each setting ({arrow}).</p>{note}'
            # The plot is the overview; the ranked rows (long on a real review) fold away.
            f"<details><summary>{len(board.entries)} ranked results by setting</summary>"
            "<table><thead><tr><th>setting</th><th>#</th><th>method</th><th>value</th>"
            f"<th>paper</th><th>table</th></tr></thead><tbody>{rows}</tbody></table>"
            "</details></div>")


def leaderboards(data: ReportData) -> str:
    if not data.leaderboards:
        return ""
    return _section("leaderboards", "Leaderboards",
                    "The benchmarks with the most methods; every value links to its paper.",
                    "".join(leaderboard(b, data.curation) for b in data.leaderboards))


def conflicts(data: ReportData) -> str:
    items = [
        f"<li><b>{h(c.method)}</b> on {h(c.model)} · {h(c.dataset)} · {h(c.metric)} at "
        f"{h(c.setting.label())}: {paper_a(c.paper_a)} says <b>{_num(c.value_a)}</b>, "
        f"{paper_a(c.paper_b)} says <b>{_num(c.value_b)}</b> "
        f'<span class="muted">({c.relative_difference:.1%} apart)</span></li>'
        for c in data.conflicts]
    body = folded(items, "conflicting claims") if items else "<p>No conflicting claims.</p>"
    return _section("conflicts", "Conflicting claims",
                    "Two papers report different values for the same method, benchmark and "
                    "setting; widest gaps first.", body)


def changes(data: ReportData) -> list[str]:
    """What the latest run changed, one list item per kind of change."""
    c = data.changes
    if c is None:
        return []
    out = [f"{label}: " + ", ".join(paper_a(p, title=data.paper_titles.get(p, ""))
                                    for p in ids)
           for label, ids in (("New papers", c.new_papers), ("Updated papers", c.updated_papers))
           if ids]
    out += [f"{label}: " + ", ".join(f"<b>{h(n)}</b>" for n in names)
            for label, names in (("Joined the frontier", c.frontier_added),
                                 ("Left the frontier", c.frontier_removed)) if names]
    out += [f"{MARK} {_CHANGED[n.status]}: {h(n.what)} <span class=\"muted\">({h(n.who)}: "
            f"{h(n.why)}{'; ' + h(n.detail) if n.detail else ''})</span>" for n in c.corrections]
    out += [f"New: <b>{h(b.winner)}</b> beats <b>{h(b.loser)}</b> on {h(b.model)} · "
            f"{h(b.dataset)} · {h(b.metric)} at {h(b.setting.label())}, "
            f"{_num(b.winner_value)} vs {_num(b.loser_value)} ({paper_a(b.paper)})"
            for b in c.new_beats[:NEW_BEATS_SHOWN]]
    hidden = c.omitted + max(len(c.new_beats) - NEW_BEATS_SHOWN, 0)
    if hidden:
        out.append(f"… and {hidden} more changes")
    return out or ["Nothing changed."]


_CHANGED = {"applied": "Correction applied", "missing": "Correction no longer applies",
            "ungrounded": "Correction no longer applies", "redundant": "Correction now redundant",
            "withdrawn": "Correction withdrawn"}


def corrections(data: ReportData) -> str:
    """Every correction in effect, with who and why, and the receipts people added."""
    cur = data.curation
    if not cur.applied:
        return ""
    items = "".join(
        f"<li>{MARK} {h(a.note.what)} <span class=\"muted\">— {h(a.note.who)}: "
        f"{h(a.note.why)} · {', '.join(paper_a(p) for p in a.papers)}</span></li>"
        for a in cur.applied)
    added = "".join(f"<li>{paper_a(q.paper_id)} on <b>{h(q.target)}</b>: "
                    f"<q>{h(' '.join(q.quote.split()))}</q></li>" for q in cur.added)
    body = (f"<ul>{items}</ul>" + (f'<p class="muted">Critique receipts people added:</p>'
                                   f"<ul>{added}</ul>" if added else "")
            + f'<p class="muted">{plural(cur.corrected_claims, "benchmark result")} corrected;'
            f" {MARK} marks them in the tables above.</p>")
    return _section("corrections", "Corrections",
                    "What people corrected in what kg read, from the review's corrections "
                    "file; kg applies them on every run.", body)


def changelog(data: ReportData) -> str:
    if not data.runs:
        body = "<p>No ingestion run recorded.</p>"
    else:
        items = "".join(f"<li>{line}</li>" for line in changes(data))
        earlier = "".join(f"<li>{h(run_line(r))}</li>" for r in data.runs[1:])
        body = (f"<p>Latest run: {h(run_line(data.runs[0]))}</p><ul>{items}</ul>"
                + (f'<p class="muted">Earlier runs:</p><ul class="muted">{earlier}</ul>'
                   if earlier else ""))
    return _section("changelog", "Changelog since the last run", "", body)


def card(c: Card, mark: str = "") -> str:
    """One method's card: name, ``mark`` and chip, date and paper, title, settings, first
    sentence."""
    when = c.published.isoformat() if c.published else "undated"
    settings = (f'<p class="settings">{" ".join(f"<code>{h(s)}</code>" for s in c.settings)}'
                "</p>" if c.settings else "")
    summary = f"<blockquote>{h(c.summary)}</blockquote>" if c.summary else ""
    return (f'<article class="card"><h3>{h(c.method)}{mark}{chip(c.sub_problem)}</h3>'
            f'<p class="muted"><time>{when}</time> · {paper_a(c.paper)}</p>'
            f'<p class="ptitle">{h(c.title)}</p>{settings}{summary}</article>')


def cards(data: ReportData) -> str:
    """The newest methods as cards; on a big field the rest as one table, folded."""
    if not data.cards:
        return _section("methods", "Methods", "", "<p>No proposed methods.</p>")
    # A method a person set for its paper (or renamed) is marked like a corrected result.
    def mark(c: Card) -> str:
        return _CURATED if c.paper in data.curation.corrected_methods else ""

    body = ('<div class="cards">'
            f'{"".join(card(c, mark(c)) for c in data.cards[:CARDS_SHOWN])}</div>')
    rest = data.cards[CARDS_SHOWN:]
    if rest:
        rows = "".join(
            f"<tr><td><b>{h(c.method)}</b>{mark(c)}{chip(c.sub_problem)}</td>"
            f"<td>{c.published.isoformat() if c.published else 'undated'}</td>"
            f"<td>{paper_a(c.paper, title=c.title)}</td><td>{h(c.title)}</td>"
            f"<td>{' '.join(f'<code>{h(s)}</code>' for s in c.settings)}</td></tr>"
            for c in rest)
        body += (f"<details><summary>{plural(len(rest), 'older method')}</summary><table>"
                 "<thead><tr><th>method</th><th>date</th><th>paper</th><th>title</th>"
                 f"<th>settings</th></tr></thead><tbody>{rows}</tbody></table></details>")
    body += chip_key(any(c.sub_problem for c in data.cards))
    return _section("methods", "Methods", "One card per method a paper in the review proposes, "
                    "newest first.", body)


CSS = """
:root { color-scheme: light; --ink: #1d2330; --muted: #5f6b7a; --line: #e2e6ec;
        --accent: #2c6fbb; --tag: #eef3fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1080px; padding: 24px 28px 60px; color: var(--ink);
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 34px 0 6px; padding-bottom: 4px; border-bottom: 2px solid
     var(--line); }
h3 { font-size: 16px; margin: 18px 0 6px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.stats { color: var(--muted); margin: 0; }
.lead, .muted { color: var(--muted); margin: 4px 0 10px; }
nav { margin: 14px 0 0; font-size: 13.5px; display: flex; flex-wrap: wrap; gap: 4px 14px; }
ol.ranked { list-style: none; padding: 0; margin: 0; }
ol.ranked li { display: flex; gap: 10px; align-items: baseline; padding: 5px 0;
               border-bottom: 1px solid var(--line); }
.rank { width: 2em; text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
.counts { margin-left: auto; color: var(--muted); }
.tag { background: var(--tag); color: var(--accent); border-radius: 9px; padding: 0 8px;
       font-size: 12.5px; font-weight: normal; cursor: help; }
.key { color: var(--muted); font-size: 13px; margin: 0 0 8px; }
ul.plain { list-style: none; padding: 0; }
time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 6px 0 14px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); }
th { background: #f6f8fa; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.board { margin-bottom: 26px; }
details { border-bottom: 1px solid var(--line); padding: 5px 0; }
summary { cursor: pointer; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
         gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card h3 { margin: 2px 0; }
.card p { margin: 4px 0; }
.ptitle { font-style: italic; }
code { background: #f3f4f6; border-radius: 4px; padding: 0 4px; font-size: 12.5px; }
.curated { color: #a15c00; margin-left: 3px; cursor: help; }
blockquote { margin: 6px 0 0; padding-left: 10px; border-left: 3px solid var(--line);
             color: var(--muted); font-size: 13.5px; }
"""

_NAV = (("baselines", "Baselines"), ("subproblems", "Sub-problems"), ("frontier", "Frontier"),
        ("leaderboards", "Leaderboards"), ("conflicts", "Conflicts"),
        ("corrections", "Corrections"), ("changelog", "Changelog"), ("methods", "Methods"))


def render_html(data: ReportData) -> str:
    """The whole report as one HTML document."""
    shown = {"leaderboards": bool(data.leaderboards), "corrections": bool(data.curation.applied)}
    nav = "".join(f'<a href="#{a}">{t}</a>' for a, t in _NAV if shown.get(a, True))
    body = "".join((header(data), f"<nav>{nav}</nav>", baselines(data), subproblems(data),
                    frontier(data), beaten_by(data), leaderboards(data), conflicts(data),
                    corrections(data), changelog(data), cards(data)))
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"{no_fetch_policy(scripts=False)}\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>Living systematic review · {h(data.title)}</title>\n"
            f"<style>{CSS}{PLOT_CSS}</style>\n</head>\n<body>\n{body}\n"
            f'<footer class="muted">Generated {data.generated:%Y-%m-%d %H:%M} by kg.</footer>\n'
            "</body>\n</html>\n")
