"""A small Nelder–Mead minimiser for the pure-Python fits (no numerical library needed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["nelder_mead", "nelder_mead_restarted"]


def nelder_mead(
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


def nelder_mead_restarted(
    f: Callable[[Sequence[float]], float], start: Sequence[float], *, max_iterations: int = 4000
) -> tuple[list[float], int, bool]:
    """Nelder–Mead run twice, the second from the first's answer with a fresh simplex (the usual
    guard against a collapsed one). Returns the point, the iterations and whether it converged."""
    point, iterations, converged = list(start), 0, False
    for _ in range(2):
        point, _value, used, converged = nelder_mead(f, point, max_iterations=max_iterations)
        iterations += used
    return point, iterations, converged
