"""Qualifying units made of several records: back-to-back stays at one property are one stay."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import activity, at, member, policy
from tests.tiers.builders import tiers_yaml

import memberkit
from memberkit import MemberState, Policy
from memberkit._facts import member_values
from memberkit.tiers._measures import figures
from memberkit.tiers._windows import Span

JOINED = (
    "  measures:\n"
    "    stays:\n"
    "      of: activities\n"
    "      kind: stay\n"
    "      where: {attr.paid: [true]}\n"
    "      one_unit:\n"
    "        same: [attr.property]\n"
    "        back_to_back: {from: attr.check_in, to: attr.check_out}\n"
    "    nights: {of: sum, kind: stay, field: attr.nights}\n"
    "  ladder:\n    - {id: member}\n    - {id: silver, qualify: {stays: 3}}\n"
)

POLICY = tiers_yaml(JOINED)


def stay(
    event_id: str, when: datetime, where: str, check_in: Any, check_out: Any, **more: Any
) -> memberkit.Activity:
    """A stay at property ``where`` recorded at ``when`` (its check-out), paid unless told."""
    attributes = {"property": where, "check_in": check_in, "check_out": check_out, "paid": True}
    nights = (
        (datetime.fromisoformat(check_out) - datetime.fromisoformat(check_in)).days
        if isinstance(check_in, str) and isinstance(check_out, str) and len(check_in) == 10
        else 1
    )
    attributes["nights"] = nights
    attributes.update(more)
    return activity(event_id, when, "stay", attributes=attributes)


def figures_after(*events: memberkit.Event, when: datetime, p: Policy = POLICY) -> dict[str, Any]:
    """The tier figures as of ``when`` after the events."""
    state: MemberState = memberkit.replay(p, member(), events)
    return dict(memberkit.tier_of(p, state, when).figures)


# Each row: the stays (id, check-out day in 2026 March as the record's date, property, check-in,
# check-out), then the stays and nights worked by hand.
TABLE = [
    pytest.param(
        [
            ("s1", 3, "PEK", "2026-03-01", "2026-03-03"),
            ("s2", 5, "PEK", "2026-03-03", "2026-03-05"),
        ],
        1,
        4,
        id="back-to-back at one property: one stay of 2 + 2 nights",
    ),
    pytest.param(
        [
            ("s1", 3, "PEK", "2026-03-01", "2026-03-03"),
            ("s2", 5, "PEK", "2026-03-03", "2026-03-05"),
            ("s3", 6, "PEK", "2026-03-05", "2026-03-06"),
        ],
        1,
        5,
        id="a chain of three is one stay",
    ),
    pytest.param(
        [
            ("s1", 3, "PEK", "2026-03-01", "2026-03-03"),
            ("s2", 5, "SHA", "2026-03-03", "2026-03-05"),
        ],
        2,
        4,
        id="another property on the same day: two stays",
    ),
    pytest.param(
        [
            ("s1", 3, "PEK", "2026-03-01", "2026-03-03"),
            ("s2", 6, "PEK", "2026-03-04", "2026-03-06"),
        ],
        2,
        4,
        id="a night away between them: two stays",
    ),
    pytest.param(
        [
            ("s1", 3, "PEK", "2026-03-01", "2026-03-03"),
            ("s2", 4, "SHA", "2026-03-03", "2026-03-04"),
            ("s3", 6, "PEK", "2026-03-03", "2026-03-06"),
        ],
        2,
        6,
        id="the chain is by property, not by the record just before",
    ),
    pytest.param(
        [
            ("s1", 3, "PEK", "2026-03-01", "2026-03-03"),
            ("s2", 5, "PEK", "2026-03-03T15:00:00+08:00", "2026-03-05T11:00:00+08:00"),
        ],
        1,
        3,
        id="a check-in given with its time joins by its date",
    ),
]


@pytest.mark.parametrize(("stays", "units", "nights"), TABLE)
def test_units_and_nights(
    stays: list[tuple[str, int, str, str, str]], units: int, nights: int
) -> None:
    """Back-to-back stays at one property count once; the nights of each still add up."""
    events = [stay(i, at(2026, 3, day, 12), p, cin, cout) for i, day, p, cin, cout in stays]
    found = figures_after(*events, when=at(2026, 6, 1))
    assert (found["stays"], found["nights"]) == (units, nights)


def test_an_unpaid_stay_between_two_paid_ones_breaks_the_chain() -> None:
    """A stay the filter leaves out is no unit and joins nothing: the paid stays are two."""
    events = [
        stay("s1", at(2026, 3, 3), "PEK", "2026-03-01", "2026-03-03"),
        stay("s2", at(2026, 3, 5), "PEK", "2026-03-03", "2026-03-05", paid=False),
        stay("s3", at(2026, 3, 7), "PEK", "2026-03-05", "2026-03-07"),
    ]
    assert figures_after(*events, when=at(2026, 6, 1))["stays"] == 2


def test_a_stay_without_its_dates_is_a_unit_of_its_own() -> None:
    """A record missing its check-in joins nothing before it, and one missing its check-out
    nothing after it: three records, three stays."""
    s1 = activity(
        "s1", at(2026, 3, 3), "stay", attributes={"property": "PEK", "paid": True, "nights": 2}
    )
    s2 = activity(
        "s2",
        at(2026, 3, 5),
        "stay",
        attributes={"property": "PEK", "paid": True, "check_in": "2026-03-03", "nights": 2},
    )
    s3 = stay("s3", at(2026, 3, 7), "PEK", "2026-03-05", "2026-03-07")
    assert figures_after(s1, s2, s3, when=at(2026, 6, 1))["stays"] == 3


def test_a_unit_across_the_new_year_counts_in_the_year_it_began() -> None:
    """A stay from 29 to 31 December continued to 2 January counts once, in 2026 only: the
    2027 figure has the continuing stay's 2 nights but no stay."""
    first = stay("s1", at(2026, 12, 31, 11), "PEK", "2026-12-29", "2026-12-31")
    second = stay("s2", at(2027, 1, 2, 11), "PEK", "2026-12-31", "2027-01-02")
    assert figures_after(first, when=at(2026, 12, 31, 23))["stays"] == 1
    after = figures_after(first, second, when=at(2027, 6, 1))
    assert (after["stays"], after["nights"]) == (0, 2)


