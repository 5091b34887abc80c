"""The closed forms shared by BG/NBD and MBG/NBD, in log space.

Both models: while alive a member buys as a Poisson process with rate λ ~ Gamma(r, α), and after a
purchase drops out with probability p ~ Beta(a, b). BG/NBD (Fader, Hardie & Lee 2005, Marketing
Science 24(2)) gives the chance to drop out after each REPEAT purchase; MBG/NBD (Batislam,
Denizel & Filiztekin 2007, IJRM 24(3)) also after the first purchase, at time 0, so a member who
never came back is not certainly alive. With ``modified`` the MBG/NBD forms are used.

Given (x, t_x, T) and (λ, p), the likelihood is
  BG:  (1-p)^x λ^x e^(-λT) + δ(x>0) p (1-p)^(x-1) λ^x e^(-λ t_x)
  MBG: (1-p)^(x+1) λ^x e^(-λT) + p (1-p)^x λ^x e^(-λ t_x)
and mixing over the gamma and beta priors gives each formula below. Every one is evaluated with
``lgamma`` and log-sum-exp, so hundreds of purchases neither overflow nor underflow to 0/0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from .._errors import ModelError
from ._special import log_hyp2f1

__all__ = [
    "check_count",
    "check_params",
    "check_period",
    "check_summary",
    "conditional_p_purchases",
    "expected_purchases",
    "log_likelihood",
    "log_likelihood_one",
    "logistic",
    "p_alive",
    "p_purchases",
    "sum_checked",
]


def check_params(r: float, alpha: float, a: float, b: float) -> None:
    """Refuse parameters that are not positive finite numbers."""
    if not all(isinstance(v, int | float) and math.isfinite(v) and v > 0 for v in (r, alpha, a, b)):
        raise ModelError(
            f"model parameters r, alpha, a and b must be positive and finite "
            f"(got r={r}, alpha={alpha}, a={a}, b={b})"
        )


def check_summary(x: int, t_x: float, T: float) -> None:
    """Refuse an (x, t_x, T) that no purchase history can produce."""
    if not (x >= 0 and 0 <= t_x <= T and math.isfinite(T)) or (x == 0 and t_x != 0):
        raise ModelError(
            f"not a purchase summary: x={x}, t_x={t_x}, T={T} "
            "(need x >= 0, 0 <= t_x <= T, and t_x = 0 when x = 0)"
        )


def check_period(t: float) -> None:
    """Refuse a negative (or NaN) forecast period."""
    if not t >= 0:
        raise ModelError(f"the forecast period t must not be negative (got {t})")


def check_count(n: int) -> None:
    """Refuse a purchase count that is not a whole number >= 0."""
    if not (isinstance(n, int) and n >= 0):
        raise ModelError(f"the number of purchases n must be a whole number >= 0 (got {n})")


def _log_odds_dead(
    x: int, t_x: float, T: float, r: float, alpha: float, a: float, b: float, modified: bool
) -> float:
    """log(P(dropped out) / P(alive)) given the history."""
    if not modified and x == 0:
        return -math.inf
    log_share = math.log(a) - math.log(b + x if modified else b + x - 1)
    return log_share + (r + x) * (math.log(alpha + T) - math.log(alpha + t_x))


def p_alive(
    x: int, t_x: float, T: float, r: float, alpha: float, a: float, b: float, modified: bool
) -> float:
    """P(alive | x, t_x, T) = 1 / (1 + odds of having dropped out)."""
    return logistic(_log_odds_dead(x, t_x, T, r, alpha, a, b, modified))


def logistic(log_odds_dead: float) -> float:
    """1 / (1 + e^log_odds), never exp() of a large positive number."""
    if log_odds_dead > 0:
        e = math.exp(-log_odds_dead)
        return e / (1 + e)
    return 1 / (1 + math.exp(log_odds_dead))


def expected_purchases(
    t: float,
    x: int,
    t_x: float,
    T: float,
    r: float,
    alpha: float,
    a: float,
    b: float,
    modified: bool,
) -> float:
    """E[purchases in (T, T + t] | x, t_x, T]: FHL 2005 eq. (10); MBG/NBD with b + 1 in the beta.

    E = c/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b'; c; t/(α+T+t))] · P(alive), with
    b' = b + x, c = a + b + x - 1 (BG) or b' = b + x + 1, c = a + b + x (MBG). For a < 1 both
    factors are negative and the product is right.

    Near a = 1 the bracket and a - 1 both tend to 0 (at a = 1, c = b' and the 2F1 is
    (1-z)^-(r+x) exactly), and the quotient of two small numbers loses digits: at
    |a - 1| = 1e-6 about seven. There the bracket divided by a - 1 is summed as a series of
    positive terms instead (``_bracket_over_a_minus_1``), exact at a = 1 itself.
    """
    if t == 0:
        return 0.0
    b_post, c = (b + x + 1, a + b + x) if modified else (b + x, a + b + x - 1)
    z = t / (alpha + T + t)
    if c <= 0:
        # BG/NBD, x = 0 and a + b <= 1 (a fit on data without drop-outs runs there).
        return _expected_small_c(z, r, a, b) * p_alive(x, t_x, T, r, alpha, a, b, modified)
    if abs(a - 1) < _NEAR_ONE:
        per = _bracket_over_a_minus_1(r + x, b_post, a - 1, z)
        if per is not None:
            return c * per * p_alive(x, t_x, T, r, alpha, a, b, modified)
        if a == 1:
            # Too many terms for the series (a horizon thousands of times α + T): the closed
            # form just off the removable singularity, good to about 1e-6.
            a = 1 + 1e-9
            c = c + 1e-9
    log_f, _ = log_hyp2f1(r + x, b_post, c, z)
    log_second = (r + x) * math.log1p(-z) + log_f
    bracket = -math.expm1(log_second)
    return c / (a - 1) * bracket * p_alive(x, t_x, T, r, alpha, a, b, modified)


_NEAR_ONE = 1e-2
_MAX_SERIES_TERMS = 2_000_000


def _bracket_over_a_minus_1(big_a: float, b_post: float, delta: float, z: float) -> float | None:
    """[1 - (1-z)^A 2F1(A, b'; b'+δ; z)] / δ with δ = a - 1 (c = b' + δ in both models).

    With P(k) = (1-z)^A (A)_k z^k / k! (a negative binomial law over k, summing to 1) and
    ρ_k = (b')_k / (b'+δ)_k, the bracket is Σ_k P(k) (1 - ρ_k), and 1 - ρ_k telescopes into
    δ · Σ_{j<k} ρ_j / (b'+j+δ). So the quotient is Σ_k P(k) S_k with S_k = Σ_{j<k} ρ_j/(b'+j+δ):
    every term positive (b' + δ = c > 0), no cancellation, and at δ = 0 it is the limit
    Σ_k P(k) H_k with H_k = Σ_{j<k} 1/(b'+j). The increments ρ_j/(b'+j+δ) fall with j
    (their ratio is (b'+j)/(b'+j+1+δ) < 1 for δ > -1), and past the mode P(k+i) <= P(k) q^i
    with q = max(P(k+1)/P(k), z), so the rest after k is at most
    P(k) · (S_k q/(1-q) + inc_k q/(1-q)²), the stopping rule. None when the series would need
    more than two million terms (the mode of P is about A z / (1-z)).
    """
    if big_a * z / (1 - z) > _MAX_SERIES_TERMS / 2:
        return None
    if z == 0:
        return 0.0
    log_p = big_a * math.log1p(-z)  # log P(0)
    log_z = math.log(z)
    top = log_p
    total = 0.0  # Σ P(k) S_k, scaled by e^-top
    s_k = 0.0
    log_rho = 0.0
    k = 0
    while k < _MAX_SERIES_TERMS:
        increment = math.exp(log_rho) / (b_post + k + delta)
        if log_p > top:
            total *= math.exp(top - log_p)
            top = log_p
        weight = math.exp(log_p - top)
        total += weight * s_k
        ratio = z * (big_a + k) / (k + 1)  # P(k+1) / P(k)
        q = max(ratio, z)
        if q < 1 and total > 0:
            rest = weight * (s_k * q / (1 - q) + increment * q / (1 - q) ** 2)
            if rest <= 1e-17 * total:
                return total * math.exp(top)
        s_k += increment
        log_rho -= math.log1p(delta / (b_post + k))
        log_p += math.log(big_a + k) + log_z - math.log(k + 1)
        k += 1
    return None


def _expected_small_c(z: float, r: float, a: float, b: float) -> float:
    """c0/(a-1) · [1 - (1-z)^r 2F1(r, b; c0; z)] for c0 = a + b - 1 in (-1, 0].

    2F1 with c0 <= 0 is outside the series' domain; Gauss's contiguous relation
      c(c-1)(z-1) F(c-1) + c[c-1-(2c-r-b-1)z] F(c) + (c-r)(c-b) z F(c+1) = 0,  c = c0 + 1 = a + b,
    gives it from two 2F1s with c, c + 1 > 0. At c0 = 0 the product c0 · F(c0) tends to
    r b z 2F1(r+1, b+1; 2; z).
    """
    c0 = a + b - 1
    keep = r * math.log1p(-z)
    if c0 == 0:
        log_f, _ = log_hyp2f1(r + 1, b + 1, 2, z)
        return -math.exp(keep + log_f) * r * b * z / (a - 1)
    c = a + b
    f_c = math.exp(keep + log_hyp2f1(r, b, c, z)[0])
    f_c1 = math.exp(keep + log_hyp2f1(r, b, c + 1, z)[0])
    scaled = -(c * (c - 1 - (2 * c - r - b - 1) * z) * f_c + (c - r) * (c - b) * z * f_c1) / (
        c * (c - 1) * (z - 1)
    )  # (1-z)^r 2F1(r, b; c0; z)
    return c0 / (a - 1) * (1 - scaled)


def log_likelihood_one(
    x: int, t_x: float, T: float, r: float, alpha: float, a: float, b: float, modified: bool
) -> float:
    """log L(r, α, a, b | x, t_x, T): FHL 2005 eq. (6), or its MBG/NBD form."""
    head = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha)
    shift = 1 if modified else 0
    beta = (
        math.lgamma(a + b)
        + math.lgamma(b + x + shift)
        - math.lgamma(b)
        - math.lgamma(a + b + x + shift)
    )
    alive = -(r + x) * math.log(alpha + T)
    if not modified and x == 0:
        return head + beta + alive
    dead = math.log(a) - math.log(b + x - 1 + shift) - (r + x) * math.log(alpha + t_x)
    high, low = (alive, dead) if alive >= dead else (dead, alive)
    return head + beta + high + math.log1p(math.exp(low - high))


def log_likelihood(
    summaries: Iterable[tuple[int, float, float]],
    r: float,
    alpha: float,
    a: float,
    b: float,
    modified: bool,
) -> float:
    """The log-likelihood of a population's (x, t_x, T) summaries, each checked."""
    check_params(r, alpha, a, b)
    return sum_checked(
        summaries, lambda x, t_x, T: log_likelihood_one(x, t_x, T, r, alpha, a, b, modified)
    )


def sum_checked(
    summaries: Iterable[tuple[int, float, float]], term: Callable[[int, float, float], float]
) -> float:
    """Σ term(x, t_x, T) over summaries, each checked to be one a history can produce."""
    total = 0.0
    for x, t_x, T in summaries:
        check_summary(x, t_x, T)
        total += term(x, t_x, T)
    return total


def _log_beta(p: float, q: float) -> float:
    return math.lgamma(p) + math.lgamma(q) - math.lgamma(p + q)


def _nbd_tail(n: int, t: float, r: float, alpha: float) -> float:
    """P(N(t) >= n) for the gamma-Poisson (NBD) count of a member who never drops out."""
    if n == 0:
        return 1.0
    log_keep = r * (math.log(alpha) - math.log(alpha + t))
    log_q = math.log(t) - math.log(alpha + t)

    def log_term(j: int) -> float:
        return math.lgamma(r + j) - math.lgamma(r) - math.lgamma(j + 1) + log_keep + j * log_q

    below = math.fsum(math.exp(log_term(j)) for j in range(n))
    if below <= 0.5:
        return 1 - below
    # 1 - below would cancel: sum the tail itself; past its peak each term is the previous one
    # times (r + j) / (j + 1) · q < 1, so the rest is bounded by a geometric series.
    q = math.exp(log_q)
    total, j = 0.0, n
    while True:
        term = math.exp(log_term(j))
        total += term
        ratio = max((r + j) / (j + 1), 1.0) * q
        j += 1
        if ratio < 1 and term * ratio / (1 - ratio) <= 1e-17 * total:
            return total


def p_purchases(
    n: int, t: float, r: float, alpha: float, a: float, b: float, modified: bool
) -> float:
    """P(X(t) = n): n repeat purchases in (0, t] for a member just after the first (FHL eq. 8)."""
    if t == 0:
        return 1.0 if n == 0 else 0.0
    log_keep = r * (math.log(alpha) - math.log(alpha + t))
    log_pois = (
        math.lgamma(r + n)
        - math.lgamma(r)
        - math.lgamma(n + 1)
        + log_keep
        + n * (math.log(t) - math.log(alpha + t))
    )
    shift = 1 if modified else 0
    prior = _log_beta(a, b)
    alive = math.exp(_log_beta(a, b + n + shift) - prior + log_pois)
    if not modified and n == 0:
        return alive
    # Dropped out right after the n-th purchase (MBG/NBD: n = 0 is dropping out at time 0).
    dead = math.exp(_log_beta(a + 1, b + n - 1 + shift) - prior)
    return alive + dead * _nbd_tail(n, t, r, alpha)


def conditional_p_purchases(
    n: int,
    t: float,
    x: int,
    t_x: float,
    T: float,
    r: float,
    alpha: float,
    a: float,
    b: float,
    modified: bool,
) -> float:
    """P(n purchases in (T, T + t] | x, t_x, T).

    A member alive at T has λ ~ Gamma(r + x, α + T) and p ~ Beta(a, b + x) (MBG/NBD:
    b + x + 1), the posterior of the likelihood's "alive" term; from T on they buy and drop out
    after each purchase exactly as a member just after the first purchase does in
    ``p_purchases``. A member already gone buys nothing:
      P(n) = P(alive) · P_X(n; t, r + x, α + T, a, b') + (1 - P(alive)) · δ(n = 0).
    """
    alive = p_alive(x, t_x, T, r, alpha, a, b, modified)
    b_post = b + x + 1 if modified else b + x
    future = p_purchases(n, t, r + x, alpha + T, a, b_post, False)
    return alive * future + (1 - alive if n == 0 else 0.0)
