"""Damaged spending files (hypothesis): an OCDS package cut short or mutated, random bytes, a CSV
of anything; each is read or refused with a located problem, never an exception escaping."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.core.errors import ValidationFailed
from assessment.spending.ocds import read_package
from assessment.spending.sheet import read_sheet
from tests.spending.helpers import process, release_package

PACKAGE = json.dumps(release_package(*process("ocds-a"), *process("ocds-b"))).encode()
FOLDER = Path(tempfile.mkdtemp(prefix="spend-hostile-"))


def read_or_refused(data: bytes, name: str) -> None:
    path = FOLDER / name
    path.write_bytes(data)
    reader = read_package if name.endswith(".json") else read_sheet
    try:
        read = reader(path)
    except ValidationFailed as refused:
        assert refused.problems and all(p.location for p in refused.problems)
        return
    assert all(p.location for p in read.problems.kept)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(PACKAGE)), st.binary(max_size=8), st.integers(min_value=0))
def test_a_package_cut_or_spliced_anywhere_is_read_or_refused(cut: int, splice: bytes, where: int) -> None:
    at = where % (cut + 1)
    read_or_refused(PACKAGE[:at] + splice + PACKAGE[at:cut], "package.json")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_are_refused_as_json_or_csv(data: bytes) -> None:
    read_or_refused(data, "random.json")
    read_or_refused(data, "random.csv")


KEYS = ["ocid", "date", "parties", "awards", "contracts", "value", "amount", "currency", "suppliers", "id"]
KEYS += ["implementation", "transactions", "details", "scale", "tender", "period", "roles", "releases", "payee"]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(JSON)
def test_any_json_where_a_release_belongs_is_read_or_refused(release: object) -> None:
    read_or_refused(json.dumps({"releases": [release, release]}).encode(), "odd.json")
