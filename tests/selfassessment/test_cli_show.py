"""What people see of a self-assessment in the terminal: `assessment show` draws a bar per domain
beside its scores, and `assessment run` shows the flow's steps as they happen."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text

from accelerator.commands.assessment import BAR_WIDTH, bar
from accelerator.flowrun import StepDisplay, StepWatcher, run_flow_steps
from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team
from assessment.core.db import transaction
from assessment.selfassessment import service as assessments
from assessment.selfassessment.rubric import load_rubric
from assessment.selfassessment.shapes import RespondentInfo, WorkbookContext, WorkbookRatings
from assessment.selfassessment.template import fill_workbook, write_template
from tests.cli import Outcome, run_cli
from tests.conftest import Cast
from tests.rubrics import small_rubric

RUBRIC = small_rubric()
# Domain A all at the top level (100), B all at the bottom (0), C at level 3 (66.7).
LEVELS = {"a": 4, "b": 1, "c": 3}
STEPS = ("validate workbooks", "aggregate ratings", "score", "persist", "publish")


def plain(markup: str) -> str:
    return Text.from_markup(markup).plain


def submit(cast: Cast) -> None:
    ratings: dict[str, int | None] = {i.id: LEVELS[i.id.split(".")[0]] for i in RUBRIC.indicators}
    book = WorkbookRatings(
        source="ana.xlsx",
        respondent=RespondentInfo(name="Ana", email="ana@alder.example.org", role="finance"),
        ratings=ratings,
        answers={k: str(v) for k, v in ratings.items()},
        evidence={},
    )
    with transaction() as session:
        actor = resolve_actor(session, cast.alder_manager)
        team, _, _ = get_team(session, cast.alder, cast.cohort)
        result = assessments.score_run(session, team, assessments.parse_cycle("baseline"), RUBRIC, [ratings])
        assessments.record(session, actor, cast.alder, cast.cohort, "baseline", RUBRIC, [book], result)


def show(cast: Cast, capsys: pytest.CaptureFixture[str]) -> Outcome:
    args = ("assessment", "show", "--jurisdiction", cast.alder, "--cohort", cast.cohort)
    return run_cli(capsys, "--actor", cast.alder_exec, *args)


def steps_in(err: str) -> list[str]:
    """The step lines of a run's display, as mark and name ("✓ score"), without their seconds."""
    lines = (re.match(r"^([✓✗·]) (.+?)(?:\s+\d+\.\d s)?$", line.strip()) for line in err.splitlines())
    return [f"{m.group(1)} {m.group(2)}" for m in lines if m]


def row_of(out: str, label: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(f"│ {label}"))


