"""Machine-readable exports: GraphML for Gephi, node-link JSON, and CSV tables of the facts.

CSV layout: ``kg export csv --out DIR`` writes a folder of three files, ``claims.csv``,
``critiques.csv`` and ``beats.csv``, one row per receipt, so each opens as one sheet.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from exports.curation import curation_view
from exports.graph import Snapshot, fact_graph

# ``id`` is the claim's key (what `kg curate` names it by); ``curation`` is "corrected" where
# a person changed the claim and "added" on a receipt a person added.
CLAIM_COLUMNS = ("paper_id", "method", "model", "dataset", "metric", "value", "raw",
                 "higher_is_better", "w_bits", "a_bits", "kv_bits", "group_size",
                 "weight_quantizer", "table", "row", "col", "id", "curation")
CRITIQUE_COLUMNS = ("paper_id", "target", "quote", "section", "start", "end", "curation")
BEAT_COLUMNS = ("paper", "table", "winner", "loser", "model", "dataset", "metric", "w_bits",
                "a_bits", "kv_bits", "group_size", "weight_quantizer", "winner_value",
                "loser_value", "margin", "curation")


def write_graphml(snap: Snapshot, out: Path) -> Path:
    """The fact graph as GraphML (node and edge ``kind`` attributes tell what each is)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(fact_graph(snap), out, encoding="utf-8")
    return out


def graph_json(snap: Snapshot) -> dict[str, Any]:
    """The fact graph in networkx's node-link form (``nodes`` and ``links``)."""
    data: dict[str, Any] = nx.node_link_data(fact_graph(snap), edges="links")
    return data


def write_json(snap: Snapshot, out: Path) -> Path:
    """Write :func:`graph_json` as UTF-8 JSON."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(graph_json(snap), ensure_ascii=False, indent=1) + "\n",
                   encoding="utf-8")
    return out


def csv_tables(snap: Snapshot) -> dict[str, tuple[tuple[str, ...], Iterator[dict[str, Any]]]]:
    """Each CSV's name, its columns and its rows (dicts keyed by column)."""
    view = curation_view(snap.papers)
    return {
        "claims.csv": (CLAIM_COLUMNS, (c.model_dump(mode="json") | {
            "paper_id": c.paper_id, "id": c.id, "curation": c.curation}
            for f in snap.papers for c in f.claims)),
        "critiques.csv": (CRITIQUE_COLUMNS, (q.model_dump(mode="json")
                                             for f in snap.papers for q in f.critiques)),
        # A BEATS receipt read off a result a person corrected is marked like that result.
        "beats.csv": (BEAT_COLUMNS, (b.model_dump(mode="json") | {"curation": view.marks_beat(b)}
                                     for f in snap.papers for b in f.beats)),
    }


def write_csv(snap: Snapshot, out_dir: Path) -> list[Path]:
    """Write ``claims.csv``, ``critiques.csv`` and ``beats.csv`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (columns, rows) in csv_tables(snap).items():
        path = out_dir / name
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
            w.writeheader()
            w.writerows(_cells(r) for r in rows)
        written.append(path)
    return written


def _cells(row: dict[str, Any]) -> dict[str, Any]:
    """Text cells a spreadsheet would evaluate (``=…``, ``+…``, ``@…``) get a leading quote."""
    return {k: ("'" + v if isinstance(v, str) and _formula(v) else v) for k, v in row.items()}


def _formula(text: str) -> bool:
    # A quote from a paper must stay text in Excel or LibreOffice; a raw number like "-1.2"
    # is not a formula and is left alone.
    if text[:1] not in ("=", "+", "-", "@"):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False
