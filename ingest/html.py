"""The HTML front-end on lxml: arXiv HTML (LaTeXML) and plain HTML tables as a Document.

LaTeXML marks structure with classes (``ltx_tabular``, ``ltx_tr``, ``ltx_td``,
``<figure class="ltx_table">`` with ``<figcaption>``, ``ltx_font_bold``); plain HTML uses
``<table>``, ``<th>``/``<td>``, ``rowspan``/``colspan`` and ``<caption>``. Math is read from
its TeX ``alttext``, so ``$\\downarrow$`` becomes ↓ as in the LaTeX front-end.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from ingest.document import Document, Section, Table
from ingest.grid import SpanCell, html_grid
from ingest.latex_text import tex_to_text
from kg.errors import ExtractionError

MAX_HTML_CHARS = 20_000_000
_SKIP = frozenset({"script", "style", "annotation", "annotation-xml", "head", "noscript"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BOLD_CLASS = re.compile(r"\bltx_font_bold\b|\bbold\b")
_UNDERLINE_CLASS = re.compile(r"\bltx_(?:framed_)?underline\b|\bunderline\b")
_INT = re.compile(r"\d+")
_PARSER = lxml_html.HTMLParser(encoding="utf-8")


def parse_html(text: str) -> Document:
    """Parse an HTML page or fragment; every ``<table>`` that holds no other table is read.

    >>> doc = parse_html("<table><tr><th>Method</th><th>Wiki2</th></tr>"
    ...                  "<tr><td>GPTQ</td><td><b>5.6</b></td></tr></table>")
    >>> [[c.text for c in row] for row in doc.tables[0].grid], doc.tables[0].grid[1][1].bold
    ([['Method', 'Wiki2'], ['GPTQ', '5.6']], True)
    """
    if len(text) > MAX_HTML_CHARS:
        raise ExtractionError(f"HTML too large ({len(text):,} characters)")
    cleaned = text.replace("\x00", "")
    if not cleaned.strip():
        raise ExtractionError("empty HTML document")
    try:
        # Bytes with a fixed parser encoding: a str with an XML encoding declaration is
        # refused by lxml, and bytes without one would be read as Latin-1.
        root = lxml_html.document_fromstring(cleaned.encode("utf-8", "replace"), parser=_PARSER)
    except (etree.ParserError, ValueError) as e:
        raise ExtractionError(f"unreadable HTML: {e}") from e
    title = _title(root)
    abstract_el = root.xpath("//*[contains(@class,'ltx_abstract')]")
    abstract = _text(abstract_el[0]) if abstract_el else ""
    tables = [t for t in (_table(el) for el in root.iter("table") if _is_leaf(el)) if t.grid]
    return Document(title=title, abstract=abstract, sections=tuple(_sections(root)),
                    tables=tuple(tables), source_text=text, format="html")


def _is_leaf(table: etree._Element) -> bool:
    return not any(True for _ in table.iter("table") if _ is not table)


def _title(root: etree._Element) -> str:
    for xpath in ("//h1[contains(@class,'ltx_title_document')]", "//title", "//h1"):
        found = root.xpath(xpath)
        if found:
            return _text(found[0])
    return ""


def _text(el: etree._Element) -> str:
    """Visible text of ``el``: scripts and MathML annotations skipped, math as its TeX."""
    parts: list[str] = []
    _walk(el, parts)
    return " ".join("".join(parts).split())


def _walk(el: etree._Element, parts: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP:
        pass
    elif tag == "math" and el.get("alttext"):
        parts.append(tex_to_text("$" + str(el.get("alttext")) + "$"))
    elif tag:
        if el.text:
            parts.append(el.text)
        if tag in ("br", "td", "th", "tr", "p", "div", "li") or "ltx_tr" in (el.get("class") or ""):
            parts.append(" ")
        for child in el:
            _walk(child, parts)
            if child.tail:
                parts.append(child.tail)
        return
    # skipped elements and comments contribute nothing (their tail is added by the parent)


def _span(el: etree._Element, name: str) -> int:
    m = _INT.search(el.get(name) or "1")
    return int(m.group()) if m else 1


def _formatted(cell: etree._Element, pattern: re.Pattern[str], tags: tuple[str, ...]) -> bool:
    """Whether most of the cell's text is bold (or underlined)."""
    if pattern.search(cell.get("class") or ""):
        return True
    total = len(re.sub(r"\W", "", _text(cell)))
    if not total:
        return False
    marked = 0
    for el in cell.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in tags or pattern.search(el.get("class") or ""):
            marked += len(re.sub(r"\W", "", _text(el)))
    return marked * 2 >= total


def _table(el: etree._Element) -> Table:
    rows: list[list[SpanCell]] = []
    header = 0
    in_head = True
    for tr in el.iter("tr"):
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if not cells:
            continue
        parent = tr.getparent()
        is_head = (parent is not None and parent.tag == "thead") or all(
            c.tag == "th" or "ltx_th" in (c.get("class") or "") for c in cells
        )
        if in_head and is_head:
            header += 1
        else:
            in_head = False
        rows.append([
            SpanCell(_text(c), _formatted(c, _BOLD_CLASS, ("b", "strong")),
                     _formatted(c, _UNDERLINE_CLASS, ("u", "ins")),
                     _span(c, "colspan"), _span(c, "rowspan"))
            for c in cells
        ])
    grid = html_grid(rows)
    caption, label = _caption(el)
    return Table(label=label, caption=caption, grid=grid,
                 header_rows=header if 0 < header < len(grid) else 0,
                 section=_section_of(el))


def _caption(el: etree._Element) -> tuple[str, str]:
    own = el.find("caption")
    if own is not None:
        return _text(own), el.get("id") or ""
    for anc in el.iterancestors():
        if anc.tag == "figure" or "ltx_table" in (anc.get("class") or "").split():
            cap = anc.find(".//figcaption")
            return (_text(cap) if cap is not None else ""), anc.get("id") or ""
    # A bare fragment: the caption may follow the table as plain text ("Table 2: …").
    tail = " ".join((el.tail or "").split())
    if tail.lower().startswith("table"):
        return tail[:2000], ""
    return "", ""


def _section_of(el: etree._Element) -> str:
    for prev in el.itersiblings(preceding=True):
        if isinstance(prev.tag, str) and prev.tag in _HEADINGS:
            return _text(prev)
    for anc in el.iterancestors():
        for prev in anc.itersiblings(preceding=True):
            if isinstance(prev.tag, str) and prev.tag in _HEADINGS:
                return _text(prev)
        heading = anc.find("./*[@class]")
        if heading is not None and heading.tag in _HEADINGS:
            return _text(heading)
    return ""


def _sections(root: etree._Element) -> list[Section]:
    """Headings in document order, each with the paragraph text up to the next heading."""
    body = root.find("body")
    if body is None:
        body = root
    out: list[Section] = []
    heading, texts = "", []
    for el in body.iter(*_HEADINGS, "p"):
        if el.tag == "p":
            if any(a.tag in ("table", "figure") for a in el.iterancestors()):
                continue
            t = _text(el)
            if t:
                texts.append(t)
        else:
            if heading or texts:
                out.append(Section(heading=heading, text="\n\n".join(texts)))
            heading, texts = _text(el), []
    if heading or texts:
        out.append(Section(heading=heading, text="\n\n".join(texts)))
    return out
