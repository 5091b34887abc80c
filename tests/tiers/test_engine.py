"""Tier changes as events arrive and time passes: a table of business facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from tests.builders import activity, at, member, purchase, refund
from tests.tiers.builders import grant, ladder, tiers_yaml

import memberkit
from memberkit import EventError, MemberState, Policy


def run(p: Policy, *events: memberkit.Event, until: datetime | None = None) -> MemberState:
    """A new member's state after the events, advanced to ``until``."""
    return memberkit.replay(p, member(), events, as_of=until)


def steps(state: MemberState) -> list[tuple[str, str]]:
    """The tier history as (tier, reason) pairs."""
    return [(c.tier, c.reason) for c in state.tiers.history]


def spend(event_id: str, when: datetime, amount: str) -> memberkit.Purchase:
    """A one-line purchase of ``amount``."""
    return purchase(event_id, when, ("l1", "general", amount))


# --- window boundaries ---------------------------------------------------------------------------


def test_an_order_at_23_59_59_on_31_december_counts_for_that_year() -> None:
    """The last second of the year, local time, still belongs to the year."""
    state = run(
        ladder(), spend("o1", at(2026, 12, 31, 23, 59, 59), "2000"), until=at(2027, 1, 1, 0)
    )
    assert state.tiers.tier_at(at(2026, 12, 31, 23, 59, 59)) == "silver"
    # The review at midnight saw 2,000 in 2026 and kept silver for 2027.
    assert memberkit.tier_of(ladder(), state, at(2027, 6, 1)).tier == "silver"
    assert memberkit.tier_of(ladder(), state, at(2027, 6, 1)).figures["spend"] == 0


def test_an_order_at_local_midnight_counts_for_the_new_year() -> None:
    """16:30 UTC on 31 Dec is 00:30 on 1 Jan in Shanghai: the order counts for the new year."""
    when = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    state = run(ladder(), spend("o1", when, "2000"))
    decision = memberkit.tier_of(ladder(), state, at(2027, 1, 2))
    assert decision.figures["spend"] == 2000
    assert decision.window_start == at(2027, 1, 1, 0)


def test_the_review_runs_at_local_midnight_on_new_year() -> None:
    """A member with no spend in the year is moved down exactly at 00:00 on 1 January."""
    state = run(ladder(), spend("o1", at(2026, 3, 1), "2000"), until=at(2028, 1, 1, 0))
    assert state.tiers.tier_at(at(2027, 12, 31, 23, 59, 59)) == "silver"
    assert state.tiers.tier_at(at(2028, 1, 1, 0)) == "basic"


def test_quarter_windows_review_each_quarter() -> None:
    """A quarterly ladder reviews on 1 April on the first quarter's figures."""
    p = ladder(window="calendar_quarter")
    state = run(p, spend("o1", at(2026, 3, 31, 23, 59, 59), "2000"), until=at(2026, 7, 1, 0))
    assert steps(state) == [("basic", "initial"), ("silver", "upgrade"), ("basic", "downgrade")]
    assert state.tiers.history[-1].at == at(2026, 7, 1, 0)


# --- thresholds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inclusive", "amount", "tier"),
    [
        ("true", "2000", "silver"),
        ("true", "1999.99", "basic"),
        ("false", "2000", "basic"),
        ("false", "2000.01", "silver"),
    ],
)
def test_exactly_at_a_threshold(inclusive: str, amount: str, tier: str) -> None:
    """A threshold is met at >= when inclusive, and only above it when not."""
    p = tiers_yaml(
        "  ladder:\n    - {id: basic}\n"
        f"    - {{id: silver, qualify: {{spend: 2000}}, inclusive: {inclusive}}}\n"
    )
    state = run(p, spend("o1", at(2026, 5, 1), amount))
    assert state.tiers.current == tier


def test_several_steps_at_once() -> None:
    """One large order moves a new member straight to the top."""
    state = run(ladder(), spend("o1", at(2026, 5, 1), "20000"))
    assert steps(state) == [("basic", "initial"), ("platinum", "upgrade")]


def test_orders_path_reaches_silver() -> None:
    """Six small orders reach silver by the orders path of the any-threshold."""
    events = [spend(f"o{i}", at(2026, 5, i + 1), "10") for i in range(6)]
    state = run(ladder(), *events)
    assert state.tiers.tier_at(at(2026, 5, 5)) == "basic"
    assert state.tiers.tier_at(at(2026, 5, 6)) == "silver"


