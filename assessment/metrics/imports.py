"""Importing a place-level metric table for a jurisdiction: the plan (what would change, with every
problem located by row and column) and its apply (everything or nothing).

Two layouts are read. The **wide** one is the Healthy Places Index as published: a row per census
tract (``GEO_ID``) and columns per metric (``hpi``, ``hpi_pctile``, ``hpi_quartile``,
``economic_pctile``, ...); every metric ``rubrics/place-metrics.yaml`` knows whose percentile
column is present is imported. The **long** one has a row per tract and metric: ``geo_id``,
``metric``, ``value``, ``percentile``, ``year``, ``source`` (and ``direction`` for a metric the
reference does not know; ``vintage`` when the file says it).

A jurisdiction holds one set of tracts per metric: importing a metric again replaces its tracts'
values (tracts no longer in the file are removed), so importing the same file twice changes
nothing the second time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from assessment.cohorts.jurisdictions import county_codes_of, get_jurisdiction
from assessment.cohorts.models import Jurisdiction
from assessment.core import history
from assessment.core.errors import Conflict, Problem, ProblemLog, ValidationFailed
from assessment.core.fields import row_id, utcnow
from assessment.core.permissions import Actor, Record, require
from assessment.core.shapes import Shape, choice, key_of, whole
from assessment.core.xlsx import Formula
from assessment.metrics.geography import county_of, tract_id
from assessment.metrics.models import VINTAGES, Direction, MetricImport, MetricSet, PlaceMetric, PlannedSet, ZipTract
from assessment.metrics.percentiles import (
    Mixed,
    Scale,
    agrees,
    equity_quartile,
    exact,
    number,
    on_hundred,
    out_of_range,
    percentile_quartile,
    recognise_scale,
)
from assessment.metrics.reading import Table, read_table
from assessment.metrics.reference import METRIC_ID, KnownMetric, generic, known_metric, place_metrics

VINTAGE_COLUMNS = ["vintage", "tract_vintage", "census_vintage"]
YEAR_COLUMNS = ["year", "data_year"]
SOURCE_COLUMNS = ["source"]
EXAMPLES = 5  # rows named in a problem that sums up many
WRITE_CHUNK = 500  # rows per statement when deleting by id
LARGEST = Decimal(10) ** 14  # values are kept with 14 digits before the point


def _vintage_option(vintage: int | None) -> int | None:
    if vintage is not None and vintage not in VINTAGES:
        raise ValueError(f"{vintage} is not a census tract vintage; use 2010 or 2020")
    return vintage


class ImportOptions(Shape):
    """What the person says about a file that the file may not say itself."""

    vintage: Annotated[int | None, AfterValidator(_vintage_option)] = None
    year: Annotated[int | None, Field(ge=1900, le=2100)] = None
    source: str | None = None
    percentile_scale: Scale | None = None  # the person's word overrides recognising it
    skip_outside: bool = False  # import only the jurisdiction's tracts of a larger file


@dataclass
class Reading:
    """One tract's cells for one metric."""

    row: int
    geo_id: str
    value: Decimal | None
    raw: Decimal | None  # the percentile as written
    published: int | None  # a quartile the file gives (counted from the lowest percentiles)
    percentile: Decimal | None = None  # on 0-100, once the column's scale is known
    quartile: int | None = None


@dataclass
class Found:
    """One metric of the file: where its columns are and what its rows say."""

    metric: KnownMetric
    percentile: int  # column indexes
    value: int | None = None
    quartile: int | None = None
    readings: dict[str, Reading] = field(default_factory=dict)
    years: dict[int, int] = field(default_factory=dict)  # year -> first row
    sources: dict[str, int] = field(default_factory=dict)
    directions: dict[Direction, int] = field(default_factory=dict)
    first_row: int = 0
    scale: Scale = "0-1"


@dataclass
class Parsed:
    table: Table
    layout: str
    geo: int
    found: dict[str, Found]
    vintages: dict[int, int] = field(default_factory=dict)  # vintage -> first row
    outside: list[tuple[int, str]] = field(default_factory=list)
    problems: ProblemLog = field(default_factory=ProblemLog)


def has_tract_column(keys: list[str]) -> bool:
    return any(key in keys for key in place_metrics().tract_columns)


# --- reading the file ---------------------------------------------------------------------------------


