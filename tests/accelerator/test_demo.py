"""`make demo` as a newcomer runs it: the whole fictional cohort, in its own process, two teams
walked through their journey on a Prefect server the demo starts and stops."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

ACCELERATOR = str(Path(sys.executable).with_name("accelerator"))


def demo_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A newcomer's environment: no settings of the application's or a Prefect server's, and a data
    folder of the test's own (so no `accelerator server` of the developer's is found and used)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCELERATOR_", "PREFECT_API"))}
    return {**env, "ACCELERATOR_DATA_DIR": str(tmp_path / "data"), **extra}


def journey_states(out: Path) -> dict[str, str]:
    """The journeys' states as the demo's Prefect server keeps them (what its UI shows once started again)."""
    with sqlite3.connect(out / "prefect" / "prefect.db") as db:
        rows = db.execute(
            "SELECT flow_run.parameters, flow_run.state_name FROM flow_run JOIN flow ON flow.id = flow_run.flow_id "
            "WHERE flow.name = 'accelerator-journey'"
        ).fetchall()
    return {json.loads(parameters)["jurisdiction"]: state for parameters, state in rows}


@pytest.mark.slow
def test_the_demo_runs_end_to_end_says_where_its_files_are_and_what_it_made(tmp_path: Path) -> None:
    env = demo_env(tmp_path)
    out = tmp_path / "demo-output"
    done = subprocess.run(
        [ACCELERATOR, "demo", "--out", str(out)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    said = " ".join(done.stdout.split())
    for team in ("Alder County", "Juniper City", "Marigold County", "Tidewater City"):
        assert team in done.stdout
    assert "Where things are" in done.stdout and str(out / "roadmaps") in done.stdout
    assert "2026 Demo Cohort (fictional): the nine sessions" in done.stdout  # the cohort board
    assert "Alder County: next, run session 5" in said

    # a line per journey step: each question, the demo's answer, each session recorded
    walked = [line for line in done.stdout.splitlines() if line.startswith("Marigold County")]
    assert walked[0].startswith("Marigold County: journey started (run '")
    assert walked[0].endswith("served as wei.chen@marigold.example.org)")
    assert walked[1:5] == [
        "Marigold County, session 1: asks who attended; answered: all 3 members",
        "Marigold County, session 1: recorded",
        "Marigold County, session 2: asks for the filled workbooks; answered: the 3 filled baseline workbooks in "
        f"{out / 'workbooks'}",
        "Marigold County, session 2: recorded",
    ]
    assert "Marigold County, session 5: asks who attended; left for the team, the journey waits" in walked
    # where each journey is, at the end
    assert "Marigold County: the journey waits at session 5, where it asks who attended." in said
    assert (
        "Tidewater City: the journey waits at session 4, where it asks which barriers go into the action roadmap."
        in said
    )
    assert "Journeys (Prefect flow runs on the demo's own server, stopped)" in done.stdout
    assert journey_states(out) == {"Marigold County": "Suspended", "Tidewater City": "Suspended"}

    roadmaps = sorted(p.suffix for p in (out / "roadmaps").iterdir())
    assert roadmaps == [".html"] * 4 + [".pdf"] * 4 + [".xlsx"] * 4
    inventory = load_workbook(out / "barriers" / "alder-county-barriers.xlsx")["Barriers"]
    statuses = [row[12] for row in inventory.iter_rows(min_row=2, max_row=4, values_only=True)]
    assert statuses == ["In progress", "Action planned", "Analyzing"]  # each barrier moved along its lifecycle
    suggested = done.stdout.split("try:", 1)[1].splitlines()[0].replace(".venv/bin/accelerator", ACCELERATOR)
    tried = subprocess.run(
        ["bash", "-c", suggested], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert tried.returncode == 0, tried.stderr  # the command the demo suggests runs as printed
    assert "Alder County" in tried.stdout

    # what it made, as the JSON document it writes (and prints with --json)
    assert f"all of it:  {out / 'demo.json'}" in done.stdout
    made = json.loads((out / "demo.json").read_text(encoding="utf-8"))
    # the web app's sign-in: said, and the demo's people hold that password (in the demo's database only)
    web = made["web"]
    assert "accelerator web" in done.stdout and f"password {web['password']}" in done.stdout
    from assessment.cohorts.passwords import verify_password

    with sqlite3.connect(out / "accelerator.db") as db:
        hashes = dict(db.execute("SELECT email, password_hash FROM person WHERE password_hash IS NOT NULL"))
    assert set(hashes) == {user["email"] for user in web["users"]} and len(hashes) == 4  # Alder's 3, the lead
    assert all(verify_password(web["password"], stored) for stored in hashes.values())
    # sessions 5 and 6: each team's dollars by the quartile of its vendors' tracts, what is not placed counted
    assert "where contract dollars land" in done.stdout
    profiles = {p["jurisdiction"]: p for p in made["profiles"]}
    assert list(profiles) == ["Alder County", "Juniper City", "Marigold County", "Tidewater City"]
    for profile in profiles.values():
        assert sum(profile["dollar_shares"]) + profile["unplaced_share"] == pytest.approx(1, abs=0.001)
        assert profile["unplaced_share"] > 0  # the contracts that name only an unknown ZIP code
        assert profile["cbo_dollar_share"].endswith("%")
    assert made["database"] == str(out / "accelerator.db")
    scored = [(a["jurisdiction"], a["cycle"]) for a in made["assessments"]]
    assert scored == [
        ("Alder County", "baseline"),
        ("Juniper City", "baseline"),
        ("Marigold County", "baseline"),  # scored by its journey, from the workbooks it was given
        ("Tidewater City", "baseline"),
        ("Alder County", "midpoint"),
        ("Juniper City", "midpoint"),
    ]
    assert sorted(Path(f).suffix for f in made["roadmap_files"]) == [".html"] * 4 + [".pdf"] * 4 + [".xlsx"] * 4

    journeys = {j["jurisdiction"]: j for j in made["journeys"]}
    assert [(j["state"], j["recorded"], j["session"], j["waiting_for"]) for j in journeys.values()] == [
        ("Suspended", [1, 2, 3, 4], 5, "who attended"),
        ("Suspended", [1, 2, 3], 4, "which barriers go into the action roadmap"),
    ]
    marigold = [(s["session"], s["asked"], s["answered"]) for s in journeys["Marigold County"]["steps"]]
    assert [(number, asked) for number, asked, _ in marigold] == [
        (1, "who attended"),
        (2, "for the filled workbooks"),
        (4, "which barriers go into the action roadmap"),
        (5, "who attended"),
    ]
    assert marigold[2][2].startswith("barriers ") and marigold[3][2] is None  # session 5's is left to the team

    board = {t["jurisdiction"]: [s["state"] for s in t["sessions"]] for t in made["board"]["teams"]}
    assert list(board) == ["Alder County", "Juniper City", "Marigold County", "Tidewater City"]
    for team in ("Alder County", "Juniper City", "Marigold County"):  # sessions 1-4 held, one by one or by journey
        assert board[team][:4] == ["done"] * 4
    assert board["Tidewater City"][:4] == ["done", "done", "done", "ready"]  # its journey waits before session 4
    for team in made["board"]["teams"]:  # session 9 waits for the final assessment
        assert team["sessions"][8]["state"] == "blocked"
        assert "final self-assessment is not scored" in team["sessions"][8]["reasons"][0]

    # sessions 8 and 9: the recommendation, the partner survey, the reports
    assert_sessions_8_and_9(out, done.stdout, made)


TEAMS = ("Alder County", "Juniper City", "Marigold County", "Tidewater City")
REGIONAL = "2026-demo-cohort-fictional-regional-report"


def pdf_text(path: Path) -> str:
    """A PDF's text as a reader would copy it, every run of spaces and line breaks one space."""
    done = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(done.stdout.split())


