"""What every command needs: a transaction and the acting person."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlmodel import Session

    from assessment.core.permissions import Actor


def actor_email(ctx: typer.Context) -> str | None:
    root = ctx.find_root()
    return (root.obj or {}).get("actor")


@contextmanager
def acting(ctx: typer.Context) -> Iterator[tuple[Session, Actor]]:
    """A transaction and the resolved actor; everything written in it commits together or not at all."""
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction

    with transaction() as session:
        yield session, resolve_actor(session, actor_email(ctx))
