"""BG/NBD: is a quiet member still a customer, and how much will they buy?

The beta-geometric / negative binomial distribution model of Fader, Hardie & Lee, "'Counting Your
Customers' the Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 2005.
While alive a member buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase they
drop out with probability p ~ Beta(a, b).

Inputs per member are (x, t_x, T): x the number of REPEAT purchases (every purchase but the
first), t_x the time of the last purchase measured from the first purchase (not the time since the
last purchase), T the time from the first purchase to the end of observation, all in one unit.

Everything is computed in log space with ``math.lgamma`` so that x in the hundreds or long
histories neither overflow nor lose all precision, and the Gaussian hypergeometric function is
summed by its series after Euler's transformation when that converges faster. The fit maximises
the log-likelihood with Nelder–Mead on the logarithms of the parameters, in pure Python: the
likelihood is smooth, has four parameters and costs a few ``lgamma`` calls per distinct summary,
so a numerical library would add a dependency for no real gain.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "BgNbdFit",
    "bgnbd_expected_purchases",
    "bgnbd_fit",
    "bgnbd_log_likelihood",
    "bgnbd_p_alive",
    "hyp2f1",
]

_MAX_TERMS = 200_000


def _check_params(r: float, alpha: float, a: float, b: float) -> None:
    if not all(math.isfinite(v) and v > 0 for v in (r, alpha, a, b)):
        raise ValueError("BG/NBD parameters r, alpha, a and b must be positive and finite")


def _check_summary(x: int, t_x: float, T: float) -> None:
    if x < 0 or t_x < 0 or t_x > T or (x == 0 and t_x != 0):
        raise ValueError(
            f"not a BG/NBD summary: x={x}, t_x={t_x}, T={T} "
            "(need x >= 0, 0 <= t_x <= T, and t_x = 0 when x = 0)"
        )


def _log_series(a: float, b: float, c: float, z: float) -> tuple[float, float]:
    """log|Σ (a)_k (b)_k / ((c)_k k!) z^k| and its sign, summed with a running scale."""
    log_term = 0.0
    sign = 1.0
    scale = 0.0  # log of the largest term so far; the sum is kept relative to it
    total = 1.0
    k = 0
    while True:
        num = (a + k) * (b + k)
        if num == 0:
            break
        log_term += math.log(abs(num)) - math.log((c + k) * (k + 1)) + math.log(z)
        if num < 0:
            sign = -sign
        k += 1
        if log_term > scale:
            total *= math.exp(scale - log_term)
            scale = log_term
        piece = sign * math.exp(log_term - scale)
        total += piece
        # Terms shrink monotonically once k passes the parameters; stop when they no longer count.
        if k > abs(a) + abs(b) and abs(piece) < 1e-17 * abs(total):
            break
        if k >= _MAX_TERMS:
            raise ArithmeticError("2F1 series did not converge")
    if total == 0:
        return -math.inf, 0.0
    return scale + math.log(abs(total)), math.copysign(1.0, total)


def log_hyp2f1(a: float, b: float, c: float, z: float) -> tuple[float, float]:
    """log|2F1(a, b; c; z)| and its sign, for 0 <= z < 1 and c > 0."""
    if not 0 <= z < 1 or c <= 0:
        raise ValueError("hyp2f1 needs 0 <= z < 1 and c > 0")
    if z == 0:
        return 0.0, 1.0
    if c - a - b < 0 and min(c - a, c - b) > -1:
        # Euler: 2F1(a, b; c; z) = (1 - z)^(c-a-b) 2F1(c-a, c-b; c; z). With c - a - b < 0 the
        # transformed series has smaller numerator parameters and converges much faster. Not
        # when a numerator parameter is -1 or less: the terms then alternate in sign, and their
        # cancellation lost 8 digits (2F1(32, 0.5; 5; 0.5), found by a random hypothesis seed);
        # the plain series has positive terms only.
        log_value, sign = _log_series(c - a, c - b, c, z)
        return (c - a - b) * math.log1p(-z) + log_value, sign
    return _log_series(a, b, c, z)


def hyp2f1(a: float, b: float, c: float, z: float) -> float:
    """The Gaussian hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1 (may overflow)."""
    log_value, sign = log_hyp2f1(a, b, c, z)
    return sign * math.exp(log_value)


def _log_odds_dead(
    x: int, t_x: float, T: float, r: float, alpha: float, a: float, b: float
) -> float:
    """log of δ(x>0) · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x), -inf when x = 0."""
    if x == 0:
        return -math.inf
    return (
        math.log(a) - math.log(b + x - 1) + (r + x) * (math.log(alpha + T) - math.log(alpha + t_x))
    )


def bgnbd_p_alive(
    x: int,
    t_x: float,
    T: float,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> float:
    """P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)).

    A member with no repeat purchase (x = 0) cannot have dropped out yet in this model: 1.0.
    """
    _check_params(r, alpha, a, b)
    _check_summary(x, t_x, T)
    log_odds = _log_odds_dead(x, t_x, T, r, alpha, a, b)
    # A numerically stable logistic: never exp() of a large positive number.
    if log_odds > 0:
        e = math.exp(-log_odds)
        return e / (1 + e)
    return 1 / (1 + math.exp(log_odds))


def bgnbd_expected_purchases(
    t: float,
    x: int,
    t_x: float,
    T: float,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> float:
    """Expected purchases in (T, T + t] given (x, t_x, T): FHL 2005, equation (10).

    E = (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))]
        · P(alive | x, t_x, T). For a < 1 both factors are negative and the product is right.
    """
    _check_params(r, alpha, a, b)
    _check_summary(x, t_x, T)
    if t < 0:
        raise ValueError("the forecast period t must not be negative")
    if a == 1:
        # The closed form divides by a - 1; nudge off the removable singularity.
        a = 1 + 1e-9
    if t == 0:
        return 0.0
    z = t / (alpha + T + t)
    log_f, sign = log_hyp2f1(r + x, b + x, a + b + x - 1, z)
    log_second = (r + x) * math.log1p(-z) + log_f
    bracket = 1 - sign * math.exp(log_second) if sign < 0 else -math.expm1(log_second)
    p_alive = bgnbd_p_alive(x, t_x, T, r=r, alpha=alpha, a=a, b=b)
    return (a + b + x - 1) / (a - 1) * bracket * p_alive


def _log_likelihood_one(
    x: int,
    t_x: float,
    T: float,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> float:
    """log L(r, α, a, b | x, t_x, T): FHL 2005, equation (6), in log space."""
    a1 = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha)
    a2 = math.lgamma(a + b) + math.lgamma(b + x) - math.lgamma(b) - math.lgamma(a + b + x)
    a3 = -(r + x) * math.log(alpha + T)
    if x == 0:
        return a1 + a2 + a3
    a4 = math.log(a) - math.log(b + x - 1) - (r + x) * math.log(alpha + t_x)
    high, low = (a3, a4) if a3 >= a4 else (a4, a3)
    return a1 + a2 + high + math.log1p(math.exp(low - high))


def bgnbd_log_likelihood(
    summaries: Iterable[tuple[int, float, float]],
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> float:
    """The log-likelihood of a population's (x, t_x, T) summaries under the parameters."""
    _check_params(r, alpha, a, b)
    total = 0.0
    for x, t_x, T in summaries:
        _check_summary(x, t_x, T)
        total += _log_likelihood_one(x, t_x, T, r, alpha, a, b)
    return total


