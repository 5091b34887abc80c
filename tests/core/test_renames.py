"""Renamed tiers and currencies: members carried over at a version's start, stored states read
through the policy's renames, and an id nothing explains refused with a StateError."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import at, member, purchase, refund

import memberkit
from memberkit import MemberState, Policy, StateError
from memberkit.benefits import check_benefit
from memberkit.i18n import render
from memberkit.lifecycle import lifecycle_stage

HEAD = """memberkit: 1
program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en}
"""

OLD_PARTS = """tiers:
  ladder:
    - {id: basic, name: Member}
    - {id: gold, name: {en: Gold, zh_Hans: 金卡, zh_Hant: 金卡}, qualify: {spend: 1000}}
    - {id: platinum, name: Platinum, qualify: {spend: 5000}}
  upgrade: immediate
points:
  currencies:
    - {id: stars, name: {en: stars, zh_Hans: 星星, zh_Hant: 星星}, expiry: {rolling_months: 24}}
  earn:
    - {id: base, per: 1 CNY, points: 1}
benefits:
  - {id: lounge, tiers: [gold, platinum]}
lifecycle:
  stages:
    - {id: active, when: {recency_days: {"<=": 90}}}
    - {id: lapsed}
  default: lapsed
"""

NEW_PARTS = """tiers:
  ladder:
    - {id: basic, name: Member}
    - {id: vip, name: {en: VIP, zh_Hans: 贵宾, zh_Hant: 貴賓}, qualify: {spend: 1000}}
  upgrade: immediate
points:
  currencies:
    - {id: beans, name: {en: beans, zh_Hans: 豆子, zh_Hant: 豆子}, expiry: {rolling_months: 24}}
  earn:
    - {id: base, per: 1 CNY, points: 1}
benefits:
  - {id: lounge, tiers: [vip]}
"""

RENAMES = "{tiers: {gold: vip, platinum: vip}, currencies: {stars: beans}}"


def indented(text: str, by: int) -> str:
    """``text`` with every line indented by ``by`` spaces."""
    return "".join(" " * by + line + "\n" for line in text.splitlines())


def versioned(renames: str | None = RENAMES) -> Policy:
    """The old programme with a version from 1 Jul 2026 that renames gold and stars."""
    version = "  - effective_from: 2026-07-01\n    announced: 2026-06-01\n"
    if renames is not None:
        version += f"    renames: {renames}\n"
    version += indented(NEW_PARTS, 4)
    return memberkit.parse_policy(HEAD + OLD_PARTS + "versions:\n" + version, source="v.yaml")


def edited(renames: str | None) -> Policy:
    """The new programme as an edited file (no version), with a top-level ``renames:``."""
    top = f"renames: {renames}\n" if renames is not None else ""
    return memberkit.parse_policy(HEAD + top + NEW_PARTS, source="new.yaml")


OLD = memberkit.parse_policy(HEAD + OLD_PARTS, source="old.yaml")


def gold_member(policy: Policy) -> MemberState:
    """A member who spent 2000 CNY on 1 Mar 2026: gold (1000) and 2000 stars."""
    state, _ = memberkit.apply(
        policy, member(), purchase("o1", at(2026, 3, 1), ("l1", "general", "2000"))
    )
    return state


AUGUST = at(2026, 8, 1)


def test_a_version_renaming_a_tier_moves_its_members_at_the_start() -> None:
    """Gold from 1 Mar is vip from 1 Jul, held since 1 Mar (the same standing, a new name)."""
    policy = versioned()
    state = gold_member(policy)
    before = memberkit.tier_of(policy, state, at(2026, 6, 30))
    after = memberkit.tier_of(policy, state, AUGUST)
    assert (before.tier, after.tier, after.since) == ("gold", "vip", at(2026, 3, 1))


def test_a_renamed_currency_carries_the_balance_over() -> None:
    """2000 stars earned in March are 2000 beans in August, expiring on the same day."""
    policy = versioned()
    state = gold_member(policy)
    held = memberkit.balance(policy, state, AUGUST)
    assert (held.currency, held.available) == ("beans", 2000)
    assert held.schedule == ((date(2028, 3, 1), 2000),)


def test_the_rename_is_a_recorded_tier_change() -> None:
    """The history gains a change to vip at the version's start, with the reason 'renamed'."""
    policy = versioned()
    state, _ = memberkit.advance(policy, gold_member(policy), AUGUST)
    last = state.tiers.history[-1]
    assert (last.tier, last.reason, last.at) == ("vip", "renamed", at(2026, 7, 1, 0, 0))


