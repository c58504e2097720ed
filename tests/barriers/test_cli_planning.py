"""The documented command forms for barriers, goals, community input and engagement."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli import run_cli
from tests.conftest import Cast


def test_barrier_add_update_history_in_the_documented_forms(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    added = run_cli(
        capsys,
        "--actor",
        cast.alder_officer,
        "barrier",
        "add",
        "--jurisdiction",
        cast.alder,
        "--title",
        "Reimbursement-only funding",
        "--category",
        "payment_cash_flow",
        "--stage",
        "invoicing_payment",
        "--severity",
        "4",
        "--description",
        "CBOs front 90 days of costs",
        "--json",
    )
    assert added.code == 0, added.err
    barrier = added.json()
    assert (barrier["status"], barrier["version"]) == ("identified", 1)
    ident = str(barrier["id"])

    moved = run_cli(
        capsys,
        "--actor",
        cast.alder_officer,
        "barrier",
        "update",
        ident,
        "--status",
        "analyzing",
        "--note",
        "Finance is pulling invoice data",
        "--expected-version",
        "1",
        "--json",
    )
    assert moved.code == 0, moved.err
    assert (moved.json()["status"], moved.json()["version"]) == ("analyzing", 2)

    stale = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "barrier",
        "update",
        ident,
        "--status",
        "action_planned",
        "--expected-version",
        "1",
    )
    assert stale.code == 5 and cast.alder_officer in stale.err

    skipped = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "update", ident, "--status", "resolved")
    assert skipped.code == 2 and "can move to: action planned, deferred, not pursued" in skipped.err

    other = run_cli(
        capsys, "--actor", cast.birch_officer, "barrier", "update", ident, "--status", "deferred", "--note", "x"
    )
    assert other.code == 3 and "procurement officer of Alder County" in other.err

    history = run_cli(capsys, "--actor", cast.alder_exec, "barrier", "history", ident, "--json").json()
    status_changes = [
        (e["field"], e["old"], e["new"], e["actor"], e["note"]) for e in history if e["field"] == "status"
    ]
    assert status_changes == [
        ("status", "identified", "analyzing", cast.alder_officer, "Finance is pulling invoice data")
    ]
    assert all({"actor", "at", "field", "old", "new", "note"} <= set(e) for e in history)

    listing = run_cli(capsys, "--actor", cast.lead, "barrier", "list", "--jurisdiction", cast.alder)
    assert "Reimbursement-only funding" in listing.out and "Analyzing" in listing.out


def test_goal_add_in_the_documented_form_with_milestones(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    ident = run_cli(
        capsys,
        "--actor",
        cast.alder_officer,
        "barrier",
        "add",
        "--jurisdiction",
        cast.alder,
        "--title",
        "Late payment",
        "--category",
        "payment_cash_flow",
        "--stage",
        "invoicing_payment",
        "--json",
    ).json()["id"]
    due = (date.today() + timedelta(days=200)).isoformat()
    added = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "goal",
        "add",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--statement",
        "Pay CBOs within 30 days",
        "--barrier",
        str(ident),
        "--due",
        due,
        "--json",
    )
    assert added.code == 0, added.err
    goal = added.json()
    assert goal["barriers"] == [ident] and goal["owner"] == cast.alder_manager and goal["due"] == due
    assert "no measure, baseline, target yet" in goal["warnings"][0]

    far = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "goal",
        "add",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--statement",
        "Advance payments for small awards",
        "--barrier",
        str(ident),
        "--due",
        (date.today() + timedelta(days=500)).isoformat(),
        "--measure",
        "Awards with advance",
        "--baseline",
        "0",
        "--target",
        "10",
    )
    assert far.code == 0 and "more than 12 months" in far.err

    goal_id = str(goal["id"])
    milestone = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "goal",
        "milestone",
        "add",
        goal_id,
        "--title",
        "Prompt-payment policy drafted",
        "--due",
        due,
        "--json",
    ).json()
    done = run_cli(capsys, "--actor", cast.alder_officer, "goal", "milestone", "done", str(milestone["id"]))
    assert done.code == 0, done.err
    updated = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "goal",
        "update",
        goal_id,
        "--status",
        "on_track",
        "--measure",
        "Median days to pay",
        "--baseline",
        "62",
        "--target",
        "30",
        "--json",
    )
    assert updated.code == 0, updated.err
    typo = run_cli(
        capsys, "--actor", cast.alder_manager, "goal", "update", goal_id, "--value", "46", "--as-of", "May 3"
    )
    assert typo.code == 2 and "'May 3' is not a date" in typo.err and "--as-of" in typo.err
    measured = run_cli(
        capsys, "--actor", cast.alder_manager, "goal", "update", goal_id, "--value", "46", "--json"
    ).json()
    assert measured["status"] == "on_track" and measured["milestone_share"] == 1.0
    assert measured["measure_share"] == 0.5 and measured["latest_value"] == "46"
    listing = run_cli(
        capsys, "--actor", cast.alder_exec, "goal", "list", "--jurisdiction", cast.alder, "--cohort", cast.cohort
    )
    assert "Pay CBOs within 30 days" in listing.out and "50% of the way" in listing.out


def test_community_input_and_engagement(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    ident = run_cli(
        capsys,
        "--actor",
        cast.alder_officer,
        "barrier",
        "add",
        "--jurisdiction",
        cast.alder,
        "--title",
        "Insurance minimums",
        "--category",
        "insurance_bonding",
        "--stage",
        "contracting",
        "--json",
    ).json()["id"]
    recorded = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "community",
        "add-input",
        "--jurisdiction",
        cast.alder,
        "--source",
        "listening_session",
        "--date",
        "2026-05-12",
        "--participants",
        "23",
        "--organization",
        "Casa Comunidad",
        "--theme",
        "insurance costs",
        "--quote",
        "We spent our first grant on insurance.",
        "--barrier",
        str(ident),
        "--json",
    )
    assert recorded.code == 0, recorded.err
    assert recorded.json()["barriers"] == [ident]
    engaged = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "community",
        "set-engagement",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--current",
        "2",
        "--aspirational",
        "Collaborate",
        "--evidence",
        "We survey CBOs yearly",
    )
    assert engaged.code == 0, engaged.err
    assert "2 Consult now, aiming for 4 Collaborate" in engaged.out
    lower = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "community",
        "set-engagement",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--current",
        "4",
        "--aspirational",
        "1",
    )
    assert lower.code == 2


def add_barrier_as(capsys: pytest.CaptureFixture[str], who: str, place: str, title: str, owner: str) -> str:
    added = run_cli(
        capsys,
        "--actor",
        who,
        "barrier",
        "add",
        "--jurisdiction",
        place,
        "--title",
        title,
        "--category",
        "insurance_bonding",
        "--stage",
        "contracting",
        "--owner",
        owner,
        "--json",
    )
    assert added.code == 0, added.err
    return str(added.json()["id"])


def test_a_mistaken_not_pursued_is_corrected_by_the_program_manager_with_a_reason(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    ident = add_barrier_as(capsys, cast.alder_officer, cast.alder, "Insurance minimums", cast.alder_officer)
    dropped = run_cli(
        capsys,
        "--actor",
        cast.alder_officer,
        "barrier",
        "update",
        ident,
        "--status",
        "not pursued",
        "--note",
        "Out of scope",
    )
    assert dropped.code == 0, dropped.err
    final = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "update", ident, "--status", "analyzing")
    assert final.code == 2 and "is closed and cannot move" in final.err  # ordinary moves keep it final
    officer = run_cli(
        capsys,
        "--actor",
        cast.alder_officer,
        "barrier",
        "update",
        ident,
        "--status",
        "analyzing",
        "--correct",
        "--note",
        "Set by mistake",
    )
    assert officer.code == 3
    assert "Only an equity program manager of Alder County or an admin may" in officer.err
    no_reason = run_cli(
        capsys, "--actor", cast.alder_manager, "barrier", "update", ident, "--status", "analyzing", "--correct"
    )
    assert no_reason.code == 2 and "a correction needs a reason" in no_reason.err
    fixed = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "barrier",
        "update",
        ident,
        "--status",
        "analyzing",
        "--correct",
        "--note",
        "Set by mistake at the meeting",
        "--json",
    )
    assert fixed.code == 0, fixed.err
    assert (fixed.json()["status"], fixed.json()["version"]) == ("analyzing", 3)
    history = run_cli(capsys, "--actor", cast.alder_manager, "barrier", "history", ident, "--json").json()
    assert [(h["field"], h["old"], h["new"], h["actor"]) for h in history[1:]] == [
        ("status", "identified", "not_pursued", cast.alder_officer),
        ("status", "not_pursued", "analyzing", cast.alder_manager),
    ]
    assert history[-1]["note"] == "Set by mistake at the meeting (a correction)"
    shown = run_cli(capsys, "--actor", cast.alder_manager, "barrier", "history", ident)
    assert "Not pursued" in shown.out and "not_pursued" not in shown.out  # people read labels


def test_an_alliance_leads_list_names_each_barriers_jurisdiction_and_cuts_nothing(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "Reimbursement-only funding makes community organizations front ninety days of costs"
    add_barrier_as(capsys, cast.alder_officer, cast.alder, title, cast.alder_officer)
    add_barrier_as(capsys, cast.birch_officer, cast.birch, "Insurance minimums", cast.birch_officer)
    listed = run_cli(capsys, "--actor", cast.lead, "barrier", "list")
    assert listed.code == 0, listed.err
    assert "…" not in listed.out
    rows = table_rows(listed.out)
    assert [(r["Jurisdiction"], r["Owner"]) for r in rows] == [
        (cast.alder, cast.alder_officer),
        (cast.birch, cast.birch_officer),
    ]
    assert " ".join(rows[0]["Title"].split()).replace("- ", "-") == title  # wrapped, at a hyphen at most


def table_rows(printed: str) -> list[dict[str, str]]:
    """A rich table's rows as people read them: each cell's wrapped or folded lines put together."""
    header = next(line for line in printed.splitlines() if line.count("┃") > 2)
    body = [line.split("│")[1:-1] for line in printed.splitlines() if line.count("│") > 2]
    names = [cell.strip() for cell in header.split("┃")[1:-1]]
    rows: list[dict[str, list[str]]] = []
    for cells in body:
        if cells[0].strip():
            rows.append({name: [] for name in names})
        for name, cell in zip(names, cells, strict=True):
            if cell.strip():
                rows[-1][name].append(cell.strip())
    return [{name: ("" if name in ("Owner",) else " ").join(parts) for name, parts in row.items()} for row in rows]


def test_every_date_option_reads_dates_the_same_way(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    ident = add_barrier_as(capsys, cast.alder_officer, cast.alder, "Insurance minimums", cast.alder_officer)
    goal = [
        "goal",
        "add",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--statement",
        "Pay in 30 days",
        "--barrier",
        ident,
    ]
    for command in (
        [*goal, "--due", "3/1/2027"],
        ["goal", "milestone", "add", "1", "--title", "Draft", "--due", "3/1/2027"],
        ["goal", "update", "1", "--due", "3/1/2027"],
        ["cohort", "create", "Later", "--start", "3/1/2027"],
        ["community", "add-input", "--jurisdiction", cast.alder, "--source", "cbo survey", "--date", "3/1/2027"],
    ):
        refused = run_cli(capsys, "--actor", cast.alder_manager, *command)
        assert refused.code == 2, command
        assert "'3/1/2027' is not a date; write it as YYYY-MM-DD" in refused.err, command
        assert "Input should be" not in refused.err and "held_on" not in refused.err


def test_a_refused_sheet_names_its_columns_as_the_sheet_does(
    cast: Cast, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    add_barrier_as(capsys, cast.alder_officer, cast.alder, "Insurance minimums", cast.alder_officer)
    sheet = tmp_path / "alder.xlsx"
    run_cli(
        capsys, "--actor", cast.alder_officer, "barrier", "export", "--jurisdiction", cast.alder, "--out", str(sheet)
    )
    book = load_workbook(sheet)
    rows = book["Barriers"]
    headers = [cell.value for cell in rows[1]]
    rows.cell(row=2, column=headers.index("Severity (1-5)") + 1, value=9)
    rows.cell(row=3, column=headers.index("Description") + 1, value="CBOs wait 90 days")
    book.save(sheet)
    refused = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "import", str(sheet), "--dry-run")
    assert refused.code == 2
    problems = [line.strip() for line in refused.err.splitlines() if line.strip().startswith("- ")]
    assert problems == [
        "- alder.xlsx row 2, column Severity (1-5): 9 is not a severity; "
        "use a whole number from 1 (minor) to 5 (severe)",
        "- alder.xlsx row 3, column Title: is empty; a new barrier needs it",
        "- alder.xlsx row 3, column Category: is empty; a new barrier needs it",
        "- alder.xlsx row 3, column Process stage: is empty; a new barrier needs it",
    ]
