"""One flow per session of the sequence (``session_1`` … ``session_9``): check what the session
needs, do its work through the services, record the team's session, publish what is done and
what is missing (a markdown artifact) and the team's progress across the nine sessions.

Re-running a session updates its record and never duplicates anything: session 1 writes the
baseline workbook again over the same file, session 4 builds the action roadmap only when the
team has none yet (``roadmap build`` publishes a changed plan)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact
from prefect.cache_policies import NO_CACHE

from assessment.cohorts.people import resolve_actor
from assessment.cohorts.sequence import load_sequence
from assessment.core.db import transaction
from assessment.roadmap.service import build_version, list_versions
from assessment.roadmap.view import RoadmapView
from assessment.selfassessment.models import Cycle
from assessment.selfassessment.service import write_team_template
from assessment.sessions.models import SessionRecordPublic
from assessment.sessions.service import board, record_session, require_ready, spec_of
from flows.acting import ActorEmail, flow_actor
from flows.assessment_run import artifact_key
from flows.prefect_flow import Flow, flow, whole
from flows.reporting import print_served_run, report_refusals_as_messages
from flows.roadmap_build import output_folder, render
from roadmaps.registry import parse_formats

report_refusals_as_messages()

Done = dict[str, str]  # deliverable → what the session's work did for it


@task(name="check what the session needs", cache_policy=NO_CACHE)
def check_ready(number: int, jurisdiction: str, cohort: str, actor: str) -> None:
    """Refused, naming every missing input, before anything is done."""
    with transaction() as session:
        require_ready(session, resolve_actor(session, actor), number, jurisdiction, cohort)


@task(name="issue the baseline workbook", cache_policy=NO_CACHE)
def issue_baseline_workbook(jurisdiction: str, cohort: str, actor: str, out: Path) -> Done:
    """Session 1: the team's blank baseline workbook, written where the session's files go."""
    with transaction() as session:
        who = resolve_actor(session, actor)
        path = out / f"{artifact_key(jurisdiction, 'baseline-self-assessment')}.xlsx"
        written = write_team_template(session, who, jurisdiction, cohort, Cycle.baseline, path)
    return {"baseline_workbook_issued": f"baseline workbook written to {written.path} on {date.today():%Y-%m-%d}"}


@task(name="build the action roadmap", cache_policy=NO_CACHE)
def ensure_roadmap(jurisdiction: str, cohort: str, actor: str, out: Path) -> Done:
    """Session 4: the team's action roadmap, built when it has none yet."""
    with transaction() as session:
        versions = list_versions(session, resolve_actor(session, actor), jurisdiction, cohort)
    if versions:
        latest = versions[-1]
        return {"action_roadmap": f"action roadmap v{latest.version} built {latest.built_at:%Y-%m-%d}"}
    formats = parse_formats("pdf,xlsx,html")

    def lay_out(view: RoadmapView, folder: Path) -> list[Path]:
        return [Path(render.fn(view, fmt, str(folder))) for fmt in formats]

    view, _ = build_version(actor, jurisdiction, cohort, formats, out, lay_out)
    return {"action_roadmap": f"action roadmap v{view.version} built {view.built_at:%Y-%m-%d}"}


@task(name="record the session", cache_policy=NO_CACHE)
def record(
    number: int,
    jurisdiction: str,
    cohort: str,
    actor: str,
    held_on: date | None,
    attendees: list[str] | None,
    notes: str | None,
    done: Done,
) -> SessionRecordPublic:
    with transaction() as session:
        return record_session(
            session,
            resolve_actor(session, actor),
            number,
            jurisdiction,
            cohort,
            held_on=held_on,
            attendees=attendees,
            notes=notes,
            done=done,
        )


def publish(record: SessionRecordPublic, jurisdiction: str, cohort: str, actor: str) -> None:
    """What the session did and what is missing, and where the team stands across the nine."""
    spec = spec_of(record.number)
    texts = {d.key: d.text for d in spec.deliverables}
    lines = [
        f"# Session {record.number}: {record.title}",
        f"{jurisdiction}, cohort **{cohort}**, held {record.held_on:%Y-%m-%d} (record version {record.version}).",
        "",
        f"**Attendees ({len(record.attendees)}):** " + (", ".join(record.attendees) or "none"),
        "",
        "## Done",
        *([f"- ✓ {texts[k]}: {v}" for k, v in record.deliverables.items()] or ["- nothing yet"]),
        "",
        "## Missing",
        *([f"- ✗ {texts[k]}: {v}" for k, v in record.missing.items()] or ["- nothing: every deliverable is done"]),
    ]
    if record.notes:
        lines += ["", "## Notes", record.notes]
    create_markdown_artifact(
        key=artifact_key(jurisdiction, f"session-{record.number}"),
        markdown="\n".join(lines),
        description=f"Session {record.number}, {jurisdiction}",
    )
    with transaction() as session:
        progress = board(session, resolve_actor(session, actor), cohort, jurisdiction).teams[0]
    done = sum(1 for s in progress.sessions if s.state == "done")
    create_progress_artifact(
        progress=100.0 * done / len(progress.sessions),
        key=artifact_key(jurisdiction, "sessions"),
        description=f"{jurisdiction}: {done} of {len(progress.sessions)} sessions done. Next: {progress.next_step}",
    )


