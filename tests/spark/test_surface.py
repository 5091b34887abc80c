"""memberkit.spark's public surface: a sorted __all__ with a docstring on every export."""

from __future__ import annotations

import importlib

import pytest

pytestmark = pytest.mark.usefixtures("spark_installed")


def test_all_is_sorted_and_documented() -> None:
    """memberkit.spark exports a sorted __all__, and each function or class says what it does."""
    module = importlib.import_module("memberkit.spark")
    exported = list(module.__all__)
    assert exported == sorted(exported)
    assert exported == [
        "AUDIENCE_COLUMNS",
        "ERROR_COLUMNS",
        "KPI_COLUMNS",
        "MEMBER_STATE_COLUMNS",
        "Night",
        "audience_members",
        "event_line",
        "kpi_rows",
        "programme_kpis_table",
        "replay_members",
    ]
    for name in exported:
        obj = getattr(module, name)
        if callable(obj) and not isinstance(obj, type(module.MEMBER_STATE_COLUMNS)):
            assert (obj.__doc__ or "").strip(), name
