"""Field types a member state read back from storage must satisfy beyond Python's own types.

The engine compares and subtracts every moment of a state with event times, so a naive datetime
(read as the server's zone on one machine and another zone on the next) or an empty id (which no
event can name) would surface later as a TypeError or a silent mismatch. The state dataclasses
annotate their fields with these types; pydantic checks them when ``state_from_json`` reads a
state, and the error names the field (``orders.3.at``). Building a state in Python is unaffected.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, AwareDatetime, StringConstraints

from ._limits import MAX_DERIVED_YEAR, year_problem

__all__ = ["StateId", "StateMoment"]


def _supported(value: datetime) -> datetime:
    # Not the input bound: a state holds moments derived from input (expiries, grant ends).
    problem = year_problem(value, MAX_DERIVED_YEAR)
    if problem is not None:
        raise ValueError(problem)
    return value


if TYPE_CHECKING:  # pydantic's AwareDatetime reads as Any to mypy; the value is a datetime
    StateMoment = datetime
else:
    StateMoment = Annotated[AwareDatetime, AfterValidator(_supported)]
    """A moment in a stored state: with a timezone offset, between 1900 and 8999."""

StateId = Annotated[str, StringConstraints(min_length=1)]
"""An id in a stored state (a member, an order, a line, a lot): never empty."""
