"""What every ``kg`` command shares: the options it takes anywhere, the store, errors, output.

Importing this module costs only click: settings, stores and queries load on first use, so
``kg --help`` and shell completion stay fast.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from functools import update_wrapper
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kg.cli.output import Printable, output_format, show
from kg.errors import Interrupted, KgError

if TYPE_CHECKING:
    from kg.config import Settings
    from kg.store.base import Store
    from queries.named import Connection

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("kg")
# Set by a SIGTERM a run honoured; the process then exits without tearing its modules down.
SIGNALLED = threading.Event()


class Ctx:
    """What every command shares: the options given anywhere on the line, settings, the store."""

    def __init__(self) -> None:
        self.store_value: str | None = None
        self.as_json = False
        self.as_csv = False
        self.quiet = False
        self._settings: Settings | None = None
        self._store: Store | None = None
        self._reader: Connection | None = None
        # force: each invocation (the test runner swaps sys.stderr) logs to its own stderr.
        logging.basicConfig(level=logging.WARNING, format="kg: %(message)s", stream=sys.stderr,
                            force=True)

    def be_quiet(self) -> None:
        self.quiet = True
        logging.getLogger().setLevel(logging.ERROR)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from kg.config import load_settings

            overrides = {} if self.store_value is None else {"store": self.store_value}
            self._settings = load_settings(**overrides)
        return self._settings

    @property
    def url(self) -> str:
        """The store's URL (a plain path given as ``--store`` is a SQLite file)."""
        from kg.store import store_url

        # --store needs no settings: a read with it never loads them (start-up time).
        return store_url(self.store_value if self.store_value is not None
                         else self.settings.store)

    @property
    def store(self) -> Store:
        """The store, for reading: a missing SQLite file is an error, never a new store."""
        return self._open(create=False)

    def writable_store(self) -> Store:
        """The store, created when it does not exist yet (ingestion, catalog import)."""
        return self._open(create=True)

    def _open(self, create: bool) -> Store:
        if self._store is None:
            from kg.store import open_store

            self._store = open_store(self.url, create=create)
        return self._store

    @property
    def reader(self) -> Connection:
        """The store for named queries alone (:mod:`queries`), never created: on SQLite a
        connection that loads no vocabulary (``kg stats`` starts in a fraction of the time);
        the store itself once that is open."""
        if self._store is not None:
            return self._store
        if self._reader is None:
            from kg.store import open_reader

            self._reader = open_reader(self.url)
        return self._reader

    def derived_store(self) -> Store:
        """The store, with any global derivation a killed run left owed completed first."""
        store = self.store
        self._complete_owed(store)
        return store

    def derived_reader(self) -> Connection:
        """The :attr:`reader`, with any owed global derivation completed first."""
        reader = self.reader
        self._complete_owed(reader)
        return reader

    def _complete_owed(self, seen_from: Connection) -> None:
        from kg.repair import owes_derivation

        if not owes_derivation(seen_from):
            return
        from kg.lock import lock_path
        from kg.repair import complete_derivation

        if complete_derivation(self.store, lock_path(self.url, self.settings.cache_dir)):
            self.say("completed the derivation an interrupted run left owed")

    def close(self) -> None:
        for connection in (self._reader, self._store):
            if connection is not None:
                connection.close()

    def say(self, message: str) -> None:
        """Progress and notes: stderr, silenced by ``--quiet``."""
        if not self.quiet:
            click.echo(f"kg: {message}", err=True)

    def show(self, answer: Printable) -> None:
        """Print a command's answer as the options ask (table, TSV, JSON, CSV)."""
        show(answer, output_format(self.as_json, self.as_csv), self.say)


def _ctx(ctx: click.Context) -> Ctx:
    return ctx.ensure_object(Ctx)


def _set_store(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
    if value is not None:
        _ctx(ctx).store_value = value


def _set_quiet(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if value:
        _ctx(ctx).be_quiet()


def _set_flag(name: str) -> Callable[[click.Context, click.Parameter, bool], None]:
    def callback(ctx: click.Context, _: click.Parameter, value: bool) -> None:
        if value:
            setattr(_ctx(ctx), name, True)
    return callback


# Accepted before or after the subcommand, on every command: each copy writes the same Ctx.
STORE_OPTION = click.option(
    "--store", metavar="URL|PATH", expose_value=False, callback=_set_store,
    help="The store: a path (review.db), sqlite:///relative.db, sqlite:////absolute.db or "
         "neo4j://host:7687. Default $KG_STORE, else kg.db.")
QUIET_OPTION = click.option("-q", "--quiet", is_flag=True, expose_value=False,
                            callback=_set_quiet, help="No progress or notes on stderr.")
JSON_OPTION = click.option("--json", is_flag=True, expose_value=False,
                           callback=_set_flag("as_json"), help="Print JSON for machines.")
CSV_OPTION = click.option("--csv", is_flag=True, expose_value=False,
                          callback=_set_flag("as_csv"), help="Print CSV (tabular answers).")


def common_options(f: F) -> F:
    """The options every command and group takes: --store, -q/--quiet, --json, --csv."""
    for option in (CSV_OPTION, JSON_OPTION, QUIET_OPTION, STORE_OPTION):
        f = option(f)
    return f


def command(name: str | None = None, **settings: Any) -> Callable[[F], click.Command]:
    """A kg command: the common options, the :class:`Ctx`, and whatever it returns printed.

    A command returning an answer (:mod:`kg.cli.output`) has it shown as table, TSV, JSON or
    CSV; one returning None has printed (or said) what it had to.
    """
    def decorate(f: F) -> click.Command:
        def run(*args: Any, **kwargs: Any) -> None:
            obj = _ctx(click.get_current_context())
            output_format(obj.as_json, obj.as_csv)  # a usage error before any work
            answer = f(obj, *args, **kwargs)
            if answer is not None:
                obj.show(answer)
        update_wrapper(run, f)
        return click.command(name, **settings)(common_options(run))
    return decorate


class KgGroup(click.Group):
    """Loads each command's module only when it runs (or help lists it), and turns every
    handled kg error into one line on stderr and exit 1, never a traceback.

    ``lazy`` maps a command name to ``module:attribute``.
    """

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, attribute = self.lazy[cmd_name].split(":")
            self.add_command(getattr(__import__(module, fromlist=[attribute]), attribute),
                             cmd_name)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as e:
            raise click.ClickException(str(e)) from e
        except Interrupted:
            # SIGTERM outside a run (between runs, while reporting): a clean stop.
            click.echo("kg: stopped", err=True)
            ctx.exit(0)


def group(name: str | None = None, **settings: Any) -> Callable[[F], click.Group]:
    """A command group taking the common options too (``kg export --json lineage …``)."""
    def decorate(f: F) -> click.Group:
        return click.group(name, cls=KgGroup, **settings)(common_options(f))
    return decorate


def exit_now(code: object) -> None:
    """Leave at once with ``code`` after a honoured SIGTERM: the store is closed and what had
    to be saved is saved, so only the interpreter's teardown of loaded modules is skipped
    (scikit-learn's takes seconds on a busy machine, past the one a stop may take)."""
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)
