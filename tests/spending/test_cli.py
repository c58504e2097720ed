"""`accelerator spend` as a user types it: template, import (preview, refusal, --skip-invalid),
baseline and show, for people and with --json for scripts."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.cli import Outcome, run_cli
from tests.conftest import Cast
from tests.spending.helpers import SAMPLE, row, snapshot, write_xlsx


def cli(capsys: pytest.CaptureFixture[str], who: str, *args: str) -> Outcome:
    return run_cli(capsys, "--actor", who, *args)


def said(text: str) -> str:
    return " ".join(text.split())


def test_the_template_then_an_import_preview_then_the_import(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = cli(capsys, cast.alder_officer, "spend", "template", "--out", str(tmp_path / "t.xlsx"))
    assert made.code == 0 and "spend import" in said(made.out)
    path = write_xlsx(tmp_path / "spend.xlsx", [row(), row(contract_id="PO-2", department="x")])
    where = ("--jurisdiction", cast.alder)
    preview = cli(capsys, cast.alder_officer, "spend", "import", str(path), *where, "--dry-run")
    assert preview.code == 0, preview.err
    assert "Would import spend.xlsx" in said(preview.out) and "Nothing was changed (dry run)" in said(preview.out)
    assert snapshot()[0] == []
    done = cli(capsys, cast.alder_officer, "spend", "import", str(path), *where, "--json")
    assert done.code == 0 and (done.json()["contracts_added"], done.json()["payments_added"]) == (2, 2)
    again = cli(capsys, cast.alder_officer, "spend", "import", str(path), *where)
    assert "Nothing to change" in said(again.out)


def test_a_refused_import_names_row_column_and_fix_and_exits_2(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "bad.xlsx", [row(), row(contract_id="PO-2", zip="ABCDE")])
    refused = cli(capsys, cast.alder_officer, "spend", "import", str(path), "--jurisdiction", cast.alder)
    assert refused.code == 2
    assert "bad.xlsx row 3, column Vendor ZIP: 'ABCDE' is not a US ZIP code" in said(refused.err)
    assert "--skip-invalid" in said(refused.err) and snapshot()[0] == []
    as_json = cli(capsys, cast.alder_officer, "spend", "import", str(path), "--jurisdiction", cast.alder, "--json")
    document = json.loads(as_json.err)
    assert document["exit_code"] == 2 and document["problems"][0].startswith("bad.xlsx row 3, column Vendor ZIP")
    skipped = cli(
        capsys, cast.alder_officer, "spend", "import", str(path), "--jurisdiction", cast.alder, "--skip-invalid"
    )
    assert skipped.code == 0 and "Skipped 1 invalid row(s)" in said(skipped.err)
    assert [key for key, _, _ in snapshot()[0]] == ["PO-1"]


def test_importing_into_another_jurisdiction_is_refused_with_exit_3(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "spend.xlsx", [row()])
    refused = cli(capsys, cast.alder_officer, "spend", "import", str(path), "--jurisdiction", cast.birch)
    assert refused.code == 3 and "may not import the spending of Birch City" in said(refused.err)


def test_baseline_and_show(cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    team = ("--jurisdiction", cast.alder, "--cohort", cast.cohort)
    nothing = cli(capsys, cast.alder_manager, "spend", "baseline", *team)
    assert nothing.code == 4 and "accelerator spend import" in said(nothing.err)
    cli(capsys, cast.alder_officer, "spend", "import", str(SAMPLE), "--jurisdiction", cast.alder)
    recorded = cli(capsys, cast.alder_manager, "spend", "baseline", *team)
    assert recorded.code == 0, recorded.err
    out = said(recorded.out)
    assert "Recorded the baseline" in out and "11,000,000.00" in out and "nearest rank" in out
    assert "which has no invoice date" in out
    shown = cli(capsys, cast.alder_exec, "spend", "show", "--jurisdiction", cast.alder, "--json")
    document = shown.json()
    assert document["baseline"]["recorded_by"] == cast.alder_manager
    assert document["figures"]["currency"] == "GBP"
    assert Decimal(document["figures"]["periods"][0]["dollars"]) == Decimal(11000000)  # exact, as text
    table = cli(capsys, cast.alder_exec, "spend", "show", "--jurisdiction", cast.alder, "--period", "2010")
    assert "Baseline 2010" in table.out and "change" in table.out
    wrong = cli(capsys, cast.alder_exec, "spend", "show", "--jurisdiction", cast.alder, "--period", "soon")
    assert wrong.code == 2 and "--period: 'soon' is not a period" in said(wrong.err)
