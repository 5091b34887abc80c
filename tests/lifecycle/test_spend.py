"""The gamma-gamma spend model: CDNOW anchors, its closed forms against mpmath, Decimal edges."""

from __future__ import annotations

import os
from decimal import Decimal

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from memberkit.lifecycle import (
    ModelError,
    gamma_gamma_expected_spend,
    gamma_gamma_fit,
    gamma_gamma_log_likelihood,
)

from .cdnow import GAMMA_GAMMA, summaries

mpmath.mp.dps = 40


def repeat_buyers() -> list[tuple[int, Decimal]]:
    """CDNOW's 946 members with repeat purchases: (x, mean repeat amount in dollars)."""
    return [(s.x, s.mean_repeat_amount) for s in summaries() if s.mean_repeat_amount is not None]


def test_cdnow_fit_matches_the_published_estimates() -> None:
    """On CDNOW's 946 repeat buyers the fit gives Fader & Hardie's p = 6.25, q = 3.74, γ = 15.44."""
    fit = gamma_gamma_fit(repeat_buyers())
    assert fit.converged
    assert fit.members == 946
    assert (round(fit.p, 2), round(fit.q, 2), round(fit.gamma, 2)) == (
        GAMMA_GAMMA["p"],
        GAMMA_GAMMA["q"],
        GAMMA_GAMMA["gamma"],
    )


def test_the_population_mean_is_gamma_p_over_q_minus_one() -> None:
    """With no repeat purchase the expected mean spend is γp/(q-1): $35.22 at CDNOW's estimates."""
    value = gamma_gamma_expected_spend(0, None, **GAMMA_GAMMA)
    assert isinstance(value, Decimal)
    assert value.quantize(Decimal("0.01")) == Decimal("35.22")


@given(
    st.integers(1, 500),
    st.decimals("0.01", "100000", places=2),
    st.floats(0.1, 50),
    st.floats(1.1, 50),
    st.floats(0.1, 1000),
)
def test_expected_spend_agrees_with_mpmath(
    x: int, mean: Decimal, p: float, q: float, g: float
) -> None:
    """(γ + x z̄) p / (px + q - 1) in Decimal agrees with a 40-digit evaluation to 1e-12."""
    expected = (mpmath.mpf(g) + x * mpmath.mpf(str(mean))) * p / (p * x + mpmath.mpf(q) - 1)
    got = gamma_gamma_expected_spend(x, mean, p=p, q=q, gamma=g)
    assert float(got) == pytest.approx(float(expected), rel=1e-12)


@given(
    st.integers(1, 500),
    st.floats(0.01, 1e5),
    st.floats(0.1, 50),
    st.floats(0.1, 50),
    st.floats(0.1, 1000),
)
def test_log_likelihood_agrees_with_mpmath(x: int, z: float, p: float, q: float, g: float) -> None:
    """The log density of a mean z̄ of x purchases agrees with mpmath to 1e-9."""
    mp, mq, mg, mz = (mpmath.mpf(v) for v in (p, q, g, z))
    px = mp * x
    ref = (
        mpmath.loggamma(px + mq)
        - mpmath.loggamma(px)
        - mpmath.loggamma(mq)
        + mq * mpmath.log(mg)
        + px * mpmath.log(x)
        + (px - 1) * mpmath.log(mz)
        - (px + mq) * mpmath.log(mg + x * mz)
    )
    got = gamma_gamma_log_likelihood([(x, z)], p=p, q=q, gamma=g)
    assert got == pytest.approx(float(ref), rel=1e-9, abs=1e-9)


def test_more_purchases_pull_the_estimate_towards_the_members_own_mean() -> None:
    """A member's own mean counts for more as their purchases grow (shrinkage to the population)."""
    population = gamma_gamma_expected_spend(0, None, **GAMMA_GAMMA)
    own = Decimal(100)
    few = gamma_gamma_expected_spend(1, own, **GAMMA_GAMMA)
    many = gamma_gamma_expected_spend(50, own, **GAMMA_GAMMA)
    assert population < few < many < own


@pytest.mark.parametrize("pair", [(0, Decimal(10)), (2, Decimal(0)), (2, Decimal(-5))])
def test_a_member_without_repeat_spend_cannot_be_fitted_on(pair: tuple[int, Decimal]) -> None:
    """x = 0, or a mean of zero or below, is refused by name, not dropped silently."""
    with pytest.raises(ModelError, match="spend model needs"):
        gamma_gamma_fit([pair])


def test_population_mean_needs_q_above_one() -> None:
    """The population mean γp/(q-1) is infinite for q <= 1: refused."""
    with pytest.raises(ModelError, match="q > 1"):
        gamma_gamma_expected_spend(0, None, p=1.0, q=0.9, gamma=1.0)


def test_both_backends_find_the_cdnow_estimates() -> None:
    """numpy/scipy (when installed) and pure Python both give p, q, γ = 6.25, 3.74, 15.44."""
    from memberkit.lifecycle._fast import available

    backends = ["python", "numpy"] if available() else ["python"]
    for backend in backends:
        fit = gamma_gamma_fit(repeat_buyers(), backend=backend)  # type: ignore[arg-type]
        assert fit.converged, backend
        assert (round(fit.p, 2), round(fit.q, 2), round(fit.gamma, 2)) == (6.25, 3.74, 15.44)


SPARSE = [
    (1, Decimal("10")),
    (1, Decimal("30")),
    (2, Decimal("15")),
    (1, Decimal("12")),
    (1, Decimal("80")),
    (3000, Decimal("25.00")),
]
"""Hard spend data: five one-repeat buyers and one member with 3,000 purchases of a steady
amount, whose plain likelihood climbs without end as p grows."""


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_penalty_keeps_a_fit_on_hard_spend_data_finite(backend: str) -> None:
    """Without a penalty p runs off (past 10^4); with penalty 0.05 both backends converge to the
    same finite (p, q, γ) and report the plain log-likelihood at it."""
    from memberkit.lifecycle._fast import available

    if backend == "numpy" and not available() and os.environ.get("MEMBERKIT_REQUIRE_NUMPY") != "1":
        pytest.skip("numpy/scipy not installed (the value extra)")
    plain = gamma_gamma_fit(SPARSE, backend=backend)  # type: ignore[arg-type]
    assert plain.p > 1e4
    fit = gamma_gamma_fit(SPARSE, penalty=0.05, backend=backend)  # type: ignore[arg-type]
    assert fit.converged
    assert (round(fit.p, 2), round(fit.q, 2), round(fit.gamma, 2)) == (10.14, 2.82, 5.28)
    direct = gamma_gamma_log_likelihood(SPARSE, p=fit.p, q=fit.q, gamma=fit.gamma)
    assert fit.log_likelihood == pytest.approx(direct, rel=1e-9)
