"""The sample roadmap, and one folder per test module for what it renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.roadmap.view import RoadmapView
from tests.roadmap.views import build_view


@pytest.fixture(scope="module")
def view() -> RoadmapView:
    return build_view()


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roadmap")
