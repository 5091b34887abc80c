"""A beauty retailer: calendar-year spend tiers held for the rest of the year and the next.

Facts relied on, from Sephora Beauty Insider's published terms (US) as known to the author:
- Insider on joining; VIB at US$350 spent in a calendar year; Rouge at US$1,000.
- A tier reached is held for the rest of that calendar year and all of the next; to keep it
  beyond, the member spends the threshold again in the following calendar year. Returns are
  taken off the spend.
- A birthday gift may be claimed during the birthday month, once a year, by every member.
The brief's shape adds the gift by tier: a birthday credit of US$10 for VIB and US$25 for Rouge.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.programmes.builders import applied, joined, order, programme, use, wall

import memberkit
from memberkit import Money

POLICY = """
memberkit: 1
program: {id: beauty-club, name: {en: Beauty Club, zh_Hans: 美妆俱乐部}, currency: USD,
          timezone: America/Los_Angeles, locale: en}
tiers:
  window: calendar_year
  ladder:
    - {id: insider, name: {en: Insider, zh_Hans: 会员}}
    - {id: vib, name: {en: VIB, zh_Hans: 黑卡}, qualify: {spend: 350}, validity: rest_of_year_plus_next}
    - {id: rouge, name: {en: Rouge, zh_Hans: 金卡}, qualify: {spend: 1000}, validity: rest_of_year_plus_next}
  upgrade: immediate
  review: end_of_window      # 1 January: the year just ended keeps the tier, or not
  downgrade: to_figures
  refunds: at_review
benefits:
  - id: birthday-gift
    name: {en: Birthday gift, zh_Hans: 生日礼}
    when: {birthday: month}
    quota: {count: 1, per: year}
  - id: birthday-credit
    name: {en: Birthday credit, zh_Hans: 生日礼金}
    value: {by_tier: {vib: 10, rouge: 25}, unit: money}
    when: {birthday: month}
    quota: {count: 1, per: year}
"""

AT = wall("America/Los_Angeles")


@pytest.fixture(scope="module")
def policy() -> memberkit.Policy:
    """The beauty retailer's programme."""
    return programme(POLICY, "beauty")


def member(birthday: date | None = date(1995, 10, 3)) -> memberkit.MemberState:
    """A member since 1 January 2026, born 3 October."""
    return joined("b1", AT(2026, 1, 1, 0), birthday=birthday)


def spent(policy: memberkit.Policy, *orders: tuple[int, int, str]) -> memberkit.MemberState:
    """The member after orders given as (year, month, amount)."""
    events = [
        order(f"o{i}", AT(y, m, 10), amount, currency="USD")
        for i, (y, m, amount) in enumerate(orders)
    ]
    return applied(policy, member(), *events)


@pytest.mark.parametrize(
    ("amount", "tier"),
    [("349.99", "insider"), ("350", "vib"), ("999.99", "vib"), ("1000", "rouge")],
)
def test_the_years_spend_sets_the_tier(policy: memberkit.Policy, amount: str, tier: str) -> None:
    """US$350 makes VIB and US$1,000 Rouge, to the cent."""
    state = spent(policy, (2026, 4, amount))
    assert memberkit.tier_of(policy, state, AT(2026, 4, 11)).tier == tier


def test_a_tier_reached_in_november_is_held_all_of_next_year(policy: memberkit.Policy) -> None:
    """VIB reached in November 2026 with nothing spent in 2027 lasts to 31 December 2027."""
    state = spent(policy, (2026, 11, "400"))
    assert memberkit.tier_of(policy, state, AT(2027, 12, 31, 23)).tier == "vib"
    assert memberkit.tier_of(policy, state, AT(2028, 1, 1, 0)).tier == "insider"


def test_spending_the_threshold_next_year_keeps_the_tier_a_year_more(
    policy: memberkit.Policy,
) -> None:
    """VIB in 2026 and US$350 spent in 2027: VIB through 2028."""
    state = spent(policy, (2026, 3, "400"), (2027, 8, "350"))
    decision = memberkit.tier_of(policy, state, AT(2028, 6, 1))
    assert (decision.tier, decision.valid_until) == ("vib", AT(2029, 1, 1, 0))


def test_rouge_reviewed_on_a_vib_year_becomes_vib(policy: memberkit.Policy) -> None:
    """Rouge in 2026 and US$500 spent in 2027: VIB in 2028, held through 2029."""
    state = spent(policy, (2026, 3, "1200"), (2027, 8, "500"))
    decision = memberkit.tier_of(policy, state, AT(2028, 6, 1))
    assert (decision.tier, decision.valid_until) == ("vib", AT(2029, 1, 1, 0))


def test_a_return_in_the_review_year_counts_against_keeping_the_tier(
    policy: memberkit.Policy,
) -> None:
    """VIB in 2026; US$400 spent in 2027 with a US$100 order returned is short of keeping VIB."""
    state = spent(policy, (2026, 3, "400"), (2027, 8, "300"), (2027, 9, "100"))
    refund = memberkit.parse_event(
        {"type": "refund", "id": "r1", "at": AT(2027, 9, 20), "order": "o2"}
    )
    state = applied(policy, state, refund)
    assert memberkit.tier_of(policy, state, AT(2027, 12, 31)).tier == "vib"
    assert memberkit.tier_of(policy, state, AT(2028, 1, 2)).tier == "insider"


def test_progress_says_what_keeps_the_tier(policy: memberkit.Policy) -> None:
    """In 2027 a VIB member from 2026 sees that the tier is held to the end of 2027."""
    state = spent(policy, (2026, 3, "400"))
    shown = memberkit.progress(policy, state, AT(2027, 3, 1))
    assert shown.tier == "vib"
    assert shown.next_tier == "rouge"
    assert [{n.measure: n.missing for n in p.needs} for p in shown.paths] == [
        {"spend": Decimal(1000)}
    ]


@pytest.mark.parametrize(
    ("amount", "credit"),
    [("100", None), ("400", Money(Decimal(10), "USD")), ("1000", Money(Decimal(25), "USD"))],
)
def test_birthday_credit_by_tier(
    policy: memberkit.Policy, amount: str, credit: Money | None
) -> None:
    """In the birthday month VIB has a US$10 credit and Rouge US$25; an Insider has none."""
    state = spent(policy, (2026, 4, amount))
    decision = memberkit.check_benefit(policy, state, "birthday-credit", AT(2026, 10, 5))
    assert decision.allowed == (credit is not None)
    assert decision.value == credit


def test_every_member_has_a_birthday_gift_once_in_the_month(policy: memberkit.Policy) -> None:
    """An Insider claims the gift in October; a second claim that month is refused."""
    state = applied(policy, member(), use("g1", AT(2026, 10, 5), "birthday-gift"))
    _, outcome = memberkit.apply(policy, state, use("g2", AT(2026, 10, 20), "birthday-gift"))
    september = memberkit.check_benefit(policy, member(), "birthday-gift", AT(2026, 9, 30))
    assert outcome.refused
    assert not september.allowed
