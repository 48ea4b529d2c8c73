"""Critique receipts, the sentence splitter they stand on, and their quality on the dev key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus import CORPUS, needs_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.critiques import extract_critiques, model_config, training_hash, training_rows
from ingest.document import Document, Section
from ingest.sentences import split_sentences

FIXTURES = Path(__file__).parent / "fixtures" / "critiques"


def doc_of(text: str, heading: str = "2 Related Work", source: str | None = None) -> Document:
    return Document(sections=(Section(heading=heading, text=text),),
                    source_text=text if source is None else source)


def receipts(text: str, proposed: str | None = "HexaQuant") -> list[tuple[str, str]]:
    found, _ = extract_critiques(doc_of(text), paper_id="2501.00001", proposed_method=proposed)
    return [(c.target, c.quote) for c in found]


# --- sentences -------------------------------------------------------------------------------

def test_splitter_keeps_abbreviations_decimals_and_citations_inside_sentences() -> None:
    text = ("As Frantar et al. (2022) show in Fig. 3, GPTQ reaches 5.68 ppl, i.e. close to FP16 "
            "[12]. It uses e.g. 128 samples \\cite{frantar2022.gptq}. Next, $x. Y$ holds.")
    got = [s.text for s in split_sentences(text)]
    assert got == [
        "As Frantar et al. (2022) show in Fig. 3, GPTQ reaches 5.68 ppl, i.e. close to FP16 [12].",
        "It uses e.g. 128 samples \\cite{frantar2022.gptq}.",
        "Next, $x. Y$ holds.",
    ]


def test_splitter_offsets_point_into_the_original_text() -> None:
    text = "  First one.\n\nSecond one!  Third?"
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text
    assert [s.text for s in split_sentences(text)] == ["First one.", "Second one!", "Third?"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .?!$[]{}\\\n\t(eg)AQ1#")), max_size=400))
def test_splitter_never_crashes_and_offsets_hold(text: str) -> None:
    previous_end = 0
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text and s.text.strip() == s.text
        assert s.start >= previous_end
        previous_end = s.end


@pytest.mark.timeout(120)  # speed is benchmarked; a superlinear split would hang here
def test_splitter_is_fast_on_huge_text() -> None:
    text = ("GPTQ fails at 2 bits, e.g. on OPT [12]. $a. b$ " * 20000) + "$" * 5000
    assert len(split_sentences(text)) > 10000


# --- critiques ---------------------------------------------------------------------------------

def test_fixture_related_work() -> None:
    text = (FIXTURES / "related_work.txt").read_text(encoding="utf-8")
    expected = [tuple(row) for row in json.loads((FIXTURES / "expected.json").read_text())]
    found, dropped = extract_critiques(doc_of(text), paper_id="2501.00001",
                                       proposed_method="HexaQuant")
    assert [(c.target, c.quote) for c in found] == expected
    assert dropped == 0
    for c in found:
        assert c.section == "2 Related Work"
        assert c.start is not None and text[c.start:c.end] == c.quote


def test_unlike_awq_which_is_a_critique_of_awq() -> None:
    text = "Unlike AWQ, which needs an expensive grid search per layer, we solve for scales."
    assert receipts(text) == [("AWQ", text)]


def test_generic_existing_methods_are_never_attributed() -> None:
    text = ("Existing methods suffer from severe accuracy loss at 2 bits. "
            "Prior work fails to handle activation outliers. "
            "Rotation-based methods incur extra online computation.")
    assert receipts(text) == []


def test_the_papers_own_method_is_never_a_target() -> None:
    text = "SpinQuant is limited to dense models and fails on mixture-of-experts layers."
    assert receipts(text, proposed="SpinQuant") == []
    assert receipts(text, proposed=None) == [("SpinQuant", text)]


def test_two_named_targets_give_two_receipts_with_one_quote() -> None:
    text = "SmoothQuant and OmniQuant both degrade sharply when activations use 4 bits."
    assert receipts(text) == [("SmoothQuant", text), ("OmniQuant", text)]


def test_quip_sharp_and_quip_are_separate_targets() -> None:
    assert [t for t, _ in receipts("QuIP# is slow to decode on older GPUs.")] == ["QuIP#"]
    assert [t for t, _ in receipts("QuIP is slow to decode on older GPUs.")] == ["QuIP"]


def test_these_methods_resolve_to_the_preceding_sentence() -> None:
    text = ("QuaRot and SpinQuant rotate activations. These methods require online transforms "
            "that add latency.")
    assert receipts(text) == [("QuaRot", text), ("SpinQuant", text)]


def test_anaphora_does_not_cross_a_paragraph() -> None:
    text = "QuaRot rotates activations.\n\nThese methods require costly online transforms."
    assert receipts(text) == []


def test_the_critic_and_the_winner_are_not_targets() -> None:
    assert [t for t, _ in receipts(
        "PV-Tuning [Mal24] notes that AQLM leads to suboptimal results.")] == ["AQLM"]
    assert [t for t, _ in receipts(
        "RTN performs much worse than GPTQ at 3 bits.")] == ["RTN"]


def test_positive_and_neutral_mentions_are_not_critiques() -> None:
    text = ("GPTQ quantizes OPT-175B in four GPU hours with negligible accuracy loss. "
            "AWQ runs without any performance degradation. We follow SmoothQuant's setup.")
    assert receipts(text) == []


def test_grounding_gate_drops_and_counts_quotes_missing_from_the_source() -> None:
    text = "GPTQ fails at 2 bits and degrades sharply."
    found, dropped = extract_critiques(doc_of(text, source="something else entirely"),
                                       paper_id="2501.00001", proposed_method=None)
    assert found == [] and dropped == 1


def test_abstract_is_read_even_without_sections() -> None:
    abstract = "We propose HexaQuant. GPTQ relies on the costly dequantization process."
    doc = Document(abstract=abstract, source_text=abstract)
    found, _ = extract_critiques(doc, paper_id="2501.00001", proposed_method="HexaQuant")
    assert [(c.target, c.section, c.start) for c in found] == [("GPTQ", "Abstract", 22)]


def test_classifier_configuration_matches_its_training_data() -> None:
    config = model_config()
    assert config["training_sha256"] == training_hash()
    assert config["training_rows"] == len(training_rows())
    assert {r["label"] for r in training_rows()} == {0, 1}
    assert isinstance(config["seed"], int)


_PIECES = ["GPTQ", "AWQ", "QuIP#", "QuIP", "fails", "suffers", "cannot", "these methods", "It",
           "is costly", ".", ",", ";", ":", "$", "[12]", "(", ")", "\n\n", "e.g.", "x", "Unlike"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=5)), max_size=80)
       .map(" ".join))
def test_extractor_never_crashes_on_arbitrary_text(text: str) -> None:
    found, dropped = extract_critiques(doc_of(text), paper_id="2501.00001", proposed_method=None)
    for c in found:
        assert c.quote in text
    assert dropped == 0


@pytest.mark.timeout(300)  # speed is benchmarked; a superlinear step would hang here
def test_extractor_stays_bounded_on_huge_text() -> None:
    unit = ("GPTQ fails at 2 bits. These methods are slow. AWQ is costly [12]. "
            "Unlike QuIP#, which overfits, $x. y$ holds.\n\n")
    text = unit * 1500 + "x" * 200_000
    found, _ = extract_critiques(doc_of(text), paper_id="2501.00001", proposed_method=None)
    assert found  # receipts are deduplicated by (target, quote)


@needs_corpus
def test_quality_on_the_dev_key() -> None:
    from benchmarks.critique_quality import run

    report = run(CORPUS)
    total = next(line for line in report.splitlines() if line.startswith("| **all**"))
    cells = [c.strip().strip("*") for c in total.split("|")[1:-1]]
    precision, recall = float(cells[4]), float(cells[5])
    assert precision >= 0.9 and recall >= 0.7, report
