"""Pareto/NBD: the original model of who is still a customer (Schmittlein, Morrison & Colombo,
"Counting Your Customers: Who Are They and What Will They Do Next?", Management Science 33(1),
1987), in the forms of Fader & Hardie's note "A Note on Deriving the Pareto/NBD Model and Related
Expressions" (2005).

While alive a member buys as a Poisson process with rate λ ~ Gamma(r, α); their lifetime is
exponential with rate μ ~ Gamma(s, β), independent of purchases (BG/NBD ties drop-out to
purchases instead). Same inputs (x, t_x, T) in the unit the parameters were fitted in.

With a1 = r+s+x and G(y) = 2F1(a1, s+1; a1+1; (α-β)/(α+y)) / (α+y)^a1 when α >= β, or
2F1(a1, r+x; a1+1; (β-α)/(β+y)) / (β+y)^a1 when α < β, the note's A0 = G(t_x) - G(T), and

  L        = Γ(r+x) α^r β^s / Γ(r) · [ 1 / ((α+T)^(r+x) (β+T)^s) + s/(r+s+x) · A0 ]
  P(alive) = 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A0)
  E[Y(t)]  = (r+x)(β+T) / ((α+T)(s-1)) · [1 - ((β+T)/(β+T+t))^(s-1)] · P(alive)

A0 is a difference of two close numbers when t_x is near T; it is taken in log space as
log G(t_x) + log(1 - e^(log G(T) - log G(t_x))), which keeps its relative error near 1e-13 / the
relative gap. Each 2F1 is turned by Euler's transformation into 2F1(1, b; c; z) with positive
b and c, whose terms are all positive and fall at least geometrically (ratio <= z).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .._errors import ModelError
from ._bgfamily import check_period, check_summary
from ._optimize import nelder_mead

__all__ = [
    "ParetoNbdFit",
    "pareto_nbd_expected_purchases",
    "pareto_nbd_fit",
    "pareto_nbd_log_likelihood",
    "pareto_nbd_p_alive",
]


def _check(r: float, alpha: float, s: float, beta: float) -> None:
    if not all(
        isinstance(v, int | float) and math.isfinite(v) and v > 0 for v in (r, alpha, s, beta)
    ):
        raise ModelError(
            f"Pareto/NBD parameters r, alpha, s and beta must be positive and finite "
            f"(got r={r}, alpha={alpha}, s={s}, beta={beta})"
        )


def _log_series_1(b: float, c: float, z: float) -> float:
    """log 2F1(1, b; c; z) = log Σ (b)_k / (c)_k z^k for b, c > 0 and 0 <= z < 1.

    Every term is positive and each is at most z times the previous once k >= b - c, so the
    rest after a term is at most term · q / (1 - q) with q = max(ratio, z): no cancellation and
    a proven stopping rule.
    """
    total, term, k = 1.0, 1.0, 0
    while True:
        ratio = (b + k) / (c + k) * z
        term *= ratio
        total += term
        k += 1
        q = max(ratio, z)
        if q < 1 and term * q / (1 - q) <= 1e-17 * total:
            return math.log(total)
        if k >= 1_000_000:
            raise ArithmeticError(f"2F1(1, {b}; {c}; {z}) needs more than a million terms")


def _log_g(y: float, x: int, r: float, alpha: float, s: float, beta: float) -> float:
    """log G(y), with Euler's transformation 2F1(a, b; c; z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z)
    turning each 2F1 into one with first parameter 1 and positive terms."""
    a1 = r + s + x
    if alpha >= beta:
        z = (alpha - beta) / (alpha + y)
        # 2F1(a1, s+1; a1+1; z) = (1-z)^(-s) 2F1(1, r+x; a1+1; z)
        return -s * math.log1p(-z) + _log_series_1(r + x, a1 + 1, z) - a1 * math.log(alpha + y)
    z = (beta - alpha) / (beta + y)
    # 2F1(a1, r+x; a1+1; z) = (1-z)^(1-r-x) 2F1(1, s+1; a1+1; z)
    return (1 - r - x) * math.log1p(-z) + _log_series_1(s + 1, a1 + 1, z) - a1 * math.log(beta + y)


def _log_a0(x: int, t_x: float, T: float, r: float, alpha: float, s: float, beta: float) -> float:
    """log A0 = log(G(t_x) - G(T)); -inf when t_x = T."""
    if t_x >= T:
        return -math.inf
    early = _log_g(t_x, x, r, alpha, s, beta)
    late = _log_g(T, x, r, alpha, s, beta)
    gap = late - early
    if gap >= 0:
        return -math.inf  # equal to float precision: the member bought at the very end
    return early + math.log(-math.expm1(gap))


def _log_odds_dead(
    x: int, t_x: float, T: float, r: float, alpha: float, s: float, beta: float
) -> float:
    return (
        math.log(s)
        - math.log(r + s + x)
        + (r + x) * math.log(alpha + T)
        + s * math.log(beta + T)
        + _log_a0(x, t_x, T, r, alpha, s, beta)
    )


def pareto_nbd_p_alive(
    x: int,
    t_x: float,
    T: float,
    *,
    r: float,
    alpha: float,
    s: float,
    beta: float,
) -> float:
    """P(alive | x, t_x, T) under Pareto/NBD (1.0 when the last purchase is at T)."""
    _check(r, alpha, s, beta)
    check_summary(x, t_x, T)
    log_odds = _log_odds_dead(x, t_x, T, r, alpha, s, beta)
    if log_odds > 0:
        e = math.exp(-log_odds)
        return e / (1 + e)
    return 1 / (1 + math.exp(log_odds))


def pareto_nbd_expected_purchases(
    t: float,
    x: int,
    t_x: float,
    T: float,
    *,
    r: float,
    alpha: float,
    s: float,
    beta: float,
) -> float:
    """Expected purchases in (T, T + t] given (x, t_x, T) (s = 1 is taken as its limit)."""
    check_period(t)
    alive = pareto_nbd_p_alive(x, t_x, T, r=r, alpha=alpha, s=s, beta=beta)
    if t == 0:
        return 0.0
    shrink = math.log(beta + T) - math.log(beta + T + t)  # < 0
    u = (s - 1) * shrink
    # [1 - e^u] / (s - 1) = -shrink · (e^u - 1)/u, which tends to -shrink as s -> 1.
    bracket = -shrink * (math.expm1(u) / u if u != 0 else 1.0)
    return (r + x) * (beta + T) / (alpha + T) * bracket * alive


def _log_likelihood_one(
    x: int,
    t_x: float,
    T: float,
    r: float,
    alpha: float,
    s: float,
    beta: float,
) -> float:
    head = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha) + s * math.log(beta)
    alive = -(r + x) * math.log(alpha + T) - s * math.log(beta + T)
    gone = math.log(s) - math.log(r + s + x) + _log_a0(x, t_x, T, r, alpha, s, beta)
    high, low = (alive, gone) if alive >= gone else (gone, alive)
    return head + high + math.log1p(math.exp(low - high))


def pareto_nbd_log_likelihood(
    summaries: Iterable[tuple[int, float, float]],
    *,
    r: float,
    alpha: float,
    s: float,
    beta: float,
) -> float:
    """The log-likelihood of a population's (x, t_x, T) summaries under Pareto/NBD."""
    _check(r, alpha, s, beta)
    total = 0.0
    for x, t_x, T in summaries:
        check_summary(x, t_x, T)
        total += _log_likelihood_one(x, t_x, T, r, alpha, s, beta)
    return total


