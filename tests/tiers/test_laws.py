"""Laws of the ladder, checked on generated purchase histories."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from tests.builders import at, member, purchase, state_on
from tests.tiers.builders import ladder, tiers_yaml

import memberkit
from memberkit import Policy

START = at(2026, 1, 1, 0)

SOFT = ladder("  downgrade: {max_steps: 1}\n")
FIGURES = ladder()
GRACE = ladder("  downgrade: {max_steps: 1}\n  grace_days: 20\n  refunds: at_once\n")
ROLL = ladder("  rollover: {spend: {cap: 3000}, orders: {cap: 4}}\n  refunds: at_once\n")
WINDOWS_LADDER = (
    "  window: calendar_year\n  ladder:\n    - {id: basic}\n"
    "    - {id: silver, qualify: {spend: 2000}}\n"
    "    - {id: gold, qualify: {spend: 8000}, retain: {spend: 6000},"
    " window: {qualify: {full_months: 12}}}\n"
    "    - {id: platinum, qualify: {spend: 20000}, retain: {spend: 15000},"
    " window: {rolling_months: 12}}\n"
)
WINDOWS = tiers_yaml(WINDOWS_LADDER)
"""Each tier judged over its own window: gold reached on 12 whole months (kept on the calendar
year), platinum on the last 12 months, silver on the calendar year."""
# Upgrades that take effect later: three days on (with a soft landing and grace), the first of
# the next month, the next day on a rolling window reviewed monthly, and the next day on the
# ladder of mixed windows (gold rises when a month ends, without an event).
LATER = ladder("  upgrade: {effective: {days: 3}}\n  downgrade: {max_steps: 1}\n  grace_days: 20\n")
NEXT_MONTH = ladder("  upgrade: {effective: next_month}\n")
NEXT_DAY_ROLLING = ladder(
    "  upgrade: {effective: next_day}\n  review: monthly\n", window="{rolling_months: 12}"
)
NEXT_DAY_WINDOWS = tiers_yaml(WINDOWS_LADDER + "  upgrade: {effective: next_day}\n")
LATER_POLICIES = [LATER, NEXT_MONTH, NEXT_DAY_ROLLING, NEXT_DAY_WINDOWS]
POLICIES = st.sampled_from([SOFT, FIGURES, GRACE, WINDOWS, *LATER_POLICIES])
# Rollover is left out of the monotonicity laws on purpose: more spend can reach a higher tier
# whose higher threshold leaves less to roll, so a later year may end lower. It is in every
# other law.
ALL_POLICIES = st.sampled_from([SOFT, FIGURES, GRACE, ROLL, WINDOWS, *LATER_POLICIES])

RANKS = {"basic": 0, "silver": 1, "gold": 2, "platinum": 3}

orders = st.lists(st.tuples(st.integers(0, 3 * 365 * 24), st.integers(1, 12000)), max_size=12)
"""(hours after 1 Jan 2026, whole yuan) of each order."""


def history(spec: list[tuple[int, int]], prefix: str = "o") -> list[memberkit.Purchase]:
    """Purchases from a generated spec, in time order."""
    return [
        purchase(f"{prefix}{i}", START + timedelta(hours=h), ("l1", "general", str(amount)))
        for i, (h, amount) in enumerate(sorted(spec))
    ]


def tier_on(p: Policy, events: list[memberkit.Purchase], when: datetime) -> str:
    """The tier in force at ``when`` after replaying ``events``."""
    state = state_on(p, events, when)
    return memberkit.tier_of(p, state, when).tier


@given(
    POLICIES,
    orders,
    st.tuples(st.integers(0, 3 * 365 * 24), st.integers(1, 12000)),
    st.integers(0, 4 * 365),
)
def test_more_spend_never_gives_a_lower_tier(
    p: Policy, spec: list[tuple[int, int]], extra: tuple[int, int], day: int
) -> None:
    """Adding an order to a history never lowers the tier on any date."""
    when = START + timedelta(days=day)
    base = history(spec)
    more = sorted(
        [
            *base,
            purchase("extra", START + timedelta(hours=extra[0]), ("l1", "general", str(extra[1]))),
        ],
        key=lambda e: e.at,
    )
    assert RANKS[tier_on(p, more, when)] >= RANKS[tier_on(p, base, when)]


@given(ALL_POLICIES, orders)
def test_no_activity_reaches_the_base_tier(p: Policy, spec: list[tuple[int, int]]) -> None:
    """Without lifetime tiers, enough reviews without spend bring any member back to the base."""
    state = memberkit.replay(p, member(), history(spec))
    assert memberkit.tier_of(p, state, at(2034, 6, 1)).tier == "basic"


@given(orders)
def test_soft_landing_never_drops_more_than_allowed(spec: list[tuple[int, int]]) -> None:
    """Under max_steps: 1 each downgrade moves exactly one step down."""
    state = memberkit.replay(SOFT, member(), history(spec), as_of=at(2034, 1, 1))
    pairs = zip(state.tiers.history, state.tiers.history[1:], strict=False)
    for before, after in pairs:
        if after.reason == "downgrade":
            assert RANKS[before.tier] - RANKS[after.tier] == 1


@given(ALL_POLICIES, orders, st.integers(0, 5 * 365))
def test_replay_equals_step_by_step_apply(p: Policy, spec: list[tuple[int, int]], day: int) -> None:
    """replay gives the same state as applying each event and then advancing."""
    events = history(spec)
    as_of = START + timedelta(days=day)
    if events and as_of < events[-1].at:
        as_of = events[-1].at
    state = member()
    for event in events:
        state, _ = memberkit.apply(p, state, event)
    state, _ = memberkit.advance(p, state, as_of)
    assert memberkit.replay(p, member(), events, as_of=as_of) == state


@given(ALL_POLICIES, orders, st.integers(0, 5 * 365))
def test_tier_state_survives_a_json_round_trip(
    p: Policy, spec: list[tuple[int, int]], day: int
) -> None:
    """The tier history, grants and pending downgrade serialise losslessly."""
    state = memberkit.replay(p, member(), history(spec), as_of=START + timedelta(days=day + 1200))
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state


SHOP = memberkit.load_policy(Path(memberkit.__file__).parent / "examples" / "ecommerce.yaml")
SHOP_RANKS = {"silver": 0, "gold": 1, "diamond": 2}


@given(
    orders, st.tuples(st.integers(0, 3 * 365 * 24), st.integers(1, 12000)), st.integers(0, 4 * 365)
)
def test_more_growth_value_never_gives_a_lower_tier(
    spec: list[tuple[int, int]], extra: tuple[int, int], day: int
) -> None:
    """On the rolling growth-value ladder too, an extra order never lowers the tier on a date."""
    when = START + timedelta(days=day)
    base = history(spec)
    more = sorted(
        [
            *base,
            purchase("extra", START + timedelta(hours=extra[0]), ("l1", "general", str(extra[1]))),
        ],
        key=lambda e: e.at,
    )
    assert SHOP_RANKS[tier_on(SHOP, more, when)] >= SHOP_RANKS[tier_on(SHOP, base, when)]
