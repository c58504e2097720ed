"""The impact-spending baseline (session 6): the figures of a jurisdiction's imported spending,
the team's recorded baseline and the change since, and the spending by vendor and place that
the equity profile (session 5) joins to its places.

Who may: the table's ``Record.spending`` row (procurement officers, finance and the program
manager write; the team and the alliance lead read)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select as sql_select
from sqlmodel import Session, col, func, select

from assessment.cohorts.jurisdictions import get_jurisdiction, jurisdiction_of
from assessment.cohorts.models import Cohort, Jurisdiction, Team
from assessment.cohorts.service import get_team
from assessment.core import history
from assessment.core.errors import NotFound, Problem, ValidationFailed
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, Record, require
from assessment.spending.measures import (
    ContractFact,
    PaymentFact,
    Period,
    calendar_years,
    parse_period,
    period_figures,
)
from assessment.spending.models import (
    BaselinePublic,
    FigureChange,
    PeriodChange,
    PeriodFigures,
    SourceKind,
    SpendBaseline,
    SpendContract,
    SpendFigures,
    SpendPayment,
    SpendVendor,
    SpendView,
    VendorGroup,
    VendorSpend,
)

HUNDRED = Decimal(100)
GROUP_COLUMNS = tuple(group.value for group in VendorGroup)  # the contract's column of each group


def _percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else value * HUNDRED


def figures_of(period: PeriodFigures) -> list[tuple[str, str, Decimal | None]]:
    """A period's figures as (key, label, value), shares in percent: the one list that tables,
    comparisons and commitments read."""
    found: list[tuple[str, str, Decimal | None]] = [
        ("contracts", "contracts", Decimal(period.contracts)),
        ("dollars", "dollars", period.dollars),
    ]
    for group in period.groups:
        found.append(
            (f"{group.group.value}_dollar_share", f"% of dollars to {group.label}", _percent(group.dollar_share))
        )
        found.append(
            (f"{group.group.value}_contract_share", f"% of contracts to {group.label}", _percent(group.contract_share))
        )
    days = period.p90_days_to_payment
    found += [
        ("community_partners", "community-based partners", Decimal(period.community_partners)),
        ("new_community_partners", "new community-based partners", Decimal(period.new_community_partners)),
        ("median_days_to_payment", "median days from invoice to payment", period.median_days_to_payment),
        (
            "p90_days_to_payment",
            "90th percentile days from invoice to payment",
            None if days is None else Decimal(days),
        ),
        ("advance_payment_share", "% of contracts with an advance payment", _percent(period.advance_share)),
        ("median_contract", "median contract", period.median_contract),
    ]
    return found


def _facts(session: Session, place: Jurisdiction) -> tuple[list[ContractFact], list[PaymentFact], str | None]:
    """Every contract and payment of the jurisdiction, as the figures read them."""
    jid = place.id
    paid: dict[int, Decimal] = defaultdict(Decimal)
    payments: list[tuple[int, date, date | None]] = []
    query = (
        sql_select(
            col(SpendPayment.contract_id),
            col(SpendPayment.amount),
            col(SpendPayment.paid_on),
            col(SpendPayment.invoiced_on),
        )
        .join(SpendContract, col(SpendContract.id) == col(SpendPayment.contract_id))
        .where(col(SpendContract.jurisdiction_id) == jid)
    )
    for contract_id, amount, paid_on, invoiced_on in session.connection().execute(query):
        paid[contract_id] += amount
        payments.append((contract_id, paid_on, invoiced_on))
    contracts: list[ContractFact] = []
    ocds: set[int] = set()
    currencies: set[str] = set()
    names = ("id", "vendor_id", "amount", "awarded_on", "advance_payment", *GROUP_COLUMNS, "source", "currency")
    rows = session.connection().execute(
        sql_select(*(getattr(SpendContract, name) for name in names)).where(col(SpendContract.jurisdiction_id) == jid)
    )
    for ident, vendor, amount, awarded, advance, *flags, source, code in rows:
        currencies.add(code)
        if source == SourceKind.ocds.value:
            ocds.add(ident)
        groups = dict(zip(VendorGroup, flags, strict=True))
        value = amount if amount is not None else paid.get(ident, Decimal(0))
        contracts.append(ContractFact(vendor, value, awarded, advance, groups))
    if len(currencies) > 1:  # imports refuse a second currency; a database edited by hand may have one
        raise ValidationFailed(
            f"The spending of {place.name} is in several currencies ({', '.join(sorted(currencies))}); its figures "
            "would add them up. Re-import it in one currency."
        )
    facts = [PaymentFact(paid_on, invoiced_on, contract_id in ocds) for contract_id, paid_on, invoiced_on in payments]
    return contracts, facts, next(iter(currencies), None)


def _nothing_imported(place: Jurisdiction) -> NotFound:
    return NotFound(
        f"No spending of {place.name} is imported yet. Import it with "
        f'`accelerator spend import --jurisdiction "{place.name}" FILE` (a spreadsheet from '
        "`accelerator spend template`, a .csv, or OCDS JSON)."
    )


def compute(session: Session, place: Jurisdiction, period: str | None = None) -> SpendFigures:
    """The jurisdiction's figures for ``period`` (``--period``'s words), else for every calendar
    year from its first contract to its last."""
    contracts, payments, currency = _facts(session, place)
    if not contracts:
        raise _nothing_imported(place)
    periods = parse_period(period) if period else calendar_years(c.awarded_on for c in contracts)
    return SpendFigures(
        jurisdiction=place.name,
        currency=currency,
        periods=[period_figures(p, contracts, payments) for p in periods],
    )


def spend_figures(session: Session, actor: Actor, jurisdiction: str, period: str | None = None) -> SpendFigures:
    """The jurisdiction's impact-spending figures, period by period."""
    place = get_jurisdiction(session, jurisdiction)
    require(actor, "read", Record.spending, place, f"read the spending of {place.name}")
    return compute(session, place, period)


