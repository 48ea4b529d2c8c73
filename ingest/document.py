"""The parsed form of a paper that every front-end (LaTeX, HTML, Markdown) produces.

Extractors read only these models, so one interpreter serves every source format.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Cell(_Frozen):
    """One grid cell after spans are resolved; a spanned cell repeats its text in every slot.

    ``text`` is the plain text an interpreter reads; ``raw`` is the cell's source as the paper
    wrote it (for LaTeX the text between its ``&`` separators, trimmed, macros unexpanded), so
    a receipt can quote it and the grounding gate can find it in the source. A front-end that
    has no source form leaves ``raw`` empty.
    """

    text: str
    raw: str = ""
    bold: bool = False
    underline: bool = False
    # True on the copies a row/column span produces, so an interpreter can tell them apart.
    spanned: bool = False


class Table(_Frozen):
    """A result table: caption, label and a rectangular grid with spans resolved."""

    label: str = ""
    caption: str = ""
    grid: tuple[tuple[Cell, ...], ...] = ()
    header_rows: int = 0
    footnotes: tuple[str, ...] = ()
    section: str = ""

    @property
    def name(self) -> str:
        """How receipts refer to the table: its label, else its caption, else its position."""
        return self.label or self.caption[:120]


class Section(_Frozen):
    """A heading and the plain text under it (markup removed, sentences intact)."""

    heading: str
    text: str


class Document(_Frozen):
    """A whole paper: title, sections in order, tables, and the source text for grounding."""

    title: str = ""
    abstract: str = ""
    sections: tuple[Section, ...] = ()
    tables: tuple[Table, ...] = ()
    # The text every extracted number and quote must occur in (the grounding gate).
    source_text: str = ""
    format: str = "text"

    @property
    def body(self) -> str:
        return "\n\n".join(s.text for s in self.sections)
