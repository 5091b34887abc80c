"""Laws of time (issue 12), over generated policies and event histories.

Asking later changes nothing, and asking about a moment before the last event is refused;
advancing composes and commutes with applying; a quote is the booking; the tier earning,
benefits and expiry protection read is the tier ``tier_of`` reports; advanced states survive
JSON. The generated policies are small ladders (immediate, at-review or later-taking-effect
upgrades, calendar or rolling windows, sometimes a validity, sometimes rollover) with points
(pending days, fixed, rolling or inactivity expiry, sometimes protected by gold; earning that
reads a flag and a monthly figure), three benefits (one on a flag and a figure) and lifecycle
stages, and sometimes a later version that lowers gold's threshold and changes the earning
rate, whose tiers may review members by a date of their status (``reviews:``). Histories include
flags set for a few days (from now or from later) and cleared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from tests.builders import SHANGHAI, activity, at, member, purchase, refund
from tests.tiers.builders import grant

import memberkit
from memberkit import MemberState, Policy

START = at(2026, 1, 1, 0, 0)
RATES = {"silver": "1.2", "gold": "1.5"}
"""The tier multiplier of every generated policy (the same in every version)."""


@dataclass(frozen=True)
class Shape:
    """The choices a generated policy is made of."""

    window: str
    upgrade: str
    validity: bool
    downgrade: str
    silver: int
    gold: int
    expiry: str
    protect: bool
    pending: int
    base_rate: int
    basis: str
    version: tuple[int, int, int] | None
    """(days after 1 Jan 2026 it takes effect, new gold threshold, new base rate), or None."""
    rollover: bool = False
    """Whether spend above the level reached rolls into the next year (calendar windows only)."""
    reviews: tuple[str, int] | None = None
    """The version's ``reviews:`` (by, days after its start of its ``from``; 0: no ``from``)."""


def _tiers(shape: Shape, silver: int, gold: int) -> str:
    return (
        "tiers:\n"
        f"  window: {shape.window}\n"
        "  ladder:\n"
        "    - {id: basic}\n"
        f"    - {{id: silver, qualify: {{spend: {silver}}}}}\n"
        f"    - {{id: gold, qualify: {{spend: {gold}}}, retain: {{spend: {gold // 2}}}"
        + (", validity: {months_from_upgrade: 6}" if shape.validity else "")
        + "}\n"
        f"  upgrade: {shape.upgrade}\n"
        f"  downgrade: {shape.downgrade}\n"
        + ("  review: monthly\n" if "rolling" in shape.window else "")
        + (
            "  rollover: {spend: {cap: 700}}\n"
            if shape.rollover and "rolling" not in shape.window
            else ""
        )
    )


def _points(shape: Shape, rate: int) -> str:
    shield = ", never_while_tier: [gold]" if shape.protect else ""
    expiry = {
        "fixed": '{fixed: "12-31", years_after_earning: 0',
        "rolling": "{rolling_months: 2",
        "inactivity": "{inactivity_months: 2, activity: [purchase, checkin]",
    }[shape.expiry]
    pending = f"{{days: {shape.pending}}}" if shape.pending else "immediate"
    return (
        "points:\n"
        f"  expiry: {expiry}{shield}}}\n"
        "  earn:\n"
        f"    - {{id: base, per: 1 CNY, points: {rate}}}\n"
        "    - {id: tier, multiply: {by_tier: {silver: 1.2, gold: 1.5}}}\n"
        "    - {id: checkin, on: checkin, points: 5}\n"
        "    - {id: upgrade, on: tier_upgrade, points: 100}\n"
        "    - {id: promo, when: {flag: promo}, multiply: 2}\n"
        "    - {id: third, on: purchase, when: {figure.orders_month: 3}, points: 30}\n"
        f"  pending: {pending}\n"
        "  redeem: {points_per_unit: 100}\n"
        "  reversal: up_to_balance\n"
    )