def test_nested_all_and_any_thresholds() -> None:
    """(segments >= 40 AND spend >= 8000) OR (distance >= 80000 AND spend >= 8000)."""
    p = tiers_yaml(
        "  measures:\n"
        "    segments: {of: sum, field: attr.segments, kind: flight}\n"
        "    distance: {of: sum, field: attr.distance, kind: flight}\n"
        "  ladder:\n    - {id: basic}\n"
        "    - id: gold\n"
        "      qualify: {any: [{all: [{segments: 40}, {spend: 8000}]}, "
        "{all: [{distance: 80000}, {spend: 8000}]}]}\n"
    )
    flight = activity(
        "f1", at(2026, 4, 1), "flight", attributes={"segments": 10, "distance": 90000}
    )
    state = run(p, flight)
    assert state.tiers.current == "basic"
    state, _ = memberkit.apply(p, state, spend("o1", at(2026, 4, 2), "8000"))
    assert state.tiers.current == "gold"


def test_filtered_spend_excludes_gift_cards() -> None:
    """A measure filtered by the rules language counts only the lines that match."""
    p = tiers_yaml(
        "  measures:\n    spend: {of: spend, where: {not: {category: [gift_card]}}}\n"
        "  ladder:\n    - {id: basic}\n    - {id: silver, qualify: {spend: 2000}}\n"
    )
    order = purchase("o1", at(2026, 4, 1), ("a", "gift_card", "1500"), ("b", "shoes", "600"))
    state = run(p, order)
    assert state.tiers.current == "basic"
    assert memberkit.tier_of(p, state, at(2026, 4, 2)).figures["spend"] == 600


FILTERED = (
    "  measures:\n    spend: {of: spend, where: {not: {category: [gift_card]}}}\n"
    "  ladder:\n    - {id: basic}\n    - {id: silver, qualify: {spend: 2000}}\n"
)


def _straddling_refunds() -> tuple[Policy, MemberState]:
    """Shoes 1,500 + 1,500 and a gift card on 10 Dec; one shoe back on 20 Dec, one on 10 Jan."""
    p = tiers_yaml(FILTERED)
    order = purchase(
        "o1",
        at(2026, 12, 10),
        ("a", "shoes", "1500"),
        ("b", "shoes", "1500"),
        ("c", "gift_card", "500"),
    )
    events = (order, refund("r1", at(2026, 12, 20), "o1", ("a", None)))
    later = (refund("r2", at(2027, 1, 10), "o1", ("b", None)),)
    return p, run(p, *events, *later, until=at(2027, 1, 20))


def _straddling_up_to(moment: datetime) -> tuple[memberkit.Policy, memberkit.MemberState]:
    """The straddling-refunds member replayed with only the events up to ``moment``."""
    p = tiers_yaml(FILTERED)
    events = [
        purchase(
            "o1",
            at(2026, 12, 10),
            ("a", "shoes", "1500"),
            ("b", "shoes", "1500"),
            ("c", "gift_card", "500"),
        ),
        refund("r1", at(2026, 12, 20), "o1", ("a", None)),
        refund("r2", at(2027, 1, 10), "o1", ("b", None)),
    ]
    return p, run(p, *(e for e in events if e.at <= moment), until=moment)


def test_a_filtered_measure_asked_about_a_past_moment_deducts_only_refunds_dated_by_then() -> None:
    """Before the review only the December refund counts: 3,000 of shoes less 1,500 is 1,500."""
    p, state = _straddling_up_to(at(2026, 12, 31))
    assert memberkit.tier_of(p, state, at(2026, 12, 31)).figures["spend"] == 1500


def test_a_filtered_measure_between_two_refunds_keeps_the_line_not_yet_refunded() -> None:
    """Between the refunds line b still counts in full; before either, both lines do."""
    p, state = _straddling_up_to(at(2026, 12, 15))
    assert memberkit.tier_of(p, state, at(2026, 12, 15)).figures["spend"] == 3000
    p, state = _straddling_up_to(at(2026, 12, 25))
    assert memberkit.tier_of(p, state, at(2026, 12, 25)).figures["spend"] == 1500


def test_a_moment_before_the_last_event_is_refused_not_answered_from_later_holdings() -> None:
    """Asked about 15 Dec after the January refund, the state says how to ask instead."""
    p, state = _straddling_refunds()
    with pytest.raises(memberkit.AsOfError, match="replay the member's events"):
        memberkit.tier_of(p, state, at(2026, 12, 15))


def test_the_review_between_two_refunds_judges_the_figure_net_of_the_first() -> None:
    """1,500 left in 2026 at the review is below silver's 2,000: the member goes down on 1 Jan."""
    _, state = _straddling_refunds()
    assert state.tiers.tier_at(at(2026, 12, 31)) == "silver"
    assert state.tiers.tier_at(at(2027, 1, 1, 0)) == "basic"


def test_a_refund_records_what_it_took_from_each_line() -> None:
    """The core keeps per-line detail on each refund record."""
    _, state = _straddling_refunds()
    order = state.order("o1")
    assert order is not None
    assert [(r.id, r.lines) for r in order.refunds] == [
        ("r1", (("a", Decimal("1500")),)),
        ("r2", (("b", Decimal("1500")),)),
    ]


