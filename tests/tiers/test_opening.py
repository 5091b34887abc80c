"""Members brought in mid-story: the opening tier, its term, opening figures and balances.

The programme of these tables (figures worked by hand in each row): a calendar-year ladder of
blue, silver (spend 5,000 or 10 segments) and gold (spend 20,000 or 30 segments; kept on 15,000
or 24), reviewed at the year's end, one step down at most. A member joins on 1 Jul 2026 and
opens at gold held through 31 Mar 2027, with 12,000 spent and 14 segments flown this year.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.builders import activity, at, member, policy, purchase, refund
from tests.tiers.builders import grant

import memberkit
from memberkit import EventError, MemberState, Policy, PolicyError

LADDER = """
points:
  currencies:
    - {id: miles, name: {zh_Hans: 里程, en: miles}}
    - {id: status, name: {zh_Hans: 定级积分, en: status points}, spendable: false}
  earn:
    - {id: base, per: 1 CNY, points: 1, currency: miles}
    - {id: welcome-up, on: tier_upgrade, points: 1000, currency: miles%(on_grant)s}
  pending: immediate
tiers:
  measures:
    spend: spend
    segments: {of: activities, kind: flight}
    qp: {of: points, currency: status%(counts)s}
  window: %(window)s
  ladder:
    - {id: blue}
    - {id: silver, qualify: {any: [{spend: 5000}, {segments: 10}]}}
    - id: gold
      qualify: {any: [{spend: 20000}, {segments: 30}]}
      retain: {any: [{spend: 15000}, {segments: 24}]}
  upgrade: immediate
  review: %(review)s
  downgrade: {max_steps: 1}
"""

JOINED = at(2026, 7, 1, 0, 0)


def ladder(
    *,
    on_grant: bool = False,
    counts: bool = False,
    window: str = "calendar_year",
    review: str = "end_of_window",
) -> Policy:
    """The test ladder; ``on_grant`` and ``counts`` switch the two keys under test."""
    return policy(
        LADDER
        % {
            "on_grant": ", on_grant: true" if on_grant else "",
            "counts": ", counts_opening_balance: true" if counts else "",
            "window": window,
            "review": review,
        }
    )


def opening(**kw: Any) -> memberkit.Opening:
    """An opening event on the joining day (id o1) with the fields given."""
    event = memberkit.parse_event({"type": "opening", "id": "o1", "at": JOINED, **kw})
    assert isinstance(event, memberkit.Opening)
    return event


def gold_opening() -> memberkit.Opening:
    """Gold through 31 Mar 2027, 12,000 spent and 14 segments flown so far this year."""
    return opening(tier="gold", through="2027-03-31", figures={"spend": "12000", "segments": 14})


def spend(event_id: str, when: datetime, amount: str) -> memberkit.Purchase:
    """A one-line purchase of ``amount``."""
    return purchase(event_id, when, ("l1", "general", amount))


def flights(prefix: str, when: datetime, count: int) -> list[memberkit.Event]:
    """``count`` flight activities on one day."""
    return [activity(f"{prefix}{i}", when, "flight") for i in range(count)]


def run(p: Policy, *events: memberkit.Event, until: datetime | None = None) -> MemberState:
    """The member (joined 1 Jul 2026) after the events, advanced to ``until``."""
    return memberkit.replay(p, member(joined=JOINED), events, as_of=until)


# --- the opening tier is held, then reviewed like an earned one ----------------------------------


def test_the_opening_tier_is_held_through_its_last_day_with_the_opening_figures() -> None:
    """Gold is held through 31 Mar 2027 and the year's figures start from the opening ones."""
    p = ladder()
    state = run(p, gold_opening())
    decision = memberkit.tier_of(p, state, at(2026, 8, 1))
    assert (decision.tier, decision.reached_by, decision.valid_through) == (
        "gold",
        "opening",
        datetime(2027, 3, 31).date(),
    )
    assert decision.figures == {"spend": Decimal(12000), "segments": 14, "qp": 0}
    last_day = memberkit.tier_of(p, state, at(2027, 3, 31, 23, 59))
    assert last_day.tier == "gold"


