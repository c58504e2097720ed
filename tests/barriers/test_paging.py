"""A page of barriers from the database: the same barriers, in the same order, as listing them all."""

from __future__ import annotations

from assessment.barriers.service import add_barrier, barrier_page, list_barriers
from assessment.barriers.shapes import BarrierCreate
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from tests.conftest import Cast


def test_pages_in_either_order_join_up_to_the_whole_list(cast: Cast) -> None:
    with transaction() as session:
        admin = resolve_actor(session, cast.admin)
        for n in range(23):
            severity = None if n % 4 == 0 else n % 5 + 1
            data = BarrierCreate(
                title=f"B{n}", category="payment_cash_flow", stage="invoicing_payment", severity=severity
            )
            add_barrier(session, admin, cast.alder if n % 3 else cast.birch, data)
        officer = resolve_actor(session, cast.alder_officer)
        everything = list_barriers(session, officer, None)
        by_severity = sorted(everything, key=lambda b: -(b.severity or 0))  # stable: oldest first within
        for severe, expected in ((False, everything), (True, by_severity)):
            pages = [barrier_page(session, officer, None, most_severe_first=severe, page=n, size=5) for n in (1, 2, 3)]
            assert [total for _, total, _ in pages] == [len(everything)] * 3 == [15] * 3  # Alder's only
            assert [b.id for rows, _, _ in pages for b in rows] == [b.id for b in expected]
        rows, total, shown = barrier_page(session, officer, None, page=99, size=5)
        assert shown == 3 and [b.id for b in rows] == [b.id for b in everything[10:]]  # past the end: the last
        assert barrier_page(session, officer, None, status="resolved", page=1, size=5)[:2] == ([], 0)
