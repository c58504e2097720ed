"""`accelerator recommendation` in the documented forms, for people and with --json for scripts."""

from __future__ import annotations

import json

import pytest

from tests.cli import Outcome, run_cli
from tests.conftest import Cast
from tests.recommendations.regional import PAYMENT, PAYMENT_SAID, add_places, record_barriers


def recommendation(capsys: pytest.CaptureFixture[str], who: str, *args: str) -> Outcome:
    return run_cli(capsys, "--actor", who, "recommendation", *args)


def drafted(cast: Cast, capsys: pytest.CaptureFixture[str], who: str, *more: str) -> Outcome:
    return recommendation(
        capsys,
        who,
        "draft",
        "--cohort",
        cast.cohort,
        "--title",
        "Prompt payment for community contracts",
        "--problem",
        "Community organizations wait months to be paid.",
        "--change",
        "A state prompt-payment rule: pay within 30 days.",
        "--level",
        "state",
        *more,
    )


def flat(text: str) -> str:
    return " ".join(text.split())


def test_draft_show_endorse_list_withdraw_and_history_in_the_documented_forms(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    record_barriers(add_places(cast))
    made = drafted(
        cast, capsys, cast.lead, "--from-ranking", PAYMENT, "--evidence", "[b]Heard[/b] at 3 sessions.", "--json"
    )
    assert made.code == 0, made.err
    draft = made.json()
    assert (draft["version"], draft["status"], draft["level_label"], draft["categories"]) == (
        1,
        "draft",
        "State",
        [PAYMENT],
    )
    assert draft["evidence"] == f"{PAYMENT_SAID}\n[b]Heard[/b] at 3 sessions."
    ident = str(draft["id"])

    shown = recommendation(capsys, cast.alder_officer, "show", ident)
    assert shown.code == 0, shown.err
    out = flat(shown.out)
    assert f"Recommendation {ident} (version 1, Draft): Prompt payment for community contracts" in out
    assert "Evidence: Reported by 3 of 3 jurisdictions (payment and cash flow, invoicing and payment)" in out
    assert "[b]Heard[/b] at 3 sessions." in out  # typed text is shown as typed, never read as markup
    assert "Endorsed by (0): no jurisdiction yet" in out

    given = recommendation(capsys, cast.alder_manager, "endorse", ident, "--jurisdiction", cast.alder, "--note", "Yes")
    assert given.code == 0, given.err
    assert flat(given.out) == (
        f"Alder County endorses recommendation {ident} (Prompt payment for community contracts). "
        "Endorsed by 1 jurisdiction(s): Alder County."
    )
    again = recommendation(capsys, cast.alder_exec, "endorse", ident, "--jurisdiction", cast.alder, "--json")
    assert again.code == 0, again.err
    assert (again.json()["changed"], again.json()["said"].split(" (")[0]) == (
        False,
        f"Alder County already endorses recommendation {ident}",
    )

    listed = recommendation(capsys, cast.birch_officer, "list", "--cohort", cast.cohort, "--json")
    assert listed.code == 0, listed.err
    (row,) = listed.json()
    assert [(e["jurisdiction"], e["role"], e["note"]) for e in row["endorsements"]] == [
        (cast.alder, "equity program manager", "Yes")
    ]
    table = recommendation(capsys, cast.birch_officer, "list", "--cohort", cast.cohort)
    assert "1: Alder County" in flat(table.out)

    gone = recommendation(
        capsys, cast.alder_exec, "withdraw", ident, "--jurisdiction", cast.alder, "--reason", "Board said wait"
    )
    assert gone.code == 0, gone.err
    assert flat(gone.out).startswith(f"Alder County no longer endorses recommendation {ident}")

    closed = recommendation(capsys, cast.lead, "withdraw", ident, "--reason", "Folded into the state bill", "--json")
    assert closed.code == 0, closed.err
    assert (closed.json()["status"], closed.json()["withdrawal_reason"], closed.json()["warnings"]) == (
        "withdrawn",
        "Folded into the state bill",
        [],
    )

    changes = recommendation(capsys, cast.lead, "history", ident, "--json")
    assert changes.code == 0, changes.err
    assert [(e["actor"], e["field"], e["old"], e["new"], e["note"]) for e in changes.json()] == [
        (cast.lead, "created", None, "Prompt payment for community contracts", ""),
        (cast.alder_manager, "endorsement", None, cast.alder, "Yes"),
        (cast.alder_exec, "endorsement", cast.alder, None, "Board said wait"),
        (cast.lead, "status", "draft", "withdrawn", "Folded into the state bill"),
    ]
    people = recommendation(capsys, cast.lead, "history", ident)
    assert ("Drafted" in people.out, "Endorsement" in people.out, "Status" in people.out) == (True, True, True)


def test_update_and_a_stale_update(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    ident = str(drafted(cast, capsys, cast.lead, "--json").json()["id"])
    moved = recommendation(
        capsys,
        cast.lead,
        "update",
        ident,
        "--level",
        "federal",
        "--expected-version",
        "1",
        "--note",
        "Uniform Guidance",
    )
    assert moved.code == 0, moved.err
    assert f"Recommendation {ident} (version 2, Draft)" in flat(moved.out)
    assert "Level: Federal" in flat(moved.out)

    stale = recommendation(capsys, cast.admin, "update", ident, "--title", "Mine", "--expected-version", "1")
    assert stale.code == 5
    assert f"Recommendation {ident} was changed since you read version 1: by {cast.lead}" in flat(stale.err)

    nothing = recommendation(capsys, cast.lead, "update", ident)
    assert nothing.code == 2
    assert "Nothing to change" in flat(nothing.err)


def test_refusals_name_who_may_and_what_to_do(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    refused = drafted(cast, capsys, cast.alder_manager)
    assert refused.code == 3
    assert flat(refused.err) == (
        f"Error: {cast.alder_manager} may not draft recommendations for {cast.cohort}. "
        "Only an alliance lead or an admin may."
    )
    ident = str(drafted(cast, capsys, cast.lead, "--json").json()["id"])
    officer = recommendation(capsys, cast.alder_officer, "endorse", ident, "--jurisdiction", cast.alder, "--json")
    assert officer.code == 3
    error = json.loads(officer.err)  # with --json the refusal is one JSON document on stderr
    assert (error["exit_code"], error["error"]) == (
        3,
        f"{cast.alder_officer} may not endorse recommendations for Alder County. Only an equity program manager of "
        "Alder County, an executive lead of Alder County or an admin may.",
    )
    manager = recommendation(capsys, cast.alder_manager, "withdraw", ident, "--reason", "no")
    assert manager.code == 3
    assert "add --jurisdiction NAME" in flat(manager.err)
    unknown = recommendation(
        capsys,
        cast.lead,
        "draft",
        "--cohort",
        cast.cohort,
        "--title",
        "t",
        "--problem",
        "p",
        "--change",
        "c",
        "--level",
        "city hall",
    )
    assert unknown.code == 2
    assert "'city hall' is not a level of government" in flat(unknown.err)
    nobody = recommendation(capsys, cast.outsider, "list", "--cohort", cast.cohort)
    assert nobody.code == 3
    assert "Only members of its teams, an alliance lead or an admin may." in flat(nobody.err)


def test_a_cohort_without_recommendations_says_how_to_draft_one(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    empty = recommendation(capsys, cast.alder_exec, "list", "--cohort", cast.cohort)
    assert empty.code == 0, empty.err
    assert flat(empty.out) == (
        f"{cast.cohort} has no recommendation yet; an alliance lead drafts one with "
        f'`accelerator recommendation draft --cohort "{cast.cohort}" ...`.'
    )


def test_a_bad_value_is_refused_naming_the_option_to_fix(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    said = recommendation(
        capsys, cast.lead, "draft", "--cohort", cast.cohort, "--title", "Prompt payment",
        "--problem", "Months to be paid.", "--change", "Pay within 30 days.", "--level", "statewide",
        "--from-ranking", "payment",
    )  # fmt: skip
    assert said.code == 2
    refusal = flat(said.err)
    assert "--level: 'statewide' is not a level" in refusal
    assert "--from-ranking: 'payment'" in refusal
    assert "categories" not in refusal
