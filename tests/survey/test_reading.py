"""The survey reader fed damaged forms and odd CSVs (hypothesis): each is read into valid rows or
refused with located problems, never an exception escaping to the person."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.core.errors import ValidationFailed
from assessment.survey.reading import read_survey
from assessment.survey.template import FormContext, write_form
from tests.survey.helpers import INSTRUMENT, LABELS, Row, fill
from tests.test_fuzz_importers import damaged

PLACES = {"alder county": (1, "Alder County"), "birch city": (2, "Birch City")}


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("survey-fuzz")
    form = write_form(INSTRUMENT, FormContext("2026 Cohort", ["Alder County", "Birch City"], 5), folder / "form.xlsx")
    rows = [Row("P1", {"trust": "Agree", "equity_centered": 5}, "Alder County"), Row("P2", {"trust": 1})]
    return fill(form, folder / "filled.xlsx", rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_damaged_form_is_read_or_refused_cleanly(
    filled: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    path = tmp_path_factory.mktemp("case") / "survey.xlsx"
    path.write_bytes(data.draw(damaged(filled.read_bytes())))
    try:
        read = read_survey(path, lambda meta: INSTRUMENT, PLACES, "2026 Cohort")
    except ValidationFailed as refused:
        assert refused.problems, "a refusal names at least one problem"
        return
    ids = {s.id for s in INSTRUMENT.statements}
    for response in read.responses:
        assert set(response.answers) <= ids and set(response.answers.values()) <= {1, 2, 3, 4, 5}
        assert response.respondent and response.jurisdiction_id in (None, 1, 2)


CELLS = st.one_of(
    st.sampled_from([*LABELS, "", "4", "5.0", "agree ", "Alder County", "=1+1", "0", "Agre"]),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELLS, min_size=0, max_size=5), max_size=8), bom=st.booleans())
def test_any_csv_is_read_into_valid_rows_or_refused_with_located_problems(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], bom: bool
) -> None:
    path = tmp_path_factory.mktemp("csv") / "survey.csv"
    lines = [",".join(["Respondent", "Jurisdiction", "trust", "more_together", "equity_centered"])]
    lines += [",".join('"' + cell.replace('"', '""') + '"' for cell in row) for row in rows]
    path.write_text("\n".join(lines), encoding="utf-8-sig" if bom else "utf-8")
    read = read_survey(path, lambda meta: INSTRUMENT, PLACES, "2026 Cohort")
    for problem in read.problems.kept:
        assert problem.location.startswith("row "), problem
    if not read.problems:
        typed = [row for row in rows if any(cell.strip() for cell in row[2:5])]
        assert len(read.responses) == len(typed)
        for response in read.responses:
            assert set(response.answers.values()) <= {1, 2, 3, 4, 5}
