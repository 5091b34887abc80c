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

The chance of n purchases in a period (for a member drawn from the population, or given the
member's own history) is Fader & Hardie's 2006 expression, whose integral over the lifetime is
taken by tanh-sinh quadrature. The fits are in ``_fit``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from .._errors import ModelError
from ._bgfamily import check_count, check_period, check_summary, logistic, sum_checked

__all__ = [
    "check_params",
    "log_likelihood_one",
    "pareto_nbd_conditional_p_purchases",
    "pareto_nbd_expected_purchases",
    "pareto_nbd_log_likelihood",
    "pareto_nbd_p_alive",
    "pareto_nbd_p_purchases",
]


def check_params(r: float, alpha: float, s: float, beta: float) -> None:
    """Refuse parameters that are not positive finite numbers."""
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
            raise ModelError(
                f"Pareto/NBD is out of reach here: 2F1(1, {b:.6g}; {c:.6g}; {z:.10g}) needs more "
                "than a million terms (alpha and beta are orders of magnitude apart, as a fit on "
                "data with almost no drop-outs gives; refit with a penalty)"
            )


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
    check_params(r, alpha, s, beta)
    check_summary(x, t_x, T)
    return logistic(_log_odds_dead(x, t_x, T, r, alpha, s, beta))


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


def log_likelihood_one(
    x: int,
    t_x: float,
    T: float,
    r: float,
    alpha: float,
    s: float,
    beta: float,
) -> float:
    """log L(r, α, s, β | x, t_x, T) of one member (the note's equation (18))."""
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
    check_params(r, alpha, s, beta)
    return sum_checked(
        summaries, lambda x, t_x, T: log_likelihood_one(x, t_x, T, r, alpha, s, beta)
    )


def _log_nbd(n: int, t: float, r: float, alpha: float) -> float:
    """log P(N(t) = n) for the gamma-Poisson count of a member who never drops out."""
    return (
        math.lgamma(r + n)
        - math.lgamma(r)
        - math.lgamma(n + 1)
        + r * (math.log(alpha) - math.log(alpha + t))
        + n * (math.log(t) - math.log(alpha + t))
    )


def _p_purchases(n: int, t: float, r: float, alpha: float, s: float, beta: float) -> float:
    """P(X(t) = n) for a member alive at 0 (the note's 2006 expression, by quadrature).

    With the lifetime τ ~ Pareto II(s, β) and the NBD count of purchases by time τ:
      P(n) = NBD(n; t) (β/(β+t))^s + ∫_0^t NBD(n; τ) s β^s (β+τ)^-(s+1) dτ.
    With u = τ/(α+τ) the integral is K s β^s α ∫_0^U u^n (1-u)^(r+s-1) (β+(α-β)u)^-(s+1) du,
    K = Γ(r+n)/(Γ(r) n!), U = t/(α+t): smooth on [0, U] with U < 1, which tanh-sinh quadrature
    takes to full precision; levels are halved until two agree to 1e-15.
    """
    if t == 0:
        return 1.0 if n == 0 else 0.0
    log_stay = _log_nbd(n, t, r, alpha) + s * (math.log(beta) - math.log(beta + t))
    log_k = math.lgamma(r + n) - math.lgamma(r) - math.lgamma(n + 1)
    scale = log_k + math.log(s) + s * math.log(beta) + math.log(alpha)
    big_u = t / (alpha + t)
    rest = alpha / (alpha + t)  # 1 - U, kept exact when t is far beyond α

    def log_f(u: float, from_end: float) -> float:
        # u is the node, from_end = U - u: 1 - u = (1 - U) + from_end without cancellation.
        tail = (r + s - 1) * math.log(rest + from_end)
        return (
            (n * math.log(u) if n else 0.0) + tail - (s + 1) * math.log(beta + (alpha - beta) * u)
        )

    # Both parts in log space: with thousands of purchases K and the integral are each far beyond
    # a float (K ~ e^2000, the integral ~ e^-2000) while their product is a probability.
    log_gone = scale + _log_tanh_sinh(log_f, big_u)
    high, low = (log_stay, log_gone) if log_stay >= log_gone else (log_gone, log_stay)
    if high == -math.inf:
        return 0.0
    return math.exp(high + math.log1p(math.exp(low - high)))


def _log_tanh_sinh(log_f: Callable[[float, float], float], width: float) -> float:
    """log ∫_0^width e^log_f(u) du by the tanh-sinh rule (nodes crowd both ends); the terms are
    summed relative to the largest, so e^log_f may lie far outside a float's range."""
    half_pi = math.pi / 2
    previous = math.nan
    step = 0.5
    logs: list[tuple[float, float]] = []

    def add(k_start: int, k_step: int, h: float) -> None:
        k = k_start
        while True:
            t = k * h
            y = half_pi * math.sinh(t)
            if y > 40:
                return
            e = math.exp(-2 * y)
            weight = math.log(width * half_pi * math.cosh(t) * 2 * e) - 2 * math.log1p(e)
            # The nodes at ±t: u = width·e^-2y/(1+e^-2y) from 0, and the same distance from width.
            near = width * e / (1 + e)
            for u, from_end in ((near, width - near), (width - near, near)):
                if u > 0:
                    logs.append((log_f(u, from_end) + weight, 0.0))
            k += k_step

    # Level 0: the middle node and every whole multiple of the step.
    logs.append((log_f(width / 2, width / 2) + math.log(width * half_pi / 2), 0.0))
    add(1, 1, step)
    top = -math.inf
    for _ in range(12):
        new_top = max(v for v, _ in logs)
        if new_top == -math.inf:
            return -math.inf
        # Each level's sum is taken relative to the largest term so far; a previous sum taken
        # relative to a smaller one is rescaled, so the two stay comparable.
        previous *= math.exp(top - new_top) if top != -math.inf else 1.0
        top = new_top
        total = math.fsum(math.exp(v - top) for v, _ in logs) * step
        if abs(total - previous) <= 1e-15 * total:
            return top + math.log(total)
        previous = total
        step /= 2
        add(1, 2, step)  # the new level's nodes: odd multiples of the halved step
    return top + math.log(previous)


def pareto_nbd_p_purchases(
    n: int, t: float, *, r: float, alpha: float, s: float, beta: float
) -> float:
    """P(X(t) = n): n purchases in the first ``t`` for a member drawn from the population, alive
    at the start (Fader & Hardie's 2006 note; computed by quadrature of its integral)."""
    check_params(r, alpha, s, beta)
    check_period(t)
    check_count(n)
    return _p_purchases(n, t, r, alpha, s, beta)


def pareto_nbd_conditional_p_purchases(
    n: int,
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
    """P(n purchases in (T, T + t] | x, t_x, T), ``t`` in the unit of the summary.

    A member alive at T has λ ~ Gamma(r + x, α + T) and μ ~ Gamma(s, β + T) (lifetimes are
    memoryless), so P(n) = P(alive) · P_X(n; t, r + x, α + T, s, β + T) + (1 - P(alive)) δ(n=0).
    """
    check_count(n)
    check_period(t)
    alive = pareto_nbd_p_alive(x, t_x, T, r=r, alpha=alpha, s=s, beta=beta)
    future = _p_purchases(n, t, r + x, alpha + T, s, beta + T)
    return alive * future + (1 - alive if n == 0 else 0.0)