@pytest.mark.parametrize(
    ("locale", "texts"),
    [
        (
            "en",
            [
                "Gold is called VIP from Jul 1, 2026: the programme renamed the tier, and "
                "members who held it hold VIP.",
                "stars is called beans from Jul 1, 2026: your 2,000 stars carry on as 2,000 "
                "beans, with the same dates.",
            ],
        ),
        (
            "zh_Hans",
            [
                "自 2026年7月1日 起金卡更名为贵宾：原金卡会员现为贵宾会员。",
                "自 2026年7月1日 起星星更名为豆子：您的 2,000 星星转为 2,000 豆子，有效期不变。",
            ],
        ),
        (
            "zh_Hant",
            [
                "自 2026年7月1日 起金卡更名為貴賓：原金卡會員現為貴賓會員。",
                "自 2026年7月1日 起星星更名為豆子：您的 2,000 星星轉為 2,000 豆子，有效期不變。",
            ],
        ),
    ],
)
def test_advancing_over_the_rename_explains_it(locale: str, texts: list[str]) -> None:
    """The reasons of the advance say, in each locale, that gold and stars were renamed."""
    policy = versioned()
    _, reasons = memberkit.advance(policy, gold_member(policy), AUGUST)
    assert [r.code for r in reasons] == ["tier.renamed", "points.currency_renamed"]
    assert [render(r, locale) for r in reasons] == texts


def test_a_refund_after_the_rename_takes_the_renamed_points_back() -> None:
    """Refunding the March order in August takes its 2000 beans: the balance goes to 0."""
    policy = versioned()
    state, outcome = memberkit.apply(policy, gold_member(policy), refund("r1", AUGUST, "o1"))
    assert not outcome.refused
    assert memberkit.balance(policy, state, AUGUST).available == 0


def test_merged_tiers_both_land_in_the_target() -> None:
    """A platinum member (6000 spent) is vip after the version too: two tiers became one."""
    policy = versioned()
    state, _ = memberkit.apply(
        policy, member(), purchase("o1", at(2026, 3, 1), ("l1", "general", "6000"))
    )
    assert memberkit.tier_of(policy, state, at(2026, 6, 30)).tier == "platinum"
    assert memberkit.tier_of(policy, state, AUGUST).tier == "vip"


def test_a_grant_across_the_start_carries_on_under_the_new_id() -> None:
    """Gold granted 1 Jun through 30 Sep is vip from 1 Jul and ends on 30 Sep all the same."""
    policy = versioned()
    grant = memberkit.parse_event(
        {
            "type": "tier_grant",
            "id": "g1",
            "at": at(2026, 6, 1),
            "tier": "gold",
            "through": "2026-09-30",
            "reason": "match",
        }
    )
    state, _ = memberkit.apply(policy, member(), grant)
    assert memberkit.tier_of(policy, state, AUGUST).tier == "vip"
    assert memberkit.tier_of(policy, state, at(2026, 10, 1)).tier == "basic"


def test_a_benefit_of_the_renamed_tier_stays_allowed() -> None:
    """The lounge for gold in June is the lounge for vip in August."""
    policy = versioned()
    state = gold_member(policy)
    assert check_benefit(policy, state, "lounge", at(2026, 6, 30)).allowed
    assert check_benefit(policy, state, "lounge", AUGUST).allowed


def test_a_stored_state_is_read_through_an_edited_policys_renames() -> None:
    """A state written under the old file reads as vip with 2000 beans under the edited one."""
    stored = memberkit.state_from_json(memberkit.state_to_json(gold_member(OLD)))
    policy = edited(RENAMES)
    assert memberkit.tier_of(policy, stored, AUGUST).tier == "vip"
    assert memberkit.balance(policy, stored, AUGUST).available == 2000
    state, _ = memberkit.apply(policy, stored, refund("r1", AUGUST, "o1"))
    assert memberkit.balance(policy, state, AUGUST).available == 0
    assert {lot.currency for lot in state.points.lots} == {"beans"}


QUERIES: list[tuple[str, Callable[[Policy, MemberState, datetime], object]]] = [
    ("tier_of", memberkit.tier_of),
    ("progress", memberkit.progress),
    ("balance", lambda p, s, t: memberkit.balance(p, s, t)),
    ("check_benefit", lambda p, s, t: check_benefit(p, s, "lounge", t)),
    ("lifecycle_stage", lifecycle_stage),
    ("advance", memberkit.advance),
    ("apply", lambda p, s, t: memberkit.apply(p, s, purchase("o2", t))),
]


@pytest.mark.parametrize(("name", "query"), QUERIES, ids=[q[0] for q in QUERIES])
@pytest.mark.parametrize(
    ("renames", "unknown"),
    [
        (None, "tier 'gold' and the points currency 'stars'"),
        ("{currencies: {stars: beans}}", "tier 'gold'"),
        ("{tiers: {gold: vip, platinum: vip}}", "points currency 'stars'"),
    ],
)
def test_an_unexplained_id_in_a_stored_state_is_a_state_error(
    name: str,
    query: Callable[[Policy, MemberState, datetime], object],
    renames: str | None,
    unknown: str,
) -> None:
    """Every query and apply on a state holding an id the policy lacks raises StateError naming
    the member and the id (it raised KeyError('gold') before)."""
    stored = gold_member(OLD)
    with pytest.raises(StateError) as caught:
        query(edited(renames), stored, AUGUST)
    message = str(caught.value)
    assert "member 'm1'" in message
    assert f"holds the {unknown}" in message
    assert "renames:" in message


