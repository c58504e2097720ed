"""Settings, read once from the environment (prefix ``ACCELERATOR_``)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the data lives and who is acting."""

    model_config = SettingsConfigDict(env_prefix="ACCELERATOR_", extra="ignore")

    database_url: str = f"sqlite:///{Path.cwd() / 'accelerator.db'}"
    actor: str | None = None
    rubric_dir: Path | None = None
    max_workbook_bytes: int = 10 * 1024 * 1024
    max_workbook_unzipped_bytes: int = 50 * 1024 * 1024
    debug: bool = False  # ACCELERATOR_DEBUG=1: an unexpected failure shows its stack
    # where this user's saved identity lives (``accelerator whoami --set``)
    config_dir: Path = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "equity-accelerator"

    # where the details of unexpected failures are logged, and the home of `accelerator server start`
    data_dir: Path = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "equity-accelerator"
    # the only folder a flow launched from a deployment (the Prefect UI) writes files in
    output_dir: Path = Field(default_factory=lambda given: Path(given["data_dir"]) / "output")
    # signs the web app's session cookies (ACCELERATOR_WEB_SECRET); when unset, one is made and kept in
    # ``web_secret_file`` (see accelerator/web/sessions.py), so sessions outlive a restart
    web_secret: str | None = None

    @property
    def web_secret_file(self) -> Path:
        return self.data_dir / "web-secret"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "accelerator.log"

    @property
    def prefect_home(self) -> Path:
        """The home (PREFECT_HOME: settings, SQLite database, log) of the server `accelerator server start` starts."""
        return self.data_dir / "prefect"

    @property
    def prefect_server_file(self) -> Path:
        """What `accelerator server start` started, for `status`, `stop` and the flow commands to find."""
        return self.data_dir / "prefect-server.json"


@lru_cache
def get_settings() -> Settings:
    return Settings()
