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


def fit_arrays(
    counts: Counter[tuple[int, float, float]],
    modified: bool,
    penalty: float,
    start: tuple[float, float, float, float],
    max_iterations: int,
) -> tuple[list[float], int, bool]:
    """Minimise the (penalised) negative log-likelihood; the log-parameters, iterations, success."""
    import numpy as np
    from scipy.optimize import minimize
    from scipy.special import gammaln

    keys = list(counts)
    x = np.fromiter((k[0] for k in keys), dtype=float, count=len(keys))
    t_x = np.fromiter((k[1] for k in keys), dtype=float, count=len(keys))
    T = np.fromiter((k[2] for k in keys), dtype=float, count=len(keys))  # noqa: N806
    n = np.fromiter(counts.values(), dtype=float, count=len(keys))
    xs, where = np.unique(x, return_inverse=True)
    # Weight of each distinct x: the x-only terms are multiplied by it once.
    x_weight = np.bincount(where, weights=n)
    shift = 1.0 if modified else 0.0
    can_die = np.ones_like(x, dtype=bool) if modified else x > 0

    def negative(v: Any) -> float:
        if np.any(np.abs(v) > 30):
            return math.inf
        r, alpha, a, b = np.exp(v)
        head = (
            gammaln(r + xs)
            + gammaln(b + xs + shift)
            - gammaln(a + b + xs + shift)
            + (gammaln(a + b) - gammaln(b) - gammaln(r) + r * math.log(alpha))
        )
        rx = r + x
        alive = -rx * np.log(alpha + T)
        gone = np.full_like(alive, -np.inf)
        gone[can_die] = (
            math.log(a)
            - np.log(b + x[can_die] - 1 + shift)
            - rx[can_die] * np.log(alpha + t_x[can_die])
        )
        total = float(x_weight @ head) + float(n @ np.logaddexp(alive, gone))
        return -total + penalty * float(v @ v)

    result = minimize(
        negative,
        np.log(np.asarray(start, dtype=float)),
        method="L-BFGS-B",
        bounds=[(-30.0, 30.0)] * 4,
        options={"maxiter": max_iterations, "ftol": 1e-15, "gtol": 1e-9},
    )
    return [float(v) for v in result.x], int(result.nit), bool(result.success)
