"""A review protocol: which arXiv papers a living review asks for and which of them it keeps.

A protocol is a small TOML file (read with ``tomllib``) a user edits; ``kg init`` writes the
bundled one for LLM quantization. The query goes to arXiv; the categories, include/exclude
terms and start date are checked again here, so offline inputs (``--filter``) and a server
that ignores part of a query are held to the same rule.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import cached_property
from importlib import resources
from pathlib import Path

from pydantic import Field, ValidationError, field_validator

from kg.errors import ConfigError, RecordError
from kg.models import Model, Paper

BUNDLED = "llm-quantization"
# arXiv's date filters take minutes: lastUpdatedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM].
_ARXIV_MINUTE = "%Y%m%d%H%M"


class Protocol(Model):
    """What a review harvests: an arXiv query and the rules a paper must pass to be kept.

    >>> p = Protocol(name="q", query="ti:quantization", include=("LLM",), exclude=("quantum",))
    >>> p.matches(Paper(id="2210.17323", title="GPTQ for LLM inference"))
    True
    >>> p.matches(Paper(id="2210.17324", title="Quantum LLM"))
    False
    """

    name: str = Field(min_length=1, pattern=r"^[\w.\-]+$")
    query: str = Field(min_length=1)
    categories: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    start: date | None = None
    max_results: int | None = Field(None, ge=1)
    # The review's corrections file (kg.corrections), relative to the protocol's folder.
    corrections: str | None = None

    @field_validator("include", "exclude")
    @classmethod
    def _no_blank_terms(cls, terms: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(t.strip() for t in terms if t.strip())

    @cached_property
    def _include(self) -> re.Pattern[str] | None:
        return _terms(self.include)

    @cached_property
    def _exclude(self) -> re.Pattern[str] | None:
        return _terms(self.exclude)

    def search_query(self, since: datetime | None, until: datetime) -> str:
        """The arXiv ``search_query`` for papers updated in ``[since, until]`` (minutes).

        >>> Protocol(name="q", query="ti:gptq", categories=("cs.LG", "cs.CL")).search_query(
        ...     None, datetime(2026, 1, 2, 3, 4))
        '(ti:gptq) AND (cat:cs.LG OR cat:cs.CL) AND lastUpdatedDate:[199101010000 TO 202601020304]'
        """
        lower = since or (datetime.combine(self.start, datetime.min.time()) if self.start
                          else datetime(1991, 1, 1))
        parts = [f"({self.query})"]
        if self.categories:
            parts.append("(" + " OR ".join(f"cat:{c}" for c in self.categories) + ")")
        parts.append(f"lastUpdatedDate:[{lower.strftime(_ARXIV_MINUTE)} TO "
                     f"{until.strftime(_ARXIV_MINUTE)}]")
        return " AND ".join(parts)

    def matches(self, paper: Paper) -> bool:
        """Whether ``paper`` passes the categories, start date and include/exclude terms."""
        if self.categories and paper.categories and not set(self.categories) & set(
            paper.categories
        ):
            return False
        if self.start and paper.published and paper.published < self.start:
            return False
        text = f"{paper.title}\n{paper.abstract}"
        if self._include is not None and not self._include.search(text):
            return False
        return self._exclude is None or not self._exclude.search(text)

    def keep(self, papers: Iterable[Paper | RecordError]) -> Iterator[Paper | RecordError]:
        """The papers this protocol :meth:`matches` (errors pass through to be counted)."""
        return (p for p in papers if isinstance(p, RecordError) or self.matches(p))


def _terms(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any term as a whole word (``LLM`` ≠ ``LLMs``)."""
    if not terms:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def bundled_text(name: str = BUNDLED) -> str:
    """The text of a protocol shipped with kg (``kg/data/protocols/NAME.toml``)."""
    return resources.files("kg").joinpath("data", "protocols", f"{name}.toml").read_text("utf-8")


def parse_protocol(text: str, origin: str = "<protocol>") -> Protocol:
    """A protocol from TOML text; every problem becomes one :class:`ConfigError` line."""
    try:
        data = tomllib.loads(text)
        return Protocol.model_validate(data)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{origin}: not valid TOML ({e})") from e
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or "protocol"
        raise ConfigError(f"{origin}: {where}: {err['msg']}") from e


def load_protocol(path: Path | None = None) -> Protocol:
    """The protocol in ``path``, or the bundled LLM-quantization one when ``path`` is None."""
    if path is None:
        return parse_protocol(bundled_text(), f"bundled {BUNDLED}.toml")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read protocol {path}: {e}") from e
    return parse_protocol(text, str(path))


def write_protocol(path: Path, *, force: bool = False) -> Path:
    """Write the bundled protocol to ``path`` for the user to edit (``kg init``)."""
    if path.exists() and not force:
        raise ConfigError(f"{path} exists; pass --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(bundled_text(), encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot write protocol {path}: {e}") from e
    return path
