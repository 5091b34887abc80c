"""The policy document: the validated, frozen model of a whole policy file."""

from __future__ import annotations

import copy
import functools
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from .._docstrings import field_description
from .._figures import Figures
from .._program import ProgramSection
from ..benefits._model import BenefitsSection
from ..lifecycle._model import LifecycleSection
from ..points._model import PointsSection
from ..tiers._model import TiersSection
from ._renames import RenamesSection
from ._versions import VersionSection

__all__ = ["FORMAT_VERSION", "PolicyDocument", "policy_json_schema", "shared_schema"]

FORMAT_VERSION = 1
SCHEMA_ID = "https://memberkit.dev/schema/policy-1.json"


class PolicyDocument(BaseModel):
    """A whole policy: the programme and its parts. Parts a programme does not run are omitted."""

    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", title="memberkit policy"
    )

    memberkit: Literal[1] = Field(description="format version of the policy file")
    program: ProgramSection
    """who the programme is: its id, name, currency, timezone and locale"""
    tiers: TiersSection | None = None
    """the tier ladder and how members move on it, e.g. ``{ladder: [{id: basic}, {id: gold, qualify: {spend: 8000}}]}``; omit it for a programme without tiers"""
    points: PointsSection | None = None
    """earning, pending, expiry, redemption and transfer of points; omit it for a programme without points"""
    benefits: BenefitsSection | None = None
    """the benefits (权益) members have, by tier, with conditions and quotas, e.g. ``[{id: free-shipping, tiers: [gold]}]``"""
    lifecycle: LifecycleSection | None = None
    """lifecycle stages, RFM segments, BG/NBD parameters and audiences, e.g. ``{stages: [{id: new, when: {purchases: 0}}, {id: active}], default: active}``"""
    figures: Figures | None = Field(
        default=None,
        description="named figures of the member's history over a window, which conditions "
        "read as ``figure.<name>``, e.g. ``{orders_this_month: {measure: orders, window: "
        "calendar_month}}``",
    )
    renames: RenamesSection | None = Field(
        default=None,
        description=(
            "ids the previous edition of this file used -> ids it uses now, for member states "
            "stored under it, e.g. ``{tiers: {gold: vip}, currencies: {stars: beans}}``"
        ),
        examples=[{"tiers": {"gold": "vip"}}],
    )
    versions: tuple[VersionSection, ...] = Field(
        default=(),
        description="later editions of the sections, oldest first, each with its effective_from, "
        "e.g. ``[{effective_from: 2027-01-01, announced: 2026-11-15, benefits: [...]}]``",
    )


DECIMAL_TEXT_PATTERN = r"^\s*[+-]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)([eE][+-]?\d+)?\s*$"
"""A decimal written as text (``"0.95"``), as the loader reads it; ECMA-262 valid for editors."""


class _PolicySchema(GenerateJsonSchema):
    """pydantic's schema, with decimals written as text checked as numbers (not any string)."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        """The model's schema, each field described by the docstring under it unless ``Field``
        describes it (models do not read their docstrings at import: see ``_docstrings``)."""
        found = super().model_schema(schema)
        properties = found.get("properties")
        if not isinstance(properties, dict):
            return found
        model = schema["cls"]
        for name, info in model.model_fields.items():
            alias = info.validation_alias if isinstance(info.validation_alias, str) else None
            key = alias or info.alias or name
            about = properties.get(key)
            if info.description is not None or not isinstance(about, dict):
                continue
            text = field_description(model, name, None)
            if text is not None:
                properties[key] = _described(about, text)
        return found

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        found = super().decimal_schema(schema)
        for option in found.get("anyOf", ()):
            if option.get("type") == "string" and "pattern" not in option:
                option["pattern"] = DECIMAL_TEXT_PATTERN
        return found


def _described(about: dict[str, Any], text: str) -> dict[str, Any]:
    """A property's schema with its description where pydantic writes a field's description
    (before the title that the property's schema is given last)."""
    if "description" in about:
        # A field's description replaces the one its type's schema gives.
        return {**about, "description": text}
    out: dict[str, Any] = {}
    for key, value in about.items():
        if key == "title":
            out["description"] = text
        out[key] = value
    out.setdefault("description", text)
    return out


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema of the policy format, for editors (yaml-language-server) and CI."""
    return copy.deepcopy(shared_schema())


@functools.cache
def shared_schema() -> dict[str, Any]:
    """The schema built once (pydantic takes ~0.2 s), shared: callers must not change it."""
    schema = PolicyDocument.model_json_schema(mode="validation", schema_generator=_PolicySchema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
