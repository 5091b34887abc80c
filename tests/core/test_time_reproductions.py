"""Issue 12's reproductions, one test each: every answer is the answer at the moment asked.

Each was seen wrong on main before the agenda (757ab23); the figures in the comments are worked
out by hand from the policy written beside them. All moments are on the Shanghai wall clock.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from tests.builders import activity, at, purchase, state_on
from tests.tiers.builders import grant

import memberkit
from memberkit import MemberState, Policy
from memberkit.cli import main

HEAD = "memberkit: 1\nprogram: {id: r, currency: CNY, timezone: Asia/Shanghai, locale: en}\n"


def policy(body: str, head: str = HEAD) -> Policy:
    """A policy from the programme head and ``body`` (YAML)."""
    return memberkit.parse_policy(head + body, source="repro.yaml")


def joined(year: int = 2025) -> MemberState:
    """A member who joined on 1 Jan of ``year``."""
    return memberkit.new_member("m1", at(year, 1, 1, 0, 0))


def available(p: Policy, state: MemberState, when: datetime) -> int | Decimal:
    """The spendable points at ``when``."""
    return memberkit.balance(p, state, when).available


# --- balance() and tier protection --------------------------------------------------------------

PROTECTED = policy("""
tiers:
  window: calendar_year
  ladder:
    - {id: basic, name: Basic}
    - {id: gold, name: Gold, qualify: {spend: 1000}}
  upgrade: immediate
points:
  earn:
    - {id: base, per: 1 CNY, points: 1}
  expiry: {fixed: "12-31", years_after_earning: 0, never_while_tier: [gold]}
""")
"""Points earned in year Y are valid through 31 Dec of Y, but never expire while gold is held."""


def test_balance_drops_protected_points_once_a_granted_tier_has_ended() -> None:
    """A gold grant valid through 30 Jun 2026 protects the points only that long: in March 2027
    tier_of says basic and balance says 0, as after advance()."""
    # 500 CNY on 1 Feb 2025: 500 points valid through 31 Dec 2025, below gold's 1,000.
    # Gold granted on 1 Dec 2025 until 1 Jul 2026 00:00 (valid through 30 Jun 2026): the points'
    # date passes while gold is held, so they are kept until the grant ends, then expire.
    state = memberkit.replay(
        PROTECTED,
        joined(),
        [
            purchase("o1", at(2025, 2, 1), ("l1", "general", "500")),
            grant("g1", at(2025, 12, 1), "gold", until=at(2026, 7, 1, 0, 0)),
        ],
    )
    march = at(2027, 3, 15)
    assert memberkit.tier_of(PROTECTED, state, march).tier == "basic"
    held = memberkit.balance(PROTECTED, state, march)
    assert (held.available, held.schedule) == (0, ())
    assert "points.protected_by_tier" not in [r.code for r in held.reasons]
    advanced, _ = memberkit.advance(PROTECTED, state, march)
    assert memberkit.balance(PROTECTED, advanced, march) == held
    # Through the grant's last day the points are there and the balance says why.
    june = memberkit.balance(PROTECTED, state, at(2026, 6, 30, 23, 59, 59))
    assert june.available == 500
    assert "500 points do not expire while the Gold tier is held." in june.explain("en")
    assert available(PROTECTED, state, at(2026, 7, 1, 0, 0)) == 0
    # They stopped being valid as 1 Jul began, and count as expired on that day.
    gone = memberkit.expired(PROTECTED, state, date(2026, 6, 1), date(2026, 7, 31))
    assert (gone.points, gone.items) == (500, ((date(2026, 6, 30), 500),))


def test_balance_drops_protected_points_once_a_review_took_the_tier() -> None:
    """Gold earned in 2025 and kept by the 1 Jan 2026 review is lost at the 1 Jan 2027 review,
    and the points it protected expire then, asked in March 2027 with or without advance()."""
    # 1,000 CNY on 1 Feb 2025: gold at once, and 1,000 points valid through 31 Dec 2025, kept
    # while gold is held. Review on 1 Jan 2026 (2025: 1,000 spent) keeps gold; review on 1 Jan
    # 2027 (2026: nothing spent) takes it, and the points expire at that moment.
    state = memberkit.replay(
        PROTECTED, joined(), [purchase("o1", at(2025, 2, 1), ("l1", "general", "1000"))]
    )
    december = at(2026, 12, 31, 23, 59, 59)
    assert memberkit.tier_of(PROTECTED, state, december).tier == "gold"
    assert available(PROTECTED, state, december) == 1000
    march = at(2027, 3, 15)
    assert memberkit.tier_of(PROTECTED, state, march).tier == "basic"
    assert available(PROTECTED, state, march) == 0
    advanced, _ = memberkit.advance(PROTECTED, state, march)
    assert memberkit.balance(PROTECTED, advanced, march) == memberkit.balance(
        PROTECTED, state, march
    )
    # Asking in March 2027 whether anything will expire by the end of the year: nothing is left.
    assert memberkit.expiring(PROTECTED, state, march, through=date(2027, 12, 31)).points == 0


# --- quote_points after the tier ended ----------------------------------------------------------

MULTIPLIED = policy("""
tiers:
  window: calendar_year
  ladder:
    - {id: basic, name: Basic}
    - {id: gold, name: Gold, qualify: {spend: 1000}}
  upgrade: immediate