def _cell_number(parsed: Parsed, row: int, cells: tuple[object, ...], index: int | None) -> Decimal | None:
    """A number cell, None when blank; a problem (and None) when it is not a number."""
    if index is None:
        return None
    try:
        found = number(parsed.table.cell(cells, index))
        if found is not None and abs(found) >= LARGEST:
            raise ValueError(f"{found} is too large a value")
    except ValueError as exc:
        parsed.problems.add(Problem(parsed.table.at(row, index), str(exc) + ".", "Type a number, or leave it blank."))
        return None
    return found


def _cell_text(parsed: Parsed, row: int, cells: tuple[object, ...], index: int | None) -> str:
    value = parsed.table.cell(cells, index)
    if isinstance(value, Formula):
        parsed.problems.add(Problem(parsed.table.at(row, index), f"is a formula ({value}).", "Type the value."))
        return ""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cell_quartile(parsed: Parsed, row: int, cells: tuple[object, ...], index: int | None) -> int | None:
    found = _cell_number(parsed, row, cells, index)
    if found is None:
        return None
    if found not in (1, 2, 3, 4):
        parsed.problems.add(
            Problem(
                parsed.table.at(row, index), f"{found} is not a quartile.", "Write 1, 2, 3 or 4, or leave it blank."
            )
        )
        return None
    return int(found)


def _cell_whole(parsed: Parsed, row: int, cells: tuple[object, ...], index: int | None, what: str) -> int | None:
    value = parsed.table.cell(cells, index)
    if index is None or value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, Formula):
            raise ValueError(f"is a formula ({value})")
        parsed_value = whole(value)
        if not isinstance(parsed_value, int):
            raise ValueError(f"'{value}' is not a whole number")
    except ValueError as exc:
        parsed.problems.add(Problem(parsed.table.at(row, index), f"{exc}; it should be a {what}.", ""))
        return None
    return parsed_value


def _vintage(parsed: Parsed, row: int, cells: tuple[object, ...], index: int | None) -> None:
    vintage = _cell_whole(parsed, row, cells, index, "census vintage, 2010 or 2020")
    if vintage is None:
        return
    if vintage not in VINTAGES:
        parsed.problems.add(
            Problem(parsed.table.at(row, index), f"{vintage} is not a census tract vintage.", "Write 2010 or 2020.")
        )
        return
    parsed.vintages.setdefault(vintage, row)


def _year(parsed: Parsed, row: int, cells: tuple[object, ...], index: int | None) -> int | None:
    year = _cell_whole(parsed, row, cells, index, "year such as 2022")
    if year is not None and not 1900 <= year <= utcnow().year + 1:
        parsed.problems.add(Problem(parsed.table.at(row, index), f"{year} is not a year the data can be from.", ""))
        return None
    return year


def _settings(parsed: Parsed, found: Found, row: int, year: int | None, source: str) -> None:
    if year is not None:
        found.years.setdefault(year, row)
    if source:
        found.sources.setdefault(source, row)


def _tract(parsed: Parsed, row: int, cells: tuple[object, ...], counties: list[str]) -> str | None:
    """The row's tract id when it is one of the jurisdiction's; outside ones are set aside."""
    value = parsed.table.cell(cells, parsed.geo)
    if isinstance(value, Formula):
        parsed.problems.add(
            Problem(parsed.table.at(row, parsed.geo), f"is a formula ({value}), not a tract id.", "Type the value.")
        )
        return None
    try:
        geo_id = tract_id(value)
    except ValueError as exc:
        parsed.problems.add(
            Problem(
                parsed.table.at(row, parsed.geo),
                f"{exc}.",
                "Write the tract's 11-digit id (state, county, tract), e.g. 06037101110.",
            )
        )
        return None
    if county_of(geo_id) not in counties:
        parsed.outside.append((row, geo_id))
        return None
    return geo_id


def _add(parsed: Parsed, found: Found, reading: Reading, column: int) -> None:
    first = found.readings.get(reading.geo_id)
    if first is not None:
        parsed.problems.add(
            Problem(
                parsed.table.at(reading.row, column),
                f"tract {reading.geo_id} is also on row {first.row} for {found.metric.id}.",
                "Keep one row per tract and metric.",
            )
        )
        return
    found.readings[reading.geo_id] = reading
    found.first_row = found.first_row or reading.row


