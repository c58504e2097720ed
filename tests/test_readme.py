"""The README's tour runs as written, in order, on a fresh database, as a newcomer types it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def tour_commands() -> list[str]:
    """Every command line of the tour's code blocks, continuation lines joined, comments kept out."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = readme.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```\n(.*?)```", tour, flags=re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = re.sub(r"\s+#\s.*$", "", line).strip()
            if line.startswith("accelerator "):
                commands.append(line)
    return commands


def fill_workbooks(template: Path, folder: Path) -> None:
    """What the team does between handing out the workbook and the run: three people fill it."""
    from assessment.selfassessment.rubric import load_rubric
    from assessment.selfassessment.shapes import RespondentInfo
    from assessment.selfassessment.template import fill_workbook

    ids = [i.id for i in load_rubric().indicators]
    for number, name in enumerate(("Hồng", "Pat", "Dana"), start=1):
        answers: dict[str, int | str | None] = {i: (n + number) % 4 + 1 for n, i in enumerate(ids)}
        fill_workbook(
            template,
            folder / f"{name.lower()}.xlsx",
            RespondentInfo(name=name, email=f"{name.lower()}@alder.example.org"),
            answers,
        )


def write_data_files(folder: Path) -> None:
    """The files a team brings to sessions 5 and 6: the Healthy Places Index of its tracts, and its
    contracts and payments, both as they are published or exported."""
    from tests.metrics.helpers import HPI_HEADER, HPI_ROWS
    from tests.metrics.helpers import write_csv as write_metrics
    from tests.spending.helpers import row
    from tests.spending.helpers import write_csv as write_spending

    write_metrics(folder / "hpi.csv", HPI_HEADER, HPI_ROWS)
    write_spending(
        folder / "alder-spending.csv",
        [
            row(contract_id="PO-1", vendor="Healthy Roots Collective", tract="06037101110", zip=""),
            row(
                contract_id="PO-2",
                vendor="Bright Consulting",
                contract_amount=40000,
                payment_amount=40000,
                cbo="no",
                small="no",
                tract="06037101400",
                zip="",
            ),
        ],
    )


# The partners who answered the survey, as the alliance lead types them: initials, an organization when
# given, and the jurisdiction picked from the form's list.
PARTNERS = [
    ("M.G.", "Familias Unidas", "Alder County"),
    ("T.N.", "Healthy Roots Collective", "Alder County"),
    ("R.K.", None, "Alder County"),
    ("J.A.", "Alder Youth Alliance", "Alder County"),
    ("S.P.", None, "Alder County"),
    ("L.W.", "Eastside Promotoras", "Alder County"),
    ("D.C.", "Juniper Food Bank", "Juniper City"),
    ("H.L.", None, "Juniper City"),
    ("B.O.", "Mujeres Adelante", "Juniper City"),
    ("K.V.", None, "Juniper City"),
    ("E.Y.", "Harbor Health Workers", "Juniper City"),
]


def fill_survey(form: Path) -> None:
    """What the alliance lead does between writing the survey form and importing it: a row per partner
    who answered, each answer picked from its drop-down (one left blank), saved over the same file."""
    from tests.survey.helpers import IDS, LABELS, Row, fill

    rows = []
    for number, (initials, organization, jurisdiction) in enumerate(PARTNERS):
        # Neither agree nor disagree, Agree or Strongly agree, in turn across statements and partners.
        answers: dict[str, object] = {ident: LABELS[(number + n) % 3 + 2] for n, ident in enumerate(IDS)}
        if initials == "R.K.":
            del answers["trust"]  # skipped that statement
        rows.append(Row(initials, answers, jurisdiction, organization))
    fill(form, form, rows)


def test_the_tour_has_the_commands_it_promises() -> None:
    commands = tour_commands()
    assert commands[0].startswith("accelerator init")
    assert any(" assessment run " in c for c in commands) and any(" roadmap build " in c for c in commands)
    for words in (" barrier rank ", " recommendation draft ", " survey import ", " report regional "):
        assert any(words in c for c in commands), words
    assert any(" session run 8 " in c for c in commands)
    # the local Prefect server comes before the first flow command: none waits for a temporary one
    first_flow = min(i for i, c in enumerate(commands) if " assessment run " in c)
    assert commands.index("accelerator server start") < first_flow


