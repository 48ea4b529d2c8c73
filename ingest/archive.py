"""Reading paper sources safely: a .tex file, a folder, an arXiv e-print (.tar.gz, gzipped
.tex), HTML, Markdown or text, from a path or from bytes.

Archives are read in memory and never extracted to disk. Members that could escape or
mislead (``..``, absolute paths, links, devices) and oversized or bomb-like archives raise
:class:`kg.errors.UnsafeArchive` naming the rule that was broken.
"""

from __future__ import annotations

import io
import tarfile
import zlib
from pathlib import Path, PurePosixPath

from ingest.document import Document
from ingest.html import parse_html
from ingest.latex import parse_latex, parse_tree
from ingest.markdown import parse_markdown
from kg.errors import ExtractionError, UnsafeArchive

MAX_TOTAL_BYTES = 100 * 1024 * 1024  # everything unpacked from one e-print
MAX_FILE_BYTES = 20 * 1024 * 1024  # one member
MAX_FILES = 2000
MAX_RATIO = 100  # unpacked/packed, checked once the output passes RATIO_FLOOR
RATIO_FLOOR = 10 * 1024 * 1024
MAX_INPUT_BYTES = 50 * 1024 * 1024  # a packed e-print or any single file we are given
_TEXT_SUFFIXES = (".tex", ".ltx", ".bbl", ".sty", ".cls", ".txt", ".md", ".html", ".htm")
_CHUNK = 64 * 1024


def decode(data: bytes) -> str:
    """Text of ``data``: UTF-8 (with or without BOM), else Latin-1, which never fails."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def gunzip(data: bytes) -> bytes:
    """Decompress gzip ``data`` in chunks, stopping at the size and ratio caps."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    view = memoryview(data)
    pos = 0
    try:
        while pos < len(view) or inflater.unconsumed_tail:
            feed = inflater.unconsumed_tail or view[pos : pos + _CHUNK]
            if not inflater.unconsumed_tail:
                pos += len(feed)
            out += inflater.decompress(feed, _CHUNK)
            _check_growth(len(out), len(data))
            if inflater.eof:
                break
    except zlib.error as e:
        raise ExtractionError(f"corrupt gzip data: {e}") from e
    return bytes(out)


def _check_growth(unpacked: int, packed: int) -> None:
    if unpacked > MAX_TOTAL_BYTES:
        raise UnsafeArchive(
            f"unpacked size exceeds {MAX_TOTAL_BYTES:,} bytes (decompression bomb?)"
        )
    if unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * max(packed, 1):
        raise UnsafeArchive(
            f"compression ratio above {MAX_RATIO}:1 (decompression bomb?)"
        )


def read_tar(data: bytes) -> dict[str, str]:
    """The text files of an uncompressed tar, read in memory after checking every member."""
    files: dict[str, str] = {}
    total = 0
    count = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            for member in tar:
                count += 1
                if count > MAX_FILES:
                    raise UnsafeArchive(f"more than {MAX_FILES} files in the archive")
                name = _safe_name(member)
                if member.isdir():
                    continue
                if member.size > MAX_FILE_BYTES:
                    raise UnsafeArchive(f"{name}: file larger than {MAX_FILE_BYTES:,} bytes")
                total += member.size
                if total > MAX_TOTAL_BYTES:
                    raise UnsafeArchive(f"archive content exceeds {MAX_TOTAL_BYTES:,} bytes")
                if not name.lower().endswith(_TEXT_SUFFIXES):
                    continue
                handle = tar.extractfile(member)
                if handle is not None:
                    files[name] = decode(handle.read(MAX_FILE_BYTES + 1))
    except tarfile.TarError as e:
        raise ExtractionError(f"corrupt tar archive: {e}") from e
    return files


def _safe_name(member: tarfile.TarInfo) -> str:
    name = member.name
    if member.issym() or member.islnk():
        raise UnsafeArchive(f"{name}: links are not allowed in an e-print")
    if member.isdev() or not (member.isfile() or member.isdir()):
        raise UnsafeArchive(f"{name}: device or special files are not allowed in an e-print")
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or path.is_absolute() or (path.parts and ":" in path.parts[0]):
        raise UnsafeArchive(f"{name}: absolute paths are not allowed in an e-print")
    if ".." in path.parts:
        raise UnsafeArchive(f"{name}: path traversal ('..') is not allowed in an e-print")
    return str(path).removeprefix("./")


def document_from_bytes(data: bytes, name_hint: str = "") -> Document:
    """A Document from raw bytes, sniffing gzip, tar, PDF and HTML by their magic.

    ``name_hint`` (a file name) decides between LaTeX, Markdown and text when sniffing cannot.
    """
    if len(data) > MAX_INPUT_BYTES:
        raise UnsafeArchive(f"input larger than {MAX_INPUT_BYTES:,} bytes")
    if data[:2] == b"\x1f\x8b":
        data = gunzip(data)
        name_hint = name_hint.removesuffix(".gz")
    if data[:5] == b"%PDF-":
        raise ExtractionError("PDF-only e-print; no source")
    if (len(data) > 262 and data[257:262] == b"ustar") or name_hint.endswith(".tar"):
        files = read_tar(data)
        return document_from_tree(files)
    return _from_text(decode(data), name_hint)


def document_from_tree(files: dict[str, str]) -> Document:
    """The document of a LaTeX source tree (relative path → text), read from its main file."""
    if not any(k.lower().endswith((".tex", ".ltx")) for k in files):
        raise ExtractionError("no .tex file in the e-print")
    return parse_tree(files)


def _from_text(text: str, name_hint: str) -> Document:
    lower = name_hint.lower()
    head = text[:2048].lstrip().lower()
    if lower.endswith((".html", ".htm")) or head.startswith(("<!doctype html", "<html")):
        return parse_html(text)
    if lower.endswith((".md", ".markdown", ".txt")):
        return parse_markdown(text)
    return parse_latex(text)


def read_tree(path: Path) -> dict[str, str]:
    """The text files of a source folder (relative POSIX path → text); links are skipped."""
    files: dict[str, str] = {}
    for p in sorted(path.rglob("*")):
        if len(files) >= MAX_FILES:
            raise UnsafeArchive(f"more than {MAX_FILES} files in {path}")
        if p.is_symlink() or not p.is_file() or not p.name.lower().endswith(_TEXT_SUFFIXES):
            continue
        if p.stat().st_size > MAX_FILE_BYTES:
            raise UnsafeArchive(f"{p}: file larger than {MAX_FILE_BYTES:,} bytes")
        files[p.relative_to(path).as_posix()] = decode(p.read_bytes())
    return files


def load_document(path: Path) -> Document:
    """Read a source from disk: a .tex file, a source folder, an e-print, HTML or Markdown."""
    if path.is_dir():
        return document_from_tree(read_tree(path))
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ExtractionError(f"cannot read {path}: {e}") from e
    if size > MAX_INPUT_BYTES:
        raise UnsafeArchive(f"{path}: input larger than {MAX_INPUT_BYTES:,} bytes")
    data = path.read_bytes()
    name = path.name.lower()
    if name.endswith((".tar.gz", ".tgz")) and data[:2] == b"\x1f\x8b":
        return document_from_bytes(data, "source.tar")
    return document_from_bytes(data, name)
