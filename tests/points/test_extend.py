"""Expiry extensions: campaigns declared in the policy and extensions a member pays for."""

from __future__ import annotations

from datetime import date

import pydantic
import pytest
from tests.builders import at, purchase
from tests.points.builders import applied, event, member, points_policy, section

import memberkit

BASE = "earn:\n  - {id: base, per: 1 CNY, points: 1}\n"
FIXED = 'expiry:\n  fixed: "12-31"\n  years_after_earning: 1\n'
CAMPAIGN = (
    "  extensions:\n"
    "    - {id: winter, name: {zh_Hans: 冬季延期, en: Winter extension},"
    " expiring_from: 2027-12-01, expiring_to: 2027-12-31, months: 3}\n"
)
PAID = "  paid_extension: {max_months: 6}\n"


def _earned(policy: memberkit.Policy) -> memberkit.MemberState:
    """100 points earned in March 2026 (valid to 31 Dec 2027) and 50 in January 2027."""
    return applied(
        policy,
        member(),
        purchase("o1", at(2026, 3, 1)),
        purchase("o2", at(2027, 1, 5), ("l1", "x", "50")),
    )


def test_a_campaign_pushes_points_expiring_in_its_window() -> None:
    """Points valid to 31 Dec 2027 are pushed three months; those valid to 2028 are not."""
    policy = points_policy(BASE + FIXED + CAMPAIGN)
    state = _earned(policy)
    schedule = memberkit.balance(policy, state, at(2027, 6, 1)).schedule
    assert schedule == ((date(2028, 3, 31), 100), (date(2028, 12, 31), 50))


def test_campaign_points_survive_the_old_date_and_lapse_at_the_new_one() -> None:
    """On 1 Jan 2028 the pushed points are still available; on 1 Apr 2028 they are gone."""
    policy = points_policy(BASE + FIXED + CAMPAIGN)
    state = _earned(policy)
    assert memberkit.balance(policy, state, at(2028, 1, 1, 0, 0)).available == 150
    assert memberkit.balance(policy, state, at(2028, 4, 1, 0, 0)).available == 50


def test_a_campaign_to_a_date_moves_expiry_to_that_day() -> None:
    """``to: 2028-02-29`` makes the covered points valid through 29 Feb 2028."""
    policy = points_policy(
        BASE
        + FIXED
        + "  extensions: [{id: leap, expiring_from: 2027-12-31, expiring_to: 2027-12-31,"
        " to: 2028-02-29}]\n"
    )
    state = _earned(policy)
    assert memberkit.balance(policy, state, at(2027, 6, 1)).schedule[0] == (date(2028, 2, 29), 100)


def test_a_campaign_pushes_a_lot_only_once() -> None:
    """A lot pushed into the window again by the campaign itself is not pushed a second time."""
    policy = points_policy(
        BASE
        + FIXED
        + "  extensions: [{id: long, expiring_from: 2027-12-01, expiring_to: 2028-06-30,"
        " months: 3}]\n"
    )
    state = _earned(policy)
    for moment in (at(2027, 2, 1), at(2027, 8, 1), at(2028, 2, 1)):
        state, _ = memberkit.advance(policy, state, moment)
    assert memberkit.balance(policy, state, at(2028, 2, 1)).schedule[0] == (date(2028, 3, 31), 100)


def test_a_campaign_is_journaled_and_explained() -> None:
    """The campaign leaves an extend entry of 0 points and a reason in zh_Hans."""
    policy = points_policy(BASE + FIXED + CAMPAIGN)
    state = applied(policy, member(), purchase("o1", at(2026, 3, 1)))
    state, reasons = memberkit.advance(policy, state, at(2026, 3, 2))
    last = state.points.journal[-1]
    assert (last.kind, last.points, last.rule) == ("extend", 0, "winter")
    texts = [memberkit.i18n.render(r, "zh_Hans") for r in reasons]
    assert texts == ["冬季延期：100 积分延期至 2028年3月31日。"]


def _extension(months: int, **kw: object) -> memberkit.Event:
    return event("points_extension", "x1", at(2027, 11, 1), months=months, price="9.90", **kw)


def test_a_paid_extension_pushes_expiry_and_is_journaled() -> None:
    """Six paid months move points valid to 31 Dec 2027 to 30 Jun 2028, journaled with a reason."""
    policy = points_policy(BASE + FIXED + PAID)
    state = applied(policy, _earned(policy), _extension(6, expiring_by="2027-12-31"))
    assert memberkit.balance(policy, state, at(2027, 11, 1)).schedule == (
        (date(2028, 6, 30), 100),
        (date(2028, 12, 31), 50),
    )
    last = state.points.journal[-1]
    assert (last.kind, last.points, last.rule, last.event_id) == ("extend", 0, "paid", "x1")


def test_a_paid_extension_without_a_bound_extends_every_dated_lot() -> None:
    """Without expiring_by both lots move: a month's last day stays a month's last day."""
    policy = points_policy(BASE + FIXED + PAID)
    state = applied(policy, _earned(policy), _extension(2))
    assert memberkit.balance(policy, state, at(2027, 11, 1)).schedule == (
        (date(2028, 2, 29), 100),
        (date(2029, 2, 28), 50),
    )


