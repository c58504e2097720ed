"""Input shapes of the impact reports: a highlight or quote as the team types it."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from assessment.core.shapes import Shape, by_label
from assessment.reports.models import HighlightKind


def _said(text: str) -> str:
    # Lines are kept (a quote may be a short poem or a list); blank ones at the ends are not.
    text = text.strip()
    if not text:
        raise ValueError("is empty; write what the report should say")
    return text


HighlightKindValue = Annotated[HighlightKind, BeforeValidator(by_label(HighlightKind, "kind of entry"))]


class HighlightCreate(Shape):
    """A highlight (something the team achieved) or a quote (words someone said), for the team's
    impact report; a quote may say who said it, as it should be printed."""

    kind: HighlightKindValue = HighlightKind.highlight
    text: Annotated[str, AfterValidator(_said), Field(max_length=2000)]
    attribution: Annotated[str, Field(max_length=200)] = ""
