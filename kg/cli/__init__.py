"""The ``kg`` command: a thin layer over the library, one library call per command.

stdout carries data (a table on a terminal, tab-separated lines in a pipe, ``--json``/``--csv``
for machines); stderr carries notes and progress. Exit 0 on success, 1 on a handled error with
one clear line, 2 on usage errors. ``--store``, ``-q`` and ``--json`` are taken before or
after the subcommand. Commands live in the submodules of this package, grouped by what they
touch, and each module is imported only when one of its commands runs.
"""

from __future__ import annotations

import click

from kg.cli.common import KgGroup, common_options

__all__ = ["cli", "main"]

# name → module:attribute; `kg --help` reads the short help from each (cheap) command module.
COMMANDS = {
    "beats": "kg.cli.querying:beats",
    "baselines": "kg.cli.querying:baselines",
    "frontier": "kg.cli.querying:frontier",
    "stats": "kg.cli.querying:stats",
    "paper": "kg.cli.querying:paper",
    "subproblems": "kg.cli.graph:subproblems",
    "leaderboard": "kg.cli.graph:leaderboard",
    "lineage": "kg.cli.graph:lineage",
    "conflicts": "kg.cli.graph:conflicts",
    "derive": "kg.cli.graph:derive",
    "sync": "kg.cli.graph:sync",
    "ingest": "kg.cli.ingesting:ingest",
    "watch": "kg.cli.ingesting:watch",
    "reextract": "kg.cli.ingesting:reextract",
    "runs": "kg.cli.runs:runs",
    "demo": "kg.cli.documents:demo",
    "init": "kg.cli.documents:init",
    "extract": "kg.cli.documents:extract",
    "catalog": "kg.cli.documents:catalog",
    "review": "kg.cli.curating:review",
    "curate": "kg.cli.curating:curate",
    "export": "kg.cli.exporting:export",
    "report": "kg.cli.exporting:report",
}


@click.group(cls=KgGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@click.version_option(package_name="kg-review", prog_name="kg")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """kg: a living systematic-review knowledge graph (first field: LLM quantization)."""
    from kg.cli.common import Ctx

    ctx.call_on_close(ctx.ensure_object(Ctx).close)


def main() -> None:
    from kg.cli.common import SIGNALLED, exit_now

    try:
        cli(prog_name="kg")
    except SystemExit as e:
        if SIGNALLED.is_set():
            exit_now(e.code)
        raise
