"""The array backend of the purchase-model fits: numpy for the likelihood, scipy to minimise.

Optional (the ``value`` extra). The likelihood is the one in ``_fit`` evaluated on arrays of
distinct summaries with their weights; terms that depend on x alone are computed once per
distinct x and spread with an index.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

__all__ = ["available", "fit_arrays"]


def available() -> bool:
    """Whether numpy and scipy can be imported."""
    try:
        import numpy  # noqa: F401
        import scipy.optimize
        import scipy.special  # noqa: F401
    except ImportError:
        return False
    return True


def _converged(result: Any) -> bool:
    """Success, or a line search that stopped where the gradient is already negligible (scipy
    reports ABNORMAL_TERMINATION when float precision, not the optimum, ends the search)."""
    import numpy as np

    scale = max(1.0, abs(float(result.fun)))
    return bool(result.success) or float(np.max(np.abs(result.jac))) <= 1e-6 * scale


def fit_arrays(
    counts: Counter[tuple[int, float, float]],
    modified: bool,
    penalty: float,
    start: tuple[float, float, float, float],
    max_iterations: int,
) -> tuple[list[float], int, bool, float]:
    """Minimise the (penalised) negative log-likelihood.

    Returns the log-parameters, the iterations, whether scipy reported success, and the plain
    log-likelihood at the answer.
    """
    import numpy as np
    from scipy.optimize import minimize
    from scipy.special import digamma, gammaln

    keys = list(counts)
    size = len(keys)
    x = np.fromiter((k[0] for k in keys), dtype=float, count=size)
    t_x = np.fromiter((k[1] for k in keys), dtype=float, count=size)
    T = np.fromiter((k[2] for k in keys), dtype=float, count=size)  # noqa: N806
    n = np.fromiter(counts.values(), dtype=float, count=size)
    # Summaries in whole days or weeks share few distinct x, t_x and T: logs and gammas are
    # taken once per distinct value and spread with an index, not once per row.
    xs, x_at = np.unique(x, return_inverse=True)
    times, time_at = np.unique(np.concatenate([t_x, T]), return_inverse=True)
    tx_at, T_at = time_at[:size], time_at[size:]  # noqa: N806
    x_weight = np.bincount(x_at, weights=n)
    shift = 1.0 if modified else 0.0

    def dot(u: Any, w: Any) -> float:
        # Multiply and add rather than BLAS: on a shared machine OpenBLAS threads made a dot
        # product of 30,000 numbers take 18 ms instead of 0.1 ms.
        return float(np.multiply(u, w).sum())

    def value_and_gradient(v: Any) -> tuple[float, Any]:
        """The log-likelihood and its gradient with respect to the log-parameters."""
        r, alpha, a, b = np.exp(v)
        head = (
            gammaln(r + xs)
            + gammaln(b + xs + shift)
            - gammaln(a + b + xs + shift)
            + (gammaln(a + b) - gammaln(b) - gammaln(r) + r * math.log(alpha))
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            share = math.log(a) - np.log(b + xs - 1 + shift)
        if not modified:
            share = np.where(xs > 0, share, -np.inf)  # no repeat purchase, no drop-out in BG/NBD
        log_at = np.log(alpha + times)
        inv_at = 1.0 / (alpha + times)
        rx = r + x
        alive = -rx * log_at[T_at]
        gone = share[x_at] - rx * log_at[tx_at]
        rows = np.logaddexp(alive, gone)
        value = dot(x_weight, head) + dot(n, rows)
        # w: the posterior weight of "dropped out after the last purchase" in each row.
        w = np.exp(gone - rows)
        nw, na = n * w, n * (1.0 - w)
        d_r = (
            dot(x_weight, (digamma(r + xs) - digamma(r) + math.log(alpha)))
            - dot(na, log_at[T_at])
            - dot(nw, log_at[tx_at])
        )
        d_alpha = r / alpha * n.sum() - dot(na, (rx * inv_at[T_at])) - dot(nw, (rx * inv_at[tx_at]))
        beta_x = digamma(a + b + xs + shift)
        d_a = dot(x_weight, (digamma(a + b) - beta_x)) + float(nw.sum()) / a
        with np.errstate(divide="ignore"):
            inv_share = np.where(np.isfinite(share), 1.0 / (b + xs - 1 + shift), 0.0)
        d_b = dot(x_weight, digamma(b + xs + shift) - beta_x + digamma(a + b) - digamma(b)) - dot(
            nw, inv_share[x_at]
        )
        gradient = np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
        return value, gradient

    def negative(v: Any) -> tuple[float, Any]:
        if np.any(np.abs(v) > 30):
            return math.inf, np.zeros(4)
        value, gradient = value_and_gradient(v)
        return -value + penalty * dot(v, v), -gradient + 2 * penalty * v

    result = minimize(
        negative,
        np.log(np.asarray(start, dtype=float)),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-30.0, 30.0)] * 4,
        options={"maxiter": max_iterations, "ftol": 1e-15, "gtol": 1e-9},
    )
    log_likelihood, _ = value_and_gradient(result.x)
    return [float(v) for v in result.x], int(result.nit), _converged(result), log_likelihood


def fit_spend_arrays(
    counts: Counter[tuple[int, float]],
    penalty: float,
    start: tuple[float, float, float],
    max_iterations: int,
) -> tuple[list[float], int, bool, float]:
    """The gamma-gamma fit on arrays: log-parameters, iterations, success, log-likelihood."""
    import numpy as np
    from scipy.optimize import minimize
    from scipy.special import digamma, gammaln

    keys = list(counts)
    size = len(keys)
    x = np.fromiter((k[0] for k in keys), dtype=float, count=size)
    z = np.fromiter((k[1] for k in keys), dtype=float, count=size)
    n = np.fromiter(counts.values(), dtype=float, count=size)
    log_x, log_z, xz = np.log(x), np.log(z), x * z
    total = float(n.sum())

    def dot(u: Any, w: Any) -> float:
        return float(np.multiply(u, w).sum())  # not BLAS: see fit_arrays

    def value_and_gradient(v: Any) -> tuple[float, Any]:
        p, q, gamma = np.exp(v)
        px = p * x
        log_gx = np.log(gamma + xz)
        value = total * (q * math.log(gamma) - gammaln(q)) + dot(
            n, gammaln(px + q) - gammaln(px) + px * log_x + (px - 1) * log_z - (px + q) * log_gx
        )
        both = digamma(px + q)
        d_p = dot(n, x * (both - digamma(px) + log_x + log_z - log_gx))
        d_q = total * (math.log(gamma) - digamma(q)) + dot(n, both - log_gx)
        d_gamma = total * q / gamma - dot(n, (px + q) / (gamma + xz))
        return float(value), np.array([d_p * p, d_q * q, d_gamma * gamma])

    def negative(v: Any) -> tuple[float, Any]:
        if np.any(np.abs(v) > 30):
            return math.inf, np.zeros(3)
        value, gradient = value_and_gradient(v)
        return -value + penalty * dot(v, v), -gradient + 2 * penalty * v

    result = minimize(
        negative,
        np.log(np.asarray(start, dtype=float)),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-30.0, 30.0)] * 3,
        options={"maxiter": max_iterations, "ftol": 1e-15, "gtol": 1e-9},
    )
    log_likelihood, _ = value_and_gradient(result.x)
    return [float(v) for v in result.x], int(result.nit), _converged(result), log_likelihood
