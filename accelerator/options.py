"""Options and small helpers every command group shares."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import typer

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
JurisdictionOption = Annotated[str, typer.Option("--jurisdiction", help="Jurisdiction name.")]
CohortOption = Annotated[str, typer.Option("--cohort", help="Cohort name.")]


def parse_date(value: str | None, option: str) -> date | None:
    """A date typed as YYYY-MM-DD, or a usage error naming the option and the format."""
    if value is None:
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01.", param_hint=option
        ) from None


def given(**fields: Any) -> dict[str, Any]:
    """Only the options the user gave (None and empty lists mean 'not given')."""
    return {k: v for k, v in fields.items() if v is not None and v != []}
