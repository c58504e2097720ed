"""Settings, read once from the environment (prefix ``ACCELERATOR_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the data lives and who is acting."""

    model_config = SettingsConfigDict(env_prefix="ACCELERATOR_", extra="ignore")

    database_url: str = f"sqlite:///{Path.cwd() / 'accelerator.db'}"
    actor: str | None = None
    rubric_dir: Path | None = None
    max_workbook_bytes: int = 10 * 1024 * 1024
    max_workbook_unzipped_bytes: int = 50 * 1024 * 1024


@lru_cache
def get_settings() -> Settings:
    return Settings()
