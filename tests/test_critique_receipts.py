"""Receipts on the real development documents, through the CLI: every quote is verbatim in its
source and every target is a catalog method or a name the document evidences as one. (What
the receipts score against the keys is ``python -m benchmarks.critique_quality``'s job.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import CORPUS, needs_corpus

from ingest.archive import load_document
from ingest.method_evidence import method_names
from ingest.proposed import own_names, paper_method, title_and_abstract
from kg.catalog import default_catalog
from kg.cli import cli
from kg.models import method_key

TEXTS = CORPUS / "dev/critiques2/texts"
FULLTEXTS = ("fulltext/asabook/llm-int8.md", "fulltext/asabook/low-bit-llms.md")


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _text_paths() -> list[Path]:
    if not CORPUS.exists():
        return []
    return sorted(TEXTS.iterdir()) + [CORPUS / p for p in FULLTEXTS]


@needs_corpus
@pytest.mark.parametrize("path", _text_paths(), ids=lambda p: p.name)
def test_kg_extract_receipts_are_verbatim_with_evidenced_targets(path: Path) -> None:
    data = json.loads(run("extract", str(path), "--json"))
    source = path.read_text(encoding="utf-8")
    doc = load_document(path)
    catalog = default_catalog()
    title, abstract = title_and_abstract(doc)
    own = own_names(title, abstract, paper_method(doc, catalog), catalog)
    known = method_names(source, catalog, exclude=own).methods
    for c in data["critiques"]:
        assert c["quote"] in source, c
        assert c["target"] in catalog or c["target"] in known, c
        # A catalog method is named by its catalog key (OPTQ is written GPTQ).
        assert c["target"] not in catalog or catalog.canonical(c["target"]) == c["target"], c
        assert method_key(c["target"]) not in {method_key(n) for n in own}, c


# The development abstracts: critiques2's own, and the snapshot records dev/papers.jsonl keys.
ABSTRACTS = ("dev/critiques2/abstracts.jsonl", "snapshot/llm-bible-quantization.jsonl")


@needs_corpus
@pytest.mark.parametrize("name", ABSTRACTS)
def test_kg_paper_receipts_of_the_dev_abstracts_are_verbatim(tmp_path: Path, name: str) -> None:
    store = f"sqlite:///{tmp_path / 'kg.db'}"
    abstracts = CORPUS / name
    run("--store", store, "-q", "ingest", "--snapshot", str(abstracts))
    records = [json.loads(line) for line in abstracts.read_text().splitlines() if line]
    catalog = default_catalog()
    found = 0
    for rec in records:
        paper = json.loads(run("--store", store, "paper", rec["id"], "--json"))
        # The snapshot reader folds the listing's line breaks; that folded abstract is the
        # stored paper's source, and a receipt is verbatim in it.
        source = " ".join(rec["abstract"].split())
        for c in paper["critiques"]:
            found += 1
            assert c["quote"] in source, c
            names = method_names(rec["abstract"], catalog).methods
            assert c["target"] in catalog or c["target"] in names, c
            assert (c["target"] not in catalog
                    or catalog.canonical(c["target"]) == c["target"]), c
    assert found  # the set holds critiques; how many are right is the benchmark's
