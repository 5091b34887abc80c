"""The retail example end to end through ``apply`` only: an upgrade and what it changes next."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import activity, at, member, purchase, refund
from tests.points.builders import event

import memberkit
from memberkit import MemberState, Policy

RETAIL = memberkit.load_policy(Path(memberkit.__file__).parent / "examples" / "retail.yaml")


def _upgraded() -> tuple[MemberState, memberkit.Outcome]:
    """¥1,000 in March, then ¥1,200 that crosses the ¥2,000 silver threshold."""
    state, _ = memberkit.apply(
        RETAIL, member(), purchase("o1", at(2026, 3, 1), ("l1", "shoes", "1000"))
    )
    return memberkit.apply(RETAIL, state, purchase("o2", at(2026, 3, 10), ("l1", "bags", "1200")))


def test_the_upgrading_order_earns_at_the_old_tier_and_brings_the_gift() -> None:
    """The order that upgrades earns 1,200 at basic; the upgrade journals its push, adds the gift."""
    state, outcome = _upgraded()
    assert memberkit.tier_of(RETAIL, state, at(2026, 3, 10)).tier == "silver"
    moved = [(e.rule, e.kind, e.points) for e in state.points.journal if e.event_id == "o2"]
    assert moved == [
        ("base", "earn", 1200),
        ("growth", "earn", 1200),
        ("tier_upgrade", "extend", 0),
        ("upgrade-gift", "bonus", 500),
    ]
    assert "points.expiry_extended" in [r.code for r in outcome.reasons]


def test_the_upgrade_pushes_the_expiry_of_points_held_but_not_of_the_gift() -> None:
    """Points held at the upgrade last to 31 Mar 2028; the gift keeps the 31 Dec 2027 rule."""
    state, _ = _upgraded()
    schedule = memberkit.balance(RETAIL, state, at(2026, 3, 20)).schedule
    assert schedule == ((date(2027, 12, 31), 500), (date(2028, 3, 31), 2200))


def test_the_next_order_earns_the_silver_multiplier() -> None:
    """After the upgrade, ¥100 earns 100 base and 20 for the silver ×1.2, growth stays 100."""
    state, _ = _upgraded()
    state, outcome = memberkit.apply(
        RETAIL, state, purchase("o3", at(2026, 3, 20), ("l1", "shoes", "100"))
    )
    moved = [(e.rule, e.points) for e in state.points.journal if e.event_id == "o3"]
    assert moved == [("base", 100), ("growth", 100), ("tier-bonus", 20)]
    assert "等级加速：×1.2，+20 积分。" in outcome.explain("zh_Hans").splitlines()


def test_the_upgrade_is_explained_in_chinese() -> None:
    """The upgrading order's outcome tells the member about the gift and the longer validity."""
    _, outcome = _upgraded()
    text = outcome.explain("zh_Hans")
    assert "升级礼：+500 积分。" in text
    assert "3 个月" in text


# --- a law over random histories on the whole example (tiers included) ---------------------

_KINDS = [
    "buy",
    "big",
    "refund",
    "part",
    "redeem",
    "reward",
    "cancel",
    "out",
    "in",
    "miles",
    "adjust",
    "checkin",
    "referral",
    "extend",
    "later",
]
_step = st.tuples(
    st.sampled_from(_KINDS),
    st.integers(min_value=1, max_value=60),
)


def _events(steps: list[tuple[str, int]]) -> list[memberkit.Event]:
    out: list[memberkit.Event] = []
    moment = at(2026, 1, 2)
    orders: list[str] = []
    redemptions: list[str] = []
    for i, (kind, n) in enumerate(steps):
        moment += timedelta(days=n * 12 if kind == "later" else n % 9 + 1, hours=n)
        eid = f"e{i}"
        if kind in ("buy", "big") or (kind in ("refund", "part") and not orders):
            amount = str(n * 900 if kind == "big" else n * 17)
            out.append(purchase(eid, moment, ("l1", "shoes", amount), ("l2", "gift_card", "50")))
            orders.append(eid)
        elif kind == "refund":
            out.append(refund(eid, moment, orders.pop()))
        elif kind == "part":
            out.append(refund(eid, moment, orders.pop(), ("l1", None)))
        elif kind == "redeem":
            out.append(event("redemption", eid, moment, points=100 * n, order_amount="100000"))
            redemptions.append(eid)
        elif kind == "reward":
            out.append(event("redemption", eid, moment, reward="tote-bag"))
            redemptions.append(eid)
        elif kind == "cancel" and redemptions:
            out.append(event("redemption_cancel", eid, moment, redemption=redemptions.pop()))
        elif kind in ("out", "in"):
            out.append(
                event("transfer", eid, moment, direction=kind, points=50 * n, counterparty="m2")
            )
        elif kind == "miles":
            out.append(
                event(
                    "transfer",
                    eid,
                    moment,
                    direction="in" if n % 2 else "out",
                    points=100 * n,
                    counterparty="skymiles",
                    partner=True,
                )
            )
        elif kind == "adjust":
            out.append(event("adjustment", eid, moment, points=n * 20 - 410, reason="staff"))
        elif kind == "extend":
            out.append(event("points_extension", eid, moment, months=n % 6 + 1))
        elif kind in ("checkin", "referral"):
            out.append(activity(eid, moment, kind))
        else:
            out.append(event("profile", eid, moment, add_tags=["later"]))
    return out


