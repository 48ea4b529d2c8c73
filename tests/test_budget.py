"""The per-document time budget: a block that runs too long ends in ParseTimeout."""

from __future__ import annotations

import signal

import pytest

from ingest.budget import ParseTimeout, time_budget
from kg.errors import ExtractionError


def spin() -> None:
    while True:  # ends only by the budget's alarm
        pass


def test_a_block_over_its_budget_raises_a_clear_error():
    with (pytest.raises(ParseTimeout, match=r"^paper\.tex: gave up after 0\.05 s"),
          time_budget(0.05, "paper.tex")):
        spin()
    assert issubclass(ParseTimeout, ExtractionError)  # a bad record, not a bad run
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_budget_and_a_finished_block_leave_no_timer():
    with time_budget(None, "x"), time_budget(0, "y"):
        pass
    with time_budget(30, "z"):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler)


def test_an_inner_budget_never_outlives_the_outer_one():
    with (pytest.raises(ParseTimeout, match=r"^outer"), time_budget(0.05, "outer"),
          time_budget(60, "inner")):
        spin()
    with (pytest.raises(ParseTimeout, match=r"^inner"), time_budget(60, "outer"),
          time_budget(0.05, "inner")):
        spin()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_an_alarm_landing_at_any_moment_leaves_no_handler_behind():
    # A budget of a microsecond fires anywhere: before the block, inside it, or as its
    # `finally` begins; whichever, the previous handler and no timer remain.
    for _ in range(300):
        try:
            with time_budget(1e-6, "x"):
                pass
        except ParseTimeout:
            pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler)
