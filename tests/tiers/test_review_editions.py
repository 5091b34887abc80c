"""Versions whose tiers review a member by a date of the member's status (``reviews:``)."""

from __future__ import annotations

import io
import json
import pickle
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from tests.builders import PROGRAM, at, member, policy, purchase
from tests.core import test_time_laws as laws

import memberkit
from memberkit import MemberState, Policy, state_from_json, state_to_json
from memberkit.cli import main
from memberkit.i18n import render

# Gold is reached on 5,000 of spend in a calendar year and held for the rest of that year and the
# next; at the review after it ends it is kept on 3,000. From 2027 the programme asks 8,000 to
# reach gold and 6,000 to keep it, but a gold status ending in 2027 (on 31 December 2027 at the
# latest) is reviewed on the 2026 rules: "statuses expiring before 1 January 2028 keep the
# current criteria".
LADDER = """tiers:
  measures: {spend: {of: spend}}
  window: calendar_year
  ladder:
    - {id: basic, name: {en: Member, zh_Hans: 会员, zh_Hant: 會員}}
    - {id: silver, name: {en: Silver, zh_Hans: 银卡, zh_Hant: 銀卡}, qualify: {spend: 1000}}
    - id: gold
      name: {en: Gold, zh_Hans: 金卡, zh_Hant: 金卡}
      qualify: {spend: 5000}
      retain: {spend: 3000}
      validity: rest_of_year_plus_next
  review: end_of_window
"""

STRICTER = """versions:
  - effective_from: 2027-01-01
    announced: 2026-09-30
{reviews}    changes:
      - {{at: tiers.ladder.gold.qualify.spend, set: 8000}}
      - {{at: tiers.ladder.gold.retain.spend, set: 6000}}
"""

BY_EXPIRY = "    reviews: {by: status_expiry, from: 2028-01-01}\n"


def programme(reviews: str = BY_EXPIRY) -> Policy:
    """The gold ladder with the 2027 version, its reviews chosen as given ("" by the moment)."""
    return policy(LADDER + STRICTER.format(reviews=reviews))


def buy(event_id: str, when: datetime, amount: str) -> memberkit.Purchase:
    """A purchase of ``amount`` yuan."""
    return purchase(event_id, when, ("l1", "general", amount))


def member_a() -> list[memberkit.Event]:
    """Gold on 5,000 in March 2026 (held to 31 Dec 2027); 4,000 spent in 2027."""
    return [buy("a1", at(2026, 3, 1), "5000"), buy("a2", at(2027, 3, 1), "4000")]


def member_b() -> list[memberkit.Event]:
    """7,000 in February 2027 (silver under the new levels), 1,500 more in June (gold), 5,000 in 2028."""
    return [
        buy("b1", at(2027, 2, 1), "7000"),
        buy("b2", at(2027, 6, 1), "1500"),
        buy("b3", at(2028, 3, 1), "5000"),
    ]


def advanced(p: Policy, events: list[memberkit.Event], until: datetime) -> MemberState:
    """The member replayed over ``events`` and brought to ``until``."""
    return memberkit.replay(p, member("m"), events, as_of=until)


def reasons_until(
    p: Policy, events: list[memberkit.Event], until: datetime
) -> list[memberkit.Reason]:
    """What time brought after the last event, up to ``until``."""
    _, reasons = memberkit.advance(p, memberkit.replay(p, member("m"), events), until)
    return reasons


