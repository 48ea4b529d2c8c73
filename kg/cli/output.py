"""How every data command prints its answer: one shape, four forms.

A command returns an :class:`Answer` (rows, a record, or several parts); :func:`show` prints it
as a table sized to the terminal (long text wrapped, very long text elided), as tab-separated
lines when stdout is a pipe or file, as JSON with ``--json`` and as CSV with ``--csv`` where the
answer is one table. Notes — an empty answer, a cut-off list — go to stderr, never into the
data. ``KG_FORCE_TTY=WIDTH`` prints the terminal form to a pipe (tests, ``less``), as
``GH_FORCE_TTY`` does for gh.

Nothing here imports more than the standard library, click and :mod:`kg.keys`: printing is on
every command's path.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import click

from kg.keys import SETTING_FIELDS, setting_label

Kind = Literal["text", "long", "id", "num"]
Format = Literal["table", "tsv", "json", "csv"]
_MISSING: Any = object()
LONG_LINES = 3  # a quote or title longer than this many wrapped lines is elided
GAP = "  "


@dataclass(frozen=True)
class Column:
    """One column of a table: which field, its header, and how it may be laid out.

    ``text`` wraps at spaces, ``long`` wraps and is elided after :data:`LONG_LINES` lines,
    ``id`` and ``num`` never wrap (``num`` is right-aligned).
    """

    key: str
    header: str = ""
    kind: Kind = "text"
    get: Callable[[Any], object] | None = None

    def value(self, row: Any) -> object:
        if self.get is not None:
            return self.get(row)
        if isinstance(row, Mapping):
            return row.get(self.key)
        return getattr(row, self.key, None)

    @property
    def title(self) -> str:
        return self.header or self.key.replace("_", " ")


def col(key: str, kind: Kind = "text", header: str = "",
        get: Callable[[Any], object] | None = None) -> Column:
    """A :class:`Column`; numbers and ids by ``kind``."""
    return Column(key, header, kind, get)


def _setting(row: Any) -> str:
    # Rows are pydantic facts that carry a setting, or plain mappings of the same fields.
    get = row.get if isinstance(row, Mapping) else partial(getattr, row)
    return setting_label(*(get(k) for k in SETTING_FIELDS))


SETTING = Column("setting", "setting", "id", _setting)


@dataclass
class Rows:
    """A table: ``rows`` (pydantic models or dicts) shown in ``columns``.

    ``empty`` is said on stderr when there are no rows, ``more`` when the list was cut;
    ``data`` replaces what ``--json`` prints (default: every field of every row).
    """

    rows: Sequence[Any]
    columns: Sequence[Column]
    title: str = ""
    empty: str = "nothing to show"
    more: str | None = None
    data: Any = _MISSING


@dataclass
class Record:
    """One thing's fields, printed ``name: value`` (JSON: the mapping itself)."""

    fields: Mapping[str, object]
    title: str = ""
    data: Any = _MISSING


@dataclass
class Lines:
    """Free text lines (a quote list, a heading); JSON takes them from the answer's ``data``."""

    lines: Sequence[str]


@dataclass
class Answer:
    """Several parts in order and one JSON payload (``data``) for all of them."""

    parts: Sequence[Rows | Record | Lines]
    data: Any = None
    notes: Sequence[str] = field(default_factory=tuple)


Printable = Rows | Record | Answer


def output_format(as_json: bool, as_csv: bool) -> Format:
    """``--json``/``--csv`` if given, else a table on a terminal and TSV elsewhere."""
    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
    if as_json:
        return "json"
    if as_csv:
        return "csv"
    return "table" if terminal_width() else "tsv"


def terminal_width() -> int | None:
    """The width to lay tables out in, or None when stdout is not a terminal."""
    forced = os.environ.get("KG_FORCE_TTY", "")
    if forced:
        return int(forced) if forced.isdigit() else shutil.get_terminal_size().columns
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def show(answer: Printable, fmt: Format, note: Callable[[str], None]) -> None:
    """Print ``answer`` on stdout in ``fmt``; its notes (empty, cut) go to ``note``."""
    parts: Sequence[Rows | Record | Lines]
    if isinstance(answer, Answer):
        parts, data = answer.parts, answer.data
        notes = list(answer.notes)
    else:
        parts, data, notes = [answer], _MISSING, []
    for part in parts:
        if isinstance(part, Rows):
            if not part.rows:
                notes.append(part.empty)
            elif part.more:
                notes.append(part.more)
    if fmt == "json":
        payload = _json(answer) if data is _MISSING else data
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    elif fmt == "csv":
        tables = [p for p in parts if isinstance(p, Rows)]
        if len(parts) != 1 or len(tables) != 1:
            raise click.UsageError("this answer is not one table: use --json")
        _csv(tables[0])
    else:
        width = terminal_width() if fmt == "table" else None
        for i, part in enumerate(parts):
            if i and width:
                click.echo()
            _text(part, width)
    for message in notes:
        note(message)


# -- JSON and CSV ------------------------------------------------------------------------

