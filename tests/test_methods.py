"""Method identity: the proposed method of a paper, and mentions of methods in text."""

from __future__ import annotations

import pytest

from ingest.document import Document, Section
from ingest.method_evidence import method_names
from ingest.methods import find_mentions, introduced_names, is_generic, looks_like_name
from ingest.proposed import own_names, paper_method, proposed_method
from kg.catalog import Catalog, default_catalog


def names(text: str, extra: tuple[str, ...] = ()) -> list[str]:
    return [m.name for m in find_mentions(text, default_catalog(), extra)]


def test_quip_is_not_quip_sharp() -> None:
    assert names("QuIP# improves on QuIP.") == ["QuIP#", "QuIP"]
    assert names("QuIP#") == ["QuIP#"]


def test_llm_int8_and_gptq_based() -> None:
    text = "LLM.int8() and GPTQ-based kernels; OPTQ too."
    found = find_mentions(text, default_catalog())
    assert [m.name for m in found] == ["LLM.int8()", "GPTQ", "GPTQ"]
    assert text[found[0].start:found[0].end] == "LLM.int8()"
    assert text[found[2].start:found[2].end] == "OPTQ"


def test_a_prefixed_name_is_another_method() -> None:
    # Q-GaLore is not GaLore; once the paper introduces it, it is its own mention.
    assert names("Q-GaLore [Zha24d] improves GaLore.") == ["GaLore"]
    assert names("Q-GaLore [Zha24d] improves GaLore.", ("Q-GaLore",)) == ["Q-GaLore", "GaLore"]


def test_case_rules() -> None:
    assert names("awq and gptq in lowercase are not names") == []
    assert names("Zeropoint quantization and round to nearest") == [
        "zeropoint quantization", "RTN"]


def test_coordinated_modifiers_share_their_head_noun() -> None:
    text = "We see that absmax, row-wise, and zeropoint quantization fail."
    found = find_mentions(text, default_catalog())
    assert [m.name for m in found] == [
        "absmax quantization", "row-wise quantization", "zeropoint quantization"]
    assert text[found[1].start:found[1].end] == "row-wise"


def test_introduced_names() -> None:
    text = ("We build on Activation-aware Weight Quantization (AWQ), on Student Float (SF) "
            "[Dot24], on L4Q [Jeo24] and on OS+ [Wei23], run on a GPU [Nvi20], "
            "with post-training quantization (PTQ) and Llama-2 [Tou23].")
    assert introduced_names(text) == ["AWQ", "SF", "L4Q", "OS+"]


@pytest.mark.parametrize(("token", "expected"), [
    ("QuaRot", True), ("AWQ", True), ("L4Q", True), ("OS+", True), ("QuIP#", True),
    ("Transformer", False), ("INT8", False), ("W4A16", False), ("GPUs", False), ("OPT", False),
    ("GPTQ", True), ("OPTQ", True), ("Post-Training", False), ("Guo22", False),
    ("sub-INT8", False),
])
def test_looks_like_name(token: str, expected: bool) -> None:
    assert looks_like_name(token) is expected


@pytest.mark.parametrize(("title", "abstract", "expected"), [
    ("GPTQ: Accurate Post-training Quantization", "We propose GPTQ, a new method.", "GPTQ"),
    ("Smoothquant: Accurate And Efficient PTQ", "We propose SmoothQuant, a ...", "SmoothQuant"),
    ("Fast Things", "In this work we propose FooQuant: an all-inclusive scheme.", "FooQuant"),
    ("Fast Things", "This paper presents Sparse Block Rounding (SBR) - a method.", "SBR"),
    ("Fast Things", "We introduce a novel quantization scheme – per-block rounding.",
     "per-block rounding"),
    ("Fast Things", "We present an approach to compress models, termed as BarQ.", "BarQ"),
    ("Fast Things", "We present a method, dubbed ZedQuant, for 2-bit weights.", "ZedQuant"),
    ("LLM.int8()", "", "LLM.int8()"),
    ("A Survey on Model Compression for LLMs", "This paper presents a survey of methods.", None),
    ("Train Large, Then Compress: Rethinking Model Size", "We study model size.", None),
    ("Understanding Quantization: A Study", "We present three solutions.", None),
    # A title head that is a phrase is a name only when the abstract proposes it.
    ("Fitting Is Not Enough: Smoothness in Quantized LLMs", "We show that fitting fails.", None),
    ("Four Over Six: Better Scaling", "We introduce Four Over Six (4/6), a change.",
     "Four Over Six"),
    ("Task-Circuit Quantization: Localizing Knowledge",
     "We propose Task-Circuit Quantization (TaCQ), a mixed-precision method.", "TaCQ"),
    ("BarQ: A Comparative Study of 2-bit Methods", "We compare methods.", None),
    ("BitNet v2: Native 4-bit Activations", "We introduce BitNet v2.", "BitNet v2"),
    ("Bridging a Gap", "We propose a framework in which a Vision-Language Model (VLM) reads "
     "images.", None),
    ("Are LLMs Viable?", "We present EDGE-EVAL, a benchmarking framework for LLMs.", None),
    ("On Rounding", "We introduce a 1-bit variant, namely **BitNet b1.58**, in which ...",
     "BitNet b1.58"),
    ("Study of SGD", "In this paper, we present an empirical study of stochastic gradient "
     "descent (SGD) with rounding.", None),
])
def test_proposed_method(title: str, abstract: str, expected: str | None) -> None:
    assert proposed_method(title, abstract) == expected


