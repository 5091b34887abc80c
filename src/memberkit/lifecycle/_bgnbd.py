"""BG/NBD: is a quiet member still a customer, and how much will they buy?

The beta-geometric / negative binomial distribution model of Fader, Hardie & Lee, "'Counting Your
Customers' the Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 2005.
While alive a member buys as a Poisson process with rate λ ~ Gamma(r, α); after each REPEAT
purchase they drop out with probability p ~ Beta(a, b).

Inputs per member are (x, t_x, T): x the number of REPEAT purchases (every purchase but the
first), t_x the time of the last purchase measured from the first purchase (not the time since the
last purchase), T the time from the first purchase to the end of observation, all in one unit:
the unit the parameters were fitted in (α is a time; r, a and b have no unit).

Everything is computed in log space (``_bgfamily``); the fit is in ``_fit``.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import _bgfamily as family

__all__ = [
    "bgnbd_conditional_p_purchases",
    "bgnbd_expected_purchases",
    "bgnbd_log_likelihood",
    "bgnbd_p_alive",
    "bgnbd_p_purchases",
]


def bgnbd_p_alive(
    x: int, t_x: float, T: float, *, r: float, alpha: float, a: float, b: float
) -> float:
    """P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)).

    A member with no repeat purchase (x = 0) cannot have dropped out yet in this model: 1.0
    (the MBG/NBD model, ``mbgnbd_p_alive``, does not have that blind spot).
    """
    family.check_params(r, alpha, a, b)
    family.check_summary(x, t_x, T)
    return family.p_alive(x, t_x, T, r, alpha, a, b, False)


def bgnbd_expected_purchases(
    t: float, x: int, t_x: float, T: float, *, r: float, alpha: float, a: float, b: float
) -> float:
    """Expected purchases in (T, T + t] given (x, t_x, T): FHL 2005, equation (10).

    E = (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))]
        · P(alive | x, t_x, T). ``t`` is in the unit of the summary and the parameters.
    """
    family.check_params(r, alpha, a, b)
    family.check_summary(x, t_x, T)
    family.check_period(t)
    return family.expected_purchases(t, x, t_x, T, r, alpha, a, b, False)


def bgnbd_p_purchases(n: int, t: float, *, r: float, alpha: float, a: float, b: float) -> float:
    """P(X(t) = n): the chance of exactly n repeat purchases in the first ``t`` after the first
    purchase, for a member drawn from the population (FHL 2005, equation (8))."""
    family.check_params(r, alpha, a, b)
    family.check_period(t)
    family.check_count(n)
    return family.p_purchases(n, t, r, alpha, a, b, False)


def bgnbd_conditional_p_purchases(
    n: int, t: float, x: int, t_x: float, T: float, *, r: float, alpha: float, a: float, b: float
) -> float:
    """P(n purchases in (T, T + t] | x, t_x, T): this member's own chance, given their history,
    of buying exactly n times in the next ``t`` (the unit of the summary and the parameters)."""
    family.check_params(r, alpha, a, b)
    family.check_summary(x, t_x, T)
    family.check_period(t)
    family.check_count(n)
    return family.conditional_p_purchases(n, t, x, t_x, T, r, alpha, a, b, False)


def bgnbd_log_likelihood(
    summaries: Iterable[tuple[int, float, float]],
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> float:
    """The log-likelihood of a population's (x, t_x, T) summaries under BG/NBD."""
    return family.log_likelihood(summaries, r, alpha, a, b, False)