@dataclass(frozen=True, slots=True)
class BgNbdFit:
    """Maximum-likelihood BG/NBD parameters and how the search ended."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    iterations: int
    converged: bool
    members: int


def _nelder_mead(
    f: Callable[[Sequence[float]], float],
    start: Sequence[float],
    *,
    step: float = 0.5,
    tolerance: float = 1e-10,
    max_iterations: int = 4000,
) -> tuple[list[float], float, int, bool]:
    """Minimise ``f`` from ``start`` (standard coefficients 1, 2, 0.5, 0.5)."""
    n = len(start)
    simplex = [list(start)]
    for i in range(n):
        point = list(start)
        point[i] += step
        simplex.append(point)
    values = [f(p) for p in simplex]
    for iteration in range(1, max_iterations + 1):
        order = sorted(range(n + 1), key=values.__getitem__)
        simplex = [simplex[i] for i in order]
        values = [values[i] for i in order]
        if abs(values[-1] - values[0]) <= tolerance * (abs(values[0]) + tolerance):
            return simplex[0], values[0], iteration, True
        centroid = [sum(p[j] for p in simplex[:-1]) / n for j in range(n)]
        worst = simplex[-1]
        reflected = [c + (c - w) for c, w in zip(centroid, worst, strict=True)]
        f_reflected = f(reflected)
        if f_reflected < values[0]:
            expanded = [c + 2 * (c - w) for c, w in zip(centroid, worst, strict=True)]
            f_expanded = f(expanded)
            if f_expanded < f_reflected:
                simplex[-1], values[-1] = expanded, f_expanded
            else:
                simplex[-1], values[-1] = reflected, f_reflected
            continue
        if f_reflected < values[-2]:
            simplex[-1], values[-1] = reflected, f_reflected
            continue
        if f_reflected < values[-1]:
            contracted = [c + 0.5 * (r - c) for c, r in zip(centroid, reflected, strict=True)]
        else:
            contracted = [c + 0.5 * (w - c) for c, w in zip(centroid, worst, strict=True)]
        f_contracted = f(contracted)
        if f_contracted < min(values[-1], f_reflected):
            simplex[-1], values[-1] = contracted, f_contracted
            continue
        best = simplex[0]
        simplex = [best] + [
            [b + 0.5 * (p - b) for b, p in zip(best, q, strict=True)] for q in simplex[1:]
        ]
        values = [values[0]] + [f(p) for p in simplex[1:]]
    best_index = min(range(n + 1), key=values.__getitem__)
    return simplex[best_index], values[best_index], max_iterations, False


def bgnbd_fit(
    summaries: Iterable[tuple[int, float, float]],
    *,
    start: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
    max_iterations: int = 4000,
) -> BgNbdFit:
    """Maximum-likelihood (r, α, a, b) from a population's (x, t_x, T) summaries.

    Identical summaries are counted once and weighted, so summaries in whole days fit quickly.
    Nelder–Mead runs on the logarithms of the parameters, which keeps them positive; it restarts
    once from its own answer, the usual guard against a simplex that collapsed early.
    """
    counts: Counter[tuple[int, float, float]] = Counter()
    for x, t_x, T in summaries:
        _check_summary(x, t_x, T)
        counts[(x, float(t_x), float(T))] += 1
    if not counts:
        raise ValueError("cannot fit BG/NBD to an empty population")
    # Terms that depend on x alone are worked out once per distinct x, not once per member.
    by_x: dict[int, list[tuple[float, float, int]]] = {}
    for (x, t_x, T), n in counts.items():
        by_x.setdefault(x, []).append((t_x, T, n))
    groups = tuple((x, sum(n for _, _, n in rows), tuple(rows)) for x, rows in by_x.items())

    def negative(log_params: Sequence[float]) -> float:
        if any(v > 30 or v < -30 for v in log_params):
            return math.inf
        r, alpha, a, b = (math.exp(v) for v in log_params)
        log, log1p, exp = math.log, math.log1p, math.exp
        base = math.lgamma(a + b) - math.lgamma(b) - math.lgamma(r) + r * log(alpha)
        total = 0.0
        for x, members, rows in groups:
            rx = r + x
            head = base + math.lgamma(rx) + math.lgamma(b + x) - math.lgamma(a + b + x)
            total += members * head
            if x == 0:
                total -= sum(n * rx * log(alpha + T) for _, T, n in rows)
                continue
            dead = log(a) - log(b + x - 1)
            for t_x, T, n in rows:
                a3 = -rx * log(alpha + T)
                a4 = dead - rx * log(alpha + t_x)
                high, low = (a3, a4) if a3 >= a4 else (a4, a3)
                total += n * (high + log1p(exp(low - high)))
        return -total

    point = [math.log(v) for v in start]
    iterations = 0
    converged = False
    for _ in range(2):
        point, value, used, converged = _nelder_mead(negative, point, max_iterations=max_iterations)
        iterations += used
    r, alpha, a, b = (math.exp(v) for v in point)
    return BgNbdFit(r, alpha, a, b, -value, iterations, converged, sum(counts.values()))
