"""`make demo` as a newcomer runs it: the whole fictional cohort, in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

ACCELERATOR = str(Path(sys.executable).with_name("accelerator"))


@pytest.mark.slow
def test_the_demo_runs_end_to_end_and_says_where_its_files_are(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCELERATOR_", "PREFECT_API"))}
    out = tmp_path / "demo-output"
    done = subprocess.run(
        [ACCELERATOR, "demo", "--out", str(out)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    for team in ("Alder County", "Juniper City", "Marigold County", "Tidewater City"):
        assert team in done.stdout
    assert "Where things are" in done.stdout and str(out / "roadmaps") in done.stdout
    assert "2026 Demo Cohort (fictional): the nine sessions" in done.stdout  # the cohort board
    assert "Alder County: next, run session 5" in " ".join(done.stdout.split())
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


@pytest.mark.slow
def test_the_demo_with_json_prints_one_document_of_what_it_made(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCELERATOR_", "PREFECT_API"))}
    out = tmp_path / "demo-output"
    done = subprocess.run(
        [ACCELERATOR, "demo", "--out", str(out), "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert made["database"] == str(out / "accelerator.db") and len(made["assessments"]) == 6
    assert sorted(Path(f).suffix for f in made["roadmap_files"]) == [".html"] * 4 + [".pdf"] * 4 + [".xlsx"] * 4
    board = made["board"]["teams"]
    assert [t["jurisdiction"] for t in board] == ["Alder County", "Juniper City", "Marigold County", "Tidewater City"]
    for team in board:  # every demo team held sessions 1-4; session 9 waits for the final assessment
        assert [s["state"] for s in team["sessions"]][:4] == ["done"] * 4
        assert team["sessions"][8]["state"] == "blocked"
        assert "final self-assessment is not scored" in team["sessions"][8]["reasons"][0]
