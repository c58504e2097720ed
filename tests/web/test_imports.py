"""The Spending & metrics page: what the team imported, and uploads previewed (nothing written) before
the person applies exactly the file they previewed."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from httpx import Response

from accelerator.web import kept as uploads
from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import list_teams
from assessment.core.db import transaction
from tests.conftest import Cast
from tests.metrics.helpers import HPI_ROWS, counts, hpi_csv, record_counties, stored_tracts
from tests.spending.helpers import imported, row, snapshot, write_xlsx
from tests.web.conftest import Site

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def team_id(cast: Cast, place: str) -> int:
    with transaction() as session:
        teams = list_teams(session, resolve_actor(session, cast.admin), cast.cohort)
    return next(t.id for t in teams if t.jurisdiction == place)


def spending_file(folder: Path, name: str = "payments 2025.xlsx", **changed: object) -> Path:
    rows = [row(), row(contract_id="PO-2", vendor="Clínica Comunitaria", contract_amount=40000, payment_amount=15000)]
    rows[1].update(changed)
    return write_xlsx(folder / name, rows)


def upload(site: Site, address: str, path: Path, with_token: bool = True, **fields: str) -> Response:
    data = {"csrf_token": site.token(), **fields} if with_token else fields
    with path.open("rb") as handle:
        return site.client.post(address, data=data, files={"file": (path.name, handle.read(), XLSX)})


def preview_token(page: Response) -> str:
    found = re.search(r'name="token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def apply(site: Site, alder: int, preview: str) -> Response:
    return site.client.post(f"/teams/{alder}/data/apply", data={"csrf_token": site.token(), "token": preview})


def text_of(page: Response) -> str:
    """The page's words, tags and runs of spaces taken out."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def test_the_data_pages_are_for_the_teams_members(cast: Cast, site: Site, tmp_path: Path) -> None:
    alder = team_id(cast, cast.alder)
    page = site.client.get(f"/teams/{alder}/data")
    assert page.status_code == 303 and page.headers["location"].startswith("/sign-in?next=")
    site.sign_in(cast.birch_manager)
    assert site.client.get(f"/teams/{alder}/data").status_code == 403
    assert site.client.get(f"/teams/{alder}/data/spending-template").status_code == 403
    for kind in ("spend", "metrics"):
        refused = upload(site, f"/teams/{alder}/data/{kind}", spending_file(tmp_path))
        assert refused.status_code == 403 and f"may not see the team of {cast.alder}" in refused.text
    refused = site.client.post(f"/teams/{alder}/data/apply", data={"csrf_token": site.token(), "token": "x" * 32})
    assert refused.status_code == 403
    assert snapshot()[0] == []


def test_an_upload_without_the_form_token_is_refused_and_nothing_is_written(
    cast: Cast, site: Site, tmp_path: Path
) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_manager)
    refused = upload(site, f"/teams/{alder}/data/spend", spending_file(tmp_path), with_token=False)
    assert refused.status_code == 403 and "Form refused" in refused.text
    refused = site.client.post(f"/teams/{alder}/data/apply", data={"token": "x" * 32})
    assert refused.status_code == 403
    assert snapshot() == ([], [], 0, snapshot()[3])


def test_a_spending_file_is_previewed_then_applied(cast: Cast, site: Site, tmp_path: Path) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_officer)
    empty = site.client.get(f"/teams/{alder}/data")
    assert empty.status_code == 200 and "No spending is imported yet." in text_of(empty)
    before = snapshot()

    preview = upload(site, f"/teams/{alder}/data/spend", spending_file(tmp_path))
    assert preview.status_code == 200, preview.text
    said = text_of(preview)
    assert "payments 2025.xlsx (xlsx) holds 2 contract(s) and 2 payment(s) in USD" in said
    assert "Contracts 2 0 0" in said and "Payments 2 0 0" in said and "Vendors 2 0 renamed" in said
    assert "Apply: import payments 2025.xlsx" in said
    assert snapshot() == before  # a preview writes nothing

    done = apply(site, alder, preview_token(preview))
    assert done.status_code == 303 and done.headers["location"] == f"/teams/{alder}/data?done=spend"
    contracts, payments, vendors, _ = snapshot()
    assert [c[0] for c in contracts] == ["PO-1", "PO-2"] and len(payments) == 2 and vendors == 2
    assert not (uploads.root() / preview_token(preview)).exists()  # the kept file is gone once applied

    page = site.client.get(done.headers["location"])
    said = text_of(page)
    assert "The spending file was imported." in said
    assert "payments 2025.xlsx" in said and cast.alder_officer in said
    assert "Contracts 2" in said and "Dollars 50,000.00" in said
    # the token is spent: applying again imports nothing more
    assert apply(site, alder, preview_token(preview)).status_code == 404


