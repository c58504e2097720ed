"""Community input and engagement levels (session 3), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from assessment.barriers.service import add_barrier, barrier_history, get_barrier
from assessment.barriers.shapes import BarrierCreate
from assessment.cohorts.people import resolve_actor
from assessment.community import spectrum
from assessment.community.engagement import engagement_history, engagement_of, engagement_records, set_engagement
from assessment.community.service import add_input, link_input, list_inputs, unlink_input
from assessment.community.shapes import InputCreate
from assessment.core.db import transaction
from assessment.core.errors import PermissionDenied, ValidationFailed
from assessment.core.fields import utcnow
from assessment.core.shapes import validate
from tests.conftest import Cast

SESSION: dict[str, Any] = {
    "source": "Listening session",
    "held_on": date(2026, 6, 4),
    "participants": "24",
    "organizations": ["Eastside Promotoras", "Harbor Youth Collective"],
    "themes": "Waiting 90 days to be paid\nInsurance we cannot afford",
    "quotes": ["We fronted three months of payroll before the first check came."],
}


def record(cast: Cast, who: str | None = None, place: str | None = None, **fields: Any) -> dict[str, Any]:
    with transaction() as session:
        data = validate(InputCreate, {**SESSION, **fields}, "community input")
        item = add_input(session, resolve_actor(session, who or cast.alder_officer), place or cast.alder, data)
        return item.model_dump(mode="json")


def barrier(cast: Cast, place: str | None = None, who: str | None = None) -> int:
    with transaction() as session:
        data = validate(
            BarrierCreate,
            {"title": "Reimbursement-only contracts", "category": "payment_cash_flow", "stage": "invoicing_payment"},
            "barrier",
        )
        return add_barrier(session, resolve_actor(session, who or cast.alder_officer), place or cast.alder, data).id


def test_community_input_is_recorded_and_linked_to_a_barrier(cast: Cast) -> None:
    heard = record(cast)
    assert {k: heard[k] for k in ("source", "source_label", "held_on", "participants", "themes", "barriers")} == {
        "source": "listening_session",
        "source_label": "Listening session",
        "held_on": "2026-06-04",
        "participants": 24,
        "themes": ["Waiting 90 days to be paid", "Insurance we cannot afford"],
        "barriers": [],
    }
    survey = record(cast, source="CBO survey", participants=None, quotes=[])
    target = barrier(cast)
    with transaction() as session:
        officer = resolve_actor(session, cast.alder_officer)
        assert link_input(session, officer, heard["id"], target, "heard at the June session")
        assert link_input(session, officer, survey["id"], target)
        assert not link_input(session, officer, heard["id"], target)  # already linked: nothing new
    with transaction() as session:
        exec_lead = resolve_actor(session, cast.alder_exec)
        shown = get_barrier(session, exec_lead, target).model_dump(mode="json")
        assert (shown["inputs"], shown["version"]) == ([heard["id"], survey["id"]], 3)
        assert [(e.field, e.old, e.new, e.note) for e in barrier_history(session, exec_lead, target)[1:]] == [
            ("inputs", None, str(heard["id"]), "heard at the June session"),
            ("inputs", str(heard["id"]), f"{heard['id']}, {survey['id']}", ""),
        ]
        assert [i.source for i in list_inputs(session, exec_lead, cast.alder)] == ["listening_session", "cbo_survey"]
        assert [i.id for i in list_inputs(session, exec_lead, cast.alder, source="cbo_survey")] == [survey["id"]]
        assert list_inputs(session, exec_lead, cast.alder)[0].barriers == [target]
    with transaction() as session:
        assert unlink_input(session, resolve_actor(session, cast.alder_manager), survey["id"], target, "duplicate")
        assert get_barrier(session, resolve_actor(session, cast.lead), target).inputs == [heard["id"]]


def test_input_links_only_to_barriers_of_its_own_jurisdiction(cast: Cast) -> None:
    heard = record(cast)
    birchs = barrier(cast, cast.birch, cast.birch_officer)
    with pytest.raises(ValidationFailed, match="belong to different jurisdictions"):
        with transaction() as session:
            link_input(session, resolve_actor(session, cast.admin), heard["id"], birchs)
    with pytest.raises(ValidationFailed, match="inputs: community input .* belongs to another jurisdiction"):
        with transaction() as session:
            data = validate(
                BarrierCreate,
                {"title": "T", "category": "insurance_bonding", "stage": "contracting", "inputs": str(heard["id"])},
                "barrier",
            )
            add_barrier(session, resolve_actor(session, cast.birch_officer), cast.birch, data)


def test_community_input_problems_are_listed_by_field(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        record(cast, source="town hall", held_on=utcnow().date() + timedelta(days=2), participants=-3)
    problems = {p.location: p.message for p in refused.value.problems}
    assert set(problems) == {"source", "held_on", "participants"}
    assert problems["source"] == (
        "'town hall' is not a source of community input; use one of: "
        "Listening session, CBO survey, Interviews, Advisory board"
    )
    assert problems["held_on"].endswith("is in the future")


@pytest.mark.parametrize(
    ("who", "may_write", "may_read"),
    [
        ("alder_officer", True, True),
        ("alder_manager", True, True),
        ("alder_exec", False, True),
        ("birch_officer", False, False),
        ("lead", False, True),
        ("outsider", False, False),
        ("admin", True, True),
    ],
)
def test_who_may_record_and_read_community_input(cast: Cast, who: str, may_write: bool, may_read: bool) -> None:
    email = getattr(cast, who)
    if may_write:
        assert record(cast, who=email)["id"]
    else:
        with pytest.raises(PermissionDenied, match="may not record community input of Alder County"):
            record(cast, who=email)
        with pytest.raises(PermissionDenied, match="may not rate the community engagement of Alder County"):
            with transaction() as session:
                set_engagement(session, resolve_actor(session, email), cast.alder, cast.cohort, 1, 3)
    with transaction() as session:
        actor = resolve_actor(session, email)
        if may_read:
            assert len(list_inputs(session, actor, cast.alder)) == (1 if may_write else 0)
            assert engagement_of(session, actor, cast.alder, cast.cohort) is None
        else:
            with pytest.raises(PermissionDenied):
                list_inputs(session, actor, cast.alder)
            with pytest.raises(PermissionDenied):
                engagement_of(session, actor, cast.alder, cast.cohort)


def test_engagement_is_rated_current_and_aspirational_and_every_rating_is_kept(cast: Cast) -> None:
    with transaction() as session:
        manager = resolve_actor(session, cast.alder_manager)
        set_engagement(session, manager, cast.alder, cast.cohort, 2, "4 - Collaborate", "Surveys after each RFP")
        set_engagement(
            session,
            resolve_actor(session, cast.alder_officer),
            cast.alder,
            cast.cohort,
            "Involve",
            4,
            "Community advisory board reviews scopes",
        )
    with transaction() as session:
        lead = resolve_actor(session, cast.lead)
        latest = engagement_of(session, lead, cast.alder, cast.cohort)
        assert latest is not None
        assert latest is not None and latest.model_dump(mode="json") | {"recorded_at": None} == {
            "current": 3,
            "current_name": "Involve",
            "aspirational": 4,
            "aspirational_name": "Collaborate",
            "gap": 1,
            "evidence": "Community advisory board reviews scopes",
            "recorded_by": cast.alder_officer,
            "recorded_at": None,
        }
        assert [(r.current, r.aspirational) for r in engagement_records(session, lead, cast.alder, cast.cohort)] == [
            (2, 4),
            (3, 4),
        ]
        assert [
            (e.field, e.old, e.new, e.actor) for e in engagement_history(session, lead, cast.alder, cast.cohort)
        ] == [
            ("current_level", None, "2 Consult", cast.alder_manager),
            ("aspirational_level", None, "4 Collaborate", cast.alder_manager),
            ("current_level", "2 Consult", "3 Involve", cast.alder_officer),
        ]
        assert engagement_of(session, lead, cast.birch, cast.cohort) is None


@pytest.mark.parametrize(
    ("current", "aspirational", "problem"),
    [
        (6, 5, "current: Input should be less than or equal to 5"),
        (-1, 3, "current: Input should be greater than or equal to 0"),
        (2, "Lead", "aspirational: 'Lead' is not a level of the engagement spectrum; use one of: 0 Ignore, 1 Inform"),
        (4, 2, "aspirational: the aspirational level (2) is below the current level (4)"),
        (2.5, 3, "current: '2.5' is not a whole number"),
    ],
)
def test_engagement_levels_are_checked(cast: Cast, current: int | str, aspirational: int | str, problem: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        with transaction() as session:
            set_engagement(
                session, resolve_actor(session, cast.alder_manager), cast.alder, cast.cohort, current, aspirational
            )
    assert problem in str(refused.value)
    with transaction() as session:
        assert engagement_of(session, resolve_actor(session, cast.admin), cast.alder, cast.cohort) is None


def test_engagement_records_cannot_be_rewritten(cast: Cast) -> None:
    from sqlalchemy.exc import DBAPIError

    with transaction() as session:
        set_engagement(session, resolve_actor(session, cast.alder_manager), cast.alder, cast.cohort, 1, 3)
    with pytest.raises(DBAPIError, match="append-only"):
        with transaction() as session:
            session.connection().execute(text("UPDATE engagement_record SET current_level = 5"))


def test_the_engagement_spectrum_loads_its_six_levels() -> None:
    assert [level.value for level in spectrum.engagement_levels()] == [0, 1, 2, 3, 4, 5]
    assert spectrum.engagement_name(5) == "Defer to"
