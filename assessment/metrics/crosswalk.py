"""The ZIP code to census tract crosswalk (such as HUD-USPS's ZIP-TRACT file): for each ZIP code,
the share of its residential addresses in each tract. The equity profile places a vendor known
only by ZIP code by these shares. One crosswalk per tract vintage, shared by every jurisdiction.

Importing a file replaces the tracts of each ZIP code it lists (ZIP codes it does not list are
kept), so importing the same file again changes nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from assessment.core import history
from assessment.core.errors import Conflict, PermissionDenied, Problem, ProblemLog, ValidationFailed
from assessment.core.fields import utcnow
from assessment.core.permissions import Actor, Record, may
from assessment.core.xlsx import Formula
from assessment.metrics.geography import tract_id, zip_code
from assessment.metrics.models import VINTAGES, CrosswalkImport, ZipTract
from assessment.metrics.percentiles import number
from assessment.metrics.reading import Table, read_table
from assessment.metrics.reference import place_metrics

ZIP_COLUMNS = ["zip", "zip_code", "zipcode", "zip5"]
RATIO_COLUMNS = ["res_ratio", "residential_ratio", "ratio"]
VINTAGE_COLUMNS = ["vintage", "tract_vintage"]
TEN_PLACES = Decimal("0.0000000001")
# Ratios of one ZIP code may add to a hair over 1 where the publisher rounded them.
ROUNDING = Decimal("0.001")
WRITE_CHUNK = 500


def has_zip_column(keys: list[str]) -> bool:
    return any(key in keys for key in ZIP_COLUMNS)


@dataclass
class Parsed:
    table: Table
    rows: dict[tuple[str, str], tuple[int, Decimal]] = field(default_factory=dict)  # (zip, tract) -> row, ratio
    vintages: dict[int, int] = field(default_factory=dict)
    problems: ProblemLog = field(default_factory=ProblemLog)


def _parse(table: Table) -> Parsed:
    parsed = Parsed(table)
    zip_at = table.column(ZIP_COLUMNS)
    tract_at = table.column(place_metrics().tract_columns)
    ratio_at = table.column(RATIO_COLUMNS)
    vintage_at = table.column(VINTAGE_COLUMNS)
    missing = [name for name, at in (("TRACT", tract_at), ("RES_RATIO", ratio_at)) if at is None]
    if missing or zip_at is None:
        parsed.problems.add(
            Problem(
                table.name,
                f"has no {' or '.join(missing)} column.",
                "A crosswalk has a ZIP column, a TRACT column (11-digit tract ids) and RES_RATIO (the share of the "
                "ZIP code's residential addresses in the tract, 0-1), as HUD-USPS publishes it.",
            )
        )
        return parsed
    for row, cells in table.rows:
        zip_value, tract_value = table.cell(cells, zip_at), table.cell(cells, tract_at)
        try:
            if isinstance(zip_value, Formula):
                raise ValueError(f"is a formula ({zip_value})")
            zip_text = zip_code(zip_value)
        except ValueError as exc:
            parsed.problems.add(Problem(table.at(row, zip_at), f"{exc}.", "Write the 5-digit ZIP code."))
            zip_text = ""
        try:
            if isinstance(tract_value, Formula):
                raise ValueError(f"is a formula ({tract_value})")
            geo_id = tract_id(tract_value)
        except ValueError as exc:
            parsed.problems.add(
                Problem(table.at(row, tract_at), f"{exc}.", "Write the tract's 11-digit id, e.g. 06037101110.")
            )
            geo_id = ""
        ratio = _ratio(parsed, row, cells, ratio_at)
        if vintage_at is not None:
            _vintage(parsed, row, cells, vintage_at)
        if not zip_text or not geo_id or ratio is None:
            continue
        first = parsed.rows.get((zip_text, geo_id))
        if first is not None:
            parsed.problems.add(
                Problem(
                    table.at(row, tract_at),
                    f"ZIP {zip_text} and tract {geo_id} are also on row {first[0]}.",
                    "Keep one row per ZIP code and tract.",
                )
            )
            continue
        parsed.rows[(zip_text, geo_id)] = (row, ratio)
    _sums(parsed, zip_at)
    return parsed


def _ratio(parsed: Parsed, row: int, cells: tuple[object, ...], at: int | None) -> Decimal | None:
    try:
        ratio = number(parsed.table.cell(cells, at))
        if ratio is None:
            raise ValueError("is empty")
    except ValueError as exc:
        parsed.problems.add(
            Problem(parsed.table.at(row, at), f"{exc}.", "Write the share of residential addresses, from 0 to 1.")
        )
        return None
    if not 0 <= ratio <= 1:
        parsed.problems.add(
            Problem(
                parsed.table.at(row, at),
                f"{ratio.normalize():f} is not a share from 0 to 1.",
                "Write the share of the ZIP code's residential addresses in the tract, from 0 to 1.",
            )
        )
        return None
    return ratio.quantize(TEN_PLACES, rounding=ROUND_HALF_UP)


def _vintage(parsed: Parsed, row: int, cells: tuple[object, ...], at: int) -> None:
    cell = parsed.table.cell(cells, at)
    try:
        value = None if isinstance(cell, Formula) else number(cell)
    except ValueError:
        value = Decimal(-1)
    if value is None:
        return
    if value not in VINTAGES:
        parsed.problems.add(
            Problem(parsed.table.at(row, at), f"'{cell}' is not a census tract vintage.", "Write 2010 or 2020.")
        )
        return
    parsed.vintages.setdefault(int(value), row)


def _sums(parsed: Parsed, zip_at: int) -> None:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    rows: dict[str, list[int]] = defaultdict(list)
    for (zip_text, _), (row, ratio) in parsed.rows.items():
        sums[zip_text] += ratio
        rows[zip_text].append(row)
    for zip_text, total in sums.items():
        if total > 1 + ROUNDING:
            listed = ", ".join(map(str, rows[zip_text][:5])) + (" ..." if len(rows[zip_text]) > 5 else "")
            parsed.problems.add(
                Problem(
                    parsed.table.at(rows[zip_text][0], zip_at),
                    f"the residential shares of ZIP {zip_text} add up to {total.normalize():f} (rows {listed}); "
                    "a ZIP code's shares add up to 1 at most.",
                    "Check the ratio column is RES_RATIO of one crosswalk, with each ZIP code and tract once.",
                )
            )


def _vintage_of(parsed: Parsed, given: int | None) -> int | None:
    said = sorted(parsed.vintages.items(), key=lambda item: item[1])
    where = parsed.table.name
    if len(said) > 1 or (said and given is not None and said[0][0] != given):
        values = " and ".join(str(v) for v, _ in said) + (f" (and --vintage {given})" if given else "")
        parsed.problems.add(
            Problem(
                where,
                f"mixes tracts of {values}; tracts of different vintages are not joined.",
                "Import one vintage's crosswalk per file, and leave out --vintage or make it agree.",
            )
        )
        return None
    vintage = said[0][0] if said else given
    if vintage is None:
        parsed.problems.add(
            Problem(
                where,
                "does not say which census tracts it uses (2010 or 2020 tracts, which differ).",
                "Pass --vintage 2010 or --vintage 2020 (HUD names it with the file), or add a vintage column.",
            )
        )
    return vintage


def may_import_crosswalk(actor: Actor) -> bool:
    """The crosswalk is shared by every jurisdiction: a regional role (alliance lead) or an admin imports it."""
    return may(actor, "write", Record.place_metric, None)


def import_crosswalk(
    session: Session, actor: Actor, path: Path, vintage: int | None = None, dry_run: bool = True
) -> CrosswalkImport:
    """Plan a crosswalk import and, unless ``dry_run``, apply all of it (inside one transaction);
    every problem of the file is raised together, located by row and column."""
    if not may_import_crosswalk(actor):
        raise PermissionDenied(
            f"{actor.email} may not import the ZIP code crosswalk: it is shared by every jurisdiction, so only an "
            "alliance lead or an admin may."
        )
    if vintage is not None and vintage not in VINTAGES:
        raise ValidationFailed(
            "The crosswalk was not imported; nothing was changed.",
            [Problem("vintage", f"{vintage} is not a census tract vintage.", "Use 2010 or 2020.")],
        )
    table = read_table(path, has_zip_column, "ZIP")
    parsed = _parse(table)
    found = _vintage_of(parsed, vintage)
    if parsed.problems or found is None:
        total = len(parsed.problems)
        raise ValidationFailed(
            f"{table.name} was not imported ({total} problem{'s' if total != 1 else ''}); nothing was changed. "
            "Fix these and import it again:",
            parsed.problems.kept,
            parsed.problems.more,
        )
    zips = sorted({zip_text for zip_text, _ in parsed.rows})
    before: dict[tuple[str, str], Decimal] = {}
    for start in range(0, len(zips), WRITE_CHUNK):
        query = select(ZipTract).where(
            ZipTract.vintage == found, col(ZipTract.zip).in_(zips[start : start + WRITE_CHUNK])
        )
        before.update({(z.zip, z.geo_id): z.res_ratio for z in session.exec(query)})
    wanted = {key: ratio for key, (_, ratio) in parsed.rows.items()}
    added = [key for key in wanted if key not in before]
    changed = [key for key in wanted if key in before and before[key] != wanted[key]]
    removed = [key for key in before if key not in wanted]
    result = CrosswalkImport(
        file=table.name,
        vintage=found,
        dry_run=dry_run,
        zips=len(zips),
        rows=len(wanted),
        added=len(added),
        changed=len(changed),
        removed=len(removed),
        unchanged=len(wanted) - len(added) - len(changed),
    )
    if dry_run or not (added or changed or removed):
        return result
    at = utcnow()

    def row(key: tuple[str, str]) -> dict[str, object]:
        return {
            "vintage": found,
            "zip": key[0],
            "geo_id": key[1],
            "res_ratio": wanted[key],
            "imported_at": at,
            "imported_by": actor.email,
        }

    try:
        if added:
            session.exec(insert(ZipTract), params=[row(key) for key in added])
        if changed:
            session.exec(update(ZipTract), params=[row(key) for key in changed])
        for key in removed:
            session.exec(
                delete(ZipTract).where(
                    col(ZipTract.vintage) == found, col(ZipTract.zip) == key[0], col(ZipTract.geo_id) == key[1]
                )
            )
        session.flush()
    except IntegrityError:
        raise Conflict(
            "Someone imported the ZIP code crosswalk at the same moment; nothing was imported. Try again."
        ) from None
    note = f"{table.name}: {len(added)} added, {len(changed)} changed, {len(removed)} removed"
    history.record(session, actor.email, "zip_crosswalk", found, "rows", len(before) or None, len(wanted), note, at=at)
    return result


def crosswalk_of(session: Session, vintage: int, zips: set[str]) -> dict[str, list[tuple[str, Decimal]]]:
    """The tracts of each of ``zips`` in the crosswalk of ``vintage``, with their residential shares."""
    found: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    ordered = sorted(zips)
    for start in range(0, len(ordered), WRITE_CHUNK):
        query = select(ZipTract).where(
            ZipTract.vintage == vintage, col(ZipTract.zip).in_(ordered[start : start + WRITE_CHUNK])
        )
        for z in session.exec(query):
            found[z.zip].append((z.geo_id, z.res_ratio))
    return dict(found)


def crosswalk_vintages(session: Session) -> list[int]:
    return sorted(session.exec(select(ZipTract.vintage).distinct()))
