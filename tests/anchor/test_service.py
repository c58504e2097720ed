"""Anchor commitments: made, changed and read back with history through the one versioned-change
mechanism, the status lifecycle, who may do what, and typed progress, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from assessment.anchor.measures import record_measure
from assessment.anchor.service import commitment_history, list_commitments
from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team
from assessment.core.db import transaction
from assessment.core.errors import Conflict, PermissionDenied, ValidationFailed
from assessment.core.fields import utcnow
from assessment.sessions.facts import check, team_at
from tests.anchor.helpers import DUE, TODAY, add_finance, change, commit, hiring, shown
from tests.conftest import Cast


def test_a_commitment_is_made_and_reads_back(cast: Cast) -> None:
    made, warnings = commit(cast, who=cast.alder_exec, **hiring(cast, statement="Contratar en los barrios de Alder"))
    assert warnings == []
    view = shown(cast, made.id).model_dump(mode="json")
    assert {k: view[k] for k in view if k not in ("id", "created_at", "updated_at")} == {
        "version": 1,
        "jurisdiction": "Alder County",
        "cohort": cast.cohort,
        "category": "hire",
        "category_label": "Hire",
        "statement": "Contratar en los barrios de Alder",
        "measure": "share of new hires living in the lowest HPI quartile",
        "baseline": "8",
        "target": "20",
        "unit": "%",
        "due": DUE.isoformat(),
        "owner": cast.alder_manager,
        "spend_metric": None,
        "spend_metric_label": None,
        "status": "not_started",
        "status_label": "Not started",
        "progress": {"source": "typed", "value": None, "as_of": None, "share": None, "said": "no value recorded yet"},
        "warnings": [],
        "created_by": cast.alder_exec,
        "updated_by": cast.alder_exec,
    }


def test_every_problem_of_a_new_commitment_is_named_by_field(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        commit(cast, **hiring(cast, category="hiring", statement=" ", target="a lot", due=TODAY - timedelta(days=1)))
    assert [p.location for p in refused.value.problems] == ["category", "statement", "target", "due"]
    assert "did you mean 'Hire'?" in str(refused.value)
    assert "a commitment's due date must be today or later" in str(refused.value)

    with pytest.raises(ValidationFailed) as refused:
        commit(cast, **hiring(cast, measure="", baseline="20", owner=cast.birch_manager))
    problems = {p.location: str(p) for p in refused.value.problems}
    assert list(problems) == ["owner", "measure", "target"]
    assert "holds no role in Alder County, so is not on its team" in problems["owner"]
    assert '--jurisdiction "Alder County"' in problems["owner"]
    assert "a commitment says how its progress is measured" in problems["measure"]
    assert "equals the baseline" in problems["target"]

    with pytest.raises(ValidationFailed, match="owner: nobody with the email ghost@example.org is registered"):
        commit(cast, **hiring(cast, owner="ghost@example.org"))
    with transaction() as session:
        assert list_commitments(session, resolve_actor(session, cast.admin), cast.alder, cast.cohort) == []


def test_an_owner_defaults_to_the_person_committing_who_must_be_on_the_team(cast: Cast) -> None:
    made, _ = commit(cast, who=cast.alder_officer, **hiring(cast, owner=None))
    assert made.owner == cast.alder_officer
    with pytest.raises(ValidationFailed, match=f"owner: Ada Admin <{cast.admin}> holds no role in Alder County"):
        commit(cast, who=cast.admin, **hiring(cast, owner=None))


def test_a_commitment_is_changed_with_its_history(cast: Cast) -> None:
    made, _ = commit(cast, **hiring(cast, baseline=None))
    assert made.warnings == [
        "The commitment has no baseline yet, so its progress can't be measured; "
        f"add it with `accelerator commitment update {made.id} --baseline VALUE`."
    ]
    changed, notices = change(cast, made.id, 1, "payroll pulled the 2025 hires", baseline="7.5", target="18")
    assert (changed.version, changed.baseline, changed.target, changed.warnings, notices) == (2, "7.5", "18", [], [])
    change(cast, made.id, 2, who=cast.alder_exec, status="On track", owner=cast.alder_exec)
    typed, _ = change(cast, made.id, 3, "first quarter", value="11", as_of=TODAY - timedelta(days=3))
    assert typed.version == 3  # a typed value is progress, not a new version
    assert typed.progress.model_dump() == {
        "source": "typed",
        "value": "11",
        "as_of": TODAY - timedelta(days=3),
        "share": 0.3333,
        "said": f"11 % as of {(TODAY - timedelta(days=3)).isoformat()}",
    }
    with transaction() as session:
        entries = commitment_history(session, resolve_actor(session, cast.lead), made.id)
    assert [(e.entity, e.field, e.old, e.new, e.actor, e.note) for e in entries] == [
        ("anchor_commitment", "created", None, made.statement, cast.alder_manager, made.warnings[0]),
        ("anchor_commitment", "baseline", None, "7.5", cast.alder_manager, "payroll pulled the 2025 hires"),
        ("anchor_commitment", "target", "20", "18", cast.alder_manager, "payroll pulled the 2025 hires"),
        ("anchor_commitment", "owner", cast.alder_manager, cast.alder_exec, cast.alder_exec, ""),
        ("anchor_commitment", "status", "not_started", "on_track", cast.alder_exec, ""),
        (
            "anchor_commitment",
            "measure_value",
            None,
            "11",
            cast.alder_manager,
            f"as of {(TODAY - timedelta(days=3)).isoformat()}: first quarter",
        ),
    ]


def test_a_closing_move_and_reopening_need_a_note(cast: Cast) -> None:
    made, _ = commit(cast, **hiring(cast))
    ident = made.id
    change(cast, ident, 1, status="at_risk")
    with pytest.raises(ValidationFailed, match="status: Marking a commitment met needs a note"):
        change(cast, ident, 2, status="met")
    with pytest.raises(ValidationFailed, match="status: Dropping a commitment needs a note"):
        change(cast, ident, 2, status="dropped")
    change(cast, ident, 2, "20.4% of 2026 hires", status="met")
    with pytest.raises(ValidationFailed, match="status: Reopening a commitment that is met needs a note"):
        change(cast, ident, 3, status="on_track")
    with pytest.raises(ValidationFailed, match="status: Dropping a commitment needs a note"):
        change(cast, ident, 3, status="dropped")
    reopened, _ = change(cast, ident, 3, "the county hiring freeze undid it", status="off_track")
    assert (reopened.status, reopened.version) == ("off_track", 4)
    with pytest.raises(ValidationFailed, match="'finished' is not a commitment status"):
        change(cast, ident, 4, status="finished")


def test_a_stale_change_is_refused_naming_who_changed_it(cast: Cast) -> None:
    made, _ = commit(cast, **hiring(cast))
    change(cast, made.id, 1, who=cast.alder_officer, unit="percent")
    with pytest.raises(
        Conflict, match=f"Commitment {made.id} was changed since you read version 1: by {cast.alder_officer}"
    ):
        change(cast, made.id, 1, unit="% of hires")
    with pytest.raises(Conflict, match="was changed since you read version 1"):
        change(cast, made.id, 1, value="12")  # a value alone is checked against the version read, too
    with pytest.raises(Conflict, match="has no version 7; it is at version 2"):
        change(cast, made.id, 7, target="30")
    after = shown(cast, made.id)
    assert (after.unit, after.version, after.progress.value) == ("percent", 2, None)
    unversioned, notices = change(cast, made.id, None, unit="% of new hires")
    assert (unversioned.version, notices) == (3, [])


@pytest.mark.parametrize(
    ("who", "may_write", "may_read"),
    [
        ("alder_manager", True, True),
        ("alder_exec", True, True),
        ("alder_officer", True, True),
        ("finance", False, True),
        ("lead", False, True),
        ("birch_manager", False, False),
        ("outsider", False, False),
        ("admin", True, True),
    ],
)
def test_who_may_make_change_and_read_commitments(cast: Cast, who: str, may_write: bool, may_read: bool) -> None:
    email = add_finance(cast) if who == "finance" else getattr(cast, who)
    made, _ = commit(cast, **hiring(cast))
    if may_write:
        assert commit(cast, who=email, **hiring(cast))[0].created_by == email
        assert change(cast, made.id, 1, who=email, status="on_track")[0].version == 2
        assert change(cast, made.id, None, who=email, value="9")[0].progress.value == "9"
    else:
        with pytest.raises(
            PermissionDenied,
            match=f"{email} may not make anchor commitments for Alder County. Only an equity program manager of "
            "Alder County, an executive lead of Alder County, a procurement officer of Alder County or an admin may.",
        ):
            commit(cast, who=email, **hiring(cast))
        with pytest.raises(PermissionDenied, match="may not change the anchor commitments of Alder County"):
            change(cast, made.id, 1, who=email, status="on_track")
        with pytest.raises(PermissionDenied, match="may not change the anchor commitments of Alder County"):
            with transaction() as session:
                record_measure(session, resolve_actor(session, email), made.id, 9)
    if may_read:
        assert shown(cast, made.id, who=email).id == made.id
        with transaction() as session:
            assert [c.id for c in list_commitments(session, resolve_actor(session, email), cast.alder, cast.cohort)]
    else:
        with pytest.raises(PermissionDenied, match="may not read the anchor commitments of Alder County"):
            shown(cast, made.id, who=email)


def test_commitments_are_listed_by_category_then_due_date(cast: Cast) -> None:
    partner, _ = commit(cast, **hiring(cast, category="partner", statement="Partner with the food bank"))
    late, _ = commit(cast, **hiring(cast, statement="Hire locally, later", due=DUE + timedelta(days=30)))
    soon, _ = commit(cast, **hiring(cast, statement="Hire locally, soon"))
    invest, _ = commit(cast, **hiring(cast, category="Invest", statement="Bank with a community credit union"))
    with transaction() as session:
        finance = resolve_actor(session, cast.lead)
        assert [c.id for c in list_commitments(session, finance, cast.alder, cast.cohort)] == [
            soon.id,
            late.id,
            invest.id,
            partner.id,
        ]
        assert [c.id for c in list_commitments(session, finance, cast.alder, cast.cohort, "hire")] == [soon.id, late.id]
        with pytest.raises(ValidationFailed, match="'lend' is not a commitment category"):
            list_commitments(session, finance, cast.alder, cast.cohort, "lend")


def test_session_7_holds_once_a_commitment_has_a_measurable_target(cast: Cast) -> None:
    def fact() -> tuple[bool, str, str]:
        with transaction() as session:
            team, _, _ = get_team(session, cast.alder, cast.cohort)
            found = check("anchor_commitments", session, team_at(session, team))
            return found.holds, found.said, found.fix

    holds, said, fix = fact()
    assert (holds, said) == (False, "no anchor commitment is made")
    assert fix.startswith('make one with `accelerator commitment add --jurisdiction "Alder County"')
    made, _ = commit(cast, **hiring(cast, baseline=None))
    assert fact() == (
        False,
        f"no anchor commitment has a baseline to measure its target from (commitment {made.id} has none)",
        f"add it with `accelerator commitment update {made.id} --baseline VALUE`",
    )
    change(cast, made.id, 1, baseline="8")
    assert fact()[:2] == (True, "1 anchor commitment(s) with a measurable target (hire)")
    change(cast, made.id, 2, "the budget was cut", status="dropped")
    assert fact()[:2] == (False, "every anchor commitment is dropped")


def test_typed_values_are_append_only(cast: Cast) -> None:
    from sqlalchemy.exc import DBAPIError

    made, _ = commit(cast, **hiring(cast))
    change(cast, made.id, None, value="10")
    with pytest.raises(DBAPIError, match="append-only"):
        with transaction() as session:
            session.connection().execute(text("UPDATE anchor_measure SET value = 20"))
    with pytest.raises(ValidationFailed, match="is in the future"):
        change(cast, made.id, None, value="10", as_of=utcnow().date() + timedelta(days=1))  # today's tomorrow
