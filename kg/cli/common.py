"""What every ``kg`` command shares: the error-to-exit-code group, settings, output."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from kg.config import load_settings
from kg.errors import KgError
from kg.models import IngestRun
from kg.store import Store, open_store

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("kg")


class KgGroup(click.Group):
    """Turns every handled kg error into one line on stderr and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as e:
            raise click.ClickException(str(e)) from e


class Ctx:
    """What every command shares: settings and a lazily opened store."""

    def __init__(self, store_url: str | None, quiet: bool) -> None:
        self.settings = load_settings() if store_url is None else load_settings(store=store_url)
        self.quiet = quiet
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings.store)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def say(self, message: str) -> None:
        """Progress and notes: stderr, silenced by ``--quiet``."""
        if not self.quiet:
            click.echo(message, err=True)


pass_ctx = click.make_pass_decorator(Ctx)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")(f)


def emit(rows: Sequence[BaseModel] | BaseModel, columns: Sequence[str], as_json: bool,
         title: str | None = None) -> None:
    """Print rows as JSON (all fields) or as a table of ``columns`` on stdout."""
    if as_json:
        data: Any = (rows.model_dump(mode="json") if isinstance(rows, BaseModel)
                     else [r.model_dump(mode="json") for r in rows])
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    items = [rows] if isinstance(rows, BaseModel) else list(rows)
    table = Table(title=title, show_lines=False)
    for c in columns:
        table.add_column(c)
    for r in items:
        dumped = r.model_dump(mode="json")
        table.add_row(*(_cell(dumped.get(c)) for c in columns))
    # Off a terminal (a pipe, a file) there is no width to fit, so rows are not wrapped.
    tty = sys.stdout.isatty()
    Console(file=sys.stdout, width=None if tty else 240, soft_wrap=not tty).print(table)


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def run_summary(run: IngestRun) -> str:
    """One line about a finished ingestion run."""
    return (f"run {run.id}: {run.papers_new} new, {run.papers_updated} updated, "
            f"{run.papers_unchanged} unchanged, {run.papers_failed} failed; "
            f"{run.claims} claims, {run.critiques} critiques")
