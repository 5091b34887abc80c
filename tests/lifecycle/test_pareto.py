"""Pareto/NBD: closed forms against mpmath and the CDNOW estimates of Fader & Hardie."""

from __future__ import annotations

import math
import os

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memberkit.lifecycle import (
    ModelError,
    fit_purchases,
    pareto_nbd_conditional_p_purchases,
    pareto_nbd_expected_purchases,
    pareto_nbd_fit,
    pareto_nbd_log_likelihood,
    pareto_nbd_p_alive,
    pareto_nbd_p_purchases,
)
from memberkit.lifecycle._fast import available

from .cdnow import summaries

mpmath.mp.dps = 40
M = mpmath.mpf
PUBLISHED = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
needs_numpy = pytest.mark.skipif(
    not available() and os.environ.get("MEMBERKIT_REQUIRE_NUMPY") != "1",
    reason="numpy/scipy not installed (pip install -e '.[value]'); "
    "MEMBERKIT_REQUIRE_NUMPY=1 makes this a failure",
)


def ref_a0(x, t_x, big_t, r, alpha, s, beta):  # type: ignore[no-untyped-def]
    """A0 of Fader & Hardie's note, with mpmath's 2F1, at 40 digits."""
    r, alpha, s, beta = M(r), M(alpha), M(s), M(beta)
    a1 = r + s + x
    if alpha >= beta:

        def g(y):  # type: ignore[no-untyped-def]
            return (
                mpmath.hyp2f1(a1, s + 1, a1 + 1, (alpha - beta) / (alpha + y)) / (alpha + y) ** a1
            )
    else:

        def g(y):  # type: ignore[no-untyped-def]
            return mpmath.hyp2f1(a1, r + x, a1 + 1, (beta - alpha) / (beta + y)) / (beta + y) ** a1

    return g(M(t_x)) - g(M(big_t))


def ref_p_alive(x, t_x, big_t, r, alpha, s, beta):  # type: ignore[no-untyped-def]
    """P(alive) of the note at 40 digits."""
    odds = M(s) / (M(r) + s + x) * (M(alpha) + big_t) ** (M(r) + x) * (M(beta) + big_t) ** M(s)
    return 1 / (1 + odds * ref_a0(x, t_x, big_t, r, alpha, s, beta))


def ref_log_likelihood(x, t_x, big_t, r, alpha, s, beta):  # type: ignore[no-untyped-def]
    """log L of the note at 40 digits."""
    rr, aa, ss, bb = M(r), M(alpha), M(s), M(beta)
    head = mpmath.gamma(rr + x) * aa**rr * bb**ss / mpmath.gamma(rr)
    alive = 1 / ((aa + big_t) ** (rr + x) * (bb + big_t) ** ss)
    gone = ss / (rr + ss + x) * ref_a0(x, t_x, big_t, r, alpha, s, beta)
    return mpmath.log(head * (alive + gone))


