"""Numbered roadmap versions: who may build and see them (the core permission table), which
versions `roadmap diff` compares, and what `roadmap list` and `roadmap diff` print for scripts."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from assessment.barriers.service import add_barrier, update_barrier
from assessment.barriers.shapes import BarrierCreate, BarrierUpdate
from assessment.cohorts.jurisdictions import get_jurisdiction
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.errors import NotFound, PermissionDenied
from assessment.core.fields import utcnow
from assessment.core.permissions import ACCESS, Access, Record, Role, may, who_may
from assessment.roadmap.diff import diff
from assessment.roadmap.models import RoadmapVersion, VersionPublic
from assessment.roadmap.service import compare_versions, get_roadmap, list_versions, next_version, record_version
from assessment.roadmap.snapshot import roadmap_view
from assessment.roadmap.view import RoadmapView
from tests.cli import run_cli
from tests.conftest import Cast

Change = tuple[str, str, str | None, str | None]  # kind, field, old, new


def build(cast: Cast, who: str | None = None, formats: tuple[str, ...] = ("html",)) -> VersionPublic:
    """One build of Alder County's roadmap, as the roadmap-build flow keeps it (without rendering)."""
    with transaction() as session:
        actor = resolve_actor(session, who or cast.alder_manager)
        number = next_version(session, actor, cast.alder, cast.cohort)
        view = roadmap_view(session, actor, cast.alder, cast.cohort, number, utcnow())
        content = view.model_dump(mode="json")
        return record_version(session, actor, cast.alder, cast.cohort, number, view.built_at, content, list(formats))


def barrier(cast: Cast) -> tuple[int, int]:
    with transaction() as session:
        officer = resolve_actor(session, cast.alder_officer)
        insurance = BarrierCreate(
            title="Insurance minimums sized for construction",
            category="insurance_bonding",
            stage="contracting",
            severity=4,
        )
        made = add_barrier(session, officer, cast.alder, insurance)
        return made.id, made.version


def move(cast: Cast, barrier_id: int, version: int, status: str, note: str = "") -> None:
    with transaction() as session:
        officer = resolve_actor(session, cast.alder_officer)
        update_barrier(session, officer, barrier_id, BarrierUpdate(status=status), version, note)


def compare(cast: Cast, number: int | None = None, who: str | None = None) -> tuple[int, int | None, list[Change]]:
    with transaction() as session:
        actor = resolve_actor(session, who or cast.alder_exec)
        found = compare_versions(session, actor, cast.alder, cast.cohort, number)
    return found.version, found.previous, [(c.kind, c.field, c.old, c.new) for c in found.changes]


# --- which versions are compared ------------------------------------------------------------


def test_the_first_version_has_nothing_to_compare_with(cast: Cast) -> None:
    build(cast)
    assert compare(cast) == (1, None, [])


def test_diff_compares_the_latest_with_the_one_before_or_a_given_version(cast: Cast) -> None:
    barrier_id, version = barrier(cast)
    build(cast)
    move(cast, barrier_id, version, "analyzing")
    build(cast, cast.alder_officer)
    build(cast)
    moved = ("barrier_changed", "status", "Identified", "Analyzing")
    assert compare(cast) == (3, 2, [])
    assert compare(cast, 2) == (2, 1, [moved])
    assert compare(cast, 1) == (1, None, [])


def test_a_version_that_does_not_exist_is_not_found(cast: Cast) -> None:
    with pytest.raises(NotFound) as never:
        compare(cast)
    assert str(never.value) == (
        "No action roadmap has been built for Alder County in 2026 Test Cohort yet; run `accelerator roadmap build`."
    )
    build(cast)
    build(cast)
    with pytest.raises(NotFound, match=r"^There is no roadmap version 7; versions are 1 to 2\.$"):
        compare(cast, 7)


def test_a_stored_version_reads_back_as_it_was_built(cast: Cast) -> None:
    barrier_id, version = barrier(cast)
    build(cast)
    move(cast, barrier_id, version, "deferred", "Waiting for the state's model contract")  # no longer open
    build(cast)
    with transaction() as session:
        exec_ = resolve_actor(session, cast.alder_exec)
        first = get_roadmap(session, exec_, cast.alder, cast.cohort, 1)
        latest = get_roadmap(session, exec_, cast.alder, cast.cohort)
    assert (first.version, [b.status for b in first.open_barriers]) == (1, ["identified"])
    assert (latest.version, latest.open_barriers) == (2, [])


def test_versions_list_as_read_models_in_order(cast: Cast) -> None:
    build(cast, formats=("pdf", "xlsx"))
    build(cast, cast.alder_officer)
    with transaction() as session:
        listed = list_versions(session, resolve_actor(session, cast.lead), cast.alder, cast.cohort)
    assert [(v.version, v.built_by, v.formats) for v in listed] == [
        (1, cast.alder_manager, "pdf,xlsx"),
        (2, cast.alder_officer, "html"),
    ]
    assert list(listed[0].model_dump(mode="json")) == ["version", "built_at", "built_by", "formats"]


# --- what scripts read ----------------------------------------------------------------------


