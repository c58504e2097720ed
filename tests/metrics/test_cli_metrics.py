"""The documented command forms of session 5: counties, the metric import, the crosswalk and the
equity profile, with --json and the exit codes of refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from assessment.core.db import transaction
from assessment.core.history import History
from tests.cli import run_cli
from tests.conftest import Cast
from tests.metrics.helpers import HPI_ROWS, counts, hpi_csv, write_csv


def test_counties_are_recorded_from_the_command_line(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    added = run_cli(
        capsys,
        "--actor",
        cast.admin,
        "jurisdiction",
        "add",
        "Cedar County",
        "--county-fips",
        "6073",
        "--county-fips",
        "06065",
        "--json",
    )
    assert added.code == 0, added.err
    assert (added.json()["name"], added.json()["county_fips"]) == ("Cedar County", ["06065", "06073"])

    updated = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "jurisdiction",
        "update",
        cast.alder,
        "--county-fips",
        "06037",
        "--note",
        "Alder is Los Angeles County",
        "--json",
    )
    assert updated.code == 0, updated.err
    assert updated.json() == {
        "jurisdiction": "Alder County",
        "county_fips": ["06037"],
        "previous": [],
        "changed": True,
    }
    again = run_cli(
        capsys, "--actor", cast.alder_manager, "jurisdiction", "update", cast.alder, "--county-fips", "6037"
    )
    assert again.code == 0 and "already covers county FIPS 06037" in again.out
    with transaction() as session:
        entry = session.exec(select(History).where(History.field == "county_fips", History.new == "06037")).one()
    assert (entry.actor, entry.note) == (cast.alder_manager, "Alder is Los Angeles County")

    wrong = run_cli(
        capsys, "--actor", cast.admin, "jurisdiction", "update", cast.alder, "--county-fips", "637", "--json"
    )
    assert wrong.code == 2
    refused = json.loads(wrong.err)
    assert refused["problems"] == [
        "county_fips: '637' has 3 digits; a county FIPS code has 5 (state 2, county 3), e.g. 06037. Give the "
        "county's 5-digit FIPS code: 2 digits of state, 3 of county (Los Angeles is 06037)."
    ]
    denied = run_cli(
        capsys, "--actor", cast.birch_manager, "jurisdiction", "update", cast.alder, "--county-fips", "06037"
    )
    assert denied.code == 3 and "may not record the counties of Alder County" in denied.err
    nothing = run_cli(capsys, "--actor", cast.admin, "jurisdiction", "update", cast.alder)
    assert nothing.code == 2 and "--county-fips" in nothing.err


def test_import_preview_import_and_profile_in_the_documented_forms(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hpi_csv(tmp_path)
    manager = ("--actor", cast.alder_manager)
    unrecorded = run_cli(capsys, *manager, "metrics", "import", "--jurisdiction", cast.alder, str(path), "--json")
    assert unrecorded.code == 2 and "--county-fips" in unrecorded.err
    run_cli(capsys, "--actor", cast.admin, "jurisdiction", "update", cast.alder, "--county-fips", "06037")

    command = ("metrics", "import", "--jurisdiction", cast.alder, str(path), "--vintage", "2010")
    before = counts()
    preview = run_cli(capsys, *manager, *command, "--dry-run", "--json")
    assert preview.code == 0, preview.err
    planned = preview.json()
    assert planned["dry_run"] is True and counts() == before
    assert [(m["metric"], m["added"], m["quartiles"]) for m in planned["metrics"]] == [
        ("hpi", 6, [2, 1, 1, 2]),
        ("economic", 6, [1, 1, 2, 2]),
    ]
    shown = run_cli(capsys, *manager, *command, "--dry-run")
    assert shown.code == 0 and "Would import" in shown.out and "Nothing was changed (dry run)" in shown.out

    done = run_cli(capsys, *manager, *command, "--json")
    assert done.code == 0 and done.json()["dry_run"] is False
    again = run_cli(capsys, *manager, *command)
    assert again.code == 0 and "Nothing to change: the file matches what is imported." in again.out

    listed = run_cli(capsys, "--actor", cast.alder_exec, "metrics", "list", "--jurisdiction", cast.alder, "--json")
    assert [(m["metric"], m["tracts"], m["vintage"]) for m in listed.json()] == [
        ("economic", 6, 2010),
        ("hpi", 6, 2010),
    ]

    profile = run_cli(
        capsys,
        "--actor",
        cast.alder_exec,
        "equity",
        "profile",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--metric",
        "hpi",
        "--json",
    )
    assert profile.code == 0, profile.err
    data = profile.json()
    assert (data["jurisdiction"], data["metric"], data["vintage"]) == ("Alder County", "hpi", 2010)
    assert data["quartiles"][0] == {
        "quartile": 1,
        "label": "least healthy community conditions",
        "tracts": 2,
        "dollars": None,
        "dollar_share": None,
        "contracts": None,
        "contract_share": None,
        "vendors": None,
        "vendor_share": None,
    }
    assert [q["tracts"] for q in data["quartiles"]] == [2, 1, 1, 2]
    assert data["unplaced"]["reasons"] == [] and data["spend_loaded"] is False
    text = run_cli(
        capsys, "--actor", cast.alder_exec, "equity", "profile", "--jurisdiction", cast.alder, "--cohort", cast.cohort
    )
    assert text.code == 0 and "Equity profile of Alder County: Healthy Places Index (2010 tracts)" in text.out
    assert "No spending is loaded yet" in text.err


def test_refusals_say_where_and_exit_with_their_codes(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(capsys, "--actor", cast.admin, "jurisdiction", "update", cast.alder, "--county-fips", "06037")
    rows = [list(r) for r in HPI_ROWS]
    rows[0][4] = 30  # on 0-100 among fractions
    rows[1][4] = 45
    bad = hpi_csv(tmp_path, "mixed.csv", rows)
    command = ("metrics", "import", "--jurisdiction", cast.alder, str(bad), "--vintage", "2010", "--json")
    before = counts()
    refused = run_cli(capsys, "--actor", cast.alder_manager, *command)
    assert refused.code == 2
    error = json.loads(refused.err)
    assert error["error"].startswith("mixed.csv was not imported")
    assert error["problems"][0].startswith("mixed.csv column hpi_pctile: mixes percentiles written as 0-1 fractions")

    good = ("metrics", "import", "--jurisdiction", cast.alder, str(hpi_csv(tmp_path)), "--vintage", "2010")
    for who in (cast.alder_exec, cast.birch_manager):
        denied = run_cli(capsys, "--actor", who, *good)
        assert denied.code == 3 and "may not import place metrics for Alder County" in denied.err
    vintage = run_cli(capsys, "--actor", cast.alder_manager, *good[:-1], "2015")
    assert vintage.code == 2 and "use 2010 or 2020" in vintage.err
    assert counts() == before

    crosswalk = write_csv(tmp_path / "zip.csv", ["ZIP", "TRACT", "RES_RATIO"], [["90001", "06037101110", "1"]])
    as_manager = run_cli(capsys, "--actor", cast.alder_manager, "metrics", "crosswalk", "import", str(crosswalk))
    assert as_manager.code == 3
    as_lead = run_cli(
        capsys, "--actor", cast.lead, "metrics", "crosswalk", "import", str(crosswalk), "--vintage", "2010", "--json"
    )
    assert as_lead.code == 0 and (as_lead.json()["added"], as_lead.json()["vintage"]) == (1, 2010)

    missing = run_cli(
        capsys, "--actor", cast.alder_exec, "equity", "profile", "--jurisdiction", cast.alder, "--cohort", cast.cohort
    )
    assert missing.code == 4 and "No hpi is imported for Alder County" in missing.err
