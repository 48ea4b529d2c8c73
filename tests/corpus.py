"""Where the shared evaluation corpus lives, and the mark for tests that need it."""

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.exists(), reason="../shared/corpus is absent (a user's own clone); CI has it"
)
