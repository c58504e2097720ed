"""The README's tour runs as written, in order, on a fresh database, as a newcomer types it."""

from __future__ import annotations

import os
import re
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


def test_the_tour_has_the_commands_it_promises() -> None:
    commands = tour_commands()
    assert commands[0].startswith("accelerator init")
    assert any(" assessment run " in c for c in commands) and any(" roadmap build " in c for c in commands)


@pytest.mark.slow
def test_every_command_of_the_tour_runs_as_written(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCELERATOR_", "PREFECT_API"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        ACCELERATOR_DATABASE_URL=f"sqlite:///{tmp_path / 'tour.db'}",
        ACCELERATOR_CONFIG_DIR=str(tmp_path / "config"),
        ACCELERATOR_DATA_DIR=str(tmp_path / "data"),
    )
    for command in tour_commands():
        if ("hpi.csv" in command or "spending.csv" in command) and not (tmp_path / "hpi.csv").exists():
            write_data_files(tmp_path)
        if "filled/" in command and not (tmp_path / "filled").exists():
            (tmp_path / "filled").mkdir()
            fill_workbooks(tmp_path / "alder-baseline.xlsx", tmp_path / "filled")
        done = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, command
    assert sorted(p.suffix for p in (tmp_path / "roadmaps").iterdir()) == [".html", ".pdf", ".xlsx"]
