"""Figures in a window: declared under figures:, read by conditions as figure.<name>."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from tests.builders import activity, at, member, policy, purchase, refund

import memberkit
from memberkit import PolicyError
from memberkit._facts import member_values
from memberkit._fold import horizons

FIGURES = """
figures:
  orders_this_month: {measure: orders, window: calendar_month}
  spend_this_year: {measure: spend, window: calendar_year}
  segments_this_year:
    measure: {of: sum, kind: flight, field: attr.segments}
    window: calendar_year
  app_orders_30d:
    measure: {of: orders, where: {channel: app}}
    window: {rolling_days: 30}
"""


def figure(
    p: memberkit.Policy, events: list[memberkit.Event], name: str, moment: datetime
) -> object:
    """The figure ``name`` at ``moment`` after the events, as conditions read it."""
    state = memberkit.replay(p, member(), events, as_of=moment)
    values = member_values(state, moment, tier=None, figures=p.info.figures)
    return values[f"figure.{name}"]


def test_a_month_counts_its_orders_including_the_one_judged() -> None:
    """Three orders in September: at the third, the month's figure is 3 (it counts itself)."""
    p = policy(FIGURES)
    events: list[memberkit.Event] = [
        purchase("o1", at(2026, 8, 31, 23, 0)),  # August: another month
        purchase("o2", at(2026, 9, 1, 0, 10)),
        purchase("o3", at(2026, 9, 15)),
        purchase("o4", at(2026, 9, 30, 23, 50)),
    ]
    assert figure(p, events, "orders_this_month", at(2026, 9, 30, 23, 50)) == 3
    # 1 October: a new month, nothing yet.
    assert figure(p, events, "orders_this_month", at(2026, 10, 1, 0, 0)) == 0


def test_the_month_is_the_programmes_calendar_month() -> None:
    """00:10 on 1 October in Shanghai is 16:10 UTC on 30 September: it is October's order."""
    p = policy(FIGURES)
    events: list[memberkit.Event] = [
        purchase("o1", at(2026, 9, 30, 12)),
        purchase("o2", at(2026, 10, 1, 0, 10)),
    ]
    assert figure(p, events, "orders_this_month", at(2026, 10, 1, 0, 10)) == 1


def test_a_fully_refunded_order_no_longer_counts_and_spend_is_net() -> None:
    """Orders of 100 and 250; the 100 refunded: one order, 250 spent (as the tiers count)."""
    p = policy(FIGURES)
    events: list[memberkit.Event] = [
        purchase("o1", at(2026, 3, 1), ("l1", "food", "100")),
        purchase("o2", at(2026, 3, 2), ("l1", "food", "250")),
        refund("x1", at(2026, 3, 3), "o1"),
    ]
    assert figure(p, events, "orders_this_month", at(2026, 3, 3)) == 1
    assert figure(p, events, "spend_this_year", at(2026, 3, 3)) == 250


def test_a_sum_over_activities_and_a_filtered_rolling_count() -> None:
    """Flights of 2 and 3 segments in 2026 (one of 4 in 2025): 5; app orders in 30 days: 1."""
    p = policy(FIGURES)
    events: list[memberkit.Event] = [
        activity("f0", at(2026, 1, 1, 0, 0), "flight", attributes={"segments": 4}),
        activity("f1", at(2026, 2, 1), "flight", attributes={"segments": 2}),
        activity("f2", at(2026, 3, 1), "flight", attributes={"segments": 3}),
        purchase("o1", at(2026, 1, 30), channel="app"),  # 31 days before 2 March: outside
        purchase("o2", at(2026, 2, 20), channel="app"),
        purchase("o3", at(2026, 2, 21), channel="store"),
    ]
    # f0 at 00:00 on 1 Jan 2026 is in 2026: 4 + 2 + 3 = 9 by 1 March.
    assert figure(p, events, "segments_this_year", at(2026, 3, 1)) == 9
    assert figure(p, events, "app_orders_30d", at(2026, 3, 1)) == 1


def test_a_figure_names_a_measure_of_the_tiers_section() -> None:
    """'nights' declared once under tiers.measures counts the same in a figure."""
    p = policy(
        """
tiers:
  measures:
    nights: {of: sum, kind: stay, field: attr.nights}
  ladder:
    - {id: basic}
    - {id: gold, qualify: {nights: 10}}
figures:
  nights_this_year: {measure: nights, window: calendar_year}
"""
    )
    events: list[memberkit.Event] = [
        activity("s1", at(2026, 4, 1), "stay", attributes={"nights": 3}),
        activity("s2", at(2026, 4, 9), "stay", attributes={"nights": 2}),
    ]
    assert figure(p, events, "nights_this_year", at(2026, 4, 10)) == 5


def test_the_fifth_order_of_the_month_earns_its_bonus() -> None:
    """Orders 1-4 earn 10 each, the 5th 10 + 500, the 6th 10: 560 in all."""
    p = policy(
        FIGURES
        + """
points:
  earn:
    - {id: base, on: purchase, per: 1 CNY, points: 1}
    - {id: fifth, on: purchase, when: {figure.orders_this_month: 5}, points: 500}
  pending: immediate
"""
    )
    events: list[memberkit.Event] = [
        purchase(f"o{day}", at(2026, 9, day), ("l1", "food", "10")) for day in range(1, 7)
    ]
    state = memberkit.replay(p, member(), events, as_of=at(2026, 9, 6))
    assert memberkit.balance(p, state, as_of=at(2026, 9, 6)).available == 560