def test_per_line_refund_detail_survives_the_json_round_trip() -> None:
    """A stored state keeps what each refund took from each line."""
    _, state = _straddling_refunds()
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state


def test_a_state_stored_without_per_line_refunds_deducts_once_every_refund_is_dated() -> None:
    """Refund records from before per-line detail fall back to the line totals, all or nothing."""
    _, state = _straddling_refunds()
    p = tiers_yaml("  window: lifetime\n" + FILTERED)
    order = state.order("o1")
    assert order is not None
    old = replace(order, refunds=tuple(replace(r, lines=()) for r in order.refunds))
    legacy = state.evolve(orders=(old,))
    assert memberkit.tier_of(p, legacy, at(2027, 1, 15)).figures["spend"] == 0


def test_activity_count_measure() -> None:
    """Ten check-ins reach a tier counted in activities."""
    p = tiers_yaml(
        "  measures:\n    checkins: {of: activities, kind: checkin}\n"
        "  ladder:\n    - {id: basic}\n    - {id: active, qualify: {checkins: 10}}\n"
    )
    events = [activity(f"c{i}", at(2026, 6, i + 1), "checkin") for i in range(10)]
    state = run(p, *events)
    assert state.tiers.tier_at(at(2026, 6, 9, 13)) == "basic"
    assert state.tiers.current == "active"


# --- reviews -------------------------------------------------------------------------------------


def test_upgrade_at_review_waits_for_the_review() -> None:
    """With upgrade: at_review the figures only count when the year is reviewed."""
    state = run(
        ladder("  upgrade: at_review\n"), spend("o1", at(2026, 5, 1), "9000"), until=at(2027, 1, 1)
    )
    assert state.tiers.tier_at(at(2026, 12, 31)) == "basic"
    assert state.tiers.tier_at(at(2027, 1, 1)) == "gold"


def test_soft_landing_drops_one_step_per_review() -> None:
    """A platinum member without spend moves down one tier each year."""
    p = ladder("  downgrade: {max_steps: 1}\n")
    state = run(p, spend("o1", at(2026, 5, 1), "20000"), until=at(2030, 6, 1))
    assert steps(state)[1:] == [
        ("platinum", "upgrade"),
        ("gold", "downgrade"),
        ("silver", "downgrade"),
        ("basic", "downgrade"),
    ]
    assert [c.at.year for c in state.tiers.history[2:]] == [2028, 2029, 2030]


def test_to_figures_drops_to_what_the_figures_give() -> None:
    """Without soft landing a review moves the member to the tier the retain figures hold."""
    state = run(
        ladder(),
        spend("o1", at(2026, 5, 1), "20000"),
        spend("o2", at(2027, 5, 1), "2500"),
        until=at(2028, 1, 1),
    )
    assert steps(state)[-1] == ("silver", "downgrade")


def test_retention_threshold_is_lower_than_qualification() -> None:
    """Gold is kept on 6,000 of spend though reaching it took 8,000."""
    state = run(
        ladder(),
        spend("o1", at(2026, 5, 1), "8000"),
        spend("o2", at(2027, 5, 1), "6000"),
        until=at(2028, 6, 1),
    )
    assert state.tiers.current == "gold"


def test_grace_period_delays_the_downgrade() -> None:
    """A downgrade decided at the review takes effect when the grace days have passed."""
    p = ladder("  grace_days: 30\n")
    state = run(p, spend("o1", at(2026, 5, 1), "8000"), until=at(2028, 1, 15))
    decision = memberkit.tier_of(p, state, at(2028, 1, 15))
    assert decision.tier == "gold"
    assert decision.pending_tier == "basic"
    assert decision.pending_at == at(2028, 1, 31, 0)
    later = memberkit.advance(p, state, at(2028, 1, 31, 0))[0]
    assert later.tiers.current == "basic"


def test_requalifying_during_grace_cancels_the_downgrade() -> None:
    """Reaching the tier again in the new window before the grace ends keeps it."""
    p = ladder("  grace_days: 30\n")
    state = run(
        p,
        spend("o1", at(2026, 5, 1), "8000"),
        spend("o2", at(2028, 1, 10), "8000"),
        until=at(2028, 3, 1),
    )
    assert state.tiers.current == "gold"
    assert state.tiers.pending is None


def test_lifetime_tier_is_never_reviewed_away() -> None:
    """After two years at platinum the tier is held for life."""
    p = tiers_yaml(
        "  ladder:\n    - {id: basic}\n"
        "    - {id: platinum, qualify: {spend: 20000}, lifetime_after_years: 2}\n"
    )
    state = run(
        p,
        spend("o1", at(2026, 1, 5), "20000"),
        spend("o2", at(2027, 1, 5), "20000"),
        until=at(2035, 1, 1),
    )
    assert state.tiers.current == "platinum"
    assert state.tiers.lifetime == "platinum"


