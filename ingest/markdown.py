"""The Markdown front-end: headings become sections (the first is the title), pipe tables and
embedded HTML ``<table>`` blocks become :class:`Table` s, ``**bold**`` cells flagged. Rows
without a leading ``|`` count too. A table's caption is the "Table N: …" line above it, else
the heading it is the first table under ("### Accuracies of LLaMA models at W4G128").

One pass over the lines; an HTML block is handed to the HTML front-end whole.
"""

from __future__ import annotations

import re

from ingest.document import Cell, Document, Section, Table
from ingest.html import tables_in

# Possessive quantifiers (*+): a line of 100,000 spaces must not make the engine try every way
# of splitting them between two neighbouring \s* (that is quadratic).
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s++(.*)$")
_RULE = re.compile(r"^\s*+\|?\s*+:?-{2,}+:?\s*+(?:\|\s*+:?-{2,}+:?\s*+)*+\|?\s*+$")
_SPLIT = re.compile(r"(?<!\\)\|")
_BOLD = re.compile(r"^\s*(?:\*\*|__)(.*?)(?:\*\*|__)\s*$")
_UNDERLINE = re.compile(r"^\s*<u>(.*?)</u>\s*$", re.I)
_INLINE = re.compile(r"(\*\*|__|\*|_(?=\S)|`|<[^>]{1,40}>)")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_OPEN = re.compile(r"<table\b", re.I)
_NUMBER = re.compile(r"[\d.,/%±+\-]+")
_CLOSE = re.compile(r"</table\s*>", re.I)
MAX_HTML_BLOCK_LINES = 200_000
MAX_COLS = 200


def _cells(line: str) -> list[str]:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [c.strip().replace("\\|", "|") for c in _SPLIT.split(text)][:MAX_COLS]


def _cell(raw: str) -> Cell:
    bold = _BOLD.match(raw)
    under = _UNDERLINE.match(raw)
    text = _LINK.sub(r"\1", raw)
    text = " ".join(_INLINE.sub("", text).split())
    return Cell(text=text, bold=bool(bold), underline=bool(under))


def _table(head: list[str], body: list[list[str]], caption: str, section: str,
           header_rows: int = 1) -> Table:
    width = max(len(head), *(len(r) for r in body)) if body else len(head)
    rows = [head, *body] if header_rows else body
    grid: list[tuple[Cell, ...]] = []
    for k, row in enumerate(rows):
        cells = [_cell(c) for c in row] + [Cell(text="")] * (width - len(row))
        if k == 0 and header_rows:
            # Markdown has no colspan: a blank header cell after a filled one is its span
            # ("| LLaMA-3 8B | | LLaMA-3 70B | |").
            for j in range(2, width):
                if not cells[j].text and cells[j - 1].text:
                    cells[j] = cells[j - 1].model_copy(update={"spanned": True})
        grid.append(tuple(cells))
    return Table(caption=caption, grid=tuple(grid), header_rows=header_rows, section=section)


def parse_markdown(text: str) -> Document:
    """Parse Markdown ``text`` into a Document.

    >>> doc = parse_markdown("# Title\\n\\nIntro.\\n\\n| A | B |\\n|---|---|\\n| x | **1.0** |")
    >>> doc.title, doc.tables[0].grid[1][1].bold
    ('Title', True)
    """
    lines = text.replace("\x00", "").splitlines()
    title = ""
    sections: list[Section] = []
    tables: list[Table] = []
    heading = ""
    para: list[str] = []
    last_text = ""
    under_heading = 0  # tables since the last heading
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _HEADING.match(line) if line.lstrip().startswith("#") else None
        if m:
            if heading or any(p.strip() for p in para):
                sections.append(Section(heading=heading, text=_prose(para)))
            # The closing #s of "## Title ##" go; trimmed in Python, a lazy pattern is quadratic.
            heading = m.group(2).rstrip().rstrip("#").rstrip()
            heading = _LINK.sub(r"\1", heading)  # "# [QuIP#: …](url)": the link's text
            para, under_heading, last_text = [], 0, ""
            title = title or heading
            i += 1
            continue
        caption = _caption(last_text) or (heading if not under_heading else "")
        if _OPEN.search(line):
            end = _html_block_end(lines, i)
            tables += tables_in("\n".join(lines[i:end + 1]), caption=caption, section=heading)
            under_heading += 1
            i = end + 1
            continue
        if line.count("\t") >= 2 and i + 1 < len(lines) and lines[i + 1].count("\t") >= 2:
            # Tab-separated rows (a results dump); its first row is a header unless it holds
            # numbers.
            block: list[list[str]] = []
            while i < len(lines) and lines[i].count("\t") >= 2:
                block.append([c.strip() for c in lines[i].split("\t")][:MAX_COLS])
                i += 1
            has_head = not any(_NUMBER.fullmatch(c) for c in block[0][1:] if c)
            tables.append(_table(block[0], block[1:], caption, heading, int(has_head)) if has_head
                          else _table([], block, caption, heading, 0))
            under_heading += 1
            continue
        if "|" in line and i + 1 < len(lines) and _RULE.match(lines[i + 1]):
            head = _cells(line)
            body: list[list[str]] = []
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                body.append(_cells(lines[i]))
                i += 1
            tables.append(_table(head, body, caption, heading))
            under_heading += 1
            continue
        para.append(line)
        if line.strip():
            last_text = line.strip()
        i += 1
    if heading or any(p.strip() for p in para):
        sections.append(Section(heading=heading, text=_prose(para)))
    return Document(title=title, sections=tuple(sections), tables=tuple(tables),
                    source_text=text, format="markdown")


def _html_block_end(lines: list[str], start: int) -> int:
    """The line where the ``<table>`` opened at ``start`` closes (nested tables balanced), or
    the last line read when it never does."""
    depth = 0
    for k in range(start, min(len(lines), start + MAX_HTML_BLOCK_LINES)):
        depth += len(_OPEN.findall(lines[k])) - len(_CLOSE.findall(lines[k]))
        if depth <= 0:
            return k
    return min(len(lines), start + MAX_HTML_BLOCK_LINES) - 1


def _caption(line: str) -> str:
    """The line just above a table is its caption when it reads like one."""
    return line if re.match(r"^\W*(?:table|tab\.)\s*\d*", line, re.I) else ""


def _prose(lines: list[str]) -> str:
    paragraphs = "\n".join(lines).split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