@pytest.mark.parametrize(
    ("label", "extra_spend_2026", "extra_segments_2026", "spend_feb_2027", "tier", "reached_by"),
    [
        # 2026: 12,000 and 14 meet neither 15,000 nor 24; silver's 5,000 holds: down to silver.
        ("nothing more", None, 0, None, "silver", "earned"),
        # 12,000 + 3,000 = 15,000 >= 15,000: gold kept.
        ("spend reaches retention", "3000", 0, None, "gold", "retained"),
        # 14 + 10 = 24 >= 24: gold kept.
        ("segments reach retention", None, 10, None, "gold", "retained"),
        # 14 + 9 = 23 < 24 and 12,000 < 15,000: silver.
        ("one segment short", None, 9, None, "silver", "earned"),
        # The review falls inside 2027: 2027's own 15,000 (Feb) keeps gold on its own.
        ("this year's figures", None, 0, "15000", "gold", "retained"),
    ],
)
def test_the_opening_tier_is_reviewed_by_retention_at_the_end_of_its_term(
    label: str,
    extra_spend_2026: str | None,
    extra_segments_2026: int,
    spend_feb_2027: str | None,
    tier: str,
    reached_by: str,
) -> None:
    """On 1 Apr 2027 the retention rules judge the opening figures with what came after them."""
    events: list[memberkit.Event] = [gold_opening()]
    if extra_spend_2026 is not None:
        events.append(spend("p2026", at(2026, 9, 1), extra_spend_2026))
    events.extend(flights("f", at(2026, 10, 1), extra_segments_2026))
    if spend_feb_2027 is not None:
        events.append(spend("p2027", at(2027, 2, 1), spend_feb_2027))
    p = ladder()
    state = run(p, *events, until=at(2027, 4, 1, 0, 0))
    decision = memberkit.tier_of(p, state, at(2027, 4, 1, 0, 0))
    assert (decision.tier, decision.reached_by) == (tier, reached_by), label


def test_an_opening_without_figures_lands_one_step_down_at_most() -> None:
    """Gold with no figures at all lands on silver, not blue (downgrade max_steps: 1)."""
    p = ladder()
    state = run(p, opening(tier="gold", through="2027-03-31"), until=at(2027, 4, 1, 0, 0))
    assert memberkit.tier_of(p, state, at(2027, 4, 1, 0, 0)).tier == "silver"


def test_an_opening_tier_without_through_is_reviewed_at_the_ladders_review() -> None:
    """Without 'through' a tier with no validity is reviewed at the year's end like any other."""
    p = ladder()
    state = run(p, opening(tier="gold", figures={"spend": "12000"}), until=at(2027, 1, 1, 0, 0))
    # 1 Jan 2027: 2026 spend 12,000 < 15,000, silver's 5,000 met: silver.
    assert memberkit.tier_of(p, state, at(2026, 12, 31, 23, 59)).tier == "gold"
    assert memberkit.tier_of(p, state, at(2027, 1, 1, 0, 0)).tier == "silver"


def test_opening_figures_that_reach_a_higher_tier_upgrade_at_once() -> None:
    """Blue with 21,000 spent this year is gold at once (immediate upgrades), an earned upgrade."""
    p = ladder()
    state = run(p, opening(figures={"spend": "21000"}))
    decision = memberkit.tier_of(p, state, JOINED)
    assert (decision.tier, decision.reached_by) == ("gold", "earned")


def test_a_purchase_after_the_opening_adds_to_the_opening_figures() -> None:
    """12,000 opening + 8,000 bought in September = 20,000: gold's qualify met (still gold)."""
    p = ladder()
    state = run(
        p, opening(tier="silver", figures={"spend": "12000"}), spend("p1", at(2026, 9, 1), "8000")
    )
    decision = memberkit.tier_of(p, state, at(2026, 9, 2))
    assert (decision.tier, decision.figures["spend"]) == ("gold", Decimal(20000))


def test_a_return_does_not_take_an_opening_tier_back_at_once() -> None:
    """With refunds: at_once, returning a ¥100 order leaves gold (carried over, not earned here)."""
    p = policy(
        (
            LADDER
            % {"on_grant": "", "counts": "", "window": "calendar_year", "review": "end_of_window"}
        )
        + "  refunds: at_once\n"
    )
    events: list[memberkit.Event] = [
        gold_opening(),
        spend("p1", at(2026, 8, 1), "100"),
        refund("r1", at(2026, 8, 2), "p1"),
    ]
    state = run(p, *events)
    decision = memberkit.tier_of(p, state, at(2026, 8, 3))
    # 12,000 - 0 = 12,000 < 20,000 would not reach gold, yet gold holds to 31 Mar 2027.
    assert (decision.tier, decision.reached_by, decision.figures["spend"]) == (
        "gold",
        "opening",
        Decimal(12000),
    )