def _wide(table: Table, geo: int, counties: list[str]) -> Parsed:
    found: dict[str, Found] = {}
    for metric in place_metrics().metrics:
        percentile = table.column(metric.percentile_columns)
        if percentile is not None:
            found[metric.id] = Found(
                metric, percentile, table.column(metric.value_columns), table.column(metric.quartile_columns)
            )
    parsed = Parsed(table, "wide", geo, found)
    if not found:
        known = ", ".join(c for m in place_metrics().metrics for c in m.percentile_columns[:1])
        parsed.problems.add(
            Problem(
                table.name,
                "has no percentile column of a metric this knows.",
                f"Import the file as published (with columns such as {known}), or use the long layout: "
                "geo_id, metric, value, percentile, year, source (and direction for a metric not in "
                "rubrics/place-metrics.yaml).",
            )
        )
        return parsed
    vintage, year, source = (table.column(names) for names in (VINTAGE_COLUMNS, YEAR_COLUMNS, SOURCE_COLUMNS))
    first_row: dict[str, int] = {}
    for row, cells in table.rows:
        geo_id = _tract(parsed, row, cells, counties)
        if geo_id is None:
            continue
        if geo_id in first_row:
            parsed.problems.add(
                Problem(
                    table.at(row, geo), f"tract {geo_id} is also on row {first_row[geo_id]}.", "Keep one row per tract."
                )
            )
            continue
        first_row[geo_id] = row
        _vintage(parsed, row, cells, vintage)
        said_year, said_source = _year(parsed, row, cells, year), _cell_text(parsed, row, cells, source)
        for each in found.values():
            _settings(parsed, each, row, said_year, said_source)
            reading = Reading(
                row,
                geo_id,
                _cell_number(parsed, row, cells, each.value),
                _cell_number(parsed, row, cells, each.percentile),
                _cell_quartile(parsed, row, cells, each.quartile),
            )
            _add(parsed, each, reading, each.percentile)
    return parsed


def _long(table: Table, geo: int, counties: list[str]) -> Parsed:
    parsed = Parsed(table, "long", geo, {})
    metric_column = table.column(["metric"])
    percentile = table.column(["percentile", "pctile", "percentile_rank"])
    assert metric_column is not None
    if percentile is None:
        parsed.problems.add(
            Problem(
                table.name,
                "has a metric column but no percentile column.",
                "Add a percentile column (0-1 or 0-100): the profile places each tract by its percentile.",
            )
        )
        return parsed
    value = table.column(["value", "score"])
    direction = table.column(["direction"])
    vintage, year, source = (table.column(names) for names in (VINTAGE_COLUMNS, YEAR_COLUMNS, SOURCE_COLUMNS))
    for row, cells in table.rows:
        geo_id = _tract(parsed, row, cells, counties)
        if geo_id is None:
            continue
        _vintage(parsed, row, cells, vintage)
        name = key_of(_cell_text(parsed, row, cells, metric_column))
        if not name:
            parsed.problems.add(Problem(table.at(row, metric_column), "is empty.", "Name the metric, e.g. hpi."))
            continue
        if not _valid_id(name):
            parsed.problems.add(
                Problem(
                    table.at(row, metric_column),
                    f"'{name}' is not a metric id.",
                    "Use letters, digits and underscores, starting with a letter (e.g. hpi, ces, life_expectancy).",
                )
            )
            continue
        each = parsed.found.get(name)
        if each is None:
            # an unknown metric's direction is settled once every row is read (see _directions)
            metric = known_metric(name) or generic(name, Direction.higher_is_better)
            each = parsed.found[name] = Found(metric, percentile, value)
        said = _cell_text(parsed, row, cells, direction)
        if said:
            try:
                each.directions.setdefault(choice(Direction, said, "direction"), row)
            except ValueError as exc:
                parsed.problems.add(
                    Problem(
                        table.at(row, direction),
                        f"{exc}.",
                        "higher_is_better: a higher percentile is healthier (like the Healthy Places Index); "
                        "higher_is_worse: a higher percentile is more burden (like CalEnviroScreen).",
                    )
                )
        _settings(parsed, each, row, _year(parsed, row, cells, year), _cell_text(parsed, row, cells, source))
        reading = Reading(
            row, geo_id, _cell_number(parsed, row, cells, value), _cell_number(parsed, row, cells, percentile), None
        )
        _add(parsed, each, reading, percentile)
    _directions(parsed, metric_column, direction)
    return parsed


