"""The array backend of the purchase-model fits: numpy for the likelihood, scipy to minimise.

Optional (the ``value`` extra). The likelihoods are those of ``_fit`` (BG/NBD, MBG/NBD),
``_pareto`` (Pareto/NBD) and ``_spend`` (gamma-gamma), evaluated on arrays of distinct summaries
with their weights; terms that depend on x alone are computed once per distinct x and spread
with an index. One L-BFGS-B driver (``_minimise``) serves every fit.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

__all__ = ["available", "fit_arrays", "fit_pareto_arrays", "fit_spend_arrays"]


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


def _dot(u: Any, w: Any) -> float:
    """Σ u·w by multiply and add rather than BLAS: on a shared machine OpenBLAS threads made a
    dot product of 30,000 numbers take 18 ms instead of 0.1 ms."""
    import numpy as np

    return float(np.multiply(u, w).sum())


def _columns(counts: Counter[tuple[int, float, float]]) -> tuple[Any, Any, Any, Any]:
    """The distinct summaries as arrays x, t_x, T and their weights n."""
    import numpy as np

    size = len(counts)
    x = np.fromiter((k[0] for k in counts), dtype=float, count=size)
    t_x = np.fromiter((k[1] for k in counts), dtype=float, count=size)
    T = np.fromiter((k[2] for k in counts), dtype=float, count=size)  # noqa: N806
    n = np.fromiter(counts.values(), dtype=float, count=size)
    return x, t_x, T, n


def _minimise(
    value_and_gradient: Any, start: Any, penalty: float, max_iterations: int
) -> tuple[list[float], int, bool, float]:
    """Maximise a log-likelihood over log-parameters with L-BFGS-B (plus the penalty).

    Returns the log-parameters, the iterations, whether the search converged, and the plain
    log-likelihood at the answer.
    """
    import numpy as np
    from scipy.optimize import minimize

    size = len(start)

    def negative(v: Any) -> tuple[float, Any]:
        if np.any(np.abs(v) > 30):
            return math.inf, np.zeros(size)
        value, gradient = value_and_gradient(v)
        if not math.isfinite(value):
            return math.inf, np.zeros(size)
        return -value + penalty * _dot(v, v), -gradient + 2 * penalty * v

    result = minimize(
        negative,
        np.log(np.asarray(start, dtype=float)),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-30.0, 30.0)] * size,
        options={"maxiter": max_iterations, "ftol": 1e-15, "gtol": 1e-9},
    )
    log_likelihood, _ = value_and_gradient(result.x)
    return [float(v) for v in result.x], int(result.nit), _converged(result), float(log_likelihood)


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
    from scipy.special import digamma, gammaln

    x, t_x, T, n = _columns(counts)  # noqa: N806
    size = x.size
    # Summaries in whole days or weeks share few distinct x, t_x and T: logs and gammas are
    # taken once per distinct value and spread with an index, not once per row.
    xs, x_at = np.unique(x, return_inverse=True)
    times, time_at = np.unique(np.concatenate([t_x, T]), return_inverse=True)
    tx_at, T_at = time_at[:size], time_at[size:]  # noqa: N806
    x_weight = np.bincount(x_at, weights=n)
    shift = 1.0 if modified else 0.0

    dot = _dot

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

    return _minimise(value_and_gradient, start, penalty, max_iterations)


def fit_spend_arrays(
    counts: Counter[tuple[int, float]],
    penalty: float,
    start: tuple[float, float, float],
    max_iterations: int,
) -> tuple[list[float], int, bool, float]:
    """The gamma-gamma fit on arrays: log-parameters, iterations, success, log-likelihood."""
    import numpy as np
    from scipy.special import digamma, gammaln

    keys = list(counts)
    size = len(keys)
    x = np.fromiter((k[0] for k in keys), dtype=float, count=size)
    z = np.fromiter((k[1] for k in keys), dtype=float, count=size)
    n = np.fromiter(counts.values(), dtype=float, count=size)
    log_x, log_z, xz = np.log(x), np.log(z), x * z
    total = float(n.sum())

    dot = _dot

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

    return _minimise(value_and_gradient, start, penalty, max_iterations)


_STEP = 1e-30
"""The complex step: f(v + ih)·Im / h is f's derivative to full precision, with no cancellation."""
_MAX_TERMS = 5_000


