"""Both importers fed random bytes and truncated or mutated real files (hypothesis): each input is
imported correctly or refused cleanly, never an exception escaping to the person, and a refusal
leaves the database as it was."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.core.errors import ValidationFailed
from assessment.selfassessment.reading import read_workbooks
from assessment.selfassessment.template import fill_workbook, write_template
from tests.barriers.helpers import snapshot
from tests.barriers.test_sheet import export, seed
from tests.cli import run_cli
from tests.conftest import Cast
from tests.selfassessment.workbooks import ALICE, ALL_RATED, CONTEXT, RUBRIC

# What a damaged or hostile file puts into XML, besides random bytes.
XML_SPLICES = [
    b"<",
    b">",
    b"&",
    b'"',
    b"\x00",
    b"&#0;",
    b"&xxe;",
    b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b"NaN",
    b"INF",
    b"<f>1+1</f>",
    b'<c r="A1" t="s"><v>99999</v></c>',
    b'<c r="ZZZ99999999"><v>1</v></c>',
    b"</sheetData>",
    b'<row r="-1">',
    b"\xff\xfe",
]


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` made unreadable (or not) the ways files get damaged."""
    how = draw(st.sampled_from(["random", "truncated", "flipped", "xml"]))
    if how == "random":
        return draw(st.binary(max_size=4096))
    if how == "truncated":
        return original[: draw(st.integers(0, len(original) - 1))]
    if how == "flipped":
        data = bytearray(original)
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    name = draw(st.sampled_from(sorted(n for n in parts if n.endswith(".xml"))))
    xml = bytearray(parts[name])
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(xml)))
        cut = draw(st.integers(0, 40))
        splice = draw(st.sampled_from(XML_SPLICES) | st.binary(max_size=16))
        xml[at : at + cut] = splice
    parts[name] = bytes(xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    template = write_template(RUBRIC, folder / "template.xlsx", CONTEXT)
    return fill_workbook(template, folder / "alice.xlsx", ALICE, ALL_RATED, None)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_self_assessment_reader_imports_or_refuses_cleanly(
    filled: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    content = data.draw(damaged(filled.read_bytes()))
    path = tmp_path_factory.mktemp("case") / "alice.xlsx"
    path.write_bytes(content)
    try:
        [read] = read_workbooks([path], RUBRIC, CONTEXT)
    except ValidationFailed as refused:
        assert refused.problems, "a refusal names at least one problem"
        assert all(p.location.startswith("alice.xlsx") for p in refused.problems)
        return
    # accepted: what was read is a whole, valid answer sheet
    assert set(read.answers) == {i.id for i in RUBRIC.indicators}
    assert read.respondent.email and read.respondent.name


@pytest.fixture
def inventory(cast: Cast, tmp_path: Path) -> Path:
    """Two barriers of Alder County, exported once for every example of a test."""
    seed(cast, ["Late payment", "Insurance"])
    return export(cast, tmp_path / "exported.xlsx")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_barrier_import_applies_or_refuses_cleanly_and_a_refusal_changes_nothing(
    cast: Cast,
    inventory: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    data: st.DataObject,
) -> None:
    path = tmp_path_factory.mktemp("barriers") / "inventory.xlsx"
    path.write_bytes(data.draw(damaged(inventory.read_bytes())))
    before = snapshot()
    done = run_cli(capsys, "--actor", cast.alder_officer, "barrier", "import", str(path))
    assert done.code in (0, 2), done.err
    assert "Traceback" not in done.err and "unexpected" not in done.err
    if done.code == 2:
        assert "inventory.xlsx" in done.err
        assert snapshot() == before