BENEFITS = (
    "benefits:\n"
    "  - {id: ship, tiers: [gold]}\n"
    "  - {id: gift, tiers: [silver, gold], quota: {count: 1, per: year}}\n"
    "  - {id: promo-gift, when: {flag: promo, figure.orders_month: {'>=': 1}}}\n"
    "figures:\n"
    "  orders_month: {measure: orders, window: calendar_month}\n"
)
LIFECYCLE = (
    "lifecycle:\n"
    "  stages:\n"
    '    - {id: new, when: {days_since_join: {"<": 60}, purchases: {"<=": 1}}}\n'
    '    - {id: dormant, when: {recency_days: {">=": 90}}}\n'
    "    - {id: active}\n"
    "  default: active\n"
)


def build(shape: Shape) -> Policy:
    """The policy a shape describes: tiers, points, benefits, lifecycle, maybe a version."""
    text = (
        "memberkit: 1\n"
        "program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en, "
        f"time_basis: {shape.basis}}}\n"
        + _tiers(shape, shape.silver, shape.gold)
        + _points(shape, shape.base_rate)
        + BENEFITS
        + LIFECYCLE
    )
    if shape.version is not None:
        offset, gold, rate = shape.version
        day = (START + timedelta(days=offset)).date()
        indent = "      "
        tiers = _tiers(shape, min(shape.silver, gold - 1), gold).replace("\n", "\n" + indent)
        points = _points(shape, rate).replace("\n", "\n" + indent)
        reviews = ""
        if shape.reviews is not None:
            by, later = shape.reviews
            since = f", from: {(day + timedelta(days=later)).isoformat()}" if later else ""
            reviews = f"    reviews: {{by: {by}{since}}}\n"
        text += (
            "versions:\n"
            f"  - effective_from: {day.isoformat()}\n"
            "    announced: 2025-12-01\n" + reviews + f"    {tiers.rstrip()}\n"
            f"    {points.rstrip()}\n"
        )
    return memberkit.parse_policy(text, source="laws.yaml")


_CACHE: dict[Shape, Policy] = {}


def policy_of(shape: Shape) -> Policy:
    """The compiled policy of a shape (compiled once per shape)."""
    if shape not in _CACHE:
        _CACHE[shape] = build(shape)
    return _CACHE[shape]


shapes = st.builds(
    Shape,
    window=st.sampled_from(["calendar_year", "{rolling_months: 12}", "{rolling_days: 90}"]),
    upgrade=st.sampled_from(
        [
            "immediate",
            "immediate",
            "at_review",
            "{effective: next_day}",
            "{effective: next_month}",
            "{effective: {days: 3}}",
        ]
    ),
    validity=st.booleans(),
    downgrade=st.sampled_from(["to_figures", "{max_steps: 1}"]),
    silver=st.sampled_from([500, 1500]),
    gold=st.sampled_from([2000, 4000]),
    expiry=st.sampled_from(["fixed", "rolling", "inactivity"]),
    protect=st.booleans(),
    pending=st.sampled_from([0, 3]),
    base_rate=st.sampled_from([1, 2]),
    basis=st.sampled_from(["days", "days", "instants"]),
    version=st.none()
    | st.tuples(st.integers(20, 500), st.sampled_from([800, 1200]), st.sampled_from([1, 3])),
    rollover=st.booleans(),
    reviews=st.none()
    | st.tuples(st.sampled_from(["status_expiry", "window_start"]), st.sampled_from([0, 45, 200])),
)
policies = shapes.map(policy_of)

KINDS = ("buy", "buy", "refund", "checkin", "redeem", "grant", "later", "use", "flag")
steps = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(1, 2400),
        st.integers(1, 24 * 150),
    ),
    max_size=7,
)
"""(kind, amount, hours after the previous event) of each step of a history."""


