"""Highlights and quotes a team enters for its impact report (kept when removed, with who and why),
and the team's choice to be named in the regional report (not named until it opts in), through
the services and the command."""

from __future__ import annotations

import pytest

from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.errors import Conflict, PermissionDenied, ValidationFailed
from assessment.core.history import HistoryEntry
from assessment.core.shapes import validate
from assessment.reports.highlights import (
    add_highlight,
    highlight_history,
    list_highlights,
    preference_history,
    remove_highlight,
    report_preference,
    set_named_in_regional,
)
from assessment.reports.jurisdiction import impact_report
from assessment.reports.models import HighlightPublic, PreferencePublic
from assessment.reports.shapes import HighlightCreate
from tests.cli import run_cli
from tests.conftest import Cast


def add(cast: Cast, text: str, kind: str = "highlight", by: str = "", who: str | None = None) -> HighlightPublic:
    with transaction() as session:
        data = validate(HighlightCreate, {"kind": kind, "text": text, "attribution": by}, "highlight")
        return add_highlight(session, resolve_actor(session, who or cast.alder_manager), cast.alder, cast.cohort, data)


def listed(cast: Cast, removed: bool = False, who: str | None = None) -> list[HighlightPublic]:
    with transaction() as session:
        actor = resolve_actor(session, who or cast.alder_officer)
        return list_highlights(session, actor, cast.alder, cast.cohort, include_removed=removed)


def remove(cast: Cast, ident: int, reason: str, who: str | None = None) -> HighlightPublic:
    with transaction() as session:
        return remove_highlight(session, resolve_actor(session, who or cast.alder_exec), ident, reason)


def opt(cast: Cast, named: bool, note: str = "", who: str | None = None) -> PreferencePublic:
    with transaction() as session:
        actor = resolve_actor(session, who or cast.alder_manager)
        return set_named_in_regional(session, actor, cast.alder, cast.cohort, named, note)


def choice(cast: Cast) -> tuple[PreferencePublic, list[HistoryEntry]]:
    with transaction() as session:
        lead = resolve_actor(session, cast.lead)
        return report_preference(session, lead, cast.alder, cast.cohort), preference_history(
            session, lead, cast.alder, cast.cohort
        )


def test_highlights_and_quotes_are_listed_in_the_order_entered_and_reach_the_report(cast: Cast) -> None:
    first = add(cast, "We paid every partner within 30 days.")
    second = add(cast, "Nosotros por fin fuimos escuchados.", "Quote", "a community partner", cast.alder_exec)
    assert [(h.kind_label, h.text, h.attribution) for h in listed(cast)] == [
        ("Highlight", "We paid every partner within 30 days.", ""),
        ("Quote", "Nosotros por fin fuimos escuchados.", "a community partner"),
    ]
    assert (first.created_by, second.created_by) == (cast.alder_manager, cast.alder_exec)
    with transaction() as session:
        report = impact_report(session, resolve_actor(session, cast.lead), cast.alder, cast.cohort)
    assert [(h.kind, h.text) for h in report.highlights] == [
        ("highlight", "We paid every partner within 30 days."),
        ("quote", "Nosotros por fin fuimos escuchados."),
    ]


def test_removing_a_highlight_keeps_it_with_who_removed_it_and_why(cast: Cast) -> None:
    kept = add(cast, "Forty-page application cut to ten pages.")
    dropped = add(cast, "A quote the partner asked us not to print.", "quote", "a partner")
    shown = remove(cast, dropped.id, "The partner asked us not to print it")
    assert (shown.removed, shown.removed_by, shown.removed_reason) == (
        True,
        cast.alder_exec,
        "The partner asked us not to print it",
    )
    assert [h.id for h in listed(cast)] == [kept.id]
    assert [(h.id, h.removed) for h in listed(cast, removed=True)] == [(kept.id, False), (dropped.id, True)]
    with transaction() as session:
        entries = highlight_history(session, resolve_actor(session, cast.lead), dropped.id)
    assert [(e.field, e.actor, e.old, e.new, e.note) for e in entries] == [
        ("created", cast.alder_manager, None, "A quote the partner asked us not to print.", ""),
        (
            "removed",
            cast.alder_exec,
            "A quote the partner asked us not to print.",
            None,
            "The partner asked us not to print it",
        ),
    ]
    with pytest.raises(Conflict, match=f"Quote {dropped.id} was already removed on .* by {cast.alder_exec}"):
        remove(cast, dropped.id, "again")
    with pytest.raises(ValidationFailed) as refused:
        remove(cast, kept.id, "  ")
    assert [p.location for p in refused.value.problems] == ["reason"]
    assert [h.id for h in listed(cast)] == [kept.id]  # nothing was removed


