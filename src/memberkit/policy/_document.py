"""The policy document: the validated, frozen model of a whole policy file."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .._program import ProgramSection
from ..benefits._model import BenefitsSection
from ..lifecycle._model import LifecycleSection
from ..points._model import PointsSection
from ..tiers._model import TiersSection
from ._renames import RenamesSection
from ._versions import VersionSection

__all__ = ["FORMAT_VERSION", "PolicyDocument", "policy_json_schema"]

FORMAT_VERSION = 1
SCHEMA_ID = "https://memberkit.dev/schema/policy-1.json"


class PolicyDocument(BaseModel):
    """A whole policy: the programme and its parts. Parts a programme does not run are omitted."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="memberkit policy")

    memberkit: Literal[1] = Field(description="format version of the policy file")
    program: ProgramSection
    tiers: TiersSection | None = None
    points: PointsSection | None = None
    benefits: BenefitsSection | None = None
    lifecycle: LifecycleSection | None = None
    renames: RenamesSection | None = Field(
        default=None,
        description=(
            "ids the previous edition of this file used -> ids it uses now, for member states "
            "stored under it: {tiers: {gold: vip}, currencies: {stars: beans}}"
        ),
    )
    versions: tuple[VersionSection, ...] = Field(
        default=(),
        description="later editions of the sections, oldest first, each with its effective_from",
    )


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema of the policy format, for editors (yaml-language-server) and CI."""
    schema = PolicyDocument.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