@pytest.mark.parametrize(
    ("reviews", "events", "when", "tier", "through"),
    [
        # A: gold ends 31 Dec 2027, before the cut-off: the 2026 rules keep it on 4,000 >= 3,000,
        # for the rest of 2028 (the term the 2026 rules grant, counted from the 2027 window).
        (BY_EXPIRY, member_a(), at(2028, 1, 2), "gold", "2028-12-31"),
        # The same member when the version decides by the moment: 4,000 < 6,000 -> silver
        # (silver asks 1,000, which 4,000 meets), with no term.
        ("", member_a(), at(2028, 1, 2), "silver", None),
        # B: 7,000 in February reaches only silver, since upgrades follow the version in force
        # (8,000 from 2027); 8,500 in June reaches gold, held to 31 Dec 2028.
        (BY_EXPIRY, member_b()[:1], at(2027, 2, 2), "silver", None),
        (BY_EXPIRY, member_b()[:2], at(2027, 6, 2), "gold", "2028-12-31"),
        # Silver (no term) on 7,000 at the review of 1 Jan 2028: its status ends 31 Dec 2027,
        # but the 2026 rules' gold on 5,000 is an upgrade, and upgrades follow the 2027 rules
        # (8,000): silver stays.
        (BY_EXPIRY, member_b()[:1], at(2028, 1, 2), "silver", None),
        # B's gold ends 31 Dec 2028, not before the cut-off: the 2027 rules judge 5,000 < 6,000.
        (BY_EXPIRY, member_b(), at(2029, 1, 2), "silver", None),
        # Under the 2026 rules B's 5,000 would have kept gold: the cut-off is what decides.
        (
            BY_EXPIRY.replace("2028-01-01", "2029-06-01"),
            member_b(),
            at(2029, 1, 2),
            "gold",
            "2029-12-31",
        ),
    ],
)
def test_reviews_follow_the_status_date(
    reviews: str, events: list[memberkit.Event], when: datetime, tier: str, through: str | None
) -> None:
    """Each member's tier after the review, worked out by hand from the rules above."""
    p = programme(reviews)
    decision = memberkit.tier_of(p, advanced(p, events, when), when)
    valid = None if decision.valid_through is None else decision.valid_through.isoformat()
    assert (decision.tier, valid) == (tier, through)


def test_the_review_says_which_rules_judged_it() -> None:
    """A's review names the status's last day, the cut-off and the edition, in three locales."""
    p = programme()
    reasons = reasons_until(p, member_a(), at(2028, 1, 2))
    (said,) = [r for r in reasons if r.code.startswith("tier.review_")]
    assert (said.code, said.path) == ("tier.review_old_rules_expiry", "versions[0].reviews")
    assert render(said, "en") == (
        "The Gold status ends on Dec 31, 2027, before Jan 1, 2028: its review follows the tier "
        "rules in force before Jan 1, 2027."
    )
    assert render(said, "zh_Hans") == (
        "金卡等级于 2027年12月31日 到期，早于 2028年1月1日：其复核按 2027年1月1日 之前施行的等级规则进行。"
    )
    assert render(said, "zh_Hant").startswith("金卡等級於 2027年12月31日 到期，早於 2028年1月1日")


@pytest.mark.parametrize(
    ("events", "when", "code"),
    [
        # A in June 2027: gold ends 31 Dec 2027, before the cut-off.
        (member_a(), at(2027, 6, 1), "tier.review_old_rules_expiry"),
        # A kept gold on 1 Jan 2028, now to 31 Dec 2028: the next review is the new rules'.
        (member_a(), at(2028, 6, 1), "tier.review_new_rules_expiry"),
    ],
)
def test_tier_of_says_which_rules_the_next_review_follows(
    events: list[memberkit.Event], when: datetime, code: str
) -> None:
    """The tier decision names the edition that will review the tier it reports."""
    p = programme()
    decision = memberkit.tier_of(p, memberkit.replay(p, member("m"), events), when)
    assert [r.code for r in decision.reasons if r.code.startswith("tier.review_")] == [code]


def test_a_newer_status_is_said_to_be_reviewed_on_the_new_rules() -> None:
    """B's review at the start of 2029 is judged by the 2027 edition, and the reason says so."""
    reasons = reasons_until(programme(), member_b(), at(2029, 1, 2))
    codes = [r.code for r in reasons]
    assert codes.index("tier.review_new_rules_expiry") < codes.index("tier.downgraded")


def test_without_reviews_nothing_new_is_said() -> None:
    """A version that decides by the moment adds no reason to the review."""
    reasons = reasons_until(programme(""), member_a(), at(2028, 1, 2))
    assert not [r for r in reasons if r.code.startswith("tier.review_")]


