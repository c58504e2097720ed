"""A buy commitment that follows a spending metric: its progress is computed by the function the
spending package registers (a stand-in here), never typed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessment.anchor.spend import SPEND_METRICS, register_spend_metric
from assessment.cohorts.jurisdictions import get_jurisdiction
from assessment.core.db import transaction
from assessment.core.errors import ValidationFailed
from tests.anchor.conftest import FakeSpend
from tests.anchor.helpers import FOLLOWED, buying, change, commit, hiring, shown
from tests.conftest import Cast


def test_a_followed_metric_shows_no_spend_imported_yet_then_its_computed_value(cast: Cast, spend: FakeSpend) -> None:
    made, said = commit(cast, **buying(cast, baseline="10"))
    assert said == []
    assert (made.measure, made.unit, made.spend_metric) == (
        "share of dollars to community-based organizations",
        "%",
        FOLLOWED,
    )
    assert made.spend_metric_label == "share of dollars to community-based organizations"
    assert made.progress.model_dump() == {
        "source": "spend",
        "value": None,
        "as_of": None,
        "share": None,
        "said": "no spend imported yet",
    }
    spend.value = Decimal("17.123456")
    progress = shown(cast, made.id).progress
    assert (progress.value, progress.share) == ("17.1235", 0.4749)  # from 10 toward 25
    assert progress.said == "17.1235 % from imported spend (share of dollars to community-based organizations)"
    with transaction() as session:
        assert set(spend.asked) == {get_jurisdiction(session, cast.alder).id}


def test_a_typed_value_is_refused_for_a_followed_metric_naming_it(cast: Cast, spend: FakeSpend) -> None:
    made, _ = commit(cast, **buying(cast, baseline="10"))
    with pytest.raises(ValidationFailed) as refused:
        change(cast, made.id, 1, value="30")
    assert refused.value.summary == (
        f"The value was not saved: commitment {made.id} follows the spending metric "
        "'share of dollars to community-based organizations' (cbo_dollar_share), so its progress is computed "
        "from the team's imported spend."
    )
    assert refused.value.problems[0].location == "value"
    assert f"accelerator commitment update {made.id} --spend-metric ''" in refused.value.problems[0].fix
    # stopping following the metric (a blank clears it) lets the team type values, in one change
    typed, _ = change(cast, made.id, 1, "the spend import is months away", value="12", spend_metric="")
    assert (typed.spend_metric, typed.progress.source, typed.progress.value, typed.version) == (None, "typed", "12", 2)


def test_without_a_baseline_a_followed_commitment_starts_from_the_imported_spend(cast: Cast, spend: FakeSpend) -> None:
    spend.value = Decimal("12.5")
    made, said = commit(cast, **buying(cast))
    assert made.baseline == "12.5"
    assert said == [
        "The baseline 12.5 % was taken from the team's imported spend (share of dollars to community-based "
        "organizations)."
    ]
    spend.value = None
    unmeasured, said = commit(cast, **buying(cast, measure="dollars to CBOs as a share of all contract dollars"))
    assert unmeasured.baseline is None and unmeasured.measure == "dollars to CBOs as a share of all contract dollars"
    assert said[0].startswith("The commitment has no baseline yet")


def test_only_a_buy_commitment_follows_a_known_metric_in_its_unit(cast: Cast, spend: FakeSpend) -> None:
    with pytest.raises(ValidationFailed) as refused:
        commit(cast, **buying(cast, category="hire", unit="people"))
    assert [(p.location, p.message) for p in refused.value.problems] == [
        ("spend_metric", "only a buy commitment can follow a spending metric, and this is a hire commitment."),
        ("unit", "the share of dollars to community-based organizations is measured in %, not 'people'."),
    ]
    with pytest.raises(ValidationFailed) as unknown:
        commit(cast, **buying(cast, spend_metric="cbo dolar share"))
    assert "spend_metric: 'cbo dolar share' is not a spending metric a commitment can follow; did you mean " in str(
        unknown.value
    )
    assert "use one of: " + ", ".join(m.key for m in SPEND_METRICS) in str(unknown.value)
    by_label, _ = commit(cast, **buying(cast, spend_metric="Median days to payment", baseline="60", target="30"))
    assert (by_label.spend_metric, by_label.unit) == ("median_days_to_payment", "days")

    typed, _ = commit(cast, **hiring(cast, category="buy", statement="Buy local produce", unit="dollars"))
    with pytest.raises(ValidationFailed, match="unit: the share of dollars to community-based organizations is"):
        change(cast, typed.id, 1, spend_metric=FOLLOWED)
    followed, _ = change(cast, typed.id, 1, spend_metric=FOLLOWED, unit="%", note="the spend import landed")
    assert followed.progress.said == "no spend imported yet"
    with pytest.raises(ValidationFailed, match="spend_metric: only a buy commitment can follow"):
        change(cast, typed.id, 2, category="invest")


def test_the_registry_takes_only_the_metrics_kept_as_data() -> None:
    def nothing(session: object, team: object, /) -> Decimal | None:
        return None

    with pytest.raises(ValueError, match="'vendor_count' is not a spending metric a commitment can follow"):
        register_spend_metric("vendor_count", nothing)
