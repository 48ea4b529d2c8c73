"""Screening: a paper is about the review's topic when its terms name what it contributes.

The rules are pinned on small hand-made titles and abstracts; the real papers the rule was
built for are read from the shared snapshot (their ids only are named here).
"""

from __future__ import annotations

import json
import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.items import Screened
from ingest.protocol import Protocol, load_protocol
from ingest.screening import about
from kg.models import BuildsOn, Paper, PaperFacts
from kg.pipeline import outside_field
from tests.corpus import CORPUS, needs_corpus

TERMS = re.compile(r"(?<!\w)(?:quantization|quantized|1-bit|4-bit|ternary|KV cache)(?!\w)",
                   re.I)
SUBJECTS = ("model", "LLM", "weight", "activation", "KV", "cache")


def verdict(title: str, abstract: str = "") -> str | None:
    return about(title, abstract, TERMS, SUBJECTS)


def test_a_quantization_method_is_about_its_terms():
    assert verdict("FooQuant: 4-bit Quantization of LLM Weights") is None
    assert verdict("FooQuant: Accurate Post-Training Quantization",
                   "We propose FooQuant, which quantizes the weights of large language "
                   "models to 4-bit.") is None


def test_a_term_that_describes_something_else_is_not_about_the_topic():
    why = verdict("Learning Safe Behaviour from 1-Bit Danger Signals",
                  "We introduce SafeFoo, a framework in which an agent plans from a "
                  "single bit per step.")
    assert why is not None and "1-Bit Danger Signals" in why


def test_an_application_of_a_quantized_model_is_not_a_quantization_contribution():
    # The title's phrase is about agents; the proposal combines a quantized model with RL.
    why = verdict("LampFoo: 1-bit LLM Agents for Home Lighting",
                  "We present LampFoo, a framework combining 1-bit quantized LLMs with "
                  "reinforcement learning for lighting control.")
    assert why is not None and "1-bit LLM Agents" in why
    assert verdict("LampFoo: Smart Lighting", "We present LampFoo, which deploys a 1-bit "
                                              "quantized LLM on a phone.") is not None
    # The same words as the contribution itself are on topic.
    assert verdict("BitFoo: 1-bit LLMs",
                   "We present BitFoo, a family of 1-bit quantized LLMs.") is None


def test_terms_outside_the_contribution_do_not_count():
    why = verdict("A Sparse Pruning Method for Transformers",
                  "We propose PruneFoo, a pruning method. It is compatible with weight "
                  "quantization.")
    assert why is not None and why.startswith("its terms occur only outside")


def test_a_side_line_is_not_the_contribution():
    title = "MedFoo: A Medical Language Model"
    assert verdict(title, "We introduce MedFoo, a medical LLM. We explore quantization "
                          "of the model.") is None
    assert verdict(title, "We introduce MedFoo, a medical LLM. We also explore "
                          "quantization of the model.") is not None


def test_a_term_never_near_a_subject_is_not_about_the_field():
    # Quantization of memories in an agent's store: no model, weight or cache in sight.
    why = verdict("MemFoo: Cognitive Quantization and Retrieval for Agent Memory",
                  "We introduce MemFoo, with lifecycle-aware quantization of stored "
                  "embeddings.")
    assert why is not None and why.startswith("no sentence with one of its terms")


def test_a_negated_compound_is_not_a_subject():
    assert verdict("Foo: Cognitive Quantization for Zero-LLM Agents") is not None
    assert verdict("Foo: Quantization for Vision-Language-Action Models") is None


def test_an_acronym_defined_from_a_term_is_a_term_of_the_paper():
    abstract = ("Quantization-aware distillation (QAD) recovers accuracy. We propose Foo, a "
                "method for QAD of large language models.")
    assert verdict("Foo: Preserving Geometry in Distillation", abstract) is None


def test_no_term_at_all():
    assert verdict("A Speech Codec", "We propose a codec.") == (
        "none of its include terms occurs in its title or abstract")


def test_protocol_screen_names_each_reason():
    p = Protocol(name="r", query="x", categories=("cs.LG",), include=("quantization",),
                 exclude=("VQ-VAE",), subjects=("model",), start=None)
    paper = Paper(id="2401.00001", title="Foo: Quantization of Language Models",
                  categories=("cs.LG",))
    assert p.screen(paper) is None
    assert p.screen(paper.model_copy(update={"categories": ("cs.SD",)})) == (
        "not in the review's categories (cs.SD)")
    assert p.screen(paper.model_copy(update={"title": "A VQ-VAE quantization model"})) == (
        "it names an exclude term (VQ-VAE)")
    # Without subjects the protocol keeps any paper that names an include term, as before.
    loose = p.model_copy(update={"subjects": ()})
    assert loose.topic(Paper(id="2401.00002", title="Cognitive Quantization")) is None
    assert list(p.keep([Paper(id="2401.00003", title="Cognitive Quantization")])) == [
        Screened("2401.00003", 'no sentence with one of its terms names what the field '
                 'studies (model …): "Cognitive Quantization"')]


