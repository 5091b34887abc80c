"""memberkit's answers as JSON: reasons keep their code, path and parameters, plus the text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from memberkit import LocalizedText, Money, Outcome, Reason

__all__ = ["jsonable", "outcome_json", "reason_json"]


def jsonable(value: object) -> Any:
    """Plain JSON data from memberkit values: Decimals and Money as strings, names per locale."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        # Strings, not floats: a client must get back exactly the amount memberkit computed.
        return str(value)
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, LocalizedText):
        return dict(value.texts)
    if isinstance(value, Reason):
        return reason_json(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list | frozenset | set):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, frozenset | set) else items
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    return str(value)


def reason_json(reason: Reason) -> dict[str, Any]:
    """A reason as ``{code, path, params}``."""
    return {"code": reason.code, "path": reason.path, "params": jsonable(reason.params)}


def outcome_json(outcome: Outcome, locale: str | None) -> dict[str, Any]:
    """What one event did, for machines (reasons) and people (explanation)."""
    return {
        "event_id": outcome.event_id,
        "accepted": outcome.accepted,
        "duplicate": outcome.duplicate,
        "refused": outcome.refused,
        "reasons": [reason_json(r) for r in outcome.reasons],
        "explanation": outcome.explain(locale),
    }