def _conserved(policy: Policy, state: MemberState) -> None:
    moment = state.clock or state.joined_at
    state, _ = memberkit.advance(policy, state, moment)
    for currency in ("points", "growth"):
        by_kind: dict[str, Any] = {}
        # Journal lines past the policy's journal horizon are kept as sums per currency and kind.
        folded = state.folded.journal if state.folded is not None else ()
        for folded_currency, kind, points in folded:
            if folded_currency == currency:
                by_kind[kind] = by_kind.get(kind, 0) + points
        for e in state.points.journal:
            if e.currency == currency:
                by_kind[e.kind] = by_kind.get(e.kind, 0) + e.points
        earned = by_kind.get("earn", 0) + by_kind.get("bonus", 0) + by_kind.get("adjust", 0)
        redeemed = -(by_kind.get("redeem", 0) + by_kind.get("redeem_cancel", 0))
        expired = -by_kind.get("expire", 0)
        reversed_ = -by_kind.get("reverse", 0)
        out = -by_kind.get("transfer_out", 0)
        into = by_kind.get("transfer_in", 0)
        held = memberkit.balance(policy, state, moment, currency)
        assert earned == (
            held.available + held.pending + redeemed + expired + reversed_ + out - into
        )
        assert by_kind.get("extend", 0) == 0
        assert all(lot.remaining >= 0 for lot in state.points.lots)


@given(st.lists(_step, max_size=25))
def test_points_are_conserved_at_every_step_of_the_retail_programme(
    steps: list[tuple[str, int]],
) -> None:
    """With tiers, upgrade gifts, extensions, caps and exchanges, every point is accounted for."""
    state = member()
    for item in _events(steps):
        try:
            state, _ = memberkit.apply(RETAIL, state, item)
        except memberkit.EventError:
            continue
        _conserved(RETAIL, state)


@pytest.mark.parametrize("locale", ["en", "zh_Hans", "zh_Hant"])
def test_every_retail_outcome_renders_without_a_raw_code(locale: str) -> None:
    """A varied history's reasons all have text in each locale (no code shown as is)."""
    state = member()
    steps = [("big", 10), ("buy", 3), ("checkin", 1), ("redeem", 2), ("extend", 2), ("miles", 3)]
    for item in _events(steps):
        state, outcome = memberkit.apply(RETAIL, state, item)
        assert re.search(r"\b(points|tier|event)\.[a-z_]+", outcome.explain(locale)) is None


def _accepted(steps: list[tuple[str, int]]) -> tuple[list[memberkit.Event], MemberState]:
    state = member()
    kept: list[memberkit.Event] = []
    for item in _events(steps):
        try:
            state, outcome = memberkit.apply(RETAIL, state, item)
        except memberkit.EventError:
            continue
        if outcome.accepted:
            kept.append(item)
    return kept, state


@given(st.lists(_step, max_size=20))
def test_replay_of_the_retail_programme_equals_applying_one_by_one(
    steps: list[tuple[str, int]],
) -> None:
    """Replaying the accepted history gives the state reached step by step, tiers included."""
    kept, state = _accepted(steps)
    assert memberkit.replay(RETAIL, member(), kept) == state


@given(st.lists(_step, max_size=20))
def test_a_retail_state_reads_back_equal_from_its_json(steps: list[tuple[str, int]]) -> None:
    """Lots with their extensions, member cap uses and tier history survive JSON."""
    _, state = _accepted(steps)
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state
