"""The demo's value section: models fitted on the population, a holdout check, and CLV."""

from __future__ import annotations

import pytest
from tests.builders import SHANGHAI, at, without_horizons

import memberkit
from memberkit.cli._demo import bundled_example
from memberkit.demo import _value as demo_value
from memberkit.demo import build_report, synthetic_members
from memberkit.lifecycle import ParetoNbdFit


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


def test_a_policy_selecting_pareto_nbd_is_fitted_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo fits the policy's model: with value.model pareto_nbd it asks for Pareto/NBD fits,
    and the holdout check and the values are computed with the Pareto/NBD model it gets back.

    The synthetic population has almost no drop-outs, where a Pareto/NBD fit runs to a boundary
    (s -> 0) and takes minutes; the fit is replaced by CDNOW's estimates in days, so the test
    checks the demo's path, not the fit (tests/lifecycle checks that)."""
    asked: list[str] = []

    def fit(summaries: object, *, model: str) -> ParetoNbdFit:
        asked.append(model)
        return ParetoNbdFit(0.553, 74.0, 0.606, 81.7, -1.0, 1, True, 1)

    monkeypatch.setattr(demo_value, "fit_purchases", fit)
    source, text = bundled_example()
    value_section = (
        "lifecycle:\n"
        "  value:\n"
        "    model: pareto_nbd\n"
        "    purchases: {r: 0.553, alpha: 74.0, s: 0.606, beta: 81.7}\n"
        "    horizon: 365\n"
    )
    body = text.decode("utf-8")
    assert body.count("\nlifecycle:\n") == 1
    policy = memberkit.parse_policy(
        body.replace("\nlifecycle:\n", "\n" + value_section), source=source
    )
    report = build_report(
        policy,
        synthetic_members(150, year=2026, tz=SHANGHAI, rewards=("tote-bag",)),
        count=150,
        as_of=at(2026, 12, 31, 23, 59),
    )
    assert asked == ["pareto_nbd", "pareto_nbd"]
    value = report.value
    assert value is not None
    assert value.model.model == "pareto_nbd"
    assert value.model.named == {"r": 0.553, "alpha": 74.0, "s": 0.606, "beta": 81.7}
    assert value.holdout is not None
    assert value.holdout.model.model == "pareto_nbd"
    assert value.clv_total.amount > 0


def test_the_demo_values_the_whole_history_whatever_the_states_keep() -> None:
    """Horizons fold old orders out of the states; the value section reads the replayed orders."""
    source, raw = bundled_example()
    text = raw.decode("utf-8")
    assert "  refund_days:" in text
    kept_text = without_horizons(text)
    reports = [
        build_report(
            memberkit.parse_policy(body, source=source),
            synthetic_members(120, year=2026, tz=SHANGHAI, rewards=("tote-bag",)),
            count=120,
            as_of=at(2026, 12, 31, 23, 59),
        )
        for body in (text, kept_text)
    ]
    folded, kept = (report.value for report in reports)
    assert folded is not None
    assert folded == kept
