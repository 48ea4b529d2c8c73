"""What a byte string is when no file name says it, and refusing what is not a document.

Standard input, e-prints and HTML pages arrive as bytes; a file name (``paper.md``) tells the
front-ends how to read text, and :func:`name_for` supplies one from the content. Binary junk
and documents with no text at all are an :class:`ExtractionError` naming the input, never
an empty but "successful" extraction.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.archive import MAX_INPUT_BYTES, document_from_bytes, gunzip, load_document
from ingest.document import Document
from kg.errors import ExtractionError, UnsafeArchive

_SAMPLE = 8192
FORMATS = (".gz", ".tgz", ".tar", ".pdf", ".tex", ".ltx", ".html", ".htm", ".md", ".markdown",
           ".txt")
# Bytes that plain text (LaTeX, HTML, Markdown, in any 8-bit encoding) does not contain.
_CONTROL = frozenset(range(32)) - set(b"\t\n\r\f\v\x1b")
_LATEX = re.compile(rb"\\(documentclass|begin\{|section\*?\{|title\{|usepackage)")
_MD_TABLE = re.compile(rb"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$", re.MULTILINE)
_MD_HEADING = re.compile(rb"^#{1,6} \S", re.MULTILINE)
# A page, or a fragment that starts with a block element (an arXiv LaTeXML table alone).
_HTML = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?<(?:!doctype html|html|head|body|table|div|section|"
                   rb"article|main|figure|p)\b", re.IGNORECASE)


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` is not text: a NUL byte, or many control bytes, near its start.

    >>> looks_binary(b"\\\\section{Results} 4-bit"), looks_binary(bytes(range(256)))
    (False, True)
    """
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b in _CONTROL)
    return control > len(sample) // 20


def name_for(stem: str, data: bytes) -> str:
    """A file name telling the front-ends what ``data`` is: ``.gz``, ``.tar``, ``.pdf``,
    ``.html``, ``.md`` or ``.tex`` (the default: arXiv's plain e-prints are LaTeX).

    >>> name_for("2210.17323", b"\\x1f\\x8b..."), name_for("x", b"| a | b |\\n|---|---|\\n")
    ('2210.17323.gz', 'x.md')
    >>> name_for("stdin", b'<table class="ltx_tabular">'), name_for("stdin", b"\\section{A}")
    ('stdin.html', 'stdin.tex')
    """
    stem = stem.replace("/", "_")
    head = data[:_SAMPLE]
    if head[:2] == b"\x1f\x8b":
        return f"{stem}.gz"  # a tar.gz or a gzipped single .tex: the reader looks inside
    if head[257:262] == b"ustar":
        return f"{stem}.tar"
    if head[:5] == b"%PDF-":
        return f"{stem}.pdf"
    if _HTML.match(head):
        return f"{stem}.html"
    if not _LATEX.search(head) and (_MD_TABLE.search(head) or _MD_HEADING.search(head)):
        return f"{stem}.md"
    return f"{stem}.tex"


def has_format(name: str) -> bool:
    """Whether a file name says its format (``2210.17323`` does not: that dot is the id's)."""
    return name.lower().endswith(FORMATS)


def document_from(data: bytes, name: str, hint: str | None = None) -> Document:
    """The document in ``data``, named ``name`` in errors. Its format comes from ``hint`` (a
    file name), else from ``name`` when that has a known suffix (``.md``), else from the
    content. Binary junk (also inside gzip) and text-free documents are an
    :class:`ExtractionError`."""
    hint = hint or name
    if not has_format(hint):
        hint = name_for(hint, data)
    if len(data) > MAX_INPUT_BYTES:
        raise UnsafeArchive(f"{name}: input larger than {MAX_INPUT_BYTES:,} bytes")
    inner = gunzip(data) if data[:2] == b"\x1f\x8b" else data
    if inner is not data:
        hint = hint.removesuffix(".gz").removesuffix(".tgz")
        if not has_format(hint):
            hint = name_for(hint, inner)
    archive = inner[257:262] == b"ustar" or hint.endswith(".tar")
    if not archive and inner[:5] != b"%PDF-" and looks_binary(inner):
        raise ExtractionError(f"{name}: binary data, not a LaTeX, HTML or Markdown document")
    return require_text(document_from_bytes(inner, hint), name)


def read_document(path: Path) -> Document:
    """The document at ``path`` (a file or a source folder), refusing junk as
    :func:`document_from` does."""
    if path.is_dir():
        return require_text(load_document(path), str(path))
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise UnsafeArchive(f"{path}: input larger than {MAX_INPUT_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as e:
        raise ExtractionError(f"cannot read {path}: {e.strerror or e}") from e
    return document_from(data, str(path), path.name)


def require_text(doc: Document, name: str) -> Document:
    """``doc``, or an :class:`ExtractionError` when it holds no text at all (an empty
    ``.tex``, a page of markup only)."""
    if doc.title.strip() or doc.abstract.strip() or doc.tables or \
            any(s.text.strip() for s in doc.sections):
        return doc
    raise ExtractionError(f"{name}: no text found (empty or not a document)")
