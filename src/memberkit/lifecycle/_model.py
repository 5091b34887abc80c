"""The `lifecycle:` section of a policy."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["LifecycleSection"]


class LifecycleSection(BaseModel):
    """The lifecycle section (placeholder until the part lands)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