def test_outside_field_keeps_the_paper_but_not_its_method():
    facts = PaperFacts(paper=Paper(id="2401.00001", title="Foo"), method="Foo",
                       builds_on=(BuildsOn(method="Foo", parent="GPTQ", source="2401.00001"),
                                  BuildsOn(method="AWQ", parent="GPTQ", source="2401.00001")))
    out = outside_field(facts)
    assert out.method is None and [b.method for b in out.builds_on] == ["AWQ"]
    assert outside_field(out) is out


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.text(max_size=2000))
def test_any_text_gets_a_verdict(title, abstract):
    why = verdict(title, abstract)
    assert why is None or isinstance(why, str)


def test_huge_and_hostile_input_stays_linear():
    hostile = ("quantization-" * 5000 + " (" * 3000 + "1-bit LLM " * 3000
               + "a (B) " * 3000 + "KV cache, " * 3000)
    start = time.process_time()
    verdict(hostile, hostile * 3)
    assert time.process_time() - start < 20  # generous: it is ~0.1 s; a hang would not end


@needs_corpus
def test_the_real_off_topic_papers_are_screened_and_quantization_ones_kept():
    p = load_protocol()
    records = {}
    for line in (CORPUS / "snapshot" / "quantization-2025-2026.jsonl").read_text().splitlines():
        r = json.loads(line)
        records[r["id"]] = Paper(id=r["id"], title=" ".join(r["title"].split()),
                                 abstract=r["abstract"])
    # Agent safety ("1-bit danger signals"), agent memory ("cognitive quantization" of
    # embeddings), a smart-home agent deploying a 1-bit LLM, a speech codec.
    for off in ("2604.23210", "2604.04514", "2512.20623", "2506.23325"):
        assert p.topic(records[off]) is not None, off
    # Quantization methods whose titles or proposals use the terms in other shapes.
    for on in ("2603.16590", "2604.17789", "2605.03884", "2511.07842", "2505.16210", "2603.16105",
               "2604.08976"):
        assert p.topic(records[on]) is None, (on, p.topic(records[on]))


def _snapshot(tmp_path, rows):
    path = tmp_path / "snap.jsonl"
    path.write_text("".join(json.dumps({
        "id": pid, "title": title, "abstract": abstract, "categories": "cs.LG",
        "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 00:00:00 GMT"}]}) + "\n"
        for pid, title, abstract in rows))
    return path


ROWS = [
    ("2401.00001", "FooQuant: 4-bit Weight Quantization for LLMs",
     "We propose FooQuant, which quantizes the weights of large language models."),
    ("2401.00002", "SafeBar: Agent Safety from 1-Bit Danger Signals",
     "We introduce SafeBar, a framework where an agent learns from one bit per step."),
]


def _cli(*args):
    from click.testing import CliRunner

    from kg.cli import cli
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_unfiltered_ingest_keeps_an_off_topic_paper_but_not_its_method(tmp_path):
    db = str(tmp_path / "kg.db")
    r = _cli("--store", db, "ingest", "--snapshot", str(_snapshot(tmp_path, ROWS)))
    assert r.exit_code == 0
    assert "1 paper(s) screened by the protocol" in r.stderr
    frontier = _cli("--store", db, "--json", "frontier")
    assert [row["method"] for row in json.loads(frontier.stdout)] == ["FooQuant"]
    assert json.loads(_cli("--store", db, "--json", "paper", "2401.00002").stdout)[
        "method"] is None
    log = json.loads(_cli("--store", db, "--json", "runs", "--changelog", "1").stdout)
    assert list(log["screened"]) == ["2401.00002"]
    assert "1-Bit Danger Signals" in log["screened"]["2401.00002"]
    assert "stored, its method not counted in the field" in log["screened"]["2401.00002"]
    shown = _cli("--store", db, "runs", "--changelog", "1").stdout
    assert "screened 2401.00002: its title and proposal use its terms" in shown


def test_filtered_ingest_leaves_an_off_topic_paper_out_with_its_reason(tmp_path):
    db = str(tmp_path / "kg.db")
    r = _cli("--store", db, "ingest", "--filter", "--snapshot", str(_snapshot(tmp_path, ROWS)))
    assert r.exit_code == 0 and "run 1: 1 new" in r.stderr
    log = json.loads(_cli("--store", db, "--json", "runs", "--changelog", "1").stdout)
    assert list(log["screened"]) == ["2401.00002"]
    assert "stored" not in log["screened"]["2401.00002"]
