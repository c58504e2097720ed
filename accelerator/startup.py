"""A command's start: Python's cycle collector held off while the libraries load.

An ``accelerator`` process spends its start importing libraries (Prefect alone builds a million
objects), and Python's cycle collector, run after every 700 new objects, walks that growing heap
again and again for garbage that is not there: a quarter of a second of a flow command, an eighth
of a read command (timed with ``gc.callbacks``). So the process starts with the collector off.
Where a command's work starts (a flow, the web app, ``serve``), what the start built is frozen
(modules, classes and functions live as long as the process: the collector never walks them
again) and the collector runs as usual; every other command gets it back after ``HELD_SECONDS``,
so a long command's garbage is collected as always.
"""

from __future__ import annotations

import gc
import threading

HELD_SECONDS = 3.0


def hold_collector() -> None:
    """Turn the cycle collector off for the process's start (at most ``HELD_SECONDS``)."""
    gc.disable()
    back = threading.Timer(HELD_SECONDS, gc.enable)
    back.daemon = True
    back.start()


def work_starts() -> None:
    """The imports are done: freeze what they built and let the collector run again."""
    if gc.isenabled():  # never held (the command called in-process, as tests do) or already back
        return
    gc.freeze()
    gc.enable()
