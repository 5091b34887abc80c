"""A window per tier: a tier reached over 12 full months ending any month and kept on the figures
of the term held, beside a ladder counting the calendar year (figures worked by hand per test)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.builders import activity, at, member, policy, purchase

import memberkit
from memberkit import PolicyError

HOTEL = policy(
    """
tiers:
  window: calendar_year
  ladder:
    - {id: basic}
    - {id: silver, qualify: {spend: 3000}}
    - id: gold
      qualify: {spend: 10000}
      retain: {spend: 8000}
      window: {qualify: {full_months: 12}, retain: validity}
      validity: {months_from_upgrade: 12}
"""
)
"""Silver on 3,000 in the calendar year; gold on 10,000 in the 12 whole months before the one in
progress, held 12 months from the upgrade and kept on 8,000 spent in that term."""


def _history(*extra: memberkit.Purchase) -> list[memberkit.Purchase]:
    """6,000 on 10 Mar 2026 and 5,000 on 20 Jun 2026, then ``extra``."""
    return [
        purchase("p1", at(2026, 3, 10), ("l1", "general", "6000")),
        purchase("p2", at(2026, 6, 20), ("l1", "general", "5000")),
        *extra,
    ]


def test_the_month_that_ends_reaches_the_tier_without_an_event() -> None:
    """11,000 by 20 Jun counts in the whole months only once June ends: gold on 1 Jul, 00:00."""
    state = memberkit.replay(HOTEL, member(), _history())
    # 20 Jun: the whole months are Jun 2025 to May 2026, 6,000; the calendar year's 11,000 is
    # silver.
    june = memberkit.tier_of(HOTEL, state, at(2026, 6, 30, 23, 59))
    assert june.tier == "silver"
    july = memberkit.tier_of(HOTEL, state, at(2026, 7, 1, 9, 0))
    assert (july.tier, july.since) == ("gold", at(2026, 7, 1, 0, 0))
    # 12 months from 1 Jul 2026: through 30 Jun 2027.
    assert july.valid_through == date(2027, 6, 30)
    due = memberkit.due_moments(HOTEL, state, at(2026, 6, 21), at(2026, 7, 31))
    assert due[0] == at(2026, 7, 1, 0, 0)


def test_a_purchase_after_the_month_end_sees_the_upgrade_the_agenda_made() -> None:
    """An order on 3 Jul finds gold in force since 1 Jul: the booking agrees with the query."""
    events = _history(purchase("p3", at(2026, 7, 3), ("l1", "general", "100")))
    state = memberkit.replay(HOTEL, member(), events)
    changes = [(c.tier, c.at, c.reason) for c in state.tiers.history]
    assert changes[-1] == ("gold", at(2026, 7, 1, 0, 0), "upgrade")
    queried = memberkit.tier_of(
        HOTEL, memberkit.replay(HOTEL, member(), _history()), at(2026, 7, 3)
    )
    assert queried.since == at(2026, 7, 1, 0, 0)


def test_the_term_held_keeps_the_tier_when_the_calendar_year_would_not() -> None:
    """8,000 on 1 Sep 2026 falls in the term (1 Jul 2026 to 30 Jun 2027): gold kept on 1 Jul 2027.

    Counted over the ladder's calendar year (2027 to 30 Jun: nothing) it would be lost.
    """
    events = _history(purchase("p3", at(2026, 9, 1), ("l1", "general", "8000")))
    state = memberkit.replay(HOTEL, member(), events, as_of=at(2027, 7, 2))
    kept = memberkit.tier_of(HOTEL, state, at(2027, 7, 2))
    # Reached again too: the whole months Jul 2026 - Jun 2027 hold 8,000 only, under 10,000;
    # the term's 8,000 meets retain (>= 8,000). Kept 12 more months from the review day.
    assert (kept.tier, kept.reached_by, kept.valid_through) == (
        "gold",
        "retained",
        date(2028, 6, 30),
    )


def test_a_term_without_the_figures_lands_where_the_other_windows_say() -> None:
    """Nothing spent in the term: gold ends on 1 Jul 2027, onto silver by the calendar year."""
    events = _history(purchase("p3", at(2027, 2, 1), ("l1", "general", "3500")))
    state = memberkit.replay(HOTEL, member(), events, as_of=at(2027, 7, 2))
    # The term (1 Jul 2026 to 30 Jun 2027) holds 3,500 < 8,000; silver's retain is its qualify
    # over the calendar year: 3,500 by 30 Jun 2027 >= 3,000.
    landed = memberkit.tier_of(HOTEL, state, at(2027, 7, 2))
    assert (landed.tier, landed.since) == ("silver", at(2027, 7, 1, 0, 0))


def test_a_validity_end_inside_the_year_also_reads_the_last_full_year() -> None:
    """No spend after June 2026: the term holds nothing, 2027 nothing; 2026's 11,000 (the last
    full calendar year, as at any validity end inside a window) keeps silver."""
    state = memberkit.replay(HOTEL, member(), _history(), as_of=at(2027, 7, 2))
    assert memberkit.tier_of(HOTEL, state, at(2027, 7, 2)).tier == "silver"
    # A year later the review of 1 Jan 2028 finds nothing in 2027: basic.
    later = memberkit.replay(HOTEL, member(), _history(), as_of=at(2028, 1, 2))
    assert memberkit.tier_of(HOTEL, later, at(2028, 1, 2)).tier == "basic"


def test_the_upgrading_order_counts_for_reaching_not_for_the_term_it_opens() -> None:
    """An order that reaches gold itself (by a whole-months window including June) opens the term
    after it: kept only on 8,000 spent after that order."""
    p = policy(
        """
