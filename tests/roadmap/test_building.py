"""Building a version: simultaneous builds of one team each get a number and files of their own,
and a build that cannot write its files keeps no version and leaves nothing behind."""

from __future__ import annotations

import errno
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import col, select

from assessment.core.db import transaction
from assessment.core.errors import Fault
from assessment.roadmap.models import RoadmapVersion
from assessment.roadmap.service import build_version
from assessment.roadmap.view import RoadmapView
from roadmaps.registry import renderers
from tests.conftest import Cast
from tests.roadmaps.reading import pdftotext

FORMATS = ["pdf", "xlsx", "html"]
BUILDERS = 3


def lay_out(view: RoadmapView, folder: Path) -> list[Path]:
    """Every format, named as the roadmap-build flow names them."""
    stem = f"alder-county-roadmap-v{view.version}"
    return [renderers()[fmt].write(view, folder, stem) for fmt in FORMATS]


def versions() -> list[tuple[int, str]]:
    with transaction() as session:
        rows = session.exec(select(RoadmapVersion).order_by(col(RoadmapVersion.number)))
        return [(row.number, row.built_by) for row in rows]


def number_printed_in(path: Path) -> set[str]:
    """The version number(s) a person reads in the file."""
    if path.suffix == ".xlsx":
        sheet = load_workbook(path)["About"]
        return {str(row[1]) for row in sheet.iter_rows(values_only=True) if row[0] == "Version"}
    text = pdftotext(path) if path.suffix == ".pdf" else path.read_text(encoding="utf-8")
    return set(re.findall(r"version (\d+)", " ".join(text.split())))


def test_simultaneous_builds_each_keep_their_own_number_and_files(cast: Cast, tmp_path: Path) -> None:
    out = tmp_path / "roadmaps"
    builders = [cast.alder_manager, cast.alder_officer, cast.admin]
    # Every builder has snapshotted the same next number before any of them keeps it: the race is sure.
    together = threading.Barrier(BUILDERS, timeout=20)
    raced: set[str] = set()

    def build(email: str) -> tuple[int, list[Path]]:
        def first_together(view: RoadmapView, folder: Path) -> list[Path]:
            if email not in raced:
                raced.add(email)
                together.wait()
            return lay_out(view, folder)

        view, files = build_version(email, cast.alder, cast.cohort, FORMATS, out, first_together)
        return view.version, files

    with ThreadPoolExecutor(BUILDERS) as pool:
        built = list(pool.map(build, builders))

    assert sorted(number for number, _ in built) == [1, 2, 3]
    assert versions() == sorted((number, email) for (number, _), email in zip(built, builders, strict=True))
    for number, files in built:
        assert [f.name for f in files] == [f"alder-county-roadmap-v{number}{s}" for s in (".pdf", ".xlsx", ".html")]
        for file in files:
            assert file.parent == out and number_printed_in(file) == {str(number)}, file
    assert sorted(p.name for p in out.iterdir()) == sorted(f.name for _, files in built for f in files)


def test_a_full_disk_keeps_no_version_and_leaves_no_file(cast: Cast, tmp_path: Path) -> None:
    out = tmp_path / "roadmaps"

    def disk_fills_up(view: RoadmapView, folder: Path) -> list[Path]:
        html = renderers()["html"].write(view, folder, "alder-county-roadmap-v1")
        (folder / "alder-county-roadmap-v1.pdf").write_bytes(b"%PDF-1.4 half")
        assert html.exists()
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(Fault) as failed:
        build_version(cast.alder_manager, cast.alder, cast.cohort, ["html", "pdf"], out, disk_fills_up)
    # one sentence naming where the person asked for the files, not the staging folder
    assert str(failed.value).startswith(f"The disk is full, so {out} was not written; free some space")
    assert versions() == []
    assert list(out.iterdir()) == []


def test_a_file_that_cannot_take_its_name_undoes_the_whole_build(cast: Cast, tmp_path: Path) -> None:
    out = tmp_path / "roadmaps"
    blocking = out / "alder-county-roadmap-v1.html"
    (blocking / "kept").mkdir(parents=True)  # a folder where the HTML file should go

    with pytest.raises(IsADirectoryError) as failed:
        build_version(cast.alder_manager, cast.alder, cast.cohort, FORMATS, out, lay_out)
    assert failed.value.filename == str(blocking)
    assert versions() == []
    assert [p.name for p in out.iterdir()] == [blocking.name]  # the PDF and XLSX moved before it are gone
    assert (blocking / "kept").is_dir()


def test_a_file_refused_in_the_staging_folder_is_said_as_the_file_asked_for(cast: Cast, tmp_path: Path) -> None:
    out = tmp_path / "roadmaps"

    def refused(view: RoadmapView, folder: Path) -> list[Path]:
        raise PermissionError(errno.EACCES, "Permission denied", str(folder / "alder-county-roadmap-v1.pdf"))

    with pytest.raises(Fault) as failed:
        build_version(cast.alder_manager, cast.alder, cast.cohort, ["pdf"], out, refused)
    assert str(failed.value).startswith(f"Permission was denied for {out / 'alder-county-roadmap-v1.pdf'}, so")
    assert versions() == [] and list(out.iterdir()) == []