def _log_series_1(b: Any, c: Any, z: Any) -> Any:
    """log 2F1(1, b; c; z) on arrays, 0 < b < c, 0 <= z < 1, complex-step aware.

    The series of ``_pareto._log_series_1``: every ratio (b+k)/(c+k)·z is below z < 1, so after
    a term the rest is at most term·z/(1-z). Terms are taken in blocks (16, 32, ... 8192 at a
    time, a cumulative product each), and only the entries not yet converged go on: an entry
    with z near 1 (a small y with α far from β) needs thousands of terms, the others a dozen.
    NaN past 5,000 terms (z above about 0.99, α and β a hundredfold apart): an infinite value
    the search steps back from, so that no evaluation costs seconds; a maximum out there is a
    boundary (nobody drops out) where a penalty belongs, or the pure-Python backend.
    """
    import numpy as np

    shape = np.broadcast_shapes(b.shape, c.shape, z.shape)
    b, c, z = (np.broadcast_to(v, shape).reshape(-1) for v in (b, c, z))
    total = np.ones(b.shape, dtype=complex)
    last = np.ones(b.shape, dtype=complex)
    active = np.arange(b.size)
    start, block = 0, 16
    while active.size and start < _MAX_TERMS:
        ks: Any = start + np.arange(block)
        ratios = (b[active, None] + ks) / (c[active, None] + ks) * z[active, None]
        terms = last[active, None] * np.cumprod(ratios, axis=1)
        total[active] += terms.sum(axis=1)
        last[active] = terms[:, -1]
        q = z[active].real
        done = (q < 1) & (last[active].real * q <= 1e-17 * (1 - q) * total[active].real)
        active = active[~done]
        start, block = start + block, min(2 * block, 8192)
    total[active] = np.nan
    return np.log(total).reshape(shape)


def _log_pair_series(b: Any, c: Any, z: Any, x_of: Any, y_of: Any) -> Any:
    """log 2F1(1, b; c; z) for each pair (b and c of its x, z of its y), complex-step aware.

    The k-th term is coef_k(x)·z(y)^k with coef_k = Π_{j<k} (b+j)/(c+j): the coefficients are
    made once per distinct x and the powers once per distinct y, so a pair costs a product per
    term. 16 terms settle every pair whose z is not near 1; only the few left go on, in
    ``_log_series_1`` (recomputing every pair with more terms cost up to three times as much:
    a fit on 100,000 members with five years of days took 4.5 s instead of 1.6 s).
    """
    import numpy as np

    ks = np.arange(16)
    coef = np.cumprod((b[..., None] + ks) / (c[..., None] + ks), axis=-1)
    powers = np.cumprod(np.broadcast_to(z[..., None], (*z.shape, ks.size)), axis=-1)
    terms = coef[:, x_of, :] * powers[:, y_of, :]
    total = 1 + terms.sum(axis=-1)
    q = z[0].real[y_of]
    done = (q < 1) & (terms[0, :, -1].real * q <= 1e-17 * (1 - q) * total[0].real)
    out = np.log(total)
    if done.all():
        return out
    rest = ~done
    out[:, rest] = _log_series_1(b[:, x_of[rest]], c[:, x_of[rest]], z[:, y_of[rest]])
    return out