@pytest.mark.slow
def test_every_command_of_the_tour_runs_as_written(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCELERATOR_", "PREFECT_API"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        ACCELERATOR_DATABASE_URL=f"sqlite:///{tmp_path / 'tour.db'}",
        ACCELERATOR_CONFIG_DIR=str(tmp_path / "config"),
        ACCELERATOR_DATA_DIR=str(tmp_path / "data"),
    )
    printed: dict[str, str] = {}  # each command's output, its lines joined as a reader takes them in
    try:
        run_the_tour(tmp_path, env, printed)
    finally:  # the tour leaves its Prefect server running, for the reader to browse
        subprocess.run(["accelerator", "server", "stop"], cwd=tmp_path, env=env, capture_output=True, timeout=60)
    assert sorted(p.suffix for p in (tmp_path / "roadmaps").iterdir()) == [".html", ".pdf", ".xlsx"]
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "2026-southern-california-regional-report-anonymized.html",
        "2026-southern-california-regional-report-anonymized.pdf",
        "2026-southern-california-regional-report-anonymized.xlsx",
        "alder-county-impact-report.html",
        "alder-county-impact-report.pdf",
        "alder-county-impact-report.xlsx",
    ]
    sessions_8_and_9_say_what_they_did(printed, tmp_path / "reports")


def run_the_tour(tmp_path: Path, env: dict[str, str], printed: dict[str, str]) -> None:
    """Every tour command in order, the files a user brings made just before the command that reads them."""
    for command in tour_commands():
        if ("hpi.csv" in command or "spending.csv" in command) and not (tmp_path / "hpi.csv").exists():
            write_data_files(tmp_path)
        if "filled/" in command and not (tmp_path / "filled").exists():
            (tmp_path / "filled").mkdir()
            fill_workbooks(tmp_path / "alder-baseline.xlsx", tmp_path / "filled")
        if " survey import " in command:
            fill_survey(tmp_path / "partner-survey.xlsx")
        done = subprocess.run(
            ["bash", "-c", on_a_free_port(command)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, command
        assert "temporary" not in done.stderr, command  # every flow ran on the server the tour started
        printed[command] = " ".join(done.stdout.split())


def on_a_free_port(command: str) -> str:
    """The tour's `server start` on a port nothing else here listens on (a developer's own Prefect
    server may hold the default one)."""
    if command != "accelerator server start":
        return command
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"{command} --port {probe.getsockname()[1]}"


def output_of(printed: dict[str, str], words: str) -> str:
    """What the one tour command containing ``words`` printed."""
    [said] = [out for command, out in printed.items() if words in command]
    return said


def sessions_8_and_9_say_what_they_did(printed: dict[str, str], reports: Path) -> None:
    """The figures the tour's sessions 8 and 9 commands show, worked out by hand from the tour's data."""
    # Alder's reimbursement barrier (severity 5) and Juniper's state-controlled one (severity 4),
    # both payment and cash flow at invoicing and payment: one row, reported by both, mean 4.5
    ranking = output_of(printed, " barrier rank ")
    assert "2 of 2 jurisdictions have recorded barriers" in ranking
    assert "1. payment_cash_flow/invoicing_payment" in ranking  # the key the draft's --from-ranking names
    drafted = output_of(printed, " recommendation draft ")
    assert "Recommendation 1 (version 1, Draft): Advance payments for community groups" in drafted
    assert "Reported by 2 of 2 jurisdictions (payment and cash flow, invoicing and payment): mean severity 4.5" in (
        drafted
    )
    assert "Alder County endorses recommendation 1" in output_of(printed, " recommendation endorse ")
    session_8 = output_of(printed, " session run 8 ")
    assert "✓ 2 of the cohort's 2 jurisdictions have recorded barriers" in session_8
    assert '✓ Alder County endorses recommendation 1 ("Advance payments for community groups")' in session_8
    assert "✗" not in session_8

    # 11 partners x 14 statements, one left blank
    assert "11 respondent(s), 153 answer(s)" in output_of(printed, " survey import ")
    # Trust is the 14th statement: partner k answered Neither agree nor disagree when (k + 13) % 3 == 0,
    # that is partners 2, 5 and 8; partner 2 (R.K., Alder) left it blank. Overall 10 answered, 8 agree;
    # Alder (partners 0-5) 5 answered, 4 agree. Alder's program manager sees no other jurisdiction.
    results = output_of(printed, " survey results ")
    assert re.findall(r"trust each other\. │ (\d+) │ (\S+) │", results) == [("10", "80%"), ("5", "80%")]
    assert "Alder County" in results and "Juniper City" not in results

    regional = (reports / "2026-southern-california-regional-report-anonymized.html").read_text(encoding="utf-8")
    # two jurisdictions: labelled, and no share by jurisdiction (each would know the other's)
    assert "Shares by jurisdiction are not shown" in regional
    assert "Alder County" not in regional and "Juniper City" not in regional
    impact = (reports / "alder-county-impact-report.html").read_text(encoding="utf-8")
    assert "For the first time, the county asked us before it changed the rules." in impact
