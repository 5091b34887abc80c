"""The demo's value section: models fitted on the population, a holdout check, and CLV."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.builders import SHANGHAI, at, without_horizons

import memberkit
from memberkit import Policy
from memberkit.cli._demo import bundled_example
from memberkit.demo import _value as demo_value
from memberkit.demo import build_report, synthetic_members
from memberkit.demo._value import OrderRow, ValueInput, value_figures, value_inputs
from memberkit.lifecycle import BgNbdFit, GammaGammaFit, ModelError, ParetoNbdFit

AS_OF = at(2026, 12, 31, 23, 59)


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


@cache
def _retail(summary: str = "{unit: days, same_day: merge}") -> Policy:
    """The bundled retail programme with its ``lifecycle.summary`` line replaced."""
    source, raw = bundled_example()
    text = raw.decode("utf-8")
    line = "  summary: {unit: days, same_day: merge}"
    assert text.count(line) == 1
    return memberkit.parse_policy(text.replace(line, f"  summary: {summary}"), source=source)


SUMMARIES = st.sampled_from(
    [f"{{unit: {u}, same_day: {d}}}" for u in ("days", "weeks") for d in ("merge", "keep")]
)
# Orders within two years before the report's day (some past it, which no input counts), on
# whole hours so that several fall on one local day; amounts in cents, zero included.
ORDER = st.tuples(
    st.integers(min_value=-24 * 30, max_value=24 * 730),
    st.integers(min_value=0, max_value=200_000).map(lambda cents: Decimal(cents) / 100),
)
HISTORIES = st.lists(st.lists(ORDER, max_size=8), min_size=1, max_size=12)


def _rows(histories: list[list[tuple[int, Decimal]]]) -> list[list[OrderRow]]:
    """Each member's orders as rows (member, when, amount) in time order, members in id order."""
    return [
        sorted(
            ((f"m{i:03d}", AS_OF - timedelta(hours=hours), amount) for hours, amount in orders),
            key=lambda row: row[1],
        )
        for i, orders in enumerate(histories)
    ]


@given(summary=SUMMARIES, histories=HISTORIES)
def test_each_members_value_input_is_the_one_the_whole_table_gives(
    summary: str, histories: list[list[tuple[int, Decimal]]]
) -> None:
    """Summarising one member's orders alone gives the input that summarising everybody's
    orders together gives for that member."""
    policy = _retail(summary)
    members = _rows(histories)
    alone = [i for rows in members for i in value_inputs(policy, AS_OF, rows)]
    together = list(value_inputs(policy, AS_OF, [row for rows in members for row in rows]))
    assert alone == together
    buyers = {row[0] for rows in members for row in rows if row[1].date() <= AS_OF.date()}
    assert [i.whole.member for i in together] == sorted(buyers)


@settings(max_examples=30)
@given(summary=SUMMARIES, histories=HISTORIES, order=st.randoms(use_true_random=False))
def test_the_value_figures_of_the_members_summaries_are_those_of_their_orders(
    summary: str, histories: list[list[tuple[int, Decimal]]], order: Any
) -> None:
    """Fitted on each member's summary (handed over in any order) or on every order, the
    models get the same inputs and the value section is the same, holdout check included.

    The fits are replaced by recorders returning fixed parameters: they are functions of their
    inputs, which the law compares, and the real ones take seconds (the next test runs them)."""
    policy = _retail(summary)
    members = _rows(histories)
    inputs = [i for rows in members for i in value_inputs(policy, AS_OF, rows)]
    order.shuffle(inputs)
    fitted: list[list[Any]] = []

    def purchases(triples: Any, *, model: str) -> BgNbdFit:
        fitted.append(list(triples))
        return BgNbdFit(0.24, 4.41, 0.79, 2.43, -9.0, 1, True, 1)

    def spend(pairs: Any) -> GammaGammaFit:
        fitted.append(list(pairs))
        return GammaGammaFit(6.25, 3.74, 15.44, -9.0, 1, True, 1)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_value, "MIN_MEMBERS", 1)
        patch.setattr(demo_value, "fit_purchases", purchases)
        patch.setattr(demo_value, "gamma_gamma_fit", spend)
        from_orders = value_figures(policy, [], AS_OF, orders=[r for rows in members for r in rows])
        asked_of_orders, fitted[:] = list(fitted), []
        from_summaries = value_figures(policy, [], AS_OF, summaries=inputs)
    assert fitted == asked_of_orders
    assert from_summaries == from_orders
    assert (from_orders is None) == (not inputs)


def test_the_demo_fits_its_members_summaries_as_it_would_their_orders() -> None:
    """The demo's value section (summaries made member by member) equals the fit on the orders
    of the replayed states, when the policy keeps them all."""
    source, raw = bundled_example()
    policy = memberkit.parse_policy(without_horizons(raw.decode("utf-8")), source=source)
    population = list(synthetic_members(80, year=2026, tz=SHANGHAI, rewards=("tote-bag",)))
    report = build_report(policy, population, count=80, as_of=AS_OF)
    states = [
        memberkit.replay(
            policy,
            memberkit.new_member(m.member_id, m.joined_at, birthday=m.birthday),
            m.events,
            as_of=AS_OF,
        )
        for m in population
    ]
    assert report.value is not None
    assert report.value.holdout is not None
    assert report.value == value_figures(policy, states, AS_OF)


@pytest.mark.parametrize(
    "sources",
    [
        {"orders": [], "summaries": []},
        {"states": [memberkit.new_member("m1", AS_OF)], "orders": []},
        {"states": [memberkit.new_member("m1", AS_OF)], "summaries": []},
    ],
)
def test_a_second_source_of_purchases_is_refused(sources: dict[str, Any]) -> None:
    """The value section reads states, orders or summaries: two of them is a ModelError."""
    states = sources.pop("states", [])
    with pytest.raises(ModelError, match="one of states, orders or member summaries"):
        value_figures(_retail(), states, AS_OF, **sources)


def test_a_member_who_bought_only_after_the_cut_has_no_calibration_summary() -> None:
    """A first purchase inside the holdout weeks gives a whole summary and no calibration one."""
    rows: list[OrderRow] = [
        ("m1", at(2026, 11, 1), Decimal("10")),
        ("m1", at(2026, 12, 1), Decimal("5")),
    ]
    (found,) = value_inputs(_retail(), AS_OF, rows)
    assert found == ValueInput(found.whole, None)
    assert (found.whole.x, found.whole.mean_repeat_amount) == (1, Decimal("5"))


def test_summaries_in_another_unit_are_refused() -> None:
    """Summaries made in weeks are not fitted for a policy that summarises in days."""
    rows: list[OrderRow] = [("m1", at(2026, 3, 1), Decimal("10"))]
    weekly = list(value_inputs(_retail("{unit: weeks, same_day: merge}"), AS_OF, rows))
    with pytest.raises(ModelError, match="in weeks; the policy summarises in days"):
        value_figures(_retail(), [], AS_OF, summaries=weekly)
