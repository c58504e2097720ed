"""The equity profile with the jurisdiction's imported spending placed in it (sessions 5 and 6
together), as the commands give it: dollars, contracts and vendors by the quartile of the tract
each contract names; what names no known place is counted as such, never guessed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.cli import run_cli
from tests.conftest import Cast
from tests.metrics.helpers import hpi_csv, record_counties
from tests.spending.helpers import row, write_csv


def test_contract_dollars_land_in_the_quartile_of_their_tract(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record_counties(cast)
    metrics = run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "metrics",
        "import",
        "--jurisdiction",
        cast.alder,
        str(hpi_csv(tmp_path)),
        "--vintage",
        "2020",
    )
    assert metrics.code == 0, metrics.err
    spend = write_csv(
        tmp_path / "spend.csv",
        [
            # two contracts in a least-healthy tract (quartile 1), one vendor
            row(
                contract_id="A-1",
                vendor="Healthy Roots",
                contract_amount=10000,
                payment_amount=10000,
                tract="06037101110",
                zip="",
            ),
            row(
                contract_id="A-2",
                vendor="Healthy Roots",
                contract_amount=5000,
                payment_amount=5000,
                tract="06037101120",
                zip="",
            ),
            # one in a healthiest tract (quartile 4)
            row(
                contract_id="B-1",
                vendor="Bright Consulting",
                contract_amount=30000,
                payment_amount=30000,
                tract="06037101400",
                zip="",
                cbo="no",
            ),
            # a ZIP code with no crosswalk imported: not placed, never guessed
            row(
                contract_id="C-1",
                vendor="Somewhere LLC",
                contract_amount=5000,
                payment_amount=5000,
                zip="90001",
                cbo="no",
            ),
        ],
    )
    imported = run_cli(
        capsys, "--actor", cast.alder_officer, "spend", "import", "--jurisdiction", cast.alder, str(spend)
    )
    assert imported.code == 0, imported.err
    shown = run_cli(
        capsys,
        "--actor",
        cast.alder_exec,
        "equity",
        "profile",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--json",
    )
    assert shown.code == 0, shown.err
    profile = shown.json()
    by_quartile = {q["quartile"]: q for q in profile["quartiles"]}
    assert [by_quartile[n]["tracts"] for n in (1, 2, 3, 4)] == [2, 1, 1, 2]
    assert Decimal(by_quartile[1]["dollars"]) == Decimal("15000")
    assert Decimal(by_quartile[4]["dollars"]) == Decimal("30000")
    assert Decimal(by_quartile[2]["dollars"] or 0) == Decimal(by_quartile[3]["dollars"] or 0) == 0
    assert by_quartile[1]["contracts"] == 2 and by_quartile[1]["vendors"] == 1
    assert Decimal(profile["unplaced"]["dollars"]) == Decimal("5000")
    # shares are of every dollar, the unplaced included: 15,000 of 50,000
    assert by_quartile[1]["dollar_share"] == pytest.approx(0.3)
    text = run_cli(
        capsys, "--actor", cast.alder_exec, "equity", "profile", "--jurisdiction", cast.alder, "--cohort", cast.cohort
    )
    assert "$15,000.00" in text.out and "Not placed" in text.out
