"""Coverage-guided fuzz target for memberkit's three edges: policies, events and stored states.

The contract (issue 16): whatever bytes arrive, ``parse_policy``, ``parse_event`` and
``state_from_json`` either succeed or raise a ``MemberkitError`` subclass, and so does using what
they accepted (a policy applied to a member, an event applied and quoted under the retail
example, a state saved again and asked about). Anything else escaping is a crash the fuzzer
reports with the input that caused it.

Run it with atheris (``pip install -e '.[fuzz]'``), one target at a time, over its seed corpus::

    python fuzz/fuzz_memberkit.py --target policy fuzz/corpus/policy -max_total_time=60

Every argument after ``--target NAME`` goes to libFuzzer (``-runs=N``, ``-seed=N``,
``-max_len=N``, a crash file to reproduce). ``check(target, data)`` is the harness itself; the
test suite runs it over the seed corpus (``tests/test_fuzz_corpus.py``).
"""

from __future__ import annotations

import contextlib
import decimal
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING

TARGETS = ("event", "policy", "state")
JOINED = datetime(2026, 1, 1, tzinfo=UTC)


if TYPE_CHECKING:
    from memberkit import Event, MemberState, Policy

# memberkit is imported inside the functions: under atheris it must first be imported within
# ``instrument_imports`` (main), so that coverage guides the fuzzer through its code.
_RETAIL: list[Policy] = []


def _retail() -> Policy:
    """The bundled retail example, read once."""
    import memberkit

    if not _RETAIL:
        text = (resources.files("memberkit") / "examples" / "retail.yaml").read_text("utf-8")
        _RETAIL.append(memberkit.parse_policy(text, source="retail.yaml"))
    return _RETAIL[0]


def _settled(state: MemberState) -> datetime:
    """The first moment a state answers for: advanced to, last event, or joining."""
    moments = [m for m in (state.advanced_to, state.clock, state.joined_at) if m is not None]
    return max(moments)


def _use_policy(policy: Policy) -> None:
    """A member of the policy buys, checks in, returns part of the order, and is asked about."""
    import memberkit

    info = policy.info
    state = memberkit.new_member("fuzz", JOINED)
    exponent = Decimal(1).scaleb(-info.currency_decimals)
    events = [
        {
            "type": "purchase",
            "id": "o1",
            "at": JOINED + timedelta(days=40),
            "currency": info.currency,
            "lines": [
                {"id": "l1", "category": "general", "amount": Decimal(120) * exponent * 100},
                {"id": "l2", "category": "gift_card", "amount": Decimal(5), "quantity": 2},
            ],
        },
        {"type": "activity", "id": "c1", "at": JOINED + timedelta(days=41), "kind": "checkin"},
        {
            "type": "refund",
            "id": "r1",
            "at": JOINED + timedelta(days=45),
            "order": "o1",
            "lines": [{"line": "l2", "quantity": 1}],
        },
    ]
    for data in events:
        event = memberkit.parse_event(data)
        if policy.at(event.at).points is not None:
            memberkit.quote_points(policy, state, event)
        state, _ = memberkit.apply(policy, state, event)
    later = JOINED + timedelta(days=800)
    asks: tuple[Callable[[Policy, MemberState, datetime], object], ...] = (
        memberkit.tier_of,
        memberkit.balance,
        memberkit.lifecycle_stage,
    )
    for ask in asks:
        try:
            ask(policy, state, later)
        except memberkit.MemberkitError:
            continue
    memberkit.advance(policy, state, later)


def _use_event(event: Event) -> None:
    """The event quoted and applied (twice) for a member of the retail example."""
    import memberkit

    policy = _retail()
    # Joined when the event happens: not refused as before joining, and no years of agenda to run
    # first (an event dated in 5602 would otherwise spend its time on reviews; see fuzz/README).
    state = memberkit.new_member("fuzz", event.at)
    with contextlib.suppress(memberkit.MemberkitError):
        memberkit.quote_points(policy, state, event)
    new, outcome = memberkit.apply(policy, state, event)
    if outcome.accepted:
        again, repeat = memberkit.apply(policy, new, event)
        if not repeat.duplicate or again != new:
            raise AssertionError(f"re-applying {event.id!r} was not a duplicate")