points:
  earn:
    - {id: base, per: 1 CNY, points: 1}
    - {id: gold-bonus, multiply: {by_tier: {gold: 1.5}}}
    - {id: checkin, on: checkin, points: 5}
""")
"""1 point per yuan, ×1.5 for gold; 5 points a check-in."""


def quoted_and_booked(p: Policy, state: MemberState, event: memberkit.Event) -> tuple[int, int]:
    """The points a quote gives and the points apply books for ``event``."""
    quote = memberkit.quote_points(p, state, event)
    new, outcome = memberkit.apply(p, state, event)
    assert outcome.accepted
    booked = sum(
        int(e.points)
        for e in new.points.journal
        if e.event_id == event.id and e.kind in ("earn", "bonus")
    )
    return int(quote.total("points")), booked


def test_a_quote_after_a_grant_ended_uses_the_tier_then() -> None:
    """Gold granted until 1 Jul 2026: an order of 200 quoted in August earns 200 (basic), as booked,
    while the same order in June earns 300 (gold)."""
    state = memberkit.replay(
        MULTIPLIED, joined(2026), [grant("g1", at(2026, 3, 1), "gold", until=at(2026, 7, 1, 0, 0))]
    )
    june = purchase("o1", at(2026, 6, 15), ("l1", "general", "200"))
    august = purchase("o1", at(2026, 8, 15), ("l1", "general", "200"))
    assert quoted_and_booked(MULTIPLIED, state, june) == (300, 300)
    assert quoted_and_booked(MULTIPLIED, state, august) == (200, 200)
    assert memberkit.tier_of(MULTIPLIED, state, august.at).tier == "basic"


def test_a_quote_after_a_review_took_the_tier_uses_the_tier_then() -> None:
    """Gold earned with 1,000 in 2025 is lost at the 1 Jan 2027 review: an order of 1,000 in
    February 2027 quotes 1,000, not 1,500, and books the same."""
    state = memberkit.replay(
        MULTIPLIED, joined(), [purchase("o1", at(2025, 2, 1), ("l1", "general", "1000"))]
    )
    order = purchase("o2", at(2027, 2, 1), ("l1", "general", "1000"))
    quote = memberkit.quote_points(MULTIPLIED, state, order)
    assert [line.rule for line in quote.lines] == ["base"]
    assert quoted_and_booked(MULTIPLIED, state, order) == (1000, 1000)


VALIDITY = policy("""
tiers:
  window: {rolling_months: 3}
  review: {fixed: "12-01"}
  ladder:
    - {id: basic, name: Basic}
    - {id: gold, name: Gold, qualify: {spend: 1000}, validity: {months_from_upgrade: 6}}
  upgrade: immediate
points:
  earn:
    - {id: base, per: 1 CNY, points: 1}
    - {id: gold-bonus, multiply: {by_tier: {gold: 1.5}}}
