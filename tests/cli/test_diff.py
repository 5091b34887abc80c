"""`memberkit diff`: the bundled pair of policies and member sample, counted by hand."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from memberkit.cli import main

DIFF = Path(__file__).parents[2] / "examples" / "diff"
OLD, NEW, SAMPLE = str(DIFF / "old.yaml"), str(DIFF / "new.yaml"), str(DIFF / "members.jsonl")
CHROMIUM = "/usr/bin/chromium"


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; returns exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def report() -> dict[str, object]:
    """The JSON report of the bundled change as of 15 Aug 2026."""
    code, out, _ = run(
        "diff", OLD, NEW, "--members", SAMPLE, "--as-of", "2026-08-15", "--format", "json"
    )
    assert code == 1
    return json.loads(out)  # type: ignore[no-any-return]


def test_the_structure_lists_each_change_with_its_locations() -> None:
    """Threshold and quotas changed, two rules added, one removed, each with line:col."""
    found = [(c["kind"], c["path"], c["old_at"], c["new_at"]) for c in report()["structure"]]  # type: ignore[attr-defined]
    assert found == [
        ("changed", "tiers.ladder[1].qualify.spend", "14:72", "15:72"),
        ("added", "points.earn[1]", None, "22:7"),
        ("changed", "benefits[0].quota.count", "24:20", "27:20"),
        ("changed", "benefits[1].quota.count", "27:20", "30:20"),
        ("added", "benefits[2]", None, "31:5"),
        ("removed", "benefits[2]", "28:5", None),
    ]


def test_one_member_moves_down_a_tier() -> None:
    """m2's 200 spent no longer reaches silver's new 250."""
    tiers = report()["impact"]["tiers"]  # type: ignore[index]
    assert (tiers["up"], tiers["down"], tiers["down_examples"]) == (
        0,
        1,
        [["m2", "silver", "basic"]],
    )


def test_points_per_order_and_liability_before_and_after() -> None:
    """Three orders earn 350 points before and 600 after (the app orders double)."""
    impact = report()["impact"]
    points = impact["points"]  # type: ignore[index]
    assert (points["orders"], points["total_before"], points["total_after"]) == (3, "350", "600")
    assert points["per_order"] == {"before": "116.67", "after": "200"}
    assert impact["liability"] == {"before": "350", "after": "600"}  # type: ignore[index]
    assert [e["member"] for e in points["examples"]] == ["m2", "m6"]


def test_benefits_gained_and_lost_match_the_hand_count() -> None:
    """As examples/diff/README.md counts: 1, 1, 2 and 2 members, with who they are."""
    benefits = report()["impact"]["benefits"]  # type: ignore[index]
    assert {b: (v["gained"], v["lost"]) for b, v in benefits.items()} == {
        "birthday-gift": (1, 0),
        "lounge": (0, 1),
        "new-member-gift": (2, 0),
        "vip-gift": (0, 2),
    }
    assert benefits["vip-gift"]["lost_examples"] == ["m3", "m5"]


def test_every_member_changes() -> None:
    """Each of the six members sees different benefits, tier or points; none fails to replay."""
    impact = report()["impact"]
    assert (impact["members"], impact["changed"], impact["errors"]["count"]) == (6, 6, 0)  # type: ignore[index]


def test_text_report_names_members_and_counts() -> None:
    """The text report lists each benefit's gains and losses with example members."""
    code, out, _ = run("diff", OLD, NEW, "--members", SAMPLE, "--as-of", "2026-08-15")
    assert code == 1
    assert "    vip-gift: 0 gained, 2 lost; lost by m3, m5\n" in out
    assert "impact on 6 members as of 2026-08-15T23:59:59+08:00 (6 changed)\n" in out


def test_the_same_policy_twice_differs_in_nothing() -> None:
    """Comparing a policy with itself exits 0 with no change."""
    code, out, _ = run("diff", OLD, OLD, "--members", SAMPLE, "--as-of", "2026-08-15")
    assert code == 0
    assert "structure: 0 changes" in out


def test_members_without_as_of_is_a_usage_error() -> None:
    """--members needs --as-of."""
    assert run("diff", OLD, NEW, "--members", SAMPLE)[0] == 2


def test_a_bad_sample_line_is_reported_with_its_number(tmp_path: Path) -> None:
    """A line that is not JSON stops the run with file:line."""
    sample = tmp_path / "s.jsonl"
    sample.write_text('{"id": "a", "joined": "2026-01-01"}\nnot json\n', encoding="utf-8")
    code, _, err = run("diff", OLD, NEW, "--members", str(sample), "--as-of", "2026-08-15")
    assert (code, f"{sample}:2: not valid JSON" in err) == (2, True)


