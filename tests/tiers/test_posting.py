"""Credits that post a stated time after their event: figures and upgrades from that moment."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import activity, at, member
from tests.tiers.builders import tiers_yaml

import memberkit
from memberkit import Policy

LADDER = "  ladder:\n    - {id: member}\n    - {id: gold, qualify: {nights: 10}}\n"


def posting(posts: str) -> Policy:
    """Nights summed from stays, posting as ``posts`` says; gold at 10 nights."""
    return tiers_yaml(
        "  measures:\n"
        "    nights:\n      of: sum\n      kind: stay\n      field: attr.nights\n"
        "      name: {en: nights, zh_Hans: 间夜, zh_Hant: 間夜}\n"
        f"      posts: {posts}\n" + LADDER
    )


DAY_AFTER = posting("{days: 1}")
END_OF_DAY = posting("{at: end_of_day}")


def stay(event_id: str, when: datetime, nights: int) -> memberkit.Activity:
    """A stay of ``nights`` recorded at check-out ``when``."""
    return activity(event_id, when, "stay", attributes={"nights": nights})


def test_a_credit_counts_only_from_the_day_after() -> None:
    """Ten nights checked out on 10 March at 11:00 count from 11 March 11:00, not before."""
    state = memberkit.replay(DAY_AFTER, member(), [stay("s1", at(2026, 3, 10, 11), 10)])
    before = memberkit.tier_of(DAY_AFTER, state, at(2026, 3, 11, 10, 59))
    after = memberkit.tier_of(DAY_AFTER, state, at(2026, 3, 11, 11))
    assert (before.tier, before.figures["nights"]) == ("member", 0)
    assert (after.tier, after.figures["nights"]) == ("gold", 10)


def test_the_upgrade_is_dated_at_the_posting_moment() -> None:
    """advance records the upgrade at 11 March 11:00, the moment the ten nights post."""
    state = memberkit.replay(
        DAY_AFTER, member(), [stay("s1", at(2026, 3, 10, 11), 10)], as_of=at(2026, 4, 1)
    )
    upgrade = state.tiers.history[-1]
    assert (upgrade.tier, upgrade.reason, upgrade.at) == ("gold", "upgrade", at(2026, 3, 11, 11))


def test_only_a_posting_that_upgrades_is_on_the_agenda() -> None:
    """Four nights posting on 11 March reach nothing; six more posting on 21 March reach gold:
    the agenda lists 21 March 11:00 alone."""
    events = [stay("s1", at(2026, 3, 10, 11), 4), stay("s2", at(2026, 3, 20, 11), 6)]
    state = memberkit.replay(DAY_AFTER, member(), events)
    due = memberkit.due_moments(DAY_AFTER, state, at(2026, 3, 20, 11), at(2026, 4, 30))
    # s1 posted on 11 March, before the question; s2 brings 4 + 6 = 10 on 21 March.
    assert due == (at(2026, 3, 21, 11),)
    alone = memberkit.replay(DAY_AFTER, member(), events[:1])
    assert memberkit.due_moments(DAY_AFTER, alone, at(2026, 3, 10, 11), at(2026, 4, 30)) == ()


def test_end_of_day_posts_at_midnight_programme_time() -> None:
    """A stay checked out at 11:00 on 10 March posts at midnight starting 11 March."""
    state = memberkit.replay(
        END_OF_DAY, member(), [stay("s1", at(2026, 3, 10, 11), 10)], as_of=at(2026, 4, 1)
    )
    assert state.tiers.history[-1].at == at(2026, 3, 11, 0)
    assert state.tiers.tier_at(at(2026, 3, 10, 23, 59)) == "member"


def test_a_credit_posting_in_the_new_year_counts_in_the_new_year() -> None:
    """Six nights out on 31 December post on 1 January: 2027 has them, 2026 does not."""
    events = [stay("s1", at(2026, 12, 31, 11), 6), stay("s2", at(2027, 1, 5, 11), 4)]
    state = memberkit.replay(DAY_AFTER, member(), events[:1])
    assert memberkit.tier_of(DAY_AFTER, state, at(2026, 12, 31, 23)).figures["nights"] == 0
    state = memberkit.replay(DAY_AFTER, member(), events)
    assert memberkit.tier_of(DAY_AFTER, state, at(2027, 1, 6, 11)).tier == "gold"


def test_the_next_event_before_posting_sees_no_upgrade() -> None:
    """An event between the stay and its posting finds the member still at member."""
    events = [stay("s1", at(2026, 3, 10, 11), 10), stay("s2", at(2026, 3, 10, 20), 0)]
    state = memberkit.replay(DAY_AFTER, member(), events)
    assert state.tiers.current == "member"


@pytest.mark.parametrize(
    ("posts", "message"),
    [
        ("{}", "give a delay, e.g. {days: 1} or {at: end_of_day}"),
        ("{days: -1}", "tiers.measures.nights.posts.days"),
        ("{at: midnight}", "tiers.measures.nights.posts.at"),
    ],
)
def test_a_misshapen_posting_is_refused(posts: str, message: str) -> None:
    """A posting with no delay, a negative one or an unknown moment is refused at its path."""
    with pytest.raises(memberkit.PolicyError) as caught:
        posting(posts)
    assert message in str(caught.value)


def test_posting_applies_to_activities_only() -> None:
    """Spend counts when the order is placed: a posting delay on it is refused, saying where."""
    with pytest.raises(memberkit.PolicyError) as caught:
        tiers_yaml("  measures:\n    spend: {of: spend, posts: {days: 1}}\n" + LADDER)
    assert "tiers.measures.spend: 'posts' applies to measures of activities" in str(caught.value)


stays = st.lists(st.tuples(st.integers(0, 400 * 24), st.integers(0, 6)), max_size=10)
"""(hours after 1 Dec 2026, nights) of each stay."""


@given(st.sampled_from([DAY_AFTER, END_OF_DAY]), stays, st.integers(0, 500 * 24))
def test_replay_equals_step_by_step_and_survives_json(
    p: Policy, spec: list[tuple[int, int]], hours: int
) -> None:
    """With posting credits, replay equals applying each stay and advancing, the state
    round-trips through JSON, and tier_of at any later moment equals what advance records."""
    start = at(2026, 12, 1, 0)
    events = [stay(f"s{i}", start + timedelta(hours=h), n) for i, (h, n) in enumerate(sorted(spec))]
    as_of = start + timedelta(hours=hours)
    if events and as_of < events[-1].at:
        as_of = events[-1].at
    state = member()
    for event in events:
        state, _ = memberkit.apply(p, state, event)
    asked = memberkit.tier_of(p, state, as_of).tier
    state, _ = memberkit.advance(p, state, as_of)
    assert memberkit.replay(p, member(), events, as_of=as_of) == state
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state
    assert asked == state.tiers.tier_at(as_of)


def test_tier_of_lists_what_posts_later_by_day() -> None:
    """Before posting, the explanation says which credits post on which day (two stays)."""
    events = [stay("s1", at(2026, 3, 10, 11), 4), stay("s2", at(2026, 3, 11, 9), 3)]
    state = memberkit.replay(DAY_AFTER, member(), events)
    decision = memberkit.tier_of(DAY_AFTER, state, at(2026, 3, 11, 10))
    posts = [r for r in decision.reasons if r.code == "tier.figure_posts"]
    assert [(r.path, dict(r.params)["value"]) for r in posts] == [
        ("tiers.measures.nights", 4),
        ("tiers.measures.nights", 3),
    ]


@pytest.mark.parametrize(
    ("locale", "line"),
    [
        ("en", "4 more nights post on Mar 11, 2026."),
        ("zh_Hans", "另有 4 间夜将于 2026年3月11日 入账。"),
        ("zh_Hant", "另有 4 間夜將於 2026年3月11日 入賬。"),
    ],
)
def test_the_posting_day_is_explained_in_each_locale(locale: str, line: str) -> None:
    """The pending credit and its posting day read in English and both Chinese scripts."""
    state = memberkit.replay(DAY_AFTER, member(), [stay("s1", at(2026, 3, 10, 11), 4)])
    text = memberkit.tier_of(DAY_AFTER, state, at(2026, 3, 10, 12)).explain(locale)
    assert line in text.splitlines()


def test_nothing_is_said_to_post_once_it_has_posted() -> None:
    """After the posting moment no posting reason remains."""
    state = memberkit.replay(DAY_AFTER, member(), [stay("s1", at(2026, 3, 10, 11), 4)])
    decision = memberkit.tier_of(DAY_AFTER, state, at(2026, 3, 11, 11))
    assert not [r for r in decision.reasons if r.code == "tier.figure_posts"]


def test_a_posting_at_a_review_that_lowers_the_tier_upgrades_again() -> None:
    """Gold on 2026's ten nights; 2027 holds none (ten nights out at 00:00 on 31 Dec 2027 post on
    1 Jan 2028, 00:00): the review then lands on member, and the posting, in 2028's window,
    reaches gold at that very moment, as a purchase then would."""
    events = [stay("s1", at(2026, 3, 10, 11), 10), stay("s2", at(2027, 12, 31, 0), 10)]
    state = memberkit.replay(DAY_AFTER, member(), events, as_of=at(2028, 1, 2))
    last = [(c.tier, c.reason, c.at) for c in state.tiers.history[-2:]]
    assert last == [
        ("member", "downgrade", at(2028, 1, 1, 0)),
        ("gold", "upgrade", at(2028, 1, 1, 0)),
    ]
    # A question on 2 January, without advancing the state, answers the same.
    quoted = memberkit.tier_of(
        DAY_AFTER, memberkit.replay(DAY_AFTER, member(), events), at(2028, 1, 2)
    )
    assert (quoted.tier, quoted.since) == ("gold", at(2028, 1, 1, 0))
