"""MBG/NBD: BG/NBD in which a member may also drop out right after the first purchase.

Batislam, Denizel & Filiztekin, "Empirical validation and comparison of models for customer base
analysis", International Journal of Research in Marketing 24(3), 2007. The only change from
BG/NBD: the chance p ~ Beta(a, b) of dropping out applies at time 0 as well, so a member who
bought once and never again is NOT certainly alive (BG/NBD says P(alive) = 1 for them, however
long ago that purchase was).

Inputs are the same (x, t_x, T) as BG/NBD, in the unit the parameters were fitted in.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import _bgfamily as family

__all__ = [
    "mbgnbd_conditional_p_purchases",
    "mbgnbd_expected_purchases",
    "mbgnbd_log_likelihood",
    "mbgnbd_p_alive",
    "mbgnbd_p_purchases",
]


def mbgnbd_p_alive(
    x: int, t_x: float, T: float, *, r: float, alpha: float, a: float, b: float
) -> float:
    """P(alive | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)), also below 1 at x = 0."""
    family.check_params(r, alpha, a, b)
    family.check_summary(x, t_x, T)
    return family.p_alive(x, t_x, T, r, alpha, a, b, True)


def mbgnbd_expected_purchases(
    t: float, x: int, t_x: float, T: float, *, r: float, alpha: float, a: float, b: float
) -> float:
    """Expected purchases in (T, T + t] given (x, t_x, T):

    E = (a+b+x)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x+1; a+b+x; t/(α+T+t))]
        · P(alive | x, t_x, T).
    """
    family.check_params(r, alpha, a, b)
    family.check_summary(x, t_x, T)
    family.check_period(t)
    return family.expected_purchases(t, x, t_x, T, r, alpha, a, b, True)


def mbgnbd_p_purchases(n: int, t: float, *, r: float, alpha: float, a: float, b: float) -> float:
    """P(X(t) = n) repeat purchases in the first ``t`` after the first purchase, for a member
    drawn from the population (dropping out at time 0 counts as n = 0)."""
    family.check_params(r, alpha, a, b)
    family.check_period(t)
    family.check_count(n)
    return family.p_purchases(n, t, r, alpha, a, b, True)


def mbgnbd_conditional_p_purchases(
    n: int, t: float, x: int, t_x: float, T: float, *, r: float, alpha: float, a: float, b: float
) -> float:
    """P(n purchases in (T, T + t] | x, t_x, T): this member's own chance, given their history,
    of buying exactly n times in the next ``t`` (the unit of the summary and the parameters)."""
    family.check_params(r, alpha, a, b)
    family.check_summary(x, t_x, T)
    family.check_period(t)
    family.check_count(n)
    return family.conditional_p_purchases(n, t, x, t_x, T, r, alpha, a, b, True)


def mbgnbd_log_likelihood(
    summaries: Iterable[tuple[int, float, float]],
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> float:
    """The log-likelihood of a population's (x, t_x, T) summaries under MBG/NBD."""
    return family.log_likelihood(summaries, r, alpha, a, b, True)
