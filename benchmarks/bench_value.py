"""Fit speed of the purchase and spend models (python benchmarks/bench_value.py [MEMBERS]).

Members are drawn from the BG/NBD process itself (CDNOW-like parameters per day, r = 0.243,
α = 30.9 days, a = 0.793, b = 2.426) over a year, their first purchases spread over the year, and
summarised in whole days: as many distinct (x, t_x, T) summaries as real daily data has. Each fit
is timed on one core, with numpy/scipy (the 'value' extra) when installed and in pure Python on
a tenth of the members. The spend model is fitted on the repeat buyers with gamma amounts.
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
    if available():
        for model in ("bgnbd", "mbgnbd"):
            fit = timed(
                f"{model} fit, numpy, {n:,} members",
                lambda m=model: fit_purchases(triples, model=m, backend="numpy"),
            )
            print(
                f"  r={fit.r:.3f} alpha={fit.alpha:.2f} a={fit.a:.3f} b={fit.b:.3f} converged={fit.converged}"
            )
    else:
        print("numpy/scipy not installed: pip install -e '.[value]' for the array backend")
    tenth = triples[: n // 10]
    fit = timed(
        f"bgnbd fit, pure Python, {len(tenth):,} members ({len(set(tenth)):,} distinct)",
        lambda: fit_purchases(tenth, model="bgnbd", backend="python"),
    )
    print(
        f"  r={fit.r:.3f} alpha={fit.alpha:.2f} a={fit.a:.3f} b={fit.b:.3f} converged={fit.converged}"
    )
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
