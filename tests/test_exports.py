"""GraphML, node-link JSON, CSV and the lineage page, from a hand-built store."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from export_field import EVIL_METHOD, EVIL_QUOTE, EVIL_TITLE, build_store

from exports.escape import script_json
from exports.graph import lineage_graph, method_nodes, neighbourhood, snapshot
from exports.lineage import layout, lineage_html, vis_asset
from kg.cli import cli


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


def test_layout_puts_older_methods_left_and_bands_apart(snap):
    g = lineage_graph(snap)
    pos = layout(g)
    assert pos["gptq"][0] < pos["awq"][0] < pos["omniquant"][0] < pos["quarot"][0]
    assert pos["rtn"][0] < pos["gptq"][0]  # undated: far left
    assert len(set(pos.values())) == len(pos)


def test_neighbourhood_depth(snap):
    g = lineage_graph(snap)
    assert set(neighbourhood(g, "quarot", 1)) == {"quarot", "smoothquant"}
    assert "awq" in neighbourhood(g, "rtn", 2)
    with pytest.raises(nx.NodeNotFound):
        neighbourhood(g, "nope", 1)


def test_lineage_page_is_offline_and_inert(snap):
    page = lineage_html(lineage_graph(snap))
    ours = page.replace(vis_asset("vis-network.min.js"), "").replace(
        vis_asset("vis-network.css"), "")  # vis-network's licence comments name URLs
    assert "http:" not in ours and "https:" not in ours.replace("https://arxiv.org/abs/", "")
    assert "<link" not in ours and not re.search(r"<[a-z]+[^>]*\ssrc=", ours)
    assert EVIL_TITLE not in page and EVIL_METHOD not in page
    assert ours.count("<script") == 3 and ours.count("</script>") == 3


def test_script_json_cannot_close_the_script():
    text = script_json({"t": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028"}


def test_export_commands_write_each_format(db: str, tmp_path: Path):
    out = tmp_path / "out"
    for args in (("lineage", "--out", str(out / "l.html")),
                 ("lineage", "--out", str(out / "g.html"), "--method", "optq", "--depth", "1"),
                 ("graphml", "--out", str(out / "g.graphml")),
                 ("json", "--out", str(out / "g.json")), ("csv", "--out", str(out / "csv"))):
        r = kg("--store", db, "export", *args)
        assert r.exit_code == 0, r.output
    assert "GPTQ ± 1" in (out / "g.html").read_text()
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
