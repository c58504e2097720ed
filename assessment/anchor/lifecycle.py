"""The commitment lifecycle: any status may follow any other, as for goals, but a closing move
(met or dropped) needs a note saying what shows it or why, and so does reopening a closed one."""

from __future__ import annotations

from assessment.anchor.models import CommitmentStatus

S = CommitmentStatus


def status_problem(old: CommitmentStatus, new: CommitmentStatus, note: str) -> str | None:
    """Why a commitment may not move from ``old`` to ``new`` with ``note``, or None."""
    if new == old or note.strip():
        return None
    if new is S.met:
        return "Marking a commitment met needs a note; add --note saying what shows it was met."
    if new is S.dropped:
        return "Dropping a commitment needs a note; add --note saying why."
    if old.is_closed:
        return f"Reopening a commitment that is {old.label.lower()} needs a note; add --note saying why."
    return None
