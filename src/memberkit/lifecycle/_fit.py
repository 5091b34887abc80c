"""Maximum-likelihood fits of BG/NBD and MBG/NBD, in pure Python or with numpy/scipy.

Identical (x, t_x, T) summaries are collapsed into one row with a weight before anything is
computed: summaries in whole days or weeks repeat a lot, and the likelihood then costs one term
per distinct summary, not per member. Terms that depend on x alone are worked out once per x.

The optional ``penalty`` adds penalty · Σ (log θ)² to the negative log-likelihood: it pulls every
parameter towards 1 on the log scale and keeps a fit on hard data (few repeat buyers, one huge
buyer) from running off to a boundary (a → 0, α → ∞) where the likelihood is flat. With
penalty = 0 (the default) the fit is plain maximum likelihood.

Backends: ``python`` runs Nelder–Mead on the logarithms of the parameters (restarted once from
its own answer, the usual guard against a collapsed simplex). ``numpy`` evaluates the same
likelihood on arrays and minimises it with scipy's L-BFGS-B, then polishes with Nelder–Mead;
it needs the ``value`` extra (pip install 'memberkit[value]'). ``auto`` picks numpy when it is
installed. Both maximise the same function, and the tests check they agree.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .._errors import ModelError
from ._bgfamily import check_summary
from ._optimize import nelder_mead

__all__ = ["Backend", "BgNbdFit", "ModelName", "bgnbd_fit", "collapse", "fit_purchases"]

ModelName = Literal["bgnbd", "mbgnbd"]
Backend = Literal["auto", "python", "numpy"]


@dataclass(frozen=True, slots=True)
class BgNbdFit:
    """Maximum-likelihood (r, α, a, b) of BG/NBD or MBG/NBD and how the search ended.

    ``log_likelihood`` is the plain log-likelihood at the answer (without the penalty).
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    iterations: int
    converged: bool
    members: int
    model: ModelName = "bgnbd"
    penalty: float = 0.0


Rows = tuple[tuple[int, int, tuple[tuple[float, float, int], ...]], ...]


def collapse(summaries: Iterable[tuple[int, float, float]]) -> Counter[tuple[int, float, float]]:
    """Identical summaries counted once, with how many members share each."""
    counts: Counter[tuple[int, float, float]] = Counter()
    for x, t_x, T in summaries:
        check_summary(x, t_x, T)
        counts[(int(x), float(t_x), float(T))] += 1
    if not counts:
        raise ModelError("cannot fit a purchase model to an empty population")
    return counts


def _grouped(counts: Counter[tuple[int, float, float]]) -> Rows:
    by_x: dict[int, list[tuple[float, float, int]]] = {}
    for (x, t_x, T), n in counts.items():
        by_x.setdefault(x, []).append((t_x, T, n))
    return tuple((x, sum(n for _, _, n in rows), tuple(rows)) for x, rows in by_x.items())


def _negative_python(groups: Rows, modified: bool, log_params: Sequence[float]) -> float:
    """The negative log-likelihood summed over grouped rows (FHL eq. 6, or its MBG form)."""
    if any(v > 30 or v < -30 for v in log_params):
        return math.inf
    r, alpha, a, b = (math.exp(v) for v in log_params)
    log, log1p, exp, lgamma = math.log, math.log1p, math.exp, math.lgamma
    shift = 1 if modified else 0
    base = lgamma(a + b) - lgamma(b) - lgamma(r) + r * log(alpha)
    log_a = log(a)
    total = 0.0
    for x, members, rows in groups:
        rx = r + x
        head = base + lgamma(rx) + lgamma(b + x + shift) - lgamma(a + b + x + shift)
        total += members * head
        if x == 0 and not modified:
            total -= sum(n * rx * log(alpha + T) for _, T, n in rows)
            continue
        dead = log_a - log(b + x - 1 + shift)
        for t_x, T, n in rows:
            alive = -rx * log(alpha + T)
            gone = dead - rx * log(alpha + t_x)
            high, low = (alive, gone) if alive >= gone else (gone, alive)
            total += n * (high + log1p(exp(low - high)))
    return -total


def _penalised(value: float, log_params: Sequence[float], penalty: float) -> float:
    return value + penalty * sum(v * v for v in log_params)


def fit_purchases(
    summaries: Iterable[tuple[int, float, float]],
    *,
    model: ModelName = "bgnbd",
    penalty: float = 0.0,
    start: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
    backend: Backend = "auto",
    max_iterations: int = 4000,
) -> BgNbdFit:
    """Maximum-likelihood (r, α, a, b) of ``model`` from (x, t_x, T) summaries (one unit)."""
    if model not in ("bgnbd", "mbgnbd"):
        raise ModelError(f"unknown purchase model {model!r} (bgnbd or mbgnbd)")
    if not (math.isfinite(penalty) and penalty >= 0):
        raise ModelError(f"the penalty must be a number >= 0 (got {penalty})")
    if len(start) != 4 or not all(math.isfinite(v) and v > 0 for v in start):
        raise ModelError(f"start must be four positive numbers (r, alpha, a, b), got {start}")
    counts = collapse(summaries)
    modified = model == "mbgnbd"
    members = sum(counts.values())
    if backend == "auto":
        from ._fast import available

        backend = "numpy" if available() else "python"
    if backend == "numpy":
        from ._fast import fit_arrays

        point, iterations, converged, log_likelihood = fit_arrays(
            counts, modified, penalty, start, max_iterations
        )
    elif backend == "python":
        groups = _grouped(counts)

        def objective(v: Sequence[float]) -> float:
            return _penalised(_negative_python(groups, modified, v), v, penalty)

        point = [math.log(v) for v in start]
        iterations = 0
        converged = False
        for _ in range(2):
            point, _value, used, converged = nelder_mead(
                objective, point, max_iterations=max_iterations
            )
            iterations += used
        log_likelihood = -_negative_python(groups, modified, list(point))
    else:
        raise ModelError(f"unknown backend {backend!r} (auto, python or numpy)")
    r, alpha, a, b = (math.exp(v) for v in point)
    return BgNbdFit(r, alpha, a, b, log_likelihood, iterations, converged, members, model, penalty)


def bgnbd_fit(
    summaries: Iterable[tuple[int, float, float]],
    *,
    start: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
    max_iterations: int = 4000,
    penalty: float = 0.0,
    backend: Backend = "auto",
) -> BgNbdFit:
    """Maximum-likelihood BG/NBD (r, α, a, b) from a population's (x, t_x, T) summaries."""
    return fit_purchases(
        summaries,
        model="bgnbd",
        penalty=penalty,
        start=start,
        backend=backend,
        max_iterations=max_iterations,
    )