def test_the_state_error_suggests_the_renames_entry() -> None:
    """A tier with a close new id is suggested as the rename target."""
    stored = gold_member(OLD)
    policy = memberkit.parse_policy(
        HEAD + "renames: {currencies: {stars: beans}}\n" + NEW_PARTS.replace("vip", "golden")
    )
    with pytest.raises(StateError) as caught:
        memberkit.tier_of(policy, stored, AUGUST)
    assert str(caught.value) == (
        "member 'm1' holds the tier 'gold' (did you mean 'golden'?), which the policy does not "
        "have (its tiers: basic, golden); if the policy renamed them, say where they went at the "
        "top level of the policy: renames: {tiers: {gold: golden}}"
    )


def test_a_state_before_the_version_is_untouched_by_reading() -> None:
    """Reading a state whose ids the edition in force knows changes nothing."""
    policy = versioned()
    state = gold_member(policy)
    advanced, _ = memberkit.advance(policy, state, at(2026, 6, 30))
    assert advanced.tiers.history[-1].tier == "gold"
    assert {lot.currency for lot in advanced.points.lots} == {"stars"}


def _same_names() -> Policy:
    """The versioned programme with the version keeping the ids gold and stars (no rename of
    them; platinum still folds into gold)."""
    parts = NEW_PARTS.replace("vip", "gold").replace("beans", "stars")
    version = (
        "  - effective_from: 2026-07-01\n    announced: 2026-06-01\n"
        "    renames: {tiers: {platinum: gold}}\n" + indented(parts, 4)
    )
    return memberkit.parse_policy(HEAD + OLD_PARTS + "versions:\n" + version, source="s.yaml")


SAME = _same_names()
RENAMED = versioned()
TIER_AS = {"gold": "vip"}

_events = st.lists(
    st.tuples(st.integers(0, 500), st.integers(1, 3000), st.booleans()), min_size=1, max_size=8
)


@given(_events, st.integers(0, 700))
def test_a_rename_changes_nothing_but_the_names(
    events: list[tuple[int, int, bool]], asked: int
) -> None:
    """Under any history, the renaming version and one keeping the old ids agree on tier,
    balance and expiry schedule at any moment, gold read as vip and stars as beans."""
    start = at(2026, 1, 2)
    history: list[memberkit.Event] = []
    orders: list[str] = []
    for n, (day, amount, is_refund) in enumerate(sorted(events)):
        when = start + timedelta(days=day, minutes=n)
        if is_refund and orders:
            history.append(refund(f"r{n}", when, orders.pop(0)))
        else:
            history.append(purchase(f"o{n}", when, ("l1", "general", str(amount))))
            orders.append(f"o{n}")
    as_of = max(start + timedelta(days=asked), history[-1].at)
    same = memberkit.replay(SAME, member(), history, as_of=as_of)
    renamed = memberkit.replay(RENAMED, member(), history, as_of=as_of)
    tier_same = memberkit.tier_of(SAME, same, as_of).tier
    assert memberkit.tier_of(RENAMED, renamed, as_of).tier == (
        TIER_AS.get(tier_same, tier_same) if as_of >= at(2026, 7, 1, 0, 0) else tier_same
    )
    held_same = memberkit.balance(SAME, same, as_of)
    held_renamed = memberkit.balance(RENAMED, renamed, as_of)
    assert (held_renamed.available, held_renamed.pending, held_renamed.schedule) == (
        held_same.available,
        held_same.pending,
        held_same.schedule,
    )


def test_renames_chain_across_versions() -> None:
    """gold → vip on 1 Jul 2026, vip → elite on 1 Jan 2027: the March gold member is elite in
    2027, held since March, and a state stored before both reads as elite too."""
    later = (
        "  - effective_from: 2027-01-01\n    announced: 2026-12-01\n"
        "    renames: {tiers: {vip: elite}}\n" + indented(NEW_PARTS.replace("vip", "elite"), 4)
    )
    version = (
        "  - effective_from: 2026-07-01\n    announced: 2026-06-01\n"
        f"    renames: {RENAMES}\n" + indented(NEW_PARTS, 4) + later
    )
    policy = memberkit.parse_policy(HEAD + OLD_PARTS + "versions:\n" + version)
    state = gold_member(policy)
    decision = memberkit.tier_of(policy, state, at(2027, 2, 1))
    assert (decision.tier, decision.since) == ("elite", at(2026, 3, 1))
    advanced, _ = memberkit.advance(policy, state, at(2027, 2, 1))
    assert [c.tier for c in advanced.tiers.history if c.reason == "renamed"] == ["vip", "elite"]
    # A state stored under the old file, first read in February 2027 at its last event.
    stored = gold_member(OLD)
    later_state, _ = memberkit.apply(policy, stored, purchase("o2", at(2027, 2, 1)))
    assert memberkit.tier_of(policy, later_state, at(2027, 2, 1)).tier == "elite"
