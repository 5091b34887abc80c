"""Work spread over worker processes, results in the order of the items (batch replay, demo).

Each worker receives the work function and its fixed arguments (the policy, the moments) once,
when it starts, and then only the items; ``imap`` gives the results in the items' order whatever
finishes first, so the output is the same with any number of workers. Items are handed over a
window at a time, so a long stream is never queued whole in the calling process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

__all__ = ["in_order"]

T = TypeVar("T")
R = TypeVar("R")

_WORK: tuple[Callable[..., Any], tuple[Any, ...]] | None = None
"""This worker process's work function and fixed arguments, set once when it starts."""


def _start(work: Callable[..., Any], fixed: tuple[Any, ...]) -> None:
    global _WORK  # one set of fixed arguments per worker process, received once
    _WORK = (work, fixed)


def _run(item: Any) -> Any:
    assert _WORK is not None
    work, fixed = _WORK
    return work(*fixed, item)


def in_order(
    work: Callable[..., R],
    fixed: tuple[Any, ...],
    items: Iterable[T],
    workers: int,
    *,
    chunksize: int,
    window: int,
) -> Iterator[R]:
    """``work(*fixed, item)`` for every item, over ``workers`` processes (in this process when
    1), in the items' order; ``window`` items are handed over at a time, in chunks of
    ``chunksize``. ``work`` is a module-level function; ``fixed`` is pickled once per worker."""
    if workers <= 1:
        for item in items:
            yield work(*fixed, item)
        return
    pending = iter(items)
    with multiprocessing.get_context().Pool(workers, _start, (work, fixed)) as pool:
        while batch := list(islice(pending, window)):
            yield from pool.imap(_run, batch, chunksize=chunksize)