@dataclass(frozen=True, slots=True)
class ParetoNbdFit:
    """Maximum-likelihood Pareto/NBD (r, α, s, β) and how the search ended."""

    r: float
    alpha: float
    s: float
    beta: float
    log_likelihood: float
    iterations: int
    converged: bool
    members: int
    penalty: float = 0.0


def pareto_nbd_fit(
    summaries: Iterable[tuple[int, float, float]],
    *,
    start: tuple[float, float, float, float] = (0.5, 10.0, 0.5, 10.0),
    penalty: float = 0.0,
    max_iterations: int = 2000,
) -> ParetoNbdFit:
    """Maximum-likelihood (r, α, s, β) by Nelder–Mead on the logarithms, in pure Python.

    Identical summaries are collapsed; each distinct one costs two short series per step, so on
    more than a few thousand distinct summaries fit a sample. ``penalty`` as in ``fit_purchases``.
    """
    if not (math.isfinite(penalty) and penalty >= 0):
        raise ModelError(f"the penalty must be a number >= 0 (got {penalty})")
    counts: Counter[tuple[int, float, float]] = Counter()
    for x, t_x, T in summaries:
        check_summary(x, t_x, T)
        counts[(int(x), float(t_x), float(T))] += 1
    if not counts:
        raise ModelError("cannot fit a purchase model to an empty population")
    rows = list(counts.items())

    def log_likelihood(r: float, alpha: float, s: float, beta: float) -> float:
        return math.fsum(
            n * _log_likelihood_one(x, t_x, T, r, alpha, s, beta) for (x, t_x, T), n in rows
        )

    def negative(v: Sequence[float]) -> float:
        if any(abs(t) > 20 for t in v):
            return math.inf
        try:
            value = log_likelihood(*(math.exp(t) for t in v))
        except ArithmeticError:
            return math.inf  # a 2F1 too close to z = 1: not where the maximum is
        return -value + penalty * sum(t * t for t in v)

    point = [math.log(v) for v in start]
    converged, iterations = False, 0
    for _ in range(2):
        point, _value, used, converged = nelder_mead(negative, point, max_iterations=max_iterations)
        iterations += used
    r, alpha, s, beta = (math.exp(t) for t in point)
    return ParetoNbdFit(
        r,
        alpha,
        s,
        beta,
        log_likelihood(r, alpha, s, beta),
        iterations,
        converged,
        sum(counts.values()),
        penalty,
    )