PARAMS = st.fixed_dictionaries(
    {
        "r": st.floats(0.05, 5),
        "alpha": st.floats(0.5, 100),
        "s": st.floats(0.05, 5),
        "beta": st.floats(0.5, 100),
    }
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[int, float, float]:
    """An (x, t_x, T) summary with up to 300 repeat purchases and a last purchase before T."""
    big_t = draw(st.floats(1, 400))
    x = draw(st.integers(0, 300))
    t_x = 0.0 if x == 0 else draw(st.floats(0, 0.99)) * big_t
    return x, t_x, big_t


@given(params=PARAMS, history=histories())
def test_p_alive_and_likelihood_agree_with_mpmath(
    params: dict[str, float], history: tuple[int, float, float]
) -> None:
    """P(alive) and log L agree with the note's formulas at 40 digits to 1e-9."""
    x, t_x, big_t = history
    expected = float(ref_p_alive(x, t_x, big_t, **params))
    assert pareto_nbd_p_alive(x, t_x, big_t, **params) == pytest.approx(
        expected, rel=1e-9, abs=1e-300
    )
    ll = float(ref_log_likelihood(x, t_x, big_t, **params))
    assert pareto_nbd_log_likelihood([history], **params) == pytest.approx(ll, rel=1e-9)


@given(params=PARAMS, history=histories(), t=st.floats(0.1, 200))
def test_expected_purchases_agree_with_mpmath(
    params: dict[str, float], history: tuple[int, float, float], t: float
) -> None:
    """E[purchases in (T, T+t]] agrees with the note's formula at 40 digits to 1e-9."""
    x, t_x, big_t = history
    r, alpha, s, beta = (M(params[k]) for k in ("r", "alpha", "s", "beta"))
    if abs(s - 1) < M("1e-6"):
        return
    ref = (
        (r + x)
        * (beta + big_t)
        / ((alpha + big_t) * (s - 1))
        * (1 - ((beta + big_t) / (beta + big_t + t)) ** (s - 1))
        * ref_p_alive(x, t_x, big_t, **params)
    )
    got = pareto_nbd_expected_purchases(t, x, t_x, big_t, **params)
    assert got == pytest.approx(float(ref), rel=1e-9, abs=1e-300)


def test_the_published_cdnow_estimates_are_the_maximum() -> None:
    """One Newton step from Fader & Hardie's r, α, s, β on CDNOW lands back on them (3 decimals),
    and the log-likelihood there is their -9,595.0."""
    rows: dict[tuple[int, float, float], int] = {}
    for s in summaries():
        rows[s.triple] = rows.get(s.triple, 0) + 1

    def ll(v: list[float]) -> float:
        r, alpha, s, beta = v
        return sum(
            n * pareto_nbd_log_likelihood([k], r=r, alpha=alpha, s=s, beta=beta)
            for k, n in rows.items()
        )

    p0 = [PUBLISHED[k] for k in ("r", "alpha", "s", "beta")]
    h = [1e-4, 1e-3, 1e-4, 1e-3]
    f0 = ll(p0)
    assert round(f0, 1) == -9595.0

    def at(*moves: tuple[int, float]) -> float:
        v = list(p0)
        for i, sign in moves:
            v[i] += sign * h[i]
        return ll(v)

    grad = [(at((i, 1)) - at((i, -1))) / (2 * h[i]) for i in range(4)]
    hess = [[0.0] * 4 for _ in range(4)]
    for i in range(4):
        hess[i][i] = (at((i, 1)) - 2 * f0 + at((i, -1))) / h[i] ** 2
        for j in range(i + 1, 4):
            mixed = (
                at((i, 1), (j, 1))
                - at((i, 1), (j, -1))
                - at((i, -1), (j, 1))
                + at((i, -1), (j, -1))
            )
            hess[i][j] = hess[j][i] = mixed / (4 * h[i] * h[j])
    step = _solve(hess, [-g for g in grad])
    found = [round(p + d, 3) for p, d in zip(p0, step, strict=True)]
    assert found == p0


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (4 unknowns)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda i: abs(m[i][c]))
        m[c], m[p] = m[p], m[c]
        for i in range(c + 1, n):
            f = m[i][c] / m[c][c]
            for j in range(c, n + 1):
                m[i][j] -= f * m[c][j]
    out = [0.0] * n
    for i in reversed(range(n)):
        out[i] = (m[i][n] - sum(m[i][j] * out[j] for j in range(i + 1, n))) / m[i][i]
    return out


def test_the_cdnow_worked_member() -> None:
    """The CDNOW member with x=2, t_x=30.43, T=38.86 is probably alive and expects over 1 purchase."""
    p = pareto_nbd_p_alive(2, 30.43, 38.86, **PUBLISHED)
    e = pareto_nbd_expected_purchases(39, 2, 30.43, 38.86, **PUBLISHED)
    assert 0.8 < p < 0.95
    assert 1.2 < e < 1.7
    assert math.isclose(pareto_nbd_p_alive(5, 38.86, 38.86, **PUBLISHED), 1.0)


def test_bad_parameters_are_model_errors() -> None:
    """A non-positive parameter is refused by name."""
    with pytest.raises(ModelError, match="Pareto/NBD parameters"):
        pareto_nbd_p_alive(1, 1.0, 2.0, r=0.5, alpha=1.0, s=0.0, beta=1.0)


def ref_p_purchases(n, t, r, alpha, s, beta):  # type: ignore[no-untyped-def]
    """P(X(t) = n) for a member alive at 0, at 30 digits: still alive at t with n purchases, or
    gone at τ < t (τ ~ Pareto II(s, β)) after n purchases, integrated by mpmath over τ."""
    with mpmath.workdps(30):
        r, alpha, s, beta, t = M(r), M(alpha), M(s), M(beta), M(t)
        k = mpmath.gamma(r + n) / (mpmath.gamma(r) * mpmath.factorial(n))

        def nbd(tau):  # type: ignore[no-untyped-def]
            return k * (alpha / (alpha + tau)) ** r * (tau / (alpha + tau)) ** n

        # Twenty pieces: τ^n puts the mass near t, which one tanh-sinh interval misses.
        gone = mpmath.quad(
            lambda tau: nbd(tau) * s * beta**s * (beta + tau) ** -(s + 1),
            mpmath.linspace(0, t, 21),
        )
        return nbd(t) * (beta / (beta + t)) ** s + gone


@settings(max_examples=40)
@given(params=PARAMS, n=st.integers(0, 40), t=st.floats(0.1, 200))
def test_p_purchases_agree_with_mpmath(params: dict[str, float], n: int, t: float) -> None:
    """The population P(X(t) = n) agrees with mpmath's integral of its definition to 1e-9."""
    expected = float(ref_p_purchases(n, t, **params))
    assert pareto_nbd_p_purchases(n, t, **params) == pytest.approx(expected, rel=1e-9, abs=1e-300)


