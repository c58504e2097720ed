"""`accelerator whoami`: who is acting, and saving it once so nobody acts without saying so."""

from __future__ import annotations

from typing import Annotated

import typer

from accelerator.context import actor_email
from accelerator.options import JsonOption
from accelerator.output import console, escape, print_json


def whoami(
    ctx: typer.Context,
    set_email: Annotated[
        str | None, typer.Option("--set", metavar="EMAIL", help="Save this email as you, for every later command.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Forget the saved email.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Show who you act as (and where that was said), or save it once with --set."""
    from assessment.cohorts.people import describe_identity
    from assessment.core.db import transaction
    from assessment.core.identity import forget_identity, save_identity

    if set_email is not None and clear:
        raise typer.BadParameter("Give --set EMAIL or --clear, not both.")
    if clear:
        forgotten = forget_identity()
        if not as_json:
            console.print("Forgot the saved identity." if forgotten else "No identity was saved.")
    with transaction() as session:
        if set_email is not None:
            save_identity(describe_identity(session, set_email, check_registered=True).email or set_email)
        described = describe_identity(session, actor_email(ctx))
    if as_json:
        print_json(described)
        return
    if described.email is None:
        console.print(f"Nobody is set. {escape(described.how_to_say)}")
        return
    who = f"{escape(described.name)} <{escape(described.email)}>" if described.name else escape(described.email)
    console.print(f"You act as {who} ({escape(described.said_by)}).")
    for role in described.roles:
        console.print(f"  {escape(role)}")