# --- opening figures belong to the window holding the opening ------------------------------------


@pytest.mark.parametrize(
    ("when", "figure"),
    [
        (at(2026, 12, 31, 23, 59), Decimal(3000)),  # 2026's window holds 1 Jul 2026
        (at(2027, 1, 1, 0, 0), Decimal(0)),  # 2027's does not
    ],
)
def test_opening_figures_stop_counting_when_the_calendar_window_moves_on(
    when: datetime, figure: Decimal
) -> None:
    """Year-to-date figures count in the year of the opening only."""
    p = ladder()
    state = run(p, opening(figures={"spend": "3000"}))
    assert memberkit.tier_of(p, state, when).figures["spend"] == figure


@pytest.mark.parametrize(
    ("when", "figure"),
    [
        # The 12 months to 30 Jun 2027 start on 30 Jun 2026 (local midnight): 1 Jul is in.
        (at(2027, 6, 30), Decimal(3000)),
        # The 12 months to 2 Jul 2027 start on 2 Jul 2026: the opening has left them.
        (at(2027, 7, 2), Decimal(0)),
    ],
)
def test_opening_figures_leave_a_rolling_window_when_their_moment_does(
    when: datetime, figure: Decimal
) -> None:
    """In a rolling window the opening figures count for 12 months from the opening."""
    p = ladder(window="{rolling_months: 12}", review="monthly")
    state = run(p, opening(figures={"spend": "3000"}))
    assert memberkit.tier_of(p, state, when).figures["spend"] == figure


def test_progress_counts_the_opening_figures() -> None:
    """Blue with 3,000 opening spend needs 2,000 more for silver (5,000)."""
    p = ladder()
    state = run(p, opening(figures={"spend": "3000", "segments": 4}))
    progress = memberkit.progress(p, state, at(2026, 7, 2))
    assert progress.next_tier == "silver"
    missing = {n.measure: n.missing for path in progress.paths for n in path.needs}
    # 5,000 - 3,000 = 2,000 spend; 10 - 4 = 6 segments.
    assert missing == {"spend": Decimal(2000), "segments": Decimal(6)}


# --- opening balances ----------------------------------------------------------------------------


@pytest.mark.parametrize(("counts", "figure"), [(False, Decimal(0)), (True, Decimal(3000))])
def test_an_opening_balance_counts_for_a_points_measure_only_when_it_says_so(
    counts: bool, figure: Decimal
) -> None:
    """3,000 status points brought in count toward qp with counts_opening_balance only."""
    p = ladder(counts=counts)
    state = run(p, opening(balances={"status": 3000, "miles": 48200}))
    assert memberkit.tier_of(p, state, at(2026, 7, 2)).figures["qp"] == figure
    assert memberkit.balance(p, state, at(2026, 7, 2), currency="miles").available == 48200


def test_an_opening_figure_for_a_points_measure_counts_without_a_balance() -> None:
    """Qualifying points given as a figure count, and nothing is spendable from them."""
    p = ladder()
    state = run(p, opening(figures={"qp": 2500}))
    assert memberkit.tier_of(p, state, at(2026, 7, 2)).figures["qp"] == Decimal(2500)
    assert memberkit.balance(p, state, at(2026, 7, 2), currency="status").available == 0


# --- how the tier was reached, and the upgrade bonus --------------------------------------------


@pytest.mark.parametrize(
    ("label", "events", "reached_by"),
    [
        ("a new member", [], "joined"),
        ("an upgrade on spend", [spend("p1", at(2026, 8, 1), "6000")], "earned"),
        ("a status match", [grant("g1", at(2026, 8, 1), "gold", reason="match")], "granted"),
        ("an opening", [opening(tier="silver")], "opening"),
        (
            "after the match ended",
            [grant("g1", at(2026, 8, 1), "gold", reason="match", through="2026-08-31")],
            "joined",
        ),
    ],
)
def test_tier_reached_by_tells_how_the_tier_in_force_was_reached(
    label: str, events: list[memberkit.Event], reached_by: str
) -> None:
    """The decision and the member's state agree on how the tier was reached, as of 1 Oct."""
    p = ladder()
    state = run(p, *events, until=at(2026, 10, 1))
    assert memberkit.tier_of(p, state, at(2026, 10, 1)).reached_by == reached_by, label
    assert state.tiers.reached_by_at(at(2026, 10, 1)) == reached_by, label