def events_of(spec: list[tuple[str, int, int]]) -> list[memberkit.Event]:
    """A history from a generated spec: purchases, refunds, check-ins, redemptions, grants
    (of gold from now, or of silver from later), benefit uses."""
    out: list[memberkit.Event] = []
    moment = START
    orders: list[str] = []
    for i, (kind, n, hours) in enumerate(spec):
        moment += timedelta(hours=hours)
        if hours % 4 == 0:
            # Midnight is when reviews, versions and whole-day deadlines fall: events meet them.
            moment = (moment + timedelta(days=1)).replace(hour=0, minute=0)
        eid = f"e{i}"
        if kind == "refund" and orders:
            out.append(refund(eid, moment, orders.pop()))
        elif kind == "checkin":
            out.append(activity(eid, moment, "checkin"))
        elif kind == "redeem":
            out.append(
                memberkit.parse_event(
                    {"type": "redemption", "id": eid, "at": moment, "points": n // 4 + 1}
                )
            )
        elif kind in ("grant", "later", "use", "flag"):
            out.append(next_event(kind, eid, moment, n, None))
        else:
            out.append(purchase(eid, moment, ("l1", "general", str(n + 9))))
            orders.append(eid)
    return out


def run(p: Policy, state: MemberState, events: list[memberkit.Event]) -> MemberState:
    """Apply events in order (each one may be refused; none is rejected for these histories)."""
    for event in events:
        state, _ = memberkit.apply(p, state, event)
    return state


def answers(p: Policy, state: MemberState, when: datetime) -> dict[str, Any]:
    """Every query at ``when``, by name."""
    day = p.info.local_date(when)
    out: dict[str, Any] = {
        "tier_of": memberkit.tier_of(p, state, when),
        "progress": memberkit.progress(p, state, when),
        "balance": memberkit.balance(p, state, when),
        "held_lots": memberkit.held_lots(p, state, when),
        "expiring_today": memberkit.expiring(p, state, when, through=day),
        "expiring_later": memberkit.expiring(p, state, when, through=day + timedelta(days=75)),
        "ship": memberkit.check_benefit(p, state, "ship", when),
        "entitlements": memberkit.entitlements(p, state, when),
        "stage": memberkit.lifecycle_stage(p, state, when),
        "expired": memberkit.expired(p, state, day - timedelta(days=90), day + timedelta(days=30)),
        "max_redeemable": memberkit.max_redeemable(p, state, when),
    }
    return out


moments = st.integers(0, 24 * 900) | st.integers(0, 900).map(lambda day: 24 * day)
"""Hours after 1 Jan 2026 (often a midnight, when reviews, versions and deadlines fall)."""


PENDING = Shape(
    "calendar_year", "immediate", False, "to_figures", 500, 2000, "fixed", False, 3, 1, "days", None
)
"""A plain shape with points pending for 3 days."""


@given(policies, steps, moments, moments, st.floats(0, 1))
# Found by this law: 10 points bought at 01:00 on 1 Jan become spendable on 4 Jan; on 5 Jan the
# check that finds the most redeemable must say the same of the stored state and of the state
# advanced to 9 Jan (it said "points now available" only of the first).
@example(policy_of(PENDING), [("buy", 1, 1)], 100, 200, 0.0)
# Likewise "the gold grant has ended" (with the upgrade gift's 100 points to redeem).
@example(policy_of(replace(PENDING, pending=0)), [("grant", 1, 1)], 30, 60, 0.0)
def test_asking_later_changes_nothing(
    p: Policy, spec: list[tuple[str, int, int]], first: int, second: int, share: float
) -> None:
    """Every query at t answers the same on the state after the events up to t, on it advanced
    to any later u, and on it advanced part of the way to t."""
    t, u = sorted((START + timedelta(hours=first), START + timedelta(hours=second)))
    events = events_of(spec)
    state = run(p, member(), [e for e in events if e.at <= t])
    expected = answers(p, state, t)
    later, _ = memberkit.advance(p, state, u)
    assert answers(p, later, t) == expected
    clock = state.clock or START
    partway, _ = memberkit.advance(p, state, clock + (t - clock) * share)
    assert answers(p, partway, t) == expected


@given(policies, steps, st.integers(1, 24 * 400))
def test_a_moment_before_the_last_event_is_refused(
    p: Policy, spec: list[tuple[str, int, int]], hours: int
) -> None:
    """Every query about a moment before the state's last event raises AsOfError."""
    events = events_of(spec)
    state = run(p, member(), events)
    if state.clock is None:
        return
    when = state.clock - timedelta(hours=hours)
    day = p.info.local_date(when)
    asks: dict[str, Callable[[], object]] = {
        "tier_of": lambda: memberkit.tier_of(p, state, when),
        "progress": lambda: memberkit.progress(p, state, when),
        "balance": lambda: memberkit.balance(p, state, when),
        "held_lots": lambda: memberkit.held_lots(p, state, when),
        "expiring": lambda: memberkit.expiring(p, state, when, within_days=30),
        "expiring_through": lambda: memberkit.expiring(p, state, when, through=day),
        "max_redeemable": lambda: memberkit.max_redeemable(p, state, when),
        "ship": lambda: memberkit.check_benefit(p, state, "ship", when),
        "entitlements": lambda: memberkit.entitlements(p, state, when),
        "stage": lambda: memberkit.lifecycle_stage(p, state, when),
        "advance": lambda: memberkit.advance(p, state, when),
    }
    for ask in asks.values():
        with pytest.raises(memberkit.AsOfError, match="replay"):
            ask()


@given(policies, steps, moments, moments)
def test_advancing_twice_is_advancing_once(
    p: Policy, spec: list[tuple[str, int, int]], first: int, second: int
) -> None:
    """advance(advance(s, t), u) is advance(s, u) for t <= u."""
    state = run(p, member(), events_of(spec))
    base = state.clock or START
    t, u = sorted((base + timedelta(hours=first), base + timedelta(hours=second)))
    twice = memberkit.advance(p, memberkit.advance(p, state, t)[0], u)[0]
    assert twice == memberkit.advance(p, state, u)[0]


def next_event(
    kind: str, eid: str, when: datetime, n: int, state: MemberState | None
) -> memberkit.Event:
    """One more event of ``kind`` at ``when`` for a member in ``state``."""
    if kind == "refund" and state and state.orders and not state.orders[-1].fully_refunded:
        return refund(eid, when, state.orders[-1].id)
    if kind == "checkin":
        return activity(eid, when, "checkin")
    if kind == "redeem":
        return memberkit.parse_event(
            {"type": "redemption", "id": eid, "at": when, "points": n // 4 + 1}
        )
    if kind == "grant":
        return grant(eid, when, "gold", until=when + timedelta(days=n // 8 + 1))
    if kind == "later":
        start = when + timedelta(hours=n)
        return grant(eid, when, "silver", start=start, until=start + timedelta(days=n // 20 + 1))
    if kind == "use":
        return memberkit.parse_event(
            {"type": "benefit_use", "id": eid, "at": when, "benefit": "gift"}
        )
    if kind == "flag":
        # An offer through a day ahead, from now or from later; every fourth one clears it.
        if n % 4 == 0:
            data: dict[str, Any] = {"clear": True}
        else:
            start = when + timedelta(hours=n % 50 if n % 3 == 0 else 0)
            day = start.astimezone(SHANGHAI).date() + timedelta(days=n % 9)
            data = {"through": day.isoformat(), "start": start}
        return memberkit.parse_event(
            {"type": "flag", "id": eid, "at": when, "flag": "promo", **data}
        )
    return purchase(eid, when, ("l1", "general", str(n + 9)))


@given(policies, steps, st.sampled_from(KINDS), st.integers(1, 2400), moments, moments)
def test_advancing_then_applying_is_applying(
    p: Policy, spec: list[tuple[str, int, int]], kind: str, n: int, first: int, second: int
) -> None:
    """Applying an event to the state advanced to t gives the state applying it gives, whether
    the event is dated at or after t or in the stretch already advanced (a refused event leaves
    each state as it was)."""
    state = run(p, member(), events_of(spec))
    base = state.clock or START
    t = base + timedelta(hours=first)
    event = next_event(kind, "x", base + timedelta(hours=second), n, state)
    advanced, _ = memberkit.advance(p, state, t)
    after, outcome = memberkit.apply(p, state, event)
    again, repeated = memberkit.apply(p, advanced, event)
    assert repeated.accepted == outcome.accepted
    if outcome.accepted:
        assert again == after


def booked(p: Policy, state: MemberState, event: memberkit.Event) -> list[tuple[Any, ...]]:
    """What ``apply`` books for ``event``: (rule, kind, currency, points) of its earn entries."""
    new, outcome = memberkit.apply(p, state, event)
    if not outcome.accepted:
        return []
    return [
        (e.rule, e.kind, e.currency, e.points)
        for e in new.points.journal
        if e.event_id == event.id and e.kind in ("earn", "bonus")
    ]


@given(policies, steps, st.sampled_from(KINDS), st.integers(1, 2400), moments, moments)
def test_a_quote_is_the_booking(
    p: Policy, spec: list[tuple[str, int, int]], kind: str, n: int, first: int, second: int
) -> None:
    """For every kind of event, on a state as stored or advanced, the quote is what apply books,
    line by line, and its totals are the sums per currency."""
    state = run(p, member(), events_of(spec))
    base = state.clock or START
    if first:
        state, _ = memberkit.advance(p, state, base + timedelta(hours=first))
    event = next_event(kind, "x", base + timedelta(hours=second), n, state)
    quote = memberkit.quote_points(p, state, event)
    lines = [(q.rule, q.kind, q.currency, q.points) for q in quote.lines]
    assert lines == booked(p, state, event)
    sums: dict[str, Any] = {}
    for _, _, currency, points in lines:
        sums[currency] = sums.get(currency, 0) + points
    assert dict(quote.totals) == sums
    assert quote.accepted == memberkit.apply(p, state, event)[1].accepted


@given(policies, steps, st.integers(1, 2400), moments)
def test_earning_reads_the_tier_tier_of_reports(
    p: Policy, spec: list[tuple[str, int, int]], n: int, hours: int
) -> None:
    """The multiplier a purchase's quote applies is the one of the tier tier_of gives then."""
    state = run(p, member(), events_of(spec))
    when = (state.clock or START) + timedelta(hours=hours)
    tier = memberkit.tier_of(p, state, when).tier
    quote = memberkit.quote_points(p, state, purchase("x", when, ("l1", "general", str(n + 99))))
    factors = [str(q.factor) for q in quote.lines if q.rule == "tier"]
    assert factors == ([RATES[tier]] if tier in RATES else [])


@given(policies, steps, moments)
def test_protection_and_benefits_read_the_tier_tier_of_reports(
    p: Policy, spec: list[tuple[str, int, int]], hours: int
) -> None:
    """Points past their date are still held only while tier_of reports a protecting tier, and
    a benefit is decided for the tier tier_of reports."""
    state = run(p, member(), events_of(spec))
    when = (state.clock or START) + timedelta(hours=hours)
    tier = memberkit.tier_of(p, state, when).tier
    lots = memberkit.held_lots(p, state, when).lots
    now = memberkit.advance(p, state, when)[0]
    overdue = [
        lot
        for lot in now.points.lots
        if not lot.expired
        and lot.remaining > 0
        and lot.expires_at is not None
        and lot.expires_at <= when
    ]
    if overdue:
        assert tier == "gold"
        assert all(h.protected for h in lots if h.id in {lot.id for lot in overdue})
    ship = memberkit.check_benefit(p, state, "ship", when)
    assert (ship.tier, ship.allowed) == (tier, tier == "gold")


@given(policies, steps, moments)
def test_advanced_states_survive_json(
    p: Policy, spec: list[tuple[str, int, int]], hours: int
) -> None:
    """A state advanced past its last event, with the member as of that event, reads back equal.

    Its tier changes, journal and cap uses are in time order (the tier in force and a refund's
    records are found by searches that rely on it).
    """
    state = run(p, member(), events_of(spec))
    advanced, _ = memberkit.advance(p, state, (state.clock or START) + timedelta(hours=hours))
    assert memberkit.state_from_json(memberkit.state_to_json(advanced)) == advanced
    for moments in (
        [change.at for change in advanced.tiers.history],
        [entry.at for entry in advanced.points.journal],
        [use.at for use in advanced.points.cap_uses],
    ):
        assert moments == sorted(moments)
