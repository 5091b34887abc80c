"""Validation of ``renames:``: a version that drops what members hold must say where they go."""

from __future__ import annotations

import pytest

import memberkit

HEAD = """memberkit: 1
program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en}
tiers:
  ladder:
    - {id: basic}
    - {id: gold, qualify: {spend: 1000}}
points:
  currencies:
    - {id: stars}
  earn:
    - {id: base, per: 1 CNY, points: 1}
versions:
  - effective_from: 2027-01-01
    announced: 2026-11-01
"""

LADDER = """    tiers:
      ladder:
        - {id: basic}
        - {id: vip, qualify: {spend: 1000}}
"""

BEANS = """    points:
      currencies:
        - {id: beans}
      earn:
        - {id: base, per: 1 CNY, points: 1}
"""


def issues(version: str, head: str = HEAD) -> list[tuple[str, str, int]]:
    """(path, code, line) of every issue of the policy with this version body."""
    found = memberkit.validate_policy(head + version, source="p.yaml")
    return [(i.path, i.code, i.line) for i in found]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        # Dropping gold and stars with no word on their holders: refused at each section.
        (
            LADDER + BEANS,
            [
                ("versions[0].tiers", "removed_tier", 16),
                ("versions[0].points", "removed_currency", 20),
            ],
        ),
        # Saying where they go is enough.
        ("    renames: {tiers: {gold: vip}, currencies: {stars: beans}}\n" + LADDER + BEANS, []),
        # A target the version does not declare.
        (
            "    renames: {tiers: {gold: vipp}, currencies: {stars: beans}}\n" + LADDER + BEANS,
            [("versions[0].renames.tiers.gold", "unknown_tier", 15)],
        ),
        # An old id no earlier edition had: no member can hold it.
        (
            "    renames: {tiers: {gold: vip, silver: vip}, currencies: {stars: beans}}\n"
            + LADDER
            + BEANS,
            [("versions[0].renames.tiers.silver", "unknown_tier", 15)],
        ),
        # Renaming a tier the version keeps is contradictory.
        (
            "    renames: {tiers: {basic: vip, gold: vip}, currencies: {stars: beans}}\n"
            + LADDER
            + BEANS,
            [("versions[0].renames.tiers.basic", "rename_kept", 15)],
        ),
        # A rename without the section that drops it: gold is inherited, so still there.
        (
            "    renames: {tiers: {gold: basic}}\n",
            [("versions[0].renames.tiers.gold", "rename_kept", 15)],
        ),
        # A version that stops the points part entirely leaves nothing to hold.
        ("    points: null\n" + LADDER + "    renames: {tiers: {gold: vip}}\n", []),
    ],
    ids=[
        "dropped",
        "renamed",
        "unknown-target",
        "unknown-source",
        "kept",
        "inherited",
        "no-points",
    ],
)
def test_version_renames(version: str, expected: list[tuple[str, str, int]]) -> None:
    """Each version body gives exactly these located issues."""
    assert issues(version) == expected


def test_the_refusal_says_what_to_write() -> None:
    """The removed-tier message names the tier and the renames entry, with the added tier."""
    (issue,) = [
        i
        for i in memberkit.validate_policy(HEAD + LADDER + BEANS, source="p.yaml")
        if i.code == "removed_tier"
    ]
    assert issue.message == (
        "this edition drops the tier 'gold', which members may hold; say where they go: "
        "renames: {tiers: {gold: vip}}"
    )


def test_a_currency_rename_needs_equal_decimals() -> None:
    """Stars (0 decimals) cannot carry on as beans with 2: amounts would change meaning."""
    found = issues(
        "    renames: {currencies: {stars: beans}}\n"
        + BEANS.replace("{id: beans}", "{id: beans, decimals: 2}")
    )
    assert found == [("versions[0].renames.currencies.stars", "rename_precision", 15)]


def test_two_currencies_into_one_are_refused() -> None:
    """Stars and miles both renamed to beans would mix lots under one id."""
    head = HEAD.replace("    - {id: stars}\n", "    - {id: stars}\n    - {id: miles}\n")
    found = issues("    renames: {currencies: {stars: beans, miles: beans}}\n" + BEANS, head)
    assert found == [("versions[0].renames.currencies.miles", "currency_merge", 16)]


def test_the_single_currency_form_is_named_points() -> None:
    """A policy without currencies: runs 'points'; a version moving to named ones renames it."""
    head = HEAD.replace("  currencies:\n    - {id: stars}\n", "")
    assert [c for _, c, _ in issues(BEANS, head)] == ["removed_currency"]
    assert issues("    renames: {currencies: {points: beans}}\n" + BEANS, head) == []


@pytest.mark.parametrize(
    ("renames", "expected"),
    [
        ("{tiers: {gold: vip}}", []),
        ("{tiers: {gold: vipp}}", [("renames.tiers.gold", "unknown_tier", 2)]),
        ("{tiers: {basic: vip}}", [("renames.tiers.basic", "rename_kept", 2)]),
        ("{currencies: {stars: bean}}", [("renames.currencies.stars", "unknown_currency", 2)]),
    ],
)
def test_top_level_renames(renames: str, expected: list[tuple[str, str, int]]) -> None:
    """An edited file's renames name ids it no longer has and targets it declares."""
    text = (
        "memberkit: 1\nrenames: " + renames + "\n"
        "program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en}\n"
        "tiers:\n  ladder:\n    - {id: basic}\n    - {id: vip, qualify: {spend: 1000}}\n"
        "points:\n  currencies:\n    - {id: beans}\n  earn:\n    - {id: base, per: 1 CNY, points: 1}\n"
    )
    found = [(i.path, i.code, i.line) for i in memberkit.validate_policy(text)]
    assert found == expected


def test_the_unknown_target_suggests_the_nearest() -> None:
    """A misspelt target gets a did-you-mean."""
    found = memberkit.validate_policy(
        HEAD + "    renames: {tiers: {gold: vipp}, currencies: {stars: beans}}\n" + LADDER + BEANS
    )
    assert [i.message for i in found] == ["unknown tier 'vipp'; did you mean 'vip'?"]


def test_the_schema_describes_renames() -> None:
    """The JSON Schema offers renames at the top level and in a version, for editors."""
    schema = memberkit.policy_json_schema()
    assert "renames" in schema["properties"]
    assert "renames" in schema["$defs"]["VersionSection"]["properties"]
    assert set(schema["$defs"]["RenamesSection"]["properties"]) == {"tiers", "currencies"}


NOTICE_HEAD = HEAD.replace("locale: en}", "locale: en, notice_days: 30}").replace(
    "announced: 2026-11-01", "announced: 2026-12-20"
)


def test_a_pure_rename_needs_no_notice() -> None:
    """gold → vip with the same threshold takes nothing away: no short_notice at 12 days."""
    renames = "    renames: {tiers: {gold: vip}, currencies: {stars: beans}}\n"
    assert issues(renames + LADDER + BEANS, NOTICE_HEAD) == []


def test_a_rename_that_raises_the_threshold_needs_notice() -> None:
    """gold → vip at 2000 instead of 1000 is a higher threshold: short notice is flagged."""
    renames = "    renames: {tiers: {gold: vip}, currencies: {stars: beans}}\n"
    ladder = LADDER.replace("spend: 1000", "spend: 2000")
    found = issues(renames + ladder + BEANS, NOTICE_HEAD)
    assert [code for _, code, _ in found] == ["short_notice"]
