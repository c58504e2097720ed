"""Who sees whom: people with their roles, teams with their members, and a cohort's overview,
each shown only to those the permission table allows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from assessment.cohorts.jurisdictions import add_jurisdiction
from assessment.cohorts.people import add_person, resolve_actor
from assessment.cohorts.roster import list_people
from assessment.cohorts.service import create_cohort, enroll_team, list_teams, show_cohort
from assessment.core.db import transaction
from assessment.core.errors import NotFound, PermissionDenied
from tests.conftest import Cast


def roster(cast: Cast, who: str, jurisdiction: str | None = None) -> dict[str, list[str]]:
    """Name -> the roles shown beside it, as people read them."""
    with transaction() as session:
        people = list_people(session, resolve_actor(session, who), jurisdiction)
    return {
        p.name: [f"{r.label} of {r.jurisdiction}" if r.jurisdiction else f"{r.label} (regional)" for r in p.roles]
        for p in people
    }


def teams(who: str, cohort: str | None = None) -> list[tuple[str, str, int]]:
    with transaction() as session:
        return [(t.cohort, t.jurisdiction, t.members) for t in list_teams(session, resolve_actor(session, who), cohort)]


def test_an_alliance_lead_sees_everyone_with_role_labels_and_places(cast: Cast) -> None:
    assert roster(cast, cast.lead) == {
        "Ada Admin": ["admin (regional)"],
        "Erin Exec": ["executive lead of Alder County"],
        "Lee Lead": ["alliance lead (regional)"],
        "Nguyễn Thị Hồng": ["equity program manager of Alder County"],
        "Pat Officer": ["procurement officer of Alder County"],
        "Sam Nobody": [],  # registered, no role yet
        "Señora Peña": ["procurement officer of Birch City"],
        "김민준": ["equity program manager of Birch City"],
    }
    assert list(roster(cast, cast.lead, "alder county")) == ["Erin Exec", "Nguyễn Thị Hồng", "Pat Officer"]


def test_a_program_manager_sees_the_people_of_their_jurisdiction_only(cast: Cast) -> None:
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        add_person(session, admin, cast.alder_officer, "Pat Officer", "procurement_officer", cast.birch)
    assert roster(cast, cast.alder_manager) == {
        "Erin Exec": ["executive lead of Alder County"],
        "Nguyễn Thị Hồng": ["equity program manager of Alder County"],
        "Pat Officer": ["procurement officer of Alder County"],  # the Birch City role is Birch's to see
    }
    assert roster(cast, cast.lead, cast.birch)["Pat Officer"] == [
        "procurement officer of Alder County",
        "procurement officer of Birch City",
    ]
    with pytest.raises(PermissionDenied) as refused:
        roster(cast, cast.alder_manager, cast.birch)
    assert "may not see the people of Birch City" in str(refused.value)
    assert "an equity program manager of Birch City" in str(refused.value)


@pytest.mark.parametrize("who", ["alder_officer", "outsider"])
def test_people_without_a_role_that_reads_people_are_refused(cast: Cast, who: str) -> None:
    with pytest.raises(PermissionDenied) as refused:
        roster(cast, getattr(cast, who))
    assert "may not list people" in str(refused.value)
    assert "an alliance lead, an equity program manager or an admin may" in str(refused.value)


def test_teams_are_listed_with_their_members_to_those_who_may_see_them(cast: Cast) -> None:
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        create_cohort(session, admin, "2027 Next Cohort", start=date(2027, 3, 1))
        enroll_team(session, admin, cast.alder, "2027 Next Cohort")
    assert teams(cast.lead) == [
        (cast.cohort, cast.alder, 3),
        (cast.cohort, cast.birch, 2),
        ("2027 Next Cohort", cast.alder, 3),
    ]
    assert teams(cast.lead, "2027 next cohort") == [("2027 Next Cohort", cast.alder, 3)]
    assert teams(cast.birch_officer) == [(cast.cohort, cast.birch, 2)]
    with pytest.raises(PermissionDenied, match="may not list teams"):
        teams(cast.outsider)
    with pytest.raises(NotFound, match="No cohort named 'Nope'"):
        teams(cast.lead, "Nope")


def test_a_cohort_shows_its_dated_sessions_and_the_teams_the_reader_may_see(cast: Cast) -> None:
    with transaction() as session:
        whole = show_cohort(session, resolve_actor(session, cast.lead), cast.cohort)
        own = show_cohort(session, resolve_actor(session, cast.alder_exec), cast.cohort)
    assert [(s.number, s.scheduled_on) for s in whole.sessions][:3] == [
        (1, date(2026, 3, 1)),
        (2, date(2026, 5, 1)),
        (3, date(2026, 6, 1)),
    ]
    assert len(whole.sessions) == 9 and whole.sessions[8].title == "Review, Revise, Rejoice"
    assert [(t.jurisdiction, t.members) for t in whole.teams] == [(cast.alder, 3), (cast.birch, 2)]
    assert [t.jurisdiction for t in own.teams] == [cast.alder]


def test_a_cohort_is_not_shown_to_someone_none_of_whose_teams_is_in_it(cast: Cast) -> None:
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        add_jurisdiction(session, admin, "Cedar County")
        add_person(session, admin, "pm@cedar.example.org", "Cy Cedar", "equity_program_manager", "Cedar County")
    for who in ("pm@cedar.example.org", cast.outsider):
        with transaction() as session, pytest.raises(PermissionDenied) as refused:
            show_cohort(session, resolve_actor(session, who), cast.cohort)
        assert "none of their jurisdictions is enrolled in it" in str(refused.value)