def fit_pareto_arrays(
    counts: Counter[tuple[int, float, float]],
    penalty: float,
    start: tuple[float, float, float, float],
    max_iterations: int,
) -> tuple[list[float], int, bool, float]:
    """The Pareto/NBD fit on arrays: log-parameters, iterations, success, log-likelihood.

    The likelihood is ``_pareto``'s, with G(y) evaluated once per distinct (x, y) pair (y being
    t_x or T). G's gradient comes from complex steps (the four stepped series are one (4, pairs)
    complex evaluation, exact to float precision, where finite differences would be noise);
    the rest of the gradient is written out. An exact gradient is what lets L-BFGS-B close in
    on a flat optimum such as CDNOW's β.
    """
    import numpy as np
    from scipy.special import digamma, gammaln

    x, t_x, T, n = _columns(counts)  # noqa: N806
    size = x.size
    x_values, x_index = np.unique(x, return_inverse=True)
    x_weight = np.bincount(x_index, weights=n)
    # G(y) depends on x and y only: one series per distinct (x, y) pair.
    # A pair's series is Σ_k coef_k(x) z(y)^k: coefficients per distinct x, powers per distinct y.
    xs = x_values
    ys, y_index = np.unique(np.concatenate([t_x, T]), return_inverse=True)
    keys_xy = np.concatenate([x_index, x_index]) * ys.size + y_index
    distinct, pair_at = np.unique(keys_xy, return_inverse=True)
    x_of, y_of = distinct // ys.size, distinct % ys.size
    tx_at, T_at = pair_at[:size], pair_at[size:]  # noqa: N806
    gone_rows = t_x < T
    total = float(n.sum())

    def value_and_gradient(v: Any) -> tuple[float, Any]:
        # z = 1 (α vanishing beside β, or the reverse) is a log of 0: an infinite value the
        # search steps back from, not a warning.
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return likelihood(np.asarray(v, dtype=float))

    def log_g(v: Any) -> tuple[Any, Any]:
        """log G on the distinct pairs and its gradient, by complex steps: (P,) and (4, P)."""
        r, alpha, s, beta = (
            p[:, None] for p in np.exp(v + 1j * _STEP * np.eye(4)).T
        )  # each (4, 1): row i is stepped in parameter i
        if alpha[0, 0].real >= beta[0, 0].real:
            z = (alpha - beta) / (alpha + ys)
            b = r + xs
            front = (-s * np.log1p(-z))[:, y_of]
            base = np.log(alpha + ys)
        else:
            z = (beta - alpha) / (beta + ys)
            b = s + 1 + 0 * xs
            front = (1 - r - xs)[:, x_of] * np.log1p(-z)[:, y_of]
            base = np.log(beta + ys)
        c = r + s + xs + 1
        series = _log_pair_series(b, c, z, x_of, y_of)
        out = front + series - (c - 1)[:, x_of] * base[:, y_of]
        return out[0].real, out.imag / _STEP

    def likelihood(v: Any) -> tuple[float, Any]:
        r, alpha, s, beta = np.exp(v)
        g, dg = log_g(v)
        early, late = g[tx_at], g[T_at]
        gap = late - early
        valid = gone_rows & (gap < 0)
        drop = -np.expm1(gap)  # 1 - G(T)/G(t_x)
        rsx = r + s + x
        gone = np.where(valid, math.log(s) - np.log(rsx) + early + np.log(drop), -np.inf)
        log_at, log_bt = np.log(alpha + T), np.log(beta + T)
        alive = -(r + x) * log_at - s * log_bt
        rows = np.logaddexp(alive, gone)
        head = total * (r * math.log(alpha) + s * math.log(beta) - float(gammaln(r)))
        value = head + _dot(x_weight, gammaln(r + x_values)) + _dot(n, rows)
        if not math.isfinite(value):
            return -math.inf, np.zeros(4)
        # Each row is a mixture of "alive" and "gone": its gradient is theirs weighted by the
        # posterior weight w of "gone"; d log A0 = (dG(t_x)/G(t_x) - e^gap dG(T)/G(T)) / drop.
        w = np.exp(gone - rows)
        nw, na = n * w, n * (1 - w)
        d_a0 = np.where(valid, (dg[:, tx_at] - np.exp(gap) * dg[:, T_at]) / drop, 0.0)
        d_alive = (
            -r * _dot(na, log_at),
            -alpha * _dot(na, (r + x) / (alpha + T)),
            -s * _dot(na, log_bt),
            -beta * s * _dot(na, 1 / (beta + T)),
        )
        d_gone = d_a0 @ nw + np.array(
            [-r * _dot(nw, 1 / rsx), 0.0, float(nw.sum()) - s * _dot(nw, 1 / rsx), 0.0]
        )
        d_head = np.array(
            [
                r
                * (
                    total * (math.log(alpha) - float(digamma(r)))
                    + _dot(x_weight, digamma(r + x_values))
                ),
                total * r,
                total * s * math.log(beta),
                total * s,
            ]
        )
        return value, d_head + np.array(d_alive) + d_gone

    return _minimise(value_and_gradient, start, penalty, max_iterations)
