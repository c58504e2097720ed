"""The partner survey of a cohort: the form, importing responses (alliance leads), the results per
statement with small numbers suppressed (what each reader may see), and the cohort's minimum."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import case, func, insert
from sqlmodel import Session, col, select

from assessment.cohorts.jurisdictions import get_jurisdiction
from assessment.cohorts.models import Cohort, Jurisdiction, Team
from assessment.cohorts.service import get_cohort
from assessment.core import history
from assessment.core.errors import NotFound, PermissionDenied, Problem, ValidationFailed
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, Record, may, require
from assessment.selfassessment.answers import normalize
from assessment.survey.form import FORM_ROWS
from assessment.survey.instrument import (
    Instrument,
    check_instrument,
    find_instrument,
    load_instrument,
    register_instrument,
    stored_instrument,
)
from assessment.survey.models import (
    ImportSummary,
    JurisdictionShare,
    Share,
    StatementResult,
    SurveyAnswer,
    SurveyImport,
    SurveyInstrument,
    SurveyMinimum,
    SurveyResponse,
    SurveyResults,
    SurveyTemplate,
)
from assessment.survey.reading import FormMeta, Places, ResponseIn, SurveyRead, read_survey, refusal
from assessment.survey.results import AGREE_FROM, DEFAULT_MINIMUM, MINIMUM_RANGE, Count, statement_shares
from assessment.survey.template import FormContext, write_form

# The read models reports use are named here too: ``from assessment.survey.service import Share``.
__all__ = [
    "JurisdictionShare",
    "Share",
    "StatementResult",
    "SurveyResults",
    "cohort_instrument",
    "cohort_places",
    "counts_of",
    "current_imports",
    "import_survey",
    "set_minimum",
    "survey_results",
    "write_survey_template",
]

ENTITY = "survey"  # history entries of a cohort's survey: entity_id is the cohort's id
CHUNK = 5000  # answers per INSERT batch


def cohort_places(session: Session, cohort: Cohort) -> list[Jurisdiction]:
    """The jurisdictions enrolled in ``cohort``, by name."""
    query = select(Jurisdiction).join(Team, col(Team.jurisdiction_id) == col(Jurisdiction.id))
    places = session.exec(query.where(Team.cohort_id == cohort.id))
    return sorted(places, key=lambda place: place.name.casefold())


def current_imports(session: Session, cohort: Cohort) -> list[SurveyImport]:
    """The imports whose responses count (none replaced), oldest first."""
    query = select(SurveyImport).where(SurveyImport.cohort_id == cohort.id, col(SurveyImport.replaced_at).is_(None))
    return list(session.exec(query.order_by(col(SurveyImport.id))))


def _used(session: Session, imports: Sequence[SurveyImport]) -> SurveyInstrument | None:
    """The instrument version the cohort's counted responses answered (one: imports keep it so)."""
    return session.get(SurveyInstrument, imports[-1].instrument_id) if imports else None


def cohort_instrument(session: Session, cohort: Cohort) -> Instrument:
    """The instrument of the cohort's survey: the version its responses answered, else the current file."""
    used = _used(session, current_imports(session, cohort))
    return stored_instrument(used) if used is not None else load_instrument()


def write_survey_template(
    session: Session, actor: Actor, cohort: str, out: Path, instrument: Instrument | None = None
) -> SurveyTemplate:
    """Write the form of ``cohort``'s survey (its instrument version, else the current one unless
    ``instrument`` is given), with a drop-down of its jurisdictions."""
    group = get_cohort(session, cohort)
    require(actor, "write", Record.survey, None, f"issue the partner survey of {group.name}")
    instrument = instrument or cohort_instrument(session, group)
    check_instrument(session, instrument)
    names = [place.name for place in cohort_places(session, group)]
    path = write_form(instrument, FormContext(group.name, names, group.survey_minimum), Path(out))
    return SurveyTemplate(
        path=path,
        cohort=group.name,
        instrument=instrument.id,
        title=instrument.title,
        version=instrument.version,
        statements=len(instrument.statements),
        jurisdictions=len(names),
        rows=FORM_ROWS,
    )


# --- import ------------------------------------------------------------------------------------


def digest_of(instrument: Instrument, responses: Sequence[ResponseIn]) -> str:
    """Fingerprint of what respondents answered; file bytes differ between re-saves, answers don't."""
    content = [
        instrument.id,
        instrument.version,
        sorted(
            (
                r.respondent,
                r.organization,
                -1 if r.jurisdiction_id is None else r.jurisdiction_id,
                sorted(r.answers.items()),
            )
            for r in responses
        ),
    ]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


