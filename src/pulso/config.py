"""Settings, read from the environment (prefix ``PULSO_``) by the entry points only.

Nested groups use ``__``: ``PULSO_LLM__BASE_URL``. Domain code never imports this module; the
CLI, the API and the pipeline runner call :func:`get_settings` and pass values down.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["IngestSettings", "LLMSettings", "Settings", "get_settings"]

_INSECURE_SECRET = "change-me"


class IngestSettings(BaseModel):
    """How files are read and validated."""

    batch_rows: int = Field(default=200_000, ge=1_000)
    max_future_days: int = Field(default=1, ge=0)
    timezone: str = "America/Lima"


class LLMSettings(BaseModel):
    """An OpenAI-compatible endpoint for briefings and questions (empty = offline writer)."""

    base_url: str | None = None
    api_key: SecretStr | None = None
    model: str = "gpt-4o-mini"
    timeout_seconds: float = Field(default=30.0, gt=0)


class Settings(BaseSettings):
    """All of Pulso's settings.

    ``secret_key`` signs sessions and keys the hash that pseudonymises diner ids (Ley 29733);
    the default is accepted only when ``env`` is ``dev``.
    """

    model_config = SettingsConfigDict(
        env_prefix="PULSO_", env_nested_delimiter="__", extra="ignore"
    )

    env: str = "dev"
    database_url: str = "sqlite:///pulso.db"
    data_dir: Path = Path(".pulso")
    secret_key: SecretStr = SecretStr(_INSECURE_SECRET)
    own_retailer: str = "Plaza Vea"
    mlflow_uri: str | None = None
    log_level: str = "INFO"
    ingest: IngestSettings = IngestSettings()
    llm: LLMSettings = LLMSettings()

    @field_validator("env")
    @classmethod
    def _known_env(cls, value: str) -> str:
        if value not in {"dev", "test", "prod"}:
            raise ValueError(f"env must be dev, test or prod, got {value!r}")
        return value

    @model_validator(mode="after")
    def _no_default_secret_in_prod(self) -> Settings:
        if self.env == "prod" and self.secret_key.get_secret_value() == _INSECURE_SECRET:
            raise ValueError("PULSO_SECRET_KEY must be set to a private value when PULSO_ENV=prod")
        if self.env == "prod" and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("PULSO_SECRET_KEY must be at least 32 characters when PULSO_ENV=prod")
        return self

    @property
    def tracking_uri(self) -> str:
        """MLflow tracking URI: the configured server or a local store in the data dir."""
        return self.mlflow_uri or (self.data_dir / "mlruns").resolve().as_uri()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (read once, at an entry point)."""
    return Settings()
