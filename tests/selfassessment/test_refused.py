"""Workbooks that are refused on import, with every problem named by file and cell."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from assessment.core.errors import ValidationFailed
from assessment.core.settings import get_settings
from assessment.selfassessment.reading import read_workbook
from assessment.selfassessment.rubric import parse_rubric
from assessment.selfassessment.shapes import RespondentInfo
from assessment.selfassessment.sheet import META_SHEET, RATING_SHEET
from assessment.selfassessment.template import fill_workbook, write_template
from tests.selfassessment.workbooks import (
    ALICE,
    ALL_RATED,
    CONTEXT,
    IDS,
    RATING_COLUMN,
    RUBRIC,
    edit,
    problems_in,
    rewrite_zip,
    row_of,
    rubric_data,
    set_meta,
)

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
    [problem] = problems_in(path)
    assert problem.startswith("alice.xlsx: ")
    assert "is not an Excel workbook" in problem and "template" in problem, what


def test_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "alice.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    [problem] = problems_in(path)
    assert problem.startswith("alice.xlsx: is not an Excel workbook")


def test_damaged_workbook_is_refused(fill: Callable[..., Path], tmp_path: Path) -> None:
    def truncate_workbook_part(name: str, data: bytes) -> bytes:
        return data[:20] if name == "xl/workbook.xml" else data

    path = rewrite_zip(fill(), tmp_path / "bob.xlsx", truncate_workbook_part)
    [problem] = problems_in(path)
    assert problem.startswith("bob.xlsx: is not a workbook this can read (it is not well-formed XML")


def test_workbook_packed_with_a_zip_version_no_spreadsheet_program_writes_is_refused(
    fill: Callable[..., Path], tmp_path: Path
) -> None:
    """Found by tests/test_fuzz_importers.py: Python's zipfile raised NotImplementedError, which came
    out as "something unexpected went wrong"."""
    data = bytearray(fill().read_bytes())
    directory = data.index(b"PK\x01\x02")  # the first entry of the central directory
    data[directory + 6 : directory + 8] = (64).to_bytes(2, "little")  # version needed to extract: 6.4
    path = tmp_path / "dave.xlsx"
    path.write_bytes(bytes(data))
    [problem] = problems_in(path)
    assert problem.startswith("dave.xlsx: is not a workbook this can read (it is packed in a way spreadsheet")


def test_macro_enabled_workbook_is_refused_by_its_extension(fill: Callable[..., Path], tmp_path: Path) -> None:
    path = tmp_path / "alice.xlsm"
    shutil.copy(fill(), path)
    [problem] = problems_in(path)
    assert problem.startswith("alice.xlsm: is a macro-enabled workbook")


def test_workbook_carrying_a_macro_project_is_refused(fill: Callable[..., Path], tmp_path: Path) -> None:
    path = rewrite_zip(fill(), tmp_path / "carol.xlsx", lambda name, data: data, {"xl/vbaProject.bin": b"\0" * 64})
    [problem] = problems_in(path)
    assert problem.startswith("carol.xlsx: is a macro-enabled workbook")


def test_workbook_declared_macro_enabled_is_refused(fill: Callable[..., Path], tmp_path: Path) -> None:
    def declare_macros(name: str, data: bytes) -> bytes:
        if name != "[Content_Types].xml":
            return data
        return data.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")

    path = rewrite_zip(fill(), tmp_path / "carol.xlsx", declare_macros)
    [problem] = problems_in(path)
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
        monkeypatch.setattr(openpyxl, "load_workbook", must_not_open)

    yield set_limits
    get_settings.cache_clear()


def test_oversized_file_is_refused_before_it_is_opened(
    fill: Callable[..., Path], limits: Callable[[int, int], None]
) -> None:
    path = fill()
    limits(path.stat().st_size - 1, 10**9)
    [problem] = problems_in(path)
    assert problem.startswith("alice.xlsx: is ") and "MB are refused" in problem


def test_zip_bomb_is_refused_before_it_is_unpacked(
    tmp_path: Path, fill: Callable[..., Path], limits: Callable[[int, int], None]
) -> None:
    bomb = b"\0" * (8 * 1024 * 1024)
    path = rewrite_zip(fill(), tmp_path / "bomb.xlsx", lambda name, data: data, {"xl/media/image1.png": bomb})
    assert path.stat().st_size < 100_000
    limits(10**7, 4 * 1024 * 1024)
    [problem] = problems_in(path)
    assert problem.startswith("bomb.xlsx: unpacks to 8.") and "unpacked are refused" in problem


def test_workbook_without_ratings_sheet_is_refused(fill: Callable[..., Path]) -> None:
    def rename(wb: Workbook) -> None:
        wb[RATING_SHEET].title = "Sheet1"

    [problem] = problems_in(edit(fill(), rename))
    assert problem.startswith("alice.xlsx: has no 'Ratings' sheet (its sheets are: Instructions, Sheet1)")


def test_workbook_not_made_from_the_template_is_refused(fill: Callable[..., Path]) -> None:
    def drop_meta(wb: Workbook) -> None:
        del wb[META_SHEET]

    [problem] = problems_in(edit(fill(), drop_meta))
    assert problem.startswith(
        "alice.xlsx: was not made from the template: the details it keeps of who it is for are missing"
    )


def test_workbook_with_incomplete_metadata_is_refused(fill: Callable[..., Path]) -> None:
    [problem] = problems_in(edit(fill(), set_meta("rubric_hash", None)))
    assert problem.startswith(
        "alice.xlsx: was not made from the template: the details it keeps of who it is for are incomplete "
        "(no rubric hash)"
    )


def test_workbook_for_another_rubric_says_what_it_is_for(tmp_path: Path) -> None:
    other = parse_rubric(rubric_data(rubric_id="other-rubric", version="2"), "test")
    path = write_template(other, tmp_path / "other.xlsx", CONTEXT)
    path = fill_workbook(path, tmp_path / "alice.xlsx", ALICE, {})
    [problem] = problems_in(path)
    assert problem.startswith("alice.xlsx: this workbook is for rubric 'other-rubric' version 2")
    assert "this import uses rubric 'test-rubric' version 1" in problem
    assert "Use the template made from rubric 'test-rubric' version 1 for Riverside County" in problem


def test_workbook_from_a_changed_rubric_is_refused(tmp_path: Path) -> None:
    changed = parse_rubric(rubric_data(tweak=" (reworded)"), "test")
    assert changed.content_hash != RUBRIC.content_hash
    path = fill_workbook(write_template(changed, tmp_path / "t.xlsx", CONTEXT), tmp_path / "alice.xlsx", ALICE, {})
    [problem] = problems_in(path)
    assert problem.startswith("alice.xlsx: this workbook was made from an earlier or different text")
    assert "the rubric has changed since the template was made" in problem


@pytest.mark.parametrize(
    ("key", "value", "row"),
    [("jurisdiction", "San Diego County", 4), ("cohort", "2024 Central Valley", 5), ("cycle", "final", 6)],
)
def test_workbook_for_another_jurisdiction_cohort_or_cycle_is_refused(
    fill: Callable[..., Path], key: str, value: str, row: int
) -> None:
    [problem] = problems_in(edit(fill(), set_meta(key, value)))
    assert problem.startswith(f"alice.xlsx: this workbook is for {key} '{value}'")
    assert "Use the workbook made from the template for Riverside County, 2023 Southern California, baseline" in problem


def test_missing_indicator_row_is_a_problem(fill: Callable[..., Path]) -> None:
    [problem] = problems_in(edit(fill(), lambda wb: wb[RATING_SHEET].delete_rows(row_of(IDS[3]))))
    assert problem.startswith(f"alice.xlsx Ratings: indicator '{IDS[3]}' (Practice 1 of data) has no row")


def test_unknown_and_repeated_indicator_ids_are_problems(fill: Callable[..., Path]) -> None:
    def change_ids(wb: Workbook) -> None:
        ws = wb[RATING_SHEET]
        ws[f"B{row_of(IDS[0])}"] = "leadership.99"
        ws[f"B{row_of(IDS[2])}"] = IDS[1]

    problems = problems_in(edit(fill(), change_ids))
    assert problems[0].startswith(f"alice.xlsx Ratings!B{row_of(IDS[0])}: 'leadership.99' is not an indicator")
    assert problems[1].startswith(
        f"alice.xlsx Ratings!B{row_of(IDS[2])}: indicator '{IDS[1]}' appears twice (rows 8 and 9)"
    )
    assert any(f"indicator '{IDS[0]}'" in p and "has no row" in p for p in problems)
    assert any(f"indicator '{IDS[2]}'" in p and "has no row" in p for p in problems)


def test_missing_respondent_name_and_email_are_problems(fill: Callable[..., Path]) -> None:
    problems = problems_in(fill(respondent=RespondentInfo(role="Analyst")))
    assert problems == [
        "alice.xlsx Ratings!B2: the Respondent name is missing. Type your name next to 'Respondent name'.",
        "alice.xlsx Ratings!B3: the Respondent email is missing. Type your email next to 'Respondent email'.",
    ]


def test_email_that_does_not_look_like_one_is_a_problem(fill: Callable[..., Path]) -> None:
    [problem] = problems_in(fill(respondent=RespondentInfo(name="Alice", email="alice at riverside")))
    assert problem.startswith("alice.xlsx Ratings!B3: 'alice at riverside' does not look like an email address")


def test_every_problem_of_a_file_is_listed_at_once(fill: Callable[..., Path]) -> None:
    answers = {**ALL_RATED, IDS[0]: 7, IDS[5]: "sometimes"}
    with pytest.raises(ValidationFailed) as caught:
        read_workbook(fill(answers, respondent=RespondentInfo(name="Alice")), RUBRIC, CONTEXT)
    locations = [problem.location for problem in caught.value.problems]
    assert locations == [
        f"alice.xlsx Ratings!{RATING_COLUMN}{row_of(IDS[0])}",
        f"alice.xlsx Ratings!{RATING_COLUMN}{row_of(IDS[5])}",
        "alice.xlsx Ratings!B3",
    ]
    assert "alice.xlsx could not be imported" in str(caught.value)


def test_a_workbook_with_no_rating_at_all_is_refused(fill: Callable[..., Path]) -> None:
    problems = problems_in(fill({i: None for i in IDS}))
    assert len(problems) == 1
    assert "alice.xlsx Ratings!" in problems[0] and "no practice has a rating" in problems[0]


def test_a_missing_file_is_named_as_given_folder_and_all(tmp_path: Path) -> None:
    from assessment.core.xlsx import xlsx_bytes

    missing = xlsx_bytes(Path("filled") / "*.xlsx", "")
    assert not isinstance(missing, bytes)
    assert str(missing) == "filled/*.xlsx: matches no file. Check the file name and the folder it is in."
    gone = xlsx_bytes(tmp_path / "gone.xlsx", "")
    assert str(gone).startswith(f"{tmp_path / 'gone.xlsx'}: cannot be found or read.")
