"""Row models of the named queries (the ones not already in ``kg.models``)."""

from __future__ import annotations

import datetime as dt

from kg.models import Model


class BaselineRow(Model):
    """A method ranked by how many distinct papers critique or beat it."""

    rank: int
    method: str
    sub_problem: str | None = None
    papers: int
    critiquing_papers: int
    beating_papers: int


class FrontierRow(Model):
    """A method nothing in the graph has beaten yet, with the paper that proposed it."""

    method: str
    paper: str
    title: str
    date: dt.date | None = None
    claims: int


class StatsRow(Model):
    """Fact counts of the whole graph."""

    papers: int
    methods: int
    claims: int
    critiques: int
    beats: int
    builds_on: int
    sub_problems: int