@pytest.mark.parametrize("events", [member_a(), member_b()])
def test_a_question_agrees_with_the_booking(events: list[memberkit.Event]) -> None:
    """tier_of asked on the day after each review says what applying that day's purchase records."""
    p = programme()
    asks = [at(2028, 1, 2), at(2029, 1, 2)]
    state = member("m")
    for event in sorted([*events, *(buy(f"x{w.year}", w, "1") for w in asks)], key=lambda e: e.at):
        asked = memberkit.tier_of(p, state, event.at).tier if event.id.startswith("x") else None
        state, _ = memberkit.apply(p, state, event)
        if asked is not None:
            assert memberkit.tier_of(p, state, event.at).tier == asked


def test_progress_measures_retention_against_the_edition_that_will_judge() -> None:
    """In October 2027 A needs nothing more to keep gold: the 2026 rules (3,000) will judge."""
    p = programme()
    state = memberkit.replay(p, member("m"), member_a())
    found = memberkit.progress(p, state, at(2027, 10, 1))
    assert found.review_at == at(2028, 1, 1, 0, 0)
    assert found.retain_paths[0].met
    assert "tier.review_old_rules_expiry" in [r.code for r in found.reasons]
    # Decided by the moment, the 2027 rules would ask 6,000: 2,000 more.
    strict = memberkit.progress(programme(""), state, at(2027, 10, 1))
    assert [n.missing for n in strict.retain_paths[0].needs] == [2000]


def test_the_state_round_trips_and_decides_the_same() -> None:
    """A state stored as JSON after the review loads unchanged and answers the same."""
    p = programme()
    state = advanced(p, member_a(), at(2028, 1, 2))
    again = state_from_json(state_to_json(state))
    assert again == state
    assert memberkit.tier_of(p, again, at(2028, 6, 1)).tier == "gold"


def test_a_pickled_policy_keeps_its_review_rules() -> None:
    """The policy a worker process rebuilds reviews A on the 2026 rules too."""
    p = pickle.loads(pickle.dumps(programme()))
    assert p.versions[1].review_rule is not None
    assert (
        memberkit.tier_of(p, advanced(p, member_a(), at(2028, 1, 2)), at(2028, 1, 2)).tier == "gold"
    )


# A membership-year ladder: from 2027 keeping gold takes 6,000 instead of 3,000, but only for
# membership years that begin in 2027 or later ("the new criteria apply from your membership
# year starting on or after 1 January 2027").
WINDOWS = """tiers:
  measures: {spend: {of: spend}}
  window: membership_year
  ladder:
    - {id: basic}
    - {id: silver, qualify: {spend: 1000}}
    - {id: gold, qualify: {spend: 5000}, retain: {spend: 3000}}
  review: end_of_window
versions:
  - effective_from: 2027-01-01
    announced: 2026-09-30
    reviews: {by: window_start}
    changes:
      - {at: tiers.ladder.gold, set: {id: gold, qualify: {spend: 8000}, retain: {spend: 6000}}}
"""


@pytest.mark.parametrize(
    ("reviews", "until", "tier", "said"),
    [
        # Joined 1 Apr 2026, gold on 5,000 in May 2026. The year begun 1 Apr 2026 is reviewed on
        # 1 Apr 2027 by the 2026 rules (5,000 >= 3,000): gold stays.
        (
            "    reviews: {by: window_start}\n",
            at(2027, 4, 2),
            "gold",
            "tier.review_old_rules_window",
        ),
        # The year begun 1 Apr 2027 holds 4,000, reviewed 1 Apr 2028 by the 2027 rules: silver.
        (
            "    reviews: {by: window_start}\n",
            at(2028, 4, 2),
            "silver",
            "tier.review_new_rules_window",
        ),
        # By the moment, the 1 Apr 2027 review is already the 2027 rules': 5,000 < 6,000.
        ("", at(2027, 4, 2), "silver", None),
    ],
)
def test_reviews_by_the_window_start(
    reviews: str, until: datetime, tier: str, said: str | None
) -> None:
    """A membership year begun before the cut-off is judged on the rules before."""
    p = policy(WINDOWS.replace("    reviews: {by: window_start}\n", reviews))
    events = [buy("d1", at(2026, 5, 1), "5000"), buy("d2", at(2027, 5, 1), "4000")]
    known = [e for e in events if e.at <= until]
    state = memberkit.replay(p, member("d", at(2026, 4, 1, 0, 0)), known)
    state, reasons = memberkit.advance(p, state, until)
    assert memberkit.tier_of(p, state, until).tier == tier
    assert [r.code for r in reasons if r.code.startswith("tier.review_")] == (
        [said] if said else []
    )


