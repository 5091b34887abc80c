"""Member value from the policy: P(alive), expected purchases and CLV in conditions and reasons."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from tests.builders import at, days
from tests.lifecycle.builders import findings, lifecycle_policy, section, shopper

from memberkit import Money
from memberkit.lifecycle import (
    PurchaseModel,
    customer_lifetime_value,
    gamma_gamma_expected_spend,
    lifecycle_stage,
    member_value,
    programme_kpis,
    select_audience,
)

AS_OF = at(2026, 6, 1)
PARAMS = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
SPEND = {"p": 6.25, "q": 3.74, "gamma": 15.44}
BODY = """
summary: {unit: weeks, same_day: merge}
value:
  model: mbgnbd
  purchases: {r: 0.525, alpha: 6.183, a: 0.891, b: 1.614}
  spend: {p: 6.25, q: 3.74, gamma: 15.44}
  horizon: 52
  step: 4
  discount_rate: 0.1
stages:
  - {id: win-back, name: {en: Win back, zh_Hans: 待挽回, zh_Hant: 待挽回}, when: {all: [{clv: {">=": 1000}}, {p_alive: {"<": 0.5}}]}}
  - {id: valuable, name: {en: Valuable, zh_Hans: 高价值, zh_Hant: 高價值}, when: {clv: {">=": 1000}}}
  - {id: other, name: Other}
default: other
audiences:
  - {id: win-back-list, when: {all: [{clv: {">=": 1000}}, {p_alive: {"<": 0.5}}]}}
  - {id: busy, when: {expected_purchases: {">=": 10}}}