""")
"""Gold on 1,000 spent in the trailing 3 months, held 6 months from the upgrade day."""


def test_a_quote_after_a_validity_ended_uses_the_tier_then() -> None:
    """Gold from 1 Feb 2026 is valid through 31 Jul; the review at its end finds nothing spent in
    the last 3 months, so an order of 200 quotes 300 on 31 Jul and 200 on 15 Aug, as booked."""
    state = memberkit.replay(
        VALIDITY, joined(2026), [purchase("o1", at(2026, 2, 1), ("l1", "general", "1000"))]
    )
    last_day = purchase("o2", at(2026, 7, 31, 23), ("l1", "general", "200"))
    after = purchase("o2", at(2026, 8, 15), ("l1", "general", "200"))
    assert quoted_and_booked(VALIDITY, state, last_day) == (300, 300)
    assert quoted_and_booked(VALIDITY, state, after) == (200, 200)
    assert memberkit.tier_of(VALIDITY, state, after.at).tier == "basic"


def test_an_activity_is_quoted() -> None:
    """quote_points of a check-in quotes its 5 points, as apply books them."""
    state = memberkit.replay(
        MULTIPLIED, joined(2026), [purchase("o1", at(2026, 2, 1), ("l1", "general", "10"))]
    )
    checkin = activity("c1", at(2026, 2, 2), "checkin")
    quote = memberkit.quote_points(MULTIPLIED, state, checkin)
    assert [(line.rule, line.points) for line in quote.lines] == [("checkin", 5)]
    assert quoted_and_booked(MULTIPLIED, state, checkin) == (5, 5)


# --- a question before the last event -----------------------------------------------------------

SPEND = policy("""
points:
  earn:
    - {id: base, per: 1 CNY, points: 1}
  redeem: {points_per_unit: 100}
""")


def _bought_and_redeemed() -> tuple[list[memberkit.Event], MemberState]:
    """Bought 120 on 3 Jan 2026 (120 points), redeemed 100 on 15 Jun 2026 (20 left)."""
    events: list[memberkit.Event] = [
        purchase("o1", at(2026, 1, 3), ("l1", "general", "120")),
        memberkit.parse_event(
            {"type": "redemption", "id": "r1", "at": at(2026, 6, 15), "points": 100}
        ),
    ]
    return events, memberkit.replay(SPEND, joined(2026), events)


def test_a_question_before_the_last_event_is_refused_and_says_to_replay() -> None:
    """Balance on 1 Feb asked of the state after the June redemption raises AsOfError naming
    replay; replaying the events up to 1 Feb answers 120."""
    events, state = _bought_and_redeemed()
    february = at(2026, 2, 1)
    with pytest.raises(memberkit.AsOfError, match="replay"):
        memberkit.balance(SPEND, state, february)
    assert available(SPEND, state_on(SPEND, events, february, joined(2026)), february) == 120
    assert available(SPEND, state, at(2026, 6, 15)) == 20


def test_explain_as_of_before_the_last_event_exits_2_saying_to_replay(tmp_path: Path) -> None:
    """`memberkit explain --as-of 2026-01-20` on a state last changed in June exits 2 and says
    to replay."""
    _, state = _bought_and_redeemed()
    (tmp_path / "p.yaml").write_text(
        HEAD
        + "points:\n  earn:\n    - {id: base, per: 1 CNY, points: 1}\n"
        + "  redeem: {points_per_unit: 100}\n",
        encoding="utf-8",
    )
    (tmp_path / "s.json").write_text(memberkit.state_to_json(state), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    argv = ["explain", str(tmp_path / "p.yaml"), "--state", str(tmp_path / "s.json")]
    code = main([*argv, "--as-of", "2026-01-20"], stdout=out, stderr=err)
    assert code == 2
    assert out.getvalue() == ""
    assert "before member 'm1''s last event" in err.getvalue()
    assert "replay" in err.getvalue()


# --- versions ------------------------------------------------------------------------------------

LOWERED = policy("""
tiers:
  window: calendar_year
  ladder:
    - {id: basic, name: Basic}
    - {id: gold, name: Gold, qualify: {spend: 5000}}
  upgrade: immediate
versions:
  - effective_from: 2026-07-01
    announced: 2026-06-01
    tiers:
      window: calendar_year
      ladder:
        - {id: basic, name: Basic}
        - {id: gold, name: Gold, qualify: {spend: 1000}}
      upgrade: immediate