class _Choice:
    """Chooses the instrument a file is read with, from what a form says of itself."""

    def __init__(
        self, session: Session, group: Cohort, used: SurveyInstrument | None, replace: bool, name: str
    ) -> None:
        self.session, self.group, self.used, self.replace, self.name = session, group, used, replace, name

    def __call__(self, meta: FormMeta | None) -> Instrument:
        if meta is None:  # a CSV, or a sheet made by hand: its headers say which statement is where
            return stored_instrument(self.used) if self.used is not None else load_instrument()
        problems: list[Problem] = []
        template = f'Make the form again with `accelerator survey template --cohort "{self.group.name}"`'
        if meta.cohort and normalize(meta.cohort) != normalize(self.group.name):
            problems.append(
                Problem(
                    self.name,
                    f"is the form of the cohort '{meta.cohort}', not of {self.group.name}.",
                    f'Import it into its own cohort (--cohort "{meta.cohort}"), or {template[0].lower()}'
                    f"{template[1:]} and copy the answers into it.",
                )
            )
        wanted = f"{meta.instrument_id} version {meta.version}"
        used = self.used
        if used is not None and (used.instrument_id, used.version) != (meta.instrument_id, meta.version):
            if not self.replace:
                problems.append(
                    Problem(
                        self.name,
                        f"is a form of the survey {wanted}, but the responses already imported for "
                        f"{self.group.name} answered {used.instrument_id} version {used.version}; answers to two "
                        "versions can't be added up.",
                        f"{template} and copy the answers into it, or import this file with --replace to "
                        "replace every response imported so far.",
                    )
                )
        instrument = find_instrument(self.session, meta.instrument_id, meta.version)
        if instrument is None:
            problems.append(
                Problem(
                    self.name,
                    f"is a form of the survey {wanted}, which this installation does not have.",
                    f"{template} and copy the answers into it.",
                )
            )
        elif meta.content_hash and meta.content_hash != instrument.content_hash:
            problems.append(
                Problem(
                    self.name,
                    f"was made from an earlier or different text of the survey {wanted}: its statements have "
                    "changed since the form was made.",
                    f"{template} and copy the answers into it.",
                )
            )
        if problems or instrument is None:
            raise refusal(self.name, problems)
        return instrument


def _overlaps(session: Session, imports: Sequence[SurveyImport], read: SurveyRead) -> list[Problem]:
    """Respondents of ``read`` already imported for the cohort (by name, organization and jurisdiction)."""
    if not imports:
        return []
    files = {row_id(i): i for i in imports}
    query = select(
        SurveyResponse.respondent, SurveyResponse.organization, SurveyResponse.jurisdiction_id, SurveyResponse.import_id
    ).where(col(SurveyResponse.import_id).in_(list(files)))
    earlier = {
        (normalize(who), normalize(organization), place): files[ident]
        for who, organization, place, ident in session.exec(query)
    }
    problems = []
    for response in read.responses:
        before = earlier.get(
            (normalize(response.respondent), normalize(response.organization), response.jurisdiction_id)
        )
        if before is not None:
            problems.append(
                Problem(
                    response.at,
                    f"'{response.respondent}' was already imported from {before.file_name} on "
                    f"{before.imported_at:%Y-%m-%d}.",
                    "If this file holds every response, import it with --replace; if this is someone else, "
                    "tell them apart (e.g. number them).",
                )
            )
    return problems


