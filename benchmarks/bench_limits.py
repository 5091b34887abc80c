"""The hostile inputs of issue 16 against the bounds: time and memory each one costs.

Run: python benchmarks/bench_limits.py
- a 1 MB policy whose `per:` is a number, a million blanks and a letter (once >600 s in validate;
  what remains is PyYAML's pure-Python scanner reading a 1 MB scalar, about 1 µs a character);
- 2,000 odd locales rendered (once +92 MB of cached catalogues);
- a 100,000-deep JSON event, a 4,301-digit number, a 2 MB event.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import memberkit
from memberkit import Reason
from memberkit.i18n import render

_HEAD = "memberkit: 1\nprogram: {id: t, currency: CNY, timezone: Asia/Shanghai}\n"


def _once(run: Callable[[], object]) -> str:
    try:
        run()
    except memberkit.MemberkitError as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:60]}"
    return "accepted"


def _timed(name: str, run: Callable[[], object]) -> None:
    # Timed without tracemalloc (it slows PyYAML's pure-Python scanner several times over), then
    # run again under tracemalloc for the peak of Python allocations.
    start = time.perf_counter()
    outcome = _once(run)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    _once(run)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{name:<34} {seconds:>8.3f} s {peak / 2**20:>8.1f} MB  {outcome}")


def main() -> None:
    blanks = " " * (1_000_000 - 200)
    policy = (
        _HEAD + f"points:\n  earn:\n    - {{id: b, on: purchase, per: '1{blanks}x', points: 1}}\n"
    )
    _timed("1 MB per: amount", lambda: memberkit.parse_policy(policy))
    _timed(
        "2,000 odd locales rendered",
        lambda: [render(Reason.of("probe"), f"zz_X{i:04d}") for i in range(2000)],
    )
    _timed("100,000-deep JSON event", lambda: memberkit.parse_event("[" * 100_000 + "]" * 100_000))
    _timed(
        "4,301-digit number in an event",
        lambda: memberkit.parse_event('{"id": "e", "points": ' + "9" * 4301 + "}"),
    )
    _timed("2 MB event", lambda: memberkit.parse_event('{"id": "e", "x": "' + "x" * 2**21 + '"}'))


if __name__ == "__main__":
    main()
