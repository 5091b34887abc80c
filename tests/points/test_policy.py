"""The points section: shapes the model refuses, references the cross-checks report, the example."""

from __future__ import annotations

from importlib.resources import files

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import activity, at, policy, purchase
from tests.points.builders import applied, findings, member, section, total

import memberkit
from memberkit._compiled import CompiledProgram
from memberkit._compiled_base import CheckContext
from memberkit._program import ProgramInfo, ProgramSection
from memberkit.points import PointsSection
from memberkit.points._compile import check_points, compile_points
from memberkit.policy import PolicyDocument
from memberkit.policy._yaml import read_yaml
from memberkit.tiers._state import TierChange, TierState

TIERS = ("basic", "silver", "gold", "platinum")


def test_a_points_section_loads_without_tiers() -> None:
    """A programme with points and no tiers section loads through parse_policy."""
    loaded = policy("points:\n  earn:\n    - {id: base, per: 1 CNY, points: 1}\n")
    assert loaded.versions[0].points is not None


def test_a_tier_reference_without_tiers_is_reported() -> None:
    """A tier multiplier in a policy without tiers is a located policy issue."""
    with pytest.raises(memberkit.PolicyError) as raised:
        policy("points:\n  earn:\n    - {id: t, multiply: {by_tier: {gold: 2}}}\n")
    assert [i.code for i in raised.value.issues] == ["unknown_tier"]
    assert raised.value.issues[0].path == "points.earn[0].multiply.by_tier.gold"


def test_an_unknown_tier_suggests_the_nearest() -> None:
    """A misspelt tier id in a multiplier suggests the declared one."""
    found = findings("earn:\n  - {id: t, multiply: {by_tier: {glod: 2}}}\n")
    assert [f.message for f in found] == ["unknown tier 'glod'; did you mean 'gold'?"]


def test_an_unknown_currency_in_a_rule_suggests_the_nearest() -> None:
    """A rule targeting an undeclared currency names the nearest declared one."""
    found = findings(
        "currencies: [{id: points}, {id: growth}]\n"
        "earn:\n  - {id: g, per: 1 CNY, points: 1, currency: grwoth}\n"
    )
    assert [(f.code, f.message) for f in found] == [
        ("unknown_currency", "unknown points currency 'grwoth'; did you mean 'growth'?")
    ]


def test_a_rule_gives_points_or_multiply() -> None:
    """A rule with both points and multiply is refused by the model."""
    with pytest.raises(memberkit.PolicyError, match="exactly one of 'points' or 'multiply'"):
        policy("points:\n  earn:\n    - {id: x, points: 1, multiply: 2}\n")


def test_expiry_gives_one_style() -> None:
    """An expiry with two styles is refused."""
    with pytest.raises(memberkit.PolicyError, match="exactly one of"):
        policy('points:\n  expiry: {rolling_months: 12, fixed: "12-31"}\n')


def test_an_unknown_key_is_located_with_a_suggestion() -> None:
    """A misspelt key in an earning rule is reported with 'did you mean'."""
    with pytest.raises(memberkit.PolicyError) as raised:
        policy("points:\n  earn:\n    - {id: x, points: 1, min_ordr: 5}\n")
    assert "did you mean 'min_order'" in str(raised.value)


def test_per_in_another_currency_is_reported() -> None:
    """per: 1 USD in a CNY programme is a policy issue."""
    found = findings("earn:\n  - {id: b, per: 1 USD, points: 1}\n")
    assert [f.code for f in found] == ["wrong_currency"]


def _retail() -> memberkit.Policy:
    text = files("memberkit").joinpath("examples/retail.yaml").read_bytes()
    data = read_yaml(text, "retail.yaml").data
    assert isinstance(data, dict)
    parsed = PointsSection.model_validate(data["points"])
    head = ProgramSection.model_validate(data["program"])
    info = ProgramInfo.from_section(head)
    ctx = CheckContext(info=info, tier_ids=TIERS)
    assert check_points(parsed, ctx) == []
    version = CompiledProgram(info, None, compile_points(parsed, info, ctx), None, None)
    document = PolicyDocument(memberkit=1, program=head, points=parsed)
    return memberkit.Policy("retail.yaml", document, (version,))


def test_the_retail_example_loads_as_a_whole() -> None:
    """The bundled programme, points section included, loads through the public loader."""
    loaded = memberkit.load_policy(str(files("memberkit").joinpath("examples/retail.yaml")))
    assert loaded.versions[0].points is not None


def test_the_retail_example_points_section_checks_clean() -> None:
    """The bundled programme's points section validates against the retail ladder."""
    assert section("earn:\n  - {id: base, per: 1 CNY, points: 1}\n").earn[0].id == "base"
    assert _retail().versions[0].points is not None


def test_the_retail_example_doubles_app_orders_on_11_11() -> None:
    """A gold member's ¥200 app order on 11.11 earns 200 × 1.5 × 2 = 600 points; the gift card none."""
    retail = _retail()
    state = member().evolve(tiers=TierState((TierChange(at(2026, 1, 1), "gold", "upgrade"),)))
    order = purchase(
        "o1",
        at(2026, 11, 11, 20),
        ("l1", "shoes", "200"),
        ("l2", "gift_card", "100"),
        channel="app",
    )
    quote = memberkit.quote_points(retail, state, order)
    assert dict(quote.totals) == {"points": 600, "growth": 200}