""")
"""Gold needs 5,000 in the year until 30 Jun 2026 and 1,000 from 1 Jul 2026."""


def test_a_lowered_threshold_upgrades_on_its_effective_date_without_an_event() -> None:
    """1,500 spent in March: basic through 30 Jun, gold from 1 Jul 00:00 with no event."""
    state = memberkit.replay(
        LOWERED, joined(2026), [purchase("o1", at(2026, 3, 1), ("l1", "general", "1500"))]
    )
    assert memberkit.tier_of(LOWERED, state, at(2026, 6, 30, 23, 59, 59)).tier == "basic"
    first_day = memberkit.tier_of(LOWERED, state, at(2026, 7, 1, 0, 0))
    assert (first_day.tier, first_day.since) == ("gold", at(2026, 7, 1, 0, 0))
    advanced, _ = memberkit.advance(LOWERED, state, at(2026, 7, 1, 9, 0))
    assert advanced.tiers.tier_at(at(2026, 7, 1, 9, 0)) == "gold"


RAISED = policy("""
tiers:
  window: calendar_year
  ladder:
    - {id: basic, name: Basic}
    - {id: gold, name: Gold, qualify: {spend: 2000}, retain: {spend: 1000}}
  upgrade: immediate
points:
  earn:
    - {id: checkin, on: checkin, points: 5}
versions:
  - effective_from: 2027-03-01
    announced: 2026-11-01
    tiers:
      window: calendar_year
      ladder:
        - {id: basic, name: Basic}
        - {id: gold, name: Gold, qualify: {spend: 8000}, retain: {spend: 5000}}
      upgrade: immediate
""")
"""Gold is kept with 1,000 in the year before; from 1 Mar 2027 it takes 5,000."""


def test_a_review_before_a_version_is_decided_by_the_old_version() -> None:
    """Gold earned with 2,000 in 2026 is kept at the 1 Jan 2027 review (old rule: 1,000): the
    February answer is gold asked in February, in July, and after an unrelated July event."""
    state = memberkit.replay(
        RAISED, joined(2026), [purchase("o1", at(2026, 5, 1), ("l1", "general", "2000"))]
    )
    february, july = at(2027, 2, 1), at(2027, 7, 1)
    in_february = memberkit.tier_of(RAISED, state, february)
    assert in_february.tier == "gold"
    # Asked in July (the new rule, 5,000, was not in force at the review): still gold.
    assert memberkit.tier_of(RAISED, state, july).tier == "gold"
    advanced, _ = memberkit.advance(RAISED, state, july)
    assert memberkit.tier_of(RAISED, advanced, february) == in_february
    assert memberkit.tier_of(RAISED, advanced, july).tier == "gold"
    # An unrelated event in July changes nothing of it.
    after, _ = memberkit.apply(RAISED, state, activity("c1", july, "checkin"))
    assert memberkit.tier_of(RAISED, after, july).tier == "gold"
    assert after.tiers.tier_at(february) == "gold"
    assert [c.tier for c in after.tiers.history] == [
        c.tier for c in advanced.tiers.history if c.at <= july
    ]


# --- days where programmes speak of days ---------------------------------------------------------

INACTIVE = """
points:
  earn:
    - {id: base, per: 1 CNY, points: 1}
  expiry: {inactivity_months: 12}
