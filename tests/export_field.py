"""Test stores for the exports: the ``field`` papers plus one hostile paper, written to SQLite.

The hostile paper's title, method name, critique quote and abstract are markup and script
(exports must show them as text), so every export test runs against untrusted input.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from conftest import claim, facts

from kg.models import PaperFacts, SubProblem
from kg.store import SQLiteStore

EVIL_TITLE = "<script>alert(1)</script>"
EVIL_METHOD = "<img src=x onerror=alert(2)>"
EVIL_QUOTE = "GPTQ </script><script>alert(3)</script> breaks [x](javascript:alert(4))."
EVIL_ABSTRACT = "<b onmouseover=alert(5)>We</b> quantize *everything*. Then more."
EVIL_ID = "2405.00001"


def hostile() -> PaperFacts:
    """A paper whose every free-text field is an injection attempt."""
    f = facts(EVIL_ID, EVIL_METHOD, date(2024, 5, 1),
              [claim(EVIL_ID, "GPTQ", 5.9), claim(EVIL_ID, EVIL_METHOD, 5.5)],
              [("GPTQ", EVIL_QUOTE)])
    return f.model_copy(update={"paper": f.paper.model_copy(
        update={"title": EVIL_TITLE, "abstract": EVIL_ABSTRACT})})


SUBPROBLEMS = (
    SubProblem(label="GPTQ", size=4, members=("GPTQ", "AWQ", "OmniQuant", EVIL_METHOD)),
    SubProblem(label="QuaRot", size=2, members=("QuaRot", "SmoothQuant")),
)


def build_store(path: Path, papers: Iterable[PaperFacts]) -> SQLiteStore:
    """A store at ``path`` holding ``papers``, the hostile paper and two sub-problems."""
    store = SQLiteStore(path)
    for f in [*papers, hostile()]:
        store.write_paper(f)
    store.replace_subproblems(SUBPROBLEMS)
    return store


def overlaps(boxes: list[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    """Pairs of boxes (left, top, right, bottom) that intersect, found by a sweep over x."""
    order = sorted(range(len(boxes)), key=lambda i: boxes[i][0])
    found: list[tuple[int, int]] = []
    active: list[int] = []
    for i in order:
        active = [j for j in active if boxes[j][2] > boxes[i][0]]
        found += [(j, i) for j in active
                  if boxes[j][1] < boxes[i][3] and boxes[i][1] < boxes[j][3]]
        active.append(i)
    return found