def import_survey(session: Session, actor: Actor, cohort: str, path: Path, replace: bool = False) -> ImportSummary:
    """Import the responses of a filled form (.xlsx) or a .csv into ``cohort``'s survey: all of
    them, or none when any cell has a problem (every problem listed with its cell).

    The same responses again change nothing. Another file adds its respondents (refused, naming
    them, when it repeats one already imported); with ``replace`` its respondents replace every
    response imported so far (the earlier imports stay in the history, no longer counted)."""
    group = get_cohort(session, cohort)
    require(actor, "write", Record.survey, None, f"import the partner survey of {group.name}")
    path = Path(path)
    imports = current_imports(session, group)
    used = _used(session, imports)
    places: Places = {normalize(p.name): (row_id(p), p.name) for p in cohort_places(session, group)}
    read = read_survey(path, _Choice(session, group, used, replace, path.name), places, group.name)
    if read.problems:
        total = len(read.problems)
        raise ValidationFailed(
            f"{path.name} was not imported ({total} problem{'s' if total != 1 else ''}); nothing was changed. "
            "Fix these and import it again:",
            read.problems.kept,
            read.problems.more,
        )
    instrument = read.instrument
    assert instrument is not None  # a read without problems has its instrument
    if not read.responses:
        skipped = f" ({read.skipped} row(s) name someone but answer nothing)" if read.skipped else ""
        raise refusal(
            path.name,
            [
                Problem(
                    path.name,
                    f"has no answers to import{skipped}.",
                    "Fill in each respondent's answers, one row per person, then import it again.",
                )
            ],
        )
    digest = digest_of(instrument, read.responses)
    before = sum(i.respondents for i in imports)
    if any(i.digest == digest for i in imports) and (not replace or len(imports) == 1):
        return _summary(read, group, instrument, "unchanged", before, 0)
    if not replace:
        overlaps = _overlaps(session, imports, read)
        if overlaps:
            raise ValidationFailed(
                f"{path.name} was not imported: {len(overlaps)} of its respondents were imported before; nothing "
                "was changed.",
                overlaps,
            )
    version = register_instrument(session, instrument, actor)
    now = utcnow()
    if replace:
        for earlier in imports:
            earlier.replaced_at, earlier.replaced_by = now, actor.email
            session.add(earlier)
    record = SurveyImport(
        cohort_id=row_id(group),
        instrument_id=row_id(version),
        file_name=path.name,
        digest=digest,
        rows=read.rows,
        respondents=len(read.responses),
        answers=read.answers,
        skipped=read.skipped,
        imported_by=actor.email,
        imported_at=now,
    )
    session.add(record)
    session.flush()
    _store(session, record, read.responses)
    replaced = before if replace else 0
    note = (
        f"{read.rows} row(s) read: {record.respondents} respondent(s), {record.answers} answer(s); "
        f"{read.skipped} row(s) without answers skipped"
    )
    if replace:
        note += f"; replaces the {replaced} respondent(s) imported before"
    history.record(session, actor.email, ENTITY, row_id(group), "import", None, path.name, note)
    total = record.respondents + (0 if replace else before)
    return _summary(read, group, instrument, "replaced" if replace else "added", total, replaced)


def _store(session: Session, record: SurveyImport, responses: Sequence[ResponseIn]) -> None:
    rows = [
        SurveyResponse(
            import_id=row_id(record),
            row=r.row,
            respondent=r.respondent,
            organization=r.organization,
            jurisdiction_id=r.jurisdiction_id,
        )
        for r in responses
    ]
    session.add_all(rows)
    session.flush()
    answers = [
        {
            "response_id": row_id(row),
            "statement_id": statement_id,
            "answer": answer,
            "import_id": row_id(record),
            "jurisdiction_id": response.jurisdiction_id,
        }
        for row, response in zip(rows, responses, strict=True)
        for statement_id, answer in response.answers.items()
    ]
    connection = session.connection()
    for start in range(0, len(answers), CHUNK):
        connection.execute(insert(SurveyAnswer), answers[start : start + CHUNK])


def _summary(
    read: SurveyRead, group: Cohort, instrument: Instrument, outcome: str, total: int, replaced: int
) -> ImportSummary:
    return ImportSummary(
        file=read.source,
        cohort=group.name,
        instrument=instrument.id,
        title=instrument.title,
        version=instrument.version,
        outcome=outcome,
        rows=read.rows,
        respondents=len(read.responses),
        answers=read.answers,
        skipped=read.skipped,
        respondents_total=total,
        replaced=replaced,
        ignored_columns=read.ignored_columns,
        missing_statements=read.missing_statements,
    )


# --- results -----------------------------------------------------------------------------------


def _readable(session: Session, actor: Actor, group: Cohort, places: list[Jurisdiction]) -> list[Jurisdiction]:
    """The cohort's jurisdictions whose rows the actor may see: all for an alliance lead, their own
    for a team member; refused when the actor is on none of the cohort's teams."""
    if may(actor, "read", Record.survey):
        return places
    own = [place for place in places if may(actor, "read", Record.survey, place)]
    theirs = [place for place in places if place.id in actor.jurisdictions()]
    if not own and theirs:  # on a team of the cohort, in a role that does not read the survey
        require(actor, "read", Record.survey, theirs[0], f"see the partner survey of {group.name}")
    if not own:
        raise PermissionDenied(
            f"{actor.email} may not see the partner survey of {group.name}: none of their jurisdictions is "
            "enrolled in it. Only the members of its teams, an alliance lead or an admin may."
        )
    return own