LIFETIME_NIGHTS = (
    "  measures:\n    nights: {of: sum, field: attr.nights, kind: stay}\n"
    "  ladder:\n    - {id: member}\n"
    "    - id: platinum\n"
    "      qualify: {nights: 50}\n"
    "      lifetime_after_years: 2\n"
    "      lifetime_requires: {nights: 120}\n"
)


def test_total_lifetime_years_add_up_spells_apart() -> None:
    """With lifetime_years: total, two one-year spells at platinum make the two years."""
    body = (
        "  ladder:\n    - {id: basic}\n"
        "    - {id: platinum, qualify: {spend: 20000}, lifetime_after_years: 2, LIFE}\n"
    )
    spells = (
        spend("o1", at(2026, 1, 5), "20000"),
        spend("o2", at(2028, 1, 5), "20000"),
    )
    total = run(
        tiers_yaml(body.replace("LIFE", "lifetime_years: total")), *spells, until=at(2030, 6, 1)
    )
    run_only = run(
        tiers_yaml(body.replace("LIFE", "lifetime_years: consecutive")),
        *spells,
        until=at(2030, 6, 1),
    )
    assert total.tiers.lifetime == "platinum"
    assert run_only.tiers.lifetime is None


def test_lifetime_years_without_lifetime_after_years_is_a_policy_error() -> None:
    """Saying how the years count without saying how many is refused."""
    with pytest.raises(memberkit.PolicyError, match="give both"):
        tiers_yaml(
            "  ladder:\n    - {id: basic}\n"
            "    - {id: gold, qualify: {spend: 100}, lifetime_years: total}\n"
        )


def stay(event_id: str, when: datetime, nights: int) -> memberkit.Activity:
    """A hotel stay of ``nights`` nights."""
    return activity(event_id, when, "stay", attributes={"nights": nights})


def test_lifetime_needs_the_lifetime_figures_as_well_as_the_years() -> None:
    """Two years at platinum with 100 nights ever is not lifetime when 120 are required."""
    state = run(
        tiers_yaml(LIFETIME_NIGHTS),
        stay("s1", at(2026, 2, 1), 50),
        stay("s2", at(2027, 2, 1), 50),
        until=at(2028, 6, 1),
    )
    assert state.tiers.lifetime is None


def test_lifetime_is_granted_once_years_and_lifetime_figures_are_both_met() -> None:
    """Years at platinum plus 120 nights over the whole membership make platinum for life."""
    state = run(
        tiers_yaml(LIFETIME_NIGHTS),
        stay("s1", at(2026, 2, 1), 50),
        stay("s2", at(2027, 2, 1), 70),
        until=at(2030, 6, 1),
    )
    assert state.tiers.lifetime == "platinum"
    assert state.tiers.tier_at(at(2030, 6, 1)) == "platinum"


def test_lifetime_figures_alone_grant_the_lifetime_tier_at_a_review() -> None:
    """Without lifetime_after_years, the lifetime figures decide at the first review."""
    p = tiers_yaml(
        "  measures:\n    nights: {of: sum, field: attr.nights, kind: stay}\n"
        "  ladder:\n    - {id: member}\n"
        "    - {id: platinum, qualify: {nights: 50}, lifetime_requires: {nights: 60}}\n"
    )
    state = run(p, stay("s1", at(2026, 2, 1), 60), until=at(2027, 1, 1, 0))
    assert state.tiers.lifetime == "platinum"


def test_lifetime_requires_names_known_measures() -> None:
    """A lifetime requirement on an undeclared measure is a policy error with its path."""
    with pytest.raises(memberkit.PolicyError) as caught:
        tiers_yaml(
            "  ladder:\n    - {id: member}\n"
            "    - {id: platinum, qualify: {spend: 100}, lifetime_requires: {nihgts: 60}}\n"
        )
    assert "tiers.ladder[1].lifetime_requires.nihgts: unknown measure" in str(caught.value)


# --- validity --------------------------------------------------------------------------------------


VALID = (
    "  ladder:\n    - {id: basic}\n"
    "    - {id: gold, qualify: {spend: 8000}, validity: rest_of_year_plus_next}\n"
)


def test_validity_holds_the_tier_through_next_year() -> None:
    """Gold reached in 2026 is held all of 2027 even with no spend in 2027."""
    state = run(tiers_yaml(VALID), spend("o1", at(2026, 11, 1), "8000"), until=at(2028, 1, 1))
    assert state.tiers.tier_at(at(2027, 12, 31, 23, 59, 59)) == "gold"
    assert state.tiers.history[1].valid_until == at(2028, 1, 1, 0)
    assert state.tiers.tier_at(at(2028, 1, 1)) == "basic"


