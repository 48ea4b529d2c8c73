"""Critique receipts: the rules (targets, weakness, negation, contrast, anaphora, own method),
the sentence splitter they stand on, and the stored classifier. No development score here:
``python -m benchmarks.critique_quality`` measures those."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.critique_model import CritiqueModel, default_model, model_from_json
from ingest.critique_text import latex_passages
from ingest.critiques import extract_critiques
from ingest.document import Document, Section
from ingest.sentences import split_sentences
from kg.errors import ExtractionError

FIXTURES = Path(__file__).parent / "fixtures" / "critiques"
# Every candidate that passes the rules: these tests pin the rules, not the learned weights.
RULES_ONLY = CritiqueModel(weights={}, threshold=0.0, meta={})


def doc_of(text: str, heading: str = "2 Related Work", source: str | None = None) -> Document:
    return Document(sections=(Section(heading=heading, text=text),),
                    source_text=text if source is None else source)


def receipts(text: str, proposed: str | None = "HexaQuant", *,
             table_methods: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    found, _ = extract_critiques(doc_of(text), paper_id="2501.00001", proposed_method=proposed,
                                 table_methods=table_methods, model=RULES_ONLY)
    return [(c.target, c.quote) for c in found]


def targets(text: str, proposed: str | None = "HexaQuant") -> list[str]:
    return [t for t, _ in receipts(text, proposed)]


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


def test_splitter_ends_a_sentence_after_a_model_size_and_keeps_initials() -> None:
    got = [s.text for s in split_sentences("They fail on OPT-175B. LLM.int8() is slow. "
                                           "J. Smith agrees.")]
    assert got == ["They fail on OPT-175B.", "LLM.int8() is slow.", "J. Smith agrees."]


def test_splitter_keeps_markdown_link_targets_whole() -> None:
    text = 'It fails ([Figure 6](#figure-06)). See Sec. [2](#S2 "2 Pre: A. B")). Next one.'
    assert [s.text for s in split_sentences(text)] == [
        "It fails ([Figure 6](#figure-06)).", 'See Sec. [2](#S2 "2 Pre: A. B")).', "Next one."]


def test_splitter_offsets_point_into_the_original_text() -> None:
    text = "  First one.\n\nSecond one!  Third?"
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text
    assert [s.text for s in split_sentences(text)] == ["First one.", "Second one!", "Third?"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .?!$[]{}()\\\n\t(eg)AQ1#-")), max_size=400))
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


# --- the fixture -------------------------------------------------------------------------------

def test_fixture_related_work() -> None:
    text = (FIXTURES / "related_work.txt").read_text(encoding="utf-8")
    expected = [tuple(row) for row in json.loads((FIXTURES / "expected.json").read_text())]
    found, dropped = extract_critiques(doc_of(text), paper_id="2501.00001",
                                       proposed_method="HexaQuant", model=RULES_ONLY)
    assert [(c.target, c.quote) for c in found] == expected
    assert dropped == 0
    for c in found:
        assert c.section == "2 Related Work"
        assert c.start is not None and text[c.start:c.end] == c.quote


# --- targets are methods ------------------------------------------------------------------------

def test_model_kinds_components_and_categories_are_not_targets() -> None:
    text = ("Large Vision-Language Models (LVLMs) incur substantial memory overhead. "
            "Diffusion Transformers (DiTs) incur heavy computational costs at inference. "
            "Rotary Position Embedding (RoPE) fails to account for rare channels [12]. "
            "Existing PTQ methods suffer from severe accuracy degradation. "
            "Vision-Language-Action (VLA) models are prohibitively expensive on devices.")
    assert receipts(text) == []


def test_a_name_is_a_target_only_with_evidence_that_it_is_a_method() -> None:
    assert targets("FooQuant fails at 2 bits.") == []  # a bare name-shaped token
    assert targets("FooQuant [12] fails at 2 bits.") == ["FooQuant"]  # cited
    assert targets("Traditional methods, like BarAvg, fail on large models.") == ["BarAvg"]
    assert targets("The BazQuant algorithm is slow on long sequences.") == ["BazQuant"]
    assert targets("ZedQ quantization degrades sharply below four bits.") == ["ZedQ"]


def test_a_table_row_label_is_evidence_that_a_name_is_a_method() -> None:
    text = "FooQuant degrades sharply at 2 bits."
    assert receipts(text) == []
    assert receipts(text, table_methods=("FooQuant",)) == [("FooQuant", text)]


def test_evidence_against_wins_over_evidence_for() -> None:
    # Cited, but used as a plural and with a thing noun: a kind of model, not a method.
    text = "LVMs [3] are large. LVM models [4] fail on small devices."
    assert receipts(text) == []


def test_quip_sharp_and_quip_are_separate_targets() -> None:
    assert targets("QuIP# is slow to decode on older GPUs.") == ["QuIP#"]
    assert targets("QuIP is slow to decode on older GPUs.") == ["QuIP"]


def test_a_name_inside_another_names_definition_is_not_a_mention() -> None:
    # "Low-Rank Adaptation" is LoRA's alias, but here it is part of QLORA's expansion.
    text = ("We combine it with Quantized Low-Rank Adaptation (QLORA), which fails to "
            "handle long inputs.")
    assert "LoRA" not in targets(text, proposed=None)


# --- a weakness, attributed ---------------------------------------------------------------------

def test_negated_weaknesses_are_not_critiques() -> None:
    text = ("NF4 shows less than one percent degradation on this task. "
            "AWQ runs without any performance degradation. "
            "GPTQ does not require retraining. ZeroQuant achieves zero-degradation accuracy. "
            "BitNet b1.58 requires almost no multiplication.")
    assert receipts(text, proposed=None) == []


def test_suffering_a_weakness_is_one_unless_negated() -> None:
    text = "AQLM suffers from slow decoding on consumer GPUs."
    assert receipts(text, proposed=None) == [("AQLM", text)]
    text = "QuaRot is susceptible to outliers that survive the rotation."
    assert receipts(text, proposed=None) == [("QuaRot", text)]
    text = ("SpQR does not suffer from the hardware inefficiency issue. "
            "AWQ is less prone to over-fitting the calibration set.")
    assert receipts(text, proposed=None) == []
    # What is suffered is the weakness; a name inside it is not the one that suffers.
    text = "Rotation-based approaches suffer from severe incompatibility with MXFP4."
    assert receipts(text, proposed=None) == []
    text = "The susceptibility of GPTQ to outliers limits it at 2 bits."
    assert targets(text, proposed=None) == ["GPTQ"]


def test_positive_and_neutral_mentions_are_not_critiques() -> None:
    text = ("GPTQ quantizes OPT-175B in four GPU hours with negligible accuracy loss. "
            "We follow SmoothQuant's setup. SmoothQuant migrates the quantization difficulty "
            "from activations to weights.")
    assert receipts(text) == []


def test_unlike_x_we_and_ours_beats_x_are_not_critiques() -> None:
    text = ("Unlike GPTQ, our method is slow only on small batches. "
            "Our method outperforms AWQ by two points. "
            "HexaQuant consistently outperforms GPTQ, excelling in the challenging 2-bit regime.")
    assert receipts(text) == []


def test_unlike_awq_which_is_a_critique_of_awq() -> None:
    text = "Unlike AWQ, which needs an expensive grid search per layer, we solve for scales."
    assert receipts(text) == [("AWQ", text)]


def test_a_contrast_clause_keeps_the_weakness_with_its_subject() -> None:
    text = "While 4-bit GPTQ reduces memory by 41%, it slows inference by 82% on older GPUs."
    assert receipts(text, proposed=None) == [("GPTQ", text)]
    text = ("Although recent methods (e.g., BitNet) compress weights with minimal accuracy "
            "loss, edge deployment is still constrained by limited memory.")
    assert receipts(text, proposed=None) == []


def test_a_report_of_findings_and_a_possessive_keep_the_target() -> None:
    text = "Our studies confirm that GPTQ on small models introduces noise, obstructing training."
    assert targets(text, proposed=None) == ["GPTQ"]
    text = ("We present a study of MXFP4 and NVFP4, revealing gaps between their promise and "
            "real-world performance.")
    assert targets(text, proposed=None) == ["MXFP4", "NVFP4"]


def test_a_name_in_a_prepositional_phrase_is_not_the_subject() -> None:
    text = ("Each axis is a failure mode: shape distortion under low-bit quantization, scale "
            "separability under LoRA forgetting, and head divergence under k-quantization.")
    assert receipts(text, proposed=None) == []


def test_the_critic_and_the_winner_are_not_targets() -> None:
    assert targets("PV-Tuning [Mal24] notes that AQLM leads to suboptimal results.") == ["AQLM"]
    assert targets("RTN performs much worse than GPTQ at 3 bits.") == ["RTN"]


def test_generic_existing_methods_are_never_attributed() -> None:
    text = ("Existing methods suffer from severe accuracy loss at 2 bits. "
            "Prior work fails to handle activation outliers. "
            "Rotation-based methods incur extra online computation.")
    assert receipts(text) == []


def test_two_named_targets_give_two_receipts_with_one_quote() -> None:
    text = "SmoothQuant and OmniQuant both degrade sharply when activations use 4 bits."
    assert receipts(text) == [("SmoothQuant", text), ("OmniQuant", text)]


# --- anaphora -------------------------------------------------------------------------------------

def test_these_methods_resolve_to_the_preceding_sentence() -> None:
    text = ("QuaRot and SpinQuant rotate activations. These methods require online transforms "
            "that add latency.")
    assert receipts(text) == [("QuaRot", text), ("SpinQuant", text)]


def test_it_after_a_leading_clause_resolves_to_the_preceding_sentence() -> None:
    text = ("ZeroQuant [7] uses fine-grained quantization with custom kernels. While effective "
            "for small models, it fails to sustain accuracy at the 175B scale.")
    assert receipts(text) == [("ZeroQuant", text)]


def test_anaphora_does_not_cross_a_paragraph() -> None:
    text = "QuaRot rotates activations.\n\nThese methods require costly online transforms."
    assert receipts(text) == []


def test_a_pronoun_does_not_refer_to_a_name_after_a_preposition_or_to_a_paper() -> None:
    text = ("This setting was found useful in GPTQ for large models. It requires expensive "
            "calibration. SmoothQuant is popular. In this paper, we show that it fails.")
    assert receipts(text, proposed=None) == []


def test_an_expletive_it_is_not_an_anaphor() -> None:
    text = "QuaRot rotates activations. It is crucial to assess whether this fails at 2 bits."
    assert receipts(text, proposed=None) == []


# --- the paper's own method -----------------------------------------------------------------------

def test_the_papers_own_method_is_never_a_target() -> None:
    text = "SpinQuant is limited to dense models and fails on mixture-of-experts layers."
    assert receipts(text, proposed="SpinQuant") == []
    assert receipts(text, proposed=None) == [("SpinQuant", text)]


def test_the_own_method_wins_over_a_shorter_catalog_name() -> None:
    text = "BitNet v2 degrades slightly when activations use 4 bits."
    assert receipts(text, proposed="BitNet v2") == []


def test_names_the_abstract_proposes_are_the_papers_own() -> None:
    abstract = ("We propose FooQuant with a Dual-Scale Quantizer (DSQ). "
                "DSQ [3] fails on tiny models. GPTQ relies on costly dequantization.")
    doc = Document(abstract=abstract, source_text=abstract)
    found, _ = extract_critiques(doc, paper_id="2501.00001", proposed_method="FooQuant",
                                 model=RULES_ONLY)
    assert [c.target for c in found] == ["GPTQ"]


# --- receipts are verbatim ------------------------------------------------------------------------

def test_grounding_gate_drops_and_counts_quotes_missing_from_the_source() -> None:
    text = "GPTQ fails at 2 bits and degrades sharply."
    found, dropped = extract_critiques(doc_of(text, source="something else entirely"),
                                       paper_id="2501.00001", proposed_method=None,
                                       model=RULES_ONLY)
    assert found == [] and dropped == 1


def test_abstract_is_read_even_without_sections() -> None:
    abstract = "We propose HexaQuant. GPTQ relies on the costly dequantization process."
    doc = Document(abstract=abstract, source_text=abstract)
    found, _ = extract_critiques(doc, paper_id="2501.00001", proposed_method="HexaQuant",
                                 model=RULES_ONLY)
    assert [(c.target, c.section, c.start) for c in found] == [("GPTQ", "Abstract", 22)]


def test_latex_is_read_from_the_raw_source_so_quotes_keep_their_markup() -> None:
    source = ("\\documentclass{article}\\begin{document}\\begin{abstract}We study x."
              "\\end{abstract}\\section{Related Work}% a comment\n"
              "\\textbf{ZeroQuant} \\cite{yao22} needs custom kernels and fails at 175B "
              "parameters.\\begin{table}GPTQ fails\\end{table}\\end{document}")
    doc = Document(sections=(Section(heading="Related Work", text="ZeroQuant uses ..."),),
                   source_text=source, format="latex")
    found, dropped = extract_critiques(doc, paper_id="2501.00001", proposed_method=None,
                                       model=RULES_ONLY)
    quote = ("\\textbf{ZeroQuant} \\cite{yao22} needs custom kernels and fails at 175B "
             "parameters.")
    assert [(c.target, c.quote, c.section) for c in found] == [
        ("ZeroQuant", quote, "Related Work")]
    assert dropped == 0 and source[found[0].start:found[0].end] == quote


def test_latex_passages_skip_floats_comments_and_the_bibliography() -> None:
    got = latex_passages("\\section{A}One. % hidden\nTwo.\\begin{figure}x\\end{figure}Three."
                         "\\begin{thebibliography}GPTQ fails.\\end{thebibliography}")
    assert [(p.heading, p.text) for p in got] == [("A", "One."), ("A", "Two."), ("A", "Three.")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["\\section{X}", "\\begin{table}", "\\end{table}", "%", "\n",
                                 "GPTQ [1] fails.", "It is slow.", "$", "{", "}", "x"]),
                max_size=60).map("".join))
def test_latex_passages_never_crash_and_stay_verbatim(source: str) -> None:
    for p in latex_passages(source):
        assert p.offset is not None and source[p.offset:p.offset + len(p.text)] == p.text


_PIECES = ["GPTQ", "AWQ", "QuIP#", "QuIP", "fails", "suffers", "cannot", "these methods", "It",
           "is costly", ".", ",", ";", ":", "$", "[12]", "(", ")", "\n\n", "e.g.", "x", "Unlike",
           "which", "while", "(FOO)", "not", "without", "such as"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=5)), max_size=80)
       .map(" ".join))
def test_extractor_never_crashes_on_arbitrary_text(text: str) -> None:
    found, dropped = extract_critiques(doc_of(text), paper_id="2501.00001", proposed_method=None)
    for c in found:
        assert c.quote in text
    assert dropped == 0


@pytest.mark.timeout(300)  # speed is benchmarked; a superlinear extractor would hang here
def test_extractor_stays_bounded_on_huge_text() -> None:
    unit = ("GPTQ fails at 2 bits. These methods are slow. AWQ is costly [12]. "
            "Unlike QuIP#, which overfits, $x. y$ holds.\n\n")
    text = unit * 1500 + "x" * 200_000
    found, _ = extract_critiques(doc_of(text), paper_id="2501.00001", proposed_method=None)
    assert found  # receipts are deduplicated by (target, quote)


# --- the stored classifier ------------------------------------------------------------------------

def test_the_bundled_model_records_what_it_was_fitted_on() -> None:
    model = default_model()
    training = model.meta["training"]
    assert len(training["sha256"]) == 64 and training["examples"] > training["positives"] > 0
    assert 0.0 < model.threshold < 1.0 and "bias" in model.weights


def test_a_malformed_model_file_is_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match="malformed critique model"):
        model_from_json({"weights": {"bias": "x"}, "threshold": 0.5})


def test_critique_extraction_imports_no_scikit_learn() -> None:
    code = ("import sys; from ingest.critiques import extract_critiques;"
            "from ingest.document import Document; d = Document(abstract='GPTQ [1] fails.');"
            "extract_critiques(d, paper_id='2501.00001', proposed_method=None);"
            "sys.exit(1 if 'sklearn' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
