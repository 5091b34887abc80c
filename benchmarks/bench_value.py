"""Fit speed of the purchase and spend models (python benchmarks/bench_value.py [MEMBERS]).

Members are drawn from the BG/NBD process itself (CDNOW-like parameters per day, r = 0.243,
α = 30.9 days, a = 0.793, b = 2.426) over a year, their first purchases spread over the year, and
summarised in whole days: as many distinct (x, t_x, T) summaries as real daily data has. For
Pareto/NBD they are drawn from its own process with the CDNOW estimates per day (r = 0.553,
α = 74.0 days, s = 0.606, β = 81.7 days). Each fit is timed on one core, with numpy/scipy (the
'value' extra) when installed and in pure Python on a tenth (Pareto/NBD: a thousandth) of the
members. The spend model is fitted on the repeat buyers with gamma amounts. Run it with
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 for one core.
"""

from __future__ import annotations

import random
import sys
import time

from memberkit.lifecycle import fit_purchases, gamma_gamma_fit
from memberkit.lifecycle._fast import available


def simulate(
    n: int, seed: int = 7
) -> tuple[list[tuple[int, float, float]], list[tuple[int, float]]]:
    """(x, t_x, T) in days for n members, and (x, mean amount) for the repeat buyers."""
    rng = random.Random(seed)
    r, alpha, a, b = 0.243, 4.414 * 7, 0.793, 2.426
    p, q, gamma = 6.25, 3.74, 15.44
    triples, spends = [], []
    for _ in range(n):
        T = float(rng.randint(1, 365))  # noqa: N806 - the paper's T
        rate = rng.gammavariate(r, 1 / alpha)
        drop = rng.betavariate(a, b)
        nu = rng.gammavariate(q, 1 / gamma)
        t, x, t_x = 0.0, 0, 0.0
        while True:
            t += rng.expovariate(rate) if rate > 0 else T + 1
            if t > T:
                break
            x, t_x = x + 1, float(int(t))
            if rng.random() < drop:
                break
        triples.append((x, t_x, T))
        if x:
            spends.append((x, sum(rng.gammavariate(p, 1 / nu) for _ in range(x)) / x))
    return triples, spends


def simulate_pareto(n: int, seed: int = 11) -> list[tuple[int, float, float]]:
    """(x, t_x, T) in days for n members from the Pareto/NBD process (CDNOW estimates)."""
    rng = random.Random(seed)
    r, alpha, s, beta = 0.553, 10.578 * 7, 0.606, 11.669 * 7
    triples = []
    for _ in range(n):
        T = float(rng.randint(1, 365))  # noqa: N806 - the paper's T
        rate = rng.gammavariate(r, 1 / alpha)
        life = rng.expovariate(rng.gammavariate(s, 1 / beta))
        t, x, t_x = 0.0, 0, 0.0
        while rate > 0:
            t += rng.expovariate(rate)
            if t > min(T, life):
                break
            x, t_x = x + 1, float(int(t))
        triples.append((x, t_x, T))
    return triples


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    """Run fn once and print how long it took."""
    start = time.perf_counter()
    result = fn()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    """Time each fit and print the figures."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    triples, spends = simulate(n)
    print(f"{n:,} members, {len(set(triples)):,} distinct summaries, {len(spends):,} repeat buyers")
    pareto = simulate_pareto(n)
    print(f"Pareto/NBD: {n:,} members, {len(set(pareto)):,} distinct summaries")
    if available():
        for model, data in (("bgnbd", triples), ("mbgnbd", triples), ("pareto_nbd", pareto)):
            fit = timed(
                f"{model} fit, numpy, {n:,} members",
                lambda m=model, d=data: fit_purchases(d, model=m, backend="numpy"),
            )
            shown = " ".join(f"{k}={v:.3f}" for k, v in fit.parameters.items())
            print(f"  {shown} converged={fit.converged}")
    else:
        print("numpy/scipy not installed: pip install -e '.[value]' for the array backend")
    tenth = triples[: n // 10]
    fit = timed(
        f"bgnbd fit, pure Python, {len(tenth):,} members ({len(set(tenth)):,} distinct)",
        lambda: fit_purchases(tenth, model="bgnbd", backend="python"),
    )
    shown = " ".join(f"{k}={v:.3f}" for k, v in fit.parameters.items())
    print(f"  {shown} converged={fit.converged}")
    sample = pareto[: n // 1000]  # every distinct summary costs two series a step
    fit = timed(
        f"pareto_nbd fit, pure Python, {len(sample):,} members ({len(set(sample)):,} distinct)",
        lambda: fit_purchases(sample, model="pareto_nbd", backend="python"),
    )
    shown = " ".join(f"{k}={v:.3f}" for k, v in fit.parameters.items())
    print(f"  {shown} converged={fit.converged}")
    backends = ("numpy", "python") if available() else ("python",)
    for backend in backends:
        some = spends if backend == "numpy" else spends[: len(spends) // 10]
        spend = timed(
            f"gamma-gamma fit, {backend}, {len(some):,} repeat buyers",
            lambda b=backend, s=some: gamma_gamma_fit(s, backend=b),
        )
        print(
            f"  p={spend.p:.2f} q={spend.q:.2f} gamma={spend.gamma:.2f} converged={spend.converged}"
        )


if __name__ == "__main__":
    main()
