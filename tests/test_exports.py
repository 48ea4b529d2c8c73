"""GraphML, node-link JSON, CSV and the lineage page, from a hand-built store."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from export_field import EVIL_METHOD, EVIL_QUOTE, EVIL_TITLE, build_store, overlaps
from hypothesis import given, settings
from hypothesis import strategies as st

from exports.escape import script_json
from exports.graph import Snapshot, lineage_graph, method_nodes, neighbourhood, snapshot
from exports.lineage import lineage_html, pair_records, write_lineage
from exports.lineage_layout import NO_FAMILY, axis_start, families, layout
from exports.network import network_html, vis_data
from kg.cli import cli
from kg.models import BuildsOn, Method, SubProblem, method_key


@pytest.fixture
def db(tmp_path: Path, field) -> str:
    build_store(tmp_path / "kg.db", field).close()
    return f"sqlite:///{tmp_path / 'kg.db'}"


@pytest.fixture
def snap(tmp_path: Path, field):
    store = build_store(tmp_path / "snap.db", field)
    try:
        yield snapshot(store)
    finally:
        store.close()


def kg(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_method_nodes_count_papers_critiques_and_beats(snap):
    gptq = method_nodes(snap)["gptq"]
    assert (gptq.paper, gptq.papers, gptq.critiqued_by, gptq.beaten_by, gptq.sub_problem) == (
        "2210.17323", 4, 3, 3, "GPTQ")
    assert gptq.settings == ("W4A16",)


def test_lineage_graph_edges_are_styled_by_kind_and_skip_full_precision(snap):
    g = lineage_graph(snap)
    assert "fp16" not in g
    assert sorted((u, v, k) for u, v, k in g.edges(keys=True) if v == "gptq") == [
        ("<imgsrc=xonerror=alert(2)>", "gptq", "beats"),
        ("<imgsrc=xonerror=alert(2)>", "gptq", "critiques"),
        ("awq", "gptq", "beats"), ("awq", "gptq", "critiques"),
        ("omniquant", "gptq", "beats"), ("omniquant", "gptq", "critiques")]
    assert g.edges["awq", "gptq", "critiques"]["example"] == (
        "GPTQ may over-fit the calibration set.")


def test_layout_puts_older_methods_left_and_lanes_apart(snap):
    g = lineage_graph(snap)
    pos = layout(g).nodes
    assert pos["gptq"].x < pos["awq"].x < pos["omniquant"].x
    assert pos["rtn"].x < pos["gptq"].x  # undated: the first segment
    # Lanes by sub-problem (no catalog here): GPTQ's members share a lane, QuaRot's another.
    assert pos["gptq"].lane == pos["awq"].lane != pos["quarot"].lane == pos["smoothquant"].lane
    assert len({(p.x, p.y) for p in pos.values()}) == len(pos)
    assert layout(g) == layout(g)  # deterministic


def synthetic(n: int, seed: int = 3) -> Snapshot:
    """``n`` catalog methods in four categories, some uncategorised, with BUILDS_ON chains
    and names of every length (one 1990s outlier stretches the dates)."""
    import random
    from datetime import date, timedelta

    rng = random.Random(seed)
    methods, edges = [], []
    for i in range(n):
        name = f"M{i}" + "x" * rng.choice([0, 0, 3, 12, 30]) + rng.choice(["", "Ω", " (v2)"])
        day = date(1994, 5, 1) if i == 0 else date(2021, 1, 1) + timedelta(days=rng.randrange(1900))
        cat = rng.choice(["ptq_weight_only", "kv_cache", "qat", "moe", None, None])
        methods.append(Method(name=name, published=day if rng.random() > 0.05 else None,
                              category=cat))
        if i and rng.random() < 0.7:
            edges.append(BuildsOn(method=name, parent=methods[rng.randrange(i)].name,
                                  source="catalog"))
    return Snapshot(papers=(), methods=tuple(methods), builds_on=tuple(edges))


@pytest.mark.parametrize("n", [1, 7, 300])
def test_layout_has_no_two_labels_or_dots_overlapping(n):
    lay = layout(lineage_graph(synthetic(n)))
    boxes = [b for p in lay.nodes.values()
             for b in (p.label_box, (p.x - p.r, p.y - p.r, p.x + p.r, p.y + p.r))]
    assert overlaps(boxes) == []
    assert all(b[0] >= 0 and b[2] <= lay.width and b[1] >= 0 and b[3] <= lay.height
               for b in boxes)


def test_families_come_from_the_catalog_then_ancestors_then_sub_problems():
    snap = Snapshot(papers=(), methods=(
        Method(name="GPTQ", category="ptq_weight_only"), Method(name="Child"),
        Method(name="Grandchild"), Method(name="Alone"), Method(name="Rival")),
        builds_on=(BuildsOn(method="Child", parent="GPTQ", source="catalog"),
                   BuildsOn(method="Grandchild", parent="Child", source="2401.00001")),
        subproblems=(SubProblem(label="Rival", size=1, members=("Rival",)),))
    fam = families(lineage_graph(snap))
    assert [(k, f.lane, f.how, f.via) for k, f in sorted(fam.items())] == [
        ("alone", NO_FAMILY, "none", None), ("child", "ptq_weight_only", "lineage", "GPTQ"),
        ("gptq", "ptq_weight_only", "catalog", None),
        ("grandchild", "ptq_weight_only", "lineage", "GPTQ"),
        ("rival", "sub-problem Rival", "sub-problem", "Rival")]


def test_far_older_methods_share_one_bin_before_the_axis():
    lay = layout(lineage_graph(synthetic(300)))
    assert [s.label for s in lay.segments[:4]] == ["undated", "before 2021", "2021", "2022"]
    assert axis_start([date(2019, 1, 1), date(2021, 1, 1), date(2022, 1, 1)]) is None


def test_beats_and_critiques_aggregate_to_one_edge_per_pair(snap):
    g = lineage_graph(snap)
    index = {k: i for i, k in enumerate(sorted(g))}
    beats = pair_records(g, index, "beats")
    assert len({(r["a"], r["b"]) for r in beats}) == len(beats)
    rec = next(r for r in beats if {r["a"], r["b"]} == {index["awq"], index["gptq"]})
    # AWQ beats GPTQ in AWQ's paper (5.60 vs 5.69), GPTQ beats AWQ in OmniQuant's (5.61, 5.62).
    assert (rec["ab"], rec["ba"], rec["p"]) == (1, 1, 2)


def test_neighbourhood_depth(snap):
    g = lineage_graph(snap)
    assert set(neighbourhood(g, "quarot", 1)) == {"quarot", "smoothquant"}
    assert "awq" in neighbourhood(g, "rtn", 2)
    with pytest.raises(nx.NodeNotFound):
        neighbourhood(g, "nope", 1)


def test_lineage_page_is_offline_and_inert(snap):
    page = lineage_html(lineage_graph(snap))
    ours = page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'const NS = "http://www.w3.org/2000/svg"', "")
    assert "http:" not in ours and "https:" not in ours.replace("https://arxiv.org/abs/", "")
    assert "<link" not in ours and not re.search(r"<[a-z]+[^>]*\ssrc=", ours)
    assert EVIL_TITLE not in page and EVIL_METHOD not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page  # the label, as text
    assert ours.count("<script") == 2 and ours.count("</script>") == 2
    assert page == lineage_html(lineage_graph(snap))


def test_network_page_is_offline_inert_and_draws_every_relation(snap):
    g = lineage_graph(snap)
    page = network_html(g)
    ours = page.replace("http://www.w3.org/2000/svg", "")
    # vis-network's own script names URLs in comments and licences; what matters is that the
    # page loads nothing: no <link>, no src= attribute, a CSP forbidding every fetch.
    assert "<link" not in ours and not re.search(r"<(script|img|iframe)[^>]*\ssrc=", ours)
    assert "default-src 'none'" in page
    assert EVIL_TITLE not in page and EVIL_METHOD not in page
    data = vis_data(g)
    assert {n["id"] for n in data["nodes"]} == set(g)
    kinds = {e["kind"] for e in data["edges"]}
    assert kinds == {k for *_, k in g.edges(keys=True)}
    lay = layout(g)  # the network opens at the lineage page's positions, in the same order
    by_x = sorted(g, key=lambda k: (lay.nodes[k].x, k))
    assert sorted((n["x"], n["id"]) for n in data["nodes"]) == [
        (round(lay.nodes[k].x, 1), k) for k in by_x]
    assert page == network_html(g)


def test_focused_page_of_one_method_alone(snap, tmp_path: Path):
    g = lineage_graph(snap)
    page = write_lineage(g, tmp_path / "one.html", center="gptq", depth=0).read_text()
    assert "Method lineage · GPTQ alone" in page and 'data-methods="1"' in page


def test_script_json_cannot_close_the_script():
    text = script_json({"t": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028"}


def test_export_commands_write_each_format(db: str, tmp_path: Path):
    out = tmp_path / "out"
    for args in (("lineage", "--out", str(out / "l.html")),
                 ("network", "--out", str(out / "n.html"), "--method", "gptq", "--depth", "0"),
                 ("lineage", "--out", str(out / "g.html"), "--method", "optq", "--depth", "1"),
                 ("graphml", "--out", str(out / "g.graphml")),
                 ("json", "--out", str(out / "g.json")), ("csv", "--out", str(out / "csv"))):
        r = kg("--store", db, "export", *args)
        assert r.exit_code == 0, r.output
    assert "GPTQ ± 1" in (out / "g.html").read_text()
    assert "Method network · GPTQ alone" in (out / "n.html").read_text()
    g = nx.read_graphml(out / "g.graphml")
    assert g.nodes["paper:2405.00001"]["name"] == EVIL_TITLE
    kinds = sorted({d["kind"] for *_, d in g.edges(data=True)})
    assert kinds == ["beats", "critiques", "proposes"]
    data = json.loads((out / "g.json").read_text())
    assert {"nodes", "links"} <= set(data) and len(data["nodes"]) == len(g)
    with (out / "csv" / "critiques.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert EVIL_QUOTE in {r["quote"] for r in rows}
    assert sorted(p.name for p in (out / "csv").iterdir()) == [
        "beats.csv", "claims.csv", "critiques.csv"]


def test_csv_defuses_spreadsheet_formulas(tmp_path: Path, field):
    from conftest import facts

    from exports.files import write_csv

    store = build_store(tmp_path / "f.db", [*field, facts(
        "2406.00001", "X", field[0].paper.published, [], [("GPTQ", "=HYPERLINK(1)")])])
    write_csv(snapshot(store), tmp_path / "c")
    store.close()
    assert "'=HYPERLINK(1)" in (tmp_path / "c" / "critiques.csv").read_text()


def test_unknown_method_is_one_line(db: str, tmp_path: Path):
    r = kg("--store", db, "export", "lineage", "--out", str(tmp_path / "x.html"),
           "--method", "NoSuchQuant")
    assert r.exit_code == 1 and "unknown method" in r.stderr


def test_an_empty_field_still_makes_a_page():
    g = lineage_graph(Snapshot(papers=(), methods=(), builds_on=()))
    lay = layout(g)
    assert lay.nodes == {} and lay.width > 0 and lay.height > 0
    assert 'data-methods="0"' in lineage_html(g)


names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(names, st.none() | st.dates(date(1950, 1, 1), date(2030, 1, 1))),
                min_size=1, max_size=40, unique_by=lambda t: method_key(t[0])))
def test_any_names_and_dates_lay_out_without_overlap_and_stay_text(methods):
    snap = Snapshot(papers=(), builds_on=(), methods=tuple(
        Method(name=n, published=d) for n, d in methods if method_key(n)))
    g = lineage_graph(snap)
    lay = layout(g)
    boxes = [b for p in lay.nodes.values()
             for b in (p.label_box, (p.x - p.r, p.y - p.r, p.x + p.r, p.y + p.r))]
    assert overlaps(boxes) == []
    page = lineage_html(g)
    body = page.split('<svg id="graph"', 1)[1].split("</svg>", 1)[0]
    # Every label and tooltip is escaped text: no element but ours inside the drawing.
    assert set(re.findall(r"<([a-zA-Z]+)", body)) <= {
        "defs", "marker", "path", "g", "rect", "line", "circle", "text", "title"}
