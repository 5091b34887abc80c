"""Tiers that protect points and gate transfers: the ladder tier and paid tiers held alongside.

Retail rule (examples/retail.yaml): points earned in year Y expire on 31 Dec of Y+1, but never
while the member is platinum. ``balance`` and ``expiring`` must tell the same story.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.builders import at, member, purchase
from tests.points.builders import event
from tests.tiers.builders import PAID, club_member, grant, ladder

import memberkit

RETAIL = memberkit.load_policy(Path(memberkit.__file__).parent / "examples" / "retail.yaml")


def _platinum_with_2025_points() -> memberkit.MemberState:
    """A member who earned 1,000 points in 2025 (due 31 Dec 2026), platinum from 2026 by grant."""
    return memberkit.replay(
        RETAIL,
        member(joined=at(2025, 1, 1, 0, 0)),
        [
            purchase("o1", at(2025, 6, 1), ("l1", "general", "1000")),
            grant("g1", at(2025, 12, 20), "platinum", start=at(2026, 1, 1, 0, 0)),
        ],
    )


def test_balance_lists_no_expiry_date_while_platinum_is_held() -> None:
    """A platinum member's balance shows no lot expiring on 31 Dec 2026."""
    held = memberkit.balance(RETAIL, _platinum_with_2025_points(), at(2026, 12, 1))
    assert (held.available, held.schedule) == (1000, ())


def test_balance_and_expiring_agree_for_a_platinum_member() -> None:
    """Nothing expires in December for a platinum member, by either query."""
    state = _platinum_with_2025_points()
    soon = memberkit.expiring(RETAIL, state, at(2026, 12, 1), 31)
    assert (soon.points, soon.items) == (0, ())
    assert memberkit.balance(RETAIL, state, at(2026, 12, 1)).schedule == soon.items


def test_balance_explains_that_points_do_not_expire_while_platinum() -> None:
    """The balance says, in each locale, that the points do not expire while platinum is held."""
    held = memberkit.balance(RETAIL, _platinum_with_2025_points(), at(2026, 12, 1))
    assert "保持白金会员期间，1,000 积分不会过期。" in held.explain("zh_Hans")
    assert "保持白金會員期間，1,000 積分不會過期。" in held.explain("zh_Hant")
    assert "1,000 points do not expire while the Platinum tier is held." in held.explain("en")


def test_expiring_gives_the_same_reason_as_the_balance() -> None:
    """The reminder query says nothing expires and why: platinum is held."""
    soon = memberkit.expiring(RETAIL, _platinum_with_2025_points(), at(2026, 12, 1), 31)
    assert "1,000 points do not expire while the Platinum tier is held." in soon.explain("en")


def test_a_member_below_platinum_still_sees_the_date() -> None:
    """Without the protected tier the schedule lists 31 Dec 2026 and says nothing of protection."""
    state = memberkit.replay(
        RETAIL,
        member(joined=at(2025, 1, 1, 0, 0)),
        [purchase("o1", at(2025, 6, 1), ("l1", "general", "1000"))],
    )
    held = memberkit.balance(RETAIL, state, at(2026, 12, 1))
    assert held.schedule == ((date(2026, 12, 31), 1000),)
    assert "points.protected_by_tier" not in [r.code for r in held.reasons]


CLUB = ladder(
    PAID
    + """points:
  earn:
    - {id: base, per: 1 CNY, points: 1}
  expiry: {rolling_months: 1, never_while_tier: [club]}
  transfer: {tiers: [gold, club]}
"""
)
"""A silver member joins the club (1 Mar to 1 Apr); points last a month, never while in the club."""


def test_a_paid_tier_alongside_protects_points_from_expiry() -> None:
    """Points due on 2 Mar are kept while the club is held, and listed for the day it ends."""
    state = club_member(CLUB)
    held = memberkit.balance(CLUB, state, at(2026, 3, 15))
    assert (held.available, held.schedule) == (2000, ((date(2026, 4, 1), 2000),))


def test_points_protected_by_a_paid_tier_expire_when_it_ends() -> None:
    """Once the club month is over the protected points expire."""
    assert memberkit.balance(CLUB, club_member(CLUB), at(2026, 4, 2)).available == 0


def test_a_paid_tier_alongside_meets_a_transfer_tier_condition() -> None:
    """A silver member in the club may send points though only gold and club may send."""
    send = event("transfer", "t1", at(2026, 3, 15), direction="out", points=100, counterparty="m2")
    _, outcome = memberkit.apply(CLUB, club_member(CLUB), send)
    assert outcome.accepted, outcome.reasons


def test_a_transfer_refusal_names_tiers_by_their_display_names() -> None:
    """After the club ends, the refusal reads 'Only Gold and Club members...' in English."""
    send = event("transfer", "t1", at(2026, 4, 15), direction="out", points=100, counterparty="m2")
    extra = purchase("o9", at(2026, 4, 10), ("l1", "general", "500"))
    state, _ = memberkit.apply(CLUB, club_member(CLUB), extra)
    _, outcome = memberkit.apply(CLUB, state, send)
    assert not outcome.accepted
    text = outcome.explain("en")
    assert text == "Only Gold and Club members may transfer points (current tier: Silver)."
    assert "仅金卡会员和俱乐部可转赠积分（当前等级：银卡会员）" in outcome.explain("zh_Hans")