def test_list_and_diff_json_are_what_they_always_were(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    barrier_id, version = barrier(cast)
    build(cast)
    move(cast, barrier_id, version, "Analyzing")
    build(cast, cast.alder_officer, ("pdf", "html"))
    with transaction() as session:
        team_versions = select(RoadmapVersion).order_by(col(RoadmapVersion.number))
        rows = [(v.number, v.built_at, v.built_by, v.formats, v.content) for v in session.exec(team_versions)]
    # The documents as the command built them by hand before the service returned read models.
    listed = [{"version": n, "built_at": at.isoformat(), "built_by": by, "formats": f} for n, at, by, f, _ in rows]
    changes = diff(RoadmapView.model_validate_json(rows[0][4]), RoadmapView.model_validate_json(rows[1][4]))
    compared = {"version": 2, "previous": 1, "changes": [c.model_dump() for c in changes]}
    assert [c.kind for c in changes] == ["barrier_changed"]

    def printed(data: object) -> str:
        return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"

    where = ("--jurisdiction", cast.alder, "--cohort", cast.cohort, "--json")
    assert run_cli(capsys, "--actor", cast.alder_exec, "roadmap", "list", *where).out == printed(listed)
    assert run_cli(capsys, "--actor", cast.alder_exec, "roadmap", "diff", *where).out == printed(compared)
    first = run_cli(capsys, "--actor", cast.alder_exec, "roadmap", "diff", *where, "--version", "1")
    assert first.out == printed({"version": 1, "previous": None, "changes": []})


def test_diff_in_words_names_the_versions(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    barrier_id, version = barrier(cast)
    build(cast)
    where = ("--jurisdiction", cast.alder, "--cohort", cast.cohort)
    first = run_cli(capsys, "--actor", cast.alder_exec, "roadmap", "diff", *where)
    assert first.code == 0 and "v1 is the first version; nothing to compare with." in first.out
    build(cast)
    same = run_cli(capsys, "--actor", cast.alder_exec, "roadmap", "diff", *where)
    assert "No changes from v1 to v2." in same.out
    move(cast, barrier_id, version, "analyzing")
    build(cast)
    moved = run_cli(capsys, "--actor", cast.alder_exec, "roadmap", "diff", *where)
    assert "Changes from v2 to v3:" in moved.out
    assert "Barrier changed: barrier" in moved.out and "status: Identified → Analyzing" in moved.out
    missing = run_cli(capsys, "--actor", cast.alder_exec, "roadmap", "diff", *where, "--version", "9")
    assert missing.code == 4 and "There is no roadmap version 9; versions are 1 to 3." in missing.err


# --- who may: the core permission table -----------------------------------------------------


def refusal(cast: Cast, action: str) -> str:
    """The refusal the table's roadmap row gives in Alder County."""
    with transaction() as session:
        place = get_jurisdiction(session, cast.alder)
        access = ACCESS[Record.roadmap]
        roles = access.write if action == "write" else access.read
        doing = "build" if action == "write" else "see"
        return f"may not {doing} Alder County's action roadmap. Only {who_may(roles, place)} may."


PEOPLE = ["admin", "lead", "alder_manager", "alder_officer", "alder_exec", "birch_manager", "birch_officer", "outsider"]


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_build_and_see_is_the_tables_roadmap_row(cast: Cast, person: str) -> None:
    build(cast)
    email = getattr(cast, person)
    with transaction() as session:
        actor = resolve_actor(session, email)
        place = get_jurisdiction(session, cast.alder)
        may_read, may_write = may(actor, "read", Record.roadmap, place), may(actor, "write", Record.roadmap, place)
    for action, allowed, attempt in (
        ("read", may_read, lambda: compare(cast, who=email)),
        ("read", may_read, lambda: list_versions_as(cast, email)),
        ("write", may_write, lambda: build(cast, email)),
    ):
        if allowed:
            attempt()
        else:
            with pytest.raises(PermissionDenied) as refused:
                attempt()
            assert str(refused.value) == f"{email} {refusal(cast, action)}"
    expected = {
        "admin": (True, True),
        "lead": (True, False),
        "alder_manager": (True, True),
        "alder_officer": (True, True),
        "alder_exec": (True, False),
    }
    assert (may_read, may_write) == expected.get(person, (False, False))


def list_versions_as(cast: Cast, email: str) -> list[VersionPublic]:
    with transaction() as session:
        return list_versions(session, resolve_actor(session, email), cast.alder, cast.cohort)


def test_changing_the_table_changes_who_may(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        ACCESS, Record.roadmap, Access(read=(Role.finance, Role.executive_lead), write=(Role.executive_lead,))
    )
    build(cast, cast.alder_exec)
    assert compare(cast, who=cast.alder_exec) == (1, None, [])
    with pytest.raises(PermissionDenied) as refused:
        build(cast, cast.alder_manager)
    assert str(refused.value) == (
        f"{cast.alder_manager} may not build Alder County's action roadmap. "
        "Only an executive lead of Alder County or an admin may."
    )
    with pytest.raises(PermissionDenied, match="may not see Alder County's action roadmap. Only a finance of Alder"):
        compare(cast, who=cast.alder_manager)
