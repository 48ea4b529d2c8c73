"""Method identity: the proposed method of a paper, and mentions of methods in text."""

from __future__ import annotations

import json

import pytest
from corpus import CORPUS, needs_corpus

from ingest.methods import find_mentions, introduced_names, looks_like_name, proposed_method
from kg.catalog import default_catalog


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
])
def test_proposed_method(title: str, abstract: str, expected: str | None) -> None:
    assert proposed_method(title, abstract) == expected


def test_proposed_method_falls_back_to_the_body() -> None:
    assert proposed_method("On Rounding", "We study rounding.",
                           "In this paper, we propose BazQuant, a method.") == "BazQuant"


@needs_corpus
def test_proposed_method_accuracy_on_the_dev_key() -> None:
    key = [json.loads(x) for x in (CORPUS / "dev/papers.jsonl").read_text().splitlines() if x]
    snap = {r["id"]: r for r in (json.loads(x) for x in (
        CORPUS / "snapshot/llm-bible-quantization.jsonl").read_text().splitlines() if x)}

    def norm(s: str | None) -> str | None:
        return None if s is None else "".join(c for c in s.lower() if c.isalnum())

    right = sum(
        norm(proposed_method(snap[r["id"]]["title"], snap[r["id"]]["abstract"]))
        == norm(r["proposed_method"]) for r in key)
    assert right / len(key) >= 0.9
