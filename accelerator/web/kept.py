"""Uploads kept between their preview and their apply: a page previews an uploaded file, keeps it here
under a random token, and its Apply imports exactly the file that was previewed.

Each upload has a folder of its own in a private folder of the application's data directory
(``<data>/web-uploads/<token>/``): the file under its own name (``file/<name>``) and a small record
(``kept.json``) of whose it is, what it is for, when it was kept, and the page's own data (its
preview, what applying did). Only its owner finds it, for what it was kept for, within the hour."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assessment.core.errors import Conflict, NotFound

KEEP_SECONDS = 60 * 60  # an upload not applied within the hour is forgotten: the person uploads it again
RECORD = "kept.json"
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")  # what secrets.token_urlsafe(24) makes


class Kept(BaseModel):
    """A kept upload: whose (``owner``, a person id), what it is for (``kind``, e.g. "barriers" or
    "team 3 data"), when it was kept, the file's name (None once the file is no longer needed) and
    the page's own ``data``."""

    token: str = Field(exclude=True)  # the folder's name, not written in the record
    owner: int
    kind: str
    created: float = Field(default_factory=time.time)
    file: str | None
    data: dict[str, Any] = Field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return root() / self.token

    @property
    def path(self) -> Path:
        """The kept file."""
        if self.file is None:
            raise FileNotFoundError(f"the upload {self.token} no longer keeps its file")
        return self.folder / "file" / self.file


def root() -> Path:
    """The private folder of the kept uploads (made on first use); refused when it is a link or someone
    else's, as a folder of that name made by someone else is not trusted with people's uploads."""
    from assessment.core.settings import get_settings

    folder = get_settings().data_dir / "web-uploads"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    found = folder.lstat()
    if stat.S_ISLNK(found.st_mode) or not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():
        raise RuntimeError(f"{folder} is not this server's own folder of uploads; remove it and try again")
    if stat.S_IMODE(found.st_mode) != 0o700:
        folder.chmod(0o700)  # ours, but open to others (made by hand, or under another umask)
    return folder


def keep(path: Path, owner: int, kind: str, data: dict[str, Any] | None = None) -> Kept:
    """A copy of the file ``path`` kept for ``owner`` under a new random token, with its record."""
    sweep()
    upload = Kept(token=secrets.token_urlsafe(24), owner=owner, kind=kind, file=path.name, data=data or {})
    (upload.folder / "file").mkdir(mode=0o700, parents=True)
    shutil.copyfile(path, upload.path)
    save(upload)
    return upload


def kept(token: str, owner: int, kind: str, gone: str) -> Kept:
    """The upload ``token`` kept for ``owner`` for ``kind``; anyone else's, another kind's, a malformed,
    a missing or an expired one (removed then) is not found, the page saying ``gone``."""
    if not TOKEN.fullmatch(token):
        raise NotFound(gone)
    folder = root() / token
    try:
        upload = Kept.model_validate({**json.loads((folder / RECORD).read_text(encoding="utf-8")), "token": token})
    except (OSError, ValueError, TypeError):  # not there, or not a record (pydantic's errors are ValueErrors)
        raise NotFound(gone) from None
    if upload.owner != owner or upload.kind != kind:
        raise NotFound(gone)
    if upload.created + KEEP_SECONDS < time.time() or (upload.file is not None and not upload.path.is_file()):
        discard(upload)
        raise NotFound(gone)
    return upload


def save(upload: Kept, drop_file: bool = False) -> None:
    """Write ``upload``'s record (whole, so a reader never sees half of it); ``drop_file``: remove the
    file, which is no longer needed (applied), keeping the record."""
    if drop_file and upload.file is not None:
        shutil.rmtree(upload.folder / "file", ignore_errors=True)
        upload.file = None
    written = upload.folder / f"{RECORD}.{secrets.token_hex(4)}"
    written.write_text(upload.model_dump_json(), encoding="utf-8")
    os.replace(written, upload.folder / RECORD)


def discard(upload: Kept) -> None:
    """Remove ``upload``: its file and its record."""
    shutil.rmtree(upload.folder, ignore_errors=True)


@contextlib.contextmanager
def claimed(upload: Kept, busy: str) -> Iterator[None]:
    """``upload`` held for one apply at a time: another claim meanwhile (the button pressed twice, or in
    two tabs) is refused with Conflict ``busy``; let go at the end, whether the apply worked or not."""
    marker = upload.folder / "claimed"
    try:
        marker.mkdir()  # atomic: of two at once, one makes it and the other finds it made
    except FileExistsError:
        raise Conflict(busy) from None
    except FileNotFoundError:
        raise Conflict(busy) from None  # discarded meanwhile, by the other apply
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            marker.rmdir()


def sweep() -> None:
    """Remove the kept uploads older than an hour (an abandoned preview leaves nothing for long)."""
    for folder in root().iterdir():
        try:
            created = json.loads((folder / RECORD).read_text(encoding="utf-8"))["created"]
        except (OSError, ValueError, TypeError, KeyError):
            try:
                created = folder.stat().st_mtime  # a record half made, or not made: by the folder's age
            except OSError:
                continue  # removed meanwhile
        if not isinstance(created, int | float) or created + KEEP_SECONDS < time.time():
            shutil.rmtree(folder, ignore_errors=True)