def _baseline_public(session: Session, row: SpendBaseline) -> BaselinePublic:
    team = session.get(Team, row.team_id)
    cohort = session.get(Cohort, team.cohort_id) if team else None
    return BaselinePublic(
        jurisdiction=jurisdiction_of(session, row.jurisdiction_id).name,
        cohort=cohort.name if cohort else "",
        periods=row.periods,
        version=row.version,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        figures=SpendFigures.model_validate(row.figures),
    )


def baseline_of(session: Session, team_id: int | None) -> BaselinePublic | None:
    """The team's recorded baseline, if any (no permission check: for readers already allowed)."""
    if team_id is None:
        return None
    row = session.exec(select(SpendBaseline).where(SpendBaseline.team_id == team_id)).first()
    return _baseline_public(session, row) if row else None


def changes_since(baseline: BaselinePublic, figures: SpendFigures) -> list[PeriodChange]:
    """Each period's figures against the baseline's last period."""
    if not baseline.figures.periods:
        return []
    reference = baseline.figures.periods[-1]
    before = {key: value for key, _, value in figures_of(reference)}
    changes = []
    for period in figures.periods:
        rows = []
        for key, label, now in figures_of(period):
            then = before.get(key)
            change = now - then if now is not None and then is not None else None
            rows.append(FigureChange(figure=key, label=label, baseline=then, now=now, change=change))
        changes.append(PeriodChange(period=period.period, against=reference.period, figures=rows))
    return changes


def record_baseline(
    session: Session, actor: Actor, jurisdiction: str, cohort: str, period: str | None = None, replace: bool = False
) -> SpendView:
    """Record the team's impact-spending baseline from the spending imported so far. A team that
    has one keeps it (and is shown the change since) unless ``replace``."""
    team, place, found = get_team(session, jurisdiction, cohort)
    require(actor, "write", Record.spending, place, f"record the impact-spending baseline of {place.name}")
    figures = compute(session, place, period)
    if not any(p.contracts for p in figures.periods):
        raise ValidationFailed(
            f"The spending of {place.name} has no contract in {period}; a baseline needs some.",
            [Problem("--period", f"no contract was awarded in {period}.", "Choose a period the imported data covers.")],
        )
    row = session.exec(select(SpendBaseline).where(SpendBaseline.team_id == team.id)).first()
    notes = []
    if row is not None and not replace:
        baseline = _baseline_public(session, row)
        notes.append(
            f"The baseline was recorded on {row.recorded_at:%Y-%m-%d} by {row.recorded_by}; these are the changes "
            "since. To record it again from the data imported now, add --replace."
        )
        return SpendView(
            jurisdiction=place.name,
            cohort=found.name,
            figures=figures,
            baseline=baseline,
            changes=changes_since(baseline, figures),
            recorded=False,
            notes=notes,
        )
    at = utcnow()
    stored = figures.model_dump(mode="json")
    if row is None:
        row = SpendBaseline(
            team_id=row_id(team),
            jurisdiction_id=row_id(place),
            periods=period or "",
            figures=stored,
            recorded_at=at,
            recorded_by=actor.email,
        )
        session.add(row)
        session.flush()
        said = "recorded"
    else:
        row.periods, row.figures, row.version = period or "", stored, row.version + 1
        row.recorded_at, row.recorded_by = at, actor.email
        session.add(row)
        session.flush()
        said = "recorded again"
    labels = ", ".join(p.period for p in figures.periods)
    history.record(session, actor.email, "spend_baseline", row_id(row), "baseline", None, labels, said, place.id, at)
    return SpendView(
        jurisdiction=place.name,
        cohort=found.name,
        figures=figures,
        baseline=_baseline_public(session, row),
        changes=[],
        recorded=True,
        notes=notes,
    )