"""
"""Points lapse after 12 months without a purchase."""


def test_inactivity_expiry_keeps_points_through_the_deadline_day() -> None:
    """Last purchase 10 Mar 2026 at 12:00: 1,200 points at 11:59:59 and at 12:00 on 10 Mar 2027
    and through that day, none on 11 Mar."""
    p = policy(INACTIVE)
    state = memberkit.replay(
        p, joined(2026), [purchase("o1", at(2026, 3, 10, 12), ("l1", "general", "1200"))]
    )
    assert available(p, state, at(2027, 3, 10, 11, 59, 59)) == 1200
    assert available(p, state, at(2027, 3, 10, 12, 0)) == 1200
    assert available(p, state, at(2027, 3, 10, 23, 59, 59)) == 1200
    assert available(p, state, at(2027, 3, 11, 0, 0)) == 0
    late, _ = memberkit.advance(p, state, at(2027, 3, 10, 23, 59, 59))
    assert available(p, late, at(2027, 3, 10, 23, 59, 59)) == 1200
    assert available(p, late, at(2027, 3, 11, 0, 0)) == 0


def test_inactivity_in_instants_expires_at_the_clock_time() -> None:
    """With time_basis: instants the same points lapse at 12:00 on 10 Mar 2027."""
    head = HEAD.replace("locale: en}", "locale: en, time_basis: instants}")
    p = policy(INACTIVE, head)
    state = memberkit.replay(
        p, joined(2026), [purchase("o1", at(2026, 3, 10, 12), ("l1", "general", "1200"))]
    )
    assert available(p, state, at(2027, 3, 10, 11, 59, 59)) == 1200
    assert available(p, state, at(2027, 3, 10, 12, 0)) == 0


ROLLING = """
tiers:
  window: {rolling_months: 12}
  review: monthly
  ladder:
    - {id: basic, name: Basic}
    - {id: gold, name: Gold, qualify: {spend: 40000}}
  upgrade: immediate
"""
"""Gold on 40,000 spent in the trailing 12 months."""


def _rolling_member(p: Policy) -> MemberState:
    """12,000 spent on 15 Jun 2026 at 11:00 and 30,000 on 16 Jun 2026 at 11:00."""
    return memberkit.replay(
        p,
        joined(2026),
        [
            purchase("o1", at(2026, 6, 15, 11), ("l1", "general", "12000")),
            purchase("o2", at(2026, 6, 16, 11), ("l1", "general", "30000")),
        ],
    )


def test_a_rolling_window_in_days_gives_one_figure_all_day() -> None:
    """On 15 Jun 2027 the trailing 12 months run from 16 Jun 2026: 30,000 at 10:00 and 13:00."""
    p = policy(ROLLING)
    state = _rolling_member(p)
    morning = memberkit.tier_of(p, state, at(2027, 6, 15, 10))
    afternoon = memberkit.tier_of(p, state, at(2027, 6, 15, 13))
    assert morning.figures["spend"] == afternoon.figures["spend"] == 30000
    assert morning.window_start == afternoon.window_start == at(2026, 6, 16, 0, 0)
    # On 14 Jun 2027 the window starts on 15 Jun 2026 and holds both orders.
    assert memberkit.tier_of(p, state, at(2027, 6, 14, 13)).figures["spend"] == 42000


def test_a_rolling_window_in_instants_is_cut_at_the_clock_time() -> None:
    """With time_basis: instants the window starts a year before to the microsecond: 42,000 at
    10:00 (the 11:00 order of 15 Jun 2026 is in it), 30,000 at 13:00."""
    p = policy(ROLLING, HEAD.replace("locale: en}", "locale: en, time_basis: instants}"))
    state = _rolling_member(p)
    assert memberkit.tier_of(p, state, at(2027, 6, 15, 10)).figures["spend"] == 42000
    assert memberkit.tier_of(p, state, at(2027, 6, 15, 13)).figures["spend"] == 30000


# --- expiring by a date ---------------------------------------------------------------------------


def test_expiring_by_31_december_asked_on_1_june_counts_the_points() -> None:
    """1,000 points earned on 1 Mar 2026, valid through 31 Dec 2026: expiring through 31 Dec
    asked on 1 Jun is 1,000, through 30 Dec it is 0."""
    p = policy("""
points:
  earn:
    - {id: base, per: 1 CNY, points: 1}
  expiry: {fixed: "12-31", years_after_earning: 0}
""")
    state = memberkit.replay(
        p, joined(2026), [purchase("o1", at(2026, 3, 1), ("l1", "general", "1000"))]
    )
    june = at(2026, 6, 1)
    by_year_end = memberkit.expiring(p, state, june, through=date(2026, 12, 31))
    assert (by_year_end.points, by_year_end.items) == (1000, ((date(2026, 12, 31), 1000),))
    assert by_year_end.through == date(2026, 12, 31)
    assert memberkit.expiring(p, state, june, through=date(2026, 12, 30)).points == 0
