"""The `tiers:` section of a policy."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["TiersSection"]


class TiersSection(BaseModel):
    """The tiers section (placeholder until the part lands)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