def test_an_invalid_policy_is_a_usage_error_with_locations(tmp_path: Path) -> None:
    """A broken policy is reported file:line:col and exits 2."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("memberkit: 1\nprogram: {id: x}\n", encoding="utf-8")
    code, _, err = run("diff", OLD, str(bad))
    assert (code, f"{bad}:2:10" in err) == (2, True)


def test_the_html_report_is_one_file_without_network(tmp_path: Path) -> None:
    """The HTML report holds its charts inline and loads nothing from elsewhere."""
    target = tmp_path / "diff.html"
    run(
        "diff",
        OLD,
        NEW,
        "--members",
        SAMPLE,
        "--as-of",
        "2026-08-15",
        "--format",
        "html",
        "--output",
        str(target),
    )
    html = target.read_text(encoding="utf-8")
    assert html.count("<svg") == 3
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert "<script" not in html


@pytest.fixture
def chromium() -> str:
    """The Chromium binary; skipped when absent unless MEMBERKIT_REQUIRE_CHROMIUM=1."""
    if shutil.which(CHROMIUM) is None:
        if os.environ.get("MEMBERKIT_REQUIRE_CHROMIUM") == "1":
            pytest.fail(f"{CHROMIUM} is required (MEMBERKIT_REQUIRE_CHROMIUM=1) but missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    return CHROMIUM


def _headless(binary: str, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run(
        [binary, *flags, *extra], capture_output=True, text=True, timeout=120, check=False
    )


def test_chromium_renders_the_report(chromium: str, tmp_path: Path) -> None:
    """Headless Chromium shows the counts and charts and takes a non-empty screenshot."""
    target = tmp_path / "diff.html"
    run(
        "diff",
        OLD,
        NEW,
        "--members",
        SAMPLE,
        "--as-of",
        "2026-08-15",
        "--format",
        "html",
        "--locale",
        "en",
        "--output",
        str(target),
    )
    dom = _headless(chromium, tmp_path / "p1", "--dump-dom", target.as_uri())
    assert 'data-chart="benefits"' in dom.stdout
    assert "Impact on 6 members" in dom.stdout
    assert '<div class="card" data-card="decisions changed"><b>6</b>' in dom.stdout
    shot = tmp_path / "diff.png"
    _headless(
        chromium,
        tmp_path / "p2",
        f"--screenshot={shot}",
        "--window-size=1200,1400",
        target.as_uri(),
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000


def _html(*extra: str) -> str:
    code, out, err = run(
        "diff", OLD, NEW, "--members", SAMPLE, "--as-of", "2026-08-15", "--format", "html", *extra
    )
    assert (code, err) == (1, "")
    return out


HTML_WORDS = {
    "en": ("Policy change:", "Structure (6 changes)", "Impact on 6 members as of", "Examples"),
    "zh_Hans": ("规则变更：", "结构（6 处变更）", "对 6 位会员的影响", "示例"),
    "zh_Hant": ("規則變更：", "結構（6 處變更）", "對 6 位會員的影響", "範例"),
}


@pytest.mark.parametrize("locale", sorted(HTML_WORDS))
def test_the_html_report_is_in_the_locale(locale: str) -> None:
    """Headings, cards and chart labels of the HTML are in the chosen locale, with its lang."""
    html = _html("--locale", locale)
    assert f'<html lang="{locale.replace("_", "-")}">' in html
    for words in HTML_WORDS[locale]:
        assert words in html, words
    if locale != "en":
        # Attributes (data-card keys, styles) are for tools; the text a manager reads is checked.
        text = re.sub(r"<[^>]*>", " ", html)
        for english in ("Policy change", "Structure", "Impact on", "tier up", "lost by", "before"):
            assert english not in text, english


def test_the_html_names_tiers_and_benefits_not_ids() -> None:
    """Examples and the benefit chart show 银卡会员 and 贵宾室, not silver and lounge ids."""
    html = _html("--locale", "zh_Hans")
    assert "m2：银卡会员 → 普通会员" in html
    assert "贵宾室：失去的会员 m2" in html
    assert "m2: silver" not in html
    assert ">lounge<" not in html


def test_the_html_defaults_to_the_new_policys_locale() -> None:
    """Without --locale the HTML is in the new policy's own locale."""
    assert '<html lang="zh-Hans">' in _html()


RENAMED_OLD = """memberkit: 1
program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en}
tiers:
  ladder:
    - {id: basic}
    - {id: gold, qualify: {spend: 1000}}
  upgrade: immediate
points:
  currencies:
    - {id: stars}
  earn:
    - {id: base, per: 1 CNY, points: 1}
"""

