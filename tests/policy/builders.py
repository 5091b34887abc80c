"""Builders for the policy tests: hypothesis strategies that draw policies from the JSON Schema.

A small generator of our own (hypothesis-jsonschema does not run on current hypothesis): it walks
``$ref``, ``anyOf``, ``enum``, ``const``, objects, arrays, strings with patterns, and bounded
numbers. Free text and patterned text are drawn from words real policies use as often as from
random text, so ids, timezones and currencies sometimes line up and a drawn policy can load.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import regress
from hypothesis import strategies as st

from memberkit.policy import _yaml

__all__ = ["EVENT_KINDS", "PARSERS", "WORDS", "events", "from_schema", "yaml_parser_named"]

PARSERS = ("libyaml", "python")
"""The YAML parsers the loader can read with; located errors and limits must not depend on it."""


@contextmanager
def yaml_parser_named(name: str) -> Iterator[None]:
    """Read policies with ``name``'s parser inside the block (libyaml is skipped when absent)."""
    saved = _yaml.C_LOADER
    if name == "libyaml" and saved is None:
        pytest.skip("PyYAML was built without libyaml")
    _yaml.C_LOADER = saved if name == "libyaml" else None
    try:
        yield
    finally:
        _yaml.C_LOADER = saved


WORDS = (
    "Asia/Shanghai",
    "UTC",
    "CNY",
    "USD",
    "JPY",
    "en",
    "zh_Hans",
    "basic",
    "silver",
    "gold",
    "points",
    "growth",
    "purchase",
    "checkin",
    "stay",
    "referral",
    "app",
    "month",
    "day",
    "12-31",
    "02-28",
    "1 CNY",
    "0.5",
    "attr.nights",
    "attr.distance",
    "2026-01-01",
)
"""Words policies use, tried for every string the schema allows them in."""

EVENT_KINDS = ("checkin", "stay", "referral", "flight", "delivered")

_Schema = dict[str, Any]

# Printable text: YAML refuses control characters and lone surrogates outright (a located
# yaml_syntax issue), which would keep most drawn documents from reaching the sections.
_CHARS = st.characters(exclude_categories=("Cs", "Cc"))


def from_schema(schema: _Schema) -> st.SearchStrategy[Any]:
    """Documents drawn from ``schema`` (a root schema with ``$defs``)."""
    return _Walker(schema.get("$defs", {})).strategy(schema, 0)


class _Walker:
    def __init__(self, defs: dict[str, _Schema]) -> None:
        self.defs = defs

    def strategy(self, node: _Schema, depth: int) -> st.SearchStrategy[Any]:
        if depth > 10:
            return st.none()
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = self.defs[ref.rsplit("/", 1)[-1]]
            return st.deferred(lambda: self.strategy(target, depth + 1))
        if "const" in node:
            return st.just(node["const"])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        for key in ("anyOf", "oneOf"):
            options = node.get(key)
            if options and "properties" in node and all(set(o) == {"required"} for o in options):
                # "exactly one of these keys" on an object: draw the object with one of them.
                rest = {k: v for k, v in node.items() if k != key}
                base = list(node.get("required", ()))
                return st.sampled_from(options).flatmap(
                    lambda o, rest=rest, base=base: self.mapping(
                        {**rest, "required": base + o["required"]}, depth
                    )
                )
            if key in node:
                return st.one_of([self.strategy(o, depth + 1) for o in node[key]])
        kind = node.get("type")
        if isinstance(kind, list):
            return st.one_of([self.strategy({**node, "type": k}, depth) for k in kind])
        if kind == "object" or "properties" in node:
            return self.mapping(node, depth)
        if kind == "array":
            items = node.get("items", {})
            return st.lists(
                self.strategy(items, depth + 1),
                min_size=node.get("minItems", 0),
                max_size=min(node.get("maxItems", 2), 2),
            )
        if kind == "string":
            return self.text(node)
        if kind == "integer":
            low = node.get("minimum", node.get("exclusiveMinimum", -2) + 1)
            high = node.get("maximum", low + 10_000)
            return st.one_of(st.integers(low, min(high, low + 30)), st.integers(low, high))
        if kind == "number":
            return self.number(node)
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        # No type: any small value.
        return st.one_of(st.none(), st.booleans(), st.integers(-5, 50), st.sampled_from(WORDS))

    def mapping(self, node: _Schema, depth: int) -> st.SearchStrategy[Any]:
        props: dict[str, _Schema] = node.get("properties", {})
        required = set(node.get("required", ()))
        fixed = {k: self.strategy(v, depth + 1) for k, v in props.items() if k in required}
        optional = {k: self.strategy(v, depth + 1) for k, v in props.items() if k not in required}
        patterns: dict[str, _Schema] = node.get("patternProperties", {})
        extra = node.get("additionalProperties", {} if not props else False)
        more: list[st.SearchStrategy[dict[str, Any]]] = []
        for pattern, value in patterns.items():
            keys = self.text({"type": "string", "pattern": pattern})
            more.append(st.dictionaries(keys, self.strategy(value, depth + 1), max_size=3))
        if isinstance(extra, dict) and not props and not patterns:
            keys = st.one_of(st.sampled_from(WORDS), st.text(_CHARS, min_size=1, max_size=6))
            more.append(st.dictionaries(keys, self.strategy(extra, depth + 1), max_size=3))
        base = st.fixed_dictionaries(fixed, optional=optional)
        if not more:
            return base
        return st.tuples(base, *more).map(_merge)

    def text(self, node: _Schema) -> st.SearchStrategy[str]:
        pattern = node.get("pattern")
        if node.get("format") == "date-time":
            return st.datetimes(
                datetime(1990, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)
            ).map(datetime.isoformat)
        if node.get("format") == "date":
            return st.dates(date(1990, 1, 1), date(2100, 12, 31)).map(date.isoformat)
        if pattern is None:
            low = node.get("minLength", 0)
            return st.one_of(
                st.sampled_from(WORDS), st.text(_CHARS, min_size=low, max_size=low + 8)
            )
        ecma = regress.Regex(pattern, "u")
        fitting = [w for w in WORDS if ecma.find(w) is not None]
        drawn = st.from_regex(pattern, fullmatch=True, alphabet=_CHARS).filter(
            lambda s: len(s) <= 64
        )
        return st.one_of(st.sampled_from(fitting), drawn) if fitting else drawn

    def number(self, node: _Schema) -> st.SearchStrategy[Any]:
        low = node.get("minimum", node.get("exclusiveMinimum"))
        high = node.get("maximum")
        low = Decimal(str(low)) if low is not None else Decimal(-5)
        high = Decimal(str(high)) if high is not None else low + 100_000
        values = st.decimals(low, high, places=2, allow_nan=False, allow_infinity=False)
        if "exclusiveMinimum" in node:
            values = values.filter(lambda v: v > low)
        # JSON has one kind of number: integral values as ints, others as exact text of a float.
        return values.map(lambda v: int(v) if v == v.to_integral_value() else float(v))


