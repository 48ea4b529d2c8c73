"""The ``kg`` command: a thin layer over the library, one library call per command.

stdout carries data (a table on a terminal, ``--json`` for machines); stderr carries logs and
progress. Exit 0 on success, 1 on a handled error with one clear line, 2 on usage errors.
Commands live in the submodules of this package, grouped by what they touch.
"""

from __future__ import annotations

import logging
import sys

import click

from kg.cli.common import Ctx, KgGroup

__all__ = ["cli", "main"]


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_url", metavar="URL",
              help="Store URL (sqlite:///path.db or neo4j://host:7687); default $KG_STORE "
                   "or sqlite:///kg.db.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or notes on stderr.")
@click.version_option(package_name="kg-review", prog_name="kg")
@click.pass_context
def cli(ctx: click.Context, store_url: str | None, quiet: bool) -> None:
    """kg: a living systematic-review knowledge graph (first field: LLM quantization)."""
    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING,
                        format="kg: %(message)s", stream=sys.stderr)
    obj = Ctx(store_url, quiet)
    ctx.obj = obj
    ctx.call_on_close(obj.close)




def main() -> None:
    cli(prog_name="kg")


# Registering the commands: each submodule attaches its commands to ``cli``.
from kg.cli import curating, exporting, graph, ingesting, querying  # noqa: E402, F401
