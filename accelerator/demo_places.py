"""The demo's sessions 5 and 6: each team's county, a fictional Healthy Places Index of its census
tracts and a year of fictional contracts and payments, imported through the services the way a
team imports its own files, then its spending baseline and equity profile."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from pydantic import BaseModel

from accelerator.demo_cast import ADMIN, COHORT, TEAMS, DemoTeam, manager_of

# Fictional teams, real-looking county codes (California's FIPS), one county each.
COUNTY_FIPS = {"Alder County": "06001", "Juniper City": "06013", "Marigold County": "06019", "Tidewater City": "06029"}
TRACTS = 16  # per county: four of each quartile
VENDORS = (  # name, community-based, small, local
    ("Healthy Roots Collective", "yes", "yes", "yes"),
    ("Promotoras Unidas", "yes", "yes", "yes"),
    ("Eastside Youth Council", "yes", "yes", "yes"),
    ("Harbor Family Services", "yes", "no", "yes"),
    ("Bright Consulting LLC", "no", "no", "no"),
    ("Statewide Health Partners", "no", "no", "no"),
)


class TeamPlaces(BaseModel):
    """Where one team's contract dollars land, by quartile of its tracts (1 = least healthy)."""

    jurisdiction: str
    dollar_shares: list[float | None]  # quartiles 1-4
    unplaced_share: float | None
    cbo_dollar_share: str | None  # the baseline's share of dollars to community-based organizations


def tract(fips: str, number: int) -> str:
    return f"{fips}{(number + 1) * 100:06d}"


def write_hpi(path: Path, fips: str) -> Path:
    """The Healthy Places Index as published: a row per tract, its score and percentile (0-1)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["GEO_ID", "hpi", "hpi_pctile"])
        for number in range(TRACTS):
            percentile = (number + 0.5) / TRACTS
            writer.writerow([tract(fips, number), f"{(percentile - 0.5) * 2:.3f}", f"{percentile:.4f}"])
    return path


def write_spending(path: Path, team: DemoTeam, fips: str, rnd: random.Random) -> Path:
    """A year of contracts, one payment each. A team further along puts more of its dollars with
    community-based organizations in the least healthy tracts, and pays them sooner."""
    from assessment.spending.sheet import COLUMNS

    fields = [c.field for c in COLUMNS]
    reach = (team.profile - 1.5) / 2  # 0 .. 1: how far the team has moved its spending
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in COLUMNS])
        for number in range(18):
            name, cbo, small, local = VENDORS[number % len(VENDORS)]
            community = cbo == "yes"
            # community organizations sit in the lower tracts, the large firms in the upper ones
            low = rnd.randrange(0, TRACTS // 2) if community else rnd.randrange(TRACTS // 2, TRACTS)
            amount = rnd.choice([8000, 12000, 25000, 40000]) * (1 + reach if community else 2 - reach)
            awarded = date(2025, 1, 15) + timedelta(days=20 * number)
            invoiced = awarded + timedelta(days=30)
            paid = invoiced + timedelta(days=int(rnd.randint(20, 70) * (1.4 - reach)))
            cells = {
                "contract_id": f"PO-{2025}-{number + 1:03d}",
                "vendor": name,
                "contract_amount": f"{amount:.2f}",
                "currency": "USD",
                "awarded_on": awarded.isoformat(),
                "payment_amount": f"{amount:.2f}",
                "invoiced_on": invoiced.isoformat(),
                "paid_on": paid.isoformat(),
                "cbo": cbo,
                "small": small,
                "local": local,
                # one contract in six names only a ZIP code, which no crosswalk places: counted as unplaced
                "tract": "" if number % 6 == 5 else tract(fips, low),
                "zip": "94999" if number % 6 == 5 else "",
            }
            writer.writerow([cells.get(field, "") for field in fields])
    return path


def load_places_and_spending(folder: Path) -> list[TeamPlaces]:
    """Every team's county, metrics and spending imported, its baseline recorded; each team's profile."""
    from assessment.cohorts.jurisdictions import set_counties
    from assessment.cohorts.people import resolve_actor
    from assessment.core.db import transaction
    from assessment.metrics.imports import ImportOptions, import_metrics
    from assessment.metrics.profile import profile_with_spending
    from assessment.spending.imports import import_spending
    from assessment.spending.service import figures_of, record_baseline

    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(2025)
    shown = []
    for team in TEAMS:
        fips = COUNTY_FIPS[team.jurisdiction]
        slug = team.jurisdiction.lower().replace(" ", "-")
        hpi = write_hpi(folder / f"{slug}-hpi.csv", fips)
        spending = write_spending(folder / f"{slug}-spending.csv", team, fips, rnd)
        with transaction() as session:
            admin = resolve_actor(session, ADMIN)
            set_counties(session, admin, team.jurisdiction, [fips])
            options = ImportOptions(vintage=2020, year=2025, source="Healthy Places Index (fictional)")
            import_metrics(session, admin, team.jurisdiction, hpi, options, dry_run=False)
            import_spending(session, admin, team.jurisdiction, spending)
        with transaction() as session:
            manager = resolve_actor(session, manager_of(team))
            baseline = record_baseline(session, manager, team.jurisdiction, COHORT, "2025")
            profile = profile_with_spending(session, manager, team.jurisdiction, COHORT)
        shares = {q.quartile: q.dollar_share for q in profile.quartiles}
        figures = {key: value for key, _, value in figures_of(baseline.figures.periods[-1])}
        cbo = figures.get("cbo_dollar_share")
        shown.append(
            TeamPlaces(
                jurisdiction=team.jurisdiction,
                dollar_shares=[shares.get(n) for n in (1, 2, 3, 4)],
                unplaced_share=profile.unplaced.dollar_share,
                cbo_dollar_share=None if cbo is None else f"{cbo:.1f}%",
            )
        )
    return shown


def print_places(places: list[TeamPlaces]) -> None:
    from rich.table import Table

    from accelerator.output import console, escape

    table = Table(
        title=f"{COHORT}: where contract dollars land (share by Healthy Places Index quartile of the vendor's tract)",
        title_justify="left",
    )
    for column in ("Team", "Q1 least healthy", "Q2", "Q3", "Q4 healthiest", "Not placed", "To CBOs"):
        table.add_column(column, justify="left" if column == "Team" else "right")

    def share(value: float | None) -> str:
        return "–" if value is None else f"{value:.0%}"

    for team in places:
        table.add_row(
            escape(team.jurisdiction),
            *(share(v) for v in team.dollar_shares),
            share(team.unplaced_share),
            team.cbo_dollar_share or "–",
        )
    console.print(table)
