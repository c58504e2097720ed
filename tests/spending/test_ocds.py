"""OCDS release and record packages read into contracts: the standard's sample, a process of six
releases merged (one contract, each payment once), record packages, releases located by JSON
path when malformed, and packages streamed whatever their layout."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from assessment.core.errors import ValidationFailed
from assessment.spending import ocds
from assessment.spending.ocds import read_package
from tests.spending.helpers import SAMPLE, process, record_package, release_package, write_json


def test_the_standard_sample_is_one_contract_with_its_two_payments() -> None:
    read = read_package(SAMPLE)
    assert (read.kind, read.units, read.skipped, read.currency, len(read.problems)) == (
        "release package",
        1,
        0,
        "GBP",
        0,
    )
    [contract] = read.contracts.values()
    assert contract.key == "ocds-213czf-000-00001/ocds-213czf-000-00001-contract-01"
    assert (contract.vendor_name, contract.vendor_key) == ("AnyCorp Cycle Provision", "org:GB-COH-11111111.0")
    assert (contract.amount, contract.awarded_on) == (Decimal(11000000), date(2010, 6, 10))
    assert [(p.amount, p.paid_on, p.invoiced_on) for p in contract.payments] == [
        (Decimal(50000), date(2010, 8, 1), None),
        (Decimal(10000), date(2010, 10, 1), None),
    ]
    assert contract.advance_payment is False  # both paid after the period's start (2010-07-01)
    assert contract.zip is None and "AA1 1AA" in contract.address  # a UK postcode is no US ZIP
    assert any("OCDS has no invoice date" in note for note in read.notes)


def test_six_releases_of_one_process_are_one_contract_and_each_payment_counts_once(tmp_path: Path) -> None:
    read = read_package(write_json(tmp_path / "p.json", release_package(*process())))
    assert (read.units, len(read.contracts), read.payments) == (1, 1, 2)
    [contract] = read.contracts.values()
    assert contract.key == "ocds-abc-001/C1"
    assert contract.amount == Decimal(120000)  # not 6 x 120,000: releases are merged, never summed
    assert sorted((p.key, p.amount) for p in contract.payments) == [
        ("tx:TX1", Decimal(30000)),
        ("tx:TX2", Decimal("45000.5")),
    ]
    assert (contract.awarded_on, contract.solicited_on) == (date(2025, 3, 10), date(2025, 1, 15))
    assert (contract.small, contract.scale, contract.zip) == (True, "micro", "92101")
    assert contract.advance_payment is True  # TX1 was paid on 2025-03-20, before the period's start (04-01)
    assert contract.vendor_name == "Clínica Comunitaria" and contract.currency == "USD"


def test_releases_out_of_order_and_scattered_through_the_package_merge_the_same(tmp_path: Path) -> None:
    first, second = process("ocds-abc-001"), process("ocds-abc-002")
    mixed = [second[5], first[0], second[0], first[5], first[2], second[3], first[1], second[1], first[4], first[3]]
    mixed += [second[2], second[4]]
    read = read_package(write_json(tmp_path / "mixed.json", release_package(*mixed)))
    assert read.units == 2 and not read.problems
    assert sorted(read.contracts) == ["ocds-abc-001/C1", "ocds-abc-002/C1"]
    for contract in read.contracts.values():
        assert contract.amount == Decimal(120000) and len(contract.payments) == 2


def test_a_package_is_streamed_across_buffer_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocds.PackageStream, "CHUNK", 97)  # every value is cut somewhere
    releases = [r for n in range(8) for r in process(f"ocds-abc-{n:03d}")]
    for release in releases:
        for party in release.get("parties", []):
            party["name"] = party["name"] + " — Thành phố"  # multibyte text at the cuts too
    path = write_json(tmp_path / "many.json", release_package(*releases))
    read = read_package(path)
    assert (read.units, len(read.contracts), read.payments) == (8, 8, 16)
    assert all(c.vendor_name.endswith("Thành phố") for c in read.contracts.values())


def test_record_packages_use_the_compiled_release_or_merge_the_releases(tmp_path: Path) -> None:
    releases = process("ocds-abc-001")
    compiled = copy.deepcopy(releases[3])
    compiled["contracts"][0]["implementation"] = releases[5]["contracts"][0]["implementation"]
    package = record_package(
        {
            "ocid": "ocds-abc-001",
            "releases": [{"url": "https://x/1", "date": "2025-01-02"}],
            "compiledRelease": compiled,
        },
        {"ocid": "ocds-abc-002", "releases": process("ocds-abc-002")},
    )
    read = read_package(write_json(tmp_path / "records.json", package))
    assert (read.kind, read.units, len(read.problems)) == ("record package", 2, 0)
    assert sorted(read.contracts) == ["ocds-abc-001/C1", "ocds-abc-002/C1"]
    assert [len(c.payments) for c in read.contracts.values()] == [2, 2]


def test_a_record_with_only_linked_releases_is_refused_with_the_fix(tmp_path: Path) -> None:
    package = record_package({"ocid": "ocds-x", "releases": [{"url": "https://x/1", "date": "2025-01-02"}]})
    read = read_package(write_json(tmp_path / "linked.json", package))
    assert read.skipped == 1 and not read.contracts
    [problem] = read.problems.kept
    assert problem.location == "linked.json: records[0]" and "compiledRelease" in problem.fix


def test_malformed_releases_are_located_by_json_path(tmp_path: Path) -> None:
    good, bad, worse = process("ocds-ok"), process("ocds-bad"), process("ocds-worse")
    bad[3]["contracts"][0]["value"]["amount"] = "120,000"
    bad[5]["contracts"][0]["implementation"]["transactions"][1].pop("id")
    worse[2]["awards"][0]["value"]["currency"] = None
    worse[2]["parties"][1]["details"]["scale"] = "tiny"
    worse[4]["date"] = "yesterday"
    releases = good + bad + worse + [{"id": "orphan", "date": "2025-01-01T00:00:00Z"}]
    read = read_package(write_json(tmp_path / "bad.json", release_package(*releases)))
    where = {p.location: p for p in read.problems.kept}
    assert set(where) == {
        "bad.json: releases[9].contracts[0].value.amount",
        "bad.json: releases[11].contracts[0].implementation.transactions[1].id",
        "bad.json: releases[14].awards[0].value.currency",
        "bad.json: releases[14].parties[1].details.scale",
        "bad.json: releases[16].date",
        "bad.json: releases[18].ocid",
    }
    assert "JSON numbers" in where["bad.json: releases[9].contracts[0].value.amount"].fix
    assert "merging tells" in where["bad.json: releases[11].contracts[0].implementation.transactions[1].id"].fix
    assert "micro" in where["bad.json: releases[14].parties[1].details.scale"].fix
    # the good process is still read; the two bad ones and the release without an ocid are skipped
    assert list(read.contracts) == ["ocds-ok/C1"] and read.skipped == 3


def test_a_process_without_a_supplier_or_a_date_is_located_at_its_contract(tmp_path: Path) -> None:
    releases = process("ocds-nobody")
    releases[2]["awards"][0].pop("suppliers")
    for release in releases:
        for contract in release.get("contracts", []):
            contract["implementation"] = {}
    read = read_package(write_json(tmp_path / "nobody.json", release_package(*releases)))
    [problem] = read.problems.kept
    assert problem.location == "nobody.json: releases[5].contracts[0]" and "no supplier" in problem.message


def test_mixed_currencies_are_refused_naming_both(tmp_path: Path) -> None:
    usd, eur = process("ocds-usd"), process("ocds-eur")
    for release in eur:
        for key in ("awards", "contracts"):
            for item in release.get(key, []):
                item.get("value", {})["currency"] = "EUR"
                for transaction in item.get("implementation", {}).get("transactions", []):
                    transaction["value"]["currency"] = "EUR"
    with pytest.raises(ValidationFailed) as refused:
        read_package(write_json(tmp_path / "two.json", release_package(*usd, *eur)))
    assert "mixes currencies" in refused.value.summary
    # a contract is located at the last release that holds it
    assert refused.value.problems[0].location == "two.json: releases[11].contracts[0]"
    assert "is in EUR" in refused.value.problems[0].message and "USD" in refused.value.problems[0].message


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"releases": [{"ocid": "x",}]}', "is not valid JSON: line 1 (in releases[0])"),
        ('{"releases": [{"ocid": "x"} {"ocid": "y"}]}', "expects a comma or ] after releases[0]"),
        ('{"releases": [{"ocid": "x"}', "is not valid JSON"),
        ("[1, 2]", "is not an OCDS package"),
        ('{"version": "1.1"}', "has neither releases nor records"),
        ("", "is not an OCDS package"),
    ],
)
def test_json_that_cannot_be_read_is_refused_saying_where(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        read_package(path)
    assert said in refused.value.problems[0].message
    assert "nothing was changed" in refused.value.summary
