"""Pareto/NBD: closed forms against mpmath and the CDNOW estimates of Fader & Hardie."""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from memberkit.lifecycle import (
    ModelError,
    pareto_nbd_expected_purchases,
    pareto_nbd_log_likelihood,
    pareto_nbd_p_alive,
)

from .cdnow import summaries

mpmath.mp.dps = 40
M = mpmath.mpf
PUBLISHED = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}


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
