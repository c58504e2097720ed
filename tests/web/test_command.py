"""`accelerator web`: starts the app on the address and port it is given."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli import run_cli


def test_web_starts_the_app_on_localhost_port_8000_unless_told_otherwise(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    assert run_cli(capsys, "web").code == 0
    done = run_cli(capsys, "web", "--host", "0.0.0.0", "--port", "8080")
    assert done.code == 0
    assert [(c["host"], c["port"]) for c in calls] == [("127.0.0.1", 8000), ("0.0.0.0", 8080)]
    assert "http://0.0.0.0:8080/" in done.err
    assert calls[0]["app"].title == "Equity Accelerator"