def test_an_empty_highlight_is_refused_naming_the_field(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add(cast, "   ")
    assert [str(p) for p in refused.value.problems] == ["text: is empty; write what the report should say"]
    assert listed(cast) == []


def test_a_procurement_officer_may_read_but_not_add_or_remove_highlights(cast: Cast) -> None:
    with pytest.raises(PermissionDenied) as refused:
        add(cast, "Our officer's own highlight", who=cast.alder_officer)
    assert str(refused.value) == (
        "officer@alder.example.org may not add highlights and quotes to the impact report of Alder County. Only an "
        "equity program manager of Alder County, an executive lead of Alder County or an admin may."
    )
    entered = add(cast, "Entered by the manager")
    with pytest.raises(PermissionDenied):
        remove(cast, entered.id, "not mine to keep", who=cast.alder_officer)
    assert [h.text for h in listed(cast, who=cast.alder_officer)] == ["Entered by the manager"]
    with pytest.raises(PermissionDenied):
        listed(cast, who=cast.birch_manager)


def test_a_team_is_not_named_in_the_regional_report_until_it_opts_in(cast: Cast) -> None:
    shown, entries = choice(cast)
    assert (shown.named_in_regional, shown.updated_by, entries) == (False, None, [])
    assert shown.said.startswith("Alder County is not named in the regional report of 2026 Test Cohort")
    assert opt(cast, False).named_in_regional is False  # saying the default again changes nothing
    assert choice(cast)[1] == []

    assert opt(cast, True, "The board agreed").said == (
        "Alder County is named in the regional report of 2026 Test Cohort (unless it is compiled anonymized, "
        "when every jurisdiction is labelled instead)."
    )
    opt(cast, True)  # again: nothing changes
    opt(cast, False, "New director wants to review first", who=cast.alder_exec)
    shown, entries = choice(cast)
    assert (shown.named_in_regional, shown.updated_by) == (False, cast.alder_exec)
    assert [(e.actor, e.old, e.new, e.note) for e in entries] == [
        (cast.alder_manager, "not named", "named", "The board agreed"),
        (cast.alder_exec, "named", "not named", "New director wants to review first"),
    ]


def test_only_the_team_chooses_whether_it_is_named(cast: Cast) -> None:
    for who in (cast.birch_manager, cast.alder_officer):
        with pytest.raises(PermissionDenied):
            opt(cast, True, who=who)
    assert choice(cast)[0].named_in_regional is False


def test_the_highlight_commands_print_json_for_scripts(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    where = ("--jurisdiction", cast.alder, "--cohort", cast.cohort)
    actor = ("--actor", cast.alder_manager)
    added = run_cli(capsys, *actor, "report", "highlight", "add", *where, "--text", "Paid in 30 days", "--json")
    assert added.code == 0, added.err
    quote = run_cli(
        capsys, *actor, "report", "highlight", "add", *where, "--text", '=HYPERLINK("x")', "--quote", "--by", "a CBO"
    )
    assert quote.code == 0, quote.err
    assert '=HYPERLINK("x") — a CBO' in quote.out
    listed_now = run_cli(capsys, *actor, "report", "highlight", "list", *where, "--json")
    assert listed_now.code == 0, listed_now.err
    rows = listed_now.json()
    assert [(r["kind"], r["text"], r["attribution"], r["removed"]) for r in rows] == [
        ("highlight", "Paid in 30 days", "", False),
        ("quote", '=HYPERLINK("x")', "a CBO", False),
    ]
    assert rows[0]["id"] == added.json()["id"] and rows[0]["jurisdiction"] == cast.alder

    gone = run_cli(
        capsys, *actor, "report", "highlight", "remove", str(rows[0]["id"]), "--reason", "Said twice", "--json"
    )
    assert gone.code == 0, gone.err
    assert gone.json()["removed_reason"] == "Said twice"
    after = run_cli(capsys, *actor, "report", "highlight", "list", *where, "--json").json()
    assert [r["text"] for r in after] == ['=HYPERLINK("x")']

    refused = run_cli(capsys, "--actor", cast.alder_officer, "report", "highlight", "add", *where, "--text", "x")
    assert refused.code == 3 and "Only an equity program manager of Alder County" in refused.err

    opted = run_cli(capsys, *actor, "report", "opt-in", *where)
    assert opted.code == 0 and "Alder County is named in the regional report" in opted.out
    out = run_cli(capsys, *actor, "report", "opt-in", *where, "--no", "--json")
    assert out.json()["named_in_regional"] is False
