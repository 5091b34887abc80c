"""BG/NBD and MBG/NBD closed forms against mpmath evaluations of the published formulas."""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from memberkit.lifecycle import (
    ModelError,
    bgnbd_conditional_p_purchases,
    bgnbd_expected_purchases,
    bgnbd_log_likelihood,
    bgnbd_p_alive,
    bgnbd_p_purchases,
    mbgnbd_conditional_p_purchases,
    mbgnbd_expected_purchases,
    mbgnbd_log_likelihood,
    mbgnbd_p_alive,
    mbgnbd_p_purchases,
)

mpmath.mp.dps = 40
M = mpmath.mpf


def ref_p_alive(x: int, t_x: float, T: float, r, alpha, a, b, modified: bool):  # type: ignore[no-untyped-def]
    """P(alive) from the papers, at 40 digits."""
    if not modified and x == 0:
        return M(1)
    share = M(a) / (M(b) + x if modified else M(b) + x - 1)
    return 1 / (1 + share * ((M(alpha) + T) / (M(alpha) + t_x)) ** (M(r) + x))


def ref_expected(t, x, t_x, T, r, alpha, a, b, modified: bool):  # type: ignore[no-untyped-def]
    """FHL 2005 eq. (10) (BG) or its MBG/NBD form, at 40 digits."""
    r, alpha, a, b = M(r), M(alpha), M(a), M(b)
    bp, c = (b + x + 1, a + b + x) if modified else (b + x, a + b + x - 1)
    z = M(t) / (alpha + T + t)
    keep = ((alpha + T) / (alpha + T + t)) ** (r + x)
    if c == 0:
        # c · 2F1(r, b; c; z) tends to r b z 2F1(r+1, b+1; 2; z) as c -> 0 (BG/NBD, x = 0, a+b = 1).
        limit = (r + x) * bp * z * mpmath.hyp2f1(r + x + 1, bp + 1, 2, z)
        return -keep * limit / (a - 1) * ref_p_alive(x, t_x, T, r, alpha, a, b, modified)
    bracket = 1 - keep * mpmath.hyp2f1(r + x, bp, c, z)
    return c / (a - 1) * bracket * ref_p_alive(x, t_x, T, r, alpha, a, b, modified)


def ref_log_likelihood(x, t_x, T, r, alpha, a, b, modified: bool):  # type: ignore[no-untyped-def]
    """log L from FHL 2005 eq. (6) (BG) or Batislam et al. (MBG), at 40 digits."""
    r, alpha, a, b = M(r), M(alpha), M(a), M(b)
    s = 1 if modified else 0
    beta = mpmath.beta(a, b + x + s) / mpmath.beta(a, b)
    nbd = mpmath.gamma(r + x) * alpha**r / mpmath.gamma(r)
    alive = (alpha + T) ** -(r + x)
    dead = 0 if (x == 0 and not modified) else a / (b + x - 1 + s) * (alpha + t_x) ** -(r + x)
    return mpmath.log(beta * nbd * (alive + dead))


def ref_p_purchases(n, t, r, alpha, a, b, modified: bool):  # type: ignore[no-untyped-def]
    """P(X(t) = n) from FHL 2005 eq. (8) (and its MBG/NBD form), at 40 digits."""
    r, alpha, a, b, t = M(r), M(alpha), M(a), M(b), M(t)
    s = 1 if modified else 0

    def pois(j: int):  # type: ignore[no-untyped-def]
        return (
            mpmath.gamma(r + j)
            / (mpmath.gamma(r) * mpmath.factorial(j))
            * (alpha / (alpha + t)) ** r
            * (t / (alpha + t)) ** j
        )

    out = mpmath.beta(a, b + n + s) / mpmath.beta(a, b) * pois(n)
    if n > 0 or modified:
        # P(N(t) >= n) of the NBD as the regularized incomplete beta I_q(n, r), q = t/(α+t): no
        # cancellation, unlike 1 - Σ_{j<n} P(N = j).
        tail = mpmath.betainc(n, r, 0, t / (alpha + t), regularized=True) if n else M(1)
        out += mpmath.beta(a + 1, b + n - 1 + s) / mpmath.beta(a, b) * tail
    return out