"""
POLICY = lifecycle_policy(BODY)


def busy_then_quiet(member_id: str = "m1") -> object:
    """Twelve weekly purchases of 300 CNY, the last six weeks ago: P(alive) about 0.31."""
    start = AS_OF - days(7 * (11 + 6))
    return shopper(*((start + days(7 * i), "300") for i in range(12)), member_id=member_id)


def busy_now(member_id: str = "m2") -> object:
    """Twelve weekly purchases of 300 CNY up to last week."""
    start = AS_OF - days(7 * 12)
    return shopper(*((start + days(7 * i), "300") for i in range(12)), member_id=member_id)


def test_the_figures_are_the_models_in_the_policys_unit() -> None:
    """x, t_x and T are in weeks, and P(alive), E[purchases] and CLV come from those models."""
    value = member_value(POLICY, busy_now(), AS_OF)
    assert value is not None
    assert (value.x, value.t_x, value.T, value.unit) == (11, 11.0, 12.0, "weeks")
    model = PurchaseModel("mbgnbd", tuple(PARAMS.values()), "weeks")
    assert float(value.p_alive) == pytest.approx(model.p_alive(11, 11.0, 12.0), abs=1e-4)
    expected = model.expected_purchases(52, 11, 11.0, 12.0)
    assert float(value.expected_purchases or 0) == pytest.approx(expected, abs=1e-4)
    spend = gamma_gamma_expected_spend(11, Decimal(300), **SPEND)
    assert value.expected_spend == Money(spend, "CNY").quantize()
    clv = customer_lifetime_value(
        model, 11, 11.0, 12.0, spend=spend, currency="CNY", horizon=52, discount_rate=0.1, step=4
    )
    assert value.clv == clv
    assert value.clv.amount > 1000


def test_a_valuable_member_gone_quiet_is_on_the_win_back_list() -> None:
    """High CLV with P(alive) < 0.5 selects the quiet member for win-back, not the busy one."""
    quiet, busy = busy_then_quiet(), busy_now()
    chosen = [m.member_id for m in select_audience(POLICY, [quiet, busy], "win-back-list", AS_OF)]
    assert chosen == ["m1"]
    assert lifecycle_stage(POLICY, quiet, AS_OF).stage == "win-back"
    assert lifecycle_stage(POLICY, busy, AS_OF).stage == "valuable"
    busy_list = [m.member_id for m in select_audience(POLICY, [quiet, busy], "busy", AS_OF)]
    assert busy_list == ["m2"]


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", ["customer lifetime value", "MBG/NBD", "52 weeks", "Chance of no purchase"]),
        ("zh_Hans", ["客户终身价值", "仍然活跃的概率", "52 周", "未来 52 周内不购买的概率"]),
        ("zh_Hant", ["客戶終身價值", "仍然活躍的機率", "52 週", "未來 52 週內不購買的機率"]),
    ],
)
def test_the_stage_is_explained_in_the_members_language(locale: str, words: list[str]) -> None:
    """The win-back stage names the CLV and P(alive) clauses and the figures (the chances of 0,
    1, 2 and 3+ purchases among them) in each locale."""
    text = lifecycle_stage(POLICY, busy_then_quiet(), AS_OF).explain(locale)
    for word in words:
        assert word in text, text


def test_a_member_who_never_bought_has_no_value_figures() -> None:
    """No purchase, no model input: member_value is None and the default stage applies."""
    nobody = shopper()
    assert member_value(POLICY, nobody, AS_OF) is None
    assert lifecycle_stage(POLICY, nobody, AS_OF).stage == "other"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("stages: [{id: a, when: {clv: {'>=': 1}}}]", "clv needs lifecycle.value"),
        ("stages: [{id: a, when: {expected_purchases: {'>=': 1}}}]", "expected_purchases needs"),
        (
            "summary: {unit: weeks}\n"
            "value: {model: bgnbd, purchases: {r: 1, alpha: 1, a: 1, b: 1}, horizon: 52}\n"
            "stages: [{id: a, when: {clv: {'>=': 1}}}]",
            "value.spend",
        ),
    ],
)
def test_value_fields_without_their_model_are_refused(body: str, message: str) -> None:
    """A condition on clv or expected_purchases without the section that computes it is an error."""
    assert any(message in f.message for f in findings(body))


def test_bgnbd_and_value_together_are_refused() -> None:
    """Two purchase models for one programme would be ambiguous: refused."""
    with pytest.raises(ValueError, match="either 'bgnbd' or 'value'"):
        section(
            "bgnbd: {r: 1, alpha: 1, a: 1, b: 1}\n"
            "value: {model: bgnbd, purchases: {r: 1, alpha: 1, a: 1, b: 1}, horizon: 52}"
        )


def test_clv_discounting_and_horizon_are_in_the_stated_units() -> None:
    """The same member and horizon in days and in weeks give the same CLV when α is converted."""
    weeks = PurchaseModel("bgnbd", (0.243, 4.414, 0.793, 2.426), "weeks")
    days_model = PurchaseModel("bgnbd", (0.243, 4.414 * 7, 0.793, 2.426), "days")
    spend = Decimal("35")
    in_weeks = customer_lifetime_value(
        weeks, 2, 30.43, 38.86, spend=spend, currency="USD", horizon=52, discount_rate=0.1, step=1
    )
    in_days = customer_lifetime_value(
        days_model,
        2,
        30.43 * 7,
        38.86 * 7,
        spend=spend,
        currency="USD",
        horizon=364,
        discount_rate=0.1,
        step=7,
    )
    assert in_weeks == in_days
    undiscounted = customer_lifetime_value(
        weeks, 2, 30.43, 38.86, spend=spend, currency="USD", horizon=52, discount_rate=0
    )
    exact = Decimal(repr(weeks.expected_purchases(52, 2, 30.43, 38.86))) * spend
    assert undiscounted.amount == exact.quantize(Decimal("0.01"))
    assert in_weeks.amount < undiscounted.amount


PARETO_POLICY = lifecycle_policy(
    BODY.replace(
        "  model: mbgnbd\n  purchases: {r: 0.525, alpha: 6.183, a: 0.891, b: 1.614}",
        "  model: pareto_nbd\n  purchases: {r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669}",
    )
)


def test_a_policy_selecting_pareto_nbd_values_members_with_it() -> None:
    """With value.model pareto_nbd, P(alive), expected purchases and the chances of 0, 1, 2 and
    3+ purchases are Pareto/NBD's, and the win-back list is drawn on its figures."""
    value = member_value(PARETO_POLICY, busy_now(), AS_OF)
    assert value is not None
    assert value.model == "pareto_nbd"
    model = PurchaseModel("pareto_nbd", (0.553, 10.578, 0.606, 11.669), "weeks")
    assert float(value.p_alive) == pytest.approx(model.p_alive(11, 11.0, 12.0), abs=1e-4)
    expected = model.expected_purchases(52, 11, 11.0, 12.0)
    assert float(value.expected_purchases or 0) == pytest.approx(expected, abs=1e-4)
    chances = value.purchase_chances
    assert chances is not None
    for n in range(3):
        own = model.conditional_p_purchases(n, 52, 11, 11.0, 12.0)
        assert float(chances[n]) == pytest.approx(own, abs=1e-4)
    assert sum(chances) == pytest.approx(1, abs=2e-4)
    members = [busy_then_quiet(), busy_now()]
    chosen = select_audience(PARETO_POLICY, members, "win-back-list", AS_OF)
    wanted = []
    for member in members:
        worth = member_value(PARETO_POLICY, member, AS_OF)
        assert worth is not None
        assert worth.clv is not None
        if worth.clv.amount >= 1000 and worth.p_alive < Decimal("0.5"):
            wanted.append(worth.member_id)
    assert [m.member_id for m in chosen] == wanted


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", ["Pareto/NBD", "Chance of no purchase in the next 52 weeks"]),
        ("zh_Hans", ["Pareto/NBD", "未来 52 周内不购买的概率"]),
        ("zh_Hant", ["Pareto/NBD", "未來 52 週內不購買的機率"]),
    ],
)
def test_the_chances_of_purchases_are_explained(locale: str, words: list[str]) -> None:
    """The member's chances of 0, 1, 2 and 3+ purchases over the horizon are told in each locale."""
    value = member_value(PARETO_POLICY, busy_then_quiet(), AS_OF)
    assert value is not None
    text = value.explain(locale)
    for word in words:
        assert word in text, text


