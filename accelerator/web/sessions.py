"""Signed cookie sessions: who is signed in, their form token, and when they were last seen."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "accelerator_session"
IDLE_SECONDS = 30 * 60

Clock = Callable[[], float]


@dataclass
class WebSession:
    """What the cookie carries: the signed-in person (None before sign-in), the form token, last activity."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    person_id: int | None = None
    seen: float = 0.0
    # which password the person signed in with (``password_stamp``): a new password ends older sessions
    stamp: str = ""
    expired: bool = False  # an earlier session ended for being idle (not stored; said on the sign-in page)

    def as_dict(self) -> dict[str, object]:
        return {"csrf": self.csrf, "person_id": self.person_id, "seen": self.seen, "stamp": self.stamp}


def password_stamp(password_hash: str) -> str:
    """A short fingerprint of a stored password hash (its salt makes it differ for every password set)."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def web_secret() -> bytes:
    """The key that signs cookies: ACCELERATOR_WEB_SECRET, else one made once and kept under the data folder."""
    from assessment.core.settings import get_settings

    settings = get_settings()
    if settings.web_secret:
        return settings.web_secret.encode("utf-8")
    path = settings.web_secret_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # created readable by its owner only; a second server starting at once keeps the first one's key
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


class Signer:
    """Turns a session into a cookie value and back: JSON, base64, and an HMAC-SHA256 of both."""

    def __init__(self, secret: bytes, clock: Clock, idle_seconds: int = IDLE_SECONDS) -> None:
        self.secret = secret
        self.clock = clock
        self.idle_seconds = idle_seconds

    def _mac(self, body: str) -> str:
        return hmac.new(self.secret, body.encode("ascii"), hashlib.sha256).hexdigest()

    def dump(self, state: WebSession) -> str:
        body = base64.urlsafe_b64encode(json.dumps(state.as_dict()).encode("utf-8")).decode("ascii")
        return f"{body}.{self._mac(body)}"

    def load(self, value: str | None) -> WebSession:
        """The session the cookie carries; a fresh one when it is missing, forged, malformed or idle too long."""
        now = self.clock()
        fresh = WebSession(seen=now)
        if not value or "." not in value:
            return fresh
        body, mac = value.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(body)):
            return fresh
        try:
            data = json.loads(base64.urlsafe_b64decode(body.encode("ascii")))
            csrf, person_id, seen = str(data["csrf"]), data["person_id"], float(data["seen"])
            stamp = str(data.get("stamp", ""))
        except (ValueError, KeyError, TypeError, AttributeError):
            return fresh
        if now - seen > self.idle_seconds:
            fresh.expired = person_id is not None
            return fresh
        person = person_id if isinstance(person_id, int) else None
        return WebSession(csrf=csrf, person_id=person, seen=now, stamp=stamp)

    def cookie(self, state: WebSession, secure: bool) -> str:
        """The Set-Cookie header carrying ``state``."""
        carrier = Response()
        carrier.set_cookie(COOKIE, self.dump(state), httponly=True, samesite="lax", secure=secure, path="/")
        return carrier.headers["set-cookie"]


class SessionsAndHeaders:
    """ASGI middleware: reads the session from its cookie before a request, writes it back (renewed:
    the idle timeout counts from the last request) and adds the security headers to every answer."""

    def __init__(self, app: ASGIApp, signer: Signer, headers: dict[str, str]) -> None:
        self.app = app
        self.signer = signer
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = cookie_parser(Headers(scope=scope).get("cookie", ""))
        state = scope.setdefault("state", {})
        state["web_session"] = self.signer.load(cookies.get(COOKIE))
        secure = scope.get("scheme") == "https"

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # the session as the page left it (signing in or out replaces it)
                headers.append("set-cookie", self.signer.cookie(state["web_session"], secure))
                for name, value in self.headers.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, answer)
