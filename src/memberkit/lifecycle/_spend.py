"""The gamma-gamma model of how much a member spends per purchase.

Fader & Hardie, "The Gamma-Gamma Model of Monetary Value" (2013 note; the model of Fader, Hardie &
Lee 2005, "RFM and CLV", JMR 42(4), after Colombo & Jiang 1999). Each purchase amount is
Gamma(p, ν); a member's ν is Gamma(q, γ) across members. A member's mean purchase is then p/ν, and
given x purchases with mean z̄:

  density of z̄:   Γ(px+q) / (Γ(px) Γ(q)) · γ^q x^(px) z̄^(px-1) / (γ + x z̄)^(px+q)
  E[mean | x, z̄] = (γ + x z̄) p / (px + q - 1)
                 = (q-1)/(px+q-1) · γp/(q-1)  +  px/(px+q-1) · z̄

a weighted average of the population mean γp/(q-1) and the member's own mean: the more purchases,
the more the member's own figure counts. The model assumes amounts independent of how often the
member buys (check it: tests and docs/lifecycle.md). Fit it on members with x >= 1 repeat
purchases and the mean of their REPEAT purchases (the first purchase is often atypical).
Amounts come in and go out as Decimal in the programme's currency; p and q have no unit, γ is in
the currency.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .._errors import ModelError
from ._fit import check_penalty
from ._optimize import nelder_mead_restarted

__all__ = [
    "GammaGammaFit",
    "gamma_gamma_expected_spend",
    "gamma_gamma_fit",
    "gamma_gamma_log_likelihood",
]


def _check(p: float, q: float, gamma: float) -> None:
    if not all(isinstance(v, int | float) and math.isfinite(v) and v > 0 for v in (p, q, gamma)):
        raise ModelError(
            f"gamma-gamma parameters p, q and gamma must be positive (got {p}, {q}, {gamma})"
        )


def _pair(x: int, mean: Decimal | float) -> tuple[int, float]:
    value = float(mean)
    if not (isinstance(x, int) and x >= 1 and math.isfinite(value) and value > 0):
        raise ModelError(
            f"the spend model needs x >= 1 purchases with a positive mean amount (got x={x}, "
            f"mean={mean}); members without repeat purchases or with a zero mean are left out"
        )
    return x, value


def _log_density(x: int, zbar: float, p: float, q: float, gamma: float) -> float:
    px = p * x
    return (
        math.lgamma(px + q)
        - math.lgamma(px)
        - math.lgamma(q)
        + q * math.log(gamma)
        + px * math.log(x)
        + (px - 1) * math.log(zbar)
        - (px + q) * math.log(gamma + x * zbar)
    )


def gamma_gamma_log_likelihood(
    members: Iterable[tuple[int, Decimal | float]], *, p: float, q: float, gamma: float
) -> float:
    """The log-likelihood of (x, mean amount) pairs under (p, q, γ)."""
    _check(p, q, gamma)
    return math.fsum(_log_density(*_pair(x, m), p, q, gamma) for x, m in members)


def gamma_gamma_expected_spend(
    x: int, mean_amount: Decimal | None, *, p: float, q: float, gamma: float
) -> Decimal:
    """E[a member's mean purchase amount | x repeat purchases with mean ``mean_amount``].

    With x = 0 (or no mean) it is the population mean γp/(q-1), which needs q > 1. Computed in
    Decimal; the caller rounds to the currency.
    """
    _check(p, q, gamma)
    dp, dq, dg = (Decimal(repr(float(v))) for v in (p, q, gamma))
    if x == 0 or mean_amount is None:
        if q <= 1:
            raise ModelError(f"the population mean spend needs q > 1 (got q={q})")
        return dg * dp / (dq - 1)
    x, _ = _pair(x, mean_amount)
    mean = mean_amount if isinstance(mean_amount, Decimal) else Decimal(repr(mean_amount))
    return (dg + x * mean) * dp / (dp * x + dq - 1)


@dataclass(frozen=True, slots=True)
class GammaGammaFit:
    """Maximum-likelihood (p, q, γ) of the gamma-gamma spend model and how the search ended."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    iterations: int
    converged: bool
    members: int
    penalty: float = 0.0


def gamma_gamma_fit(
    members: Iterable[tuple[int, Decimal | float]],
    *,
    penalty: float = 0.0,
    start: tuple[float, float, float] = (1.0, 1.0, 1.0),
    max_iterations: int = 4000,
    backend: Literal["auto", "python", "numpy"] = "auto",
) -> GammaGammaFit:
    """Maximum-likelihood (p, q, γ) from (x, mean repeat amount) pairs of members with x >= 1.

    Identical pairs are collapsed with a weight; ``penalty`` adds penalty · Σ (log θ)², as in the
    purchase-model fits. ``python``: Nelder–Mead on the logarithms, restarted once from its own
    answer; ``numpy`` (the ``value`` extra): L-BFGS-B with the analytic gradient; ``auto`` picks
    numpy when installed.
    """
    check_penalty(penalty)
    counts: Counter[tuple[int, float]] = Counter(_pair(x, m) for x, m in members)
    if not counts:
        raise ModelError("cannot fit the spend model: no member has a repeat purchase")
    total_n = sum(counts.values())
    if backend == "auto":
        from ._fast import available

        backend = "numpy" if available() else "python"
    if backend == "numpy":
        from ._fast import fit_spend_arrays

        found, used, ok, ll = fit_spend_arrays(counts, penalty, start, max_iterations)
        p, q, gamma = (math.exp(t) for t in found)
        return GammaGammaFit(p, q, gamma, ll, used, ok, total_n, penalty)
    if backend != "python":
        raise ModelError(f"unknown backend {backend!r} (auto, python or numpy)")
    rows = [(x, z, n, math.log(x), math.log(z)) for (x, z), n in counts.items()]

    def negative(v: Sequence[float]) -> float:
        if any(abs(t) > 30 for t in v):
            return math.inf
        p, q, gamma = (math.exp(t) for t in v)
        lg, log = math.lgamma, math.log
        value = total_n * (q * log(gamma) - lg(q))
        for x, z, n, log_x, log_z in rows:
            px = p * x
            value += n * (
                lg(px + q) - lg(px) + px * log_x + (px - 1) * log_z - (px + q) * log(gamma + x * z)
            )
        return -value + penalty * sum(t * t for t in v)

    point, iterations, converged = nelder_mead_restarted(
        negative, [math.log(v) for v in start], max_iterations=max_iterations
    )
    p, q, gamma = (math.exp(t) for t in point)
    log_likelihood = math.fsum(n * _log_density(x, z, p, q, gamma) for x, z, n, _, _ in rows)
    return GammaGammaFit(p, q, gamma, log_likelihood, iterations, converged, total_n, penalty)
