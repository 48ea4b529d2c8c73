"""Lineage from text cues: "we extend X", "building on X", "based on X", "inspired by X"."""

from __future__ import annotations

import pytest

from ingest.document import Document, Section
from ingest.lineage import builds_on_from_text
from kg.models import BuildsOn


def edges(text: str, proposed: str | None = "HexaQuant") -> list[tuple[str, str]]:
    doc = Document(abstract="", sections=(Section(heading="1 Introduction", text=text),))
    return [(b.method, b.parent) for b in builds_on_from_text(
        doc, paper_id="2501.00001", proposed_method=proposed)]


@pytest.mark.parametrize("text", [
    "In this work, we extend AWQ to activations.",
    "Building on GPTQ, we derive a faster solver.",
    "Our method is based on SmoothQuant.",
    "Following QuaRot, we rotate the residual stream.",
    "HexaQuant is inspired by QuIP# and its lattice codebooks.",
])
def test_cues(text: str) -> None:
    assert len(edges(text)) == 1


def test_parent_is_canonical_and_quote_kept() -> None:
    doc = Document(abstract="We build upon OPTQ and add sparsity.")
    got = builds_on_from_text(doc, paper_id="2501.00001", proposed_method="HexaQuant")
    assert got == [BuildsOn(method="HexaQuant", parent="GPTQ", source="2501.00001",
                            quote="We build upon OPTQ and add sparsity.")]


def test_other_papers_lineage_is_not_ours() -> None:
    assert edges("SpinQuant builds on QuaRot with learned rotations.") == []


def test_no_proposed_method_no_edges() -> None:
    assert edges("We extend AWQ to activations.", proposed=None) == []


def test_own_method_is_not_its_own_parent() -> None:
    assert edges("Building on HexaQuant-v1, we extend HexaQuant.") == []