def test_kpis_add_up_the_members_value_and_the_value_at_risk() -> None:
    """The programme KPIs carry the members' value at the period's end: how many are valued,
    their mean P(alive), how many are at risk (P(alive) < 0.5), the purchases expected and the
    CLV in total and at risk, each equal to the members' own figures added up."""
    quiet, busy, nobody = busy_then_quiet(), busy_now(), shopper(member_id="m3")
    end = AS_OF + timedelta(microseconds=1)  # the period [start, end) ends at AS_OF
    kpis = programme_kpis(POLICY, [quiet, busy, nobody], AS_OF - days(365), end)
    value = kpis.value
    assert value is not None
    worth = [member_value(POLICY, member, AS_OF) for member in (quiet, busy)]
    q, b = worth[0], worth[1]
    assert q is not None
    assert b is not None
    assert q.clv is not None
    assert b.clv is not None
    assert (value.model, value.unit, value.horizon) == ("mbgnbd", "weeks", 52)
    assert (value.valued, value.at_risk) == (2, 1)
    assert value.mean_p_alive == ((q.p_alive + b.p_alive) / 2).quantize(Decimal("0.0001"))
    assert value.expected_purchases == (q.expected_purchases or 0) + (b.expected_purchases or 0)
    assert value.clv == Money(q.clv.amount + b.clv.amount, "CNY")
    assert value.clv_at_risk == q.clv
    assert value.clv_at_risk.amount > 1000


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", ["2 members valued with MBG/NBD", "1 at risk", "next 52 weeks", "held by members"]),
        (
            "zh_Hans",
            ["按 MBG/NBD 评估 2 位会员", "1 位有流失风险", "未来 52 周", "客户终身价值合计"],
        ),
        (
            "zh_Hant",
            ["按 MBG/NBD 評估 2 位會員", "1 位有流失風險", "未來 52 週", "客戶終身價值合計"],
        ),
    ],
)
def test_the_value_kpis_are_explained_in_each_locale(locale: str, words: list[str]) -> None:
    """The value KPIs read in the manager's language: valued, at risk, expected and CLV."""
    kpis = programme_kpis(
        POLICY, [busy_then_quiet(), busy_now()], AS_OF - days(365), AS_OF + days(1)
    )
    text = kpis.explain(locale)
    for word in words:
        assert word in text, text


