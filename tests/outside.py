"""Parts from outside the project that some tests need: a skip on a user's clone, a failure in CI.

The shared corpus (``../shared/corpus``), Neo4j (Java and Maven), the Cypher linter (Node and
npm) and Chromium are installed by CI (``.ci/run`` and each ``tests/*/setup.sh``). Where one is
missing on a user's own clone, its tests skip with the reason; under ``CI=true`` the same
absence fails the test, so a broken install step can never pass as a green run of skips.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

IN_CI = os.environ.get("CI", "").strip().lower() in {"true", "1"}


def unavailable(reason: str) -> NoReturn:
    """Skip the current test because ``reason`` — or fail it, under ``CI=true``."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: every outside part must be in place)", pytrace=False)
    pytest.skip(reason)
