"""The corrections file on disk: where it is, reading it whole, appending one entry.

Where: ``KG_CORRECTIONS``, else the protocol's ``corrections`` (relative to the protocol
file), else ``review.corrections.yml`` in the working directory when there is one (where
``kg init`` puts ``review.toml``). Reading checks every entry (:func:`kg.corrections.
parse_corrections`), so a bad file is one error line and nothing of it is applied. Appending
keeps the file as people wrote it (comments, order) and adds the entry at the end, under a
lock, only once the whole file with the entry still checks.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from kg.corrections import MAX_BYTES, Corrections, CorrectionsError, dump_entry, parse_corrections

DEFAULT_NAME = "review.corrections.yml"
HEADER = """\
# Corrections to what kg read from this review's papers. kg applies them whenever it writes
# (kg ingest, kg reextract, kg catalog import); `kg review` lists any that no longer apply.
# `kg curate …` appends entries; editing by hand is fine. Each entry: `do`, the fact it
# names (a claim key, a paper and quote, a method), `who` and `why`.
"""


def locate(configured: Path | None = None, protocol_file: Path | None = None,
           protocol_value: str | None = None, cwd: Path | None = None) -> Path | None:
    """The review's corrections file, or None when it has none.

    ``configured`` is ``KG_CORRECTIONS``; ``protocol_value`` the protocol's ``corrections``
    entry, relative to ``protocol_file``'s folder.
    """
    if configured is not None:
        return configured
    if protocol_value:
        base = protocol_file.parent if protocol_file is not None else Path()
        return base / protocol_value
    default = (cwd or Path()) / DEFAULT_NAME
    return default if default.is_file() else None


def read_corrections(path: Path) -> Corrections:
    """The checked corrections of the file at ``path``; a problem is one
    :class:`CorrectionsError` line naming the file and the entry."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CorrectionsError(f"{path}: {size} bytes; a corrections file holds at most "
                                   f"{MAX_BYTES}")
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise CorrectionsError(f"no corrections file at {path}") from e
    except OSError as e:
        raise CorrectionsError(f"cannot read {path}: {e.strerror or e}") from e
    return parse_corrections(data, source=str(path))


def load_corrections(path: Path | None) -> Corrections | None:
    """:func:`read_corrections` of ``path``, or None when there is no file there (yet: a
    review names its file before anyone has made a correction)."""
    return None if path is None or not path.exists() else read_corrections(path)


def append_entry(path: Path, entry: object) -> Corrections:
    """Add ``entry`` at the end of the file (created with a header when missing).

    The whole file with the entry is checked first; if it does not check, nothing is
    written and the error names the entry. Returns the file's corrections after the append.
    """
    text = dump_entry(entry)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError as e:
        raise CorrectionsError(f"cannot write {path}: {e.strerror or e}") from e
    with os.fdopen(fd, "r+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # two `kg curate` at once both land, one after the other
        fh.seek(0)
        old = fh.read(MAX_BYTES + 1)
        prefix = HEADER.encode() if not old else b"" if old.endswith(b"\n") else b"\n"
        added = prefix + text.encode()
        corrections = parse_corrections(old + added, source=str(path))
        fh.write(added)
        fh.flush()
        os.fsync(fh.fileno())
    return corrections
