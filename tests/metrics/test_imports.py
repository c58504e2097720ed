"""Importing place metrics for a jurisdiction: the Healthy Places Index as published in both tract-id
and both percentile spellings, tracts outside the county, direction, vintage, dry run and re-import,
refusals that write nothing, and who may import."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select

from assessment.cohorts.jurisdictions import county_codes_of, get_jurisdiction, set_counties
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.errors import PermissionDenied, ValidationFailed
from assessment.core.history import History
from assessment.core.xlsx import FORMULA_TRIGGERS
from assessment.metrics.imports import ImportOptions, import_metrics
from assessment.metrics.models import MetricImport
from assessment.metrics.service import list_metrics
from tests.conftest import Cast
from tests.hostile import XXE_FILE, rewrite_sheet, with_doctype
from tests.metrics.helpers import (
    ALDER_FIPS,
    HPI_HEADER,
    HPI_QUARTILES,
    HPI_ROWS,
    counts,
    hpi_csv,
    on_hundred,
    record_counties,
    stored_tracts,
    write_csv,
    write_xlsx,
)

LONG_HEADER = ["geo_id", "metric", "value", "percentile", "year", "source"]


def imported(who: str, place: str, path: Path, options: dict[str, object], dry_run: bool = False) -> MetricImport:
    """``import_metrics`` as ``who``, with ``options`` (of 2010 tracts unless they say otherwise)."""
    with transaction() as session:
        settings = ImportOptions.model_validate({"vintage": 2010, **options})
        return import_metrics(session, resolve_actor(session, who), place, path, settings, dry_run=dry_run)


def run_import(who: str, place: str, path: Path, *, dry_run: bool = False, **options: object) -> MetricImport:
    return imported(who, place, path, options, dry_run)


def refusal(who: str, place: str, path: Path, **options: object) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        imported(who, place, path, options)
    return refused.value


def said(refused: ValidationFailed) -> str:
    return "\n".join(str(p) for p in refused.problems)


@pytest.fixture
def alder(cast: Cast) -> Cast:
    """The cast, with Alder covering county 06037 and Birch 06059."""
    record_counties(cast)
    return cast


# --- the Healthy Places Index as published ------------------------------------------------------------


def test_the_published_hpi_file_is_imported_with_each_tract_in_its_quartile(alder: Cast, tmp_path: Path) -> None:
    done = run_import(alder.alder_manager, alder.alder, hpi_csv(tmp_path))
    assert done.layout == "wide" and not done.dry_run
    hpi, economic = done.metrics
    assert (hpi.metric, hpi.percentile_column, hpi.percentile_scale, hpi.vintage) == ("hpi", "hpi_pctile", "0-1", 2010)
    assert (hpi.tracts, hpi.added, hpi.quartiles) == (6, 6, [2, 1, 1, 2])
    assert economic.metric == "economic" and economic.quartiles == [1, 1, 2, 2]
    tracts = stored_tracts("hpi")
    assert {geo: quartile for geo, (_, _, quartile) in tracts.items()} == HPI_QUARTILES
    assert tracts["06037101110"] == ("-1.2", "10", 1)  # the percentile is kept on 0-100, the value as published
    with transaction() as session:
        listed = list_metrics(session, resolve_actor(session, alder.alder_exec), alder.alder)
    assert [(m.metric, m.tracts, m.quartiles) for m in listed] == [
        ("economic", 6, [1, 1, 2, 2]),
        ("hpi", 6, [2, 1, 1, 2]),
    ]


@pytest.mark.parametrize("spelling", ["ten digits as text", "numbers in a workbook"])
def test_tract_ids_that_lost_their_leading_zero_and_0_100_percentiles_read_as_the_same_data(
    alder: Cast, tmp_path: Path, spelling: str
) -> None:
    run_import(alder.alder_manager, alder.alder, hpi_csv(tmp_path))
    before = stored_tracts("hpi")
    if spelling == "ten digits as text":
        rows = [[str(r[0])[1:], *r[1:]] for r in on_hundred(HPI_ROWS)]
        path = write_csv(tmp_path / "hpi-10-digits.csv", HPI_HEADER, rows)
    else:
        rows = [[int(str(r[0])), *r[1:3], float(str(r[3])), *r[4:]] for r in on_hundred(HPI_ROWS)]
        path = write_xlsx(tmp_path / "hpi.xlsx", HPI_HEADER, rows)
    again = run_import(alder.alder_manager, alder.alder, path)
    assert [m.percentile_scale for m in again.metrics] == ["0-100", "0-100"]
    assert [(m.added, m.changed, m.removed, m.unchanged) for m in again.metrics] == [(0, 0, 0, 6)] * 2
    assert not again.changes_anything and stored_tracts("hpi") == before


def test_fraction_and_0_100_percentiles_mixed_in_one_column_are_refused(alder: Cast, tmp_path: Path) -> None:
    rows = [list(r) for r in HPI_ROWS]
    rows[2][4], rows[3][4] = 45, 60  # two rows on 0-100 among fractions
    before = counts()
    refused = refusal(alder.alder_manager, alder.alder, hpi_csv(tmp_path, rows=rows))
    assert "nothing was changed" in refused.summary
    (problem,) = refused.problems
    assert problem.location == "hpi.csv column hpi_pctile"
    assert "row 2 (0.1), row 3 (0.25), row 6 (0.8), row 7 (0.95)" in problem.message
    assert "row 4 (45), row 5 (60)" in problem.message and "--percentile-scale" in problem.fix
    assert counts() == before
    # the person who knows the column is on 0-100 says so; then the fractions are tracts below the 1st percentile
    # (and the published quartiles, which were of the fractions, no longer fit: they are left out)
    rows = [[*r[:5], "", *r[6:]] for r in rows]
    done = run_import(alder.alder_manager, alder.alder, hpi_csv(tmp_path, rows=rows), percentile_scale="0-100")
    assert done.metrics[0].percentile_scale == "0-100" and done.metrics[0].quartiles == [4, 1, 1, 0]


def test_a_published_quartile_that_does_not_fit_the_percentile_is_located(alder: Cast, tmp_path: Path) -> None:
    rows = [list(r) for r in HPI_ROWS]
    rows[4][5] = 1  # the 80th percentile is not in quartile 1
    refused = refusal(alder.alder_manager, alder.alder, hpi_csv(tmp_path, rows=rows))
    assert [p.location for p in refused.problems] == ["hpi.csv row 6, column hpi_quartile"]
    assert "says quartile 1, but the percentile 0.8 is in quartile 4" in refused.problems[0].message


def test_tracts_with_no_score_are_kept_without_a_quartile(alder: Cast, tmp_path: Path) -> None:
    rows = [list(r) for r in HPI_ROWS]
    rows[1][3:6] = ["", "NA", ""]
    done = run_import(alder.alder_manager, alder.alder, hpi_csv(tmp_path, rows=rows))
    assert (done.metrics[0].tracts, done.metrics[0].unscored, done.metrics[0].quartiles) == (6, 1, [1, 1, 1, 2])
    assert stored_tracts("hpi")["06037101120"] == (None, None, None)
    assert any("1 tract(s) have no hpi percentile" in w for w in done.warnings)


# --- tracts outside the jurisdiction ------------------------------------------------------------------


def test_tracts_outside_the_jurisdiction_s_county_are_reported_with_examples(alder: Cast, tmp_path: Path) -> None:
    outside = [[f"0605900{n:04d}", "Orange", 1000, "0.1", "0.5", 2, "0.1", "0.5"] for n in range(1, 8)]
    path = hpi_csv(tmp_path, rows=[*HPI_ROWS, *outside])
    before = counts()
    refused = refusal(alder.alder_manager, alder.alder, path)
    (problem,) = refused.problems
    assert problem.location == "hpi.csv column GEO_ID"
    assert problem.message.startswith("7 tracts are outside Alder County's county (FIPS 06037): row 8 (06059000001)")
    assert "and 2 more" in problem.message
    assert "--skip-outside" in problem.fix and "jurisdiction update" in problem.fix
    assert counts() == before
    done = run_import(alder.alder_manager, alder.alder, path, skip_outside=True)
    assert (done.outside_skipped, done.metrics[0].tracts) == (7, 6)
    assert all(geo.startswith(ALDER_FIPS) for geo in stored_tracts("hpi"))


def test_an_import_for_a_jurisdiction_with_no_county_says_how_to_record_it(cast: Cast, tmp_path: Path) -> None:
    before = counts()
    refused = refusal(cast.alder_manager, cast.alder, hpi_csv(tmp_path))
    assert "Alder County has no county recorded" in refused.summary
    assert 'accelerator jurisdiction update "Alder County" --county-fips' in refused.problems[0].fix
    assert counts() == before


def test_counties_are_recorded_with_history_and_the_same_again_changes_nothing(cast: Cast) -> None:
    with transaction() as session:
        manager = resolve_actor(session, cast.alder_manager)
        first = set_counties(session, manager, cast.alder, ["6037", "06059"], "two counties")
        again = set_counties(session, manager, cast.alder, ["06059", "06037"])
        assert county_codes_of(session, get_jurisdiction(session, cast.alder)) == ["06037", "06059"]
    assert (first.changed, first.previous, again.changed) == (True, [], False)
    with transaction() as session:
        entries = list(session.exec(select(History).where(History.field == "county_fips")))
        assert [(e.actor, e.old, e.new, e.note) for e in entries] == [
            (cast.alder_manager, None, "06037, 06059", "two counties")
        ]
        with pytest.raises(PermissionDenied, match="may not record the counties of Alder County"):
            set_counties(session, resolve_actor(session, cast.birch_manager), cast.alder, ["06037"])
        with pytest.raises(ValidationFailed) as refused:
            set_counties(session, manager, cast.alder, ["123"])
        assert "has 3 digits" in said(refused.value)


# --- direction, the long layout -----------------------------------------------------------------------


def test_quartile_1_of_a_burden_metric_holds_its_most_burdened_tracts(alder: Cast, tmp_path: Path) -> None:
    rows = [
        ["06037101110", "ces", "62.1", "95", 2021, "OEHHA"],
        ["06037101120", "ces", "12.0", "5", 2021, "OEHHA"],
        ["06037101210", "ces", "40.5", "60", 2021, "OEHHA"],
        ["06037101110", "hpi", "1.1", "95", 2021, ""],
    ]
    done = run_import(alder.alder_manager, alder.alder, write_csv(tmp_path / "long.csv", LONG_HEADER, rows))
    assert done.layout == "long"
    ces, hpi = done.metrics
    assert (ces.direction.value, ces.year, ces.source, ces.quartiles) == (
        "higher_is_worse",
        2021,
        "OEHHA",
        [1, 1, 0, 1],
    )
    assert stored_tracts("ces")["06037101110"][2] == 1  # 95th percentile of burden: the least advantaged
    assert stored_tracts("ces")["06037101120"][2] == 4
    assert stored_tracts("ces")["06037101210"][2] == 2  # the 60th percentile of burden: the second quartile
    assert stored_tracts("hpi")["06037101110"][2] == 4  # 95th percentile of health: the most advantaged
    assert hpi.source.startswith("California Healthy Places Index")


def test_a_metric_not_known_needs_its_direction_and_a_known_one_keeps_its_own(alder: Cast, tmp_path: Path) -> None:
    rows = [["06037101110", "life_expectancy", "76.2", "0.2", 2019, "CDC USALEEP"]]
    refused = refusal(alder.alder_manager, alder.alder, write_csv(tmp_path / "a.csv", LONG_HEADER, rows))
    assert refused.problems[0].location == "a.csv row 2, column metric"
    assert "'life_expectancy' is not a metric this knows" in refused.problems[0].message
    assert "higher_is_better" in refused.problems[0].fix

    header = [*LONG_HEADER, "direction"]
    wrong = [["06037101110", "ces", "62.1", "0.95", 2021, "OEHHA", "higher is better"]]
    refused = refusal(alder.alder_manager, alder.alder, write_csv(tmp_path / "b.csv", header, wrong))
    assert refused.problems[0].location == "b.csv row 2, column direction"
    assert "ces is higher is worse" in refused.problems[0].message

    rows = [[*rows[0], "Higher is better"], ["06037101120", "life_expectancy", "84.0", "0.9", 2019, "", ""]]
    done = run_import(alder.alder_manager, alder.alder, write_csv(tmp_path / "c.csv", header, rows))
    (metric,) = done.metrics
    assert (metric.metric, metric.direction.value, metric.quartiles) == (
        "life_expectancy",
        "higher_is_better",
        [1, 0, 0, 1],
    )


# --- vintage ------------------------------------------------------------------------------------------


def test_the_vintage_is_required_recorded_and_never_mixed(alder: Cast, tmp_path: Path) -> None:
    path = hpi_csv(tmp_path)
    refused = refusal(alder.alder_manager, alder.alder, path, vintage=None)
    assert "does not say which census tracts" in refused.problems[0].message and "--vintage" in refused.problems[0].fix

    header = [*HPI_HEADER, "vintage"]
    mixed = [[*r, 2010] for r in HPI_ROWS[:3]] + [[*r, 2020] for r in HPI_ROWS[3:]]
    refused = refusal(alder.alder_manager, alder.alder, write_csv(tmp_path / "mixed.csv", header, mixed), vintage=None)
    assert refused.problems[0].location == "mixed.csv row 5, column vintage"
    assert "mixes census tracts of two vintages" in refused.problems[0].message

    said_2020 = write_csv(tmp_path / "v2020.csv", header, [[*r, 2020] for r in HPI_ROWS])
    refused = refusal(alder.alder_manager, alder.alder, said_2020, vintage=2010)
    assert "but --vintage says 2010" in refused.problems[0].message
    assert counts()["MetricSet"] == 0

    run_import(alder.alder_manager, alder.alder, path)
    moved = run_import(alder.alder_manager, alder.alder, said_2020, vintage=None)
    assert moved.metrics[0].vintage == 2020 and "vintage 2010 → 2020" in moved.metrics[0].settings
    assert any("change from 2010 to 2020 tracts" in w and "not joined" in w for w in moved.warnings)


# --- dry run, re-import, refusals ---------------------------------------------------------------------


def test_a_dry_run_shows_what_would_be_imported_and_writes_nothing(alder: Cast, tmp_path: Path) -> None:
    before = counts()
    done = run_import(alder.alder_manager, alder.alder, hpi_csv(tmp_path), dry_run=True)
    assert done.dry_run and [(m.metric, m.added, m.tracts) for m in done.metrics] == [("hpi", 6, 6), ("economic", 6, 6)]
    assert counts() == before


def test_importing_the_same_file_again_changes_nothing_and_a_changed_file_says_what_changed(
    alder: Cast, tmp_path: Path
) -> None:
    path = hpi_csv(tmp_path)
    run_import(alder.alder_manager, alder.alder, path)
    after_first = counts()
    again = run_import(alder.alder_manager, alder.alder, path)
    assert not again.changes_anything and counts() == after_first

    rows = [list(r) for r in HPI_ROWS[:-1]]
    rows[0][4:6] = ["0.30", 2]  # tract 06037101110 moves to quartile 2
    changed = run_import(alder.alder_manager, alder.alder, hpi_csv(tmp_path, "hpi-2.csv", rows))
    hpi = changed.metrics[0]
    assert (hpi.added, hpi.changed, hpi.removed, hpi.unchanged) == (0, 1, 1, 4)
    assert stored_tracts("hpi")["06037101110"][2] == 2 and "06037101400" not in stored_tracts("hpi")
    with transaction() as session:
        notes = [
            (e.field, e.old, e.new, e.note)
            for e in session.exec(select(History).where(History.entity == "metric_set").order_by(col(History.id)))
        ]
    assert ("tracts", "6", "5", "hpi-2.csv: 0 added, 1 changed, 1 removed") in notes


def test_a_refused_file_lists_every_problem_by_row_and_column_and_writes_nothing(alder: Cast, tmp_path: Path) -> None:
    run_import(alder.alder_manager, alder.alder, hpi_csv(tmp_path))
    before = (counts(), stored_tracts("hpi"))
    rows = [list(r) for r in on_hundred(HPI_ROWS)]
    rows[1][0] = "603710112"  # a digit short
    rows[2][4] = "high"
    rows[3][4] = 140
    rows[4][0] = rows[5][0]  # the same tract twice
    rows[5][6] = "=1/0"
    path = write_xlsx(tmp_path / "bad.xlsx", HPI_HEADER, rows)
    refused = refusal(alder.alder_manager, alder.alder, path)
    assert [p.location for p in refused.problems] == [
        "bad.xlsx row 3, column GEO_ID",
        "bad.xlsx row 4, column hpi_pctile",
        "bad.xlsx row 7, column GEO_ID",
        "bad.xlsx row 5, column hpi_pctile",
    ]
    assert "has 9 digits" in refused.problems[0].message
    assert "'high' is not a number" in refused.problems[1].message
    assert "tract 06037101400 is also on row 6" in refused.problems[2].message
    assert "140 is not a percentile on the 0-100 scale" in refused.problems[3].message
    assert (counts(), stored_tracts("hpi")) == before


def test_a_formula_where_a_value_belongs_is_refused(alder: Cast, tmp_path: Path) -> None:
    rows = [list(r) for r in on_hundred(HPI_ROWS)]
    rows[0][4] = "=A2*2"
    assert str(rows[0][4]).startswith(FORMULA_TRIGGERS)
    refused = refusal(alder.alder_manager, alder.alder, write_xlsx(tmp_path / "f.xlsx", HPI_HEADER, rows))
    assert [p.location for p in refused.problems] == ["f.xlsx row 2, column hpi_pctile"]
    assert "is a formula (=A2*2)" in refused.problems[0].message


def test_a_file_with_no_known_metric_or_of_another_kind_is_refused(alder: Cast, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "other.csv", ["GEO_ID", "median_income"], [["06037101110", 52000]])
    refused = refusal(alder.alder_manager, alder.alder, path)
    assert "has no percentile column of a metric this knows" in refused.problems[0].message
    assert "geo_id, metric, value, percentile" in refused.problems[0].fix
    text = tmp_path / "notes.pdf"
    text.write_bytes(b"%PDF-1.4")
    refused = refusal(alder.alder_manager, alder.alder, text)
    assert "not a CSV or Excel workbook" in refused.problems[0].message


@pytest.mark.parametrize("kind", ["entities", "random bytes", "text with NUL bytes"])
def test_a_hostile_or_broken_file_is_refused_in_one_sentence(alder: Cast, tmp_path: Path, kind: str) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", HPI_HEADER, on_hundred(HPI_ROWS))
    if kind == "entities":
        path = rewrite_sheet(good, tmp_path / "xxe.xlsx", "HPI 3", with_doctype(XXE_FILE, "&xxe;"))
    elif kind == "random bytes":
        path = tmp_path / "noise.xlsx"
        path.write_bytes(bytes(range(256)) * 40)
    else:
        path = tmp_path / "nul.csv"
        path.write_bytes(b"GEO_ID,hpi_pctile\n06037101110,\x000.5\n")
    before = counts()
    refused = refusal(alder.alder_manager, alder.alder, path)
    assert refused.summary.endswith("could not be imported; nothing was changed.")
    assert len(refused.problems) == 1 and refused.problems[0].location == path.name
    assert counts() == before


# --- who may import -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["birch_manager", "alder_exec", "alder_officer"])
def test_only_the_jurisdiction_s_program_manager_or_the_alliance_imports(alder: Cast, tmp_path: Path, who: str) -> None:
    before = counts()
    with pytest.raises(PermissionDenied) as refused:
        run_import(getattr(alder, who), alder.alder, hpi_csv(tmp_path))
    assert "may not import place metrics for Alder County" in str(refused.value)
    assert "an equity program manager of Alder County, an alliance lead or an admin" in str(refused.value)
    assert counts() == before
    assert run_import(alder.lead, alder.alder, hpi_csv(tmp_path)).metrics[0].added == 6
