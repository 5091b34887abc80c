"""The `points:` section of a policy."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["PointsSection"]


class PointsSection(BaseModel):
    """The points section (placeholder until the part lands)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
