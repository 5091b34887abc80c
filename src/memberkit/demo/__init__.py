"""The demo: the bundled programme replayed over synthetic members, summarised as a report.

``synthetic_members`` makes a deterministic population (a seeded ``random.Random``);
``build_report`` replays it through a policy into a ``DemoReport``. ``memberkit demo`` prints it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy_exports

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


__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, __all__, globals())
