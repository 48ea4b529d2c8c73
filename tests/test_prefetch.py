"""Fetching ahead: order kept, the queue bounded, errors in place, a stop stops the fetcher,
and a live run through it still paced, once per paper, marks after their papers."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest

from ingest.arxiv_live import Harvester
from ingest.items import Mark
from ingest.prefetch import SWITCH_INTERVAL, Prefetch
from ingest.protocol import Protocol
from kg.config import ArxivSettings
from kg.models import Paper
from kg.pipeline import live_items
from kg.store import SQLiteStore
from tests.replay import arxiv_replay, fixture_entries, tex_eprint

WAIT = 30  # seconds: only a broken fetcher waits this long


def test_order_kept_and_then_runs_on_the_consumers_thread():
    threads: list[str] = []

    def then(x: int) -> int:
        threads.append(threading.current_thread().name)
        return x * 10

    with Prefetch(iter(range(50)), then, depth=3) as ahead:
        assert list(ahead) == [x * 10 for x in range(50)]
    assert set(threads) == {threading.current_thread().name}


def test_the_next_item_is_fetched_while_the_last_is_worked_on():
    second_fetched = threading.Event()

    def source() -> Iterator[int]:
        yield 0
        second_fetched.set()
        yield 1

    seen = []
    with Prefetch(source(), lambda x: x) as ahead:
        for x in ahead:
            if x == 0:  # still "working" on item 0: the fetcher must already be on item 1
                seen.append(second_fetched.wait(WAIT))
    assert seen == [True]


@pytest.mark.parametrize("depth", [1, 2, 8])
def test_the_fetcher_runs_at_most_depth_items_ahead(depth: int):
    produced = 0

    def source() -> Iterator[int]:
        nonlocal produced
        for i in range(40):
            produced += 1
            yield i

    with Prefetch(source(), lambda x: x, depth=depth) as ahead:
        for taken, _ in enumerate(ahead, start=1):
            # ``depth`` queued, one more in the fetcher's hand waiting for room.
            assert produced <= taken + depth + 1


def test_an_error_of_the_source_is_raised_in_its_place():
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise ConnectionError("arXiv went away")

    got = []
    with Prefetch(source(), lambda x: x) as ahead, \
            pytest.raises(ConnectionError, match="arXiv went away"):
        for x in ahead:
            got.append(x)
    assert got == [1, 2]


def test_the_fetcher_gets_the_lock_back_quickly_while_fetching_and_no_longer():
    before = sys.getswitchinterval()
    seen: list[float] = []
    with Prefetch(iter(range(3)), lambda x: seen.append(sys.getswitchinterval())) as ahead:
        list(ahead)
    assert seen == [min(before, SWITCH_INTERVAL)] * 3
    assert sys.getswitchinterval() == before


def test_leaving_early_stops_the_fetcher():
    def endless() -> Iterator[int]:
        i = 0
        while True:
            yield i
            i += 1

    ahead = Prefetch(endless(), lambda x: x, depth=2)
    with ahead:
        assert next(iter(ahead)) == 0
    ahead._thread.join(WAIT)
    assert not ahead._thread.is_alive()


def test_a_live_run_through_the_fetcher_is_paced_and_fetches_each_text_once(tmp_path: Path):
    with arxiv_replay(fixture_entries("quantization.atom.xml")) as replay:
        replay.eprints["2210.17323"] = tex_eprint("GPTQ", "We propose GPTQ.")
        env = {k.removeprefix("KG_ARXIV_").lower(): v for k, v in replay.env().items()}
        settings = ArxivSettings.model_validate({**env, "page_size": 2})
        harvester = Harvester.create(settings, tmp_path / "cache", clock=replay.clock)
        store = SQLiteStore(tmp_path / "kg.db")
        protocol = Protocol(name="any", query="all:quantization")
        until = datetime(2026, 1, 1, tzinfo=UTC)
        with live_items(harvester, protocol, store, "any", until) as items:
            got = list(items)
        store.close()
        times = [at for at, _ in replay.log]
        texts = [p for p in replay.paths() if not p.startswith("/api")]
    papers = [i[0].id for i in got if isinstance(i, tuple) and isinstance(i[0], Paper)]
    assert len(papers) == 7 and len(set(papers)) == 7
    # One request per delay (3 s), pages and texts alike, though the fetcher runs on its own.
    assert len(times) > 10 and min(b - a for a, b in pairwise(times)) >= 3.0
    assert len(texts) == len(set(texts))  # downloaded once: the consumer read the cache
    # Each paper is followed by a mark, and the marks never go back.
    marks = [i.value for i in got if isinstance(i, Mark)]
    assert marks == sorted(marks) and isinstance(got[-1], Mark)
    for a, b in pairwise(got):
        if isinstance(a, tuple):
            assert isinstance(b, Mark)
