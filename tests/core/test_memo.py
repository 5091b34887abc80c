"""Positions of keyed records stay right through appends, folds, replacements and branches of
one history, whatever order the tuples are asked about in."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from memberkit._memo import KeyedPositions

Record = tuple[str, int]

# Each step: append keys, drop the oldest k, replace one record keeping its key, or go back to
# an earlier tuple of the history (a branch: a quote, or two futures of one state).
_steps = st.lists(
    st.one_of(
        st.tuples(st.just("append"), st.lists(st.sampled_from("abcdefgh"), max_size=3)),
        st.tuples(st.just("drop"), st.integers(0, 3)),
        st.tuples(st.just("keep"), st.integers(0, 10)),
        st.tuples(st.just("branch"), st.integers(0, 30)),
    ),
    max_size=40,
)


def _last(records: tuple[Record, ...], key: str) -> int | None:
    found = [i for i, (k, _) in enumerate(records) if k == key]
    return found[-1] if found else None


def _first(records: tuple[Record, ...], key: str) -> int | None:
    found = [i for i, (k, _) in enumerate(records) if k == key]
    return found[0] if found else None


@given(_steps, st.integers(1, 8))
def test_positions_equal_a_search_of_every_tuple_made(
    steps: list[tuple[str, object]], kept: int
) -> None:
    """Every tuple made along the way answers find and first as a search of its records does,
    with a small memo that forgets families as well as a large one."""
    index: KeyedPositions[Record] = KeyedPositions(lambda r: r[0], kept=kept)
    made: list[tuple[Record, ...]] = [()]
    now: tuple[Record, ...] = ()
    serial = 0
    for op, arg in steps:
        if op == "append":
            assert isinstance(arg, list)
            added = []
            for key in arg:
                serial += 1
                added.append((key, serial))
            now = index.appended(now, (*now, *added))
        elif op == "drop":
            assert isinstance(arg, int)
            k = min(arg, len(now))
            now = index.dropped(now, now[k:], k)
        elif op == "keep":
            assert isinstance(arg, int)
            if now:
                i = arg % len(now)
                serial += 1
                out = list(now)
                out[i] = (now[i][0], serial)
                now = index.kept(now, tuple(out))
        else:
            assert isinstance(arg, int)
            now = made[arg % len(made)]
        made.append(now)
        for records in made[-6:]:
            for key in "abcdefghz":
                assert index.find(records, key) == _last(records, key)
                assert index.first(records, key) == _first(records, key)


class _NeverSearched(KeyedPositions[Record]):
    def _searched(self, records: tuple[Record, ...], key: str, *, last: bool) -> int | None:
        raise AssertionError(f"searched for {key!r}")


@given(st.lists(st.one_of(st.integers(1, 4), st.integers(-3, -1)), max_size=40))
def test_a_linear_history_of_distinct_keys_is_answered_without_a_search(steps: list[int]) -> None:
    """Appending new keys and dropping the oldest (one history, no branch) keeps every answer
    in the family: no record is searched for, so a question costs the same at any length."""
    index: KeyedPositions[Record] = _NeverSearched(lambda r: r[0])
    now: tuple[Record, ...] = ()
    serial = 0
    for step in steps:
        if step > 0:
            added = tuple((f"k{serial + j}", serial + j) for j in range(step))
            serial += step
            now = index.appended(now, (*now, *added))
        else:
            k = min(-step, len(now))
            now = index.dropped(now, now[k:], k)
        for i, (key, _) in enumerate(now):
            assert index.find(now, key) == i
            assert index.first(now, key) == i
        assert index.find(now, "absent") is None
