"""RFM: recency, frequency and monetary scores over a population, and named segments.

Scores are n-tiles (5 by default) with 5 = best on every axis: the most recent, the most frequent,
the biggest spenders. Recency is inverted (fewer days since the last purchase scores higher).

Tie rule: equal values share a score. A member's score is ``1 + floor(n × below ÷ N)``, where
``below`` counts the members whose value is strictly worse and N is the population, so a value
shared by many members never splits across scores and the best value scores n only if it is
better than at least (n-1)/n of the population. A member who has never bought has no recency:
they rank below every buyer (the worst recency), with frequency 0 and monetary 0.

Scoring needs the whole population (a score is a rank), so the figures of each member are kept:
a few numbers per member, never the states themselves.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from .._decision import Explained
from .._limits import memberkit_context
from .._money import Money
from .._paths import format_path
from .._reasons import LocalizedText, Reason
from .._state import MemberState
from ..rules import Facts
from ._access import aware, lifecycle_of
from ._compile import CompiledLifecycle, CompiledRule
from ._summaries import figures

if TYPE_CHECKING:
    from .._compiled import Policy

__all__ = ["RfmInput", "RfmScore", "ntile_scores", "rfm_inputs", "rfm_scores", "segment_of"]

_NO_PURCHASE = float("inf")


def ntile_scores(values: Sequence[float | int | Decimal], n: int = 5) -> list[int]:
    """The n-tile score (1..n, n = highest values) of each value; equal values share a score."""
    if n < 1:
        raise ValueError("n must be at least 1")
    ordered = sorted(values)
    size = len(ordered)
    return [1 + (n * bisect.bisect_left(ordered, v)) // size for v in values]


@dataclass(frozen=True, slots=True)
class RfmInput:
    """One member's RFM figures: days since the last purchase (None if never), count, spend."""

    member_id: str
    recency_days: int | None
    frequency: int
    monetary: Decimal


@dataclass(frozen=True, slots=True)
class RfmScore(Explained):
    """One member's scores (n best), the segment they fall in and why."""

    member_id: str
    recency_days: int | None
    frequency: int
    monetary: Decimal
    r: int
    f: int
    m: int
    segment: str | None
    name: LocalizedText | None
    ntiles: int
    currency: str
    segment_path: str = ""
    default_locale: str = "en"

    @property
    def cell(self) -> str:
        """The three scores as digits, recency first (``"545"``)."""
        return f"{self.r}{self.f}{self.m}"

    @property
    def reasons(self) -> tuple[Reason, ...]:  # type: ignore[override]
        """The scores with the figures they came from, then the segment.

        Built when asked for: scoring a population of millions should not build millions of
        explanations nobody reads.
        """
        out = [
            Reason.of(
                "lifecycle.rfm_scores",
                format_path(("lifecycle", "rfm")),
                r=self.r,
                f=self.f,
                m=self.m,
                ntiles=self.ntiles,
                recency_days=self.recency_days,
                frequency=self.frequency,
                monetary=Money(self.monetary, self.currency),
            )
        ]
        if self.name is not None:
            out.append(Reason.of("lifecycle.rfm_segment", self.segment_path, segment=self.name))
        return tuple(out)


def _input(compiled: CompiledLifecycle, state: MemberState, as_of: datetime) -> RfmInput:
    figs = figures(
        state,
        as_of,
        compiled.info.tz,
        window=compiled.window,
        churn_gap_days=compiled.churn_gap_days,
        same_day="merge" if compiled.same_day == "merge" else "keep",
    )
    return RfmInput(state.member_id, figs.recency_days, figs.frequency, figs.monetary)


def rfm_inputs(
    policy: Policy, states: Iterable[MemberState], as_of: datetime
) -> Iterator[RfmInput]:
    """The RFM figures of each member at ``as_of`` (window and same-day rule from the policy)."""
    aware(as_of)
    compiled = lifecycle_of(policy, as_of)
    for state in states:
        yield _input(compiled, state, as_of)


def segment_of(compiled: CompiledLifecycle, r: int, f: int, m: int) -> CompiledRule | None:
    """The first segment whose condition holds for the scores, else the default segment."""
    facts = _score_facts(compiled, r, f, m)
    for segment in compiled.segments:
        if segment.predicate is not None and segment.predicate(facts):
            return segment
    return compiled.default_segment


def _score_facts(compiled: CompiledLifecycle, r: int, f: int, m: int) -> Facts:
    values = {"r": r, "f": f, "m": m, "fm": Decimal(f + m) / 2, "rfm": f"{r}{f}{m}"}
    # Scores do not depend on the moment; any aware instant serves the time fields.
    return Facts(at=_EPOCH, values=values)


_EPOCH = datetime.fromisoformat("2000-01-01T00:00:00+00:00")


@memberkit_context
def rfm_scores(
    policy: Policy,
    states: Iterable[MemberState] | Iterable[RfmInput],
    as_of: datetime,
) -> tuple[RfmScore, ...]:
    """RFM scores and segments of a population at ``as_of``, in the order given.

    ``states`` may be member states or precomputed ``RfmInput`` figures (from ``rfm_inputs`` or
    the host's warehouse).
    """
    aware(as_of)
    compiled = lifecycle_of(policy, as_of)
    inputs = [
        item if isinstance(item, RfmInput) else _input(compiled, item, as_of) for item in states
    ]
    if not inputs:
        return ()
    n = compiled.ntiles
    # Inverted recency: a larger value is better, a member who never bought is the worst.
    recency = [-(_NO_PURCHASE if i.recency_days is None else float(i.recency_days)) for i in inputs]
    r_scores = ntile_scores(recency, n)
    f_scores = ntile_scores([i.frequency for i in inputs], n)
    m_scores = ntile_scores([i.monetary for i in inputs], n)
    cache: dict[tuple[int, int, int], CompiledRule | None] = {}
    currency = compiled.info.currency
    out: list[RfmScore] = []
    for item, r, f, m in zip(inputs, r_scores, f_scores, m_scores, strict=True):
        key = (r, f, m)
        if key not in cache:
            cache[key] = segment_of(compiled, r, f, m)
        segment = cache[key]
        out.append(
            RfmScore(
                member_id=item.member_id,
                recency_days=item.recency_days,
                frequency=item.frequency,
                monetary=item.monetary,
                r=r,
                f=f,
                m=m,
                segment=segment.id if segment is not None else None,
                name=segment.name if segment is not None else None,
                ntiles=n,
                currency=currency,
                segment_path=segment.path if segment is not None else "",
                default_locale=compiled.info.locale,
            )
        )
    return tuple(out)
