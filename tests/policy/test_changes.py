"""A version that states only what changed (``changes:``) equals the same version written whole,
and every mistake in a change points at the line where it was written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import at, purchase

import memberkit

HEAD = """memberkit: 1
program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en, notice_days: 0}
tiers:
  window: calendar_year
  ladder:
    - {id: basic}
    - {id: silver, qualify: {spend: 2000}}
    - {id: gold, qualify: {spend: 6000}}
points:
  currencies: [{id: points}]
  earn:
    - {id: base, per: 1 CNY, points: 1}
    - {id: gold-bonus, when: {tier: gold}, multiply: 1.5}
benefits:
  - {id: gift, quota: {count: 2, per: year}}
  - {id: ship}
versions:
  - effective_from: 2027-01-01
    announced: 2026-11-15
"""


def load(changes: str) -> memberkit.Policy:
    return memberkit.parse_policy(HEAD + changes, source="v.yaml")


def problems(changes: str) -> list[memberkit.PolicyIssue]:
    return memberkit.validate_policy(HEAD + changes, source="v.yaml")


CHANGES = """    changes:
      - {at: tiers.ladder.gold.qualify.spend, set: 8000}
      - {at: tiers.ladder, add: {id: diamond, qualify: {spend: 20000}}, after: gold}
      - {at: tiers.ladder, add: {id: bronze, qualify: {spend: 500}}, before: silver}
      - {at: points.earn.base.points, set: 2}
      - {at: points.earn.gold-bonus, remove: true}
      - {at: benefits.ship, remove: true}
      - {at: benefits.gift.quota, set: {count: 3, per: year}}
"""

WHOLE = """    tiers:
      window: calendar_year
      ladder:
        - {id: basic}
        - {id: bronze, qualify: {spend: 500}}
        - {id: silver, qualify: {spend: 2000}}
        - {id: gold, qualify: {spend: 8000}}
        - {id: diamond, qualify: {spend: 20000}}
    points:
      currencies: [{id: points}]
      earn:
        - {id: base, per: 1 CNY, points: 2}
    benefits:
      - {id: gift, quota: {count: 3, per: year}}
"""


def test_changes_make_the_same_edition_as_the_sections_written_whole() -> None:
    """Seven lines of changes give the edition the 20 lines written out whole give."""
    changed, whole = load(CHANGES), load(WHOLE)
    # Compared as data: thresholds compare by identity.
    for name in ("tiers", "points", "benefits"):
        mine, theirs = (
            getattr(changed.document.versions[0], name),
            getattr(whole.document.versions[0], name),
        )
        assert mine is not None
        assert theirs is not None
        assert mine.model_dump() == theirs.model_dump(), name
    assert changed.document.tiers is not None
    assert whole.document.tiers is not None
    assert changed.document.tiers.model_dump() == whole.document.tiers.model_dump()
    assert changed.document.versions[0].tiers is not None
    assert [t.id for t in changed.document.versions[0].tiers.ladder] == [
        "basic", "bronze", "silver", "gold", "diamond"
    ]  # fmt: skip


def test_the_changed_edition_decides_from_its_start() -> None:
    """¥7,000 in 2026 reaches gold (6,000); the same in 2027 reaches only silver (8,000 for gold),
    and earns 2 points a yuan instead of 1."""
    policy = load(CHANGES)
    for year, tier, points in ((2026, "gold", 7000), (2027, "silver", 14000)):
        state = memberkit.new_member("m1", at(year, 1, 2))
        order = purchase("o1", at(year, 3, 1), ("l1", "x", "7000"))
        state, _ = memberkit.apply(policy, state, order)
        assert memberkit.tier_of(policy, state, at(year, 3, 1)).tier == tier
        assert memberkit.balance(policy, state, at(year, 3, 1)).available == points


def test_later_versions_change_the_changed_edition() -> None:
    """A second version's change starts from the first version's result, not the top level."""
    policy = load(
        CHANGES + "  - effective_from: 2028-01-01\n    announced: 2027-11-15\n    changes:\n"
        "      - {at: tiers.ladder.diamond.qualify.spend, set: 30000}\n"
    )
    ladder = policy.document.versions[1].tiers
    assert ladder is not None
    assert [t.id for t in ladder.ladder] == ["basic", "bronze", "silver", "gold", "diamond"]
    assert str(ladder.ladder[-1].qualify) == "{spend: 30000}"
    assert str(ladder.ladder[-2].qualify) == "{spend: 8000}"
    # What the second version does not change it inherits from the first.
    assert policy.document.versions[1].points is None


def test_a_changed_value_that_breaks_a_rule_is_reported_where_the_change_wrote_it() -> None:
    """An upgrade threshold set below the tier beneath it is refused at the change's line."""
    found = problems("    changes:\n      - {at: tiers.ladder.gold.qualify.spend, set: -5}\n")
    assert found
    assert {(i.line, i.source) for i in found} == {(21, "v.yaml")}


