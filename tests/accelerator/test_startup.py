"""A command's start: the cycle collector is off while the libraries load, and back for the work."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from accelerator.startup import work_starts

ROOT = Path(__file__).resolve().parents[2]


def in_a_process(code: str) -> list[str]:
    """Lines printed by ``code`` run in a Python process of its own (the collector is process-wide)."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_the_collector_is_off_while_a_command_starts_and_back_when_its_work_starts() -> None:
    code = (
        "import gc; from accelerator.startup import hold_collector, work_starts; "
        "hold_collector(); print(gc.isenabled()); "
        "work_starts(); print(gc.isenabled(), gc.get_freeze_count() > 0)"
    )
    assert in_a_process(code) == ["False", "True", "True"]


def test_a_command_that_never_says_its_work_started_gets_the_collector_back() -> None:
    code = (
        "import gc, time; from accelerator import startup; startup.HELD_SECONDS = 0.05; "
        "startup.hold_collector(); print(gc.isenabled()); time.sleep(0.5); print(gc.isenabled())"
    )
    assert in_a_process(code) == ["False", "True"]


def test_the_accelerator_program_starts_with_the_collector_held() -> None:
    code = "import gc, sys; from accelerator import cli; cli.main = lambda: print(gc.isenabled()); cli.command_line()"
    assert in_a_process(code) == ["False"]


def test_called_in_process_nothing_is_frozen() -> None:
    """As the tests and the web app call commands: the collector was never held, so nothing changes."""
    frozen = gc.get_freeze_count()
    work_starts()
    assert gc.isenabled() and gc.get_freeze_count() == frozen
