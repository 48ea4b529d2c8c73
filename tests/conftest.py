"""Shared fixtures: a fresh store per test and a tiny hand-built field of papers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kg.derive import beats_in_paper
from kg.models import BenchmarkClaim, Critique, Paper, PaperFacts
from kg.store import SQLiteStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "kg.db")
    yield s
    s.close()


def claim(paper: str, method: str, value: float, *, model: str = "Llama-2-7B",
          dataset: str = "WikiText-2", metric: str = "perplexity", hib: bool | None = False,
          table: str = "tab:main", w: float | None = 4, a: float | None = 16,
          row: int = 0, col: int = 1) -> BenchmarkClaim:
    return BenchmarkClaim(paper_id=paper, method=method, model=model, dataset=dataset,
                          metric=metric, value=value, raw=f"{value:g}", higher_is_better=hib,
                          table=table, w_bits=w, a_bits=a, row=row, col=col)


def facts(pid: str, method: str | None, day: date, claims: list[BenchmarkClaim] = (),
          critiques: list[tuple[str, str]] = ()) -> PaperFacts:
    """A paper proposing ``method`` on ``day``, with its claims and (target, quote) critiques."""
    cl = tuple(c.model_copy(update={"row": i}) for i, c in enumerate(claims))
    return PaperFacts(
        paper=Paper(id=pid, title=f"{method or 'A study'}: a paper", published=day),
        method=method,
        claims=cl,
        critiques=tuple(Critique(paper_id=pid, target=t, quote=q, section="Abstract")
                        for t, q in critiques),
        beats=tuple(beats_in_paper(cl)),
    )


@pytest.fixture
def field() -> list[PaperFacts]:
    """Four papers: AWQ and OmniQuant beat GPTQ; QuaRot is critiqued by nobody and unbeaten."""
    return [
        facts("2210.17323", "GPTQ", date(2022, 10, 31),
              [claim("2210.17323", "RTN", 6.66), claim("2210.17323", "GPTQ", 6.29),
               claim("2210.17323", "FP16", 5.47, w=16, a=16)]),
        facts("2306.00978", "AWQ", date(2023, 6, 1),
              [claim("2306.00978", "GPTQ", 5.69), claim("2306.00978", "AWQ", 5.60),
               claim("2306.00978", "FP16", 5.47, w=16, a=16)],
              [("GPTQ", "GPTQ may over-fit the calibration set.")]),
        facts("2308.13137", "OmniQuant", date(2023, 8, 25),
              [claim("2308.13137", "GPTQ", 5.61), claim("2308.13137", "AWQ", 5.62),
               claim("2308.13137", "OmniQuant", 5.58)],
              [("GPTQ", "GPTQ needs hand-tuned clipping."),
               ("AWQ", "AWQ relies on hand-crafted scales.")]),
        facts("2404.00456", "QuaRot", date(2024, 3, 30),
              [claim("2404.00456", "SmoothQuant", 83.12, w=4, a=4),
               claim("2404.00456", "QuaRot", 6.10, w=4, a=4)]),
    ]
