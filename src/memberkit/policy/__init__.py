"""Policies: load a YAML programme, validate it with exact locations, compile it once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy_exports

if TYPE_CHECKING:
    from .._compiled import (
        CompiledProgram,
        Policy,
    )
    from ._document import (
        FORMAT_VERSION,
        PolicyDocument,
        policy_json_schema,
    )
    from ._load import (
        load_policy,
        parse_policy,
        validate_policy,
    )


__all__ = [  # noqa: RUF022 - plain sorted(), as tests/test_exported_members.py pins
    "CompiledProgram",
    "FORMAT_VERSION",
    "Policy",
    "PolicyDocument",
    "load_policy",
    "parse_policy",
    "policy_json_schema",
    "validate_policy",
]


_EXPORTS: dict[str, str] = {
    "CompiledProgram": ".._compiled",
    "FORMAT_VERSION": "._document",
    "Policy": ".._compiled",
    "PolicyDocument": "._document",
    "load_policy": "._load",
    "parse_policy": "._load",
    "policy_json_schema": "._document",
    "validate_policy": "._load",
}
"""Where each name lives; imported on first use (PEP 562), so importing the package is cheap."""


__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, __all__, globals())