def assert_sessions_8_and_9(out: Path, stdout: str, made: dict[str, Any]) -> None:
    said = " ".join(stdout.split())
    # session 8: drafted from the ranking's state-controlled row, which 3 of the 4 teams report
    # (Marigold County from session 2, Alder County and Juniper City once they saw it ranked)
    recommendation = made["recommendation"]
    assert recommendation["level"] == "State"
    assert recommendation["evidence"].startswith(
        "Reported by 3 of 4 jurisdictions (budget and cost rules, contracting)"
    )
    assert recommendation["endorsed_by"] == ["Alder County", "Juniper City", "Marigold County"]
    assert "endorsed by Alder County, Juniper City, Marigold County" in said

    # the survey: 30 partners answered (a 31st row names someone but answers nothing); 5 of them left a
    # statement blank, so those statements count 29 answers; Tidewater City's 3 partners are too few
    survey = made["survey"]
    assert (survey["respondents"], survey["skipped"], survey["minimum"]) == (30, 1, 5)
    answered = [int(line["overall"].rsplit(" of ", 1)[1].rstrip(")")) for line in survey["lines"]]
    assert answered == [30, 30, 30, 29, 29, 30, 29, 30, 30, 30, 29, 30, 30, 29]
    for line in survey["lines"]:
        assert line["jurisdictions"]["Tidewater City"] == "too few responses"
        for team in ("Alder County", "Juniper City", "Marigold County"):
            assert line["jurisdictions"][team] != "too few responses"
    assert "Partner survey: 30 partners answered" in said
    assert (out / "survey" / "partner-survey-form.xlsx").is_file()

    # every report in all three formats, and listed in demo.json with its files
    stems = [f"{team.lower().replace(' ', '-')}-impact-report" for team in TEAMS]
    stems += [REGIONAL, f"{REGIONAL}-anonymized"]
    assert sorted(p.name for p in (out / "reports").iterdir()) == sorted(
        f"{stem}{suffix}" for stem in stems for suffix in (".pdf", ".xlsx", ".html")
    )
    listed = [(r["what"], r["jurisdiction"], r["anonymized"]) for r in made["reports"]]
    assert listed == [
        *[(f"{team}: impact report", team, False) for team in TEAMS],
        ("Regional report", None, False),
        ("Regional report, anonymized", None, True),
    ]
    for report in made["reports"]:
        assert sorted(Path(f).suffix for f in report["files"]) == [".html", ".pdf", ".xlsx"]
        assert all(Path(f).is_file() for f in report["files"])
    assert "Impact reports (session 9)" in stdout
    assert "The regional report names Alder County and Marigold County only" in said
    assert f"reports:    {out / 'reports'}" in stdout

    # named: only the two teams that opted in; anonymized: no team at all, each a letter
    assert made["named_in_regional"] == ["Alder County", "Marigold County"]
    named = pdf_text(out / "reports" / f"{REGIONAL}.pdf")
    assert "Endorsed by 3 of 4 jurisdictions: Alder County, Marigold County, and 1 other jurisdiction." in named
    assert "Juniper" not in named and "Tidewater" not in named
    anonymized = pdf_text(out / "reports" / f"{REGIONAL}-anonymized.pdf")
    for word in ("Alder", "Juniper", "Marigold", "Tidewater"):
        assert word not in anonymized
    # the labels are drawn at random: three of the four, in label order
    endorsed = re.search(
        r"Endorsed by 3 of 4 jurisdictions: Jurisdiction (\w), Jurisdiction (\w), Jurisdiction (\w)\.", anonymized
    )
    assert endorsed is not None
    letters = list(endorsed.groups())
    assert letters == sorted(set(letters)) and set(letters) <= set("ABCD")

    # a team's report: its partner's words in Vietnamese, and this year's spending against the baseline's
    alder = pdf_text(out / "reports" / "alder-county-impact-report.pdf")
    assert "Chúng tôi nhận được khoản tạm ứng đầu tiên sau hai tuần, không phải ba tháng." in alder
    assert "No final assessment yet: scores compare baseline with midpoint." in alder
    assert "Contract spending in 2026 compared with the team's impact-spending baseline (2025" in alder


def test_a_prefect_server_that_cannot_start_is_said_in_one_sentence(tmp_path: Path) -> None:
    env = demo_env(tmp_path, PREFECT_SERVER_DATABASE_CONNECTION_URL="nowhere://prefect")
    out = tmp_path / "demo-output"
    done = subprocess.run(
        [ACCELERATOR, "demo", "--out", str(out)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    log = out / "prefect" / "server.log"
    assert done.stderr.strip().splitlines() == [
        f"Error: The demo's Prefect server stopped as it started; its log says why ({log})."
    ]
    assert "nowhere" in log.read_text()