def test_a_later_record_never_changes_a_figure_already_given() -> None:
    """The 2026 figure read through a calendar-year condition figure stays 1 once the chain
    runs on into 2027 (a unit is dated by its first record)."""
    p = policy(
        "tiers:\n"
        + JOINED
        + "figures:\n  stays_this_year: {measure: stays, window: calendar_year}\n"
    )
    first = stay("s1", at(2026, 12, 30, 11), "PEK", "2026-12-29", "2026-12-30")
    second = stay("s2", at(2026, 12, 31, 11), "PEK", "2026-12-30", "2026-12-31")
    third = stay("s3", at(2027, 1, 2, 11), "PEK", "2026-12-31", "2027-01-02")
    state = memberkit.replay(p, member(), [first, second, third])
    values = member_values(state, at(2026, 12, 31, 12), tier=None, figures=p.info.figures)
    assert values["figure.stays_this_year"] == 1
    values = member_values(state, at(2027, 1, 3), tier=None, figures=p.info.figures)
    assert values["figure.stays_this_year"] == 0


def test_the_third_unit_not_the_third_record_upgrades() -> None:
    """Four stays, two of them back to back, reach silver (3 stays) at the fourth record."""
    events = [
        stay("s1", at(2026, 3, 3), "PEK", "2026-03-01", "2026-03-03"),
        stay("s2", at(2026, 3, 5), "PEK", "2026-03-03", "2026-03-05"),
        stay("s3", at(2026, 4, 2), "SHA", "2026-04-01", "2026-04-02"),
        stay("s4", at(2026, 5, 2), "PEK", "2026-05-01", "2026-05-02"),
    ]
    state = memberkit.replay(POLICY, member(), events)
    assert state.tiers.tier_at(at(2026, 4, 30)) == "member"
    assert state.tiers.tier_at(at(2026, 5, 2)) == "silver"


def test_without_same_any_back_to_back_records_join() -> None:
    """With no shared attribute named, a move to another hotel the same day is one stay."""
    p = tiers_yaml(JOINED.replace("        same: [attr.property]\n", ""))
    events = [
        stay("s1", at(2026, 3, 3), "PEK", "2026-03-01", "2026-03-03"),
        stay("s2", at(2026, 3, 5), "SHA", "2026-03-03", "2026-03-05"),
    ]
    assert figures_after(*events, when=at(2026, 6, 1), p=p)["stays"] == 1


def test_a_figure_in_conditions_counts_units_too() -> None:
    """A `figures:` entry reading the measure counts two back-to-back stays as one."""
    p = policy(
        "tiers:\n"
        + JOINED
        + "figures:\n  stays_this_year: {measure: stays, window: calendar_year}\n"
    )
    events = [
        stay("s1", at(2026, 3, 3), "PEK", "2026-03-01", "2026-03-03"),
        stay("s2", at(2026, 3, 5), "PEK", "2026-03-03", "2026-03-05"),
    ]
    state = memberkit.replay(p, member(), events)
    values = member_values(state, at(2026, 3, 6), tier=None, figures=p.info.figures)
    assert values["figure.stays_this_year"] == 1