tiers:
  window: calendar_year
  ladder:
    - {id: basic}
    - id: gold
      qualify: {spend: 10000}
      retain: {spend: 8000}
      window: {qualify: {full_months: 12, month_in_progress: include}, retain: validity}
      validity: {months_from_upgrade: 12}
"""
    )
    events = [purchase("p1", at(2026, 3, 10), ("l1", "general", "12000"))]
    state = memberkit.replay(p, member(), events, as_of=at(2027, 3, 11))
    # Upgraded at the order, 10 Mar 2026 12:00; held through 9 Mar 2027; the term holds nothing
    # after the order: down to basic on 10 Mar 2027.
    assert memberkit.tier_of(p, state, at(2026, 3, 11)).tier == "gold"
    assert memberkit.tier_of(p, state, at(2027, 3, 11)).tier == "basic"
    later = [*events, purchase("p2", at(2026, 3, 10, 12, 30), ("l1", "general", "8000"))]
    state = memberkit.replay(p, member(), later, as_of=at(2027, 3, 11))
    assert memberkit.tier_of(p, state, at(2027, 3, 11)).tier == "gold"


def test_progress_reads_the_next_tier_over_its_own_window() -> None:
    """On 25 Jun 2026 gold needs 10,000 in Jun 2025 - May 2026, where 6,000 is: 4,000 more."""
    state = memberkit.replay(HOTEL, member(), _history())
    found = memberkit.progress(HOTEL, state, at(2026, 6, 25))
    assert found.next_tier == "gold"
    (need,) = found.paths[0].needs
    assert (need.have, need.missing) == (Decimal(6000), Decimal(4000))


def test_progress_reads_retention_over_the_term() -> None:
    """Gold since 1 Jul 2026 with 5,000 spent on 1 Oct: asked on 2 Jan 2027, 3,000 more by the
    end of the term, 1 Jul 2027 (the calendar review of 1 Jan 2028 comes later)."""
    events = _history(purchase("p3", at(2026, 10, 1), ("l1", "general", "5000")))
    state = memberkit.replay(HOTEL, member(), events)
    found = memberkit.progress(HOTEL, state, at(2027, 1, 2))
    assert found.review_at == at(2027, 7, 1, 0, 0)
    (need,) = found.retain_paths[0].needs
    assert (need.have, need.missing) == (Decimal(5000), Decimal(3000))


def test_the_explanation_names_each_tier_window() -> None:
    """Gold's thresholds are explained over their own windows, in the member's language."""
    state = memberkit.replay(HOTEL, member(), _history())
    decision = memberkit.tier_of(HOTEL, state, at(2026, 7, 2))
    # Jul 2025 - Jun 2026: 11,000 >= 10,000.
    assert "前 12 个整月" in decision.explain("zh_Hans")
    assert "in the last 12 full months" in decision.explain("en")
    events = _history(purchase("p3", at(2027, 6, 5), ("l1", "general", "8000")))
    held = memberkit.tier_of(HOTEL, memberkit.replay(HOTEL, member(), events), at(2027, 6, 20))
    # Jun 2026 - May 2027 hold 5,000 (no longer reaching gold); the term since 1 Jul 2026
    # holds 8,000, which keeps it.
    assert "本有效期内" in held.explain("zh_Hans")
    assert "in the term held" in held.explain("en")


def test_a_tier_window_for_both_parts_judges_reaching_and_keeping() -> None:
    """Platinum on 20,000 in the last 12 months (rolling), the rest on the calendar year."""
    p = policy(
        """