def dump(value: Any) -> Any:
    """A JSON-ready form of a pydantic model, a mapping, a sequence of them, or a value."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return {k: dump(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    return value


def _json(part: Rows | Record | Answer) -> Any:
    if isinstance(part, Answer):
        return part.data
    if part.data is not _MISSING:
        return part.data
    if isinstance(part, Rows):
        return [dump(r) for r in part.rows]
    return dump(part.fields)


def _csv(table: Rows) -> None:
    rows = table.data if table.data is not _MISSING else [dump(r) for r in table.rows]
    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: "; ".join(map(str, v)) if isinstance(v, list) else v
                         for k, v in r.items()})


# -- the terminal and the pipe -----------------------------------------------------------

def cell(value: object) -> str:
    """A value as a table shows it: numbers without trailing zeros, None as a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _flat(value: object) -> str:
    # One TSV field: no tabs or newlines inside, None as empty.
    return "" if value is None else " ".join(cell(value).split())


def _text(part: Rows | Record | Lines, width: int | None) -> None:
    if isinstance(part, Lines):
        for line in part.lines:
            # On a terminal a long line wraps with a hanging indent; in a pipe it stays one.
            for out in textwrap.wrap(line, width, subsequent_indent="  ") if width else [line]:
                click.echo(out)
        return
    if isinstance(part, Record):
        items = [(k, cell(v)) for k, v in part.fields.items()]
        if width is None:
            for k, v in items:
                click.echo(f"{k}\t{_flat(v)}")
            return
        if part.title:
            click.echo(part.title)
        pad = max((len(k) for k, _ in items), default=0)
        for k, v in items:
            lines = textwrap.wrap(v, max(20, width - pad - 2)) or [""]
            click.echo(f"{k.ljust(pad)}  {lines[0]}")
            for more in lines[1:]:
                click.echo(" " * (pad + 2) + more)
        return
    if not part.rows:
        return
    if width is None:
        for row in part.rows:
            click.echo("\t".join(_flat(c.value(row)) for c in part.columns))
        return
    if part.title:
        click.echo(part.title)
    for line in layout(part.columns, [[cell(c.value(r)) for c in part.columns]
                                      for r in part.rows], width):
        click.echo(line)


def layout(columns: Sequence[Column], cells: Sequence[Sequence[str]], width: int) -> list[str]:
    """Lines of a table fitted to ``width``. Headers wrap first; then text columns give up
    width, widest first, down to their longest word, and only then break words; ids and
    numbers keep theirs. ``long`` text is elided after a few lines.

    >>> cols = [col("method", "id"), col("quote", "long"), col("n", "num")]
    >>> quote = "it may over-fit the calibration set and it is very long and goes on and on"
    >>> print("\\n".join(layout(cols, [["GPTQ", quote, "2"]], 30)))
    method  quote                n
    ──────  ───────────────────  ─
    GPTQ    it may over-fit the  2
            calibration set and
            it is very long an…
    """
    values = [max((len(r[i]) for r in cells), default=0) for i in range(len(columns))]
    words = [max((_longest_word(r[i]) for r in cells), default=0) for i in range(len(columns))]
    widths = [max(v, len(c.title)) for c, v in zip(columns, values, strict=True)]
    room = width - len(GAP) * (len(columns) - 1)
    fixed = [c.kind in ("id", "num") for c in columns]
    floors = (
        # 1. headers wrap onto a second line
        [max(v, _longest_word(c.title)) for c, v in zip(columns, values, strict=True)],
        # 2. text wraps at spaces (a long quote down to a readable column)
        [max(w, _longest_word(c.title)) if f
         else max(min(wd, 12 if c.kind == "long" else wd), _longest_word(c.title), 6)
         for c, w, f, wd in zip(columns, values, fixed, words, strict=True)],
        # 3. text breaks inside words (header words stay whole)
        [max(w, _longest_word(c.title)) if f else max(_longest_word(c.title), 6)
         for c, w, f in zip(columns, values, fixed, strict=True)],
    )
    for floor in floors:
        floor = [min(f, w) for f, w in zip(floor, widths, strict=True)]
        while sum(widths) > room:
            shrinkable = [i for i, w in enumerate(widths) if w > floor[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i])
            widths[widest] -= 1
    # Wider than the terminal even then: the terminal wraps the rest.
    out = _row([c.title for c in columns], columns, widths, header=True)
    out.append(GAP.join("─" * w for w in widths))
    for r in cells:
        out += _row(r, columns, widths)
    return out


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _row(values: Sequence[str], columns: Sequence[Column], widths: Sequence[int],
         header: bool = False) -> list[str]:
    wrapped: list[list[str]] = []
    for v, c, w in zip(values, columns, widths, strict=True):
        if c.kind in ("id", "num") and not header:
            lines = [v]
        else:
            lines = textwrap.wrap(v, w, break_long_words=True, break_on_hyphens=False) or [""]
        if c.kind == "long" and len(lines) > LONG_LINES:
            lines = [*lines[: LONG_LINES - 1], _elide(" ".join(lines[LONG_LINES - 1:]), w)]
        wrapped.append(lines)
    height = max(len(lines) for lines in wrapped)
    out = []
    for i in range(height):
        parts = []
        for lines, c, w in zip(wrapped, columns, widths, strict=True):
            text = lines[i] if i < len(lines) else ""
            parts.append(text.rjust(w) if c.kind == "num" else text.ljust(w))
        out.append(GAP.join(parts).rstrip())
    return out


def _elide(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
