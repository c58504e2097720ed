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


def test_web_warns_about_plain_http_beyond_this_machine_and_trusts_a_local_proxy_when_told(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    exposed = run_cli(capsys, "web", "--host", "0.0.0.0")
    assert "passwords cross the network in the clear" in exposed.err
    assert calls[0]["proxy_headers"] is False
    proxied = run_cli(capsys, "web", "--host", "0.0.0.0", "--behind-proxy")
    assert "in the clear" not in proxied.err
    assert calls[1]["proxy_headers"] is True and calls[1]["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert "in the clear" not in run_cli(capsys, "web").err  # the loopback address stays on this machine
