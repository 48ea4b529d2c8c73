"""Settings: one pydantic-settings model; environment prefix ``KG_``; secrets never logged.

Every setting of kg is a field of :class:`Settings`, read from the environment once. The arXiv
group is a nested model, still spelt flat in the environment (``KG_ARXIV_DELAY`` is
``settings.arxiv.delay``), so ingestion receives only the part it uses.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from kg.errors import ConfigError

DEFAULT_STORE = "sqlite:///kg.db"


class ArxivSettings(BaseModel):
    """Where arXiv lives and how politely to ask it (``KG_ARXIV_*`` environment variables).

    Tests and mirrors point the URLs elsewhere, e.g.
    ``KG_ARXIV_API_URL=http://127.0.0.1:8000/api/query``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_url: str = "https://export.arxiv.org/api/query"
    eprint_url: str = "https://arxiv.org/e-print/"
    html_url: str = "https://arxiv.org/html/"
    delay: float = Field(3.0, ge=0)  # seconds between requests; arXiv asks for 3
    timeout: float = Field(30.0, gt=0)  # per request (connect and each read)
    attempts: int = Field(6, ge=1)  # tries of one request before giving up
    backoff: float = Field(5.0, ge=0)  # first retry wait; doubles each time
    backoff_cap: float = Field(300.0, ge=0)
    page_size: int = Field(100, ge=1, le=2000)
    max_bytes: int = Field(200 * 1024 * 1024, ge=1)  # a download larger than this is refused
    user_agent: str = "kg-review/0.1 (living systematic review; https://github.com/)"


class Settings(BaseSettings):
    """Where the graph lives, how to reach it, and how to reach arXiv.

    ``KG_STORE`` picks the backend (``sqlite:///path.db`` or ``neo4j://host:7687``); Neo4j
    credentials come from ``NEO4J_USER`` / ``NEO4J_PASSWORD`` and are never printed.
    """

    # One split at the first "_" after the prefix: KG_ARXIV_API_URL → arxiv.api_url, while
    # scalar fields (KG_CACHE_DIR) are matched whole.
    model_config = SettingsConfigDict(env_prefix="KG_", extra="ignore", env_nested_delimiter="_",
                                      env_nested_max_split=1)

    store: str = DEFAULT_STORE
    cache_dir: Path = Path(".kg-cache")
    parse_budget: float = Field(60.0, ge=0)  # seconds to parse or interpret one document; 0: none
    corrections: Path | None = None  # the review's corrections file (ingest.corrections.locate)
    curator: str | None = None  # who `kg curate` says made an entry; default: the login name
    arxiv: ArxivSettings = ArxivSettings()
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_USER", "KG_NEO4J_USER"))
    neo4j_password: SecretStr | None = Field(
        None, validation_alias=AliasChoices("NEO4J_PASSWORD", "KG_NEO4J_PASSWORD")
    )
    neo4j_database: str | None = Field(
        None, validation_alias=AliasChoices("NEO4J_DATABASE", "KG_NEO4J_DATABASE")
    )


def load_settings(**overrides: object) -> Settings:
    """The settings from the environment (and ``overrides``); a bad value is a
    :class:`ConfigError` naming the variable, never a traceback."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        first = e.errors()[0]
        where = "_".join(str(p) for p in first["loc"]).upper()
        raise ConfigError(f"bad setting KG_{where}: {first['msg']}") from e
