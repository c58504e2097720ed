"""Form tokens: every form carries the session's token, and every POST must send it back."""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs

from starlette.requests import Request

from accelerator.web.sessions import WebSession

FIELD = "csrf_token"
MAX_FORM_BYTES = 64 * 1024


class CsrfRefused(Exception):
    """A form was posted without this session's token (from another site, or an old page)."""


async def posted_form(request: Request, state: WebSession) -> dict[str, str]:
    """The fields of a posted form (first value of each), once its token matches the session's."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise CsrfRefused
    fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True).items()}
    check_token(fields.get(FIELD, ""), state)
    return fields


def check_token(sent: str, state: WebSession) -> None:
    """Refuse unless ``sent`` is this session's form token."""
    if not hmac.compare_digest(sent.encode(), state.csrf.encode()):
        raise CsrfRefused