RENAMED_SAMPLE = [
    # m1 spends 2000: gold, 2000 stars. m2 spends 200: basic, 200 stars. m3: nothing at all.
    {
        "id": "m1",
        "joined": "2026-01-01",
        "events": [
            {
                "type": "purchase",
                "id": "o1",
                "at": "2026-03-01T10:00:00+08:00",
                "currency": "CNY",
                "lines": [{"id": "l", "category": "c", "amount": "2000"}],
            }
        ],
    },
    {
        "id": "m2",
        "joined": "2026-01-01",
        "events": [
            {
                "type": "purchase",
                "id": "o2",
                "at": "2026-03-01T10:00:00+08:00",
                "currency": "CNY",
                "lines": [{"id": "l", "category": "c", "amount": "200"}],
            }
        ],
    },
    {"id": "m3", "joined": "2026-01-01", "events": []},
]


def renamed_files(tmp_path: Path, top: str) -> tuple[str, str, str]:
    """The old policy, a new one renaming gold to vip and stars to beans, and the sample."""
    new = RENAMED_OLD.replace("gold", "vip").replace("stars", "beans")
    new = new.replace("program:", top + "program:", 1)
    paths = (tmp_path / "old.yaml", tmp_path / "new.yaml", tmp_path / "sample.jsonl")
    paths[0].write_text(RENAMED_OLD, encoding="utf-8")
    paths[1].write_text(new, encoding="utf-8")
    paths[2].write_text("".join(json.dumps(m) + "\n" for m in RENAMED_SAMPLE), encoding="utf-8")
    return str(paths[0]), str(paths[1]), str(paths[2])


def test_renames_and_drops_are_listed_with_the_members_holding_them(tmp_path: Path) -> None:
    """gold → vip is held by m1 alone; stars, dropped with no rename, by m1 and m2."""
    old, new, sample = renamed_files(tmp_path, "renames: {tiers: {gold: vip}}\n")
    code, out, _ = run(
        "diff", old, new, "--members", sample, "--as-of", "2026-06-01", "--format", "json"
    )
    assert code == 1
    data = json.loads(out)
    assert data["held"] == [
        {
            "kind": "tier",
            "old": "gold",
            "new": "vip",
            "path": "renames.tiers.gold",
            "at": None,
            "members": 1,
        },
        {
            "kind": "currency",
            "old": "stars",
            "new": None,
            "path": "points",
            "at": None,
            "members": 2,
        },
    ]
    # A renamed tier is the same tier: nobody moves.
    assert (data["impact"]["tiers"]["up"], data["impact"]["tiers"]["down"]) == (0, 0)


def test_the_text_report_says_what_to_write_for_a_drop(tmp_path: Path) -> None:
    """The text report names the rename, the drop and the renames entry that would fix it."""
    old, new, sample = renamed_files(tmp_path, "renames: {tiers: {gold: vip}}\n")
    _, out, _ = run("diff", old, new, "--members", sample, "--as-of", "2026-06-01")
    assert "  renamed  tier gold → vip (renames.tiers.gold): held by 1 member\n" in out
    assert (
        "  dropped  currency stars with no rename (points): stored states holding it will not "
        "load; add renames: {currencies: {stars: ...}}: held by 2 members\n"
    ) in out


def test_a_versions_rename_is_listed_with_its_start(tmp_path: Path) -> None:
    """A version of the new file renaming gold from 2027 is listed with that moment."""
    old, _, _ = renamed_files(tmp_path, "")
    version = (
        "versions:\n  - effective_from: 2027-01-01\n    announced: 2026-11-01\n"
        "    renames: {tiers: {gold: vip}}\n    tiers:\n      ladder:\n        - {id: basic}\n"
        "        - {id: vip, qualify: {spend: 1000}}\n      upgrade: immediate\n"
    )
    new = tmp_path / "versioned.yaml"
    new.write_text(RENAMED_OLD + version, encoding="utf-8")
    code, out, _ = run("diff", old, str(new), "--format", "json")
    assert code == 1
    assert json.loads(out)["held"] == [
        {
            "kind": "tier",
            "old": "gold",
            "new": "vip",
            "path": "versions[0].renames.tiers.gold",
            "at": "2027-01-01T00:00:00+08:00",
            "members": None,
        },
    ]