def test_show_draws_a_bar_per_domain_beside_its_score(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    submit(cast)
    shown = show(cast, capsys)
    assert shown.code == 0, shown.err
    assert "0        50      100" in shown.out  # the chart's scale heads its column
    assert "100.0 │ " + "█" * 20 + " │" in row_of(shown.out, "Domain A")
    assert "0.0 │ " + " " * 20 + " │" in row_of(shown.out, "Domain B")
    assert "66.7 │ " + "█" * 13 + "▍" + " " * 6 + " │" in row_of(shown.out, "Domain C")
    overall = row_of(shown.out, "Overall")
    assert "41.7 │ " + "█" * 8 + "▍" in overall  # weights 1, 2, 1: (4 + 2 + 3) / 4 = 2.25 on the 1-4 scale


@given(st.floats(min_value=0, max_value=100))
def test_a_bar_is_twenty_cells_for_100_drawn_in_eighths(score: float) -> None:
    drawn = plain(bar(score))
    eighths = round(score * BAR_WIDTH * 8 / 100)
    assert drawn.count("█") == eighths // 8
    assert len(drawn) == -(-eighths // 8) <= BAR_WIDTH  # a partial cell only for a remainder
    assert set(drawn) <= set("█▏▎▍▌▋▊▉")


def test_a_missing_score_draws_no_bar() -> None:
    assert plain(bar(None)) == "" and plain(bar(0)) == "" and plain(bar(100)) == "█" * BAR_WIDTH


def test_the_display_marks_each_step_done_failed_or_waiting() -> None:
    from rich.console import Console

    display = StepDisplay("Scoring the workbooks", STEPS)
    for step in STEPS[:2]:
        display.tell(step, "running")
        display.tell(step, "completed")
    display.tell("score", "running")
    display.tell("score", "failed")
    console = Console(file=io.StringIO(), width=80, record=True)
    console.print(display)
    text = console.export_text()
    assert text.splitlines()[0] == "Scoring the workbooks (a Prefect flow)"
    assert steps_in(text) == [
        "✓ validate workbooks",
        "✓ aggregate ratings",
        "✗ score (failed)",
        "· persist",
        "· publish",
    ]


def test_a_step_that_runs_several_times_shows_the_time_of_all_its_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import accelerator.flowrun

    clock = iter([0.0, 1.0, 1.0, 3.5, 3.5, 4.0])  # render pdf 1 s, xlsx 2.5 s, html 0.5 s
    monkeypatch.setattr(accelerator.flowrun.time, "monotonic", lambda: next(clock))
    display = StepDisplay("Compiling the report", ["render"])
    for _ in range(3):
        display.tell("render", "running")
        display.tell("render", "completed")
    assert display.took == {"render": 4.0}


def test_a_log_gets_the_steps_of_a_run_that_succeeded_and_only_the_error_of_one_that_failed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import accelerator.flowrun

    # whether a Prefect server runs (and the tip to start one) is not this test's business
    monkeypatch.setattr(accelerator.flowrun, "temporary_server_note", lambda: None)

    def succeed(on_step: StepWatcher) -> str:
        for step in STEPS:
            on_step(step, "running")
            on_step(step, "completed")
        return "stored"

    def fail(on_step: StepWatcher) -> str:
        on_step(STEPS[0], "running")
        on_step(STEPS[0], "failed")
        raise RuntimeError("refused")

    capsys.readouterr()
    assert run_flow_steps(succeed, "Scoring the workbooks", STEPS) == "stored"
    assert steps_in(capsys.readouterr().err) == [f"✓ {step}" for step in STEPS]
    with pytest.raises(RuntimeError):
        run_flow_steps(fail, "Scoring the workbooks", STEPS)
    assert capsys.readouterr().err == ""  # the CLI's error message comes first, as before


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_assessment_run_ticks_off_each_step_of_the_flow(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = load_rubric()
    context = WorkbookContext(jurisdiction=cast.alder, cohort=cast.cohort, cycle="baseline")
    template = write_template(rubric, tmp_path / "template.xlsx", context)
    files = [
        str(
            fill_workbook(
                template,
                tmp_path / f"{name}.xlsx",
                RespondentInfo(name=name, email=f"{name}@alder.example.org", role="finance"),
                {i.id: level for i in rubric.indicators},
            )
        )
        for name, level in (("ana", 2), ("bo", 3))
    ]
    args = ("--jurisdiction", cast.alder, "--cohort", cast.cohort, "--cycle", "baseline", *files, "--json")
    ran = run_cli(capsys, "--actor", cast.alder_manager, "assessment", "run", *args)
    assert ran.code == 0, ran.err
    assert ran.json()["outcome"] == "created"  # stdout stays one JSON document
    assert steps_in(ran.err) == [f"✓ {step}" for step in STEPS]


def test_show_names_practices_and_domains_as_people_read_them(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    submit(cast)
    shown = show(cast, capsys)
    assert shown.code == 0, shown.err
    result = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "assessment",
        "show",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--json",
    ).json()
    flat = " ".join(plain(shown.out).split())
    titles = {d["id"]: d["title"] for d in result["domains"]}
    for gap in result["gaps"]:  # ids stay in --json; a person reads the practice and its domain
        indicator = next(i for i in result["indicators"] if i["id"] == gap)
        assert f"│ {indicator['text']} │ {titles[indicator['domain']]} │" in flat
