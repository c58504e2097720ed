"""Where the data files of ``rubrics/`` are found, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

from assessment.config import get_settings


def rubrics_dir() -> Path:
    configured = get_settings().rubric_dir
    if configured is not None:
        return configured
    return Path(__file__).resolve().parent.parent / "rubrics"


def data_path(name: str) -> Path:
    return rubrics_dir() / name
