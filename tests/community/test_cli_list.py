"""`accelerator community list`: a jurisdiction's community input as a table and as JSON."""

from __future__ import annotations

from datetime import date

import pytest

from assessment.barriers.service import add_barrier
from assessment.barriers.shapes import BarrierCreate
from assessment.cohorts.people import resolve_actor
from assessment.community.service import add_input
from assessment.community.shapes import InputCreate
from assessment.core.db import transaction
from assessment.core.shapes import validate
from tests.cli import Outcome, run_cli
from tests.conftest import Cast


def cli(capsys: pytest.CaptureFixture[str], who: str, *args: str) -> Outcome:
    return run_cli(capsys, "--actor", who, *args)


def said(text: str) -> str:
    """Printed text with rich's line wrapping undone."""
    return " ".join(text.split())


def column(out: str, n: int) -> str:
    """The text of a printed table's ``n``-th column (from 0), its wrapped lines joined."""
    cells = [line.split("│")[n + 1].strip() for line in out.splitlines() if line.startswith("│")]
    return " ".join(cell for cell in cells if cell)


@pytest.fixture
def heard(cast: Cast) -> dict[str, int]:
    """Alder County's listening session (informing a barrier) and CBO survey."""
    with transaction() as session:
        officer = resolve_actor(session, cast.alder_officer)
        barrier = add_barrier(
            session,
            officer,
            cast.alder,
            validate(
                BarrierCreate,
                {"title": "Net-90 payment terms", "category": "payment_cash_flow", "stage": "invoicing_payment"},
                "barrier",
            ),
        )
        listening = add_input(
            session,
            officer,
            cast.alder,
            validate(
                InputCreate,
                {
                    "source": "listening_session",
                    "held_on": date(2026, 6, 4),
                    "participants": 24,
                    "organizations": ["Eastside Promotoras"],
                    "themes": ["Waiting 90 days to be paid"],
                    "quotes": ["Esperamos tres meses para el primer pago."],
                    "barriers": [barrier.id],
                },
                "community input",
            ),
        )
        survey = add_input(
            session,
            officer,
            cast.alder,
            validate(InputCreate, {"source": "CBO survey", "held_on": date(2026, 7, 1)}, "community input"),
        )
    return {"listening": listening.id, "survey": survey.id, "barrier": barrier.id}


def test_community_list_prints_each_input_with_what_was_heard_and_the_barriers_it_informs(
    cast: Cast, heard: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    shown = cli(capsys, cast.alder_exec, "community", "list", "--jurisdiction", cast.alder)
    assert shown.code == 0, shown.err
    assert "Community input: Alder County" in shown.out
    assert column(shown.out, 1) == "2026-06-04 2026-07-01"  # oldest first
    assert column(shown.out, 2) == "Listening session CBO survey"  # labels, not ids
    assert column(shown.out, 3) == "24 –"
    assert column(shown.out, 4) == "Eastside Promotoras"
    assert column(shown.out, 5) == "• Waiting 90 days to be paid “Esperamos tres meses para el primer pago.”"
    assert column(shown.out, 6) == f"#{heard['barrier']} Net-90 payment terms none yet"


def test_community_list_filters_by_source_and_prints_json(
    cast: Cast, heard: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    data = cli(capsys, cast.alder_officer, "community", "list", "--jurisdiction", cast.alder, "--json").json()
    assert [(i["id"], i["source_label"], i["barriers"]) for i in data] == [
        (heard["listening"], "Listening session", [heard["barrier"]]),
        (heard["survey"], "CBO survey", []),
    ]
    only = cli(capsys, cast.alder_officer, "community", "list", "--jurisdiction", cast.alder, "--source", "cbo survey")
    assert "CBO survey" in only.out and "Listening session" not in only.out
    none = cli(capsys, cast.birch_officer, "community", "list", "--jurisdiction", cast.birch)
    assert none.code == 0 and "No community input recorded for Birch City yet" in said(none.out)


def test_community_list_refusals_say_why(cast: Cast, heard: dict[str, int], capsys: pytest.CaptureFixture[str]) -> None:
    other = cli(capsys, cast.birch_officer, "community", "list", "--jurisdiction", cast.alder)
    assert other.code == 3 and "may not read the community input of Alder County" in said(other.err)
    wrong = cli(capsys, cast.alder_officer, "community", "list", "--jurisdiction", cast.alder, "--source", "rumour")
    assert wrong.code == 2 and "'rumour' is not a source of community input" in said(wrong.err)
