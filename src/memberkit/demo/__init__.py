"""The demo: the bundled programme replayed over synthetic members, summarised as a report.

``synthetic_members`` makes a deterministic population (a seeded ``random.Random``);
``build_report`` replays it through a policy into a ``DemoReport``. ``memberkit demo`` prints it.
"""

from ._report import CurrencyFigures, DemoReport, MemberSummary, build_report
from ._synth import SyntheticMember, synthetic_members

__all__ = [
    "CurrencyFigures",
    "DemoReport",
    "MemberSummary",
    "SyntheticMember",
    "build_report",
    "synthetic_members",
]
