"""BG/NBD: the closed forms of Fader, Hardie & Lee (2005), their stability, and the fit."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from memberkit.lifecycle import (
    bgnbd_expected_purchases,
    bgnbd_fit,
    bgnbd_log_likelihood,
    bgnbd_p_alive,
    hyp2f1,
)

# The CDNOW estimates of Fader, Hardie & Lee (2005), in weeks.
CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def direct_p_alive(
    x: int, t_x: float, T: float, r: float, alpha: float, a: float, b: float
) -> float:
    """The published closed form, evaluated directly (no logarithms)."""
    if x == 0:
        return 1.0
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))


def direct_2f1(a: float, b: float, c: float, z: float, terms: int = 5000) -> float:
    """The hypergeometric series summed term by term."""
    total, term = 0.0, 1.0
    for k in range(terms):
        total += term
        term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
    return total


def direct_expected(
    t: float, x: int, t_x: float, T: float, r: float, alpha: float, a: float, b: float
) -> float:
    """Equation (10) of the paper, evaluated directly."""
    z = t / (alpha + T + t)
    bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * direct_2f1(
        r + x, b + x, a + b + x - 1, z
    )
    return (a + b + x - 1) / (a - 1) * bracket * direct_p_alive(x, t_x, T, r, alpha, a, b)


SUMMARIES = [
    (0, 0.0, 38.86),
    (1, 5.0, 30.0),
    (2, 30.43, 38.86),
    (7, 29.43, 38.86),
    (20, 35.0, 39.0),
]


@pytest.mark.parametrize(("x", "t_x", "T"), SUMMARIES)
def test_p_alive_equals_the_closed_form(x: int, t_x: float, T: float) -> None:
    """P(alive) equals the published formula evaluated directly at moderate x."""
    expected = direct_p_alive(x, t_x, T, **CDNOW)
    assert bgnbd_p_alive(x, t_x, T, **CDNOW) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("x", "t_x", "T"), SUMMARIES)
def test_expected_purchases_equal_the_closed_form(x: int, t_x: float, T: float) -> None:
    """Expected purchases in the next 39 weeks equal equation (10) evaluated directly."""
    expected = direct_expected(39.0, x, t_x, T, **CDNOW)
    assert bgnbd_expected_purchases(39.0, x, t_x, T, **CDNOW) == pytest.approx(expected, rel=1e-9)


def test_the_paper_worked_example() -> None:
    """The paper's customer with x=2, t_x=30.43, T=38.86 expects 1.226 purchases in 39 weeks."""
    assert bgnbd_expected_purchases(39, 2, 30.43, 38.86, **CDNOW) == pytest.approx(1.226, abs=5e-4)


def test_a_member_without_repeat_purchases_is_alive() -> None:
    """With x = 0 the model has had no chance to see the member drop out."""
    assert bgnbd_p_alive(0, 0, 100, **CDNOW) == 1.0


def test_hundreds_of_purchases_do_not_overflow() -> None:
    """x = 500 after a silence gives P(alive) near e^-136, exact in log space, and no overflow."""
    x, t_x, T = 500, 300.0, 400.0
    r, alpha, a, b = CDNOW["r"], CDNOW["alpha"], CDNOW["a"], CDNOW["b"]
    log_odds = math.log(a / (b + x - 1)) + (r + x) * math.log((alpha + T) / (alpha + t_x))
    p = bgnbd_p_alive(x, t_x, T, **CDNOW)
    assert math.log(p) == pytest.approx(-log_odds, rel=1e-9)
    e = bgnbd_expected_purchases(52, x, t_x, T, **CDNOW)
    assert math.isfinite(e)
    assert 0 <= e < 1e-50


def test_the_direct_form_would_overflow_where_the_log_form_does_not() -> None:
    """At x = 3000 the direct power overflows a float; the log form still answers 0 < p."""
    with pytest.raises(OverflowError):
        direct_p_alive(3000, 300.0, 400.0, **CDNOW)
    assert 0 <= bgnbd_p_alive(3000, 300.0, 400.0, **CDNOW) < 1e-200


