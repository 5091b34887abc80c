"""Policies: load a YAML programme, validate it with exact locations, compile it once."""

from .._compiled import CompiledProgram, Policy
from ._document import FORMAT_VERSION, PolicyDocument, policy_json_schema
from ._load import load_policy, parse_policy, validate_policy

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