@pytest.mark.parametrize(
    ("on_grant", "event", "miles"),
    [
        # An upgrade earned on 6,000 spent: 6,000 miles + the 1,000 bonus.
        (False, spend("p1", at(2026, 8, 1), "6000"), 7000),
        (True, spend("p1", at(2026, 8, 1), "6000"), 7000),
        # A status match to gold pays the bonus only with on_grant.
        (False, grant("g1", at(2026, 8, 1), "gold", reason="match"), 0),
        (True, grant("g1", at(2026, 8, 1), "gold", reason="match"), 1000),
        # An opening at silver likewise.
        (False, opening(tier="silver"), 0),
        (True, opening(tier="silver"), 1000),
    ],
)
def test_the_upgrade_bonus_is_paid_on_a_grant_or_opening_only_with_on_grant(
    on_grant: bool, event: memberkit.Event, miles: int
) -> None:
    """An earned upgrade pays the bonus; a grant or an opening pays it only with on_grant: true."""
    p = ladder(on_grant=on_grant)
    state = run(p, event)
    assert memberkit.balance(p, state, at(2026, 9, 1), currency="miles").available == miles


def test_a_condition_reads_tier_reached_by() -> None:
    """A welcome offer for matched members pays on their purchases, not on an earned gold's."""
    body = LADDER % {
        "on_grant": "",
        "counts": "",
        "window": "calendar_year",
        "review": "end_of_window",
    }
    body = body.replace(
        "  pending: immediate\n",
        "    - {id: matched, points: 500, currency: miles, when: {tier_reached_by: granted}}\n"
        "  pending: immediate\n",
    )
    p = policy(body)
    matched = run(
        p, grant("g1", at(2026, 8, 1), "gold", reason="match"), spend("p1", at(2026, 8, 2), "100")
    )
    earned = run(p, spend("p0", at(2026, 8, 1), "20000"), spend("p1", at(2026, 8, 2), "100"))
    # Matched: 100 (base) + 500 (matched); earned: 20,000 + 1,000 (upgrade bonus) + 100.
    assert memberkit.balance(p, matched, at(2026, 9, 1), currency="miles").available == 600
    assert memberkit.balance(p, earned, at(2026, 9, 1), currency="miles").available == 21100


def test_a_misspelt_reached_by_value_is_refused_with_the_words_to_use() -> None:
    """tier_reached_by reads a closed set of words; another word could never match."""
    body = LADDER % {
        "on_grant": "",
        "counts": "",
        "window": "calendar_year",
        "review": "end_of_window",
    }
    body = body.replace(
        "  pending: immediate\n",
        "    - {id: matched, points: 500, currency: miles, when: {tier_reached_by: grant}}\n"
        "  pending: immediate\n",
    )
    with pytest.raises(PolicyError) as info:
        policy(body)
    assert "granted" in str(info.value)


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "code", "words"),
    [
        ({"tier": "glod"}, "unknown_tier", "did you mean 'gold'?"),
        ({"figures": {"segmets": 3}}, "unknown_measure", "did you mean 'segments'?"),
        ({"figures": {"segments": "2.5"}}, "opening_fraction", "give a whole number"),
        ({"figures": {"spend": "10.001"}}, "opening_decimals", "give at most that many"),
        ({"through": "2027-03-31"}, "opening_base_through", "leave out 'through'"),
        (
            {"figures": {"qp": 10}, "balances": {"status": 10}},
            "opening_counted_twice",
            "give its figure once",
        ),
    ],
)
def test_a_bad_opening_is_refused_saying_what_to_write(
    fields: dict[str, object], code: str, words: str
) -> None:
    """Each refusal names the field and what to write instead."""
    p = ladder(counts=True)
    with pytest.raises(EventError) as info:
        memberkit.apply(p, member(joined=JOINED), opening(**fields))
    assert info.value.code == code
    assert words in info.value.message


def test_an_opening_after_other_events_is_refused() -> None:
    """An opening must come first: later, it would count figures twice."""
    p = ladder()
    state = run(p, spend("p1", at(2026, 7, 2), "100"))
    event = memberkit.parse_event(
        {"type": "opening", "id": "o1", "at": at(2026, 7, 3), "tier": "gold"}
    )
    with pytest.raises(EventError) as info:
        memberkit.apply(p, state, event)
    assert info.value.code == "opening_not_first"
    assert "tier_grant" in info.value.message
    assert "开户事件必须是会员的第一个事件" in info.value.explain("zh_Hans")


