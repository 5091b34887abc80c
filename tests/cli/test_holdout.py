"""`memberkit holdout`: the calibration/holdout check of a purchase model on a transactions CSV."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from tests.lifecycle.builders import retail_with_value
from tests.lifecycle.cdnow import rows

from memberkit.cli import main
from memberkit.lifecycle._fast import available


@pytest.fixture(scope="module")
def cdnow_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CDNOW sample as a member,date,amount CSV ordered by member and date."""
    path = tmp_path_factory.mktemp("holdout") / "cdnow.csv"
    lines = ["member,date,amount"] + [f"{m},{d.isoformat()},{a}" for m, d, a in rows()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    """The exit code, stdout and stderr of one command line."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


PERIODS = ("--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30")


def test_the_table_totals_cdnows_holdout(cdnow_csv: Path, tmp_path: Path) -> None:
    """2,357 members made 1,882 holdout purchases; the table, chart, SVG and fitted values show."""
    svg = tmp_path / "chart.svg"
    code, out, err = run("holdout", str(cdnow_csv), *PERIODS, "--svg", str(svg))
    assert (code, err) == (0, "")
    total = next(line for line in out.splitlines() if line.startswith("total"))
    assert total.split()[1:3] == ["2357", "1882"]
    assert "Holdout purchases per member" in out
    assert '"r": 0.2426' in out  # BG/NBD fitted on the calibration period (r = 0.243)
    assert '"p": 6.24' in out or '"p": 6.25' in out
    assert svg.read_text(encoding="utf-8").startswith("<svg")


def test_json_output_has_every_bucket(cdnow_csv: Path) -> None:
    """--format json gives each frequency bucket with actual and expected purchases."""
    code, out, _ = run("holdout", str(cdnow_csv), *PERIODS, "--format", "json", "--model", "mbgnbd")
    data = json.loads(out)
    assert code == 0
    assert data["model"] == "mbgnbd"
    assert [b["repeat_purchases"] for b in data["buckets"]][-1] == "7+"
    assert sum(b["actual"] for b in data["buckets"]) == data["actual"] == 1882


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_the_report_speaks_the_locale(cdnow_csv: Path, locale: str) -> None:
    """The table's headings are in the chosen locale."""
    _, out, _ = run("holdout", str(cdnow_csv), *PERIODS, "--locale", locale)
    assert ("合计" if locale == "zh_Hans" else "合計") in out
    assert ("在校准期拟合" if locale == "zh_Hans" else "在校準期擬合") in out
    assert "fitted" not in out


def test_an_unsorted_file_is_refused_with_the_reason(tmp_path: Path) -> None:
    """Rows not ordered by member are a finding (exit 1) that says how they must be ordered."""
    path = tmp_path / "t.csv"
    path.write_text("member,date,amount\nb,2025-01-01,1\na,2025-01-02,1\n", encoding="utf-8")
    code, _, err = run("holdout", str(path), *PERIODS)
    assert code == 1
    assert "ordered by member" in err


@pytest.mark.parametrize(
    "args",
    [
        ("missing.csv", *PERIODS),
        ("x.csv", "--calibration-end", "1997-13-01", "--holdout-end", "1998-06-30"),
    ],
)
def test_usage_mistakes_exit_2(args: tuple[str, ...]) -> None:
    """A missing file or a bad date is a usage error with a message, not a traceback."""
    code, _, err = run("holdout", *args)
    assert code == 2
    assert "memberkit holdout:" in err


@pytest.mark.skipif(
    not available() and os.environ.get("MEMBERKIT_REQUIRE_NUMPY") != "1",
    reason="the Pareto/NBD fit on CDNOW takes seconds only with the value extra",
)
def test_pareto_nbd_is_checked_and_fitted_on_the_calibration_period(cdnow_csv: Path) -> None:
    """--model pareto_nbd fits r, alpha, s, beta (Fader & Hardie's CDNOW figures) and checks them."""
    code, out, err = run("holdout", str(cdnow_csv), *PERIODS, "--model", "pareto_nbd")
    assert (code, err) == (0, "")
    assert "Pareto/NBD fitted on the calibration period" in out
    assert '"r": 0.5533, "alpha": 10.5777, "s": 0.6062, "beta": 11.6687' in out
    code, out, _ = run(
        "holdout", str(cdnow_csv), *PERIODS, "--model", "pareto_nbd", "--format", "json"
    )
    data = json.loads(out)
    assert set(data["parameters"]) == {"r", "alpha", "s", "beta"}
    assert data["actual"] == 1882


def json_report(*args: str) -> dict[str, object]:
    """The JSON report of one successful run."""
    code, out, err = run("holdout", *args, "--format", "json")
    assert (code, err) == (0, "")
    data: dict[str, object] = json.loads(out)
    return data


def test_same_day_orders_merge_or_count_as_asked(cdnow_csv: Path) -> None:
    """CDNOW has 177 member-days with two orders: merged they are one holdout purchase each,
    kept they count apart, so the holdout totals differ."""
    merged = json_report(str(cdnow_csv), *PERIODS, "--same-day", "merge")
    kept = json_report(str(cdnow_csv), *PERIODS, "--same-day", "keep")
    assert (merged["same_day"], kept["same_day"]) == ("merge", "keep")
    assert merged["actual"] == 1882
    assert isinstance(kept["actual"], int)
    assert kept["actual"] > 1882


def test_the_policy_states_unit_same_day_model_timezone_and_locale(
    cdnow_csv: Path, tmp_path: Path
) -> None:
    """With --policy the unit (days), same-day rule, model (mbgnbd), timezone and locale are the
    policy's lifecycle and program sections'; an option given as well overrides the policy."""
    policy = retail_with_value(tmp_path)
    data = json_report(str(cdnow_csv), *PERIODS, "--policy", str(policy))
    assert (data["model"], data["unit"], data["same_day"], data["timezone"]) == (
        "mbgnbd",
        "days",
        "merge",
        "Asia/Shanghai",
    )
    assert data["holdout_length"] == 273.0  # 39 weeks in days
    value = data["value"]
    assert isinstance(value, dict)
    assert value["purchases"]["alpha"] == pytest.approx(6.183 * 7, abs=0.1)  # α in days
    keep = tmp_path / "keep.yaml"
    keep.write_text(
        policy.read_text(encoding="utf-8").replace("same_day: merge", "same_day: keep"),
        encoding="utf-8",
    )
    kept = json_report(str(cdnow_csv), *PERIODS, "--policy", str(keep))
    assert kept["same_day"] == "keep"
    assert kept["actual"] == json_report(str(cdnow_csv), *PERIODS, "--same-day", "keep")["actual"]
    weeks = json_report(str(cdnow_csv), *PERIODS, "--policy", str(policy), "--unit", "weeks")
    assert (weeks["unit"], weeks["holdout_length"], weeks["model"]) == ("weeks", 39.0, "mbgnbd")
    code, out, _ = run("holdout", str(cdnow_csv), *PERIODS, "--policy", str(policy))
    assert code == 0
    assert "合计" in out  # the retail programme's locale, zh_Hans


def test_a_broken_policy_is_a_finding(cdnow_csv: Path, tmp_path: Path) -> None:
    """A policy that does not load is reported with its location (exit 1), a missing one is
    a usage error (exit 2)."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("program: {id: x}\n", encoding="utf-8")
    code, _, err = run("holdout", str(cdnow_csv), *PERIODS, "--policy", str(bad))
    assert code == 1
    assert "bad.yaml" in err
    code, _, err = run("holdout", str(cdnow_csv), *PERIODS, "--policy", str(tmp_path / "no.yaml"))
    assert code == 2
    assert "cannot read" in err
