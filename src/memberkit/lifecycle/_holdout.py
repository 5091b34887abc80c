"""Checking a purchase model on the programme's own data: calibration against holdout.

Fit the model on the calibration period, then for each member compare the purchases the model
expects in the holdout period (given the member's calibration summary) with the purchases the
member actually made. Grouped by the number of repeat purchases in calibration (0, 1, ... and a
last open bucket), the two columns should be close; a model that is wrong for the programme shows
it here, bucket by bucket (Fader, Hardie & Lee 2005, figure 4, is this table for CDNOW).
The report streams: members are added one at a time into per-bucket totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .._errors import ModelError
from ._transactions import MemberSummary
from ._value import PurchaseModel

__all__ = ["HoldoutBucket", "HoldoutReport", "holdout_report"]


@dataclass(frozen=True, slots=True)
class HoldoutBucket:
    """Members with ``label`` repeat purchases in calibration: their holdout purchases."""

    label: str
    members: int
    actual: int
    expected: float

    @property
    def actual_mean(self) -> float:
        """Actual holdout purchases per member."""
        return self.actual / self.members if self.members else 0.0

    @property
    def expected_mean(self) -> float:
        """Expected holdout purchases per member."""
        return self.expected / self.members if self.members else 0.0


@dataclass(frozen=True, slots=True)
class HoldoutReport:
    """Expected against actual holdout purchases per calibration frequency, and in total."""

    model: PurchaseModel
    holdout_length: float
    buckets: tuple[HoldoutBucket, ...]

    @property
    def members(self) -> int:
        """Members in the report."""
        return sum(b.members for b in self.buckets)

    @property
    def actual(self) -> int:
        """Holdout purchases actually made."""
        return sum(b.actual for b in self.buckets)

    @property
    def expected(self) -> float:
        """Holdout purchases the model expected."""
        return sum(b.expected for b in self.buckets)

    def as_dict(self) -> dict[str, object]:
        """The report as JSON-ready data."""
        return {
            "model": self.model.model,
            "unit": self.model.unit,
            "parameters": self.model.named,
            "holdout_length": self.holdout_length,
            "members": self.members,
            "actual": self.actual,
            "expected": round(self.expected, 2),
            "buckets": [
                {
                    "repeat_purchases": b.label,
                    "members": b.members,
                    "actual": b.actual,
                    "expected": round(b.expected, 2),
                    "actual_mean": round(b.actual_mean, 4),
                    "expected_mean": round(b.expected_mean, 4),
                }
                for b in self.buckets
            ],
        }


def holdout_report(
    summaries: Iterable[MemberSummary], model: PurchaseModel, *, buckets: int = 8
) -> HoldoutReport:
    """Expected vs actual holdout purchases, by calibration repeat purchases 0 .. buckets-2 and
    a last bucket ``buckets-1+``. Every summary needs a holdout count and the model's unit."""
    if not 2 <= buckets <= 100:
        raise ModelError(f"buckets must be between 2 and 100 (got {buckets})")
    members = [0] * buckets
    actual = [0] * buckets
    expected = [0.0] * buckets
    length: float | None = None
    for s in summaries:
        if s.holdout_purchases is None or s.holdout_length is None:
            raise ModelError(f"member {s.member!r} has no holdout period: give holdout_end")
        if s.unit != model.unit:
            raise ModelError(
                f"the summaries are in {s.unit} but the model was fitted in {model.unit}"
            )
        if length is None:
            length = s.holdout_length
        elif s.holdout_length != length:
            raise ModelError("every member needs the same holdout period")
        i = min(s.x, buckets - 1)
        members[i] += 1
        actual[i] += s.holdout_purchases
        expected[i] += model.expected_purchases(s.holdout_length, s.x, s.t_x, s.T)
    if length is None:
        raise ModelError("no members to check the model on")
    rows = tuple(
        HoldoutBucket(str(i) if i < buckets - 1 else f"{i}+", members[i], actual[i], expected[i])
        for i in range(buckets)
    )
    return HoldoutReport(model, length, rows)
