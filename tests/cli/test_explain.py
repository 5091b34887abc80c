"""`memberkit explain`: a member's points and benefits with reasons, in the chosen locale."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from tests.builders import at, purchase

import memberkit
from memberkit.cli import main

RETAIL = str(Path(__file__).parents[2] / "src" / "memberkit" / "examples" / "retail.yaml")


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; returns exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def state_file(tmp_path: Path) -> str:
    """A member who joined on 1 Jan 2026 and spent 300 on 10 Mar, stored as JSON."""
    policy = memberkit.load_policy(RETAIL)
    state = memberkit.new_member("m1", at(2026, 1, 1, 0, 0))
    state = memberkit.replay(
        policy, state, [purchase("p1", at(2026, 3, 10), ("l1", "apparel", "300"))]
    )
    path = tmp_path / "state.json"
    path.write_text(memberkit.state_to_json(state), encoding="utf-8")
    return str(path)


def test_text_shows_points_benefits_and_stage_in_the_locale(tmp_path: Path) -> None:
    """In zh_Hant the balance, the benefits and the stage are explained in traditional Chinese."""
    code, out, _ = run(
        "explain",
        RETAIL,
        "--state",
        state_file(tmp_path),
        "--as-of",
        "2026-04-01",
        "--locale",
        "zh_Hant",
    )
    assert code == 0
    assert "  可用 300 積分，待生效 0。\n" in out
    assert "  [不可] 免運：僅限金卡會員或白金會員，目前為普通會員。\n" in out
    assert "\n生命週期階段：引入期\n  生命週期階段：引入期。\n" in out


def test_json_carries_figures_and_reason_paths(tmp_path: Path) -> None:
    """The JSON form has the balance figures and each reason's code and policy path."""
    code, out, _ = run(
        "explain",
        RETAIL,
        "--state",
        state_file(tmp_path),
        "--as-of",
        "2026-03-12",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0
    assert (data["points"]["points"]["available"], data["points"]["points"]["pending"]) == (0, 300)
    shipping = next(b for b in data["benefits"] if b["id"] == "free-shipping")
    assert shipping["reasons"] == [{"code": "benefit.not_in_tier", "path": "benefits[1].tiers"}]
    assert (data["stage"]["id"], data["stage"]["path"]) == ("new", "lifecycle.stages[1]")


def test_a_broken_state_exits_1(tmp_path: Path) -> None:
    """A state file that is not a member state is reported, not a traceback."""
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    code, _, err = run("explain", RETAIL, "--state", str(bad), "--as-of", "2026-04-01")
    assert (code, "invalid member state" in err) == (1, True)


def test_a_missing_as_of_is_a_usage_error(tmp_path: Path) -> None:
    """--as-of is required."""
    assert run("explain", RETAIL, "--state", state_file(tmp_path))[0] == 2


def test_a_naive_as_of_is_a_usage_error(tmp_path: Path) -> None:
    """A date-time without offset is refused."""
    code, _, err = run(
        "explain", RETAIL, "--state", state_file(tmp_path), "--as-of", "2026-04-01T10:00:00"
    )
    assert (code, "no timezone offset" in err) == (2, True)


def test_text_shows_the_tier_and_what_the_next_one_needs(tmp_path: Path) -> None:
    """A member with 300 spent holds the base tier and is told what silver still needs."""
    code, out, _ = run(
        "explain",
        RETAIL,
        "--state",
        state_file(tmp_path),
        "--as-of",
        "2026-04-01",
        "--locale",
        "en",
    )
    assert code == 0
    assert "\ntier: Member\n" in out
    assert "  To reach Silver: spend CN¥1,700.00 more or place 5 more orders.\n" in out


def test_a_state_of_another_programme_is_refused(tmp_path: Path) -> None:
    """A state holding a tier and an order currency the policy does not know is not explained."""
    ecommerce = memberkit.load_policy(RETAIL.replace("retail.yaml", "ecommerce.yaml"))
    state = memberkit.new_member("m1", at(2026, 1, 1, 0, 0))
    state = memberkit.replay(
        ecommerce, state, [purchase("p1", at(2026, 3, 10), ("l1", "apparel", "9000"))]
    )
    path = tmp_path / "other.json"
    path.write_text(memberkit.state_to_json(state), encoding="utf-8")
    code, out, err = run("explain", RETAIL, "--state", str(path), "--as-of", "2026-04-01")
    assert (code, out) == (1, "")
    assert err.startswith(
        f"memberkit explain: {path} is not a state of programme 'acme-retail' ({RETAIL}): "
        "it holds tier '"
    )
    assert "which the policy does not declare\n" in err


def test_orders_in_another_currency_mark_another_programme(tmp_path: Path) -> None:
    """A state whose orders were paid in a currency not the programme's is refused."""
    minimal = memberkit.parse_policy(
        "memberkit: 1\nprogram: {id: hk, currency: HKD, timezone: Asia/Hong_Kong, locale: zh_Hant}\n",
        source="hk.yaml",
    )
    state = memberkit.new_member("m1", at(2026, 1, 1, 0, 0))
    order = memberkit.parse_event(
        {
            "type": "purchase",
            "id": "o1",
            "at": "2026-03-01T10:00:00+08:00",
            "currency": "HKD",
            "lines": [{"id": "l1", "category": "tea", "amount": "10"}],
        }
    )
    state, _ = memberkit.apply(minimal, state, order)
    path = tmp_path / "hk.json"
    path.write_text(memberkit.state_to_json(state), encoding="utf-8")
    code, _, err = run("explain", RETAIL, "--state", str(path), "--as-of", "2026-04-01")
    assert code == 1
    assert "orders paid in HKD (the programme's currency is CNY)" in err


HEADINGS = {
    "en": (
        "member m1 as of Apr 1, 2026",
        "tier: Member",
        "progress:",
        "points (points):",
        "benefits:",
    ),
    "zh_Hans": ("会员 m1，截至 2026年4月1日", "等级：普通会员", "升级进度：", "积分：", "权益："),
    "zh_Hant": ("會員 m1，截至 2026年4月1日", "等級：普通會員", "升級進度：", "積分：", "權益："),
}


@pytest.mark.parametrize("locale", sorted(HEADINGS))
def test_headings_and_names_are_in_the_locale(tmp_path: Path, locale: str) -> None:
    """Headings, the tier, benefit and stage are in the locale, by name; no ids, no English marks."""
    code, out, _ = run(
        "explain",
        RETAIL,
        "--state",
        state_file(tmp_path),
        "--as-of",
        "2026-04-01",
        "--locale",
        locale,
    )
    assert code == 0
    lines = out.splitlines()
    for heading in HEADINGS[locale]:
        assert any(line.startswith(heading) for line in lines), heading
    assert "free-shipping" not in out
    assert "birthday-gift" not in out
    if locale != "en":
        assert "[no" not in out
        assert "[yes" not in out


def test_regional_chinese_reads_traditional(tmp_path: Path) -> None:
    """--locale zh_TW explains in Traditional Chinese, not the programme's Simplified."""
    code, out, err = run(
        "explain",
        RETAIL,
        "--state",
        state_file(tmp_path),
        "--as-of",
        "2026-04-01",
        "--locale",
        "zh_TW",
    )
    assert (code, err) == (0, "")
    assert "等級：普通會員" in out
    assert "等级" not in out


def test_explain_reads_a_stored_state_through_a_version_that_renamed_the_currency(
    tmp_path: Path,
) -> None:
    """A state stored in March with 300 stars shows 300 beans after the version renaming them."""
    head = "memberkit: 1\nprogram: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en}\n"
    stars = "  currencies:\n    - {id: stars}\n  earn:\n    - {id: base, per: 1 CNY, points: 1}\n"
    text = (
        head
        + "points:\n"
        + stars
        + "versions:\n  - effective_from: 2026-07-01\n    announced: 2026-06-01\n"
        + "    renames: {currencies: {stars: beans}}\n    points:\n"
        + "".join("    " + line + "\n" for line in stars.replace("stars", "beans").splitlines())
    )
    policy_path = tmp_path / "p.yaml"
    policy_path.write_text(text, encoding="utf-8")
    policy = memberkit.load_policy(policy_path)
    state = memberkit.replay(
        policy,
        memberkit.new_member("m1", at(2026, 1, 1, 0, 0)),
        [purchase("p1", at(2026, 3, 10), ("l1", "apparel", "300"))],
    )
    stored = tmp_path / "state.json"
    stored.write_text(memberkit.state_to_json(state), encoding="utf-8")
    code, out, err = run(
        "explain",
        str(policy_path),
        "--state",
        str(stored),
        "--as-of",
        "2026-08-01",
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    assert json.loads(out)["points"]["beans"]["available"] == 300


def test_a_members_value_is_explained_from_a_policy_with_member_value(tmp_path: Path) -> None:
    """With lifecycle.value in the policy, explain shows the value stage with the member's
    P(alive), expected purchases, chances and CLV in the programme's currency, in the locale."""
    from datetime import timedelta

    from tests.lifecycle.builders import retail_with_value

    path = retail_with_value(tmp_path)
    policy = memberkit.load_policy(path)
    state = memberkit.new_member("m1", at(2026, 1, 1, 0, 0))
    weekly = [
        purchase(f"p{i}", at(2026, 1, 5) + timedelta(days=7 * i), ("l1", "apparel", "300"))
        for i in range(6)
    ]
    state = memberkit.replay(policy, state, weekly)
    saved = tmp_path / "state.json"
    saved.write_text(memberkit.state_to_json(state), encoding="utf-8")
    code, out, err = run(
        "explain", str(path), "--state", str(saved), "--as-of", "2026-03-21", "--locale", "zh_Hans"
    )
    assert (code, err) == (0, "")
    assert "生命周期阶段：高价值待挽回" in out
    assert "满足：仍活跃的概率须小于 0.5（当前为 0.432）" in out
    assert "未来 364 天的客户终身价值：¥1,147.23" in out
    code, out, _ = run(
        "explain", str(path), "--state", str(saved), "--as-of", "2026-03-21", "--locale", "en"
    )
    assert "Customer lifetime value over the next 364 days: CN¥1,147.23" in out