@settings(max_examples=40)
@given(params=PARAMS, history=histories(), n=st.integers(0, 40), t=st.floats(0.1, 200))
def test_conditional_p_purchases_agree_with_mpmath(
    params: dict[str, float], history: tuple[int, float, float], n: int, t: float
) -> None:
    """A member's own P(n purchases in the next t) agrees with mpmath to 1e-9: P(alive) times
    the chance of a member alive at T with λ ~ Gamma(r+x, α+T), μ ~ Gamma(s, β+T)."""
    x, t_x, big_t = history
    alive = ref_p_alive(x, t_x, big_t, **params)
    future = ref_p_purchases(
        n, t, params["r"] + x, params["alpha"] + big_t, params["s"], params["beta"] + big_t
    )
    expected = float(alive * future + ((1 - alive) if n == 0 else 0))
    got = pareto_nbd_conditional_p_purchases(n, t, *history, **params)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("history", [(0, 0.0, 38.0), (2, 30.43, 38.86), (60, 37.0, 38.0)])
def test_conditional_p_purchases_sum_to_one_with_the_expected_mean(
    history: tuple[int, float, float],
) -> None:
    """Over n = 0, 1, 2, ... a member's P(n in 39 weeks) adds up to 1 and Σ n·P(n) is the
    closed-form expected purchases: the quadrature checked against an independent form."""
    probabilities = [
        pareto_nbd_conditional_p_purchases(n, 39.0, *history, **PUBLISHED) for n in range(400)
    ]
    assert math.fsum(probabilities) == pytest.approx(1, abs=1e-12)
    mean = math.fsum(n * p for n, p in enumerate(probabilities))
    assert mean == pytest.approx(
        pareto_nbd_expected_purchases(39.0, *history, **PUBLISHED), rel=1e-9
    )


def test_a_member_gone_quiet_most_likely_buys_nothing() -> None:
    """P(0 in the next 39 weeks) is at least the chance the member is gone, and grows with silence."""
    recent = pareto_nbd_conditional_p_purchases(0, 39.0, 5, 38.0, 38.86, **PUBLISHED)
    quiet = pareto_nbd_conditional_p_purchases(0, 39.0, 5, 5.0, 38.86, **PUBLISHED)
    assert quiet >= 1 - pareto_nbd_p_alive(5, 5.0, 38.86, **PUBLISHED)
    assert recent < quiet


@needs_numpy
def test_the_numpy_fit_lands_on_the_published_cdnow_estimates() -> None:
    """The array fit on CDNOW gives Fader & Hardie's r, α, s, β to their 3 decimals, LL -9595.0."""
    fit = pareto_nbd_fit([s.triple for s in summaries()], backend="numpy")
    assert fit.converged
    assert fit.members == 2357
    found = {k: round(v, 3) for k, v in fit.parameters.items()}
    assert found == PUBLISHED
    assert round(fit.log_likelihood, 1) == -9595.0


@needs_numpy
def test_both_backends_maximise_the_same_likelihood() -> None:
    """On a CDNOW sample the pure-Python fit and the array fit agree to 2 decimals, and the array
    fit's likelihood is at least as high."""
    sample = [s.triple for s in summaries()[::4]]
    fast = pareto_nbd_fit(sample, backend="numpy")
    slow = pareto_nbd_fit(sample, backend="python")
    assert fast.log_likelihood >= slow.log_likelihood - 1e-6
    for key, value in fast.parameters.items():
        assert slow.parameters[key] == pytest.approx(value, rel=1e-2)


def test_the_python_fit_climbs_to_the_published_maximum() -> None:
    """Started near Fader & Hardie's estimates, the pure-Python fit stays within 0.01 of them and
    is at least as likely (a cheap check of the pure-Python path on the full CDNOW data)."""
    fit = pareto_nbd_fit(
        [s.triple for s in summaries()],
        backend="python",
        start=(0.5, 10.0, 0.6, 11.0),
        max_iterations=300,
    )
    published = pareto_nbd_log_likelihood([s.triple for s in summaries()], **PUBLISHED)
    assert fit.log_likelihood >= published - 1e-3
    for key, value in fit.parameters.items():
        assert value == pytest.approx(PUBLISHED[key], abs=0.01)


def test_fit_purchases_selects_pareto_nbd() -> None:
    """fit_purchases(model='pareto_nbd') is the Pareto/NBD fit, named by its own parameters."""
    sample = [s.triple for s in summaries()[::10]]
    fit = fit_purchases(sample, model="pareto_nbd", backend="python", max_iterations=200)
    assert fit.model == "pareto_nbd"
    assert set(fit.parameters) == {"r", "alpha", "s", "beta"}
    assert fit == pareto_nbd_fit(sample, backend="python", max_iterations=200)


