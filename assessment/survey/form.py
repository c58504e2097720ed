"""Where things are in a survey form: its sheets, its columns and how a column's header (the text
people see, or the statement id in the hidden row) is recognised, for the template and the import."""

from __future__ import annotations

import re

from assessment.selfassessment.answers import normalize
from assessment.survey.instrument import Instrument

SURVEY_SHEET = "Survey"
INSTRUCTIONS_SHEET = "Instructions"
META_SHEET = "_meta"
FORM_FORMAT = "survey-1"
FORM_ROWS = 500  # rows given drop-downs in the template

RESPONDENT = "respondent"
ORGANIZATION = "organization"
JURISDICTION = "jurisdiction"
FIELDS = (RESPONDENT, ORGANIZATION, JURISDICTION)
HEADERS = {
    RESPONDENT: "Respondent",
    ORGANIZATION: "Organization (optional)",
    JURISDICTION: "Jurisdiction (optional)",
}
# Other names these columns go by in files people make themselves (an online form's export).
ALIASES = {
    RESPONDENT: ("respondent id", "respondent name", "name"),
    ORGANIZATION: ("organisation", "agency", "organization name"),
    JURISDICTION: ("local health jurisdiction", "lhj", "health department"),
}

_OPTIONAL = re.compile(r"\s*\([^)]*\)\s*$")
_BRACKETED = re.compile(r"\[([^\]]+)\]\s*$")


def header_key(text: str) -> str:
    """A header as it is compared: any case and spacing, without a trailing "(optional)" or full
    stop; "Question [statement]" (how online forms export a grid's rows) is its statement."""
    bracketed = _BRACKETED.search(text)
    if bracketed:
        text = bracketed.group(1)
    return normalize(_OPTIONAL.sub("", text)).rstrip(".:").strip()


def column_index(instrument: Instrument) -> dict[str, str]:
    """Every header the import recognises, as ``header_key`` makes it, to its column: a field
    (respondent, organization, jurisdiction) or a statement id."""
    index: dict[str, str] = {}
    for key in FIELDS:
        for name in (key, HEADERS[key], *ALIASES[key]):
            index[header_key(name)] = key
    for statement in instrument.statements:
        index[header_key(statement.id)] = statement.id
        index[header_key(statement.text)] = statement.id
    return index