def _valid_id(name: str) -> bool:
    return re.fullmatch(METRIC_ID, name) is not None


def _directions(parsed: Parsed, metric_column: int, direction: int | None) -> None:
    """Each metric's direction: the reference's for a known one (a file saying otherwise is
    refused), the file's for another (which must say it, one way)."""
    table = parsed.table
    for name, each in parsed.found.items():
        said = sorted(each.directions.items(), key=lambda item: item[1])
        known = known_metric(name)
        if known is not None:
            for wrong, row in said:
                if wrong is not known.direction:
                    parsed.problems.add(
                        Problem(
                            table.at(row, direction),
                            f"{name} is {known.direction.label.lower()} (rubrics/place-metrics.yaml), not "
                            f"{wrong.label.lower()}.",
                            f"Write {known.direction.value} or leave the cell blank.",
                        )
                    )
            continue
        if not said:
            parsed.problems.add(
                Problem(
                    table.at(each.first_row, metric_column if direction is None else direction),
                    f"'{name}' is not a metric this knows, and the file does not say which way it runs.",
                    "Add a direction column: higher_is_better (a higher percentile is healthier) or "
                    "higher_is_worse (a higher percentile is more burden); or use a metric id of "
                    "rubrics/place-metrics.yaml.",
                )
            )
            continue
        if len(said) > 1:
            (first, first_row), (other, row) = said[0], said[1]
            parsed.problems.add(
                Problem(
                    table.at(row, direction),
                    f"{name} is {other.value} here but {first.value} on row {first_row}.",
                    "Give one direction per metric.",
                )
            )
        each.metric = generic(name, said[0][0])


# --- checking what was read -----------------------------------------------------------------------------


def _examples(rows: Sequence[tuple[int, object]]) -> str:
    shown = ", ".join(f"row {row} ({value})" for row, value in rows[:EXAMPLES])
    return shown + (f" and {len(rows) - EXAMPLES} more" if len(rows) > EXAMPLES else "")


def _scale(parsed: Parsed, each: Found, given: Scale | None, seen: dict[int, Scale | Mixed]) -> None:
    """Recognise the scale of the metric's percentile column (once per column), then place every
    reading on 0-100 and in its quartile."""
    table = parsed.table
    column = each.percentile
    if column not in seen:
        values = [
            (r.row, r.raw)
            for f in parsed.found.values()
            if f.percentile == column
            for r in f.readings.values()
            if r.raw is not None
        ]
        seen[column] = given or recognise_scale(values)
        found = seen[column]
        if isinstance(found, Mixed):
            parsed.problems.add(
                Problem(
                    table.where(column),
                    "mixes percentiles written as 0-1 fractions ("
                    + _examples([(row, f"{v.normalize():f}") for row, v in found.fractions])
                    + ") with percentiles on a 0-100 scale ("
                    + _examples([(row, f"{v.normalize():f}") for row, v in found.hundreds])
                    + ").",
                    "Write the whole column on one scale, 0-1 or 0-100. If the values below 1 really are "
                    "percentiles under the 1st on a 0-100 scale, pass --percentile-scale 0-100.",
                )
            )
    scale = seen[column]
    if isinstance(scale, Mixed):
        return
    each.scale = scale
    for reading in each.readings.values():
        if reading.raw is None:
            continue
        wrong = out_of_range(reading.raw, scale)
        if wrong:
            parsed.problems.add(
                Problem(
                    table.at(reading.row, column),
                    wrong + ".",
                    f"Write a percentile from 0 to {1 if scale == '0-1' else 100}"
                    + (" like the rest of the column." if not given else f" (--percentile-scale {given})."),
                )
            )
            continue
        reading.percentile = on_hundred(reading.raw, scale)
        reading.quartile = equity_quartile(reading.percentile, each.metric.direction)
        if reading.published is not None and not agrees(reading.percentile, reading.published):
            parsed.problems.add(
                Problem(
                    table.at(reading.row, each.quartile),
                    f"says quartile {reading.published}, but the percentile {reading.raw.normalize():f} is in "
                    f"quartile {percentile_quartile(reading.percentile)} on the {scale} scale this column is read on.",
                    "Check that the percentile column is the one published with it, or leave the quartile blank.",
                )
            )