def _merge(parts: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in reversed(parts):
        merged.update(part)
    return merged


_START = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def events(draw: st.DrawFn, count: int = 6) -> list[dict[str, Any]]:
    """Raw events (purchases, refunds, activities, redemptions...) a host might send."""
    out: list[dict[str, Any]] = []
    moment = _START
    for index in range(draw(st.integers(1, count))):
        moment += timedelta(hours=draw(st.integers(1, 24 * 90)))
        kind = draw(
            st.sampled_from(
                [
                    "purchase",
                    "purchase",
                    "refund",
                    "activity",
                    "redemption",
                    "redemption_cancel",
                    "transfer",
                    "adjustment",
                    "benefit_use",
                    "tier_grant",
                    "points_extension",
                    "profile",
                ]
            )
        )
        event: dict[str, Any] = {"type": kind, "id": f"e{index}", "at": moment.isoformat()}
        amount = draw(st.sampled_from(["0", "0.01", "99.5", "1000", "123456.78"]))
        attributes = draw(
            st.dictionaries(
                st.sampled_from(["nights", "distance", "fare", "order", "stay"]),
                st.one_of(st.integers(-3, 5000), st.sampled_from(["3", "x", "2.5", "e0"])),
                max_size=2,
            )
        )
        if kind == "purchase":
            event |= {
                "currency": draw(st.sampled_from(["CNY", "CNY", "USD"])),
                "channel": draw(st.sampled_from(["app", "store", ""])),
                "lines": [{"id": "l1", "category": "general", "amount": amount}],
                "attributes": attributes,
            }
        elif kind == "refund":
            event |= {"order": f"e{draw(st.integers(0, max(index - 1, 0)))}"}
        elif kind == "activity":
            event |= {"kind": draw(st.sampled_from(EVENT_KINDS)), "attributes": attributes}
        elif kind == "redemption":
            event |= {"points": draw(st.integers(1, 5000))}
        elif kind == "redemption_cancel":
            event |= {"redemption": f"e{draw(st.integers(0, max(index - 1, 0)))}"}
        elif kind == "transfer":
            event |= {
                "direction": draw(st.sampled_from(["in", "out"])),
                "points": draw(st.integers(1, 5000)),
                "counterparty": "m2",
            }
        elif kind == "adjustment":
            event |= {"points": draw(st.integers(-500, 500)), "reason": "goodwill"}
        elif kind == "benefit_use":
            event |= {"benefit": draw(st.sampled_from(["gift", "lounge", "d"]))}
        elif kind == "tier_grant":
            event |= {"tier": draw(st.sampled_from(["silver", "gold", "basic"]))}
        elif kind == "points_extension":
            event |= {"months": draw(st.integers(1, 24))}
        else:
            event |= {"birthday": "1990-05-17"}
        out.append(event)
    return out
