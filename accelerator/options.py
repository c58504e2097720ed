"""Options and small helpers every command group shares."""

from __future__ import annotations

from typing import Annotated, Any

import typer

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def given(**fields: Any) -> dict[str, Any]:
    """Only the options the user gave (None and empty lists mean 'not given')."""
    return {k: v for k, v in fields.items() if v is not None and v != []}
