"""The demo: the bundled programme replayed over synthetic members, summarised as a report.

``synthetic_members`` makes a deterministic population (a seeded ``random.Random``);
``build_report`` replays it through a policy into a ``DemoReport``. ``memberkit demo`` prints it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._report import (
        CurrencyFigures,
        DemoReport,
        MemberSummary,
        build_report,
    )
    from ._synth import (
        SyntheticMember,
        synthetic_members,
    )


__all__ = [
    "CurrencyFigures",
    "DemoReport",
    "MemberSummary",
    "SyntheticMember",
    "build_report",
    "synthetic_members",
]


_EXPORTS: dict[str, str] = {
    "CurrencyFigures": "._report",
    "DemoReport": "._report",
    "MemberSummary": "._report",
    "SyntheticMember": "._synth",
    "build_report": "._report",
    "synthetic_members": "._synth",
}
"""Where each name lives; imported on first use (PEP 562), so importing the package is cheap."""


def __getattr__(name: str) -> Any:
    """Import a name from its module on first use and keep it here."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