# Gold is kept over 18 rolling months of its own while the ladder reads the calendar year: the
# window a gold review judges is gold's, and it is that window's first day that reviews: reads.
OWN_WINDOW = """tiers:
  measures: {spend: {of: spend}}
  window: calendar_year
  ladder:
    - {id: basic}
    - {id: silver, qualify: {spend: 1000}}
    - {id: gold, qualify: {spend: 5000}, retain: {spend: 3000}, window: {qualify: calendar_year, retain: {rolling_months: 18}}}
  review: end_of_window
versions:
  - effective_from: 2027-01-01
    announced: 2026-09-30
    reviews: {by: window_start, from: 2027-01-01}
    changes:
      - {at: tiers.ladder.gold.retain.spend, set: 4500}
"""


def test_reviews_by_window_start_read_the_held_tiers_own_window() -> None:
    """Gold reached in March 2026 is reviewed on 1 Jan 2028 over its own 18 months, which began
    on 1 Jul 2026, before the cut-off: the rules before keep it (3,500 >= 3,000), though the
    ladder's calendar year 2027 began on the cut-off and the new rules would not (< 4,500)."""
    p = policy(OWN_WINDOW)
    events = [
        buy("w1", at(2026, 3, 1), "5000"),
        buy("w2", at(2026, 9, 1), "2000"),
        buy("w3", at(2027, 5, 1), "1500"),
    ]
    state = memberkit.replay(p, member("w", at(2026, 1, 1, 0, 0)), events)
    state, reasons = memberkit.advance(p, state, at(2028, 1, 2))
    assert memberkit.tier_of(p, state, at(2028, 1, 2)).tier == "gold"
    assert [r.code for r in reasons if r.code.startswith("tier.review_")] == [
        "tier.review_old_rules_window"
    ]
    # Without reviews: the moment's rules judge the same figures, and gold is not kept.
    plain = policy(OWN_WINDOW.replace("    reviews: {by: window_start, from: 2027-01-01}\n", ""))
    state = memberkit.replay(plain, member("w", at(2026, 1, 1, 0, 0)), events)
    state, _ = memberkit.advance(plain, state, at(2028, 1, 2))
    assert memberkit.tier_of(plain, state, at(2028, 1, 2)).tier != "gold"


def test_a_tier_the_old_rules_never_had_is_judged_by_the_new() -> None:
    """A member on a tier the version added is reviewed by the version that knows the tier."""
    text = LADDER + STRICTER.format(reviews=BY_EXPIRY).replace(
        "      - {at: tiers.ladder.gold.qualify.spend, set: 8000}\n",
        "      - {at: tiers.ladder.gold.qualify.spend, set: 8000}\n"
        "      - {at: tiers.ladder, add: {id: black, qualify: {spend: 20000}, retain: "
        "{spend: 15000}}, after: gold}\n",
    )
    p = policy(text)
    # Black on 20,000 in 2027, with no term: reviewed 1 Jan 2028 (ending 31 Dec 2027, before
    # the cut-off); the 2026 rules have no black, so the 2027 rules keep it on 20,000.
    state = advanced(p, [buy("c1", at(2027, 2, 1), "20000")], at(2028, 1, 2))
    assert memberkit.tier_of(p, state, at(2028, 1, 2)).tier == "black"


def issues(text: str) -> list[tuple[str, int, str, str]]:
    """(path, line, code, message) of every issue validate finds in the policy body."""
    found = memberkit.validate_policy("memberkit: 1\n" + PROGRAM + text, source="r.yaml")
    return [(i.path, i.line, i.code, i.message) for i in found]


