"""Rescheduling a cohort's sessions: in order, by an alliance lead or admin, with its history,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from assessment.cohorts.people import resolve_actor
from assessment.cohorts.schedule import move, reschedule
from assessment.cohorts.service import create_cohort, get_cohort, sessions_of, show_cohort
from assessment.core import history
from assessment.core.db import transaction
from assessment.core.errors import Conflict, PermissionDenied, ValidationFailed
from assessment.core.fields import row_id
from tests.conftest import Cast

# The cast's cohort starts 2026-03-01; the sequence skips April, then meets monthly.
FIRST_DATES = {n: date(2026, month, 1) for n, month in zip(range(1, 10), (3, 5, 6, 7, 8, 9, 10, 11, 12), strict=True)}


def dates(cast: Cast, cohort: str | None = None) -> dict[int, date | None]:
    with transaction() as session:
        shown = show_cohort(session, resolve_actor(session, cast.lead), cohort or cast.cohort)
    return {s.number: s.scheduled_on for s in shown.sessions}


def moved(cast: Cast, number: int, on: date, shift_later: bool = False, note: str = "", who: str = "") -> list[tuple]:
    with transaction() as session:
        done = reschedule(session, resolve_actor(session, who or cast.lead), cast.cohort, number, on, shift_later, note)
    return [(m.number, m.old, m.new) for m in done.moved]


def cohort_history(cast: Cast) -> list[tuple[str, str | None, str | None, str, str]]:
    with transaction() as session:
        ident = row_id(get_cohort(session, cast.cohort))
        return [(e.field, e.old, e.new, e.note, e.actor) for e in history.entries(session, "cohort", ident)][1:]


def test_a_session_moves_between_its_neighbours_and_the_history_says_from_what_to_what(cast: Cast) -> None:
    assert dates(cast) == FIRST_DATES
    assert moved(cast, 4, date(2026, 7, 15), note="Budget hearings on the 1st") == [
        (4, date(2026, 7, 1), date(2026, 7, 15))
    ]
    assert dates(cast) == {**FIRST_DATES, 4: date(2026, 7, 15)}
    assert cohort_history(cast) == [
        ("session 4 date", "2026-07-01", "2026-07-15", "Budget hearings on the 1st", cast.lead)
    ]


def test_shift_later_moves_every_later_session_by_as_many_days(cast: Cast) -> None:
    done = moved(cast, 4, date(2026, 7, 15), shift_later=True)
    assert [number for number, _, _ in done] == [4, 5, 6, 7, 8, 9]
    assert all((new - old).days == 14 for _, old, new in done)
    assert dates(cast)[3] == date(2026, 6, 1) and dates(cast)[9] == date(2026, 12, 15)
    assert [field for field, *_ in cohort_history(cast)] == [f"session {n} date" for n in range(4, 10)]
    assert moved(cast, 4, date(2026, 6, 20), shift_later=True)[-1] == (9, date(2026, 12, 15), date(2026, 11, 20))


@pytest.mark.parametrize(
    ("number", "on", "shift_later", "says"),
    [
        (4, date(2026, 8, 10), False, "2026-08-10 is not before session 5"),
        (4, date(2026, 8, 1), False, "add --shift-later"),
        (4, date(2026, 6, 1), False, "2026-06-01 is not after session 3"),
        (4, date(2026, 5, 20), True, "Pick a date after 2026-06-01, or move session 3 first"),
    ],
)
def test_a_date_that_puts_sessions_out_of_order_is_refused_and_nothing_changes(
    cast: Cast, number: int, on: date, shift_later: bool, says: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        moved(cast, number, on, shift_later)
    assert f"The new date of session {number} was not saved" in str(refused.value)
    assert says in str(refused.value)
    assert dates(cast) == FIRST_DATES and cohort_history(cast) == []


@pytest.mark.parametrize("who", ["alder_manager", "alder_officer"])
def test_only_an_alliance_lead_or_an_admin_reschedules(cast: Cast, who: str) -> None:
    with pytest.raises(PermissionDenied) as refused:
        moved(cast, 2, date(2026, 5, 8), who=getattr(cast, who))
    assert f"may not reschedule the sessions of {cast.cohort}" in str(refused.value)
    assert "Only an alliance lead or an admin may." in str(refused.value)
    assert moved(cast, 2, date(2026, 5, 8), who=cast.admin) == [(2, date(2026, 5, 1), date(2026, 5, 8))]


def test_moving_the_first_session_moves_the_cohort_start(cast: Cast) -> None:
    moved(cast, 1, date(2026, 2, 20))
    with transaction() as session:
        assert get_cohort(session, cast.cohort).start_date == date(2026, 2, 20)
    assert [entry[:3] for entry in cohort_history(cast)] == [
        ("session 1 date", "2026-03-01", "2026-02-20"),
        ("start_date", "2026-03-01", "2026-02-20"),
    ]


def test_a_move_to_the_date_a_session_has_changes_nothing(cast: Cast) -> None:
    assert moved(cast, 5, date(2026, 8, 1)) == []
    assert moved(cast, 5, date(2026, 8, 1), shift_later=True) == []
    assert cohort_history(cast) == []


def test_an_unknown_session_number_is_refused_naming_the_numbers(cast: Cast) -> None:
    with pytest.raises(ValidationFailed, match="has no session 12; its sessions are numbered 1 to 9"):
        moved(cast, 12, date(2026, 8, 1))


def test_a_session_without_a_date_gets_one_but_cannot_shift_the_later_ones(cast: Cast) -> None:
    with transaction() as session:
        create_cohort(session, resolve_actor(session, cast.admin), "Undated Cohort")
    with transaction() as session:
        lead = resolve_actor(session, cast.lead)
        done = reschedule(session, lead, "Undated Cohort", 3, date(2026, 6, 9))
        assert [(m.number, m.old, m.new) for m in done.moved] == [(3, None, date(2026, 6, 9))]
    with transaction() as session, pytest.raises(ValidationFailed, match="Session 4 of Undated Cohort has no date yet"):
        reschedule(session, resolve_actor(session, cast.lead), "Undated Cohort", 4, date(2026, 7, 9), True)
    assert dates(cast, "Undated Cohort")[3] == date(2026, 6, 9)


def test_a_move_planned_from_a_date_someone_has_since_changed_is_refused_naming_them(cast: Cast) -> None:
    moved(cast, 4, date(2026, 7, 15))
    with transaction() as session:
        cohort = get_cohort(session, cast.cohort)
        fourth = sessions_of(session, cohort)[3]
        with pytest.raises(Conflict) as refused:
            move(session, cohort, fourth, date(2026, 7, 1), date(2026, 7, 20))
    assert f"was rescheduled by {cast.lead} while you were moving it" in str(refused.value)
    assert dates(cast)[4] == date(2026, 7, 15)
