"""Benefit decisions emit reasons whose parameters match their catalogue entries (see tests/i18n)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from tests.benefits.builders import benefits_policy, member, use, used
from tests.builders import at

import memberkit
from memberkit.benefits import check_benefit, entitlements

SRC = Path(memberkit.__file__).parent
LOCALES = ("en", "zh_Hans", "zh_Hant")
CODE = re.compile(r'"(benefit\.[a-z_]+)"')
PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:\|[^}]*)?\}")


def _catalogue(locale: str) -> dict[str, tuple[str, frozenset[str]]]:
    path = SRC / "i18n" / "locales" / locale / "LC_MESSAGES" / "benefits.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for message in catalogue:
        if not message.id:
            continue
        params = frozenset(
            p.split(" (")[0].strip() for c in message.auto_comments for p in c.split(",")
        )
        out[str(message.id)] = (str(message.string), params)
    return out


def _codes_in_source() -> set[str]:
    found: set[str] = set()
    for path in (SRC / "benefits").glob("*.py"):
        found.update(CODE.findall(path.read_text(encoding="utf-8")))
    return found


def test_emitted_reasons_carry_exactly_the_documented_parameters() -> None:
    """Reasons produced by real decisions have the parameters their catalogue entry lists."""
    policy = benefits_policy(
        """
- {id: a, tiers: [gold], value: {by_tier: {gold: 0.9}}}
- {id: b, when: {channel: app}}
- {id: c, when: {not: {category: [gift_card]}}}
- {id: d, quota: {count: 2, per: year, carry_over: 1}}
- {id: e, quota: {value: 50, per: month, carry_over: 10}}
- {id: f, quota: {count: 1, per: lifetime}}
- {id: g, quota: {value: 5, per: lifetime}}
- {id: h, valid: {from: "2027-01-01"}}
- {id: i, valid: {until: "2025-12-31"}}
"""
    )
    documented = {code: params for code, (_, params) in _catalogue("en").items()}
    state = member("silver", joined=at(2025, 6, 1))
    spent = used(
        policy, state, use("u1", at(2026, 3, 1), "f"), use("u2", at(2026, 3, 1), "g", value="5")
    )
    reasons = list(entitlements(policy, state, at(2026, 3, 1)).reasons)
    reasons += entitlements(policy, spent, at(2026, 3, 2)).reasons
    reasons += entitlements(policy, member(), at(2026, 3, 1)).reasons
    reasons += check_benefit(policy, state, "b", at(2026, 3, 1), {"channel": "web"}).reasons
    reasons += check_benefit(
        policy, state, "c", at(2026, 3, 1), {"category": ["gift_card"]}
    ).reasons
    seen = set()
    for reason in reasons:
        assert set(reason.params) == documented[reason.code], reason.code
        seen.add(reason.code)
    assert len(seen) >= 15
