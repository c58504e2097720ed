"""The template made from the small rubric, and a way to fill it as a respondent would."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from assessment.selfassessment.shapes import RespondentInfo
from assessment.selfassessment.template import fill_workbook, write_template
from tests.selfassessment.workbooks import (
    ALICE,
    ALL_RATED,
    CONTEXT,
    RUBRIC,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(RUBRIC, tmp_path_factory.mktemp("template") / "template.xlsx", CONTEXT)


@pytest.fixture
def fill(template: Path, tmp_path: Path) -> Callable[..., Path]:
    """Fill the template as a respondent would and return the file's path."""

    def _fill(
        answers: Mapping[str, int | float | str | None] | None = None,
        respondent: RespondentInfo = ALICE,
        evidence: Mapping[str, str] | None = None,
        name: str = "alice.xlsx",
    ) -> Path:
        return fill_workbook(template, tmp_path / name, respondent, ALL_RATED if answers is None else answers, evidence)

    return _fill