def test_the_html_report_has_a_row_per_renamed_or_dropped_id(tmp_path: Path) -> None:
    """The HTML report lists gold → vip (1 member) and the dropped stars (2 members)."""
    old, new, sample = renamed_files(tmp_path, "renames: {tiers: {gold: vip}}\n")
    target = tmp_path / "report.html"
    code, _, _ = run(
        "diff",
        old,
        new,
        "--members",
        sample,
        "--as-of",
        "2026-06-01",
        "--format",
        "html",
        "--output",
        str(target),
    )
    page = target.read_text(encoding="utf-8")
    assert code == 1
    assert "<h2>Held by members (2 renamed or dropped)</h2>" in page
    assert (
        '<tr data-held="tier"><td>tier</td><td><code>gold</code></td><td><code>vip</code></td>'
        "<td></td><td><code>renames.tiers.gold</code></td><td>1</td></tr>"
    ) in page
    assert "<td>dropped, no rename</td>" in page


YOUTH_OLD = """memberkit: 1
program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en}
points:
  pending: immediate
  earn:
    - {id: base, per: 1 CNY, points: 1}
"""
YOUTH_NEW = YOUTH_OLD + '    - {id: youth, when: {age: {"<": 26}}, multiply: 2}\n'


def _youth_member(member_id: str, **profile: object) -> dict[str, object]:
    """A member who joined on 1 Jan 2026 and spent ¥100 on 14 Jun 2026."""
    buy = {
        "type": "purchase",
        "id": f"{member_id}-o1",
        "at": "2026-06-14T10:00:00+08:00",
        "currency": "CNY",
        "lines": [{"id": "l", "category": "c", "amount": "100"}],
    }
    return {"id": member_id, "joined": "2026-01-01", **profile, "events": [buy]}


def test_a_sample_members_birth_year_decides_an_age_condition(tmp_path: Path) -> None:
    """Doubling points under 26 changes only the member whose birth year makes them 25.

    By hand: y1 (born 15 Jun 2000) is 25 on 14 Jun 2026, so the order earns 100 → 200; y2 (born
    15 Jun 2000 by a placeholder 1900 birthday and birth_year 2000) also 25, 100 → 200; o1 (born
    1990) is 36, 100 → 100; n1 gives no birth year, so no age: 100 → 100. 400 before, 600 after.
    """
    sample = [
        _youth_member("y1", birthday="2000-06-15", birth_year=2000),
        _youth_member("y2", birthday="1900-06-15", birth_year="2000"),
        _youth_member("o1", birthday="1990-06-15", birth_year=1990),
        _youth_member("n1", birthday="2000-06-15"),
    ]
    old, new, members = (tmp_path / n for n in ("old.yaml", "new.yaml", "sample.jsonl"))
    old.write_text(YOUTH_OLD, encoding="utf-8")
    new.write_text(YOUTH_NEW, encoding="utf-8")
    members.write_text("".join(json.dumps(m) + "\n" for m in sample), encoding="utf-8")
    code, out, _ = run(
        "diff", str(old), str(new), "--members", str(members), "--as-of", "2026-06-30",
        "--format", "json",
    )  # fmt: skip
    assert code == 1
    impact = json.loads(out)["impact"]
    points = impact["points"]
    assert (points["total_before"], points["total_after"]) == ("400", "600")
    assert [e["member"] for e in points["examples"]] == ["y1", "y2"]
    assert (impact["members"], impact["changed"], impact["errors"]["count"]) == (4, 2, 0)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"birth_year": 1899}, "birth_year is outside the supported years 1900 to 2999"),
        ({"birth_year": "19x0"}, "birth_year is a whole number"),
        ({"birthday": "1800-06-15"}, "birthday is outside the supported years 1900 to 2999"),
        ({"birthday": "2000-13-15"}, "birthday is not YYYY-MM-DD"),
        ({"birthyear": 2000}, "'birthyear' is not a field of a sample member; did you mean"),
        ({"tags": "vip"}, "'tags' is a list of texts"),
    ],
)
def test_a_bad_sample_member_field_is_refused_with_its_line(
    tmp_path: Path, fields: dict[str, object], says: str
) -> None:
    """A bad member field stops the run on its line (exit 2), naming a birthday, never showing it."""
    sample = tmp_path / "s.jsonl"
    lines = [_youth_member("a"), _youth_member("b", **fields)]
    sample.write_text("".join(json.dumps(m) + "\n" for m in lines), encoding="utf-8")
    code, out, err = run("diff", OLD, NEW, "--members", str(sample), "--as-of", "2026-08-15")
    assert (code, out) == (2, "")
    assert err.startswith(f"memberkit diff: {sample}:2: ")
    assert says in err
    assert not re.search(r"1800|2000-13|1899|19x0", err)
