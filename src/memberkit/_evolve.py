"""Copies of frozen records with some fields changed, without the generic machinery per call.

Every event makes new member-state records (a dozen copies an event). ``dataclasses.replace``
walks the class's field objects and runs the generated ``__init__`` on every call; for a record
whose ``__init__`` only stores its fields, the copy is the same done from a plan worked out once
per class: a new object with the changed fields and the others taken over. A class whose
construction does more (``__post_init__``, fields outside ``__init__``) is copied by
``dataclasses.replace`` itself, so the result is always what the constructor would give.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

__all__ = ["replace"]

T = TypeVar("T")

_set = object.__setattr__
_new = object.__new__

_PLANS: dict[type, tuple[tuple[str, ...], frozenset[str]] | None] = {}


def _plan(cls: type) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """The field names of ``cls`` when its construction only stores them (None: it does more)."""
    fields = dataclasses.fields(cls)  # a TypeError for anything but a dataclass
    declared = len(getattr(cls, "__dataclass_fields__", {}))
    if hasattr(cls, "__post_init__") or declared != len(fields) or not all(f.init for f in fields):
        # More than stored fields: a __post_init__, init-only variables or computed fields.
        return None
    names = tuple(f.name for f in fields)
    return names, frozenset(names)


def replace(obj: T, /, **changes: Any) -> T:
    """``obj`` with ``changes`` (field name to value), as ``dataclasses.replace`` gives it."""
    cls = type(obj)
    try:
        plan = _PLANS[cls]
    except KeyError:
        plan = _PLANS.setdefault(cls, _plan(cls))
    if plan is None:
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    names, known = plan
    if not known.issuperset(changes):
        unknown = sorted(set(changes) - known)
        raise TypeError(f"{cls.__name__} has no field(s) {', '.join(unknown)}")
    new = _new(cls)
    for name in names:
        _set(new, name, changes[name] if name in changes else getattr(obj, name))
    return new
