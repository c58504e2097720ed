"""The barrier lifecycle: which status may follow which, and which moves need a reason.

- forward one step at a time: identified → analyzing → action planned → in progress → resolved;
  skipping a step is refused, so the history shows each stage was passed;
- deferred or not pursued from any open status (identified to in progress), with a reason;
- reopen: resolved → analyzing, with a reason (the fix did not hold, so it is analyzed again);
- resume: deferred → analyzing, with a reason (plans made before the pause are checked again);
- not pursued is final: a barrier that comes back is recorded anew, so the decision stays visible.
Every other move is refused, naming the moves allowed from where the barrier is.
"""

from __future__ import annotations

from assessment.barriers.models import BarrierStatus

S = BarrierStatus
TRANSITIONS: dict[BarrierStatus, tuple[BarrierStatus, ...]] = {
    S.identified: (S.analyzing, S.deferred, S.not_pursued),
    S.analyzing: (S.action_planned, S.deferred, S.not_pursued),
    S.action_planned: (S.in_progress, S.deferred, S.not_pursued),
    S.in_progress: (S.resolved, S.deferred, S.not_pursued),
    S.resolved: (S.analyzing,),
    S.deferred: (S.analyzing,),
    S.not_pursued: (),
}


def needs_reason(old: BarrierStatus, new: BarrierStatus) -> bool:
    """Deferring, dropping, reopening and resuming must say why."""
    return new in (S.deferred, S.not_pursued) or old in (S.resolved, S.deferred)


def _said(status: BarrierStatus) -> str:
    return status.label.lower()


def transition_problem(old: BarrierStatus, new: BarrierStatus, note: str = "") -> str | None:
    """Why a barrier may not move from ``old`` to ``new`` (with ``note`` as the reason), or None."""
    if new == old:
        return None
    allowed = TRANSITIONS[old]
    if not allowed:
        return (
            f"A barrier that is {_said(old)} is closed and cannot move to another status; "
            "record it as a new barrier if it comes back."
        )
    if new not in allowed:
        return (
            f"A barrier cannot move from {_said(old)} to {_said(new)}. A barrier that is {_said(old)} "
            f"can move to: {', '.join(_said(s) for s in allowed)}."
        )
    if needs_reason(old, new) and not note.strip():
        return f"Moving a barrier from {_said(old)} to {_said(new)} needs a reason; add a note saying why."
    return None
