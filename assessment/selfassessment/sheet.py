"""Where things are in a self-assessment workbook: the sheets, headers and labels the template
writes and the import (or a person filling it) finds again, even after a re-save moved them."""

from __future__ import annotations

from collections.abc import Sequence

from assessment.core.xlsx import read_text
from assessment.selfassessment.answers import normalize

RATING_SHEET = "Ratings"
INSTRUCTIONS_SHEET = "Instructions"
META_SHEET = "_meta"
TEMPLATE_FORMAT = 1

ID_HEADER = "Indicator ID"
RATING_HEADER = "Rating"
EVIDENCE_HEADER = "Evidence / notes"
RESPONDENT_LABELS = {"name": "Respondent name", "email": "Respondent email", "role": "Respondent role"}

_HEADER_KEYS = {normalize(ID_HEADER): "id", normalize(RATING_HEADER): "rating"}


def header_columns(values: Sequence[object]) -> dict[str, int] | None:
    """Column indexes (0-based) of the ID, Rating and Evidence headers, if this is the header row."""
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        if isinstance(value, str):
            text = normalize(value)
            key = _HEADER_KEYS.get(text, "evidence" if text.startswith("evidence") else None)
            if key is not None and key not in found:
                found[key] = index
    return found if "id" in found and "rating" in found else None


def respondent_key(value: object) -> str | None:
    """Which respondent field a column-A label names, if any."""
    if not isinstance(value, str):
        return None
    label = normalize(value).rstrip(":").strip().replace("e-mail", "email")
    for key, text in RESPONDENT_LABELS.items():
        if label in (normalize(text), key):
            return key
    return None


def respondent_value(values: Sequence[object]) -> tuple[str, int]:
    """The answer next to a label: column B, or C where a re-save split the merged cell."""
    for index in (1, 2):
        text = read_text(cell_at(values, index))
        if text:
            return text, index
    return "", 1


def cell_at(values: Sequence[object], index: int | None) -> object:
    """The value at ``index`` of a row, or None past its end (rows may be ragged)."""
    if index is None or index >= len(values):
        return None
    return values[index]
