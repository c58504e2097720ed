"""Session 8's deliverables as the session sequence checks them: a regional barrier ranking exists
(two of the cohort's jurisdictions have recorded barriers), and the team endorses a standing
recommendation of its cohort."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from assessment.cohorts.service import get_team
from assessment.core.db import transaction
from assessment.recommendations.models import Endorsement
from assessment.sessions.facts import check, team_at
from tests.conftest import Cast
from tests.recommendations.helpers import draft, endorse, unendorse, withdraw
from tests.recommendations.regional import add_places, record_barrier

RANK = '`accelerator barrier rank --cohort "2026 Test Cohort"`'
AT_LEAST_TWO = "a regional ranking needs barriers from at least two"


def fact(cast: Cast, key: str, place: str | None = None) -> tuple[bool, str, str]:
    with transaction() as session:
        team, _, _ = get_team(session, place or cast.alder, cast.cohort)
        found = check(key, session, team_at(session, team))
        return found.holds, found.said, found.fix


def test_a_regional_ranking_exists_once_two_of_the_cohorts_jurisdictions_record_barriers(cast: Cast) -> None:
    region = add_places(cast)
    record_barrier(region, "outside", "payment_cash_flow/invoicing_payment", 3, "state")  # another cohort's
    needs = (
        'each team records its barriers with `accelerator barrier add --jurisdiction "NAME" ...`, '
        f"then the ranking shows with {RANK}"
    )
    assert fact(cast, "regional_barrier_ranking") == (
        False,
        f"none of the cohort's 3 jurisdictions has recorded barriers; {AT_LEAST_TWO}",
        needs,
    )
    record_barrier(region, "birch", "payment_cash_flow/invoicing_payment", 3, "state")
    record_barrier(region, "birch", "insurance_bonding/contracting", 4, "county_city")
    assert fact(cast, "regional_barrier_ranking") == (
        False,
        f"only 1 of the cohort's 3 jurisdictions has recorded barriers; {AT_LEAST_TWO}",
        needs,
    )
    record_barrier(region, "cedar", "payment_cash_flow/invoicing_payment", None, None)
    # Alder has none of its own: the ranking is the cohort's, and Alder can read it
    assert fact(cast, "regional_barrier_ranking") == (
        True,
        f"2 of the cohort's 3 jurisdictions have recorded barriers; see {RANK}",
        "",
    )


def test_the_recommendation_holds_once_the_team_endorses_a_standing_one(cast: Cast) -> None:
    holds, said, fix = fact(cast, "regional_recommendation")
    assert (holds, said) == (False, "the cohort has no recommendation")
    assert fix.startswith(
        'an alliance lead drafts one with `accelerator recommendation draft --cohort "2026 Test Cohort"'
    )

    made = draft(cast.lead, cast.cohort)
    endorse(cast.birch_manager, made.id, cast.birch)
    assert fact(cast, "regional_recommendation") == (
        False,
        f"Alder County has not endorsed the cohort's recommendation (standing: {made.id})",
        "its equity program manager or executive lead endorses one with "
        f'`accelerator recommendation endorse {made.id} --jurisdiction "Alder County"`',
    )
    assert fact(cast, "regional_recommendation", cast.birch)[:2] == (
        True,
        f'Birch City endorses recommendation {made.id} ("Prompt payment for community contracts")',
    )

    endorse(cast.alder_exec, made.id, cast.alder)
    assert fact(cast, "regional_recommendation")[0] is True
    unendorse(cast.alder_exec, made.id, cast.alder)
    assert fact(cast, "regional_recommendation")[0] is False

    endorse(cast.alder_exec, made.id, cast.alder)
    withdraw(cast.lead, made.id, "Replaced by a narrower ask")
    assert fact(cast, "regional_recommendation", cast.birch)[:2] == (
        False,
        "every recommendation of the cohort is withdrawn",
    )


def test_the_database_keeps_one_standing_endorsement_per_jurisdiction(cast: Cast) -> None:
    made = draft(cast.lead, cast.cohort)
    endorse(cast.alder_manager, made.id, cast.alder)
    with transaction() as session:
        standing = session.exec(select(Endorsement)).one()
    with pytest.raises(IntegrityError):
        with transaction() as session:
            session.add(
                Endorsement(
                    recommendation_id=made.id,
                    jurisdiction_id=standing.jurisdiction_id,
                    person_id=standing.person_id,
                    role="executive_lead",
                )
            )
