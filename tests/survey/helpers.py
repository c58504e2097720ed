"""The partner survey through its services, as the tests' people: the form written, filled as an
alliance lead would fill it (openpyxl) or written as a CSV, imported and read back."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.survey.instrument import load_instrument
from assessment.survey.models import ImportSummary, SurveyMinimum, SurveyResults, SurveyTemplate
from assessment.survey.service import import_survey, set_minimum, survey_results, write_survey_template
from assessment.survey.template import FIRST_ROW, ID_ROW
from tests.conftest import Cast

INSTRUMENT = load_instrument()
IDS = [s.id for s in INSTRUMENT.statements]
TEXT = {s.id: s.text for s in INSTRUMENT.statements}
LABELS = INSTRUMENT.labels  # Strongly disagree ... Strongly agree


@dataclass
class Row:
    """One respondent's row as typed: answers by statement id (a label, a number, or anything)."""

    respondent: object
    answers: Mapping[str, object] = field(default_factory=dict)
    jurisdiction: object = None
    organization: object = None


def template(cast: Cast, out: Path, who: str | None = None) -> SurveyTemplate:
    with transaction() as session:
        return write_survey_template(session, resolve_actor(session, who or cast.lead), cast.cohort, out)


def fill(form: Path, out: Path, rows: Sequence[Row], first: int = FIRST_ROW) -> Path:
    """The form filled like a person would: a row each, the cells found by the hidden row of ids."""
    book = load_workbook(form)
    sheet = book["Survey"]
    column = {sheet.cell(row=ID_ROW, column=c).value: c for c in range(1, sheet.max_column + 1)}
    for number, row in enumerate(rows, start=first):
        values = {"respondent": row.respondent, "organization": row.organization, "jurisdiction": row.jurisdiction}
        values.update(row.answers)
        for key, value in values.items():
            sheet.cell(row=number, column=column[key], value=value)
    book.save(out)
    return out


def write_csv(out: Path, header: Sequence[str], rows: Sequence[Sequence[object]], bom: bool = False) -> Path:
    with out.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out


def import_(cast: Cast, path: Path, who: str | None = None, replace: bool = False) -> ImportSummary:
    with transaction() as session:
        return import_survey(session, resolve_actor(session, who or cast.lead), cast.cohort, path, replace=replace)


def results(cast: Cast, who: str | None = None, jurisdiction: str | None = None) -> SurveyResults:
    with transaction() as session:
        return survey_results(session, resolve_actor(session, who or cast.lead), cast.cohort, jurisdiction)


def statement(shown: SurveyResults, ident: str) -> dict[str, str]:
    """One statement's results as people read them: overall and per jurisdiction."""
    found = next(s for s in shown.statements if s.id == ident)
    return {"overall": found.overall.said} | {j.jurisdiction: j.share.said for j in found.jurisdictions}


def minimum(cast: Cast, value: int, who: str | None = None) -> SurveyMinimum:
    with transaction() as session:
        return set_minimum(session, resolve_actor(session, who or cast.lead), cast.cohort, value)