TERMED = (
    "  ladder:\n    - {id: basic}\n"
    '    - {id: silver, qualify: {spend: 2000}, validity: {until: "02-28", years: 2}}\n'
    '    - {id: gold, qualify: {spend: 8000}, validity: {until: "02-28", years: 2}}\n'
)


def test_a_tier_landed_on_at_a_validity_end_is_held_for_its_own_term() -> None:
    """Gold from 2026 and silver figures in 2027: silver from 29 Feb 2028 to the end of Feb 2029."""
    state = run(
        tiers_yaml(TERMED),
        spend("o1", at(2026, 5, 1), "8000"),
        spend("o2", at(2027, 5, 1), "2000"),
        until=at(2029, 6, 1),
    )
    landed = [c for c in state.tiers.history if c.tier == "silver"]
    assert [(c.at, c.valid_until) for c in landed] == [(at(2028, 2, 29, 0), at(2029, 3, 1, 0))]
    assert state.tiers.tier_at(at(2029, 2, 28)) == "silver"
    assert state.tiers.tier_at(at(2029, 3, 1, 0)) == "basic"


def test_a_soft_landing_on_a_termed_tier_is_held_for_a_term() -> None:
    """Under max_steps: 1, gold that is not kept lands on silver held for silver's term."""
    state = run(
        tiers_yaml(TERMED + "  downgrade: {max_steps: 1}\n"),
        spend("o1", at(2026, 5, 1), "8000"),
        until=at(2030, 6, 1),
    )
    assert state.tiers.tier_at(at(2029, 2, 28)) == "silver"
    assert state.tiers.tier_at(at(2029, 3, 1, 0)) == "basic"


ROLLING_TERM = (
    "  window: {rolling_months: 12}\n  review: monthly\n  downgrade: {max_steps: 1}\n"
    "  ladder:\n    - {id: basic}\n"
    "    - {id: silver, qualify: {spend: 2000}, validity: {months_from_upgrade: 12}}\n"
    "    - {id: gold, qualify: {spend: 8000}, validity: {months_from_upgrade: 12}}\n"
)


def test_a_rolling_window_holding_the_upgrade_does_not_extend_the_term() -> None:
    """More spend a month after the upgrade leaves a 12-months-from-upgrade term where it was."""
    state = run(
        tiers_yaml(ROLLING_TERM),
        spend("o1", at(2026, 3, 15), "8000"),
        spend("o2", at(2026, 4, 15), "100"),
    )
    assert [c.reason for c in state.tiers.earned] == ["initial", "upgrade"]
    assert state.tiers.earned_change is not None
    assert state.tiers.earned_change.valid_until == at(2027, 3, 15, 0)


def test_a_term_from_the_upgrade_day_counts_from_the_review_when_kept_or_landed() -> None:
    """Gold reviewed on 15 March 2027 on silver figures is silver to the end of 14 March 2028."""
    state = run(
        tiers_yaml(ROLLING_TERM),
        spend("o1", at(2026, 3, 10), "2000"),
        spend("o2", at(2026, 3, 15), "6000"),
        until=at(2028, 6, 1),
    )
    landed = [(c.at, c.valid_until) for c in state.tiers.earned if c.reason == "downgrade"]
    assert landed[0] == (at(2027, 3, 15, 0), at(2028, 3, 15, 0))


def test_a_refund_undoes_the_requalification_at_the_review() -> None:
    """Gold earned again in 2027 on an order returned later in 2027 is not held into 2028."""
    state = run(
        tiers_yaml(VALID),
        spend("o1", at(2026, 3, 1), "8000"),
        spend("o2", at(2027, 3, 1), "8000"),
        refund("r1", at(2027, 4, 1), "o2"),
        until=at(2028, 6, 1),
    )
    assert state.tiers.tier_at(at(2027, 12, 31)) == "gold"
    assert state.tiers.tier_at(at(2028, 1, 1, 0)) == "basic"


def test_a_refund_undoes_an_upgrade_held_for_a_term_at_the_review() -> None:
    """Gold reached in 2026 on an order returned in 2026 ends at the 2027 review, not in 2028."""
    state = run(
        tiers_yaml(VALID),
        spend("o1", at(2026, 3, 1), "8000"),
        refund("r1", at(2026, 4, 1), "o1"),
        until=at(2027, 6, 1),
    )
    assert state.tiers.tier_at(at(2026, 12, 31)) == "gold"
    assert state.tiers.tier_at(at(2027, 1, 1, 0)) == "basic"


def test_figures_leaving_a_rolling_window_do_not_undo_a_term() -> None:
    """Gold reached on spend partly a year old is held for its 12 months as the old spend ages."""
    state = run(
        tiers_yaml(ROLLING_TERM),
        spend("o1", at(2026, 1, 10), "5000"),
        spend("o2", at(2026, 12, 20), "3000"),
        until=at(2027, 6, 1),
    )
    assert state.tiers.tier_at(at(2027, 6, 1)) == "gold"