def test_a_busy_recent_buyer_is_almost_surely_alive() -> None:
    """With the last purchase at the end of observation, P(alive) = 1 / (1 + a / (b + x - 1))."""
    expected = 1 / (1 + CDNOW["a"] / (CDNOW["b"] + 499))
    assert bgnbd_p_alive(500, 400.0, 400.0, **CDNOW) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("a", "b", "c", "z", "expected"),
    [
        (1, 1, 2, 0.5, -math.log(0.5) / 0.5),
        (0.5, 0.5, 1.5, 0.25, math.asin(0.5) / 0.5),
        (2, 3, 4, 0.0, 1.0),
        (1, 1, 1, 0.9, 1 / (1 - 0.9)),
    ],
)
def test_hyp2f1_matches_known_closed_forms(
    a: float, b: float, c: float, z: float, expected: float
) -> None:
    """2F1 equals its elementary closed forms (log, arcsine, geometric series)."""
    assert hyp2f1(a, b, c, z) == pytest.approx(expected, rel=1e-12)


@given(
    st.floats(0.1, 60),
    st.floats(0.1, 60),
    st.floats(0.5, 80),
    st.floats(0.0, 0.8),
)
@example(32.0, 0.5, 5.0, 0.5)  # Euler's transform made the terms alternate and cancel
def test_hyp2f1_agrees_with_the_plain_series(a: float, b: float, c: float, z: float) -> None:
    """The Euler-transformed sum agrees with the plain series wherever that one is accurate."""
    assert hyp2f1(a, b, c, z) == pytest.approx(direct_2f1(a, b, c, z, 20000), rel=1e-8)


@given(st.integers(1, 300), st.floats(0, 1), st.floats(1, 500))
def test_p_alive_falls_as_the_silence_grows(x: int, share: float, T: float) -> None:
    """The longer since the last purchase (smaller t_x for the same T), the less likely alive."""
    later = bgnbd_p_alive(x, T * share, T, **CDNOW)
    earlier = bgnbd_p_alive(x, T * share / 2, T, **CDNOW)
    assert 0 <= earlier <= later <= 1


def test_a_summary_with_t_x_after_T_is_refused() -> None:
    """t_x cannot exceed T: the last purchase lies inside the observation."""
    with pytest.raises(ValueError, match="not a BG/NBD summary"):
        bgnbd_p_alive(2, 40, 30, **CDNOW)


def simulate(
    rng: random.Random, n: int, T: float, r: float, alpha: float, a: float, b: float
) -> list[tuple[int, float, float]]:
    """(x, t_x, T) of ``n`` members drawn from the BG/NBD model itself."""
    out = []
    for _ in range(n):
        rate = rng.gammavariate(r, 1 / alpha)
        p = rng.betavariate(a, b)
        t, x, t_x = 0.0, 0, 0.0
        while True:
            t += rng.expovariate(rate)
            if t > T:
                break
            x, t_x = x + 1, t
            # After each repeat purchase the member drops out with probability p.
            if rng.random() < p:
                break
        out.append((x, t_x, T))
    return out


SIMULATED = simulate(random.Random(3), 5000, 52.0, r=0.24, alpha=4.41, a=0.79, b=2.43)
FIT = bgnbd_fit(SIMULATED)


def test_the_fit_recovers_the_purchase_rate_parameters() -> None:
    """r and alpha come back within 10% from 5,000 simulated members."""
    assert FIT.converged
    assert FIT.r == pytest.approx(0.24, rel=0.10)
    assert FIT.alpha == pytest.approx(4.41, rel=0.10)


def test_the_fit_recovers_the_dropout_parameters() -> None:
    """a and b come back within 25%, and the mean dropout a/(a+b) within 10%.

    a and b are estimated less tightly than r and alpha (the paper's standard errors say the same),
    so their tolerance is wider.
    """
    assert FIT.a == pytest.approx(0.79, rel=0.25)
    assert FIT.b == pytest.approx(2.43, rel=0.25)
    assert FIT.a / (FIT.a + FIT.b) == pytest.approx(0.79 / 3.22, rel=0.10)


def test_the_fit_is_at_least_as_likely_as_the_truth() -> None:
    """The maximum-likelihood estimate scores no worse than the parameters that made the data."""
    truth = bgnbd_log_likelihood(SIMULATED, r=0.24, alpha=4.41, a=0.79, b=2.43)
    assert FIT.log_likelihood >= truth


def test_an_empty_population_cannot_be_fitted() -> None:
    """Fitting nothing is an error, not a made-up answer."""
    with pytest.raises(ValueError, match="empty population"):
        bgnbd_fit([])