def _one(parsed: Parsed, each: Found, seen: Mapping[Any, int], given: object, option: str, what: str) -> None:
    """A setting that must be one value per metric (a year, a source): the file's and the option's agree."""
    values = sorted(seen.items(), key=lambda item: item[1])
    column = parsed.table.column(YEAR_COLUMNS if what == "year" else SOURCE_COLUMNS)
    if len(values) > 1:
        (first, first_row), (other, row) = values[0], values[1]
        parsed.problems.add(
            Problem(
                parsed.table.at(row, column),
                f"{each.metric.id} has {what} {other} here but {first} on row {first_row}.",
                f"Import one {what} of a metric at a time.",
            )
        )
    elif values and given is not None and values[0][0] != given:
        parsed.problems.add(
            Problem(
                parsed.table.at(values[0][1], column),
                f"says {what} {values[0][0]}, but {option} says {given}.",
                f"Leave out {option}, or correct the file.",
            )
        )


def _vintage_of(parsed: Parsed, given: int | None) -> int | None:
    table = parsed.table
    column = table.column(VINTAGE_COLUMNS)
    said = sorted(parsed.vintages.items(), key=lambda item: item[1])
    if len(said) > 1:
        (first, first_row), (other, row) = said[0], said[1]
        parsed.problems.add(
            Problem(
                table.at(row, column),
                f"is {other} but row {first_row} is {first}: the file mixes census tracts of two vintages, and "
                "tracts of different vintages are not joined.",
                "Import each vintage's tracts from a file of its own.",
            )
        )
        return None
    if said and given is not None and said[0][0] != given:
        parsed.problems.add(
            Problem(
                table.at(said[0][1], column),
                f"says the tracts are of {said[0][0]}, but --vintage says {given}; tracts of different vintages "
                "are not joined.",
                "Leave out --vintage, or correct the file.",
            )
        )
        return None
    vintage = said[0][0] if said else given
    if vintage is None:
        parsed.problems.add(
            Problem(
                table.name,
                "does not say which census tracts its ids are (2010 or 2020 tracts, which differ).",
                "Pass --vintage 2010 or --vintage 2020 (the data's documentation says which), or add a vintage column.",
            )
        )
    return vintage


def _outside(parsed: Parsed, place: Jurisdiction, counties: list[str], skip: bool) -> None:
    if not parsed.outside or skip:
        return
    count = len(parsed.outside)
    parsed.problems.add(
        Problem(
            parsed.table.where(parsed.geo),
            f"{count} tract{'s are' if count != 1 else ' is'} outside {place.name}'s "
            f"count{'ies' if len(counties) > 1 else 'y'} (FIPS {', '.join(counties)}): {_examples(parsed.outside)}.",
            f"Remove those rows, or pass --skip-outside to import only {place.name}'s tracts. If a county is "
            f'missing, record it with `accelerator jurisdiction update "{place.name}" --county-fips CODE`.',
        )
    )


def _check(parsed: Parsed, place: Jurisdiction, counties: list[str], options: ImportOptions) -> int | None:
    """Every problem of the file beyond its cells; the vintage the tracts are of."""
    vintage = _vintage_of(parsed, options.vintage)
    seen: dict[int, Scale | Mixed] = {}
    for each in parsed.found.values():
        _scale(parsed, each, options.percentile_scale, seen)
        _one(parsed, each, each.years, options.year, "--year", "year")
        _one(parsed, each, each.sources, options.source, "--source", "source")
    _outside(parsed, place, counties, options.skip_outside)
    if not any(each.readings for each in parsed.found.values()) and parsed.found:
        if parsed.outside:
            message = f"has none of {place.name}'s tracts (FIPS {', '.join(counties)})."
            fix = (
                "Import the file of the jurisdiction's county, or record its counties with "
                "`accelerator jurisdiction update`."
            )
        else:
            message, fix = "has no rows of tracts.", "Add a row per tract under the header."
        parsed.problems.add(Problem(parsed.table.name, message, fix))
    return vintage


# --- planning against what is stored ------------------------------------------------------------------------

Values = tuple[Decimal | None, Decimal | None, int | None]  # value, percentile (0-100), quartile


@dataclass
class Plan:
    """What the import does to one metric: its settings and the rows to add, change and remove."""

    found: Found
    current: MetricSet | None
    settings: dict[str, object]
    planned: PlannedSet
    added: list[tuple[str, Values]]
    changed: list[tuple[str, Values]]
    removed: list[str]