def test_the_retail_example_caps_daily_check_ins() -> None:
    """Two check-ins on one Shanghai day earn 5 points once."""
    retail = _retail()
    state = applied(
        retail,
        member(),
        activity("c1", at(2026, 3, 1, 8), "checkin"),
        activity("c2", at(2026, 3, 1, 22), "checkin"),
    )
    assert total(state) == 5


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("zh_Hans", "可用 0 积分，待生效 1,200。\n1,200 积分有效期至 2027年12月31日"),
        ("zh_Hant", "可用 0 積分，待生效 1,200。\n1,200 積分有效期至 2027年12月31日"),
        (
            "en",
            "Available: 0 points; pending: 1,200.\n1,200 points are valid through Dec 31, 2027.",
        ),
    ],
)
def test_the_retail_balance_is_explained_in_three_locales(locale: str, text: str) -> None:
    """A balance inside the 7-day pending window reads naturally in each shipped locale."""
    retail = _retail()
    state = applied(retail, member(), purchase("o1", at(2026, 3, 1), ("l1", "shoes", "1200")))
    assert memberkit.balance(retail, state, at(2026, 3, 2)).explain(locale) == text


@pytest.mark.parametrize(
    ("body", "located"),
    [
        (
            "{id: b, per: 0.001 CNY, points: 1}",
            "points.earn[0].per: 0.001 has more decimals than CNY allows (2) [too_many_decimals]",
        ),
        (
            "{id: b, per: 1 CNY, points: 1, min_order: 10.001}",
            "points.earn[0].min_order: 10.001 has more decimals than CNY allows (2)"
            " [too_many_decimals]",
        ),
    ],
)
def test_amounts_finer_than_the_currency_are_located_errors(body: str, located: str) -> None:
    """min_order and per amounts with more decimals than CNY has are refused where they stand."""
    with pytest.raises(memberkit.PolicyError) as raised:
        policy(f"points:\n  earn:\n    - {body}\n")
    assert located in str(raised.value)


def test_amounts_at_the_currency_precision_load() -> None:
    """per: 0.01 CNY and min_order: 10.50 are within CNY's two decimals."""
    loaded = policy("points:\n  earn:\n    - {id: b, per: 0.01 CNY, points: 1, min_order: 10.50}\n")
    assert loaded.document.points is not None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("per: {atribute: distance, unit: 1}", "unknown key 'atribute'; did you mean 'attribute'?"),
        ("per: {attribute: distance, unti: 1}", "unknown key 'unti'; did you mean 'unit'?"),
        ("per: distance", "did you mean {attribute: distance, unit: 1}?"),
        ("per: {amount: 1, attribute: nights}", "exactly one"),
        ("per: {attribute: nights, currency: CNY}", "'currency' goes with an amount"),
        ("per: {attribute: nights}, mni_points: 5", "did you mean 'min_points'?"),
    ],
)
def test_unknown_per_forms_are_located_with_a_suggestion(body: str, message: str) -> None:
    """A misspelt or mixed per form is a located error that says what was meant."""
    with pytest.raises(memberkit.PolicyError) as raised:
        policy(f"points:\n  earn:\n    - {{id: m, on: flight, points: 1, {body}}}\n")
    assert "points.earn[0]" in str(raised.value)
    assert message in str(raised.value)


def test_an_amount_rate_on_an_activity_is_refused() -> None:
    """per: 1 CNY on a flight activity is refused: activities earn per an attribute."""
    with pytest.raises(memberkit.PolicyError, match="applies to purchases only"):
        policy("points:\n  earn:\n    - {id: m, on: flight, per: 1 CNY, points: 1}\n")


def test_min_points_needs_a_rate() -> None:
    """min_points on a fixed bonus is refused: it bounds a rate per event."""
    with pytest.raises(memberkit.PolicyError, match="'min_points' goes with a 'per' rate"):
        policy("points:\n  earn:\n    - {id: m, on: flight, points: 1, min_points: 5}\n")


def test_a_multiplier_on_tier_upgrades_is_refused() -> None:
    """A multiplier has nothing to multiply on a tier upgrade."""
    with pytest.raises(memberkit.PolicyError, match="not tier upgrades"):
        policy("points:\n  earn:\n    - {id: m, on: tier_upgrade, multiply: 2}\n")


@given(st.text(alphabet="purchasedmtiongr_x1", max_size=14))
def test_an_earn_word_prefilter_keeps_difflib_s_answer(kind: str) -> None:
    """Only words sharing enough letters go to difflib, and its suggestion is unchanged."""
    import difflib

    from memberkit.points._model import _CLOSE, _EARN_WORDS, _shared_ratio

    near = [w for w in _EARN_WORDS if _shared_ratio(kind, w) >= _CLOSE]
    expected = difflib.get_close_matches(kind, _EARN_WORDS, n=1, cutoff=_CLOSE)
    assert (difflib.get_close_matches(kind, near, n=1, cutoff=_CLOSE) if near else []) == expected
