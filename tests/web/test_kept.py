"""The store of uploads kept between their preview and their apply: found only by their owner, for
what they were kept for, within the hour; a malformed token or record is not found; the store's
folder is private and refused when it is a link."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from accelerator.web import kept as uploads
from assessment.core.errors import Conflict, NotFound

GONE = "This preview is not there any more."


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "inventory 2026.xlsx"
    path.write_bytes(b"the uploaded bytes")
    return path


def test_an_upload_is_kept_with_its_record_and_found_again(sheet: Path, own_data_dir: Path) -> None:
    upload = uploads.keep(sheet, 7, "barriers", {"preview": {"changes": 2}})
    assert upload.folder.parent == own_data_dir / "web-uploads" and len(upload.token) == 32
    found = uploads.kept(upload.token, 7, "barriers", GONE)
    assert (found.owner, found.kind, found.file, found.data) == (7, "barriers", "inventory 2026.xlsx", upload.data)
    assert found.path.read_bytes() == b"the uploaded bytes" and sheet.exists()  # a copy: the upload is the caller's
    assert stat.S_IMODE((own_data_dir / "web-uploads").stat().st_mode) == 0o700

    found.data["applied"] = [3]
    uploads.save(found, drop_file=True)
    again = uploads.kept(upload.token, 7, "barriers", GONE)
    assert again.data == {"preview": {"changes": 2}, "applied": [3]} and again.file is None
    assert not (upload.folder / "file").exists()  # applied: the file is not kept any longer, the record is

    uploads.discard(again)
    with pytest.raises(NotFound):
        uploads.kept(upload.token, 7, "barriers", GONE)


def test_someone_elses_or_another_kinds_upload_is_not_found(sheet: Path) -> None:
    upload = uploads.keep(sheet, 7, "team 3 data")
    for owner, kind in ((8, "team 3 data"), (7, "team 4 data"), (7, "barriers")):
        with pytest.raises(NotFound) as refused:
            uploads.kept(upload.token, owner, kind, GONE)
        assert refused.value.message == GONE
    assert uploads.kept(upload.token, 7, "team 3 data", GONE).file == sheet.name  # still there for its owner


def test_an_upload_older_than_an_hour_is_gone_and_removed(sheet: Path) -> None:
    upload = uploads.keep(sheet, 7, "barriers")
    upload.created -= uploads.KEEP_SECONDS + 1
    uploads.save(upload)
    with pytest.raises(NotFound):
        uploads.kept(upload.token, 7, "barriers", GONE)
    assert not upload.folder.exists()


def test_malformed_tokens_and_records_are_not_found(sheet: Path) -> None:
    upload = uploads.keep(sheet, 7, "barriers")
    for token in ("not-a-token", "../" * 10 + "etc/passwd", "", "A" * 32, upload.token + "x"):
        with pytest.raises(NotFound):
            uploads.kept(token, 7, "barriers", GONE)
    for record in ("{half a record", "[1, 2]", json.dumps({"owner": 7, "kind": "barriers"})):
        (upload.folder / uploads.RECORD).write_text(record, encoding="utf-8")
        with pytest.raises(NotFound):
            uploads.kept(upload.token, 7, "barriers", GONE)


def test_an_upload_whose_file_went_missing_is_gone(sheet: Path) -> None:
    upload = uploads.keep(sheet, 7, "barriers")
    upload.path.unlink()
    with pytest.raises(NotFound):
        uploads.kept(upload.token, 7, "barriers", GONE)
    assert not upload.folder.exists()


def test_sweep_removes_only_the_uploads_older_than_an_hour(sheet: Path) -> None:
    old, fresh = uploads.keep(sheet, 7, "barriers"), uploads.keep(sheet, 8, "barriers")
    old.created -= uploads.KEEP_SECONDS + 1
    uploads.save(old)
    uploads.sweep()
    assert not old.folder.exists() and fresh.folder.exists()


def test_one_apply_at_a_time_holds_an_upload(sheet: Path) -> None:
    upload = uploads.keep(sheet, 7, "barriers")
    with uploads.claimed(upload, "Being applied already."):
        with pytest.raises(Conflict) as refused, uploads.claimed(upload, "Being applied already."):
            pass
        assert refused.value.message == "Being applied already."
    with uploads.claimed(upload, "Being applied already."):  # let go: the next apply may hold it
        uploads.discard(upload)  # and an apply may discard what it holds


def test_a_linked_folder_of_uploads_is_refused(sheet: Path, own_data_dir: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "someone else's"
    elsewhere.mkdir()
    own_data_dir.mkdir()
    (own_data_dir / "web-uploads").symlink_to(elsewhere)
    with pytest.raises(RuntimeError, match="not this server's own folder"):
        uploads.keep(sheet, 7, "barriers")
    assert list(elsewhere.iterdir()) == []  # nothing written through the link


def test_a_folder_of_uploads_open_to_others_is_made_private(sheet: Path, own_data_dir: Path) -> None:
    (own_data_dir / "web-uploads").mkdir(parents=True, mode=0o777)
    (own_data_dir / "web-uploads").chmod(0o777)
    uploads.keep(sheet, 7, "barriers")
    assert stat.S_IMODE((own_data_dir / "web-uploads").stat().st_mode) == 0o700