tiers:
  window: calendar_year
  review: {fixed: "01-01"}
  ladder:
    - {id: basic}
    - {id: gold, qualify: {spend: 10000}}
    - {id: platinum, qualify: {spend: 20000}, window: {rolling_months: 12}}
"""
    )
    events = [
        purchase("p1", at(2026, 11, 1), ("l1", "general", "12000")),
        purchase("p2", at(2027, 2, 1), ("l1", "general", "9000")),
    ]
    state = memberkit.replay(p, member(), events, as_of=at(2028, 1, 2))
    # 1 Feb 2027: the last 12 months hold 21,000 (platinum); the calendar year 9,000.
    assert memberkit.tier_of(p, state, at(2027, 2, 2)).tier == "platinum"
    # Review on 1 Jan 2028: the 12 months to 31 Dec 2027 hold 9,000 (no platinum); 2027's
    # 9,000 is under gold's 10,000: basic.
    assert memberkit.tier_of(p, state, at(2028, 1, 2)).tier == "basic"


@pytest.mark.parametrize(
    ("tier", "where", "code"),
    [
        # The first tier judges nothing.
        ("{id: basic, window: calendar_month}", "tiers.ladder[0].window", "base_threshold"),
        # 'validity' reads a term the tier must state.
        (
            "{id: gold, qualify: {spend: 10}, window: {retain: validity}}",
            "tiers.ladder[1].window.retain",
            "no_validity",
        ),
    ],
)
def test_refusals_are_located(tier: str, where: str, code: str) -> None:
    """Each refusal names its place and what to write."""
    first, rest = (tier, "") if "basic" in tier else ("{id: basic}", tier)
    body = f"tiers:\n  ladder:\n    - {first}\n" + (f"    - {rest}\n" if rest else "")
    with pytest.raises(PolicyError) as caught:
        policy(body)
    found = [(i.path, i.code) for i in caught.value.issues]
    assert (where, code) in found


def _issues(body: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        policy(body)
    return [f"{i.path}: {i.message} [{i.code}]" for i in caught.value.issues]


def test_validity_reaches_no_tier() -> None:
    """A term held cannot judge reaching a tier: the message says to write it under retain."""
    (found,) = _issues(
        "tiers:\n  ladder:\n    - {id: basic}\n"
        "    - {id: gold, qualify: {spend: 10}, window: validity}\n"
    )
    assert found.startswith("tiers.ladder[1].window: ")
    assert "'validity' judges keeping a tier, not reaching it" in found
    assert "window: {retain: validity}" in found


def test_the_ladder_window_is_one_window() -> None:
    """Per-part windows on the ladder are refused with where to write them."""
    (found,) = _issues("tiers:\n  window: {qualify: calendar_year}\n  ladder:\n    - {id: basic}\n")
    assert "names them on the tier: window: {qualify: W, retain: W}" in found


def test_a_window_without_a_threshold_to_judge_has_no_effect() -> None:
    """A window on a tier with no qualify (it is reached another way) is refused as no effect."""
    found = _issues(
        "tiers:\n  ladder:\n    - {id: basic}\n"
        "    - {id: gold, lifetime_requires: {spend: 10}, window: {qualify: calendar_month}}\n"
    )
    assert any(f.startswith("tiers.ladder[1].window: 'gold' has no qualify") for f in found)


def test_rollover_and_a_tier_window_are_refused_together() -> None:
    """Rollover carries between the ladder's windows; a tier with its own has none to take it."""
    found = _issues(
        "tiers:\n  rollover: {spend: {cap: 100}}\n  ladder:\n    - {id: basic}\n"
        "    - {id: gold, qualify: {spend: 10}, window: {rolling_months: 12}}\n"
    )
    assert any(f.endswith("[rollover_window]") and "ladder[1].window" in f for f in found)


def test_an_unknown_tier_window_says_what_exists() -> None:
    """A misspelt window on a tier reads like one on the ladder, with a suggestion."""
    (found,) = _issues(
        "tiers:\n  ladder:\n    - {id: basic}\n"
        "    - {id: gold, qualify: {spend: 10}, window: {qualify: calender_year}}\n"
    )
    assert "'calender_year' is not one of 'calendar_year'" in found
    assert "did you mean 'calendar_year'" in found
    assert "validity" not in found


def _month_starts(first: datetime, last: datetime) -> list[datetime]:
    out = []
    day = date(first.year, first.month, 1)
    while True:
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        moment = at(day.year, day.month, 1, 0, 0)
        if moment > last:
            return out
        out.append(moment)


_SPENDS = st.lists(
    st.tuples(st.integers(0, 700), st.sampled_from([500, 1500, 3000, 4500])),
    min_size=1,
    max_size=8,
)