def test_kpis_without_a_value_model_have_no_value_figures() -> None:
    """A policy with no purchase model values nobody: the KPIs' value is None."""
    plain = lifecycle_policy("{}")
    kpis = programme_kpis(plain, [busy_now()], AS_OF - days(365), AS_OF + days(1))
    assert kpis.value is None


@pytest.mark.parametrize(("same_day", "x"), [("merge", 1), ("keep", 2)])
def test_same_day_orders_are_occasions_as_the_policy_says(same_day: str, x: int) -> None:
    """Two orders on one Shanghai day and one a week later: with summary.same_day merge the
    member made one repeat purchase, with keep two, and the value follows (spend per occasion)."""
    policy = lifecycle_policy(BODY.replace("same_day: merge", f"same_day: {same_day}"))
    member = shopper(
        (AS_OF - days(14), "100"),
        (AS_OF - days(14) + timedelta(hours=6), "50"),
        (AS_OF - days(7), "300"),
    )
    value = member_value(policy, member, AS_OF)
    assert value is not None
    assert (value.x, value.t_x, value.T) == (x, 1.0, 2.0)
    other = "keep" if same_day == "merge" else "merge"
    twin = member_value(
        lifecycle_policy(BODY.replace("same_day: merge", f"same_day: {other}")), member, AS_OF
    )
    assert twin is not None
    assert twin.x != value.x
    assert twin.p_alive != value.p_alive


@pytest.mark.parametrize("model", ["bgnbd", "mbgnbd"])
@pytest.mark.parametrize("history", [(0, 0.0, 30.0), (2, 30.43, 38.86), (300, 37.0, 38.0)])
def test_clv_is_the_discounted_sum_of_mpmaths_expected_purchases(
    model: str, history: tuple[int, float, float]
) -> None:
    """CLV over 52 weeks in 4-week steps at 10% a year equals, to the cent, the sum over steps of
    mpmath's 40-digit expected purchases in each step × spend × 1.1^-(step middle in years)."""
    import mpmath
    from tests.lifecycle.test_bgfamily import ref_expected

    params = (0.243, 4.414, 0.793, 2.426)
    purchase_model = PurchaseModel(model, params, "weeks")  # type: ignore[arg-type]
    spend = Decimal("35.22")
    got = customer_lifetime_value(
        purchase_model, *history, spend=spend, currency="USD", horizon=52, discount_rate=0.1,
        step=4,
    )  # fmt: skip
    total, before = mpmath.mpf(0), mpmath.mpf(0)
    for start in range(0, 52, 4):
        end = start + 4
        cumulative = ref_expected(end, *history, *params, modified=model == "mbgnbd")
        middle_years = mpmath.mpf(start + end) / 2 * 7 / mpmath.mpf("365.25")
        total += (cumulative - before) * mpmath.power(mpmath.mpf("1.1"), -middle_years)
        before = cumulative
    expected = (Decimal(mpmath.nstr(total * mpmath.mpf("35.22"), 30))).quantize(Decimal("0.01"))
    assert got == Money(expected, "USD")


@pytest.mark.parametrize("summary", ["", "  summary: {same_day: keep}\n"])
def test_a_value_model_must_state_its_time_unit(summary: str) -> None:
    """lifecycle.value without summary.unit is a policy error located at lifecycle, saying why:
    parameters fitted in weeks must never be read as days. With the unit it loads."""
    import memberkit

    head = "memberkit: 1\nprogram: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en}\n"
    value = "  value: {model: bgnbd, purchases: {r: 1, alpha: 1, a: 1, b: 1}, horizon: 52}\n"
    with pytest.raises(memberkit.PolicyError) as refused:
        memberkit.parse_policy(head + "lifecycle:\n" + summary + value, source="p.yaml")
    assert "p.yaml:4:3: lifecycle: " in str(refused.value)
    assert "are in summary.unit: state it" in str(refused.value)
    stated = summary.replace("{same_day: keep}", "{same_day: keep, unit: weeks}") or (
        "  summary: {unit: weeks}\n"
    )
    memberkit.parse_policy(head + "lifecycle:\n" + stated + value, source="p.yaml")
