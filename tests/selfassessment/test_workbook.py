"""The self-assessment workbook: the template people fill, and the import of what they send back."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.workbook.workbook import Workbook

import assessment.selfassessment.reading as reading_module
from assessment.core.errors import ValidationFailed
from assessment.core.settings import get_settings
from assessment.core.sources import data_path
from assessment.selfassessment.answers import DONT_KNOW, NOT_APPLICABLE, answer_choices, parse_answer
from assessment.selfassessment.reading import read_workbook, read_workbooks
from assessment.selfassessment.rubric import DEFAULT_RUBRIC, Rubric, load_rubric, parse_rubric
from assessment.selfassessment.shapes import RespondentInfo, WorkbookContext, WorkbookRatings
from assessment.selfassessment.sheet import INSTRUCTIONS_SHEET, META_SHEET, RATING_SHEET
from assessment.selfassessment.template import fill_workbook, write_template

LEVEL_NAMES = ["Not yet started", "Emerging", "Developing", "Established"]


def _rubric_data(
    rubric_id: str = "test-rubric", version: str = "1", level_names: list[str] | None = None, tweak: str = ""
) -> dict[str, object]:
    names = level_names or LEVEL_NAMES
    return {
        "id": rubric_id,
        "version": version,
        "title": "Test C&P Equity Self-Assessment",
        "levels": [{"value": n, "name": name} for n, name in enumerate(names, start=1)],
        "domains": [
            {
                "id": domain,
                "title": f"{domain.capitalize()} domain",
                "indicators": [
                    {
                        "id": f"{domain}.{n}",
                        "text": f"Practice {n} of {domain}{tweak}",
                        "levels": {v: f"{domain}.{n} described at level {v}" for v in range(1, len(names) + 1)},
                    }
                    for n in (1, 2, 3)
                ],
            }
            for domain in ("leadership", "data", "outreach")
        ],
    }


RUBRIC = parse_rubric(_rubric_data(), "test")
IDS = [indicator.id for indicator in RUBRIC.indicators]
CONTEXT = WorkbookContext(jurisdiction="Riverside County", cohort="2023 Southern California", cycle="baseline")
ALICE = RespondentInfo(name="Alice Nguyễn", email="alice@riverside.example.org", role="Procurement officer")
BOB = RespondentInfo(name="Bob Kim", email="bob@riverside.example.org", role="Program manager")
ALL_RATED: dict[str, int | str | None] = {indicator_id: n % 4 + 1 for n, indicator_id in enumerate(IDS)}

# Columns of the small rubric's Ratings sheet: A Domain, B Indicator ID, C Practice, D-G levels.
RATING_COLUMN = "H"
EVIDENCE_COLUMN = "I"
HEADER_ROW = 6


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(RUBRIC, tmp_path_factory.mktemp("template") / "template.xlsx", CONTEXT)


@pytest.fixture
def fill(template: Path, tmp_path: Path) -> Callable[..., Path]:
    """Fill the template as a respondent would and return the file's path."""

    def _fill(
        answers: Mapping[str, int | float | str | None] | None = None,
        respondent: RespondentInfo = ALICE,
        evidence: Mapping[str, str] | None = None,
        name: str = "alice.xlsx",
    ) -> Path:
        return fill_workbook(template, tmp_path / name, respondent, ALL_RATED if answers is None else answers, evidence)

    return _fill