def test_an_inherited_value_is_reported_where_it_was_first_written() -> None:
    """A version that removes silver while an inherited benefit condition names it: the mistake
    is in the inherited earning rule, reported at its own line in the top-level section."""
    text = HEAD.replace(
        "{id: gold-bonus, when: {tier: gold}", "{id: gold-bonus, when: {tier: silver}"
    )
    found = memberkit.validate_policy(
        text + "    changes:\n      - {at: tiers.ladder.silver, remove: true}\n", source="v.yaml"
    )
    assert any("silver" in i.message and i.line == 13 for i in found), found


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            "{at: tiers.ladder.gld.qualify.spend, set: 1}",
            "tiers.ladder has no item 'gld' (items: basic, silver, gold); did you mean 'gold'?",
        ),
        ("{at: tier.ladder, add: {id: x}}", "did you mean 'tiers'?"),
        ("{at: lifecycle.stages, add: {id: x}}", "there is no lifecycle section before"),
        ("{at: tiers.ladder, add: {id: gold}}", "already has 'gold'; change it with set"),
        ("{at: tiers.ladder, add: {qualify: {}}}", "the added item needs an id"),
        ("{at: tiers.window, add: {id: x}}", "'add' puts an item into a list"),
        (
            "{at: tiers.ladder, add: {id: x}, after: glod}",
            "tiers.ladder has no item 'glod' (items: basic, silver, gold); did you mean 'gold'?",
        ),
        (
            "{at: tiers.ladder.gold, set: 1, remove: true}",
            "exactly one of 'set', 'add' or 'remove'",
        ),
        ("{at: tiers.ladder.gold, remove: true, after: basic}", "it goes with 'add'"),
        ("{at: points.earn.base.points, set: null}", "to take a key away write 'remove: true'"),
        ("{at: points.earn.base.nothing, remove: true}", "has no key 'nothing'"),
        ("{at: points, remove: true}", "to drop the points section"),
    ],
)
def test_a_wrong_change_says_what_to_write(change: str, words: str) -> None:
    """Each mistake is located at the change and says what to write instead."""
    found = problems(f"    changes:\n      - {change}\n")
    assert found, change
    assert any(words in i.message for i in found), [i.message for i in found]
    assert all(i.line == 21 for i in found), found


def test_an_inherited_schema_mistake_is_reported_once() -> None:
    """A mistake in the top-level section that a version's changes carry is one issue, at its
    own line."""
    text = HEAD.replace("window: calendar_year", "window: calendar_yaer")
    found = memberkit.validate_policy(
        text + "    changes:\n      - {at: tiers.ladder.gold.qualify.spend, set: 8000}\n",
        source="v.yaml",
    )
    assert [(i.line, i.code) for i in found] == [(4, "unknown_value")]


def test_a_section_given_whole_and_changed_is_refused() -> None:
    """A version gives a section whole or as changes, not both."""
    found = problems(
        WHOLE + "    changes:\n      - {at: tiers.ladder.gold.qualify.spend, set: 1}\n"
    )
    assert any("gives the tiers section whole" in i.message for i in found)


def test_an_unknown_key_in_a_change_is_refused() -> None:
    """A misspelt verb is a schema mistake with its location."""
    found = problems("    changes:\n      - {at: tiers.ladder.gold, sett: 1}\n")
    assert found
    assert found[0].line == 21


