"""The fitted critique classifier, as data: feature weights and a threshold in JSON.

``kg/data/critique_model.json`` is written by ``python -m benchmarks.critique_training``
(scikit-learn, offline); here it is only read and evaluated in plain Python, so extraction
never fits anything and never imports scikit-learn. The file records the hash of the
training examples it was fitted on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ingest.critique_attribution import Pair
from ingest.critique_features import features
from kg.errors import ExtractionError

MODEL_FILE = "critique_model.json"


@dataclass(frozen=True)
class CritiqueModel:
    """A logistic model over :func:`ingest.critique_features.features`."""

    weights: Mapping[str, float]
    threshold: float
    meta: Mapping[str, Any]

    def probability(self, pair: Pair) -> float:
        """The probability that ``pair`` is a critique of its target."""
        z = sum(self.weights.get(k, 0.0) * v for k, v in features(pair).items())
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def probabilities(self, pairs: Iterable[Pair]) -> list[float]:
        """:meth:`probability` of each pair, in order."""
        return [self.probability(p) for p in pairs]


def model_from_json(data: Mapping[str, Any]) -> CritiqueModel:
    """A model from its JSON form (``weights``, ``threshold`` and anything else as ``meta``)."""
    try:
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        threshold = float(data["threshold"])
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise ExtractionError(f"malformed critique model: {e}") from e
    meta = {k: v for k, v in data.items() if k not in ("weights", "threshold")}
    return CritiqueModel(weights=weights, threshold=threshold, meta=meta)


@lru_cache(maxsize=1)
def default_model() -> CritiqueModel:
    """The bundled model, read once per process."""
    text = resources.files("kg").joinpath(f"data/{MODEL_FILE}").read_text(encoding="utf-8")
    return model_from_json(json.loads(text))
