"""Census geography as files spell it: 11-digit tract ids (restored when a spreadsheet dropped the
leading zero or wrote the Census's ``1400000US`` prefix), 5-digit county FIPS codes and ZIP codes.

Each reader returns the canonical text or raises ValueError with a sentence a person can act on.
(Formulas are refused by the reader of the file before these see a cell.)"""

from __future__ import annotations

import math
import re
from decimal import Decimal

TRACT_EXAMPLE = "06037101110"
AS_TEXT = "format the column as text (or as a number with no decimals) and save the file again"


def _digits(value: object, what: str) -> str:
    """The digits a cell holds, whether typed as text or stored as a number."""
    if value is None or isinstance(value, bool):
        raise ValueError("is empty")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError(f"{value} is not a {what}; {AS_TEXT}")
        value = int(value)
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise ValueError(f"{value} is not a {what}; {AS_TEXT}")
        value = int(value)
    text = str(value).strip()
    if not text:
        raise ValueError("is empty")
    if re.fullmatch(r"\d+\.0*", text):  # "6037101110.0": a number written with a decimal point
        text = text.split(".")[0]
    if re.fullmatch(r"[\d.,]+[eE][+-]?\d+", text):
        raise ValueError(f"'{text}' is in scientific notation, which loses digits; {AS_TEXT}")
    return text


def tract_id(value: object) -> str:
    """A census tract's 11-digit id (2 state, 3 county, 6 tract digits). A 10-digit id is one whose
    leading zero a spreadsheet dropped (California's state code is 06), so the zero is restored."""
    text = _digits(value, "census tract id")
    if "US" in text.upper():  # the Census's own GEO_ID: 1400000US06037101110
        text = text.upper().split("US", 1)[1]
    if not text.isdigit():
        raise ValueError(f"'{text}' is not a census tract id; it should be 11 digits, e.g. {TRACT_EXAMPLE}")
    if len(text) == 10:
        text = "0" + text
    if len(text) != 11:
        raise ValueError(
            f"'{text}' has {len(text)} digits; a census tract id has 11 (state 2, county 3, tract 6), "
            f"e.g. {TRACT_EXAMPLE}"
        )
    if text[:2] == "00" or text[2:5] == "000":
        raise ValueError(f"'{text}' names no state or county; a census tract id looks like {TRACT_EXAMPLE}")
    return text


def county_fips(value: object) -> str:
    """A county's 5-digit FIPS code (2 state, 3 county digits), e.g. 06037 for Los Angeles County;
    a 4-digit code lost its leading zero and gets it back."""
    text = _digits(value, "county FIPS code")
    if not text.isdigit():
        raise ValueError(f"'{text}' is not a county FIPS code; it should be 5 digits, e.g. 06037")
    if len(text) == 4:
        text = "0" + text
    if len(text) != 5:
        raise ValueError(f"'{text}' has {len(text)} digits; a county FIPS code has 5 (state 2, county 3), e.g. 06037")
    if text[:2] == "00" or text[2:] == "000":
        raise ValueError(f"'{text}' names no state or county; a county FIPS code looks like 06037")
    return text


def zip_code(value: object) -> str:
    """A 5-digit ZIP code; ZIP+4 keeps its first five digits, and one that lost its leading zeros
    in a spreadsheet (2134 for 02134) gets them back."""
    text = _digits(value, "ZIP code")
    match = re.fullmatch(r"(\d{3,5})(?:-\d{4})?", text)
    if match is None:
        raise ValueError(f"'{text}' is not a ZIP code; it should be 5 digits, e.g. 90012")
    return match.group(1).zfill(5)


def county_of(geo_id: str) -> str:
    """The county FIPS code of a tract id."""
    return geo_id[:5]
