"""The demo's member-value section: the purchase and spend models fitted on the population.

Two fits. The first stops 26 weeks before the report's day and is checked against what the members
then bought (the holdout report, a table and a chart). The second uses everything up to the day
and gives each member's P(alive) and 52-week CLV (10% a year discount, 4-week steps): how much
value the programme holds, how concentrated it is, and how many valuable members look lost
(the win-back list: CLV in the top fifth and P(alive) < 0.5). The model and the time unit are the
policy's (``lifecycle.value.model``, ``lifecycle.summary``); without them BG/NBD in days.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from .._compiled import Policy
from .._errors import ModelError
from .._money import Money
from .._state import MemberState
from ..lifecycle import (
    HoldoutReport,
    MemberSummary,
    PurchaseModel,
    customer_lifetime_value,
    fit_purchases,
    gamma_gamma_expected_spend,
    gamma_gamma_fit,
    holdout_report,
    summarise_transactions,
)
from ..lifecycle._transactions import Unit

__all__ = ["ValueFigures", "value_figures"]

HOLDOUT_WEEKS = 26
HORIZON_WEEKS = 52
DISCOUNT_RATE = Decimal("0.10")
MIN_MEMBERS = 50


@dataclass(frozen=True, slots=True)
class ValueFigures:
    """The population's value under models fitted on it."""

    holdout: HoldoutReport | None
    model: PurchaseModel
    members: int
    clv_total: Money
    top_fifth_share: Decimal
    """The share of all CLV held by the most valuable fifth of the members."""
    win_back: int
    """Members in the most valuable fifth whose P(alive) is below 0.5."""
    mean_p_alive: Decimal
    horizon_weeks: int = HORIZON_WEEKS


def _rows(
    states: Iterable[MemberState], as_of: datetime
) -> Iterator[tuple[str, datetime, Decimal]]:
    for state in sorted(states, key=lambda s: s.member_id):
        for order in sorted(state.orders, key=lambda o: o.at):
            if order.at <= as_of and not order.fully_refunded:
                yield state.member_id, order.at, order.net_amount


OrderRow = tuple[str, datetime, Decimal]
"""(member id, when, net amount) of an order not fully refunded."""


def value_figures(
    policy: Policy,
    states: list[MemberState],
    as_of: datetime,
    *,
    orders: list[OrderRow] | None = None,
) -> ValueFigures | None:
    """Fit, check and value the population; None when it is too small to fit.

    The purchase history comes from ``orders`` (as the replay saw them) when given; otherwise
    from the states, which hold only the orders the policy's horizons keep.
    """
    rows: list[OrderRow] = list(_rows(states, as_of)) if orders is None else orders
    program = policy.at(as_of)
    section = program.lifecycle
    unit: Unit = "weeks" if section is not None and section.unit == "weeks" else "days"
    same_day: Literal["merge", "keep"] = (
        "keep" if section is not None and section.same_day == "keep" else "merge"
    )
    model_name = section.value.model if section is not None and section.value else "bgnbd"
    per = 7 if unit == "weeks" else 1
    tz = program.info.tz
    today: date = as_of.astimezone(tz).date()
    cut = today - timedelta(days=7 * HOLDOUT_WEEKS)
    holdout = None
    try:
        calibration = list(
            summarise_transactions(
                iter(rows),
                calibration_end=cut,
                holdout_end=today,
                unit=unit,
                same_day=same_day,
                tz=tz,
            )
        )
        if len(calibration) >= MIN_MEMBERS:
            fit = fit_purchases([s.triple for s in calibration], model=model_name)
            holdout = holdout_report(calibration, PurchaseModel.from_fit(fit, unit))
    except (ModelError, ArithmeticError):
        holdout = None  # the check is left out; the value figures below do not depend on it
    try:
        everyone: list[MemberSummary] = list(
            summarise_transactions(
                iter(rows), calibration_end=today, unit=unit, same_day=same_day, tz=tz
            )
        )
        if len(everyone) < MIN_MEMBERS:
            return None
        model = PurchaseModel.from_fit(
            fit_purchases([s.triple for s in everyone], model=model_name), unit
        )
        repeaters = [(s.x, s.mean_repeat_amount) for s in everyone if s.mean_repeat_amount]
        spend = gamma_gamma_fit(repeaters)
    except (ModelError, ArithmeticError):
        return None
    currency = program.info.currency
    values: list[tuple[Money, float]] = []
    try:
        for s in everyone:
            mean = s.mean_repeat_amount if s.mean_repeat_amount else None
            per_purchase = gamma_gamma_expected_spend(
                s.x if mean else 0, mean, p=spend.p, q=spend.q, gamma=spend.gamma
            )
            clv = customer_lifetime_value(
                model,
                s.x,
                s.t_x,
                s.T,
                spend=per_purchase,
                currency=currency,
                horizon=HORIZON_WEEKS * 7 / per,
                discount_rate=DISCOUNT_RATE,
                step=28 / per,
            )
            values.append((clv, model.p_alive(s.x, s.t_x, s.T)))
    except (ModelError, ArithmeticError):
        return None  # parameters at a boundary the closed forms cannot reach
    values.sort(key=lambda v: v[0].amount, reverse=True)
    total = sum((v[0].amount for v in values), Decimal(0))
    top = values[: max(1, len(values) // 5)]
    top_total = sum((v[0].amount for v in top), Decimal(0))
    return ValueFigures(
        holdout=holdout,
        model=model,
        members=len(values),
        clv_total=Money(total, currency).quantize(),
        top_fifth_share=(top_total / total).quantize(Decimal("0.001")) if total else Decimal(0),
        win_back=sum(1 for _, p in top if p < 0.5),
        mean_p_alive=Decimal(repr(sum(p for _, p in values) / len(values))).quantize(
            Decimal("0.001")
        ),
    )