def test_steps_may_be_a_list_when_an_id_holds_a_dot() -> None:
    """``at: [benefits, gift, quota]`` names the same place as ``benefits.gift.quota``."""
    policy = load(
        "    changes:\n      - {at: [benefits, gift, quota], set: {count: 5, per: year}}\n"
    )
    benefits = policy.document.versions[0].benefits
    assert benefits is not None
    assert (
        benefits
        == load("    changes:\n      - {at: benefits.gift.quota, set: {count: 5, per: year}}\n")
        .document.versions[0]
        .benefits
    )


# --- law: changes equal the sections written out whole -------------------------------------------

_TIERS = ["basic", "silver", "gold", "platinum"]


def _policy(ladder: list[tuple[str, int]], rules: list[tuple[str, int]], version: str) -> str:
    rungs = "\n".join(
        f"    - {{id: {t}, qualify: {{spend: {s}}}}}" if s else f"    - {{id: {t}}}"
        for t, s in ladder
    )
    earn = "\n".join(f"    - {{id: {r}, per: 1 CNY, points: {p}}}" for r, p in rules)
    return (
        "memberkit: 1\n"
        "program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en, notice_days: 0}\n"
        f"tiers:\n  window: calendar_year\n  ladder:\n{rungs}\n"
        f"points:\n  currencies: [{{id: points}}]\n  earn:\n{earn}\n"
        "versions:\n  - effective_from: 2027-01-01\n    announced: 2026-11-15\n" + version
    )


@given(
    st.integers(min_value=2, max_value=4),
    st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=4),
    st.data(),
)
def test_changes_equal_the_sections_written_out_whole(
    rungs: int, points: list[int], data: st.DataObject
) -> None:
    """Random threshold raises, added tiers and rules, and removed rules, written as changes,
    give the edition the same sections written out whole give."""
    ladder = [(t, 1000 * i) for i, t in enumerate(_TIERS[:rungs])]
    rules = [(f"r{i}", p) for i, p in enumerate(points)]
    ops: list[str] = []
    for i in range(1, rungs):
        # Raising a threshold keeps the ladder ascending if each stays below the next one.
        raise_by = data.draw(st.integers(min_value=0, max_value=999), label=f"raise {i}")
        if raise_by:
            ladder[i] = (ladder[i][0], ladder[i][1] + raise_by)
            ops.append(
                f"      - {{at: tiers.ladder.{ladder[i][0]}.qualify.spend, set: {ladder[i][1]}}}"
            )
    if data.draw(st.booleans(), label="add a top tier"):
        ladder.append(("diamond", 50000))
        ops.append("      - {at: tiers.ladder, add: {id: diamond, qualify: {spend: 50000}}}")
    if len(rules) > 1 and data.draw(st.booleans(), label="remove a rule"):
        gone = data.draw(st.sampled_from(rules), label="rule")
        rules.remove(gone)
        ops.append(f"      - {{at: points.earn.{gone[0]}, remove: true}}")
    if data.draw(st.booleans(), label="add a rule first"):
        first = rules[0][0]
        rules.insert(0, ("early", 5))
        ops.append(
            f"      - {{at: points.earn, add: {{id: early, per: 1 CNY, points: 5}}, before: {first}}}"
        )
    if not ops:
        ops.append("      - {at: points.earn.r0.points, set: 1}")
        rules[0] = ("r0", 1)
    base_ladder = [(t, 1000 * i) for i, t in enumerate(_TIERS[:rungs])]
    base_rules = [(f"r{i}", p) for i, p in enumerate(points)]
    head = _policy(base_ladder, base_rules, "")
    changed = memberkit.parse_policy(
        head + "    changes:\n" + "\n".join(ops) + "\n", source="c.yaml"
    )
    whole_text = _policy(ladder, rules, "")
    whole_body = whole_text[whole_text.index("tiers:") : whole_text.index("versions:")]
    indented = "".join(f"    {line}\n" for line in whole_body.splitlines())
    whole = memberkit.parse_policy(head + indented, source="w.yaml")
    for name in ("tiers", "points"):
        # A section no change touched is inherited from the top level.
        mine = getattr(changed.document.versions[0], name) or getattr(changed.document, name)
        theirs = getattr(whole.document.versions[0], name)
        assert mine.model_dump() == theirs.model_dump(), name
