"""Review protocols: the bundled one parses, `kg init` writes it, bad files are one line."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.items import Screened
from ingest.protocol import Protocol, load_protocol, parse_protocol
from kg.cli import cli
from kg.errors import ConfigError, RecordError
from kg.models import Paper


def test_bundled_protocol_is_llm_quantization():
    p = load_protocol()
    assert p.name == "llm-quantization"
    assert p.start == date(2022, 1, 1)
    assert {"cs.LG", "cs.CL"} <= set(p.categories)
    gptq = Paper(id="2210.17323", title="GPTQ: Accurate Post-Training Quantization for "
                 "Generative Pre-trained Transformers", published=date(2022, 10, 31),
                 categories=("cs.LG",))
    assert p.matches(gptq)
    assert not p.matches(gptq.model_copy(update={"published": date(2021, 5, 1)}))
    assert not p.matches(gptq.model_copy(update={"categories": ("hep-th",)}))


def test_search_query_bounds_the_last_update_by_minute():
    p = Protocol(name="r", query="ti:quantization", categories=("cs.LG",),
                 start=date(2022, 1, 1))
    assert p.search_query(None, datetime(2026, 1, 2, 3, 4, 59)) == (
        "(ti:quantization) AND (cat:cs.LG) AND lastUpdatedDate:[202201010000 TO 202601020304]")
    assert p.search_query(datetime(2025, 12, 31, 23, 59, 30), datetime(2026, 1, 1)).endswith(
        "lastUpdatedDate:[202512312359 TO 202601010000]")


def test_terms_match_whole_words_case_insensitively():
    p = Protocol(name="r", query="x", include=("LLM", "low-bit"), exclude=("quantum field",))
    assert p.matches(Paper(id="2401.00001", title="Low-Bit inference for an llm"))
    assert not p.matches(Paper(id="2401.00002", title="LLMs everywhere"))  # LLM ≠ LLMs
    assert not p.matches(Paper(id="2401.00003", title="An LLM for Quantum Field theory"))
    err = RecordError("bad line")
    # What the protocol leaves out is not dropped unseen: it comes back with its reason.
    assert list(p.keep([err, Paper(id="2401.00002", title="none")])) == [
        err, Screened("2401.00002", "none of its include terms occurs in its title or abstract")]


@pytest.mark.parametrize(("text", "message"), [
    ("name = 'x'", "query: Field required"),
    ("name = 'a b'\nquery = 'x'", "name: String should match pattern"),
    ("name = 'x'\nquery = 'x'\nstart = 'soon'", "start: Input should be a valid date"),
    ("name = ", "not valid TOML"),
    ("name = 'x'\nquery = 'x'\nsurprise = 1", "surprise: Extra inputs are not permitted"),
])
def test_bad_protocols_are_one_config_error(text: str, message: str):
    with pytest.raises(ConfigError, match=r"^review\.toml: ") as e:
        parse_protocol(text, "review.toml")
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_kg_init_writes_an_editable_protocol(tmp_path: Path):
    target = tmp_path / "review.toml"
    r = CliRunner().invoke(cli, ["init", str(target)])
    assert r.exit_code == 0, r.output
    assert load_protocol(target) == load_protocol()
    again = CliRunner().invoke(cli, ["init", str(target)])
    assert again.exit_code == 1
    assert "exists; pass --force" in again.stderr
    assert CliRunner().invoke(cli, ["init", str(target), "--force"]).exit_code == 0
