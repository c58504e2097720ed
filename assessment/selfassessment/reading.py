"""The import of filled workbooks: every problem found in every file, each located by sheet and
cell with what to do about it; nothing is imported while any file has a problem."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from assessment.core.errors import Problem, ProblemLog, ValidationFailed
from assessment.core.xlsx import FORMULA_FIX, Formula, Unreadable, open_workbook, read_text, rows, unreadable_problem
from assessment.selfassessment.answers import DONT_KNOW, NOT_APPLICABLE, Answer, Scale, normalize
from assessment.selfassessment.rubric import Rubric
from assessment.selfassessment.shapes import RespondentInfo, WorkbookContext, WorkbookRatings
from assessment.selfassessment.sheet import (
    ID_HEADER,
    META_SHEET,
    RATING_HEADER,
    RATING_SHEET,
    cell_at,
    header_columns,
    respondent_key,
    respondent_value,
)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass
class _Reading:
    """What was read from one file, with every problem found in it."""

    source: str
    problems: ProblemLog = field(default_factory=ProblemLog)
    respondent: RespondentInfo | None = None
    email_at: str = RATING_SHEET
    result: WorkbookRatings | None = None

    def problem(self, where: str, message: str, fix: str = "") -> None:
        location = f"{self.source} {where}" if where else self.source
        self.problems.add(Problem(location, message, fix))

    def formula(self, where: str, what: str, value: Formula) -> None:
        self.problem(where, f"{what} is a formula ({value.text}), which is not read as an answer.", FORMULA_FIX)


_SEND_TEMPLATE = "Send the .xlsx file made from the template your equity program manager sent."


def _read_meta(ws: object, rubric: Rubric, context: WorkbookContext, reading: _Reading) -> bool:
    """Check the hidden metadata against what is expected; False when it is for another rubric."""
    meta: dict[str, tuple[str, int]] = {}
    for number, values in enumerate(rows(ws, max_col=2), start=1):
        key = read_text(cell_at(values, 0))
        if key and key not in meta:
            meta[key] = (read_text(cell_at(values, 1)), number)
    # The hidden sheet is not something a person can open: problems found there name the file.
    where = ""
    required = ("rubric_id", "rubric_version", "rubric_hash", *context.metadata())
    missing = [key for key in required if not meta.get(key, ("", 0))[0]]
    if missing:
        reading.problem(
            where,
            f"was not made from the template: the details it keeps of who it is for are incomplete "
            f"(no {', '.join(m.replace('_', ' ') for m in missing)}).",
            _SEND_TEMPLATE,
        )
        return True
    expected_for = context.describe()
    found_rubric = f"'{meta['rubric_id'][0]}' version {meta['rubric_version'][0]}"
    wanted_rubric = f"'{rubric.id}' version {rubric.version}"
    if (meta["rubric_id"][0], meta["rubric_version"][0]) != (rubric.id, rubric.version):
        row = meta["rubric_id"][1] if meta["rubric_id"][0] != rubric.id else meta["rubric_version"][1]
        reading.problem(
            where,
            f"this workbook is for rubric {found_rubric}, but this import uses rubric {wanted_rubric}.",
            f"Use the template made from rubric {wanted_rubric} for {expected_for}.",
        )
        return False
    if meta["rubric_hash"][0] != rubric.content_hash:
        reading.problem(
            where,
            f"this workbook was made from an earlier or different text of rubric {wanted_rubric}: "
            "the rubric has changed since the template was made.",
            f"Make a new template for {expected_for} and copy the answers into it.",
        )
        return False
    for key, wanted in context.metadata().items():
        found, row = meta[key]
        if normalize(found) != normalize(wanted):
            reading.problem(
                where,
                f"this workbook is for {key} '{found}', but this import is for {key} '{wanted}'.",
                f"Use the workbook made from the template for {expected_for}.",
            )
    return True


def _check_respondent(found: Mapping[str, tuple[str, str]], reading: _Reading) -> RespondentInfo:
    """Who answered, kept on ``reading``; name and a plausible email are required."""
    name, name_at = found.get("name", ("", RATING_SHEET))
    email, email_at = found.get("email", ("", RATING_SHEET))
    role, _ = found.get("role", ("", RATING_SHEET))
    if email.lower().startswith("mailto:"):
        email = email[len("mailto:") :]
    if not name:
        reading.problem(name_at, "the Respondent name is missing.", "Type your name next to 'Respondent name'.")
    if not email:
        reading.problem(email_at, "the Respondent email is missing.", "Type your email next to 'Respondent email'.")
    elif not _EMAIL.fullmatch(email):
        reading.problem(
            email_at, f"'{email}' does not look like an email address.", "Type an address like name@example.org."
        )
    reading.respondent = RespondentInfo(name=name, email=email, role=role)
    reading.email_at = email_at
    return reading.respondent


def _read_ratings(ws: object, rubric: Rubric, scale: Scale, reading: _Reading, check_rubric: bool) -> None:
    """Read respondent and ratings from the Ratings sheet, noting every problem."""
    where = RATING_SHEET
    header: dict[str, int] | None = None
    respondent: dict[str, tuple[str, str]] = {}
    known = {indicator.id for indicator in rubric.indicators}
    found: dict[str, tuple[Answer, str, int]] = {}
    allowed = f"Pick one of {', '.join(scale.choices)}, or leave it blank."
    rating_letter = id_letter = ""
    for number, values in enumerate(rows(ws), start=1):
        if header is None:
            key = respondent_key(cell_at(values, 0))
            if key is not None and key not in respondent:
                text, index = respondent_value(values)
                at = f"{where}!{get_column_letter(index + 1)}{number}"
                typed = cell_at(values, index)
                if isinstance(typed, Formula):
                    reading.formula(at, f"the Respondent {key}", typed)
                    text = ""
                respondent[key] = (text, at)
            header = header_columns(values)
            if header is not None:
                id_letter = get_column_letter(header["id"] + 1)
                rating_letter = get_column_letter(header["rating"] + 1)
            continue
        if not check_rubric:
            continue
        indicator_id = read_text(cell_at(values, header["id"]))
        raw = cell_at(values, header["rating"])
        if isinstance(raw, Formula):
            reading.formula(f"{where}!{rating_letter}{number}", f"the rating for {indicator_id or 'this row'}", raw)
            raw = None
        if not indicator_id:
            if read_text(raw):
                reading.problem(
                    f"{where}!{rating_letter}{number}",
                    f"there is a rating ('{read_text(raw)}') on a row without an {ID_HEADER}.",
                    "Put ratings only on the rows of the template; don't add rows.",
                )
            continue
        if indicator_id not in known:
            reading.problem(
                f"{where}!{id_letter}{number}",
                f"'{indicator_id}' is not an indicator of rubric '{rubric.id}' version {rubric.version}.",
                "Don't change the Indicator ID column; use the template for this rubric.",
            )
            continue
        if indicator_id in found:
            reading.problem(
                f"{where}!{id_letter}{number}",
                f"indicator '{indicator_id}' appears twice (rows {found[indicator_id][2]} and {number}).",
                "Keep one row per indicator: delete the copy or start again from the template.",
            )
            continue
        try:
            answer = scale.parse(raw)
        except ValueError as exc:
            message = f"the rating for {indicator_id} is not readable: {exc}."
            reading.problem(f"{where}!{rating_letter}{number}", message, allowed)
            answer = None
        typed_note = cell_at(values, header["evidence"]) if "evidence" in header else None
        if isinstance(typed_note, Formula):
            letter = get_column_letter(header["evidence"] + 1)
            reading.formula(f"{where}!{letter}{number}", f"the evidence for {indicator_id}", typed_note)
        note = read_text(typed_note)
        found[indicator_id] = (answer, note, number)

    if header is None:
        reading.problem(
            where,
            f"there is no header row with '{ID_HEADER}' and '{RATING_HEADER}', so no rating can be read.",
            "Don't change the headers of the Ratings sheet; start again from the template if they are gone.",
        )
    elif check_rubric:
        for indicator in rubric.indicators:
            if indicator.id not in found:
                reading.problem(
                    where,
                    f"indicator '{indicator.id}' ({indicator.text}) has no row.",
                    "Don't delete rows; start again from the template if rows are gone.",
                )

    who = _check_respondent(respondent, reading)
    if header is not None and found and all(answer is None for answer, _, _ in found.values()):
        reading.problem(
            f"{where}!{rating_letter}{min(number for _, _, number in found.values())}",
            "no practice has a rating: the Rating column is empty.",
            f"Pick a level for each practice, or '{DONT_KNOW}' / '{NOT_APPLICABLE}' where you can't say.",
        )
    if reading.problems:
        return
    answers = {i.id: found[i.id][0] for i in rubric.indicators}
    reading.result = WorkbookRatings(
        source=reading.source,
        respondent=who,
        ratings={key: value if isinstance(value, int) else None for key, value in answers.items()},
        answers={key: scale.canonical(value) for key, value in answers.items()},
        evidence={i.id: found[i.id][1] for i in rubric.indicators},
    )


def _read(path: Path, rubric: Rubric, context: WorkbookContext) -> _Reading:
    path = Path(path)
    reading = _Reading(source=path.name)
    wb = open_workbook(path, _SEND_TEMPLATE)
    if isinstance(wb, Problem):
        reading.problem("", wb.message, wb.fix)
        return reading
    try:
        sheets = {name.strip().casefold(): name for name in wb.sheetnames}
        check_rubric = True
        meta_name = sheets.get(META_SHEET.casefold())
        visible = [name for name in wb.sheetnames if name != meta_name]
        if meta_name is None:
            reading.problem(
                "",
                "was not made from the template: the details it keeps of who it is for are missing.",
                _SEND_TEMPLATE,
            )
        else:
            wb[meta_name].reset_dimensions()  # some writers store a wrong size, which would hide rows
            check_rubric = _read_meta(wb[meta_name], rubric, context, reading)
        ratings_name = sheets.get(RATING_SHEET.casefold())
        if ratings_name is None:
            reading.problem(
                "",
                f"has no '{RATING_SHEET}' sheet (its sheets are: {', '.join(visible)}).",
                f"{_SEND_TEMPLATE} Don't rename or delete its sheets.",
            )
        else:
            ws = wb[ratings_name]
            ws.reset_dimensions()
            _read_ratings(ws, rubric, Scale.of(rubric), reading, check_rubric)
    except Unreadable as exc:  # damage found halfway through a sheet: what was read of it counts for nothing
        reading.problems = ProblemLog()
        refused = unreadable_problem(path.name, exc.why, _SEND_TEMPLATE)
        reading.problem("", refused.message, refused.fix)
        reading.result = None
    finally:
        wb.close()
    return reading


def read_workbook(path: Path, rubric: Rubric, context: WorkbookContext) -> WorkbookRatings:
    """Read one filled workbook; raise ValidationFailed listing every problem in it."""
    reading = _read(path, rubric, context)
    if reading.result is None:
        raise ValidationFailed(
            f"{reading.source} could not be imported ({len(reading.problems)} problem(s)); nothing was imported. "
            "Fix the problems below and import it again.",
            reading.problems.kept,
            reading.problems.more,
        )
    return reading.result


def read_workbooks(
    paths: Sequence[Path],
    rubric: Rubric,
    context: WorkbookContext,
    on_read: Callable[[Path], None] | None = None,
) -> list[WorkbookRatings]:
    """Read every workbook, then raise one ValidationFailed listing the problems of all of them.

    ``on_read`` is called after each file, for a progress bar.
    """
    readings = []
    for path in paths:
        readings.append(_read(path, rubric, context))
        if on_read is not None:
            on_read(path)
    first_with: dict[str, _Reading] = {}
    for reading in readings:
        if reading.respondent is None or not reading.respondent.email:
            continue
        email = reading.respondent.email.casefold()
        if email in first_with:
            reading.problem(
                reading.email_at,
                f"respondent {reading.respondent.email} also sent {first_with[email].source}.",
                "Import one workbook per respondent: drop one of the two, or correct the email in the wrong one.",
            )
        else:
            first_with[email] = reading
    problems = ProblemLog()
    for reading in readings:
        problems.extend(reading.problems.kept)
        problems.more += reading.problems.more
    if problems:
        bad = sum(1 for reading in readings if reading.problems)
        raise ValidationFailed(
            f"{bad} of {len(readings)} workbook(s) have problems; nothing was imported. "
            "Fix the problems below and import them again.",
            problems.kept,
            problems.more,
        )
    return [reading.result for reading in readings if reading.result is not None]
