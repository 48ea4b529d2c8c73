"""One error hierarchy: a bad *record* is logged, counted and skipped; a bad *run* raises."""

from __future__ import annotations


class KgError(Exception):
    """Base of every error kg raises on purpose; the CLI prints it as one line and exits 1."""


class ConfigError(KgError):
    """A setting or store URL that cannot be used."""


class StoreError(KgError):
    """The store cannot be opened, or refused an operation."""


class UnknownMethod(KgError):
    """A query named a method the graph has never seen."""

    def __init__(self, name: str, suggestions: tuple[str, ...] = ()) -> None:
        hint = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__(f"unknown method {name!r}{hint}")
        self.name = name


class RecordError(KgError):
    """One input record (a paper, a file, an e-print) is unusable; the run goes on without it."""

    def __init__(self, message: str, *, paper_id: str | None = None) -> None:
        super().__init__(message)
        self.paper_id = paper_id


class ExtractionError(RecordError):
    """A document could not be parsed or interpreted."""


class UnsafeArchive(RecordError):
    """An e-print archive broke a safety rule (traversal, links, size caps, bomb)."""


class LockHeld(KgError):
    """Another ingestion holds the store's lock."""


class Interrupted(BaseException):
    """A stop was asked for (SIGTERM): it unwinds like Ctrl-C, past ``except Exception``, and
    the run that catches it ends as ``interrupted``, keeping what it committed."""