REFUSED = [
    pytest.param(
        "    nights:\n      of: sum\n      kind: stay\n      field: attr.nights\n"
        "      one_unit: {back_to_back: {from: attr.check_in, to: attr.check_out}}\n",
        "'one_unit' applies to activities measures only",
        id="on a sum",
    ),
    pytest.param(
        "    stays:\n      of: activities\n      kind: stay\n"
        "      one_unit: {back_to_back: {from: attr.check_in, to: attr.check_in}}\n",
        "name where a record starts and where it ends",
        id="from equals to",
    ),
    pytest.param(
        "    stays:\n      of: activities\n      kind: stay\n"
        "      one_unit: {same: [property], back_to_back: {from: attr.a, to: attr.b}}\n",
        "tiers.measures.stays.one_unit.same[0]",
        id="an attribute without attr.",
    ),
    pytest.param(
        "    stays:\n      of: activities\n      kind: stay\n"
        "      one_unit: {same: [attr.property]}\n",
        "tiers.measures.stays.one_unit.back_to_back",
        id="no back_to_back",
    ),
    pytest.param(
        "    stays:\n      of: activities\n      kind: stay\n"
        "      one_unit: {back_to_back: {from: attr.a, to: attr.b, upto: attr.c}}\n",
        "tiers.measures.stays.one_unit.back_to_back.upto",
        id="an unknown key",
    ),
]


@pytest.mark.parametrize(("measure", "message"), REFUSED)
def test_refused_one_unit(measure: str, message: str) -> None:
    """A misshapen one_unit is a policy error at its path saying what to write."""
    with pytest.raises(memberkit.PolicyError) as caught:
        tiers_yaml("  measures:\n" + measure + "  ladder:\n    - {id: member}\n")
    assert message in str(caught.value)


# --- laws ----------------------------------------------------------------------------------------

LOOSE = tiers_yaml(JOINED.replace("        same: [attr.property]\n", ""))
POSTED = tiers_yaml(
    JOINED.replace("      one_unit:\n", "      posts: {days: 1}\n      one_unit:\n")
)

stays_spec = st.lists(
    st.tuples(st.sampled_from(["PEK", "SHA"]), st.integers(0, 2), st.integers(1, 3), st.booleans()),
    max_size=14,
)
"""(property, days since the last check-out, nights, paid) of each stay, in order."""


def generated(spec: list[tuple[str, int, int, bool]]) -> list[memberkit.Event]:
    """Stays from a generated spec, from December 2026 so chains cross the new year."""
    events: list[memberkit.Event] = []
    day = date(2026, 12, 1)
    for i, (where, gap, nights, paid) in enumerate(spec):
        check_in = day + timedelta(days=gap)
        day = check_in + timedelta(days=nights)
        when = at(day.year, day.month, day.day, 11)
        events.append(stay(f"s{i}", when, where, str(check_in), str(day), paid=paid))
    return events


@given(st.sampled_from([POLICY, POSTED]), stays_spec, st.integers(0, 400))
def test_replay_equals_step_by_step_with_joined_stays(
    p: Policy, spec: list[tuple[str, int, int, bool]], days_after: int
) -> None:
    """replay of stays under a joining measure (credited at once or the day after) equals
    applying each and then advancing, and the state survives a JSON round trip."""
    events = generated(spec)
    as_of = at(2026, 12, 1) + timedelta(days=days_after)
    if events and as_of < events[-1].at:
        as_of = events[-1].at
    state = member()
    for event in events:
        state, _ = memberkit.apply(p, state, event)
    state, _ = memberkit.advance(p, state, as_of)
    assert memberkit.replay(p, member(), events, as_of=as_of) == state
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state


@given(stays_spec, st.integers(0, 400))
def test_joined_stays_are_between_none_and_every_paid_record(
    spec: list[tuple[str, int, int, bool]], days_after: int
) -> None:
    """Joining only at one property never counts fewer stays than joining anywhere, nor more
    than there are paid records in the window."""
    events = generated(spec)
    when = at(2026, 12, 1) + timedelta(days=days_after)
    if events and when < events[-1].at:
        when = events[-1].at
    strict = figures_after(*events, when=when)["stays"]
    loose = figures_after(*events, when=when, p=LOOSE)["stays"]
    paid = sum(
        1 for e, (_, _, _, p) in zip(events, spec, strict=True) if p and e.at.year == when.year
    )
    assert loose <= strict <= paid


@given(stays_spec, st.integers(1, 14))
def test_a_later_stay_never_changes_an_earlier_figure(
    spec: list[tuple[str, int, int, bool]], cut: int
) -> None:
    """The year's stays as of a stay's record are the same whatever stays come after it."""
    events = generated(spec)
    if len(events) < cut:
        return
    prefix = events[:cut]
    when = prefix[-1].at
    state = memberkit.replay(POLICY, member(), events)
    compiled = POLICY.at(when).tiers
    assert compiled is not None
    measure = {"stays": compiled.measures["stays"]}
    year = Span(at(when.year, 1, 1, 0), at(when.year + 1, 1, 1, 0))
    tz = when.tzinfo
    assert tz is not None
    later = figures(measure, state, year, when, tz, currency="CNY")["stays"]
    assert later == figures_after(*prefix, when=when)["stays"]