FROM_UPGRADE = (
    "  window: {membership_year: {from: last_upgrade}}\n"
    "  ladder:\n    - {id: basic}\n"
    "    - {id: gold, qualify: {spend: 8000}, validity: {months_from_upgrade: 12}}\n"
)


def test_the_upgrading_order_does_not_count_in_the_year_from_the_upgrade() -> None:
    """Gold from one ¥8,000 order and nothing after is not kept at the anniversary."""
    state = run(
        tiers_yaml(FROM_UPGRADE), spend("o1", at(2026, 3, 15), "8000"), until=at(2027, 6, 1)
    )
    assert state.tiers.tier_at(at(2027, 3, 15, 1)) == "basic"


def test_meeting_the_threshold_again_does_not_move_a_term_from_the_upgrade() -> None:
    """¥8,000 more in September keeps gold at the March review, for 12 months from then."""
    state = run(
        tiers_yaml(FROM_UPGRADE),
        spend("o1", at(2026, 3, 15), "8000"),
        spend("o2", at(2026, 9, 1), "8000"),
        until=at(2027, 6, 1),
    )
    assert [c.reason for c in state.tiers.earned] == ["initial", "upgrade", "retain"]
    assert state.tiers.earned_change is not None
    assert state.tiers.earned_change.valid_until == at(2028, 3, 15, 0)


def test_overlapping_validity_from_consecutive_years() -> None:
    """Earned again in 2027, gold runs to the end of 2028; the 2026 period does not cut it short."""
    state = run(
        tiers_yaml(VALID),
        spend("o1", at(2026, 3, 1), "8000"),
        spend("o2", at(2027, 3, 1), "8000"),
        until=at(2029, 1, 1),
    )
    assert steps(state) == [
        ("basic", "initial"),
        ("gold", "upgrade"),
        ("gold", "requalify"),
        ("basic", "downgrade"),
    ]
    assert state.tiers.history[2].valid_until == at(2029, 1, 1, 0)
    assert state.tiers.tier_at(at(2028, 12, 31, 23)) == "gold"
    assert state.tiers.history[3].at == at(2029, 1, 1, 0)


def test_validity_until_a_date_in_a_later_year() -> None:
    """A tier held until 28 Feb two years on is reviewed the moment that day ends (leap 2028)."""
    p = tiers_yaml(
        "  ladder:\n    - {id: basic}\n"
        "    - {id: gold, qualify: {spend: 8000}, validity: {until: '02-28', years: 2}}\n"
    )
    state = run(p, spend("o1", at(2026, 6, 1), "8000"), until=at(2028, 6, 1))
    assert state.tiers.tier_at(at(2028, 2, 28, 23, 59, 59)) == "gold"
    assert state.tiers.tier_at(at(2028, 2, 29, 0)) == "basic"


# --- refunds ---------------------------------------------------------------------------------------


def test_refund_straddling_the_review_is_judged_at_review() -> None:
    """Refunded after the review that kept gold, the order no longer matters (at_review)."""
    p = ladder()
    events = (spend("o1", at(2026, 12, 20), "9000"), refund("r1", at(2027, 1, 5), "o1"))
    state = run(p, *events, until=at(2027, 6, 1))
    assert memberkit.tier_of(p, state, at(2027, 6, 1)).tier == "gold"


def test_refund_before_the_review_counts_at_the_review() -> None:
    """A refund inside the year lowers that year's figures, and the review acts on them."""
    p = ladder()
    events = (spend("o1", at(2026, 12, 20), "9000"), refund("r1", at(2026, 12, 28), "o1"))
    state = run(p, *events, until=at(2027, 1, 1))
    assert state.tiers.tier_at(at(2026, 12, 30)) == "gold"
    assert state.tiers.tier_at(at(2027, 1, 1)) == "basic"


def test_refund_demotes_at_once_when_the_programme_says_so() -> None:
    """With refunds: at_once a refund of the qualifying order takes the tier away immediately."""
    p = ladder("  refunds: at_once\n")
    events = (spend("o1", at(2026, 12, 20), "9000"), refund("r1", at(2027, 1, 5), "o1"))
    state = run(p, *events)
    assert steps(state)[-1] == ("basic", "refund")
    assert state.tiers.history[-1].at == at(2027, 1, 5)


def test_refund_of_a_partial_line_keeps_what_the_rest_reaches() -> None:
    """At once, a partial refund moves the member to the tier the remaining spend reaches."""
    p = ladder("  refunds: at_once\n")
    order = purchase("o1", at(2026, 5, 1), ("a", "x", "6000"), ("b", "x", "3000"))
    state = run(p, order, refund("r1", at(2026, 5, 3), "o1", ("a", None)))
    assert steps(state)[-1] == ("silver", "refund")