@settings(max_examples=40)
@given(_SPENDS)
def test_whole_months_reaching_gold_hold_gold_on_the_first_of_the_month(
    spends: list[tuple[int, int]],
) -> None:
    """On the first of a month, a member whose 12 whole months hold 10,000 is gold; applied
    one event at a time through JSON, the member is the one replayed at once."""
    start = at(2026, 1, 1, 10, 0)
    events = [
        purchase(f"p{i}", start + timedelta(days=d, minutes=i), ("l1", "general", str(amount)))
        for i, (d, amount) in enumerate(sorted(spends))
    ]
    # The first of each month after one holding an order: when the whole months take one in.
    firsts = sorted({_month_starts(e.at, e.at + timedelta(days=31))[0] for e in events})
    for moment in firsts:
        before = [e for e in events if e.at < moment]
        state = memberkit.replay(HOTEL, member(), before, as_of=moment)
        window_start = at(moment.year - 1, moment.month, 1, 0, 0)
        held = sum((Decimal(e.lines[0].amount) for e in before if e.at >= window_start), Decimal(0))
        if held >= 10000:
            assert memberkit.tier_of(HOTEL, state, moment).tier == "gold", (moment, held)
    stepped = member()
    for event in events:
        stepped = memberkit.apply(HOTEL, stepped, event)[0]
        stepped = memberkit.state_from_json(memberkit.state_to_json(stepped))
    assert stepped == memberkit.replay(HOTEL, member(), events)


def test_a_rolling_retain_window_reads_no_older_window_at_a_validity_end() -> None:
    """Gold on 10,000 on 1 Feb 2026, held 14 months (to 1 Apr 2027), kept on 8,000 over the last
    12 months: at its end those months (1 Apr 2026 to 31 Mar 2027) hold nothing, so gold goes,
    though the 12 months to 31 Dec 2026 held 10,000 (a rolling window is whole at any moment; only
    silver's calendar year, cut short, reads 2026 too: silver)."""
    p = policy(
        """
tiers:
  window: calendar_year
  ladder:
    - {id: basic}
    - {id: silver, qualify: {spend: 3000}}
    - id: gold
      qualify: {spend: 10000}
      retain: {spend: 8000}
      window: {rolling_months: 12}
      validity: {months_from_upgrade: 14}
"""
    )
    events = [purchase("p1", at(2026, 2, 1), ("l1", "general", "10000"))]
    state = memberkit.replay(p, member(), events, as_of=at(2027, 4, 2))
    last = state.tiers.history[-1]
    assert (last.tier, last.reason, last.at, last.valid_until) == (
        "silver",
        "downgrade",
        at(2027, 4, 1, 0, 0),
        None,
    )


def test_validity_under_qualify_says_it_belongs_under_retain() -> None:
    """'validity' written under qualify, already on the tier: the message says it judges keeping,
    not reaching, and to write it under retain (not "on the tier", where it already is)."""
    (found,) = _issues(
        "tiers:\n  ladder:\n    - {id: basic}\n"
        "    - {id: gold, qualify: {spend: 10}, window: {qualify: validity}}\n"
    )
    assert found.startswith("tiers.ladder[1].window.qualify: ")
    assert "judges keeping a tier, not reaching it" in found
    assert "window: {retain: validity}" in found
    assert "write it on the tier" not in found


def test_a_posting_that_reaches_the_tier_counts_for_reaching_not_for_the_term() -> None:
    """Ten nights out on 10 Mar 2026 post on 11 Mar 11:00 and reach gold then, held 12 months:
    at the 11 Mar 2027 review the term holds no other night, so gold (kept on 8) goes, as it
    would had a purchase reached it; the posted ten are not counted twice."""
    p = policy(
        """
tiers:
  window: calendar_year
  measures:
    nights:
      of: sum
      kind: stay
      field: attr.nights
      name: {en: nights, zh_Hans: 间夜, zh_Hant: 間夜}
      posts: {days: 1}
  ladder:
    - {id: basic}
    - id: gold
      qualify: {nights: 10}
      retain: {nights: 8}
      window: {retain: validity}
      validity: {months_from_upgrade: 12}
"""
    )
    stay = activity("s1", at(2026, 3, 10, 11), "stay", attributes={"nights": 10})
    state = memberkit.replay(p, member(), [stay], as_of=at(2027, 3, 20))
    changes = [(c.tier, c.reason, c.at) for c in state.tiers.history[1:]]
    assert changes == [
        ("gold", "upgrade", at(2026, 3, 11, 11)),
        ("basic", "downgrade", at(2027, 3, 11, 0)),
    ]