def counts_of(session: Session, imports: Sequence[SurveyImport]) -> dict[str, dict[int | None, Count]]:
    """Who answered each statement and how many agree, per jurisdiction (None: none named): one
    GROUP BY over the answers of the counted imports."""
    if not imports:
        return {}
    agree = func.sum(case((col(SurveyAnswer.answer) >= AGREE_FROM, 1), else_=0))
    statement, place = col(SurveyAnswer.statement_id), col(SurveyAnswer.jurisdiction_id)
    query = (
        select(statement, place, func.count(), agree)
        .where(col(SurveyAnswer.import_id).in_([row_id(i) for i in imports]))
        .group_by(statement, place)
    )
    counts: dict[str, dict[int | None, Count]] = defaultdict(dict)
    for statement_id, jurisdiction_id, responses, agreeing in session.connection().execute(query):
        counts[statement_id][jurisdiction_id] = Count(int(responses), int(agreeing or 0))
    return counts


def survey_results(session: Session, actor: Actor, cohort: str, jurisdiction: str | None = None) -> SurveyResults:
    """The cohort's results per statement: overall, and for each jurisdiction the actor may see
    (only ``jurisdiction`` when named). Suppression is decided over every jurisdiction of the
    cohort before rows are left out, so what one reader sees never undoes it."""
    group = get_cohort(session, cohort)
    places = cohort_places(session, group)
    shown = _readable(session, actor, group, places)
    if jurisdiction is not None:
        place = get_jurisdiction(session, jurisdiction)
        if place.id not in {p.id for p in places}:
            raise NotFound(f"{place.name} is not enrolled in {group.name}, so it has no survey results there.")
        if place not in shown:
            require(actor, "read", Record.survey, place, f"see the partner survey results of {place.name}")
        shown = [place]
    imports = current_imports(session, group)
    used = _used(session, imports)
    instrument = stored_instrument(used) if used is not None else load_instrument()
    counts = counts_of(session, imports)
    minimum = group.survey_minimum
    every = [row_id(p) for p in places]
    rows = [(row_id(p), p.name) for p in shown]
    none = Count()
    statements = []
    for statement in instrument.statements:
        by_place = counts.get(statement.id, {})
        overall = sum(by_place.values(), none)
        overall_share, shares = statement_shares(overall, {i: by_place.get(i, none) for i in every}, minimum)
        statements.append(
            StatementResult(
                id=statement.id,
                text=statement.text,
                theme=statement.theme,
                overall=overall_share,
                jurisdictions=[JurisdictionShare(jurisdiction=n, share=shares[i]) for i, n in rows],
            )
        )
    return SurveyResults(
        cohort=group.name,
        instrument=instrument.id,
        title=instrument.title,
        version=instrument.version,
        minimum=minimum,
        respondents=sum(i.respondents for i in imports),
        statements=statements,
    )


# --- the minimum -------------------------------------------------------------------------------


def set_minimum(session: Session, actor: Actor, cohort: str, minimum: int) -> SurveyMinimum:
    """Set how many must answer before a share is published in ``cohort``'s results (alliance lead)."""
    group = get_cohort(session, cohort)
    require(actor, "write", Record.survey, None, f"set the survey minimum of {group.name}")
    low, high = MINIMUM_RANGE
    if isinstance(minimum, bool) or not low <= minimum <= high:
        raise ValidationFailed(
            f"The survey minimum of {group.name} was not changed:",
            [
                Problem(
                    "minimum",
                    f"{minimum} is not a whole number from {low} to {high}.",
                    f"Give how many people must answer before a share is shown, e.g. {DEFAULT_MINIMUM}.",
                )
            ],
        )
    previous = group.survey_minimum
    warnings = []
    if minimum < DEFAULT_MINIMUM:
        warnings.append(
            f"With a minimum below {DEFAULT_MINIMUM}, a share may let readers work out how a few partners answered."
        )
    if minimum != previous:
        group.survey_minimum = minimum
        session.add(group)
        history.record(session, actor.email, ENTITY, row_id(group), "minimum", previous, minimum)
    return SurveyMinimum(cohort=group.name, minimum=minimum, previous=previous, warnings=warnings)