def test_refunds_never_keeps_gross_spend() -> None:
    """With refunds: never the figures ignore refunds entirely."""
    p = ladder("  refunds: never\n")
    events = (spend("o1", at(2026, 12, 20), "9000"), refund("r1", at(2026, 12, 28), "o1"))
    state = run(p, *events, until=at(2027, 1, 1))
    assert state.tiers.tier_at(at(2027, 1, 1)) == "gold"


# --- grants and paid tiers -------------------------------------------------------------------------


def test_a_status_match_holds_until_it_ends() -> None:
    """A matched tier is in force for its period, then the member returns to the earned tier."""
    p = ladder()
    events = (
        spend("o1", at(2026, 2, 1), "2000"),
        grant("g1", at(2026, 3, 1), "platinum", until=at(2026, 9, 1, 0), reason="match"),
    )
    state = run(p, *events, until=at(2026, 10, 1))
    assert steps(state) == [
        ("basic", "initial"),
        ("silver", "upgrade"),
        ("platinum", "grant"),
        ("silver", "grant_end"),
    ]
    assert state.tiers.history[2].valid_until == at(2026, 9, 1, 0)


def test_a_grant_below_the_earned_tier_changes_nothing() -> None:
    """A granted tier never lowers the tier in force."""
    state = run(
        ladder(), spend("o1", at(2026, 2, 1), "9000"), grant("g1", at(2026, 3, 1), "silver")
    )
    assert state.tiers.current == "gold"


def test_a_grant_starting_later_takes_effect_on_its_start() -> None:
    """An invitation dated ahead starts when it says."""
    event = grant("g1", at(2026, 3, 1), "gold", start=at(2026, 4, 1, 0), reason="invitation")
    state = run(ladder(), event, until=at(2026, 5, 1))
    assert state.tiers.tier_at(at(2026, 3, 31)) == "basic"
    assert state.tiers.tier_at(at(2026, 4, 1, 0)) == "gold"


def test_unknown_granted_tier_is_an_event_error() -> None:
    """A grant of a tier the ladder lacks is refused with the nearest id."""
    with pytest.raises(EventError, match="did you mean 'gold'"):
        run(ladder(), grant("g1", at(2026, 3, 1), "glod"))


def test_a_grant_that_ends_before_it_starts_is_refused() -> None:
    """The event is checked at the edge."""
    with pytest.raises(EventError):
        grant("g1", at(2026, 3, 1), "gold", until=at(2026, 2, 1))


PAID = "  paid:\n    - {id: plus, name: PLUS会员, months: 12}\n    - {id: club, months: 1, placement: alongside}\n"


def test_a_paid_tier_lapses_after_its_period() -> None:
    """A tier bought for 12 months is in force for 12 months, then lapses."""
    state = run(
        ladder(PAID), grant("p1", at(2026, 3, 1), "plus", reason="paid"), until=at(2027, 6, 1)
    )
    assert state.tiers.tier_at(at(2027, 2, 28)) == "plus"
    assert state.tiers.tier_at(at(2027, 3, 1, 12)) == "basic"


def test_a_paid_renewal_runs_on_from_the_period_held() -> None:
    """Renewing before the end adds a period after the one already paid."""
    events = (
        grant("p1", at(2026, 3, 1), "plus", reason="paid"),
        grant("p2", at(2027, 2, 1), "plus", reason="paid"),
    )
    state = run(ladder(PAID), *events, until=at(2028, 6, 1))
    assert state.tiers.tier_at(at(2028, 2, 28)) == "plus"
    assert state.tiers.tier_at(at(2028, 3, 1, 12)) == "basic"


def test_a_paid_tier_alongside_keeps_the_earned_tier_in_force() -> None:
    """An alongside paid membership is reported beside the ladder tier, not instead of it."""
    p = ladder(PAID)
    state = run(
        p, spend("o1", at(2026, 2, 1), "2000"), grant("p1", at(2026, 3, 1), "club", reason="paid")
    )
    decision = memberkit.tier_of(p, state, at(2026, 3, 15))
    assert decision.tier == "silver"
    assert decision.paid == ("club",)


def test_the_first_event_records_the_base_tier_at_joining() -> None:
    """A member's history starts with the base tier at the joining moment."""
    state = run(ladder(), activity("a1", at(2026, 2, 1), "checkin"))
    assert state.tiers.history[0] == memberkit.tiers.TierChange(
        at(2026, 1, 1, 0), "basic", "initial"
    )


# --- 29 February -----------------------------------------------------------------------------------