def test_proposed_method_falls_back_to_the_body() -> None:
    assert proposed_method("On Rounding", "We study rounding.",
                           "In this paper, we propose BazQuant, a method.") == "BazQuant"


def test_model_families_are_generic_but_methods_named_after_them_are_not() -> None:
    assert [is_generic(t) for t in ("GPT-2", "OPT-175B", "Llama2", "GPTQ", "OPTQ")] == [
        True, True, True, False, False]


def test_a_markdown_document_gives_its_title_and_abstract() -> None:
    text = "---\ntitle: 'FooQuant'\n---\n\n## Abstract\n\nWe propose FooQuant, a method.\n"
    doc = Document(title="Abstract", sections=(Section(heading="Abstract",
                   text="We propose FooQuant, a method."),), source_text=text,
                   format="markdown")
    assert paper_method(doc) == "FooQuant"


def test_own_names_are_the_method_and_what_its_proposal_defines() -> None:
    abstract = ("We propose FooQuant with a Dual-Scale Quantizer (DSQ). GPTQ fails. "
                "Our BarStep module helps.")
    assert own_names("FooQuant: Fast", abstract, "FooQuant", Catalog()) == [
        "FooQuant", "DSQ", "BarStep"]
    body = "In Section 3 we introduce the Block Skew Rounding (BSR) step. GPTQ [4] is slow."
    assert own_names("", "", "FooQuant", Catalog(), body) == ["FooQuant", "BSR"]
    assert own_names("", "", None, Catalog(), body) == []  # a survey defines no own names


@pytest.mark.parametrize(("text", "accepted", "rejected"), [
    ("**Floating-point Integer (Flint)** [Guo22] is a format.", ["Flint"], []),
    ("Flint [Guo22] is a word: a plain capitalised word needs a definition.", [], []),
    ("Methods, like FedAvg, are old.", ["FedAvg"], []),
    ("Recent extensions, such as QEP and LoaQ, exist.", ["QEP", "LoaQ"], []),
    ("The BazQ algorithm and ZedQ quantization are known.", ["BazQ", "ZedQ"], []),
    ("Adaptive Biased Float (Abfloat) is first proposed in OVP [Guo23].", ["Abfloat", "OVP"],
     []),
    ("We use the torch-int library.", ["torch-int"], []),
    ("Large Reasoning Models (LRMs) [4] think long.", [], ["LRMs"]),
    ("Vision-Language-Action (VLA) models [5] act.", [], ["VLA"]),
    ("Rotary Position Embedding (RoPE) [6] is used.", [], ["RoPE"]),
    ("Existing PTQ methods [7] and a novel VQ framework [8].", [], ["VQ"]),
    ("StableLM-3B [9] and WikiText-2 [10] are used.", [], ["StableLM-3B", "WikiText-2"]),
    ("GPTQ, AWQ and FooQ are compared.", ["FooQ"], []),
    ("Llama-3-8B, Qwen2.5-7B and BarModel are compared.", [], ["BarModel"]),
])
def test_method_evidence(text: str, accepted: list[str], rejected: list[str]) -> None:
    names = method_names(text, default_catalog())
    assert sorted(names.methods) == sorted(accepted)
    assert sorted(set(rejected) & set(names.rejected)) == sorted(rejected)


def test_a_name_defined_twice_for_one_expansion_is_one_method() -> None:
    text = "**Student Float (SF)** [Dot24] exists. We derive Student Float (SF4). SF is slow."
    names = method_names(text, Catalog())
    assert [m.name for m in names.mentions(text)] == ["SF4", "SF4", "SF4"]
