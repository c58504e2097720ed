"""The regional policy recommendation: drafted and changed by an alliance lead (versioned, with
history), its evidence drawn from the barrier ranking, endorsed per jurisdiction by its program
manager or executive lead, withdrawn; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from assessment.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from assessment.core.shapes import validate
from assessment.recommendations.models import EndorsementPublic
from assessment.recommendations.shapes import RecommendationCreate
from tests.conftest import Cast
from tests.recommendations.helpers import (
    PROMPT_PAY,
    draft,
    endorse,
    history,
    listed,
    shown,
    unendorse,
    update,
    withdraw,
)
from tests.recommendations.regional import (
    INSURANCE,
    INSURANCE_SAID,
    OUTSIDE,
    OUTSIDE_MANAGER,
    OUTSIDE_ONLY,
    PAYMENT,
    PAYMENT_SAID,
    REPORTING,
    REPORTING_SAID,
    Region,
    add_places,
    record_barriers,
)


@pytest.fixture
def region(cast: Cast) -> Region:
    made = add_places(cast)
    record_barriers(made)
    return made


def test_an_alliance_lead_drafts_it_with_evidence_from_the_ranking(region: Region, cast: Cast) -> None:
    typed = "Nine CBOs told the listening sessions they stopped bidding because of late payment."
    made = draft(cast.lead, cast.cohort, categories=[PAYMENT, "Insurance & bonding/Contracting"], evidence=typed)
    assert made.evidence == f"{PAYMENT_SAID}\n{INSURANCE_SAID}\n{typed}"
    assert made.categories == [PAYMENT, INSURANCE]
    assert (made.version, made.status, made.status_label, made.level, made.level_label) == (
        1,
        "draft",
        "Draft",
        "state",
        "State",
    )
    assert (made.cohort, made.problem, made.endorsements, made.withdrawal_reason) == (
        cast.cohort,
        PROMPT_PAY["problem"],  # line breaks kept
        [],
        None,
    )
    assert (made.created_by, made.updated_by) == (cast.lead, cast.lead)
    assert history(cast.alder_exec, made.id) == [(cast.lead, "created", None, PROMPT_PAY["title"], "")]


def test_a_ranking_row_the_cohort_has_no_barrier_in_is_refused(region: Region, cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        draft(cast.lead, cast.cohort, categories=[PAYMENT, OUTSIDE_ONLY])
    assert str(refused.value.problems[0]) == (
        f"categories: no barrier of {cast.cohort}'s jurisdictions is in {OUTSIDE_ONLY}, so the ranking has no "
        f'figures for it. See the rows there are with `accelerator barrier rank --cohort "{cast.cohort}"`.'
    )
    assert listed(cast.lead, cast.cohort) == []


def test_a_ranking_row_is_named_by_category_and_stage(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        validate(RecommendationCreate, {**PROMPT_PAY, "categories": ["payment_cash_flow"]}, "recommendation")
    assert "write it as CATEGORY/STAGE, e.g. payment_cash_flow/invoicing_payment" in str(refused.value)
    with pytest.raises(ValidationFailed, match="'paymnt_cash_flow' is not a barrier category; did you mean"):
        validate(RecommendationCreate, {**PROMPT_PAY, "categories": ["paymnt_cash_flow/contracting"]}, "x")
    with pytest.raises(ValidationFailed, match="'city hall' is not a level of government"):
        validate(RecommendationCreate, {**PROMPT_PAY, "level": "city hall"}, "recommendation")


def test_a_change_is_a_new_version_with_its_history(cast: Cast) -> None:
    made = draft(cast.lead, cast.cohort)
    changed, notices = update(cast.lead, made.id, 1, "federal rules bind the state", level="Federal", title="Pay fast")
    assert (changed.version, changed.level_label, changed.title, notices) == (2, "Federal", "Pay fast", [])
    assert history(cast.lead, made.id)[1:] == [
        (cast.lead, "title", PROMPT_PAY["title"], "Pay fast", "federal rules bind the state"),
        (cast.lead, "level", "state", "federal", "federal rules bind the state"),
    ]


def test_a_stale_change_is_refused(cast: Cast) -> None:
    made = draft(cast.lead, cast.cohort)
    update(cast.lead, made.id, 1, title="Pay within 30 days")
    with pytest.raises(Conflict) as refused:
        update(cast.admin, made.id, 1, title="Pay within 45 days")
    assert str(refused.value).startswith(
        f"Recommendation {made.id} was changed since you read version 1: by {cast.lead} at "
    )
    assert "Nothing was saved; reload it (it is now version 2)" in str(refused.value)
    assert (shown(cast.lead, made.id).title, shown(cast.lead, made.id).version) == ("Pay within 30 days", 2)


def test_new_ranking_rows_rewrite_the_evidence(region: Region, cast: Cast) -> None:
    made = draft(cast.lead, cast.cohort, categories=[PAYMENT], evidence="typed at first")
    changed, _ = update(cast.lead, made.id, 1, categories=[REPORTING])
    assert (changed.evidence, changed.categories) == (REPORTING_SAID, [REPORTING])
    typed, _ = update(cast.lead, made.id, 2, evidence="Only our own words now.")
    assert (typed.evidence, typed.categories, typed.version) == ("Only our own words now.", [REPORTING], 3)


def test_only_an_alliance_lead_or_an_admin_drafts_and_changes_it(cast: Cast) -> None:
    with pytest.raises(PermissionDenied) as refused:
        draft(cast.alder_manager, cast.cohort)
    assert str(refused.value) == (
        f"{cast.alder_manager} may not draft recommendations for {cast.cohort}. Only an alliance lead or an admin may."
    )
    made = draft(cast.admin, cast.cohort)
    with pytest.raises(PermissionDenied, match="may not change the recommendations of 2026 Test Cohort"):
        update(cast.alder_exec, made.id, 1, title="Mine now")
    assert shown(cast.lead, made.id).version == 1


def test_a_program_manager_or_executive_lead_endorses_it_once_for_their_jurisdiction(cast: Cast) -> None:
    made = draft(cast.lead, cast.cohort)
    given = endorse(cast.alder_manager, made.id, cast.alder, "Our board backs it")
    assert (given.changed, given.jurisdiction, given.said) == (
        True,
        cast.alder,
        f"Alder County endorses recommendation {made.id} (Prompt payment for community contracts).",
    )
    (standing,) = given.recommendation.endorsements
    assert standing.model_dump(exclude={"endorsed_at"}) == {
        "jurisdiction": cast.alder,
        "person": "Nguyễn Thị Hồng",
        "email": cast.alder_manager,
        "role": "equity program manager",
        "note": "Our board backs it",
    }

    again = endorse(cast.alder_exec, made.id, "alder county", "twice")
    assert again.changed is False
    assert again.said == (
        f"Alder County already endorses recommendation {made.id} (endorsed by Nguyễn Thị Hồng on "
        f"{standing.endorsed_at:%Y-%m-%d}); nothing changed."
    )
    assert again.recommendation.endorsements == [standing]

    endorse(cast.birch_manager, made.id, cast.birch)
    after = shown(cast.birch_officer, made.id)
    assert [(e.jurisdiction, e.person, e.role) for e in after.endorsements] == [
        (cast.alder, "Nguyễn Thị Hồng", "equity program manager"),
        (cast.birch, "김민준", "equity program manager"),
    ]
    assert after.version == 1  # endorsing is not an edit of the recommendation
    assert history(cast.lead, made.id)[1:] == [
        (cast.alder_manager, "endorsement", None, cast.alder, "Our board backs it"),
        (cast.birch_manager, "endorsement", None, cast.birch, ""),
    ]


@pytest.mark.parametrize("who", ["alder_officer", "birch_manager", "lead"])
def test_only_the_jurisdictions_program_manager_or_executive_lead_endorses_for_it(cast: Cast, who: str) -> None:
    made = draft(cast.lead, cast.cohort)
    with pytest.raises(PermissionDenied) as refused:
        endorse(getattr(cast, who), made.id, cast.alder)
    assert str(refused.value) == (
        f"{getattr(cast, who)} may not endorse recommendations for Alder County. Only an equity program manager of "
        "Alder County, an executive lead of Alder County or an admin may."
    )
    assert shown(cast.lead, made.id).endorsements == []


def test_a_jurisdiction_outside_the_cohort_cannot_endorse_its_recommendations(cast: Cast) -> None:
    add_places(cast)
    made = draft(cast.lead, cast.cohort)
    with pytest.raises(NotFound) as refused:
        endorse(OUTSIDE_MANAGER, made.id, OUTSIDE)
    assert str(refused.value).startswith(
        f"Outside County is not a team of {cast.cohort}, so it cannot endorse the cohort's recommendations. "
        f'Enroll it with `accelerator team enroll --jurisdiction "Outside County" --cohort "{cast.cohort}"`.'
    )


def test_withdrawing_an_endorsement_keeps_it_in_the_history(cast: Cast) -> None:
    made = draft(cast.lead, cast.cohort)
    endorse(cast.alder_manager, made.id, cast.alder)
    gone = unendorse(cast.alder_exec, made.id, cast.alder, "Waiting for our board")
    assert (gone.changed, gone.said, gone.recommendation.endorsements) == (
        True,
        f"Alder County no longer endorses recommendation {made.id} (Prompt payment for community contracts).",
        [],
    )
    nothing = unendorse(cast.alder_exec, made.id, cast.alder)
    assert (nothing.changed, nothing.said) == (
        False,
        f"Alder County does not endorse recommendation {made.id}, so there is nothing to withdraw; nothing changed.",
    )
    back = endorse(cast.alder_exec, made.id, cast.alder)
    assert back.changed is True
    assert [(e.person, e.role) for e in back.recommendation.endorsements] == [("Erin Exec", "executive lead")]
    assert history(cast.lead, made.id)[1:] == [
        (cast.alder_manager, "endorsement", None, cast.alder, ""),
        (cast.alder_exec, "endorsement", cast.alder, None, "Waiting for our board"),
        (cast.alder_exec, "endorsement", None, cast.alder, ""),
    ]


def test_withdrawing_the_recommendation_needs_a_reason_and_ends_its_endorsing(cast: Cast) -> None:
    made = draft(cast.lead, cast.cohort)
    endorse(cast.alder_manager, made.id, cast.alder)
    with pytest.raises(ValidationFailed) as no_reason:
        withdraw(cast.lead, made.id, "  ")
    assert [str(p) for p in no_reason.value.problems] == [
        "reason: is missing; say why the recommendation is withdrawn (it is kept in its history)."
    ]
    with pytest.raises(PermissionDenied) as not_theirs:
        withdraw(cast.alder_manager, made.id, "we changed our mind")
    assert "Only an alliance lead or an admin may. To withdraw your jurisdiction's endorsement instead, add " in str(
        not_theirs.value
    )

    withdrawn, notices = withdraw(cast.lead, made.id, "Merged into the prompt-payment bill")
    assert (withdrawn.status_label, withdrawn.version, withdrawn.withdrawal_reason, notices) == (
        "Withdrawn",
        2,
        "Merged into the prompt-payment bill",
        [],
    )
    assert history(cast.lead, made.id)[-1] == (
        cast.lead,
        "status",
        "draft",
        "withdrawn",
        "Merged into the prompt-payment bill",
    )
    with pytest.raises(Conflict) as closed:
        endorse(cast.birch_manager, made.id, cast.birch)
    assert str(closed.value).startswith(
        f"Recommendation {made.id} was withdrawn by {cast.lead} (Merged into the prompt-payment bill), so it can no "
        "longer be endorsed."
    )
    with pytest.raises(ValidationFailed, match="status: it was withdrawn"):
        update(cast.lead, made.id, None, title="Revived")
    again, notices = withdraw(cast.lead, made.id, "twice")
    assert again.version == 2
    assert notices == [
        f"Recommendation {made.id} was already withdrawn (Merged into the prompt-payment bill); nothing changed."
    ]


def test_the_cohorts_teams_and_regional_roles_read_its_recommendations(cast: Cast) -> None:
    add_places(cast)
    first = draft(cast.lead, cast.cohort)
    second = draft(cast.lead, cast.cohort, title="Insurance scaled to risk", level="county_city")
    assert [(r.id, r.level_label) for r in listed(cast.birch_officer, cast.cohort)] == [
        (first.id, "State"),
        (second.id, "County or city"),
    ]
    assert shown(cast.alder_exec, second.id).title == "Insurance scaled to risk"
    with pytest.raises(PermissionDenied) as refused:
        listed(cast.outsider, cast.cohort)
    assert str(refused.value) == (
        f"{cast.outsider} may not read the recommendations of {cast.cohort}: none of their jurisdictions is enrolled "
        "in it. Only members of its teams, an alliance lead or an admin may."
    )
    with pytest.raises(PermissionDenied):
        shown(OUTSIDE_MANAGER, first.id)
    with pytest.raises(NotFound, match="No recommendation with id 999"):
        shown(cast.lead, 999)


def test_endorsements_read_the_same_on_every_path(cast: Cast) -> None:
    made = draft(cast.lead, cast.cohort)
    given = endorse(cast.alder_manager, made.id, cast.alder).recommendation.endorsements
    assert shown(cast.lead, made.id).endorsements == given
    assert listed(cast.lead, cast.cohort)[0].endorsements == given
    assert all(isinstance(e, EndorsementPublic) for e in given)


def test_an_endorsement_given_in_between_is_found_not_doubled(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessment.recommendations import service

    made = draft(cast.lead, cast.cohort)
    endorse(cast.alder_manager, made.id, cast.alder)
    # As if the executive lead had looked before the manager's endorsement was saved: the insert meets
    # the standing one in the unique index, and the lead is told it is already given.
    monkeypatch.setattr(service, "_current", lambda session, ident, place: None)
    late = endorse(cast.alder_exec, made.id, cast.alder)
    assert (late.changed, late.said.split(" (")[0]) == (
        False,
        f"Alder County already endorses recommendation {made.id}",
    )
    assert [e.person for e in shown(cast.lead, made.id).endorsements] == ["Nguyễn Thị Hồng"]
    assert [entry[1] for entry in history(cast.lead, made.id)] == ["created", "endorsement"]
