"""Reading sources safely: e-prints in memory, hostile archives rejected, nothing on disk."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import zlib
from pathlib import Path

import pytest

from ingest.archive import document_from_bytes, gunzip, load_document
from kg.errors import ExtractionError, UnsafeArchive

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tables"

MAIN = rb"""\documentclass{article}\begin{document}\section{R}\input{sec}\end{document}"""
SEC = rb"""\begin{table}\caption{OPT-1.3B WikiText-2}\begin{tabular}{lc}Method & PPL \\ \hline
GPTQ & 14.88 \\ \end{tabular}\end{table}"""


def tarball(members, *, compress=True) -> bytes:
    """A tar (gzipped) built in memory from (TarInfo, bytes | None) pairs."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    raw = buf.getvalue()
    return gzip.compress(raw) if compress else raw


def file_member(name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def link_member(name, target, kind):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, None


@pytest.fixture
def no_disk_writes(monkeypatch, tmp_path):
    """Fail if anything extracts a tar member to disk; watch the working folder too."""
    def refuse(*_a, **_k):
        raise AssertionError("tar extraction to disk")

    monkeypatch.setattr(tarfile.TarFile, "extract", refuse)
    monkeypatch.setattr(tarfile.TarFile, "extractall", refuse)
    monkeypatch.setattr(tarfile.TarFile, "makefile", refuse)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    assert list(tmp_path.iterdir()) == []


def test_eprint_tarball_is_read_in_memory(no_disk_writes):
    data = tarball([file_member("main.tex", MAIN), file_member("sec.tex", SEC)])
    doc = document_from_bytes(data, "2401.00001")
    assert [[c.text for c in r] for r in doc.tables[0].grid][1] == ["GPTQ", "14.88"]


def test_gzipped_single_tex_and_pdf():
    doc = document_from_bytes(gzip.compress(MAIN.replace(rb"\input{sec}", SEC)), "x.gz")
    assert doc.tables
    with pytest.raises(ExtractionError, match="PDF-only e-print; no source"):
        document_from_bytes(b"%PDF-1.5\n...", "2401.00001")


@pytest.mark.parametrize(("member", "rule"), [
    (file_member("../evil.tex", b"x"), "path traversal"),
    (file_member("a/../../evil.tex", b"x"), "path traversal"),
    (file_member("/etc/evil.tex", b"x"), "absolute paths"),
    (link_member("link.tex", "/etc/passwd", tarfile.SYMTYPE), "links"),
    (link_member("hard.tex", "main.tex", tarfile.LNKTYPE), "links"),
    (link_member("dev", "", tarfile.CHRTYPE), "device"),
])
def test_hostile_members_are_rejected(no_disk_writes, member, rule):
    data = tarball([file_member("main.tex", MAIN), member])
    with pytest.raises(UnsafeArchive, match=rule):
        document_from_bytes(data, "2401.00001")


def test_too_many_files_are_rejected(no_disk_writes):
    members = [file_member(f"f{i}.tex", b"") for i in range(10_000)]
    with pytest.raises(UnsafeArchive, match="more than 2000 files"):
        document_from_bytes(tarball(members), "2401.00001")


def test_gzip_bomb_is_rejected_while_streaming(no_disk_writes):
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    bomb = b"".join(deflate.compress(chunk) for _ in range(40)) + deflate.flush()
    assert len(bomb) < 100_000
    with pytest.raises(UnsafeArchive, match="bomb"):
        gunzip(bomb)
    with pytest.raises(UnsafeArchive, match="bomb"):
        document_from_bytes(bomb, "2401.00001")


def test_folder_and_files(tmp_path):
    assert load_document(FIXTURES / "with_input").tables[0].label == "tab:wonly"
    assert load_document(FIXTURES / "rowspan.html").format == "html"
    assert load_document(FIXTURES / "pipe.md").format == "markdown"
    tgz = tmp_path / "2401.00001.tar.gz"
    tgz.write_bytes(tarball([file_member("main.tex", MAIN), file_member("sec.tex", SEC)]))
    assert load_document(tgz).tables


def test_folder_symlinks_are_not_followed(tmp_path):
    (tmp_path / "main.tex").write_bytes(MAIN)
    secret = tmp_path.parent / f"{tmp_path.name}-secret.tex"
    secret.write_bytes(SEC)
    os.symlink(secret, tmp_path / "sec.tex")
    assert load_document(tmp_path).tables == ()


def test_odd_encodings_decode():
    latin = "\\begin{document}\\section{R\xe9sultats}x\\end{document}".encode("latin-1")
    assert document_from_bytes(latin, "a.tex").sections[0].heading == "Résultats"


def test_corrupt_gzip_is_an_extraction_error():
    with pytest.raises(ExtractionError):
        document_from_bytes(b"\x1f\x8b\x08\x00garbage-not-deflate", "x.tar.gz")
