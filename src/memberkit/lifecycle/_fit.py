"""Maximum-likelihood fits of BG/NBD, MBG/NBD and Pareto/NBD, in pure Python or with numpy/scipy.

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

Pareto/NBD's likelihood needs two hypergeometric series per distinct summary. Its numpy backend
takes their gradient by complex steps (exact to float precision), which is what lets L-BFGS-B
close in on CDNOW's flat optimum to the published three decimals; its pure-Python backend is
Nelder–Mead as above, correct but slow (seconds per thousand distinct summaries) and stopped by
its tolerance on the likelihood, a little short of a flat optimum.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .._errors import ModelError
from ._bgfamily import check_summary
from ._optimize import nelder_mead_restarted
from ._pareto import log_likelihood_one as pareto_log_likelihood_one

__all__ = [
    "MODEL_NAMES",
    "Backend",
    "BgNbdFit",
    "ModelName",
    "ParetoNbdFit",
    "PurchaseFit",
    "bgnbd_fit",
    "check_penalty",
    "collapse",
    "fit_purchases",
    "pareto_nbd_fit",
]

ModelName = Literal["bgnbd", "mbgnbd", "pareto_nbd"]
Backend = Literal["auto", "python", "numpy"]
MODEL_NAMES: dict[str, str] = {"bgnbd": "BG/NBD", "mbgnbd": "MBG/NBD", "pareto_nbd": "Pareto/NBD"}
"""Each purchase model's id and its name in print."""


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
    model: Literal["bgnbd", "mbgnbd"] = "bgnbd"
    penalty: float = 0.0

    @property
    def parameters(self) -> dict[str, float]:
        """The parameters by name: r, alpha, a, b."""
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


@dataclass(frozen=True, slots=True)
class ParetoNbdFit:
    """Maximum-likelihood Pareto/NBD (r, α, s, β) and how the search ended."""

    r: float
    alpha: float
    s: float
    beta: float
    log_likelihood: float
    iterations: int
    converged: bool
    members: int
    penalty: float = 0.0
    model: Literal["pareto_nbd"] = "pareto_nbd"

    @property
    def parameters(self) -> dict[str, float]:
        """The parameters by name: r, alpha, s, beta."""
        return {"r": self.r, "alpha": self.alpha, "s": self.s, "beta": self.beta}


PurchaseFit = BgNbdFit | ParetoNbdFit

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


def check_penalty(penalty: float) -> None:
    """Refuse a penalty that is not a finite number >= 0."""
    if not (math.isfinite(penalty) and penalty >= 0):
        raise ModelError(f"the penalty must be a number >= 0 (got {penalty})")


def _check_start(start: tuple[float, float, float, float] | None) -> None:
    if start is not None and (
        len(start) != 4 or not all(math.isfinite(v) and v > 0 for v in start)
    ):
        raise ModelError(f"start must be four positive numbers, got {start}")


def _resolve(backend: Backend) -> Backend:
    if backend == "auto":
        from ._fast import available

        return "numpy" if available() else "python"
    if backend not in ("python", "numpy"):
        raise ModelError(f"unknown backend {backend!r} (auto, python or numpy)")
    return backend


