"""The demo's value section: models fitted on the population, a holdout check, and CLV."""

from __future__ import annotations

from tests.builders import SHANGHAI, at

import memberkit
from memberkit.cli._demo import bundled_example
from memberkit.demo import build_report, synthetic_members


def test_the_retail_demo_fits_checks_and_values_the_population() -> None:
    """With 150 members the report has a holdout table whose totals are the members' purchases."""
    source, text = bundled_example()
    policy = memberkit.parse_policy(text, source=source)
    report = build_report(
        policy,
        synthetic_members(150, year=2026, tz=SHANGHAI, rewards=("tote-bag",)),
        count=150,
        as_of=at(2026, 12, 31, 23, 59),
    )
    value = report.value
    assert value is not None
    assert value.model.unit == "days"  # the retail policy's summary unit
    assert 0 < value.members <= 150
    assert value.clv_total.currency == "CNY"
    assert value.clv_total.amount > 0
    assert 0 < value.top_fifth_share <= 1
    holdout = value.holdout
    assert holdout is not None
    assert holdout.holdout_length == 182.0
    assert holdout.actual == sum(b.actual for b in holdout.buckets) > 0
    # The model, fitted on the calibration period, should land within a third of the truth.
    assert abs(holdout.expected - holdout.actual) < holdout.actual / 3
