"""Security headers on every answer, and the limit on failed sign-ins."""

from __future__ import annotations

import math
from collections import deque

from starlette.responses import Response

from accelerator.web.sessions import Clock

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def add_headers(response: Response) -> None:
    for name, value in HEADERS.items():
        response.headers[name] = value


class SignInLimiter:
    """At most ``failures`` failed sign-ins per email and per client address in ``window`` seconds (in memory)."""

    MAX_KEYS = 100_000  # beyond this many emails and addresses, the oldest are forgotten

    def __init__(self, clock: Clock, failures: int = 5, window: int = 15 * 60) -> None:
        self.clock = clock
        self.failures = failures
        self.window = window
        self.seen: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        times = self.seen.get(key, deque())
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        return times

    def wait_seconds(self, email: str, address: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        waits = [
            max(1, math.ceil(times[0] + self.window - self.clock()))
            for times in (self._recent(f"email:{email}"), self._recent(f"addr:{address}"))
            if len(times) >= self.failures
        ]
        return max(waits, default=0)

    def failed(self, email: str, address: str) -> None:
        for key in (f"email:{email}", f"addr:{address}"):
            times = self._recent(key)
            times.append(self.clock())
            self.seen.pop(key, None)
            self.seen[key] = times  # re-inserted: the dict keeps keys in order of last failure
        while len(self.seen) > self.MAX_KEYS:
            del self.seen[next(iter(self.seen))]

    def succeeded(self, email: str) -> None:
        self.seen.pop(f"email:{email}", None)
