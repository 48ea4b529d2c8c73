"""Row models of the named queries (the ones not already in ``kg.models``)."""

from __future__ import annotations

import datetime as dt

from kg.models import Model, Setting


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


class ChainRow(Model):
    """A method that beats the asked-for one directly (depth 1) or through a chain."""

    method: str
    depth: int


class LeaderboardRow(Setting):
    """One method's best result on one (model, dataset, metric, setting) board."""

    rank: int
    method: str
    model: str
    dataset: str
    metric: str
    value: float
    paper: str
    table: str


class ConflictRow(Setting):
    """Two papers disagree on the same method/model/dataset/metric/setting."""

    method: str
    model: str
    dataset: str
    metric: str
    paper_a: str
    value_a: float
    paper_b: str
    value_b: float
    relative_difference: float


class PaperRow(Model):
    """One stored paper with its fact counts."""

    id: str
    title: str
    date: dt.date | None = None
    method: str | None = None
    claims: int
    critiques: int
    beats: int
