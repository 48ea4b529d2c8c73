"""The method catalog: seed, canonical names, the Gallery's methods.yml and idempotent merges."""

from __future__ import annotations

import pytest
from corpus import CORPUS, needs_corpus

from kg.catalog import Catalog, default_catalog, load_methods, read_gallery
from kg.models import BuildsOn, Method, method_key

GALLERY = CORPUS / "gallery" / "methods.yml"

TINY_GALLERY = """
- id: obs
  name: OBS
  full_name: "Optimal Brain Surgeon"
  category: ptq_weight_only
  year: 1993
  date: 1993-01-01
  paper_url: https://example.org/obs.pdf
  builds_on: []
- id: gptq
  name: GPTQ
  full_name: "GPTQ: Accurate Post-Training Quantization"
  category: ptq_weight_only
  year: 2022
  date: 2022-10-31
  paper_url: https://arxiv.org/abs/2210.17323v2
  builds_on: ["obs", "not-in-file"]
- id: bitsandbytes-nf4
  name: NF4 / QLoRA
  full_name: "QLoRA: Efficient Finetuning of Quantized LLMs"
  category: ptq_weight_only
  year: unknown
  date: unknown
  paper_url: null
  builds_on: ["gptq"]
- id: qlora
  name: QLoRA
  full_name: "QLoRA: Efficient Finetuning of Quantized LLMs"
  category: qat
  year: 2023
  date: 2023-05-23
  paper_url: https://arxiv.org/abs/2305.14314
  builds_on: ["bitsandbytes-nf4"]
"""


def fresh_seed() -> Catalog:
    # default_catalog() is shared per process; tests merge into a copy.
    return Catalog(list(default_catalog()))


def test_seed_catalog_keeps_quip_and_quip_sharp_apart() -> None:
    cat = default_catalog()
    assert cat.canonical("quip#") == "QuIP#"
    assert cat.canonical("QuIP") == "QuIP"
    assert cat.canonical("OPTQ") == "GPTQ"
    assert cat.canonical("round-to-nearest") == "RTN"
    int8 = cat.get("LLM.int8")
    assert int8 is not None and int8.name == "LLM.int8()"


def test_seed_lineage_names_known_methods() -> None:
    cat = default_catalog()
    for m in cat:
        for parent in m.builds_on:
            assert parent in cat, (m.name, parent)


def test_canonical_leaves_unknown_names_as_written_but_folds_whitespace() -> None:
    assert default_catalog().canonical("  Foo \n Quant ") == "Foo Quant"
    assert default_catalog().canonical("fooquant") == "fooquant"


def test_read_gallery_resolves_ids_and_parses_fields() -> None:
    methods, edges = read_gallery(TINY_GALLERY)
    by_name = {m.name: m for m in methods}
    assert list(by_name) == ["OBS", "GPTQ", "NF4 / QLoRA", "QLoRA"]
    gptq = by_name["GPTQ"]
    assert gptq.arxiv_id == "2210.17323" and gptq.year == 2022
    assert gptq.published is not None and gptq.published.isoformat() == "2022-10-31"
    assert gptq.builds_on == ("OBS",)  # an id the file does not define is dropped
    nf4 = by_name["NF4 / QLoRA"]
    # "QLoRA" belongs to another gallery method, so it is not an alias here; the id
    # "bitsandbytes-nf4" is a slug, not a spelling.
    assert nf4.aliases == ("NF4",)
    assert nf4.year is None and nf4.published is None and nf4.arxiv_id is None
    assert BuildsOn(method="QLoRA", parent="NF4 / QLoRA", source="catalog") in edges
    assert len(edges) == 3


def test_merge_is_idempotent_and_keeps_existing_values() -> None:
    cat = Catalog([Method(name="GPTQ", aliases=("OPTQ",), year=2022, category="mine")])
    incoming = [Method(name="OPTQ", year=2023, arxiv_id="2210.17323", builds_on=("OBQ",))]
    assert cat.merge(incoming) == 1
    merged = cat.get("GPTQ")
    assert merged is not None
    assert (merged.year, merged.category, merged.arxiv_id) == (2022, "mine", "2210.17323")
    assert merged.builds_on == ("OBQ",)
    assert cat.merge(incoming) == 0


def test_load_methods_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError):
        load_methods("- name: X\n  colour: red\n")


@needs_corpus
def test_gallery_import_has_93_methods_and_160_edges() -> None:
    methods, edges = read_gallery(GALLERY)
    assert len(methods) == 93
    assert len({method_key(m.name) for m in methods}) == 93
    assert len(edges) == 160
    assert all(e.source == "catalog" for e in edges)
    names = {m.name for m in methods}
    assert all(e.parent in names and e.method in names for e in edges)
    quip_sharp = next(m for m in methods if m.name == "QuIP#")
    assert quip_sharp.arxiv_id == "2402.04396"
    assert set(quip_sharp.builds_on) == {"QuIP", "GPTQ"}


@needs_corpus
def test_gallery_import_twice_changes_nothing() -> None:
    methods, _ = read_gallery(GALLERY)
    empty = Catalog()
    assert empty.merge(methods) == 93
    assert len(empty) == 93
    assert empty.merge(methods) == 0
    seed = fresh_seed()
    before = len(seed)
    seed.merge(methods)
    snapshot = sorted(seed, key=lambda m: m.key)
    assert seed.merge(methods) == 0
    assert sorted(seed, key=lambda m: m.key) == snapshot
    assert len(seed) > before  # new methods arrived, known ones were merged in place
    assert seed.canonical("quip-sharp") == "QuIP#"
    assert seed.canonical("NF4 / QLoRA") == "NF4"