def test_a_29_february_member_is_reviewed_on_28_february() -> None:
    """A membership year from 29 Feb 2024 ends at 00:00 on 28 Feb 2025, and so on each year."""
    p = ladder("  review: end_of_window\n", window="membership_year")
    joined = at(2024, 2, 29, 10)
    events = [spend("o1", at(2024, 3, 1), "2000"), spend("o2", at(2025, 2, 27, 23, 59, 59), "10")]
    state = memberkit.replay(p, member(joined=joined), events, as_of=at(2026, 3, 1))
    assert state.tiers.tier_at(at(2025, 2, 28, 0)) == "silver"
    assert steps(state)[-1] == ("basic", "downgrade")
    assert state.tiers.history[-1].at == at(2026, 2, 28, 0)


def test_an_order_on_28_february_opens_the_new_membership_year() -> None:
    """For a 29 Feb member, 28 Feb in a common year is the first day of the new year."""
    p = ladder(window="membership_year")
    state = memberkit.replay(
        p, member(joined=at(2024, 2, 29, 10)), [spend("o1", at(2025, 2, 28, 8), "2000")]
    )
    decision = memberkit.tier_of(p, state, at(2025, 3, 1))
    assert decision.window_start == at(2025, 2, 28, 0)
    assert decision.figures["spend"] == 2000


def test_a_grace_period_longer_than_the_review_interval_still_ends() -> None:
    """Monthly reviews during a 45-day grace period do not push the announced downgrade back."""
    p = tiers_yaml(
        "  window: calendar_month\n  grace_days: 45\n"
        "  ladder:\n    - {id: basic}\n    - {id: silver, qualify: {spend: 100}}\n"
    )
    # March's spend keeps silver at the 1 April review; April's nothing announces the downgrade
    # on 1 May for 15 June, and the 1 June review leaves that date alone.
    state = run(p, spend("o1", at(2026, 3, 10), "100"), until=at(2026, 7, 1))
    assert steps(state)[-1] == ("basic", "downgrade")
    assert state.tiers.history[-1].at == at(2026, 6, 15, 0)


def test_grants_and_an_announced_downgrade_survive_json() -> None:
    """The tier part of the state, grants and pending change included, round-trips through JSON."""
    p = ladder("  grace_days: 30\n" + PAID)
    events = (
        spend("o1", at(2026, 5, 1), "8000"),
        grant("p1", at(2026, 6, 1), "plus", reason="paid"),
    )
    state = run(p, *events, until=at(2028, 1, 10))
    assert state.tiers.pending is not None
    assert state.tiers.grants
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state


def test_a_grant_in_a_programme_without_tiers_is_an_event_error() -> None:
    """Granting a tier where no ladder exists is bad input, not a silent no-op."""
    from tests.builders import policy

    with pytest.raises(EventError, match="no tiers"):
        memberkit.apply(policy(), member(), grant("g1", at(2026, 3, 1), "gold"))


def test_retaining_a_tier_with_validity_renews_its_period() -> None:
    """Gold kept on the retain figures at its validity end is held for a new period."""
    p = tiers_yaml(
        "  ladder:\n    - {id: basic}\n"
        "    - {id: gold, qualify: {spend: 8000}, retain: {spend: 6000}, "
        "validity: rest_of_year_plus_next}\n"
    )
    events = (spend("o1", at(2026, 3, 1), "8000"), spend("o2", at(2027, 3, 1), "6000"))
    state = run(p, *events, until=at(2028, 1, 1))
    assert steps(state)[-1] == ("gold", "retain")
    assert state.tiers.history[-1].valid_until == at(2029, 1, 1, 0)


def test_an_at_once_refund_outside_the_earning_window_keeps_the_tier() -> None:
    """Only orders of the window that earned the tier can take it away at once."""
    p = ladder("  refunds: at_once\n")
    events = (
        spend("o1", at(2026, 3, 1), "9000"),
        spend("o2", at(2027, 3, 1), "500"),
        refund("r1", at(2027, 3, 5), "o2"),
    )
    assert run(p, *events).tiers.current == "gold"


def test_filtered_orders_and_order_attribute_sums() -> None:
    """Orders counted through a filter, and an order attribute summed, both qualify."""
    p = tiers_yaml(
        "  measures:\n"
        "    app_orders: {of: orders, where: {channel: app}}\n"
        "    distance: {of: sum, field: attr.km, where: {channel: app}}\n"
        "  ladder:\n    - {id: basic}\n"
        "    - {id: gold, qualify: {all: [{app_orders: 2}, {distance: 1000}]}}\n"
    )
    events = [
        purchase("o1", at(2026, 4, 1), ("l", "t", "10"), channel="app", attributes={"km": 600}),
        purchase("o2", at(2026, 4, 2), ("l", "t", "10"), channel="web", attributes={"km": 900}),
        purchase("o3", at(2026, 4, 3), ("l", "t", "10"), channel="app", attributes={"km": 400}),
    ]
    state = run(p, *events)
    assert state.tiers.tier_at(at(2026, 4, 2, 13)) == "basic"
    assert state.tiers.current == "gold"