THOUSANDS = [
    (1000, 360.0, 365.0),
    (3000, 100.0, 365.0),
    (5000, 360.0, 365.0),
    (5000, 364.99, 365.0),
]
"""Members with thousands of repeat purchases in a year of days: busy to the end, gone quiet,
and bought at the very end."""


@pytest.mark.parametrize("history", THOUSANDS)
def test_thousands_of_purchases_agree_with_mpmath(history: tuple[int, float, float]) -> None:
    """With thousands of purchases P(alive), log L, expected purchases and the member's own P(n)
    near its likeliest n agree with mpmath to 1e-9 (the last overflowed from about x = 3,000)."""
    x, _, big_t = history
    n = x // 12
    alive = ref_p_alive(*history, **PUBLISHED)
    future = ref_p_purchases(
        n, 30.0, PUBLISHED["r"] + x, PUBLISHED["alpha"] + big_t, PUBLISHED["s"],
        PUBLISHED["beta"] + big_t,
    )  # fmt: skip
    r, alpha, s, beta = (M(PUBLISHED[k]) for k in ("r", "alpha", "s", "beta"))
    expected_purchases = (
        (r + x) * (beta + big_t) / ((alpha + big_t) * (s - 1))
        * (1 - ((beta + big_t) / (beta + big_t + 30)) ** (s - 1)) * alive
    )  # fmt: skip
    checks = [
        (pareto_nbd_p_alive(*history, **PUBLISHED), alive),
        (
            pareto_nbd_log_likelihood([history], **PUBLISHED),
            ref_log_likelihood(*history, **PUBLISHED),
        ),
        (pareto_nbd_expected_purchases(30.0, *history, **PUBLISHED), expected_purchases),
        (pareto_nbd_conditional_p_purchases(n, 30.0, *history, **PUBLISHED), alive * future),
    ]
    for got, expected in checks:
        assert got == pytest.approx(float(expected), rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("beta", [5.0, 5.0 * (1 + 1e-12), 5.0 * (1 - 1e-12), 5.0001])
def test_alpha_equal_to_beta_and_either_side_agree_with_mpmath(beta: float) -> None:
    """A0 changes form where α and β cross; at α = β and either side of it P(alive) and log L
    agree with mpmath to 1e-9."""
    params = {"r": 0.5, "alpha": 5.0, "s": 0.7, "beta": beta}
    for history in [(0, 0.0, 40.0), (3, 20.0, 40.0), (300, 39.0, 40.0)]:
        expected = float(ref_p_alive(*history, **params))
        assert pareto_nbd_p_alive(*history, **params) == pytest.approx(expected, rel=1e-9)
        ll = float(ref_log_likelihood(*history, **params))
        assert pareto_nbd_log_likelihood([history], **params) == pytest.approx(ll, rel=1e-9)


@pytest.mark.parametrize("s", [1.0, 1 + 1e-9, 1 - 1e-7])
def test_expected_purchases_at_s_equal_to_one_agree_with_mpmath(s: float) -> None:
    """At s = 1 the published form divides by s - 1; its limit
    (r+x)(β+T)/(α+T) · log((β+T+t)/(β+T)) · P(alive) (and the form next to it) agrees with
    mpmath to 1e-9."""
    params = {"r": 0.5, "alpha": 5.0, "s": s, "beta": 8.0}
    for x, t_x, big_t in [(0, 0.0, 40.0), (3, 20.0, 40.0), (300, 39.0, 40.0)]:
        alive = ref_p_alive(x, t_x, big_t, **params)
        r, alpha, ms, beta = M("0.5"), M(5), M(s), M(8)
        if s == 1:
            bracket = mpmath.log((beta + big_t + 52) / (beta + big_t))
        else:
            bracket = (1 - ((beta + big_t) / (beta + big_t + 52)) ** (ms - 1)) / (ms - 1)
        expected = (r + x) * (beta + big_t) / (alpha + big_t) * bracket * alive
        got = pareto_nbd_expected_purchases(52.0, x, t_x, big_t, **params)
        assert got == pytest.approx(float(expected), rel=1e-9)


def test_a_one_time_buyer_is_not_certainly_alive() -> None:
    """Pareto/NBD, unlike BG/NBD, lets a member who never came back drop out: P(alive) < 1, and
    it falls the longer the silence lasts."""
    soon = pareto_nbd_p_alive(0, 0.0, 1.0, **PUBLISHED)
    late = pareto_nbd_p_alive(0, 0.0, 52.0, **PUBLISHED)
    assert 0 < late < soon < 1
    assert late == pytest.approx(float(ref_p_alive(0, 0.0, 52.0, **PUBLISHED)), rel=1e-9)
