"""The survey instrument as data: the v1 file, what a broken file is told, and a version that may not
change once responses were imported with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.errors import ValidationFailed
from assessment.survey.instrument import load_instrument, parse_instrument
from assessment.survey.service import write_survey_template
from tests.conftest import Cast
from tests.survey.helpers import INSTRUMENT, Row, fill, import_, template


def instrument_data(**changes: Any) -> dict[str, Any]:
    return {**INSTRUMENT.model_dump(mode="json"), **changes}


def test_the_v1_instrument_has_the_network_statements_on_a_five_point_scale() -> None:
    v1 = load_instrument()
    assert (v1.id, v1.version, v1.title) == ("partner-survey", 1, "Partner survey")
    assert v1.labels == ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
    assert len(v1.statements) == 14
    texts = {s.id: s.text for s in v1.statements}
    assert texts["partners_add_value"] == "Partners add value to each other's work."
    assert {s.theme for s in v1.statements} == {
        "Working together",
        "Community voice and power",
        "Policy and systems change",
        "Equity",
    }
    assert len(v1.content_hash) == 64 and v1.content_hash == parse_instrument(instrument_data(), "copy").content_hash


def test_a_broken_instrument_is_refused_with_every_problem_located() -> None:
    statements = [dict(s) for s in instrument_data()["statements"]]
    statements[1]["id"] = statements[0]["id"]
    with pytest.raises(ValidationFailed) as refused:
        parse_instrument(instrument_data(statements=statements), "survey.yaml")
    assert "statement id 'shared_solutions' is used twice" in str(refused.value)

    scale = instrument_data()["scale"][:4]
    with pytest.raises(ValidationFailed) as refused:
        parse_instrument(instrument_data(scale=scale), "survey.yaml")
    assert "the scale must be numbered 1, 2, 3, 4, 5 in order; found [1, 2, 3, 4]" in str(refused.value)

    statements = [dict(s) for s in instrument_data()["statements"]]
    statements[0]["id"] = "respondent"
    statements[1]["text"] = ""
    with pytest.raises(ValidationFailed) as refused:
        parse_instrument(instrument_data(statements=statements, version="two"), "survey.yaml")
    found = [str(p) for p in refused.value.problems]
    assert any(p.startswith("survey.yaml: version:") for p in found)
    assert any(p.startswith("survey.yaml: statements[1].text:") for p in found)


def test_a_version_changed_after_it_was_used_is_refused(cast: Cast, tmp_path: Path) -> None:
    form = template(cast, tmp_path / "form.xlsx").path
    import_(cast, fill(form, tmp_path / "filled.xlsx", [Row("R1", {"trust": "Agree"})]))
    statements = [dict(s) for s in instrument_data()["statements"]]
    statements[0]["text"] = "Partners in this network compete with each other."
    changed = parse_instrument(instrument_data(statements=statements), "changed")
    with transaction() as session, pytest.raises(ValidationFailed) as refused:
        write_survey_template(session, resolve_actor(session, cast.lead), cast.cohort, tmp_path / "v.xlsx", changed)
    assert "The survey partner-survey version 1 was changed after responses were first imported with it" in str(
        refused.value
    )
    assert "save the changed survey with a new version number" in str(refused.value)
