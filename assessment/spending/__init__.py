"""Session 6: the impact-spending baseline, from the contracting data C&P offices already have
(a spreadsheet, or Open Contracting Data Standard JSON).

- ``models``: vendors, contracts, payments, imports and the team's baseline; the read models.
- ``shapes``: a spreadsheet row and its cells (amounts, days, yes/no, ZIP codes, census tracts),
  and the contracts and payments every source is read into.
- ``sheet``: the spreadsheet template, and .xlsx and .csv files read row by row.
- ``ocds``: OCDS release and record packages, streamed, checked, merged per process (``ocdsmerge``).
- ``imports``: a file compared with what the jurisdiction holds and written, all or nothing.
- ``measures``: periods, medians, the 90th percentile, vendor groups' shares (plain values).
- ``service``: the figures, the recorded baseline and the change since, spending by vendor and
  place for the equity profile.

Importing the package registers the spending figures that anchor commitments can follow
(``assessment.anchor.spend``)."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

    from assessment.cohorts.models import Team


def _team_figure(key: str, session: Session, team: Team) -> Decimal | None:
    from assessment.spending.service import team_figure

    return team_figure(session, team, key)


def _register() -> None:
    from assessment.anchor.spend import SPEND_METRICS, register_spend_metric

    for metric in SPEND_METRICS:
        register_spend_metric(metric.key, partial(_team_figure, metric.key))


_register()