MODELS = [
    (False, bgnbd_p_alive, bgnbd_expected_purchases, bgnbd_log_likelihood, bgnbd_p_purchases),
    (True, mbgnbd_p_alive, mbgnbd_expected_purchases, mbgnbd_log_likelihood, mbgnbd_p_purchases),
]
IDS = ["bgnbd", "mbgnbd"]
PARAMS = st.fixed_dictionaries(
    {
        "r": st.floats(0.05, 5),
        "alpha": st.floats(0.5, 100),
        "a": st.floats(0.1, 5).filter(lambda v: abs(v - 1) > 0.01),
        "b": st.floats(0.01, 10),  # a + b < 1 reaches 2F1 with c <= 0 for BG/NBD at x = 0
    }
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[int, float, float]:
    """An (x, t_x, T) summary with up to 500 repeat purchases."""
    T = draw(st.floats(0.5, 400))
    x = draw(st.integers(0, 500))
    t_x = 0.0 if x == 0 else draw(st.floats(0, 1)) * T
    return x, t_x, T


@pytest.mark.parametrize("model", MODELS, ids=IDS)
@given(params=PARAMS, history=histories())
def test_p_alive_and_likelihood_agree_with_mpmath(
    model: tuple, params: dict[str, float], history: tuple[int, float, float]
) -> None:
    """P(alive) and log L agree with 40-digit evaluations to 1e-9, even at x = 500."""
    modified, p_alive, _, log_likelihood, _ = model
    x, t_x, T = history
    expected = ref_p_alive(x, t_x, T, **params, modified=modified)
    assert p_alive(x, t_x, T, **params) == pytest.approx(float(expected), rel=1e-9, abs=1e-300)
    ll = ref_log_likelihood(x, t_x, T, **params, modified=modified)
    assert log_likelihood([history], **params) == pytest.approx(float(ll), rel=1e-9)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
@given(params=PARAMS, history=histories(), t=st.floats(0.1, 200))
def test_expected_purchases_agree_with_mpmath(
    model: tuple, params: dict[str, float], history: tuple[int, float, float], t: float
) -> None:
    """Expected purchases in the next t agree with the published formula at 40 digits to 1e-9."""
    modified, _, expected_purchases, _, _ = model
    x, t_x, T = history
    expected = float(ref_expected(t, x, t_x, T, **params, modified=modified))
    got = expected_purchases(t, x, t_x, T, **params)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
@given(params=PARAMS, n=st.integers(0, 60), t=st.floats(0.1, 200))
def test_p_purchases_agree_with_mpmath(
    model: tuple, params: dict[str, float], n: int, t: float
) -> None:
    """P(X(t) = n) agrees with FHL equation (8) (and its MBG form) at 40 digits to 1e-9."""
    modified, _, _, _, p_purchases = model
    expected = float(ref_p_purchases(n, t, **params, modified=modified))
    assert p_purchases(n, t, **params) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_expected_purchases_at_a_plus_b_equal_to_one() -> None:
    """At a + b = 1 exactly (c = 0 in the BG/NBD 2F1) the answer is the limit, checked against
    mpmath just off the pole on both sides."""
    params = {"r": 1.0, "alpha": 1.0, "a": 0.5, "b": 0.5}
    got = bgnbd_expected_purchases(2.0, 0, 0.0, 1.0, **params)
    for eps in ("1e-15", "-1e-15"):
        b = M("0.5") + M(eps)
        near = float(ref_expected(2.0, 0, 0.0, 1.0, 1.0, 1.0, M("0.5"), b, modified=False))
        assert got == pytest.approx(near, rel=1e-9)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_p_purchases_sum_to_one(model: tuple) -> None:
    """The probabilities of 0, 1, 2, ... purchases in 39 weeks add up to 1 (CDNOW parameters)."""
    p_purchases = model[4]
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert sum(p_purchases(n, 39.0, **params) for n in range(400)) == pytest.approx(1, abs=1e-12)


def test_the_paper_worked_example() -> None:
    """FHL 2005: x=2, t_x=30.43, T=38.86 expects 1.226 purchases in the next 39 weeks."""
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert bgnbd_expected_purchases(39, 2, 30.43, 38.86, **params) == pytest.approx(1.226, abs=5e-4)


def test_mbgnbd_does_not_call_a_one_time_buyer_certainly_alive() -> None:
    """After a year of silence BG/NBD says P(alive) = 1 for a one-time buyer; MBG/NBD does not."""
    params = {"r": 0.5, "alpha": 6.0, "a": 0.9, "b": 1.6}
    assert bgnbd_p_alive(0, 0.0, 52.0, **params) == 1.0
    quiet = mbgnbd_p_alive(0, 0.0, 52.0, **params)
    assert 0 < quiet < mbgnbd_p_alive(0, 0.0, 1.0, **params) < 1


@pytest.mark.parametrize(
    "call",
    [
        lambda: bgnbd_p_alive(2, 40.0, 30.0, r=1, alpha=1, a=1, b=1),
        lambda: mbgnbd_p_alive(-1, 0.0, 30.0, r=1, alpha=1, a=1, b=1),
        lambda: bgnbd_p_alive(0, 0.0, 30.0, r=-1, alpha=1, a=1, b=1),
        lambda: mbgnbd_expected_purchases(-1, 1, 1.0, 3.0, r=1, alpha=1, a=2, b=1),
        lambda: bgnbd_p_purchases(-2, 3.0, r=1, alpha=1, a=2, b=1),
        lambda: bgnbd_conditional_p_purchases(1, 3.0, 2, 5.0, 4.0, r=1, alpha=1, a=2, b=1),
        lambda: mbgnbd_conditional_p_purchases(1, -3.0, 2, 1.0, 4.0, r=1, alpha=1, a=2, b=1),
        lambda: mbgnbd_conditional_p_purchases(-1, 3.0, 2, 1.0, 4.0, r=1, alpha=1, a=2, b=1),
    ],
)
def test_impossible_inputs_are_model_errors(call) -> None:  # type: ignore[no-untyped-def]
    """A summary no history can produce, bad parameters or counts raise ModelError, a MemberkitError."""
    with pytest.raises(ModelError):
        call()


def ref_conditional(n, t, x, t_x, T, r, alpha, a, b, modified: bool):  # type: ignore[no-untyped-def]
    """P(n purchases in (T, T+t] | x, t_x, T) at 40 digits: alive with the posterior
    λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x) (MBG: b+x+1), or gone and buying nothing."""
    alive = ref_p_alive(x, t_x, T, r, alpha, a, b, modified)
    b_post = M(b) + x + (1 if modified else 0)
    future = ref_p_purchases(n, t, M(r) + x, M(alpha) + T, a, b_post, modified=False)
    return alive * future + ((1 - alive) if n == 0 else 0)


CONDITIONAL = [(False, bgnbd_conditional_p_purchases), (True, mbgnbd_conditional_p_purchases)]


@pytest.mark.parametrize("model", CONDITIONAL, ids=IDS)
@given(params=PARAMS, history=histories(), n=st.integers(0, 60), t=st.floats(0.1, 200))
def test_conditional_p_purchases_agree_with_mpmath(
    model: tuple, params: dict[str, float], history: tuple[int, float, float], n: int, t: float
) -> None:
    """A member's own P(n purchases in the next t) agrees with its 40-digit form to 1e-9."""
    modified, conditional = model
    x, t_x, T = history
    expected = float(ref_conditional(n, t, x, t_x, T, **params, modified=modified))
    got = conditional(n, t, x, t_x, T, **params)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("model", CONDITIONAL, ids=IDS)
@pytest.mark.parametrize("history", [(0, 0.0, 38.0), (2, 30.43, 38.86), (150, 37.0, 38.0)])
def test_conditional_p_purchases_sum_to_one_with_the_expected_mean(
    model: tuple, history: tuple[int, float, float]
) -> None:
    """Over n = 0, 1, 2, ... a member's P(n in 39 weeks) adds up to 1, and Σ n·P(n) is the
    closed-form expected purchases (FHL eq. 10): the derivation checked by an independent form."""
    modified, conditional = model
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    probabilities = [conditional(n, 39.0, *history, **params) for n in range(1500)]
    assert math.fsum(probabilities) == pytest.approx(1, abs=1e-12)
    mean = math.fsum(n * p for n, p in enumerate(probabilities))
    expected = (mbgnbd_expected_purchases if modified else bgnbd_expected_purchases)(
        39.0, *history, **params
    )
    assert mean == pytest.approx(expected, rel=1e-9)


def ref_expected_near_one(t, x, t_x, T, r, alpha, a, b, modified: bool):  # type: ignore[no-untyped-def]
    """The published expected purchases at 60 digits; at a = 1 exactly, 1e-30 off it (the
    removable singularity), which is exact to far beyond a float."""
    with mpmath.workdps(60):
        a = M(1) + M("1e-30") if a == 1 else M(a)
        return ref_expected(t, x, t_x, T, r, alpha, a, b, modified)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
@given(
    params=PARAMS,
    delta=st.one_of(st.just(0.0), st.floats(-1e-2, 1e-2)),
    history=histories(),
    t=st.floats(0.1, 200),
)
def test_expected_purchases_near_a_equal_to_one_agree_with_mpmath(
    model: tuple,
    params: dict[str, float],
    delta: float,
    history: tuple[int, float, float],
    t: float,
) -> None:
    """The published form divides by a - 1: at a = 1 and within 0.01 of it the answer still
    agrees with mpmath to 1e-9 (the quotient of two small numbers used to lose up to 5e-5)."""
    modified, _, expected_purchases, _, _ = model
    params = params | {"a": 1.0 + delta}
    x, t_x, T = history
    expected = float(ref_expected_near_one(t, x, t_x, T, **params, modified=modified))
    got = expected_purchases(t, x, t_x, T, **params)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("a", [1.0, 1 + 1e-9, 1 - 1e-6, 1.0001, 0.999])
@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_expected_purchases_at_the_removable_singularity(model: tuple, a: float) -> None:
    """Pinned cases at and next to a = 1, a busy member among them, agree with mpmath to 1e-9."""
    modified, _, expected_purchases, _, _ = model
    for history in [(0, 0.0, 40.0), (3, 20.0, 40.0), (300, 39.0, 40.0)]:
        params = {"r": 0.5, "alpha": 5.0, "a": a, "b": 2.0}
        expected = float(ref_expected_near_one(52.0, *history, **params, modified=modified))
        assert expected_purchases(52.0, *history, **params) == pytest.approx(expected, rel=1e-9)


THOUSANDS = [
    (1000, 360.0, 365.0),
    (3000, 100.0, 365.0),
    (5000, 360.0, 365.0),
    (5000, 364.99, 365.0),
]
"""Members with thousands of repeat purchases in a year of days: busy to the end, gone quiet,
and bought at the very end."""


@pytest.mark.parametrize("history", THOUSANDS)
@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_thousands_of_purchases_agree_with_mpmath(
    model: tuple, history: tuple[int, float, float]
) -> None:
    """With thousands of purchases every closed form (P(alive), log L, expected purchases, the
    member's own P(n) near its likeliest n) neither overflows nor loses digits: mpmath to 1e-9."""
    modified, p_alive, expected_purchases, log_likelihood, _ = model
    conditional = mbgnbd_conditional_p_purchases if modified else bgnbd_conditional_p_purchases
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    x = history[0]
    checks = [
        (p_alive(*history, **params), ref_p_alive(*history, **params, modified=modified)),
        (
            log_likelihood([history], **params),
            ref_log_likelihood(*history, **params, modified=modified),
        ),
        (
            expected_purchases(30.0, *history, **params),
            ref_expected(30.0, *history, **params, modified=modified),
        ),
        (
            conditional(x // 12, 30.0, *history, **params),
            ref_conditional(x // 12, 30.0, *history, **params, modified=modified),
        ),
    ]
    for got, expected in checks:
        assert got == pytest.approx(float(expected), rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
@pytest.mark.parametrize("n", [1000, 5000])
def test_p_purchases_of_thousands_agree_with_mpmath(model: tuple, n: int) -> None:
    """The population's P(n purchases) for n in the thousands agrees with mpmath to 1e-9."""
    modified, _, _, _, p_purchases = model
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    expected = float(ref_p_purchases(n, 2000.0, **params, modified=modified))
    assert p_purchases(n, 2000.0, **params) == pytest.approx(expected, rel=1e-9, abs=1e-300)
