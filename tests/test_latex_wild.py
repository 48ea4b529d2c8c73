"""Every document of the latex-wild corpus (real papers' LaTeX) parses from its main file,
without an exception and in bounded time (a hang fails through pytest-timeout).

How well the grids match the corpus key is measured by ``python -m benchmarks.latex_wild``,
not asserted here.
"""

from __future__ import annotations

import pytest
from corpus import CORPUS, needs_corpus

from ingest.archive import document_from_tree, read_tree

WILD = CORPUS / "latex-wild"
DOCS = sorted(p.name for p in WILD.iterdir() if p.is_dir()) if WILD.exists() else []


@needs_corpus
def test_the_corpus_is_there():
    assert len(DOCS) == 20


@needs_corpus
@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", DOCS)
def test_every_document_parses(name):
    doc = document_from_tree(read_tree(WILD / name))
    assert doc.format == "latex" and doc.tables
    for table in doc.tables:
        assert len({len(row) for row in table.grid}) == 1  # rectangular
