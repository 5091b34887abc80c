"""The behaviour every decision shares: structured reasons, and text rendered from them.

Working out the reasons of a query (the figures in words, the thresholds held, the next review)
costs more than the answer itself, and most callers read only the answer. A decision may
therefore be built with ``later(build)`` in place of its reasons: ``build`` runs, in memberkit's
decimal context, the first time ``reasons`` (or ``explain``, equality, ``repr``, pickling) reads
them, and its result is kept. Reading gives exactly what building them at once would have.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import localcontext
from typing import Any, TypeVar

from . import i18n
from ._limits import CONTEXT
from ._reasons import Reason

__all__ = ["Explained", "later", "reasons_read_later"]

_T = TypeVar("_T", bound=type)


class Explained:
    """Mixin for decisions: ``reasons`` for machines, ``explain(locale)`` for people.

    Subclasses are frozen dataclasses with ``reasons`` and ``default_locale`` fields.
    """

    __slots__ = ()
    reasons: tuple[Reason, ...]
    default_locale: str

    def explain(self, locale: str | None = None) -> str:
        """The reasons as text in ``locale`` (the programme's default locale when omitted)."""
        chosen = locale or self.default_locale
        return i18n.explain(self.reasons, chosen, default_locale=self.default_locale)


class _Later(tuple[Reason, ...]):
    """Stands in for reasons not built yet: an empty tuple holding how to build them."""

    build: Callable[[], Iterable[Reason]]


def later(build: Callable[[], Iterable[Reason]]) -> tuple[Reason, ...]:
    """Reasons built by ``build`` when first read (for a class marked ``reasons_read_later``)."""
    found = _Later()
    found.build = build
    return found


class _ReadLater:
    """The ``reasons`` slot of a decision class, building deferred reasons on first read."""

    __slots__ = ("_slot",)

    def __init__(self, slot: Any) -> None:
        self._slot = slot

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self._slot.__get__(obj, owner)
        if type(value) is _Later:
            with localcontext(CONTEXT):
                value = tuple(value.build())
            self._slot.__set__(obj, value)
        return value

    def __set__(self, obj: object, value: object) -> None:
        self._slot.__set__(obj, value)


def reasons_read_later(cls: _T) -> _T:
    """Let instances of the (slotted, frozen) dataclass ``cls`` take ``later(...)`` reasons."""
    setattr(cls, "reasons", _ReadLater(cls.__dict__["reasons"]))  # noqa: B010 - on a class
    return cls
