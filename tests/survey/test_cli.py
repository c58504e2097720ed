"""`accelerator survey` in the documented forms, for people and with --json for scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import Outcome, run_cli
from tests.conftest import Cast
from tests.survey.helpers import TEXT, Row, fill


def survey(capsys: pytest.CaptureFixture[str], who: str, *args: str) -> Outcome:
    return run_cli(capsys, "--actor", who, "survey", *args)


def answered(cast: Cast, count: int, agree: int) -> list[Row]:
    """``count`` Alder respondents answering trust, ``agree`` of them Agree, the others Disagree."""
    return [Row(f"P{n}", {"trust": "Agree" if n < agree else "Disagree"}, cast.alder) for n in range(count)]


def test_template_import_and_results_in_the_documented_forms(
    cast: Cast, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "form.xlsx"
    made = survey(capsys, cast.lead, "template", "--cohort", cast.cohort, "--out", str(out), "--json")
    assert made.code == 0, made.err
    assert made.json() == {
        "path": str(out),
        "cohort": cast.cohort,
        "instrument": "partner-survey",
        "title": "Partner survey",
        "version": 1,
        "statements": 14,
        "jurisdictions": 2,
        "rows": 500,
    }
    said = survey(capsys, cast.lead, "template", "--cohort", cast.cohort, "--out", str(out))
    assert said.code == 0 and "14 statements, room for 500 respondents and a list of its 2 jurisdictions." in said.out

    filled = fill(out, tmp_path / "filled.xlsx", [*answered(cast, 6, 5), Row("U1", {"trust": 1})])
    imported = survey(capsys, cast.lead, "import", str(filled), "--cohort", cast.cohort, "--json")
    assert imported.code == 0, imported.err
    summary = imported.json()
    assert (summary["outcome"], summary["respondents"], summary["answers"], summary["respondents_total"]) == (
        "added",
        7,
        7,
        7,
    )
    again = survey(capsys, cast.lead, "import", str(filled), "--cohort", cast.cohort)
    assert again.code == 0
    assert again.out.startswith("Nothing to change: the responses in filled.xlsx are already imported (7 respondent")

    shown = survey(capsys, cast.alder_manager, "results", "--cohort", cast.cohort, "--json")
    assert shown.code == 0, shown.err
    document = shown.json()
    trust = next(s for s in document["statements"] if s["id"] == "trust")
    # 7 answered, 5 agree -> 71%; Alder's 6 alone (one respondent named no jurisdiction, fewer than
    # the minimum) would single out that one: hidden
    assert trust["overall"] == {"responses": 7, "agree": 5, "percent": 71, "suppressed": False, "said": "71% (5 of 7)"}
    assert trust["jurisdictions"] == [
        {
            "jurisdiction": cast.alder,
            "share": {"responses": 6, "agree": None, "percent": None, "suppressed": True, "said": "too few responses"},
        }
    ]
    assert (document["respondents"], document["minimum"]) == (7, 5)

    table = survey(capsys, cast.lead, "results", "--cohort", cast.cohort)
    assert table.code == 0, table.err
    assert "7 respondent(s)" in table.out and "% agree or strongly agree" in table.out
    assert "Birch City" in table.out and "too few responses" in table.out
    line = next(line for line in table.out.splitlines() if "trust each other" in line and "71%" in line)
    assert "│         7 │" in line or " 7 " in line


def test_a_refused_import_lists_every_problem_and_exits_2(
    cast: Cast, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "form.xlsx"
    survey(capsys, cast.lead, "template", "--cohort", cast.cohort, "--out", str(out))
    filled = fill(out, tmp_path / "filled.xlsx", [Row("P1", {"trust": "Agree"}), Row("P2", {"trust": "Agre"})])
    refused = survey(capsys, cast.lead, "import", str(filled), "--cohort", cast.cohort, "--json")
    assert refused.code == 2 and refused.out == ""
    error = json.loads(refused.err)
    assert (
        error["error"]
        == "filled.xlsx was not imported (1 problem); nothing was changed. Fix these and import it again:"
    )
    assert error["problems"] == [
        "Survey!Q6: 'Agre' is not an answer (did you mean 'Agree'?) to \"Partners in the network trust each other\". "
        "Pick one of Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly agree (or a number from "
        "1 to 5), or leave it blank for no answer."
    ]
    shown = survey(capsys, cast.lead, "results", "--cohort", cast.cohort)
    assert "No responses imported yet." in shown.out


def test_a_program_manager_may_not_import_or_set_the_minimum(
    cast: Cast, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "form.xlsx"
    survey(capsys, cast.lead, "template", "--cohort", cast.cohort, "--out", str(out))
    filled = fill(out, tmp_path / "filled.xlsx", [Row("P1", {"trust": "Agree"})])
    refused = survey(capsys, cast.alder_manager, "import", str(filled), "--cohort", cast.cohort)
    assert refused.code == 3
    assert "may not import the partner survey of 2026 Test Cohort. Only an alliance lead or an admin may." in (
        " ".join(refused.err.split())
    )
    refused = survey(capsys, cast.alder_manager, "minimum", "--cohort", cast.cohort, "3", "--json")
    assert refused.code == 3 and "Only an alliance lead or an admin may." in json.loads(refused.err)["error"]


def test_minimum_sets_the_cohorts_small_number_rule(
    cast: Cast, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    changed = survey(capsys, cast.lead, "minimum", "--cohort", cast.cohort, "3")
    assert changed.code == 0, changed.err
    assert changed.out.strip() == "The survey minimum of 2026 Test Cohort is 3 (was 5)."
    assert "With a minimum below 5" in changed.err
    as_json = survey(capsys, cast.lead, "minimum", "--cohort", cast.cohort, "8", "--json")
    assert as_json.json() == {"cohort": cast.cohort, "minimum": 8, "previous": 3, "warnings": []}
    wrong = survey(capsys, cast.lead, "minimum", "--cohort", cast.cohort, "0")
    assert wrong.code == 2 and "0 is not a whole number from 1 to 100" in wrong.err


def test_results_of_one_jurisdiction(cast: Cast, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "form.xlsx"
    survey(capsys, cast.lead, "template", "--cohort", cast.cohort, "--out", str(out))
    rows = [*answered(cast, 5, 4), *(Row(f"B{n}", {"trust": 5}, cast.birch) for n in range(5))]
    survey(capsys, cast.lead, "import", str(fill(out, tmp_path / "f.xlsx", rows)), "--cohort", cast.cohort)
    shown = survey(capsys, cast.lead, "results", "--cohort", cast.cohort, "--jurisdiction", cast.birch, "--json")
    trust = next(s for s in shown.json()["statements"] if s["id"] == "trust")
    assert trust["overall"]["said"] == "90% (9 of 10)"
    assert [(j["jurisdiction"], j["share"]["said"]) for j in trust["jurisdictions"]] == [(cast.birch, "100% (5 of 5)")]
    assert TEXT["trust"] == trust["text"]