def stored(session: Session, metric_set: MetricSet) -> dict[str, Values]:
    """A metric's tracts as stored: tract id -> (value, percentile, quartile)."""
    query = select(PlaceMetric).where(PlaceMetric.set_id == metric_set.id)
    return {p.geo_id: (p.value, p.percentile, p.quartile) for p in session.exec(query)}


def _setting_text(value: object) -> str:
    return "none" if value in (None, "") else str(value.value if isinstance(value, Direction) else value)


def _plan_set(
    session: Session, place: Jurisdiction, each: Found, vintage: int, options: ImportOptions, column: str
) -> Plan:
    metric = each.metric
    current = session.exec(
        select(MetricSet).where(MetricSet.jurisdiction_id == place.id, MetricSet.metric == metric.id)
    ).first()
    year = next(iter(each.years)) if each.years else options.year
    source = next(iter(each.sources)) if each.sources else (options.source or metric.source)
    settings: dict[str, object] = {
        "label": metric.label,
        "direction": metric.direction,
        "vintage": vintage,
        "year": year,
        "source": source,
    }
    described = []
    if current is not None:
        for name, new in settings.items():
            old = getattr(current, name)
            if old != _stored(new):
                described.append(f"{name} {_setting_text(old)} → {_setting_text(new)}")
    before = stored(session, current) if current is not None else {}
    wanted: dict[str, Values] = {
        geo: (exact(r.value) if r.value is not None else None, r.percentile, r.quartile)
        for geo, r in each.readings.items()
    }
    added = [(geo, values) for geo, values in wanted.items() if geo not in before]
    changed = [(geo, values) for geo, values in wanted.items() if geo in before and before[geo] != values]
    removed = sorted(set(before) - set(wanted))
    planned = PlannedSet(
        metric=metric.id,
        label=metric.label,
        direction=metric.direction,
        vintage=vintage,
        year=year,
        source=source,
        percentile_column=column,
        percentile_scale=each.scale,
        tracts=len(wanted),
        unscored=sum(1 for v in wanted.values() if v[2] is None),
        quartiles=[sum(1 for v in wanted.values() if v[2] == q) for q in (1, 2, 3, 4)],
        added=len(added),
        changed=len(changed),
        removed=len(removed),
        unchanged=len(wanted) - len(added) - len(changed),
        settings=described,
    )
    return Plan(each, current, settings, planned, added, changed, removed)


def _warnings(session: Session, plans: list[Plan], vintage: int) -> list[str]:
    warnings = []
    for plan in plans:
        if plan.current is not None and plan.current.vintage != vintage:
            warnings.append(
                f"{plan.found.metric.id}'s tracts change from {plan.current.vintage} to {vintage} tracts; "
                "its values of the old tracts are replaced, not joined to the new ones."
            )
        if plan.planned.unscored:
            warnings.append(
                f"{plan.planned.unscored} tract(s) have no {plan.found.metric.id} percentile in the file; "
                "they are kept without a quartile."
            )
    crosswalks = set(session.exec(select(ZipTract.vintage).distinct()))
    if crosswalks and vintage not in crosswalks:
        warnings.append(
            f"The ZIP code crosswalk holds {' and '.join(map(str, sorted(crosswalks)))} tracts only, so vendors "
            f"known by ZIP code will not be placed in these {vintage} tracts: import a crosswalk of {vintage} "
            "tracts with `accelerator metrics crosswalk import FILE --vintage "
            f"{vintage}`."
        )
    return warnings


