"""`memberkit explain`: a member's points and benefits with reasons, in the chosen locale."""

from __future__ import annotations

import io
import json
from pathlib import Path

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
    assert "  [no ] free-shipping: 免運：僅限金卡會員或白金會員，目前為普通會員。\n" in out
    assert "stage: new\n  生命週期階段：引入期。\n" in out


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
    assert "tier: basic\n" in out
    assert "  To reach Silver: spend CN¥1,700.00 more or place 5 more orders.\n" in out


def test_explain_reads_a_stored_state_through_a_version_that_renamed_the_currency(
    tmp_path: Path,
) -> None:
    """A state stored in March with 300 stars shows 300 beans after the version renaming them."""
    head = (
        "memberkit: 1\nprogram: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en}\n"
    )
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
        "explain", str(policy_path), "--state", str(stored), "--as-of", "2026-08-01",
        "--format", "json",
    )
    assert (code, err) == (0, "")
    assert json.loads(out)["points"]["beans"]["available"] == 300
