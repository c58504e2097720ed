"""Runs at the same moment on a fresh database: the rubric version they use first is stored once,
and every run goes on with it (or is refused when the stored one has other content)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlmodel import Session, func, select

from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team
from assessment.core.db import transaction
from assessment.core.errors import ValidationFailed
from assessment.selfassessment import service as assessments
from assessment.selfassessment import versions
from assessment.selfassessment.models import Assessment, RubricVersion
from assessment.selfassessment.rubric import Rubric
from assessment.selfassessment.shapes import RespondentInfo, WorkbookRatings
from tests.conftest import Cast
from tests.rubrics import small_rubric

RUBRIC = small_rubric()


def workbook(email: str) -> WorkbookRatings:
    levels: dict[str, int | None] = {i.id: 2 for i in RUBRIC.indicators}
    return WorkbookRatings(
        source=f"{email.split('@')[0]}.xlsx",
        respondent=RespondentInfo(name=email.split("@")[0].title(), email=email, role="finance"),
        ratings=levels,
        answers={k: f"2 - {RUBRIC.level_name(2)}" for k in levels},
        evidence={k: "" for k in levels},
    )


def submit(who: str, jurisdiction: str, cast: Cast) -> str:
    """Store a run of one workbook as ``who``; its outcome ("created", ...)."""
    books = [workbook(f"someone@{jurisdiction.split()[0].lower()}.org")]
    with transaction() as session:
        actor = resolve_actor(session, who)
        team, _, _ = get_team(session, jurisdiction, cast.cohort)
        result = assessments.score_run(
            session, team, assessments.parse_cycle("baseline"), RUBRIC, assessments.responses_of(books)
        )
        return assessments.record(session, actor, jurisdiction, cast.cohort, "baseline", RUBRIC, books, result).outcome


def register(who: str, rubric: Rubric = RUBRIC) -> RubricVersion:
    with transaction() as session:
        return versions.register_rubric(session, rubric, resolve_actor(session, who))


def stored() -> list[tuple[str, str, str]]:
    with transaction() as session:
        return [(r.rubric_id, r.version, r.first_used_by) for r in session.exec(select(RubricVersion))]


def assessments_stored() -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(Assessment)).one()


def after_the_check(monkeypatch: pytest.MonkeyPatch, then: Callable[[], object]) -> None:
    """Run ``then`` each time a registration has found no stored version, before it stores one."""
    real = versions.check_rubric

    def checked(session: Session, rubric: Rubric) -> RubricVersion | None:
        used = real(session, rubric)
        if used is None:
            then()
        return used

    monkeypatch.setattr(versions, "check_rubric", checked)


def concurrently(*work: Callable[[], object]) -> list[Exception]:
    """Run each piece of work in a thread of its own; the failures."""
    failures: list[Exception] = []

    def run(piece: Callable[[], object]) -> None:
        try:
            piece()
        except Exception as exc:  # reported by the caller's assertion, whatever it is
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(piece,)) for piece in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


def test_two_runs_that_use_a_rubric_first_at_the_same_moment_both_succeed(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_checked = threading.Barrier(2)
    # both find no stored version before either stores it; PostgreSQL makes the second insert wait
    after_the_check(monkeypatch, lambda: both_checked.wait(timeout=30))
    outcomes: list[str] = []
    failures = concurrently(
        lambda: outcomes.append(submit(cast.alder_manager, cast.alder, cast)),
        lambda: outcomes.append(submit(cast.birch_manager, cast.birch, cast)),
    )
    assert failures == []
    assert outcomes == ["created", "created"]
    assert len(stored()) == 1 and assessments_stored() == 2


def test_many_first_registrations_at_once_store_one_version(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    people = [cast.admin, cast.lead, cast.alder_manager, cast.birch_manager, cast.alder_officer, cast.birch_officer]
    all_checked = threading.Barrier(len(people))
    after_the_check(monkeypatch, lambda: all_checked.wait(timeout=30))
    kept: list[int | None] = []
    failures = concurrently(*[lambda who=who: kept.append(register(who).id) for who in people])
    assert failures == []
    [(rubric_id, version, first)] = stored()
    assert (rubric_id, version) == (RUBRIC.id, RUBRIC.version) and first in people
    assert len(kept) == len(people) and len(set(kept)) == 1


def test_a_version_stored_between_the_check_and_the_insert_is_the_one_kept(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    pending = [lambda: register(cast.lead)]
    after_the_check(monkeypatch, lambda: pending and pending.pop()())
    used = register(cast.alder_manager)
    assert used.first_used_by == cast.lead
    assert stored() == [(RUBRIC.id, RUBRIC.version, cast.lead)]


def test_other_content_stored_between_the_check_and_the_insert_is_refused(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = small_rubric(weights=(1, 1, 1))  # same id and version, other content
    pending = [lambda: register(cast.lead, edited)]
    after_the_check(monkeypatch, lambda: pending and pending.pop()())
    with pytest.raises(ValidationFailed) as refused:
        submit(cast.alder_manager, cast.alder, cast)
    assert f"The rubric {RUBRIC.id} version {RUBRIC.version} was changed after it was first used" in str(refused.value)
    assert "save the changed rubric with a new version number" in str(refused.value)
    assert stored() == [(RUBRIC.id, RUBRIC.version, cast.lead)] and assessments_stored() == 0


def test_a_run_that_fails_after_registering_leaves_no_rubric_version(cast: Cast) -> None:
    with pytest.raises(RuntimeError), transaction() as session:
        versions.register_rubric(session, RUBRIC, resolve_actor(session, cast.alder_manager))
        raise RuntimeError("the run failed later")
    assert stored() == []