def plan_import(
    session: Session, actor: Actor, jurisdiction: str, path: Path, options: ImportOptions | None = None
) -> tuple[MetricImport, list[Plan]]:
    """What importing ``path`` for ``jurisdiction`` would do, without doing it. Every problem of
    the file is raised together in one ValidationFailed, each located by row and column."""
    options = options or ImportOptions()
    place = get_jurisdiction(session, jurisdiction)
    require(actor, "write", Record.place_metric, place, f"import place metrics for {place.name}")
    counties = county_codes_of(session, place)
    if not counties:
        raise ValidationFailed(
            f"{place.name} has no county recorded, so which tracts are its own is not known; nothing was imported.",
            [
                Problem(
                    "jurisdiction",
                    f"{place.name} records no county FIPS code.",
                    f'Record it with `accelerator jurisdiction update "{place.name}" --county-fips 06037` '
                    "(the county's 5-digit FIPS code; repeat the option for each county), then import again.",
                )
            ],
        )
    table = read_table(path, has_tract_column, "census tract id (GEO_ID)")
    geo = table.column(place_metrics().tract_columns)
    assert geo is not None
    parsed = (_long if table.column(["metric"]) is not None else _wide)(table, geo, counties)
    vintage = _check(parsed, place, counties, options)
    if parsed.problems or vintage is None:
        total = len(parsed.problems)
        raise ValidationFailed(
            f"{table.name} was not imported ({total} problem{'s' if total != 1 else ''}); nothing was changed. "
            "Fix these and import it again:",
            parsed.problems.kept,
            parsed.problems.more,
        )
    plans = [
        _plan_set(session, place, each, vintage, options, table.header[each.percentile])
        for each in parsed.found.values()
    ]
    result = MetricImport(
        jurisdiction=place.name,
        file=table.name,
        layout="long" if parsed.layout == "long" else "wide",
        dry_run=True,
        metrics=[p.planned for p in plans],
        outside_skipped=len(parsed.outside),
        warnings=_warnings(session, plans, vintage),
    )
    return result, plans


def import_metrics(
    session: Session,
    actor: Actor,
    jurisdiction: str,
    path: Path,
    options: ImportOptions | None = None,
    dry_run: bool = True,
) -> MetricImport:
    """Plan the import; unless ``dry_run``, apply all of it (call inside one ``transaction()``, so
    a failure writes nothing). A metric whose tracts and settings match what is stored is left as
    it is, so importing the same file again changes nothing."""
    result, plans = plan_import(session, actor, jurisdiction, path, options)
    if dry_run:
        return result
    place = get_jurisdiction(session, jurisdiction)
    try:
        for plan in plans:
            if plan.planned.changes_anything:
                _apply(session, actor, place, plan, result.file)
    except IntegrityError:
        raise Conflict(
            f"Someone imported place metrics for {place.name} at the same moment; nothing was imported. "
            "Try again: the import will show what still differs."
        ) from None
    return result.model_copy(update={"dry_run": False})


def _apply(session: Session, actor: Actor, place: Jurisdiction, plan: Plan, file: str) -> None:
    at = utcnow()
    metric_set = plan.current
    old: dict[str, object] = {}
    if metric_set is None:
        metric_set = MetricSet(
            jurisdiction_id=row_id(place),
            metric=plan.found.metric.id,
            label=plan.found.metric.label,
            direction=plan.found.metric.direction.value,
            vintage=plan.planned.vintage,
            imported_by=actor.email,
        )
        old_count = 0
    else:
        old = {name: getattr(metric_set, name) for name in plan.settings}
        old_count = plan.planned.unchanged + plan.planned.changed + plan.planned.removed
    for name, value in plan.settings.items():
        setattr(metric_set, name, _stored(value))
    metric_set.file = file
    metric_set.imported_at = at
    metric_set.imported_by = actor.email
    session.add(metric_set)
    session.flush()
    ident = row_id(metric_set)

    def row(geo: str, values: Values) -> dict[str, object]:
        return {"set_id": ident, "geo_id": geo, "value": values[0], "percentile": values[1], "quartile": values[2]}

    if plan.added:
        session.exec(insert(PlaceMetric), params=[row(geo, values) for geo, values in plan.added])
    if plan.changed:
        session.exec(update(PlaceMetric), params=[row(geo, values) for geo, values in plan.changed])
    for start in range(0, len(plan.removed), WRITE_CHUNK):
        chunk = plan.removed[start : start + WRITE_CHUNK]
        session.exec(delete(PlaceMetric).where(col(PlaceMetric.set_id) == ident, col(PlaceMetric.geo_id).in_(chunk)))
    changes: list[tuple[str, object, object]] = [
        (name, old.get(name), value)
        for name, value in plan.settings.items()
        if old.get(name) != _stored(value) and not (name not in old and value in (None, ""))
    ]
    planned = plan.planned
    if planned.added or planned.changed or planned.removed:
        changes.append(("tracts", old_count if plan.current is not None else None, planned.tracts))
    note = f"{file}: {planned.added} added, {planned.changed} changed, {planned.removed} removed"
    history.record_changes(session, actor.email, "metric_set", ident, place.id, changes, note, at)


def _stored(value: object) -> object:
    """A setting as its column keeps it (a direction by its value)."""
    return value.value if isinstance(value, Direction) else value