def test_a_bad_row_is_refused_naming_its_row_and_column(cast: Cast, site: Site, tmp_path: Path) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_manager)
    before = snapshot()
    refused = upload(site, f"/teams/{alder}/data/spend", spending_file(tmp_path, contract_amount="lots"))
    assert refused.status_code == 400
    said = text_of(refused)
    assert "payments 2025.xlsx was not imported" in said and "Not imported" in said
    assert re.search(r"payments 2025\.xlsx row 3, column Contract amount[^:]*: ", said), said
    assert 'name="skip_invalid" value="yes">' in refused.text  # the option as it was (not ticked)
    assert snapshot() == before


def test_someone_elses_preview_cannot_be_applied(cast: Cast, site: Site, tmp_path: Path) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_manager)
    preview = preview_token(upload(site, f"/teams/{alder}/data/spend", spending_file(tmp_path)))

    site.sign_in(cast.alder_officer)  # may import spending too, but did not preview this file
    refused = apply(site, alder, preview)
    assert refused.status_code == 404 and "no longer available" in refused.text
    assert snapshot()[0] == []

    site.sign_in(cast.alder_manager)
    assert apply(site, alder, preview).status_code == 303
    assert len(snapshot()[0]) == 2


def test_a_preview_older_than_an_hour_is_gone(cast: Cast, site: Site, tmp_path: Path) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_manager)
    preview = preview_token(upload(site, f"/teams/{alder}/data/spend", spending_file(tmp_path)))
    kept = uploads.root() / preview / "kept.json"
    data = json.loads(kept.read_text(encoding="utf-8"))
    kept.write_text(json.dumps({**data, "created": data["created"] - 3601}), encoding="utf-8")
    refused = apply(site, alder, preview)
    assert refused.status_code == 404 and "kept for an hour" in refused.text
    assert snapshot()[0] == [] and not kept.parent.exists()


def test_a_file_imported_since_the_preview_is_not_applied_twice(cast: Cast, site: Site, tmp_path: Path) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_manager)
    path = spending_file(tmp_path)
    preview = preview_token(upload(site, f"/teams/{alder}/data/spend", path))
    imported(cast.alder_officer, cast.alder, path)  # someone imports the same file meanwhile
    history = snapshot()[3]

    stale = apply(site, alder, preview)
    assert stale.status_code == 409
    said = text_of(stale)
    assert "The team's spending changed since this file was previewed, so nothing was imported." in said
    assert "Nothing to change: everything in payments 2025.xlsx is already imported." in said
    assert snapshot()[3] == history  # no second import logged


def test_a_metric_table_is_previewed_then_applied(cast: Cast, site: Site, tmp_path: Path) -> None:
    record_counties(cast)
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_manager)
    before = counts()

    preview = upload(site, f"/teams/{alder}/data/metrics", hpi_csv(tmp_path), vintage="2010", year="2022")
    assert preview.status_code == 200, preview.text
    said = text_of(preview)
    assert f"hpi.csv (a row per tract) holds 2 metric(s) for {cast.alder}'s census tracts." in said
    assert re.search(r"\(hpi\) better 2010 2022 6 2 1 1 2 0 6 0 0", said), said
    assert counts() == before and stored_tracts() == {}

    done = apply(site, alder, preview_token(preview))
    assert done.status_code == 303
    assert len(stored_tracts()) == len(HPI_ROWS)
    page = text_of(site.client.get(done.headers["location"]))
    assert "The place metrics file was imported." in page
    assert re.search(r"\(hpi\) 2010 2022 6 2 1 1 2 0 ", page), page


def test_a_metric_table_with_a_bad_cell_is_refused_keeping_the_choices(cast: Cast, site: Site, tmp_path: Path) -> None:
    record_counties(cast)
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_manager)
    rows = [list(r) for r in HPI_ROWS]
    rows[2][4] = "high"
    before = counts()
    refused = upload(site, f"/teams/{alder}/data/metrics", hpi_csv(tmp_path, rows=rows), vintage="2010", source="Me")
    assert refused.status_code == 400
    said = text_of(refused)
    assert "hpi.csv was not imported" in said and re.search(r"hpi\.csv row 4, column hpi_pctile[^:]*: ", said), said
    assert '<option value="2010" selected>' in refused.text and 'name="source" value="Me"' in refused.text
    assert counts() == before


def test_who_may_not_import_sees_no_form_and_is_refused(cast: Cast, site: Site, tmp_path: Path) -> None:
    alder = team_id(cast, cast.alder)
    site.sign_in(cast.alder_exec)  # reads the team's spending, imports none
    page = site.client.get(f"/teams/{alder}/data")
    assert page.status_code == 200
    assert f'action="/teams/{alder}/data/spend"' not in page.text
    assert "Importing spending is for" in text_of(page)
    refused = upload(site, f"/teams/{alder}/data/spend", spending_file(tmp_path))
    assert refused.status_code == 403 and f"may not import the spending of {cast.alder}" in refused.text
    assert snapshot()[0] == []
