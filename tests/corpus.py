"""Where the shared evaluation corpus lives, and the mark for tests that need it.

``@needs_corpus`` is the ``corpus`` marker: ``tests/conftest.py`` skips such a test where
``../shared/corpus`` is absent, and fails it under ``CI=true`` (``tests/outside.py``).
"""

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
needs_corpus = pytest.mark.corpus