@task(name="compile the impact reports", cache_policy=NO_CACHE)
def compile_reports(jurisdiction: str, cohort: str, actor: str, out: Path) -> Done:
    """Session 9: the team's impact report; the cohort's regional report too when an alliance lead runs it."""
    from assessment.core.errors import PermissionDenied
    from assessment.reports.compiled import require_compile
    from flows.reports import compile_report, jurisdiction_document, regional_document, regional_sections
    from roadmaps.report.registry import parse_report_formats

    formats = parse_report_formats("pdf,xlsx,html")
    document = jurisdiction_document(jurisdiction, cohort, actor)
    stem = artifact_key(jurisdiction, "impact-report")
    files = compile_report(document, "jurisdiction", cohort, jurisdiction, False, formats, out, stem, actor)
    done = {"impact_report": f"impact report compiled {date.today():%Y-%m-%d}: {', '.join(map(str, files))}"}
    with transaction() as session:
        try:
            require_compile(session, resolve_actor(session, actor), "regional", cohort, None)
        except PermissionDenied:
            return done  # an alliance lead compiles the regional report: it stays missing
    regional = regional_document(cohort, actor, False, whole(regional_sections(cohort, actor, False)))
    stem = artifact_key(cohort, "regional-report")
    files = compile_report(regional, "regional", cohort, None, False, formats, out, stem, actor)
    done["regional_report"] = f"regional report compiled {date.today():%Y-%m-%d}: {', '.join(map(str, files))}"
    return done


WORK = {1: issue_baseline_workbook, 4: ensure_roadmap, 9: compile_reports}


def session_flow(number: int) -> Flow[..., SessionRecordPublic]:
    """The flow of session ``number``, named and described after it."""
    spec = next(s for s in load_sequence().sessions if s.number == number)
    # Prefect refuses "&" (and "/", "%", "<", ">") in a flow's name.
    title = spec.title.replace("&", "and")

    def run_session(
        jurisdiction: str,
        cohort: str,
        held_on: date | None = None,
        attendees: list[str] | None = None,
        notes: str | None = None,
        out: str = "session-output",
        actor: ActorEmail = None,
    ) -> SessionRecordPublic:
        email = flow_actor(actor, f"running session {number}")
        check_ready(number, jurisdiction, cohort, email)
        work = WORK.get(number)
        done = work(jurisdiction, cohort, email, output_folder(out)) if work else {}
        recorded = record(number, jurisdiction, cohort, email, held_on, attendees, notes, done)
        publish(recorded, jurisdiction, cohort, email)
        return recorded

    run_session.__name__ = run_session.__qualname__ = f"session_{number}"
    run_session.__doc__ = f"""Session {number}: {spec.title}. {spec.purpose}

    Checks what the session needs (refused, naming each missing input, with nothing recorded), does
    the session's work, and records the team's session: re-running it updates the record.

    Args:
        jurisdiction: The jurisdiction's name, e.g. Alder County.
        cohort: The cohort's name.
        held_on: The day the session was held (default: the cohort's date for it).
        attendees: Emails of the members who attended (default: the whole team).
        notes: What the team noted (kept as it was when left empty).
        out: Folder for the files the session writes; a run launched here puts it inside the application's
            output folder.
        actor: Leave empty in the Prefect UI (the run acts as the person who serves it); from the terminal,
            the person running the session.
    """
    hooks: list[Any] = [print_served_run]
    return flow(
        name=f"session-{number}: {title}",
        description=f"Session {number} of the Accelerator: {spec.title}",
        on_completion=hooks,
        on_failure=hooks,
        on_crashed=hooks,
        on_cancellation=hooks,
    )(run_session)


session_1 = session_flow(1)
session_2 = session_flow(2)
session_3 = session_flow(3)
session_4 = session_flow(4)
session_5 = session_flow(5)
session_6 = session_flow(6)
session_7 = session_flow(7)
session_8 = session_flow(8)
session_9 = session_flow(9)
SESSION_FLOWS = {1: session_1, 2: session_2, 3: session_3, 4: session_4, 5: session_5, 6: session_6}
SESSION_FLOWS.update({7: session_7, 8: session_8, 9: session_9})