def show_spending(
    session: Session, actor: Actor, jurisdiction: str, cohort: str | None = None, period: str | None = None
) -> SpendView:
    """The figures now and, when the team (of ``cohort``, else the jurisdiction's latest) has a
    baseline, each period's change against it."""
    place = get_jurisdiction(session, jurisdiction)
    require(actor, "read", Record.spending, place, f"read the spending of {place.name}")
    figures = compute(session, place, period)
    if cohort:
        team, _, _ = get_team(session, jurisdiction, cohort)
        baseline = baseline_of(session, row_id(team))
    else:
        row = session.exec(
            select(SpendBaseline)
            .where(SpendBaseline.jurisdiction_id == place.id)
            .order_by(col(SpendBaseline.recorded_at).desc())
        ).first()
        baseline = _baseline_public(session, row) if row else None
    return SpendView(
        jurisdiction=place.name,
        cohort=baseline.cohort if baseline else cohort,
        figures=figures,
        baseline=baseline,
        changes=changes_since(baseline, figures) if baseline else [],
        recorded=False,
        notes=[] if baseline else ["No baseline is recorded yet: record it with `accelerator spend baseline`."],
    )


def spend_by_vendor_place(
    session: Session, actor: Actor, jurisdiction: str, period: str | int | Period | None = None
) -> list[VendorSpend]:
    """Each vendor's dollars and contracts in ``period`` (a year, ``--period``'s words, or every
    contract when None), one row per place its contracts name: the census tract when given, else
    the ZIP code, else none. A contract without an amount counts the sum of its payments."""
    place = get_jurisdiction(session, jurisdiction)
    require(actor, "read", Record.spending, place, f"read the spending of {place.name}")
    periods = [period] if isinstance(period, Period) else parse_period(str(period)) if period is not None else []
    paid: dict[int | None, Decimal] = dict(
        session.exec(
            select(SpendPayment.contract_id, func.sum(SpendPayment.amount))
            .join(SpendContract, col(SpendContract.id) == col(SpendPayment.contract_id))
            .where(SpendContract.jurisdiction_id == place.id, col(SpendContract.amount).is_(None))
            .group_by(col(SpendPayment.contract_id))
        ).all()
    )
    rows = session.connection().execute(
        sql_select(
            col(SpendContract.id),
            col(SpendContract.amount),
            col(SpendContract.awarded_on),
            col(SpendContract.tract),
            col(SpendContract.zip),
            col(SpendContract.currency),
            col(SpendVendor.key),
            col(SpendVendor.name),
        )
        .join(SpendVendor, col(SpendVendor.id) == col(SpendContract.vendor_id))
        .where(col(SpendContract.jurisdiction_id) == place.id)
    )
    totals: dict[tuple[str, str | None, str | None], VendorSpend] = {}
    for ident, amount, awarded, tract, zip_code, currency, key, name in rows:
        if periods and not any(p.holds(awarded) for p in periods):
            continue
        where = (key, tract, None if tract else zip_code)
        kept = totals.get(where)
        if kept is None:
            kept = totals[where] = VendorSpend(
                vendor=name,
                vendor_key=key,
                tract=tract,
                zip=where[2],
                dollars=Decimal(0),
                contracts=0,
                currency=currency,
            )
        kept.dollars += amount if amount is not None else Decimal(paid.get(ident) or 0)
        kept.contracts += 1
    return sorted(totals.values(), key=lambda v: (-v.dollars, v.vendor.casefold(), v.place or ""))


def team_figure(session: Session, team: Team, key: str) -> Decimal | None:
    """One figure (a ``figures_of`` key) of the team's spending in the latest calendar year with
    a contract; None while nothing is imported."""
    place = jurisdiction_of(session, team.jurisdiction_id)
    contracts, payments, _ = _facts(session, place)
    if not contracts:
        return None
    latest = calendar_years([max(c.awarded_on for c in contracts)])[0]
    values = {k: v for k, _, v in figures_of(period_figures(latest, contracts, payments))}
    return values.get(key)