def _edit(path: Path, change: Callable[[Workbook], None], out: Path | None = None) -> Path:
    """Change a filled workbook the way a person with a spreadsheet program might."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(out or path)
    return out or path


def _rewrite_zip(
    path: Path, out: Path, change: Callable[[str, bytes], bytes], extra: dict[str, bytes] | None = None
) -> Path:
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out


def _problems(path: Path, rubric: Rubric = RUBRIC, context: WorkbookContext = CONTEXT) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        read_workbook(path, rubric, context)
    return [str(problem) for problem in caught.value.problems]


def _row_of(indicator_id: str) -> int:
    return HEADER_ROW + 1 + IDS.index(indicator_id)


def _set_meta(key: str, value: str | None) -> Callable[[Workbook], None]:
    def change(wb: Workbook) -> None:
        meta = wb[META_SHEET]
        for row in meta.iter_rows(max_col=2):
            if row[0].value == key:
                row[1].value = value

    return change


# ---------------------------------------------------------------------------------------------
# Round trip


def test_filled_workbook_comes_back_with_the_exact_ratings_answers_and_evidence(fill: Callable[..., Path]) -> None:
    answers: dict[str, int | str | None] = dict(ALL_RATED)
    answers.update({IDS[1]: DONT_KNOW, IDS[2]: NOT_APPLICABLE, IDS[3]: None, IDS[4]: "3 - Developing"})
    evidence = {
        IDS[0]: "Chính sách mua sắm năm 2023, trang 4",
        IDS[1]: "계약 정책 검토 중",
        IDS[4]: '=HYPERLINK("http://evil.example")',
        IDS[5]: "Two lines:\nfirst, then second",
    }
    result = read_workbook(fill(answers, evidence=evidence), RUBRIC, CONTEXT)

    assert result.source == "alice.xlsx"
    assert result.respondent == ALICE
    assert list(result.ratings) == IDS
    assert result.ratings == {
        **{i: ALL_RATED[i] for i in IDS},
        IDS[1]: None,
        IDS[2]: None,
        IDS[3]: None,
        IDS[4]: 3,
    }
    assert result.answers[IDS[0]] == "1 - Not yet started"
    assert result.answers[IDS[1]] == DONT_KNOW
    assert result.answers[IDS[2]] == NOT_APPLICABLE
    assert result.answers[IDS[3]] == ""
    assert result.answers[IDS[4]] == "3 - Developing"
    assert result.evidence == {i: evidence.get(i, "") for i in IDS}


def test_note_starting_with_equals_is_stored_as_text_not_a_formula(fill: Callable[..., Path]) -> None:
    path = fill(evidence={IDS[0]: "=1+1 is what we were told"})
    cell = openpyxl.load_workbook(path)[RATING_SHEET][f"{EVIDENCE_COLUMN}{_row_of(IDS[0])}"]
    assert cell.data_type == "s"
    assert cell.value == "=1+1 is what we were told"
    assert read_workbook(path, RUBRIC, CONTEXT).evidence[IDS[0]] == "=1+1 is what we were told"


def test_rows_in_another_order_are_matched_by_indicator_id(fill: Callable[..., Path]) -> None:
    path = fill(evidence={IDS[0]: "first", IDS[8]: "last"})

    def swap_first_and_last(wb: Workbook) -> None:
        ws = wb[RATING_SHEET]
        first, last = _row_of(IDS[0]), _row_of(IDS[8])
        for column in range(1, ws.max_column + 1):
            a, b = ws.cell(row=first, column=column), ws.cell(row=last, column=column)
            a.value, b.value = b.value, a.value

    result = read_workbook(_edit(path, swap_first_and_last), RUBRIC, CONTEXT)
    assert result.ratings == ALL_RATED
    assert result.evidence[IDS[0]] == "first" and result.evidence[IDS[8]] == "last"


def test_header_is_found_after_a_row_is_inserted_above(fill: Callable[..., Path]) -> None:
    path = _edit(fill(), lambda wb: wb[RATING_SHEET].insert_rows(1, amount=2))
    result = read_workbook(path, RUBRIC, CONTEXT)
    assert result.ratings == ALL_RATED
    assert result.respondent == ALICE


def test_respondent_labels_are_found_whatever_their_case_and_spacing(fill: Callable[..., Path]) -> None:
    def relabel(wb: Workbook) -> None:
        ws = wb[RATING_SHEET]
        ws["A2"], ws["A3"] = "  RESPONDENT   NAME: ", "respondent e-mail"

    assert read_workbook(_edit(fill(), relabel), RUBRIC, CONTEXT).respondent == ALICE


def test_metadata_sheet_merely_hidden_or_shown_after_a_resave_is_still_read(fill: Callable[..., Path]) -> None:
    def show_meta(wb: Workbook) -> None:
        wb[META_SHEET].sheet_state = "visible"

    assert read_workbook(_edit(fill(), show_meta), RUBRIC, CONTEXT).ratings == ALL_RATED


# ---------------------------------------------------------------------------------------------
# The template


def test_template_opens_on_ratings_after_the_instructions(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [INSTRUCTIONS_SHEET, RATING_SHEET, META_SHEET]
    assert wb.active is not None and wb.active.title == RATING_SHEET
    assert not wb[INSTRUCTIONS_SHEET].sheet_view.tabSelected


def test_instructions_say_what_to_do_and_what_happens_next(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[INSTRUCTIONS_SHEET]
    text = "\n".join(str(value) for row in ws.iter_rows(values_only=True) for value in row if value)
    for expected in [
        RUBRIC.title,
        "Riverside County",
        "2023 Southern California",
        "Baseline",
        "name, email and role",
        DONT_KNOW,
        NOT_APPLICABLE,
        "equity program manager",
        "Don't change the structure",
        *LEVEL_NAMES,
        "team's rating",
        "differ",
    ]:
        assert expected in text


def test_ratings_sheet_has_respondent_cells_then_headers_then_one_row_per_indicator(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[RATING_SHEET]
    assert RUBRIC.title in ws["A1"].value and "Riverside County" in ws["A1"].value and "baseline" in ws["A1"].value
    assert [ws[f"A{row}"].value for row in (2, 3, 4)] == ["Respondent name", "Respondent email", "Respondent role"]
    assert all(ws[f"A{row}"].value is None for row in (5,))
    headers = [cell.value for cell in ws[HEADER_ROW]]
    assert headers == [
        "Domain",
        "Indicator ID",
        "Practice",
        "1 - Not yet started",
        "2 - Emerging",
        "3 - Developing",
        "4 - Established",
        "Rating",
        "Evidence / notes",
    ]
    ids = [ws[f"B{row}"].value for row in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(IDS))]
    assert ids == IDS
    assert ws[f"E{_row_of('data.2')}"].value == "data.2 described at level 2"
    assert ws[f"D{_row_of('data.2')}"].alignment.wrap_text
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"


def test_template_prints_landscape_fit_to_width_with_the_header_repeated(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[RATING_SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.column_dimensions["C"].width > ws.column_dimensions["B"].width


def test_rating_cells_offer_the_allowed_answers_in_a_dropdown(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[RATING_SHEET]
    [validation] = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == f'"{",".join(answer_choices(RUBRIC))}"'
    assert answer_choices(RUBRIC) == [
        "1 - Not yet started",
        "2 - Emerging",
        "3 - Developing",
        "4 - Established",
        DONT_KNOW,
        NOT_APPLICABLE,
    ]
    assert str(validation.sqref) == f"{RATING_COLUMN}{HEADER_ROW + 1}:{RATING_COLUMN}{HEADER_ROW + len(IDS)}"
    assert validation.showErrorMessage and "Don't know" in validation.error


def test_dropdown_reads_from_the_hidden_sheet_when_level_names_have_commas(tmp_path: Path) -> None:
    names = ["Not yet started", "Emerging, in places", "Developing", "Established"]
    rubric = parse_rubric(_rubric_data(level_names=names), "test")
    wb = openpyxl.load_workbook(write_template(rubric, tmp_path / "t.xlsx", CONTEXT))
    [validation] = wb[RATING_SHEET].data_validations.dataValidation
    assert validation.formula1 == "'_meta'!$D$2:$D$7"
    listed = [wb[META_SHEET][f"D{row}"].value for row in range(2, 8)]
    assert listed == answer_choices(rubric)


def test_dropdown_reads_from_the_hidden_sheet_when_the_list_is_too_long(tmp_path: Path) -> None:
    names = [f"Level {n} with a rather long descriptive name of many words" for n in range(1, 6)]
    rubric = parse_rubric(_rubric_data(level_names=names), "test")
    wb = openpyxl.load_workbook(write_template(rubric, tmp_path / "t.xlsx", CONTEXT))
    [validation] = wb[RATING_SHEET].data_validations.dataValidation
    assert validation.formula1.startswith("'_meta'!")


def test_metadata_sheet_is_very_hidden_and_records_rubric_and_context(template: Path) -> None:
    meta = openpyxl.load_workbook(template)[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    values = {row[0]: row[1] for row in meta.iter_rows(max_col=2, values_only=True) if row[0]}
    assert values["rubric_id"] == RUBRIC.id
    assert values["rubric_version"] == RUBRIC.version
    assert values["rubric_hash"] == RUBRIC.content_hash
    assert (values["jurisdiction"], values["cohort"], values["cycle"]) == (
        "Riverside County",
        "2023 Southern California",
        "baseline",
    )
    assert values["template_format"] == 1
    assert values["header_row"] == HEADER_ROW


def test_only_answer_cells_can_be_edited_and_sheets_cannot_be_added_or_removed(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    ws = wb[RATING_SHEET]
    assert ws.protection.sheet
    assert wb.security is not None and wb.security.lockStructure
    first = HEADER_ROW + 1
    assert not ws["B2"].protection.locked and not ws["B3"].protection.locked and not ws["B4"].protection.locked
    assert not ws[f"{RATING_COLUMN}{first}"].protection.locked
    assert not ws[f"{EVIDENCE_COLUMN}{first}"].protection.locked
    for locked in ["A1", "A2", f"A{HEADER_ROW}", f"{RATING_COLUMN}{HEADER_ROW}", f"B{first}", f"D{first}"]:
        assert ws[locked].protection.locked, locked


def test_filling_keeps_the_dropdown_protection_and_hidden_metadata(fill: Callable[..., Path]) -> None:
    wb = openpyxl.load_workbook(fill())
    assert wb[RATING_SHEET].data_validations.dataValidation
    assert wb[RATING_SHEET].protection.sheet
    assert wb[META_SHEET].sheet_state == "veryHidden"
    assert wb.security is not None and wb.security.lockStructure


def test_template_can_be_prefilled_for_a_respondent(tmp_path: Path) -> None:
    path = write_template(RUBRIC, tmp_path / "alice-template.xlsx", CONTEXT, ALICE)
    ws = openpyxl.load_workbook(path)[RATING_SHEET]
    assert [ws[f"B{row}"].value for row in (2, 3, 4)] == [ALICE.name, ALICE.email, ALICE.role]


def test_names_that_look_like_formulas_are_written_as_text(tmp_path: Path) -> None:
    context = WorkbookContext(jurisdiction="=cmd|'/c calc'!A1", cohort="+2023", cycle="final")
    respondent = RespondentInfo(name="-Dana", email="dana@example.org", role="@lead")
    wb = openpyxl.load_workbook(write_template(RUBRIC, tmp_path / "t.xlsx", context, respondent))
    cells = [wb[RATING_SHEET]["B2"], wb[RATING_SHEET]["B4"]]
    cells += [row[1] for row in wb[META_SHEET].iter_rows(max_col=2) if row[0].value in ("jurisdiction", "cohort")]
    assert [cell.value for cell in cells] == ["-Dana", "@lead", "=cmd|'/c calc'!A1", "+2023"]
    assert all(cell.data_type == "s" for cell in cells)
    assert wb[INSTRUCTIONS_SHEET]["B4"].value == "=cmd|'/c calc'!A1"
    assert wb[INSTRUCTIONS_SHEET]["B4"].data_type == "s"


def test_cycle_must_be_baseline_midpoint_or_final() -> None:
    assert WorkbookContext(jurisdiction="X", cohort="Y", cycle=" Midpoint ").cycle == "midpoint"
    with pytest.raises(ValueError, match="baseline, midpoint, final"):
        WorkbookContext(jurisdiction="X", cohort="Y", cycle="annual")


def test_filling_an_indicator_the_template_lacks_is_an_error(template: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no-such.indicator"):
        fill_workbook(template, tmp_path / "x.xlsx", ALICE, {"no-such.indicator": 2})


# ---------------------------------------------------------------------------------------------
# What people type in the Rating column


@pytest.mark.parametrize(
    ("typed", "level", "answer"),
    [
        (3, 3, "3 - Developing"),
        (3.0, 3, "3 - Developing"),
        ("3", 3, "3 - Developing"),
        (" 3 ", 3, "3 - Developing"),
        ("3.0", 3, "3 - Developing"),
        ("3 - Developing", 3, "3 - Developing"),
        ("3-Developing", 3, "3 - Developing"),
        ("3 – Developing", 3, "3 - Developing"),
        ("3 — developing", 3, "3 - Developing"),
        ("Developing", 3, "3 - Developing"),
        ("developing", 3, "3 - Developing"),
        ("  NOT YET   started ", 1, "1 - Not yet started"),
        ("4 - Established", 4, "4 - Established"),
        ("Don't know", None, DONT_KNOW),
        ("dont know", None, DONT_KNOW),
        ("Don’t know", None, DONT_KNOW),
        ("DK", None, DONT_KNOW),
        ("Not applicable", None, NOT_APPLICABLE),
        ("N/A", None, NOT_APPLICABLE),
        ("NA", None, NOT_APPLICABLE),
        ("n/a ", None, NOT_APPLICABLE),
        (None, None, ""),
        ("   ", None, ""),
    ],
)
def test_rating_typed_in_any_usual_spelling_is_accepted(
    fill: Callable[..., Path], typed: int | float | str | None, level: int | None, answer: str
) -> None:
    result = read_workbook(fill({**ALL_RATED, IDS[4]: typed}), RUBRIC, CONTEXT)
    assert result.ratings[IDS[4]] == level
    assert result.answers[IDS[4]] == answer


@pytest.mark.parametrize("typed", [0, 5, 2.5, -1, "0", "5", "2.5", "abc", "3 - Emerging", "Level three", "#N/A"])
def test_rating_out_of_range_or_unreadable_is_a_problem_naming_the_cell(
    fill: Callable[..., Path], typed: int | float | str
) -> None:
    [problem] = _problems(fill({**ALL_RATED, IDS[4]: typed}))
    assert problem.startswith(f"alice.xlsx Ratings!{RATING_COLUMN}{_row_of(IDS[4])}: the rating for {IDS[4]}")
    assert str(typed) in problem
    assert "Pick one of 1 - Not yet started, 2 - Emerging, 3 - Developing, 4 - Established, Don't know" in problem


_SPELLINGS: list[Callable[[int, str], object]] = [
    lambda n, name: n,
    lambda n, name: float(n),
    lambda n, name: str(n),
    lambda n, name: f"{n}.0",
    lambda n, name: f"{n} - {name}",
    lambda n, name: f"{n}-{name}",
    lambda n, name: f"{n} – {name}",
    lambda n, name: f"{n} {name.upper()}",
    lambda n, name: name,
    lambda n, name: name.lower(),
    lambda n, name: name.upper(),
]
_SPACES = st.text(alphabet=" \t\u00a0", max_size=3)


@given(
    level=st.integers(1, RUBRIC.max_level),
    spelling=st.sampled_from(_SPELLINGS),
    before=_SPACES,
    after=_SPACES,
)
def test_any_level_in_any_accepted_spelling_parses_to_that_level(
    level: int, spelling: Callable[[int, str], object], before: str, after: str
) -> None:
    typed = spelling(level, RUBRIC.level_name(level))
    if isinstance(typed, str):
        typed = f"{before}{typed}{after}"
    assert parse_answer(typed, RUBRIC) == level


@given(
    number=st.integers(-(10**100), 10**100).filter(lambda n: not 1 <= n <= RUBRIC.max_level),
    spelling=st.sampled_from(_SPELLINGS[:8]),
    name=st.sampled_from(LEVEL_NAMES),
    before=_SPACES,
)
def test_out_of_range_numbers_never_parse_to_a_level(
    number: int, spelling: Callable[[int, str], object], name: str, before: str
) -> None:
    typed = spelling(number, name)
    if isinstance(typed, str):
        typed = f"{before}{typed}"
    with pytest.raises(ValueError):
        parse_answer(typed, RUBRIC)


# ---------------------------------------------------------------------------------------------
# A file re-saved by LibreOffice


@pytest.mark.slow
def test_workbook_resaved_by_libreoffice_reads_the_same(fill: Callable[..., Path], tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; it is needed to re-save a workbook")
    answers: dict[str, int | str | None] = {**ALL_RATED, IDS[1]: "Don’t know", IDS[2]: "N/A", IDS[3]: None}
    evidence = {IDS[0]: "=not a formula", IDS[1]: "계약 정책 검토 중", IDS[2]: "Chính sách mua sắm"}
    original = read_workbook(fill(answers, evidence=evidence), RUBRIC, CONTEXT)
    outdir = tmp_path / "resaved"
    completed = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(outdir),
            str(tmp_path / "alice.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    resaved = outdir / "alice.xlsx"
    assert resaved.is_file(), f"LibreOffice did not write the file: {completed.stdout} {completed.stderr}"

    result = read_workbook(resaved, RUBRIC, CONTEXT)
    assert result.ratings == original.ratings
    assert result.answers == original.answers
    assert result.evidence == original.evidence
    assert result.respondent == ALICE


# ---------------------------------------------------------------------------------------------
# Files that are refused


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"indicator,rating\nleadership.1,3\n", "a CSV file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "a PDF"),
        (b"", "an empty file"),
    ],
)
def test_file_that_is_not_a_workbook_is_refused(tmp_path: Path, content: bytes, what: str) -> None:
    path = tmp_path / "alice.xlsx"
    path.write_bytes(content)
    [problem] = _problems(path)
    assert problem.startswith("alice.xlsx: ")
    assert "is not an Excel workbook" in problem and "template" in problem, what


def test_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "alice.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    [problem] = _problems(path)
    assert problem.startswith("alice.xlsx: is not an Excel workbook")


def test_damaged_workbook_is_refused(fill: Callable[..., Path], tmp_path: Path) -> None:
    def truncate_workbook_part(name: str, data: bytes) -> bytes:
        return data[:20] if name == "xl/workbook.xml" else data

    path = _rewrite_zip(fill(), tmp_path / "bob.xlsx", truncate_workbook_part)
    [problem] = _problems(path)
    assert problem.startswith("bob.xlsx: could not be opened as an Excel workbook")


def test_macro_enabled_workbook_is_refused_by_its_extension(fill: Callable[..., Path], tmp_path: Path) -> None:
    path = tmp_path / "alice.xlsm"
    shutil.copy(fill(), path)
    [problem] = _problems(path)
    assert problem.startswith("alice.xlsm: is a macro-enabled workbook")


def test_workbook_carrying_a_macro_project_is_refused(fill: Callable[..., Path], tmp_path: Path) -> None:
    path = _rewrite_zip(fill(), tmp_path / "carol.xlsx", lambda name, data: data, {"xl/vbaProject.bin": b"\0" * 64})
    [problem] = _problems(path)
    assert problem.startswith("carol.xlsx: is a macro-enabled workbook")


def test_workbook_declared_macro_enabled_is_refused(fill: Callable[..., Path], tmp_path: Path) -> None:
    def declare_macros(name: str, data: bytes) -> bytes:
        if name != "[Content_Types].xml":
            return data
        return data.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")

    path = _rewrite_zip(fill(), tmp_path / "carol.xlsx", declare_macros)
    [problem] = _problems(path)
    assert "macro-enabled" in problem


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int, int], None]]:
    """Set the size limits through the environment, and make sure nothing gets to openpyxl."""

    def must_not_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("an oversized workbook was handed to openpyxl")

    def set_limits(file_bytes: int, unzipped_bytes: int) -> None:
        monkeypatch.setenv("ACCELERATOR_MAX_WORKBOOK_BYTES", str(file_bytes))
        monkeypatch.setenv("ACCELERATOR_MAX_WORKBOOK_UNZIPPED_BYTES", str(unzipped_bytes))
        get_settings.cache_clear()
        monkeypatch.setattr(reading_module, "load_workbook", must_not_open)

    yield set_limits
    get_settings.cache_clear()


def test_oversized_file_is_refused_before_it_is_opened(
    fill: Callable[..., Path], limits: Callable[[int, int], None]
) -> None:
    path = fill()
    limits(path.stat().st_size - 1, 10**9)
    [problem] = _problems(path)
    assert problem.startswith("alice.xlsx: is ") and "MB are refused" in problem


def test_zip_bomb_is_refused_before_it_is_unpacked(
    tmp_path: Path, fill: Callable[..., Path], limits: Callable[[int, int], None]
) -> None:
    bomb = b"\0" * (8 * 1024 * 1024)
    path = _rewrite_zip(fill(), tmp_path / "bomb.xlsx", lambda name, data: data, {"xl/media/image1.png": bomb})
    assert path.stat().st_size < 100_000
    limits(10**7, 4 * 1024 * 1024)
    [problem] = _problems(path)
    assert problem.startswith("bomb.xlsx: unpacks to 8.") and "unpacked are refused" in problem


def test_workbook_without_ratings_sheet_is_refused(fill: Callable[..., Path]) -> None:
    def rename(wb: Workbook) -> None:
        wb[RATING_SHEET].title = "Sheet1"

    [problem] = _problems(_edit(fill(), rename))
    assert problem.startswith("alice.xlsx: has no 'Ratings' sheet (its sheets are: Instructions, Sheet1, _meta)")


def test_workbook_not_made_from_the_template_is_refused(fill: Callable[..., Path]) -> None:
    def drop_meta(wb: Workbook) -> None:
        del wb[META_SHEET]

    [problem] = _problems(_edit(fill(), drop_meta))
    assert problem.startswith("alice.xlsx: has no hidden '_meta' sheet, so it was not made from the template")


def test_workbook_with_incomplete_metadata_is_refused(fill: Callable[..., Path]) -> None:
    [problem] = _problems(_edit(fill(), _set_meta("rubric_hash", None)))
    assert problem.startswith("alice.xlsx _meta: the hidden metadata is incomplete (no rubric_hash)")


def test_workbook_for_another_rubric_says_what_it_is_for(tmp_path: Path) -> None:
    other = parse_rubric(_rubric_data(rubric_id="other-rubric", version="2"), "test")
    path = write_template(other, tmp_path / "other.xlsx", CONTEXT)
    path = fill_workbook(path, tmp_path / "alice.xlsx", ALICE, {})
    [problem] = _problems(path)
    assert problem.startswith("alice.xlsx _meta!B1: this workbook is for rubric 'other-rubric' version 2")
    assert "this import uses rubric 'test-rubric' version 1" in problem
    assert "Use the template made from rubric 'test-rubric' version 1 for Riverside County" in problem


def test_workbook_from_a_changed_rubric_is_refused(tmp_path: Path) -> None:
    changed = parse_rubric(_rubric_data(tweak=" (reworded)"), "test")
    assert changed.content_hash != RUBRIC.content_hash
    path = fill_workbook(write_template(changed, tmp_path / "t.xlsx", CONTEXT), tmp_path / "alice.xlsx", ALICE, {})
    [problem] = _problems(path)
    assert problem.startswith("alice.xlsx _meta!B3: ")
    assert "the rubric has changed since the template was made" in problem


@pytest.mark.parametrize(
    ("key", "value", "row"),
    [("jurisdiction", "San Diego County", 4), ("cohort", "2024 Central Valley", 5), ("cycle", "final", 6)],
)
def test_workbook_for_another_jurisdiction_cohort_or_cycle_is_refused(
    fill: Callable[..., Path], key: str, value: str, row: int
) -> None:
    [problem] = _problems(_edit(fill(), _set_meta(key, value)))
    assert problem.startswith(f"alice.xlsx _meta!B{row}: this workbook is for {key} '{value}'")
    assert "Use the workbook made from the template for Riverside County, 2023 Southern California, baseline" in problem


def test_missing_indicator_row_is_a_problem(fill: Callable[..., Path]) -> None:
    [problem] = _problems(_edit(fill(), lambda wb: wb[RATING_SHEET].delete_rows(_row_of(IDS[3]))))
    assert problem.startswith(f"alice.xlsx Ratings: indicator '{IDS[3]}' (Practice 1 of data) has no row")


def test_unknown_and_repeated_indicator_ids_are_problems(fill: Callable[..., Path]) -> None:
    def change_ids(wb: Workbook) -> None:
        ws = wb[RATING_SHEET]
        ws[f"B{_row_of(IDS[0])}"] = "leadership.99"
        ws[f"B{_row_of(IDS[2])}"] = IDS[1]

    problems = _problems(_edit(fill(), change_ids))
    assert problems[0].startswith(f"alice.xlsx Ratings!B{_row_of(IDS[0])}: 'leadership.99' is not an indicator")
    assert problems[1].startswith(
        f"alice.xlsx Ratings!B{_row_of(IDS[2])}: indicator '{IDS[1]}' appears twice (rows 8 and 9)"
    )
    assert any(f"indicator '{IDS[0]}'" in p and "has no row" in p for p in problems)
    assert any(f"indicator '{IDS[2]}'" in p and "has no row" in p for p in problems)


def test_missing_respondent_name_and_email_are_problems(fill: Callable[..., Path]) -> None:
    problems = _problems(fill(respondent=RespondentInfo(role="Analyst")))
    assert problems == [
        "alice.xlsx Ratings!B2: the Respondent name is missing. Type your name next to 'Respondent name'.",
        "alice.xlsx Ratings!B3: the Respondent email is missing. Type your email next to 'Respondent email'.",
    ]


def test_email_that_does_not_look_like_one_is_a_problem(fill: Callable[..., Path]) -> None:
    [problem] = _problems(fill(respondent=RespondentInfo(name="Alice", email="alice at riverside")))
    assert problem.startswith("alice.xlsx Ratings!B3: 'alice at riverside' does not look like an email address")


def test_every_problem_of_a_file_is_listed_at_once(fill: Callable[..., Path]) -> None:
    answers = {**ALL_RATED, IDS[0]: 7, IDS[5]: "sometimes"}
    with pytest.raises(ValidationFailed) as caught:
        read_workbook(fill(answers, respondent=RespondentInfo(name="Alice")), RUBRIC, CONTEXT)
    locations = [problem.location for problem in caught.value.problems]
    assert locations == [
        f"alice.xlsx Ratings!{RATING_COLUMN}{_row_of(IDS[0])}",
        f"alice.xlsx Ratings!{RATING_COLUMN}{_row_of(IDS[5])}",
        "alice.xlsx Ratings!B3",
    ]
    assert "alice.xlsx could not be imported" in str(caught.value)


# ---------------------------------------------------------------------------------------------
# Several respondents at once


def test_several_workbooks_are_read_in_the_order_given(fill: Callable[..., Path]) -> None:
    alice = fill(name="alice.xlsx")
    bob = fill({**ALL_RATED, IDS[0]: 4}, respondent=BOB, name="bob.xlsx")
    results = read_workbooks([alice, bob], RUBRIC, CONTEXT)
    assert [r.respondent.email for r in results] == [ALICE.email, BOB.email]
    assert all(isinstance(r, WorkbookRatings) for r in results)
    assert results[1].ratings[IDS[0]] == 4


def test_one_bad_workbook_among_good_ones_lists_its_problems_and_imports_none(
    fill: Callable[..., Path], tmp_path: Path
) -> None:
    good = fill(name="alice.xlsx")
    bad = fill({**ALL_RATED, IDS[2]: 9}, respondent=BOB, name="bob.xlsx")
    not_a_workbook = tmp_path / "notes.xlsx"
    not_a_workbook.write_text("just some notes", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        read_workbooks([good, bad, not_a_workbook], RUBRIC, CONTEXT)
    locations = [problem.location for problem in caught.value.problems]
    assert locations == [f"bob.xlsx Ratings!{RATING_COLUMN}{_row_of(IDS[2])}", "notes.xlsx"]
    assert caught.value.summary.startswith("2 of 3 workbook(s) have problems; nothing was imported")


def test_same_respondent_in_two_workbooks_is_refused(fill: Callable[..., Path]) -> None:
    first = fill(name="alice.xlsx")
    again = fill(respondent=RespondentInfo(name="Alice N.", email="ALICE@riverside.example.org"), name="alice-v2.xlsx")
    with pytest.raises(ValidationFailed) as caught:
        read_workbooks([first, again], RUBRIC, CONTEXT)
    [problem] = caught.value.problems
    assert problem.location == "alice-v2.xlsx Ratings!B3"
    assert "also sent alice.xlsx" in problem.message


# ---------------------------------------------------------------------------------------------
# The real rubric


def test_real_rubric_round_trips(tmp_path: Path) -> None:
    if not data_path(f"{DEFAULT_RUBRIC}.yaml").is_file():
        pytest.skip(f"rubrics/{DEFAULT_RUBRIC}.yaml is not written yet")
    rubric = load_rubric()
    answers: dict[str, int | str | None] = {
        indicator.id: n % rubric.max_level + 1 for n, indicator in enumerate(rubric.indicators)
    }
    answers[rubric.indicators[0].id] = DONT_KNOW
    template = write_template(rubric, tmp_path / "template.xlsx", CONTEXT)
    filled = fill_workbook(template, tmp_path / "alice.xlsx", ALICE, answers, {rubric.indicators[1].id: "Policy 12"})
    result = read_workbook(filled, rubric, CONTEXT)
    assert result.ratings == {key: value if isinstance(value, int) else None for key, value in answers.items()}
    assert result.answers[rubric.indicators[0].id] == DONT_KNOW
    assert result.evidence[rubric.indicators[1].id] == "Policy 12"


def test_a_workbook_with_no_rating_at_all_is_refused(fill: Callable[..., Path]) -> None:
    problems = _problems(fill({i: None for i in IDS}))
    assert len(problems) == 1
    assert "alice.xlsx Ratings!" in problems[0] and "no practice has a rating" in problems[0]


def test_dont_know_everywhere_is_an_answer_and_accepted(fill: Callable[..., Path]) -> None:
    read = read_workbook(fill({i: "Don't know" for i in IDS}), RUBRIC, CONTEXT)
    assert set(read.ratings.values()) == {None} and set(read.answers.values()) == {"Don't know"}
