"""The whole retail example end to end: events replayed by the engine, then lifecycle questions."""

from __future__ import annotations

from tests.builders import at, member, purchase
from tests.lifecycle.builders import RETAIL

import memberkit
from memberkit.lifecycle import programme_kpis, select_audience

POLICY = memberkit.load_policy(RETAIL)


def _gold_shopper() -> memberkit.MemberState:
    events = [
        purchase("o1", at(2026, 3, 1), ("l1", "general", "5000")),
        purchase("o2", at(2026, 5, 20), ("l1", "general", "4000")),
    ]
    return memberkit.replay(POLICY, member(), events, as_of=at(2026, 6, 1))


def test_the_engine_tier_feeds_the_gold_audience() -> None:
    """Spending 9,000 makes the member gold through the tiers part; the audience then selects them."""
    state = _gold_shopper()
    assert state.tiers.tier_at(at(2026, 6, 1)) == "gold"
    chosen = list(select_audience(POLICY, [state], "gold-active", at(2026, 6, 1)))
    assert [m.member_id for m in chosen] == ["m1"]


def test_the_stage_of_a_replayed_member() -> None:
    """Two purchases since joining on 1 Jan: past the one-purchase 'new' rule, so growing."""
    decision = memberkit.lifecycle_stage(POLICY, _gold_shopper(), at(2026, 6, 1))
    assert (decision.stage, decision.tier) == ("growing", "gold")


def test_points_kpis_read_the_engine_journal() -> None:
    """The points the engine credited show up as issued and outstanding in the KPIs."""
    state = _gold_shopper()
    kpis = programme_kpis(POLICY, [state], at(2026, 1, 1, 0, 0), at(2026, 7, 1, 0, 0))
    journal = [e for e in state.points.journal if e.currency == "points"]
    issued = sum(e.points for e in journal if e.kind in ("earn", "bonus"))
    flows = {f.currency: f for f in kpis.points}
    assert issued > 0
    assert flows["points"].issued == issued
    assert flows["points"].outstanding == sum(e.points for e in journal)