def _use_state(state: MemberState, data: bytes, strict: bool) -> None:
    """The state saved and read back unchanged, then asked about under the retail example."""
    import memberkit

    text = memberkit.state_to_json(state)
    if memberkit.state_from_json(text) != state:
        raise AssertionError("state_from_json(state_to_json(state)) differs from the state")
    try:
        given = json.loads(data)
    except ValueError:  # pydantic's JSON reader accepted what Python's does not: nothing to compare
        given = None
    dropped = _dropped_keys(given, json.loads(text), "")
    if dropped:
        # No key accepted and then ignored: a misspelt key silently loses what it held.
        _known(strict, AssertionError(f"state_from_json ignored the key {dropped!r}"))
        return
    policy = _retail()
    if _foreign(policy, state) and not strict:
        return
    moment = _settled(state)
    asks: tuple[Callable[[Policy, MemberState, datetime], object], ...] = (
        memberkit.tier_of,
        memberkit.balance,
    )
    for ask in asks:
        try:
            ask(policy, state, moment)
        except memberkit.MemberkitError:
            continue
        except (KeyError, IndexError) as exc:
            # Loading does not check a state against itself (a tier history without the earned
            # tiers it implies, a key left out and defaulted): issue 16, item 3 (strict loading).
            _known(strict, exc)
            return


def _dropped_keys(given: object, kept: object, path: str) -> str:
    """The first key of ``given`` (the JSON read) that ``kept`` (the JSON written) lacks."""
    if isinstance(given, dict) and isinstance(kept, dict):
        for key, value in given.items():
            if key not in kept:
                return f"{path}{key}"
            found = _dropped_keys(value, kept[key], f"{path}{key}.")
            if found:
                return found
    elif isinstance(given, list) and isinstance(kept, list):
        for i, (value, other) in enumerate(zip(given, kept, strict=False)):
            found = _dropped_keys(value, other, f"{path}{i}.")
            if found:
                return found
    return ""


def _known(strict: bool, exc: BaseException) -> None:
    """Raise a finding already filed in issue 16 only when asked to (``--strict``)."""
    if strict:
        raise exc


def _foreign(policy: Policy, state: MemberState) -> bool:
    """Whether the state was written under another programme than ``policy``.

    Such a state holds tiers or currencies the policy lacks, or no tier history at all (written
    without tiers). Asking about it raises KeyError/IndexError today: issue 16, item 3 (a policy
    change must map what members hold) owns that, and fuzz/README.md records the reproductions.
    Until then the fuzzer asks about such states nothing (unless ``--strict``), so it can look
    further.
    """
    program = policy.at(_settled(state))
    tiers = state.tiers
    held = {c.tier for c in (*tiers.history, *tiers.earned)} | {g.tier for g in tiers.grants}
    held |= {t for t in (tiers.lifetime, tiers.pending and tiers.pending.tier) if t}
    known = set(program.tiers.by_id) if program.tiers is not None else set()
    currencies = {lot.currency for lot in state.points.lots}
    known_currencies = set(program.points.by_id) if program.points is not None else set()
    no_history = program.tiers is not None and not tiers.history and state.advanced_to is not None
    return bool(held - known or currencies - known_currencies or no_history)


# Crashes already filed in issue 16 (item 2: bounds on amounts, dates and nesting), tolerated
# unless ``strict`` so that a run looks past them; the strict run shows they are still there.
KNOWN: tuple[type[BaseException], ...] = (
    decimal.DecimalException,
    OverflowError,
    RecursionError,
)


def check(target: str, data: bytes, *, strict: bool = False) -> None:
    """Feed ``data`` to one edge and use what it accepts; only a MemberkitError may escape.

    Raises whatever else escapes (the fuzzer's crash), or an AssertionError when a law breaks.
    Without ``strict``, the kinds of crash issue 16 already lists (``KNOWN``, states from another
    programme, keys a state drops) are let through.
    """
    import memberkit

    try:
        if target == "policy":
            _use_policy(memberkit.parse_policy(data, source="fuzz.yaml"))
        elif target == "event":
            _use_event(memberkit.parse_event(data))
        elif target == "state":
            _use_state(memberkit.state_from_json(data), data, strict)
        else:
            raise ValueError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    except memberkit.MemberkitError:
        return
    except KNOWN as exc:
        _known(strict, exc)


def main(argv: list[str]) -> None:
    """``--target NAME`` chooses the edge, ``--strict`` counts known crashes; the rest goes to
    libFuzzer."""
    import atheris  # type: ignore[import-untyped]

    args = list(argv)
    strict = "--strict" in args
    if strict:
        args.remove("--strict")
    if "--target" not in args[1:-1]:
        sys.exit(f"usage: {args[0]} --target {{{','.join(TARGETS)}}} [libFuzzer options] [corpus]")
    at = args.index("--target")
    target = args[at + 1]
    if target not in TARGETS:
        sys.exit(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    del args[at : at + 2]
    with atheris.instrument_imports(include=["memberkit"]):
        import memberkit  # noqa: F401  (instrumented here, used by check)
    _retail()

    def one_input(data: bytes) -> None:
        check(target, data, strict=strict)

    atheris.Setup(args, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
