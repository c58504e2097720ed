"""Importing survey responses: the form filled and read back, CSVs, every bad cell located, nothing
written on refusal, re-imports, further files and --replace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from assessment.cohorts.models import Cohort
from assessment.cohorts.people import resolve_actor
from assessment.core import history
from assessment.core.db import transaction
from assessment.core.errors import PermissionDenied, ValidationFailed
from assessment.survey.instrument import parse_instrument
from assessment.survey.models import SurveyAnswer, SurveyImport, SurveyResponse
from assessment.survey.reading import AnswerScale
from assessment.survey.service import write_survey_template
from tests.conftest import Cast
from tests.survey.helpers import INSTRUMENT, TEXT, Row, fill, import_, minimum, results, statement, template, write_csv


def stored() -> tuple[int, int, int]:
    """How many imports, responses and answers the database holds."""
    with transaction() as session:
        return (
            session.exec(select(func.count()).select_from(SurveyImport)).one(),
            session.exec(select(func.count()).select_from(SurveyResponse)).one(),
            session.exec(select(func.count()).select_from(SurveyAnswer)).one(),
        )


def refusal(cast: Cast, path: Path, replace: bool = False) -> list[str]:
    with pytest.raises(ValidationFailed) as refused:
        import_(cast, path, replace=replace)
    return [str(problem) for problem in refused.value.problems]


@pytest.fixture
def form(cast: Cast, tmp_path: Path) -> Path:
    return template(cast, tmp_path / "form.xlsx").path


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("Strongly agree", 5),
        ("  strongly   AGREE ", 5),
        ("agree", 4),
        ("Neither agree nor disagree", 3),
        ("3 - Neither agree nor disagree", 3),
        ("STRONGLY disagree", 1),
        (4, 4),
        (2.0, 2),
        ("1", 1),
        ("5.0", 5),
        ("", None),
        (None, None),
    ],
)
def test_answers_are_labels_in_any_case_or_numbers_from_1_to_5(typed: object, answer: int | None) -> None:
    assert AnswerScale(INSTRUMENT).parse(typed) == answer


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("Agre", "'Agre' is not an answer (did you mean 'Agree'?)"),
        (6, "'6' is not on the scale"),
        ("0", "'0' is not on the scale"),
        (4.5, "'4.5' is not on the scale"),
        (True, "'True' is not an answer"),
        ("yes", "'yes' is not an answer"),
        ("2 - Agree", "'2 - Agree' is not an answer (2 is Disagree, Agree is 4)"),
    ],
)
def test_anything_else_is_not_an_answer(typed: object, why: str) -> None:
    with pytest.raises(ValueError) as refused:
        AnswerScale(INSTRUMENT).parse(typed)
    assert str(refused.value) == why


def test_a_filled_form_is_read_back_into_the_results(cast: Cast, form: Path, tmp_path: Path) -> None:
    minimum(cast, 1)  # so a handful of answers shows a share
    rows = [
        Row("P1", {"trust": "Strongly agree", "partners_add_value": "Agree"}, cast.alder, "Familias Unidas"),
        Row("P2", {"trust": "agree", "partners_add_value": 2}, cast.alder),
        Row("P3", {"trust": 3, "partners_add_value": "Agree"}, cast.birch),
        Row("P4", {"trust": "Disagree"}),
        Row("P5", {"trust": "5", "partners_add_value": "Strongly disagree"}, "birch city"),
    ]
    summary = import_(cast, fill(form, tmp_path / "filled.xlsx", rows))
    assert (summary.outcome, summary.rows, summary.respondents, summary.answers, summary.skipped) == (
        "added",
        5,
        5,
        9,
        0,
    )
    assert (summary.respondents_total, summary.ignored_columns, summary.missing_statements) == (5, [], [])
    shown = results(cast)
    assert shown.respondents == 5
    # trust: 5 answered, 3 agree (5, 4, 5) -> 60%; partners_add_value: 4 answered, 2 agree -> 50%
    assert statement(shown, "trust")["overall"] == "60% (3 of 5)"
    assert statement(shown, "partners_add_value")["overall"] == "50% (2 of 4)"
    with transaction() as session:
        places = dict(session.exec(select(SurveyResponse.respondent, SurveyResponse.jurisdiction_id)).all())
        kept = session.exec(select(SurveyResponse).where(SurveyResponse.respondent == "P1")).one()
    assert (kept.organization, kept.row) == ("Familias Unidas", 5)
    assert places["P4"] is None and places["P3"] == places["P5"] != places["P1"]


def test_every_bad_cell_is_located_and_nothing_is_written(cast: Cast, form: Path, tmp_path: Path) -> None:
    rows = [
        Row("P1", {"trust": "Agree"}),
        Row("P2", {"shared_solutions": "Agre"}),  # row 6, column D
        Row("P3", {"trust": 6}, "Aldr County"),  # row 7, columns Q and C
        Row(None, {"trust": "Agree"}),  # row 8: answers but nobody named
        Row("P1", {"trust": "Disagree"}),  # row 9: P1 again
        Row("P6", {"trust": "=1+1"}),  # row 10: a formula
    ]
    problems = refusal(cast, fill(form, tmp_path / "filled.xlsx", rows))
    allowed = (
        "Pick one of Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly agree "
        "(or a number from 1 to 5), or leave it blank for no answer."
    )
    assert problems == [
        "Survey!D6: 'Agre' is not an answer (did you mean 'Agree'?) to \"Partners in this network work out solutions "
        f'together, not…". {allowed}',
        "Survey!C7: 'Aldr County' is not a jurisdiction of 2026 Test Cohort. Did you mean 'Alder County'? Pick one "
        "of Alder County, Birch City, or leave it blank (the answers then count only in the overall results).",
        f"Survey!Q7: '6' is not on the scale to \"Partners in the network trust each other\". {allowed}",
        "Survey!A8: the Respondent is blank on a row with answers. Type a name, initials or a number for the "
        "person who answered; it tells the rows apart and is never shown in results.",
        "Survey!A9: 'P1' is also on row 5. Keep one row per person, or tell the two apart (e.g. number them).",
        'Survey!Q10: the answer to "Partners in the network trust each other" is a formula (=1+1). '
        "Type the value, not a formula.",
    ]
    assert stored() == (0, 0, 0)
    assert results(cast).respondents == 0


def test_a_csv_is_read_by_statement_ids_or_texts_with_or_without_a_bom(cast: Cast, tmp_path: Path) -> None:
    minimum(cast, 1)
    by_id = write_csv(
        tmp_path / "ids.csv",
        ["Respondent", "Jurisdiction", "trust", "partners_add_value", "Timestamp"],
        [["A", cast.alder, "Agree", "5", "2026-05-01"], ["B", "", "2", "", "2026-05-02"], ["C", "", "", "", ""]],
        bom=True,
    )
    summary = import_(cast, by_id)
    assert (summary.respondents, summary.answers, summary.skipped, summary.ignored_columns) == (2, 3, 1, ["Timestamp"])
    assert "shared_solutions" in summary.missing_statements and "trust" not in summary.missing_statements

    by_text = write_csv(
        tmp_path / "texts.csv",
        ["respondent", "Organization (optional)", f"Survey [{TEXT['trust']}]", TEXT["more_together"].upper()],
        [["D", "Eastside Youth", "strongly agree", "4"]],
    )
    summary = import_(cast, by_text)
    assert (summary.respondents, summary.answers, summary.respondents_total) == (1, 2, 3)
    # trust: A agree, B disagree, D strongly agree -> 2 of 3
    assert statement(results(cast), "trust")["overall"] == "67% (2 of 3)"


def test_csv_problems_name_the_row_and_the_column_as_headed(cast: Cast, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        ["Respondent", "Jurisdiction", "trust", TEXT["information_sharing"]],
        [["A", "", "Agree", "Agree"], ["B", "Nowhere", "7", "maybe"]],
    )
    problems = refusal(cast, path)
    assert problems[0].startswith(
        "row 3, column \"Jurisdiction\": 'Nowhere' is not a jurisdiction of 2026 Test Cohort."
    )
    assert problems[1].startswith('row 3, column "trust": \'7\' is not on the scale to "Partners in the network trust')
    assert problems[2].startswith(
        "row 3, column \"Partners share information, data and resources…\": 'maybe' is not an answer"
    )
    assert stored() == (0, 0, 0)


def test_a_file_without_the_columns_it_needs_is_refused(cast: Cast, tmp_path: Path) -> None:
    no_statements = write_csv(tmp_path / "a.csv", ["Respondent", "Question 1"], [["A", "Agree"]])
    assert refusal(cast, no_statements) == [
        "a.csv: has no header row naming the survey's statements, so no answer can be read. Start from "
        "`accelerator survey template`, or head each answer column with its statement's text or id "
        "(e.g. 'shared_solutions')."
    ]
    no_respondent = write_csv(tmp_path / "b.csv", ["Name of org", "trust", "trust"], [["X", "Agree", "Agree"]])
    assert refusal(cast, no_respondent) == [
        "row 1, column \"trust\": is a second column for 'Partners in the network trust each other.' (the first is "
        "column B). Keep one column for each statement and field; delete or rename the copy.",
        "row 1: has no Respondent column. Add a Respondent column with a name, initials or a number for each "
        "person who answered (it tells the rows apart and is never shown in results).",
    ]
    nothing = write_csv(tmp_path / "c.csv", ["Respondent", "trust"], [["A", ""], ["B", ""]])
    assert refusal(cast, nothing) == [
        "c.csv: has no answers to import (2 row(s) name someone but answer nothing). Fill in each respondent's "
        "answers, one row per person, then import it again."
    ]
    odd = tmp_path / "d.txt"
    odd.write_text("hello", encoding="utf-8")
    assert refusal(cast, odd) == [
        "d.txt: is neither an Excel workbook (.xlsx) nor a .csv file. Import the form made by "
        "`accelerator survey template` (.xlsx), or a .csv with its columns."
    ]
    assert stored() == (0, 0, 0)


def test_the_same_responses_again_change_nothing(cast: Cast, form: Path, tmp_path: Path) -> None:
    filled = fill(form, tmp_path / "filled.xlsx", [Row("P1", {"trust": "Agree"}), Row("P2", {"trust": 1})])
    first = import_(cast, filled)
    # the same answers, re-saved: other bytes, same responses
    book = load_workbook(filled)
    book["Survey"].column_dimensions["A"].width = 30
    book.save(tmp_path / "resaved.xlsx")
    again = import_(cast, tmp_path / "resaved.xlsx")
    assert (first.outcome, again.outcome, again.respondents_total) == ("added", "unchanged", 2)
    assert stored() == (1, 2, 2)


def test_another_file_adds_its_respondents_and_a_repeated_one_is_refused(
    cast: Cast, form: Path, tmp_path: Path
) -> None:
    import_(cast, fill(form, tmp_path / "one.xlsx", [Row("P1", {"trust": "Agree"}, cast.alder)]))
    added = import_(cast, fill(form, tmp_path / "two.xlsx", [Row("P2", {"trust": 2}), Row("P3", {"trust": 4})]))
    assert (added.outcome, added.respondents, added.respondents_total) == ("added", 2, 3)

    repeated = fill(form, tmp_path / "three.xlsx", [Row("P4", {"trust": 5}), Row("p1", {"trust": 5}, "ALDER COUNTY")])
    problems = refusal(cast, repeated)
    assert len(problems) == 1 and problems[0].startswith("Survey!A6: 'p1' was already imported from one.xlsx on ")
    assert problems[0].endswith(
        "If this file holds every response, import it with --replace; if this is someone else, tell them apart "
        "(e.g. number them)."
    )
    assert stored() == (2, 3, 3)


def test_replace_makes_the_file_the_only_responses_and_keeps_the_earlier_ones_in_the_history(
    cast: Cast, form: Path, tmp_path: Path
) -> None:
    import_(cast, fill(form, tmp_path / "one.xlsx", [Row("P1", {"trust": "Agree"}), Row("P2", {"trust": 1})]))
    every = [Row("P1", {"trust": "Agree"}), Row("P2", {"trust": 1}), Row("P3", {"trust": 5})]
    replaced = import_(cast, fill(form, tmp_path / "all.xlsx", every), replace=True)
    assert (replaced.outcome, replaced.respondents, replaced.replaced, replaced.respondents_total) == (
        "replaced",
        3,
        2,
        3,
    )
    assert results(cast).respondents == 3
    assert statement(results(cast), "trust")["overall"] == "too few responses"  # 3 answered, minimum 5
    assert stored() == (2, 5, 5)
    with transaction() as session:
        cohort = session.exec(select(Cohort)).one()
        entries = history.entries(session, "survey", cohort.id or 0)
    assert [(e.field, e.new, e.actor) for e in entries] == [
        ("import", "one.xlsx", cast.lead),
        ("import", "all.xlsx", cast.lead),
    ]
    assert entries[0].note == "2 row(s) read: 2 respondent(s), 2 answer(s); 0 row(s) without answers skipped"
    assert entries[1].note.endswith("; replaces the 2 respondent(s) imported before")


def test_a_respondent_named_like_a_statement_is_still_a_respondent(cast: Cast, tmp_path: Path) -> None:
    minimum(cast, 1)
    path = write_csv(tmp_path / "t.csv", ["Respondent", "trust"], [["Trust", "Agree"], ["Equity", "Disagree"]])
    assert import_(cast, path).respondents == 2
    assert statement(results(cast), "trust")["overall"] == "50% (1 of 2)"


def test_rows_that_answer_nothing_are_skipped_and_counted(cast: Cast, form: Path, tmp_path: Path) -> None:
    rows = [Row("P1", {"trust": "Agree"}), Row("P2", {}, cast.alder), Row(None, {}), Row("P3", {"trust": 2})]
    summary = import_(cast, fill(form, tmp_path / "filled.xlsx", rows))
    assert (summary.rows, summary.respondents, summary.skipped) == (3, 2, 1)


def test_columns_are_matched_by_the_hidden_ids_even_when_headers_are_edited(
    cast: Cast, form: Path, tmp_path: Path
) -> None:
    book = load_workbook(form)
    sheet = book["Survey"]
    sheet["Q4"] = "Trust?"  # the trust column's header, reworded
    sheet.move_range("D3:D504", cols=20)  # shared_solutions moved to the far right
    book.save(tmp_path / "edited.xlsx")
    filled = fill(tmp_path / "edited.xlsx", tmp_path / "filled.xlsx", [Row("P1", {"trust": 5, "shared_solutions": 1})])
    summary = import_(cast, filled)
    assert (summary.answers, summary.missing_statements) == (2, [])
    shown = results(cast)
    assert (
        statement(shown, "trust")["overall"] == statement(shown, "shared_solutions")["overall"] == ("too few responses")
    )
    with transaction() as session:
        answers = dict(session.exec(select(SurveyAnswer.statement_id, SurveyAnswer.answer)).all())
    assert answers == {"trust": 5, "shared_solutions": 1}


def test_a_form_of_another_cohort_or_survey_version_is_refused(cast: Cast, form: Path, tmp_path: Path) -> None:
    import_(cast, fill(form, tmp_path / "v1.xlsx", [Row("P1", {"trust": "Agree"})]))
    other = load_workbook(form)
    other["_meta"]["B5"] = "2025 Pilot Cohort"
    other.save(tmp_path / "other.xlsx")
    problems = refusal(cast, fill(tmp_path / "other.xlsx", tmp_path / "other-filled.xlsx", [Row("P9", {"trust": 4})]))
    assert problems == [
        "other-filled.xlsx: is the form of the cohort '2025 Pilot Cohort', not of 2026 Test Cohort. Import it into "
        'its own cohort (--cohort "2025 Pilot Cohort"), or make the form again with `accelerator survey template '
        '--cohort "2026 Test Cohort"` and copy the answers into it.'
    ]

    v2 = parse_instrument({**INSTRUMENT.model_dump(mode="json"), "version": 2}, "v2")
    with transaction() as session:
        write_survey_template(session, resolve_actor(session, cast.lead), cast.cohort, tmp_path / "v2.xlsx", v2)
    problems = refusal(cast, fill(tmp_path / "v2.xlsx", tmp_path / "v2-filled.xlsx", [Row("P9", {"trust": 4})]))
    assert problems[0] == (
        "v2-filled.xlsx: is a form of the survey partner-survey version 2, but the responses already imported for "
        "2026 Test Cohort answered partner-survey version 1; answers to two versions can't be added up. Make the "
        'form again with `accelerator survey template --cohort "2026 Test Cohort"` and copy the answers into it, '
        "or import this file with --replace to replace every response imported so far."
    )
    assert problems[1].startswith(
        "v2-filled.xlsx: is a form of the survey partner-survey version 2, which this installation does not have."
    )
    assert stored() == (1, 1, 1)


def test_a_form_made_before_the_statements_changed_is_refused(cast: Cast, form: Path, tmp_path: Path) -> None:
    book = load_workbook(form)
    book["_meta"]["B4"] = "0" * 64
    book.save(tmp_path / "old.xlsx")
    problems = refusal(cast, fill(tmp_path / "old.xlsx", tmp_path / "old-filled.xlsx", [Row("P1", {"trust": 4})]))
    assert problems == [
        "old-filled.xlsx: was made from an earlier or different text of the survey partner-survey version 1: its "
        "statements have changed since the form was made. Make the form again with `accelerator survey template "
        '--cohort "2026 Test Cohort"` and copy the answers into it.'
    ]


def test_a_damaged_workbook_is_refused_in_one_line(cast: Cast, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert refusal(cast, broken) == [
        "broken.xlsx: is not an Excel workbook (.xlsx). Import the form made by `accelerator survey template` "
        "(.xlsx), or a .csv with its columns."
    ]


def test_only_an_alliance_lead_imports(cast: Cast, form: Path, tmp_path: Path) -> None:
    filled = fill(form, tmp_path / "filled.xlsx", [Row("P1", {"trust": "Agree"})])
    with pytest.raises(PermissionDenied) as refused:
        import_(cast, filled, who=cast.alder_manager)
    assert str(refused.value) == (
        f"{cast.alder_manager} may not import the partner survey of {cast.cohort}. "
        "Only an alliance lead or an admin may."
    )
    assert stored() == (0, 0, 0)


def test_answers_are_append_only_in_the_database(cast: Cast, form: Path, tmp_path: Path) -> None:
    import_(cast, fill(form, tmp_path / "filled.xlsx", [Row("P1", {"trust": "Agree"})]))
    with pytest.raises(Exception, match="append-only"), transaction() as session:
        session.connection().exec_driver_sql("UPDATE survey_answer SET answer = 1")
    assert json.dumps(statement(results(cast), "trust")) == json.dumps(
        {"overall": "too few responses"}
        | {
            cast.alder: "too few responses",
            cast.birch: "too few responses",
        }
    )