def test_a_paid_extension_is_explained_in_three_locales() -> None:
    """The outcome says how many points now last until when."""
    policy = points_policy(BASE + FIXED + PAID)
    _, outcome = memberkit.apply(policy, _earned(policy), _extension(6, expiring_by="2027-12-31"))
    assert outcome.explain("zh_Hans") == "付费延期：100 积分延期 6 个月，至 2028年6月30日。"
    assert outcome.explain("en") == (
        "Paid extension: 100 points now valid until Jun 30, 2028 (+6 months)."
    )
    assert outcome.explain("zh_Hant") == "付費延期：100 積分延期 6 個月，至 2028年6月30日。"


@pytest.mark.parametrize(
    ("body", "months", "code"),
    [
        (BASE + FIXED, 3, "points.no_paid_extension"),
        (BASE + FIXED + PAID, 7, "points.extension_too_long"),
        # With inactivity expiry nothing is dated: the policy itself is refused at load
        # (tests/points/test_expiry.py::test_an_extension_is_refused_with_inactivity_expiry).
    ],
)
def test_a_paid_extension_the_policy_does_not_allow_is_refused(
    body: str, months: int, code: str
) -> None:
    """Not offered or too long: refused, and nothing changes."""
    policy = points_policy(body)
    before = _earned(policy)
    after, outcome = memberkit.apply(policy, before, _extension(months))
    assert outcome.refused
    assert [r.code for r in outcome.reasons] == [code]
    assert after is before


@pytest.mark.parametrize(
    "campaign",
    [
        "{id: a, expiring_from: 2027-12-01, expiring_to: 2027-12-31, months: 3, to: 2028-03-31}",
        "{id: a, expiring_from: 2027-12-01, expiring_to: 2027-12-31}",
        "{id: a, expiring_from: 2027-12-31, expiring_to: 2027-12-01, months: 3}",
        "{id: a, expiring_from: 2027-12-01, expiring_to: 2027-12-31, to: 2027-12-15}",
    ],
)
def test_a_malformed_campaign_is_rejected(campaign: str) -> None:
    """Both or neither of months/to, a reversed window, or a 'to' that shortens: invalid."""
    with pytest.raises(pydantic.ValidationError):
        section(BASE + FIXED + f"  extensions: [{campaign}]\n")


def test_a_points_extension_in_a_programme_without_points_is_an_event_error() -> None:
    """The event is malformed for a programme that has no points section."""
    from tests.builders import policy

    with pytest.raises(memberkit.EventError, match="no points section"):
        memberkit.apply(policy(), member(), _extension(3))


FEE = "  paid_extension: {max_months: 6, fee: {share: 10%, rounding: ceil}, once_per_lot: true}\n"


def test_a_paid_extension_costs_a_share_of_the_points_it_extends() -> None:
    """Extending the 100 points due end of 2027 costs 10 of them; 140 are left of 150."""
    policy = points_policy(BASE + FIXED + FEE)
    state = _earned(policy)
    buy = event("points_extension", "x1", at(2027, 6, 1), months=6, expiring_by=date(2027, 12, 31))
    state, outcome = memberkit.apply(policy, state, buy)
    assert outcome.accepted
    assert [r.code for r in outcome.reasons] == ["points.extension_bought", "points.extension_fee"]
    held = memberkit.balance(policy, state, at(2027, 6, 2))
    assert held.available == 140
    # The fee is spent earliest expiry first: from the extended lot itself.
    assert held.schedule == ((date(2028, 6, 30), 90), (date(2028, 12, 31), 50))


def test_a_fee_is_rounded_as_stated() -> None:
    """10% of 150 extended points with ceil is 15; of 55 (with floor) is 5."""
    policy = points_policy(BASE + FIXED + FEE)
    state = _earned(policy)
    buy = event("points_extension", "x1", at(2027, 6, 1), months=6)
    state, _ = memberkit.apply(policy, state, buy)
    assert memberkit.balance(policy, state, at(2027, 6, 2)).available == 135
    floor = FEE.replace("ceil", "floor")
    policy = points_policy(BASE + FIXED + floor)
    state = applied(policy, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "55")))
    state, _ = memberkit.apply(policy, state, buy)
    assert memberkit.balance(policy, state, at(2027, 6, 2)).available == 50


def test_once_per_lot_refuses_a_second_paid_extension_of_the_same_points() -> None:
    """The lot extended once is not extended again; with nothing else to extend, refused."""
    policy = points_policy(BASE + FIXED + FEE)
    state = applied(policy, member(), purchase("o1", at(2026, 3, 1)))
    first = event("points_extension", "x1", at(2027, 6, 1), months=3)
    state = applied(policy, state, first)
    again = event("points_extension", "x2", at(2027, 7, 1), months=3)
    state2, outcome = memberkit.apply(policy, state, again)
    assert not outcome.accepted
    assert [r.code for r in outcome.reasons] == ["points.nothing_to_extend"]
    assert state2.points == state.points


def test_a_fee_larger_than_the_balance_is_refused_and_changes_nothing() -> None:
    """Points still pending can be extended but not spent: their fee cannot be paid."""
    policy = points_policy(BASE + FIXED + FEE + "pending: {days: 30}\n")
    state = applied(policy, member(), purchase("o1", at(2027, 6, 1)))
    before = state
    state, outcome = memberkit.apply(
        policy, state, event("points_extension", "x1", at(2027, 6, 2), months=3)
    )
    assert not outcome.accepted
    assert [r.code for r in outcome.reasons] == ["points.insufficient"]
    assert state.points == before.points
