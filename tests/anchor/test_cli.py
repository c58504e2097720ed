"""`accelerator commitment` in the documented forms, for people and with --json for scripts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.anchor.conftest import FakeSpend
from tests.anchor.helpers import DUE, TODAY, add_finance
from tests.cli import Outcome, run_cli
from tests.conftest import Cast

MEASURED = (TODAY - timedelta(days=30)).isoformat()


def commitment(capsys: pytest.CaptureFixture[str], who: str, *args: str) -> Outcome:
    return run_cli(capsys, "--actor", who, "commitment", *args)


def add_hiring(cast: Cast, capsys: pytest.CaptureFixture[str], who: str, *more: str) -> Outcome:
    return commitment(
        capsys,
        who,
        "add",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--category",
        "hire",
        "--statement",
        "Hire from the county's most disinvested neighborhoods",
        "--measure",
        "share of new hires living in the lowest HPI quartile",
        "--baseline",
        "8",
        "--target",
        "20",
        "--unit",
        "%",
        "--due",
        DUE.isoformat(),
        *more,
    )


def test_add_update_show_list_and_history_in_the_documented_forms(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    added = add_hiring(cast, capsys, cast.alder_exec, "--owner", cast.alder_manager, "--json")
    assert added.code == 0, added.err
    made = added.json()
    assert (made["status"], made["version"], made["owner"], made["target"], made["warnings"]) == (
        "not_started",
        1,
        cast.alder_manager,
        "20",
        [],
    )
    ident = str(made["id"])

    moved = commitment(
        capsys, cast.alder_manager, "update", ident, "--status", "on_track", "--expected-version", "1", "--json"
    )
    assert moved.code == 0, moved.err
    assert (moved.json()["status"], moved.json()["version"]) == ("on_track", 2)

    typed = commitment(capsys, cast.alder_officer, "update", ident, "--value", "11", "--as-of", MEASURED, "--json")
    assert typed.code == 0, typed.err
    assert typed.json()["progress"] == {
        "source": "typed",
        "value": "11",
        "as_of": MEASURED,
        "share": 0.25,
        "said": f"11 % as of {MEASURED}",
    }

    stale = commitment(capsys, cast.alder_exec, "update", ident, "--target", "25", "--expected-version", "1")
    assert stale.code == 5
    assert f"Commitment {ident} was changed since you read version 1: by {cast.alder_manager}" in stale.err

    closing = commitment(capsys, cast.alder_manager, "update", ident, "--status", "met", "--json")
    assert closing.code == 2
    refusal = Outcome(closing.code, closing.err, "").json()  # --json refusals come on stderr
    assert refusal["problems"] == [
        "status: Marking a commitment met needs a note; add --note saying what shows it was met."
    ]

    shown = commitment(capsys, add_finance(cast), "show", ident)
    assert shown.code == 0, shown.err
    assert "Commitment" in shown.out and f"11 % as of {MEASURED} (25% of the way)" in shown.out

    listing = commitment(capsys, cast.lead, "list", "--jurisdiction", cast.alder, "--cohort", cast.cohort, "--json")
    assert [c["id"] for c in listing.json()] == [int(ident)]
    table = commitment(capsys, cast.lead, "list", "--jurisdiction", cast.alder, "--cohort", cast.cohort)
    assert "Hire from the" in table.out and "On track" in table.out and "11 % as of" in table.out

    history = commitment(capsys, cast.alder_exec, "history", ident, "--json").json()
    assert [(e["field"], e["old"], e["new"], e["actor"]) for e in history] == [
        ("created", None, "Hire from the county's most disinvested neighborhoods", cast.alder_exec),
        ("status", "not_started", "on_track", cast.alder_manager),
        ("measure_value", None, "11", cast.alder_officer),
    ]
    people = commitment(capsys, cast.alder_exec, "history", ident)
    assert "Measured value" in people.out and f"as of {MEASURED}" in people.out


def test_refusals_name_the_field_and_the_fix(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    other = add_hiring(cast, capsys, cast.birch_manager)
    assert other.code == 3
    assert "may not make anchor commitments for Alder County" in other.err
    assert "an executive lead of Alder County" in other.err

    wrong = add_hiring(cast, capsys, cast.alder_manager, "--category", "lend", "--json")
    assert wrong.code == 2
    assert Outcome(wrong.code, wrong.err, "").json()["problems"] == [
        "category: 'lend' is not a commitment category; use one of: Hire, Buy, Invest, Partner"
    ]

    bad_date = add_hiring(cast, capsys, cast.alder_manager, "--due", "next spring")
    assert bad_date.code == 2 and "--due" in bad_date.err and "YYYY-MM-DD" in bad_date.err

    nothing = commitment(capsys, cast.alder_manager, "update", "1")
    assert nothing.code == 2 and "Nothing to change" in nothing.err

    missing = commitment(capsys, cast.alder_manager, "show", "999")
    assert missing.code == 4 and "No anchor commitment with id 999" in missing.err


def test_a_buy_commitment_follows_spend_and_refuses_typed_values(
    cast: Cast, capsys: pytest.CaptureFixture[str], spend: FakeSpend
) -> None:
    added = commitment(
        capsys,
        cast.alder_officer,
        "add",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--category",
        "buy",
        "--statement",
        "Buy from community-based organizations",
        "--baseline",
        "10",
        "--target",
        "25",
        "--due",
        DUE.isoformat(),
        "--spend-metric",
        "cbo_dollar_share",
        "--json",
    )
    assert added.code == 0, added.err
    ident = str(added.json()["id"])
    assert added.json()["progress"]["said"] == "no spend imported yet"
    waiting = commitment(capsys, cast.alder_exec, "show", ident)
    assert "no spend imported yet" in waiting.out and "computed from imported spend: cbo_dollar_share" in waiting.out

    spend.value = Decimal("16")
    computed = commitment(capsys, cast.alder_exec, "show", ident, "--json").json()["progress"]
    assert (computed["source"], computed["value"], computed["share"]) == ("spend", "16", 0.4)

    typed = commitment(capsys, cast.alder_officer, "update", ident, "--value", "30")
    assert typed.code == 2
    assert "follows the spending metric 'share of dollars to community-based organizations'" in typed.err
    assert "(cbo_dollar_share)" in typed.err