def test_a_benefit_refused_on_a_figure_names_it_in_the_members_language() -> None:
    """The explanation uses the figure's display name and the value found."""
    p = policy(
        """
figures:
  orders_this_month:
    name: {en: orders this month, zh_Hans: 本月订单数}
    measure: orders
    window: calendar_month
benefits:
  - {id: regular, when: {figure.orders_this_month: {">=": 3}}}
"""
    )
    state = memberkit.replay(p, member(), [purchase("o1", at(2026, 5, 2))], as_of=at(2026, 5, 2))
    decision = memberkit.check_benefit(p, state, "regular", as_of=at(2026, 5, 3))
    assert not decision.allowed
    assert "orders this month must be at least 3 (it is 1)" in decision.explain("en")
    assert "本月订单数须至少为 3（当前为 1）" in decision.explain("zh_Hans")


def test_figures_keep_the_orders_their_windows_read() -> None:
    """A 30-day refund horizon alone folds orders after 30 days; a yearly figure keeps a year."""
    base = "program: {id: t, currency: CNY, timezone: Asia/Shanghai, refund_days: 30}\n"
    plain = memberkit.parse_policy("memberkit: 1\n" + base)
    with_figure = memberkit.parse_policy(
        "memberkit: 1\n" + base + "figures: {y: {measure: orders, window: calendar_year}}\n"
    )
    assert horizons(plain) is not None
    assert horizons(plain).orders == 30  # type: ignore[union-attr]
    assert horizons(with_figure).orders == 366  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            "figures: {n: {measure: order, window: calendar_month}}\n",
            "unknown measure 'order'; did you mean 'orders'? A figure counts spend, orders",
        ),
        (
            "figures: {n: {measure: orders, window: calendar_month}}\n"
            "benefits: [{id: b, when: {figure.m: 1}}]\n",
            "unknown figure 'm'. A figure is declared under figures:, e.g. "
            "{m: {measure: orders, window: calendar_month}}",
        ),
        (
            "figures: {orders_this_month: {measure: orders, window: calendar_month}}\n"
            "benefits: [{id: b, when: {figure.orders_this_mnth: 1}}]\n",
            "did you mean 'orders_this_month'?",
        ),
        (
            "figures: {n: {measure: orders, window: {membership_year: {from: last_upgrade}}}}\n",
            "a figure's membership year counts from joining: write membership_year",
        ),
        (
            "figures: {n: {measure: {of: points, currency: growth}, window: calendar_year}}\n"
            "points: {earn: [{id: base, per: 1 CNY, points: 1}]}\n",
            "unknown points currency 'growth'",
        ),
        (
            "figures:\n"
            "  n: {measure: orders, window: calendar_month}\n"
            "  m: {measure: {of: orders, where: {figure.n: 2}}, window: calendar_month}\n",
            "a figure's 'where' reads each order or activity counted, not other figures",
        ),
        (
            "figures: {n: {measure: orders, window: weekly}}\n",
            "'weekly' is not one of 'calendar_year'",
        ),
    ],
)
def test_a_figure_mistake_says_what_to_write(body: str, says: str) -> None:
    """Each refusal names the figure, the mistake and the way to write it."""
    with pytest.raises(PolicyError) as caught:
        policy(body)
    assert says in str(caught.value)


def test_a_figure_reference_is_checked_even_when_another_section_fails() -> None:
    """A schema mistake elsewhere does not hide an unknown figure in a valid section."""
    with pytest.raises(PolicyError) as caught:
        policy(
            "figures: {n: {measure: orders, window: calendar_month}}\n"
            "benefits: [{id: b, when: {figure.x: 1}}]\n"
            "tiers: {ladder: 3}\n"
        )
    assert "unknown figure 'x'" in str(caught.value)


def _every_condition(node: object, path: tuple[object, ...] = ()) -> list[tuple[object, object]]:
    """Every condition under ``node``, found by visiting every field and item (no pruning)."""
    from pydantic import BaseModel

    from memberkit.rules import Condition

    if isinstance(node, Condition):
        return [(path, node)]
    if isinstance(node, BaseModel):
        fields = type(node).model_fields.items()
        return [
            c for k, i in fields for c in _every_condition(getattr(node, k), (*path, i.alias or k))
        ]
    if isinstance(node, dict):
        return [c for k, v in node.items() for c in _every_condition(v, (*path, k))]
    if isinstance(node, tuple | list):
        return [c for n, v in enumerate(node) for c in _every_condition(v, (*path, n))]
    return []


@pytest.mark.parametrize("name", ["retail", "ecommerce", "minimal"])
def test_the_pruned_walk_finds_every_condition(name: str) -> None:
    """conditions_in skips fields that cannot hold a condition, and still finds each one."""
    from memberkit._figures import conditions_in

    folder = Path(memberkit.__file__).parent / "examples"
    document = memberkit.load_policy(folder / f"{name}.yaml").document
    found = list(conditions_in(document))
    assert found == _every_condition(document)
    assert found or name == "minimal"
