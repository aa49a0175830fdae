"""Settings and the error hierarchy."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from pulso.config import Settings
from pulso.errors import InputError, PulsoError


def test_env_prefix_and_nested_groups(monkeypatch):
    monkeypatch.setenv("PULSO_DATABASE_URL", "postgresql://u@db/pulso")
    monkeypatch.setenv("PULSO_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    settings = Settings()
    assert settings.database_url == "postgresql://u@db/pulso"
    assert settings.llm.base_url == "http://127.0.0.1:9/v1"


def test_production_refuses_the_default_secret():
    with pytest.raises(ValidationError, match="PULSO_SECRET_KEY"):
        Settings(env="prod")
    assert Settings(env="prod", secret_key=SecretStr("x" * 40)).env == "prod"


def test_secrets_do_not_leak_in_repr():
    settings = Settings(secret_key=SecretStr("super-secret-value-0123456789abcdef"))
    assert "super-secret" not in repr(settings)


def test_input_error_names_file_row_and_column():
    error = InputError(
        "could not read 'abc' as a price", file="p.csv", row=7, column="regular_price"
    )
    assert str(error) == "p.csv, row 7, column 'regular_price': could not read 'abc' as a price"
    assert isinstance(error, PulsoError)