def test_an_opening_at_a_paid_tier_is_refused() -> None:
    """A paid tier is bought, not carried on the ladder: it is given with a tier_grant."""
    p = policy(
        "tiers:\n  ladder:\n    - {id: basic}\n    - {id: silver, qualify: {spend: 100}}\n"
        "  paid:\n    - {id: plus, months: 12}\n"
    )
    with pytest.raises(EventError) as info:
        memberkit.apply(p, member(joined=JOINED), opening(tier="plus"))
    assert info.value.code == "opening_paid_tier"
    assert "tier_grant" in info.value.message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            "tiers:\n  measures: {spend: {of: spend, counts_opening_balance: true}}\n"
            "  ladder: [{id: basic}]\n",
            "applies to points measures only",
        ),
        (
            "points:\n  earn:\n    - {id: base, per: 1 CNY, points: 1, on_grant: true}\n",
            "it goes with on: tier_upgrade",
        ),
    ],
)
def test_the_new_policy_keys_are_refused_where_they_mean_nothing(body: str, words: str) -> None:
    """counts_opening_balance off a points measure and on_grant off an upgrade bonus are errors."""
    with pytest.raises(PolicyError) as info:
        policy(body)
    assert words in str(info.value)


def test_an_opening_with_a_tier_in_a_programme_without_tiers_is_refused() -> None:
    """Without a tiers section an opening may carry balances only."""
    p = policy("points:\n  earn:\n    - {id: base, per: 1 CNY, points: 1}\n")
    with pytest.raises(EventError) as info:
        memberkit.apply(p, member(joined=JOINED), opening(tier="gold"))
    assert info.value.code == "no_tiers"
    state, _ = memberkit.apply(p, member(joined=JOINED), opening(balances={"points": 500}))
    assert memberkit.balance(p, state, at(2026, 7, 2)).available == 500


# --- laws ----------------------------------------------------------------------------------------


def test_an_opened_member_round_trips_through_json_and_replays_step_by_step() -> None:
    """The state after an opening survives JSON, and replay equals applying one by one."""
    p = ladder(counts=True)
    events: list[memberkit.Event] = [
        opening(
            tier="gold",
            through="2027-03-31",
            figures={"spend": "12000.50", "segments": 14},
            balances={"miles": 48200, "status": 300},
        ),
        spend("p1", at(2026, 9, 1), "3000"),
    ]
    replayed = run(p, *events, until=at(2027, 4, 2))
    state = member(joined=JOINED)
    for event in events:
        state, _ = memberkit.apply(p, state, event)
    state, _ = memberkit.advance(p, state, at(2027, 4, 2))
    assert memberkit.state_to_json(state) == memberkit.state_to_json(replayed)
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state
    # 12,000.50 + 3,000 = 15,000.50 >= 15,000: gold kept at the end of its term.
    assert memberkit.tier_of(p, state, at(2027, 4, 2)).tier == "gold"


@settings(max_examples=40)
@given(
    opening_spend=st.decimals(min_value=0, max_value=30000, places=2),
    amounts=st.lists(st.integers(min_value=1, max_value=9000), max_size=4),
)
def test_opening_figures_add_to_the_window_like_purchases(
    opening_spend: Decimal, amounts: list[int]
) -> None:
    """The year's spend is the opening figure plus what was bought since; replay = step by step."""
    p = ladder()
    events: list[memberkit.Event] = [opening(figures={"spend": str(opening_spend)})]
    events.extend(spend(f"p{i}", at(2026, 8, 1 + i), str(a)) for i, a in enumerate(amounts))
    replayed = run(p, *events)
    state = member(joined=JOINED)
    for event in events:
        state, _ = memberkit.apply(p, state, event)
    assert memberkit.state_to_json(state) == memberkit.state_to_json(replayed)
    figures = memberkit.tier_of(p, state, at(2026, 12, 31)).figures
    assert figures["spend"] == opening_spend + sum(amounts)


def test_a_state_stored_before_openings_existed_reads_as_it_did() -> None:
    """A format-3 state without the tiers' opening key loads with no opening figures."""
    p = ladder()
    state = run(p, spend("p1", at(2026, 8, 1), "6000"))
    stored = json.loads(memberkit.state_to_json(state))
    # Written without the key (a default is left out), and with it as before, it reads the same.
    assert "opening" not in stored["tiers"]
    read = memberkit.state_from_json(json.dumps(stored))
    assert read == state
    stored["tiers"]["opening"] = None
    assert memberkit.state_from_json(json.dumps(stored)) == state
    assert memberkit.tier_of(p, read, at(2026, 8, 2)).reached_by == "earned"
