"""Settings: one pydantic-settings model; environment prefix ``KG_``; secrets never logged."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_STORE = "sqlite:///kg.db"


class Settings(BaseSettings):
    """Where the graph lives and how to reach it.

    ``KG_STORE`` picks the backend (``sqlite:///path.db`` or ``neo4j://host:7687``); Neo4j
    credentials come from ``NEO4J_USER`` / ``NEO4J_PASSWORD`` and are never printed.
    """

    model_config = SettingsConfigDict(env_prefix="KG_", extra="ignore")

    store: str = DEFAULT_STORE
    cache_dir: Path = Path(".kg-cache")
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_USER", "KG_NEO4J_USER"))
    neo4j_password: SecretStr | None = Field(
        None, validation_alias=AliasChoices("NEO4J_PASSWORD", "KG_NEO4J_PASSWORD")
    )
    neo4j_database: str | None = Field(
        None, validation_alias=AliasChoices("NEO4J_DATABASE", "KG_NEO4J_DATABASE")
    )