def fit_purchases(
    summaries: Iterable[tuple[int, float, float]],
    *,
    model: ModelName = "bgnbd",
    penalty: float = 0.0,
    start: tuple[float, float, float, float] | None = None,
    backend: Backend = "auto",
    max_iterations: int = 4000,
) -> PurchaseFit:
    """Maximum-likelihood parameters of ``model`` from (x, t_x, T) summaries (one unit).

    (r, α, a, b) for bgnbd and mbgnbd, (r, α, s, β) for pareto_nbd; ``start`` in the same order
    (left out: (1, 1, 1, 1) for the BG models, and ``pareto_nbd_fit``'s own start).
    """
    if model not in MODEL_NAMES:
        raise ModelError(f"unknown purchase model {model!r} (bgnbd, mbgnbd or pareto_nbd)")
    check_penalty(penalty)
    _check_start(start)
    if model == "pareto_nbd":
        return pareto_nbd_fit(
            summaries, start=start, penalty=penalty, max_iterations=max_iterations, backend=backend
        )
    start = start or (1.0, 1.0, 1.0, 1.0)
    counts = collapse(summaries)
    modified = model == "mbgnbd"
    members = sum(counts.values())
    if _resolve(backend) == "numpy":
        from ._fast import fit_arrays

        point, iterations, converged, log_likelihood = fit_arrays(
            counts, modified, penalty, start, max_iterations
        )
    else:
        groups = _grouped(counts)

        def objective(v: Sequence[float]) -> float:
            return _penalised(_negative_python(groups, modified, v), v, penalty)

        point, iterations, converged = nelder_mead_restarted(
            objective, [math.log(v) for v in start], max_iterations=max_iterations
        )
        log_likelihood = -_negative_python(groups, modified, point)
    r, alpha, a, b = (math.exp(v) for v in point)
    name: Literal["bgnbd", "mbgnbd"] = "mbgnbd" if modified else "bgnbd"
    return BgNbdFit(r, alpha, a, b, log_likelihood, iterations, converged, members, name, penalty)


def pareto_nbd_fit(
    summaries: Iterable[tuple[int, float, float]],
    *,
    start: tuple[float, float, float, float] | None = None,
    penalty: float = 0.0,
    max_iterations: int = 2000,
    backend: Backend = "auto",
) -> ParetoNbdFit:
    """Maximum-likelihood Pareto/NBD (r, α, s, β) from a population's (x, t_x, T) summaries.

    ``numpy``: L-BFGS-B with complex-step gradients, fast on 100,000 members; ``python``:
    Nelder–Mead on the logarithms, whose every step costs two short series per distinct
    summary, so on more than a few thousand distinct summaries fit a sample. ``penalty`` as in
    ``fit_purchases``. Left out, ``start`` is r = s = 0.5 and α = β = a third of the mean T:
    α and β are times in the summaries' unit, and a start on their scale keeps the search away
    from α and β far apart, where the series are long.
    """
    check_penalty(penalty)
    _check_start(start)
    counts = collapse(summaries)
    rows = list(counts.items())
    if start is None:
        scale = math.fsum(T * n for (_, _, T), n in rows) / sum(counts.values()) / 3 or 1.0
        start = (0.5, scale, 0.5, scale)

    def log_likelihood(r: float, alpha: float, s: float, beta: float) -> float:
        return math.fsum(
            n * pareto_log_likelihood_one(x, t_x, T, r, alpha, s, beta) for (x, t_x, T), n in rows
        )

    if _resolve(backend) == "numpy":
        from ._fast import fit_pareto_arrays

        point, iterations, converged, found = fit_pareto_arrays(
            counts, penalty, start, max_iterations
        )
    else:

        def negative(v: Sequence[float]) -> float:
            if any(abs(t) > 20 for t in v):
                return math.inf
            try:
                value = log_likelihood(*(math.exp(t) for t in v))
            except ModelError:
                return math.inf  # a 2F1 too close to z = 1: the search steps back
            return _penalised(-value, v, penalty)

        point, iterations, converged = nelder_mead_restarted(
            negative, [math.log(v) for v in start], max_iterations=max_iterations
        )
        found = log_likelihood(*(math.exp(t) for t in point))
    r, alpha, s, beta = (math.exp(t) for t in point)
    return ParetoNbdFit(
        r,
        alpha,
        s,
        beta,
        found,
        iterations,
        converged,
        sum(counts.values()),
        penalty,
    )


def bgnbd_fit(
    summaries: Iterable[tuple[int, float, float]],
    *,
    start: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
    max_iterations: int = 4000,
    penalty: float = 0.0,
    backend: Backend = "auto",
) -> BgNbdFit:
    """Maximum-likelihood BG/NBD (r, α, a, b) from a population's (x, t_x, T) summaries."""
    fit = fit_purchases(
        summaries,
        model="bgnbd",
        penalty=penalty,
        start=start,
        backend=backend,
        max_iterations=max_iterations,
    )
    assert isinstance(fit, BgNbdFit)
    return fit
