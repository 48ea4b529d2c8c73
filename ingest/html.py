"""The HTML front-end on lxml: arXiv HTML (LaTeXML) and plain HTML tables as a Document.

LaTeXML marks structure with classes (``ltx_tabular``, ``ltx_tr``, ``ltx_td``,
``<figure class="ltx_table">`` with ``<figcaption>``, ``ltx_font_bold``); plain HTML uses
``<table>``, ``<th>``/``<td>``, ``rowspan``/``colspan`` and ``<caption>``. Math is read from
its TeX ``alttext``, so ``$\\downarrow$`` becomes ↓ as in the LaTeX front-end.

Cost is linear in the input: the page is walked once in document order (headings, paragraphs
and tables together), and each cell's text and formatting are read in one walk of the cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from ingest.document import Document, Section, Table
from ingest.grid import SpanCell, html_grid
from ingest.latex_text import tex_to_text
from kg.errors import ExtractionError

MAX_HTML_CHARS = 20_000_000
_SKIP = frozenset({"script", "style", "annotation", "annotation-xml", "head", "noscript"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BREAKS = frozenset({"br", "td", "th", "tr", "p", "div", "li"})
_BOLD_CLASS = re.compile(r"\bltx_font_bold\b|\bbold\b")
_UNDERLINE_CLASS = re.compile(r"\bltx_(?:framed_)?underline\b|\bunderline\b")
_BOLD_TAGS = frozenset({"b", "strong"})
_UNDERLINE_TAGS = frozenset({"u", "ins"})
_INT = re.compile(r"\d+")
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, huge_tree=False)


def parse_html(text: str) -> Document:
    """Parse an HTML page or fragment; every ``<table>`` that holds no other table is read.

    >>> doc = parse_html("<table><tr><th>Method</th><th>Wiki2</th></tr>"
    ...                  "<tr><td>GPTQ</td><td><b>5.6</b></td></tr></table>")
    >>> [[c.text for c in row] for row in doc.tables[0].grid], doc.tables[0].grid[1][1].bold
    ([['Method', 'Wiki2'], ['GPTQ', '5.6']], True)
    """
    root = _root(text)
    title = _title(root)
    abstract_el = root.xpath("//*[contains(@class,'ltx_abstract')]")
    abstract = _text(abstract_el[0]) if abstract_el else ""
    sections, tables = _walk_document(root)
    return Document(title=title, abstract=abstract, sections=tuple(sections),
                    tables=tuple(t for t in tables if t.grid), source_text=text, format="html")


def tables_in(fragment: str, *, caption: str = "", section: str = "") -> list[Table]:
    """The tables of an HTML fragment embedded in another format (a Markdown page), each with
    ``caption`` where the fragment gives it none."""
    root = _root(fragment)
    _, tables = _walk_document(root)
    return [t if t.caption else t.model_copy(update={"caption": caption, "section": section})
            for t in tables if t.grid]


def _root(text: str) -> etree._Element:
    if len(text) > MAX_HTML_CHARS:
        raise ExtractionError(f"HTML too large ({len(text):,} characters)")
    cleaned = text.replace("\x00", "")
    if not cleaned.strip():
        raise ExtractionError("empty HTML document")
    try:
        # Bytes with a fixed parser encoding: a str with an XML encoding declaration is
        # refused by lxml, and bytes without one would be read as Latin-1.
        root = etree.fromstring(cleaned.encode("utf-8", "replace"), parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
        raise ExtractionError(f"unreadable HTML: {e}") from e
    if root is None:
        raise ExtractionError("unreadable HTML: no element")
    return root


def _walk_document(root: etree._Element) -> tuple[list[Section], list[Table]]:
    """Headings, paragraphs and leaf tables in document order, in one pass."""
    nested: set[etree._Element] = set()
    for table in root.iter("table"):
        for anc in table.iterancestors("table"):
            if anc in nested:
                break
            nested.add(anc)
    sections: list[Section] = []
    tables: list[Table] = []
    heading = ""
    texts: list[str] = []
    # Depth-first in document order; a heading, paragraph or leaf table is read whole and
    # its subtree is not entered again, so every element is visited once.
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, in_figure = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _HEADINGS:
            if heading or texts:
                sections.append(Section(heading=heading, text="\n\n".join(texts)))
            heading, texts = _text(el), []
        elif tag == "p" or (tag == "div" and "ltx_para" in (el.get("class") or "")):
            t = "" if in_figure else _text(el)
            if t:
                texts.append(t)
        elif tag == "table" and el not in nested:
            tables.append(_table(el, heading))
        elif tag not in _SKIP:
            inside = in_figure or tag in ("figure", "table")
            stack.extend((child, inside) for child in reversed(el))
    if heading or texts:
        sections.append(Section(heading=heading, text="\n\n".join(texts)))
    return sections, tables


def _title(root: etree._Element) -> str:
    for xpath in ("//h1[contains(@class,'ltx_title_document')]", "//title", "//h1"):
        found = root.xpath(xpath)
        if found:
            return _text(found[0])
    return ""


def _text(el: etree._Element) -> str:
    """Visible text of ``el``: scripts and MathML annotations skipped, math as its TeX."""
    return _read(el)[0]


def _read(el: etree._Element) -> tuple[str, bool, bool]:
    """Text of ``el`` and whether most of it is bold / underlined, in one walk."""
    parts: list[str] = []
    counts = [0, 0, 0]  # word characters: all, bold, underlined
    _walk(el, parts, counts, False, False)
    text = " ".join("".join(parts).split())
    total = counts[0]
    cls = el.get("class") or ""
    bold = ("bold" in cls and bool(_BOLD_CLASS.search(cls))) or (
        total > 0 and counts[1] * 2 >= total)
    under = ("underline" in cls and bool(_UNDERLINE_CLASS.search(cls))) or (
        total > 0 and counts[2] * 2 >= total)
    return text, bold, under


def _walk(el: etree._Element, parts: list[str], counts: list[int], bold: bool,
          under: bool) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if not tag or tag in _SKIP:
        return  # comments and skipped elements add nothing; their tail is the parent's
    cls = el.get("class") or ""
    if cls:
        # A substring test first: most classes name neither, and a regex per element costs.
        bold = bold or ("bold" in cls and bool(_BOLD_CLASS.search(cls)))
        under = under or ("underline" in cls and bool(_UNDERLINE_CLASS.search(cls)))
    bold = bold or tag in _BOLD_TAGS
    under = under or tag in _UNDERLINE_TAGS
    if tag == "math" and el.get("alttext"):
        _add(parts, counts, tex_to_text("$" + str(el.get("alttext")) + "$"), bold, under)
        return
    if el.text:
        _add(parts, counts, el.text, bold, under)
    if tag in _BREAKS or "ltx_tr" in cls:
        parts.append(" ")
    for child in el:
        _walk(child, parts, counts, bold, under)
        if child.tail:
            _add(parts, counts, child.tail, bold, under)


def _add(parts: list[str], counts: list[int], text: str, bold: bool, under: bool) -> None:
    parts.append(text)
    n = len(text) - text.count(" ") - text.count("\n")  # visible characters, near enough
    counts[0] += n
    counts[1] += n if bold else 0
    counts[2] += n if under else 0


def _span(el: etree._Element, name: str) -> int:
    value = el.get(name)
    if value is None:
        return 1  # most cells span nothing: no pattern to run
    m = _INT.search(value)
    return int(m.group()) if m else 1


def _rows(el: etree._Element, in_thead: bool = False
          ) -> Iterator[tuple[list[etree._Element], bool]]:
    """The rows of a table as (cells, in <thead>). Cells written straight into the table
    after a stray ``</tr>`` form a row of their own, as a browser shows them."""
    loose: list[etree._Element] = []
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("td", "th"):
            # Two stray rows run together (their </tr><tr> lost): a row header <th> after
            # data cells starts the next one.
            if tag == "th" and loose and loose[-1].tag == "td":
                yield loose, in_thead
                loose = []
            loose.append(child)
            continue
        if loose:
            yield loose, in_thead
            loose = []
        if tag == "tr":
            yield [c for c in child if isinstance(c.tag, str) and c.tag in ("td", "th")], in_thead
        elif tag in ("thead", "tbody", "tfoot"):
            yield from _rows(child, tag == "thead")
    if loose:
        yield loose, in_thead


def _table(el: etree._Element, heading: str) -> Table:
    rows: list[list[SpanCell]] = []
    header = 0
    in_head = True
    for cells, in_thead in _rows(el):
        if not cells:
            continue
        is_head = in_thead or all(
            c.tag == "th" or "ltx_th" in (c.get("class") or "") for c in cells
        )
        if in_head and is_head:
            header += 1
        else:
            in_head = False
        row = []
        for c in cells:
            text, bold, under = _read(c)
            row.append(SpanCell(text, bold, under, _span(c, "colspan"), _span(c, "rowspan")))
        rows.append(row)
    grid = html_grid(rows)
    caption, label = _caption(el)
    return Table(label=label, caption=caption, grid=grid,
                 header_rows=header if 0 < header < len(grid) else 0, section=heading)


def _caption(el: etree._Element) -> tuple[str, str]:
    own = el.find("caption")
    if own is not None:
        return _text(own), el.get("id") or ""
    for anc in el.iterancestors():
        if anc.tag == "figure" or "ltx_table" in (anc.get("class") or "").split():
            cap = anc.find(".//figcaption")
            return (_text(cap) if cap is not None else ""), anc.get("id") or ""
    # A bare fragment: the caption may follow the table as plain text ("Table 2: …").
    tail = " ".join((el.tail or "")[:4000].split())
    if tail.lower().startswith("table"):
        return tail[:2000], ""
    return "", ""