def test_a_valid_policy_has_no_issues() -> None:
    """Both shapes validate."""
    assert issues(LADDER + STRICTER.format(reviews=BY_EXPIRY)) == []
    assert issues(WINDOWS) == []


@pytest.mark.parametrize(
    ("text", "path", "line", "code", "says"),
    [
        (
            # reviews with no tiers change to choose between.
            LADDER
            + "versions:\n  - effective_from: 2027-01-01\n    announced: 2026-09-30\n"
            + BY_EXPIRY
            + "    benefits: []\n",
            "versions[0].reviews",
            18,
            "bad_reviews",
            "write the tiers change in this version",
        ),
        (
            # The tiers start in the version: nothing before to review by.
            "versions:\n  - effective_from: 2027-01-01\n    announced: 2026-09-30\n"
            + BY_EXPIRY
            + "    tiers:\n      ladder:\n        - {id: basic}\n"
            + "        - {id: gold, qualify: {spend: 5000}}\n",
            "versions[0].reviews",
            6,
            "bad_reviews",
            "no tiers before this version",
        ),
        (
            LADDER + STRICTER.format(reviews=BY_EXPIRY.replace("status_expiry", "status_end")),
            "versions[0].reviews.by",
            18,
            "unknown_value",
            "'status_end' is not one of 'status_expiry' or 'window_start'",
        ),
        (
            LADDER + STRICTER.format(reviews=BY_EXPIRY.replace("from:", "form:")),
            "versions[0].reviews.form",
            18,
            "unknown_key",
            "did you mean 'from'?",
        ),
        (
            # A cut-off before the version starts keeps no status on the rules before.
            LADDER + STRICTER.format(reviews=BY_EXPIRY.replace("2028-01-01", "2026-06-01")),
            "versions[0].reviews.from",
            18,
            "bad_reviews",
            "ends on 2026-12-31 or later, so a cut-off of 2026-06-01 keeps none",
        ),
        (
            WINDOWS.replace("window: membership_year", "window: lifetime"),
            "versions[0].reviews",
            14,
            "bad_reviews",
            "write by: status_expiry",
        ),
        (
            # A tier kept over the whole membership has no window start either.
            OWN_WINDOW.replace("retain: {rolling_months: 18}", "retain: lifetime"),
            "versions[0].reviews",
            14,
            "bad_reviews",
            "a lifetime window has no first day",
        ),
        (
            # Dropping silver, where an old review could still land a member.
            LADDER
            + STRICTER.format(reviews=BY_EXPIRY)
            + "      - {at: tiers.ladder.silver, remove: true}\n"
            + "    renames: {tiers: {silver: basic}}\n",
            "versions[0].reviews",
            18,
            "bad_reviews",
            "'silver', which this version drops",
        ),
        (
            # A points section has no reviews: a version's reviews are the tiers'.
            LADDER + "points:\n  earn: []\n  reviews: {by: status_expiry}\n",
            "points.reviews",
            17,
            "unknown_key",
            "unknown key 'reviews'",
        ),
    ],
)
def test_refusals_are_located_and_say_what_to_write(
    text: str, path: str, line: int, code: str, says: str
) -> None:
    """Each mistake is reported at its line, with its code and what to write instead."""
    found = issues(text)
    assert [(p, n, c) for p, n, c, _ in found] == [(path, line, code)]
    assert says in found[0][3]


def test_a_stricter_retention_counts_its_notice_to_the_cut_off() -> None:
    """Raising only the retention with 10 days' notice is refused by the moment, not under reviews."""
    raised = """versions:
  - effective_from: 2027-01-01
    announced: 2026-12-22
{reviews}    changes:
      - {{at: tiers.ladder.gold.retain.spend, set: 4000}}
"""
    head = (
        "memberkit: 1\nprogram: {id: n, currency: CNY, timezone: Asia/Shanghai, notice_days: 30}\n"
    )
    plain = memberkit.validate_policy(head + LADDER + raised.format(reviews=""), source="n.yaml")
    assert [(i.path, i.code) for i in plain] == [("versions[0].effective_from", "short_notice")]
    # The stricter retention first reviews a status ending on 1 Jan 2028: a year's notice.
    later = memberkit.validate_policy(
        head + LADDER + raised.format(reviews=BY_EXPIRY), source="n.yaml"
    )
    assert later == []


