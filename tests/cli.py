"""Calling the ``accelerator`` command in-process, as a user would type it."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> Outcome:
    """Run ``accelerator ARGS`` through its real entry point; return exit code, stdout, stderr."""
    from accelerator.cli import main

    capsys.readouterr()
    saved = sys.argv
    sys.argv = ["accelerator", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)
