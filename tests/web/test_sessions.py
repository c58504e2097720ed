"""The key that signs session cookies, and cookies that were tampered with."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from accelerator.web.sessions import Signer, WebSession, web_secret
from assessment.core.settings import get_settings


def test_without_a_configured_secret_one_is_made_once_and_kept_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCELERATOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ACCELERATOR_WEB_SECRET", raising=False)
    get_settings.cache_clear()
    first = web_secret()
    assert len(first) == 64 and web_secret() == first
    assert stat.S_IMODE(os.stat(tmp_path / "web-secret").st_mode) == 0o600
    monkeypatch.setenv("ACCELERATOR_WEB_SECRET", "from the environment")
    get_settings.cache_clear()
    assert web_secret() == b"from the environment"
    get_settings.cache_clear()


def test_a_cookie_signed_with_another_key_or_changed_is_a_fresh_session() -> None:
    now = 1000.0
    ours, theirs = Signer(b"ours", lambda: now), Signer(b"theirs", lambda: now)
    signed_in = WebSession(person_id=7, seen=now)
    assert ours.load(ours.dump(signed_in)).person_id == 7
    assert ours.load(theirs.dump(signed_in)).person_id is None
    body, mac = ours.dump(signed_in).rsplit(".", 1)
    assert ours.load(f"{body}x.{mac}").person_id is None
    assert ours.load("garbage").person_id is None