def test_diff_shows_the_reviews_and_the_members_they_keep(tmp_path: Path) -> None:
    """memberkit diff names the added reviews and counts A as kept up (gold, not silver)."""
    head = "memberkit: 1\n" + PROGRAM
    (tmp_path / "old.yaml").write_text(head + LADDER + STRICTER.format(reviews=""))
    (tmp_path / "new.yaml").write_text(head + LADDER + STRICTER.format(reviews=BY_EXPIRY))
    a = {
        "id": "a",
        "joined": "2026-01-01",
        "events": [
            {
                "type": "purchase",
                "id": e.id,
                "at": e.at.isoformat(),
                "currency": "CNY",
                "lines": [{"id": "l1", "category": "general", "amount": str(e.lines[0].amount)}],
            }
            for e in member_a()
            if isinstance(e, memberkit.Purchase)
        ],
    }
    (tmp_path / "members.jsonl").write_text(json.dumps(a) + "\n")
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "diff",
            str(tmp_path / "old.yaml"),
            str(tmp_path / "new.yaml"),
            "--members",
            str(tmp_path / "members.jsonl"),
            "--as-of",
            "2028-01-02",
            "--format",
            "json",
        ],
        stdout=out,
        stderr=err,
    )
    report = json.loads(out.getvalue())
    assert code == 1
    assert [(c["kind"], c["path"]) for c in report["structure"]] == [
        ("added", "versions[0].reviews")
    ]
    tiers = report["impact"]["tiers"]
    assert (tiers["up"], tiers["down"], tiers["up_examples"]) == (1, 0, [["a", "silver", "gold"]])


@pytest.mark.parametrize(
    ("later", "tier"),
    [
        # A version of the benefits only keeps the 2027 tiers, and with them their reviews:
        # A's status ending 31 Dec 2027 is still judged by the 2026 rules (4,000 >= 3,000).
        ("    benefits: [{id: welcome}]\n", "gold"),
        # A later tiers change without reviews decides every review from its start by the
        # moment: 4,000 < 7,000, silver.
        ("    changes: [{at: tiers.ladder.gold.retain.spend, set: 7000}]\n", "silver"),
    ],
)
def test_a_later_version_keeps_or_ends_the_choice(later: str, tier: str) -> None:
    """A later version that leaves the tiers alone keeps the choice; one that changes them ends it."""
    text = (
        LADDER
        + STRICTER.format(reviews=BY_EXPIRY)
        + "  - effective_from: 2027-06-01\n    announced: 2027-01-01\n"
        + later
    )
    p = policy(text)
    state = advanced(p, member_a(), at(2028, 1, 2))
    assert memberkit.tier_of(p, state, at(2028, 1, 2)).tier == tier


@given(laws.shapes.filter(lambda shape: shape.version is not None), laws.steps, laws.moments)
def test_reviews_that_admit_every_window_change_nothing(
    shape: laws.Shape, spec: list[tuple[str, int, int]], hours: int
) -> None:
    """A version whose reviews admit every window (a cut-off years before any) decides exactly
    as the same version deciding by the moment: the same tier history, tier and balance."""
    plain = laws.policy_of(replace(shape, reviews=None))
    admitting = laws.policy_of(replace(shape, reviews=("window_start", -1000)))
    when = laws.START + timedelta(hours=hours)
    events = [e for e in laws.events_of(spec) if e.at <= when]
    one = memberkit.replay(plain, member(), events, as_of=when)
    other = memberkit.replay(admitting, member(), events, as_of=when)
    assert other.tiers == one.tiers
    a, b = memberkit.tier_of(plain, one, when), memberkit.tier_of(admitting, other, when)
    assert (b.tier, b.valid_until, b.figures) == (a.tier, a.valid_until, a.figures)
    assert memberkit.balance(admitting, other, when) == memberkit.balance(plain, one, when)
